package de.datenhafen.plugins.airquality;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The plugin's read side, kept in its schema from {@code air.reading} events: raw readings, the latest reading per
 * room (also in memory, for the all-sites call), 20-minute buckets, daily statistics per room, and CO2 alert
 * episodes. {@link #apply} is called by one subscription consumer at a time, one batch of events per transaction
 * (the consumer's {@code maxBatch}), and is idempotent: a reading seen before (same room and second) changes nothing,
 * so redelivery and replay are safe.
 *
 * <p>Alerts follow the readings' own times. A reading newer than the room's newest steps the room's alert state;
 * an older one (late, or replayed out of order) recomputes the episodes around it from the stored readings. Stored
 * episodes are never withdrawn: a late reading can end an episode earlier or start one, not un-raise one.
 */
final class Projections {

    /** Seconds of 2020-01-01T00:00:00Z since the epoch: stored times count from here, in an INT. */
    static final long T0 = 1_577_836_800L;
    static final int BUCKET = 1200;
    /** Only complete raw rows count for alerts (see V2: a SensorThings Observation may leave a row partial). */
    private static final String COMPLETE = "AND temp IS NOT NULL AND hum IS NOT NULL ";

    record Latest(int t, int co2, int temp, int hum, Integer pres) {
        Instant time() {
            return instant(t);
        }
    }

    /** A change of an alert episode that is not on the bus yet. */
    record AlertChange(int roomKey, boolean raised, int since, int at, int peak) {
    }

    /**
     * The incoming reading, as the consumer decoded it from the event. CO2, temperature and humidity are null only in
     * a partial reading (a SensorThings Observation carries one quantity).
     */
    record In(int roomKey, Instant time, Double co2, Double temperature, Double humidity, Double pressure) {
        boolean complete() {
            return co2 != null && temperature != null && humidity != null;
        }
    }

    private final DataSource db;
    private final Registry registry;
    private final Map<Integer, Latest> latest = new ConcurrentHashMap<>();
    private final Map<Integer, RunState> runs = new ConcurrentHashMap<>();
    private volatile Bands bands = Bands.DEFAULT;
    private volatile ZoneId zone = ZoneId.of("Europe/Berlin");

    /** The alert state at a room's newest reading. */
    private static final class RunState {
        int lastT;
        Integer runSince;
        Integer alertSince;
        int peak;
    }

    Projections(DataSource db, Registry registry) {
        this.db = db;
        this.registry = registry;
        try (Connection c = db.getConnection(); PreparedStatement q = c.prepareStatement(
            "SELECT room_key, t, co2, temp, hum, pres FROM latest"); ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                latest.put(rs.getInt(1), new Latest(rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5),
                    (Integer) rs.getObject(6, Integer.class)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the latest readings: " + e.getMessage(), e);
        }
    }

    void configure(Bands bands, ZoneId zone) {
        this.bands = bands;
        this.zone = zone;
        runs.clear();
    }

    Bands bands() {
        return bands;
    }

    ZoneId zone() {
        return zone;
    }

    Map<Integer, Latest> latest() {
        return latest;
    }

    static int seconds(Instant t) {
        return Math.toIntExact(t.getEpochSecond() - T0);
    }

    static Instant instant(long t) {
        return Instant.ofEpochSecond(T0 + t);
    }

    int day(int bucket) {
        return (int) LocalDate.ofInstant(instant((long) bucket * BUCKET), zone).toEpochDay();
    }

    /** Stores one reading and everything derived from it; returns the alert changes not yet on the bus. */
    List<AlertChange> apply(In r) throws SQLException {
        return apply(List.of(r));
    }

    /**
     * Stores the readings, in list order, and everything derived from them, in one transaction: all or none. Returns
     * the alert changes not yet on the bus, per room in the order the rooms first appear. The same readings give the
     * same projections whether applied one by one or together, since each is applied on top of the ones before it.
     */
    List<AlertChange> apply(List<In> readings) throws SQLException {
        Map<Integer, Latest> previous = new java.util.LinkedHashMap<>();
        for (In r : readings) {
            if (!previous.containsKey(r.roomKey())) {
                previous.put(r.roomKey(), latest.get(r.roomKey()));
            }
        }
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (In r : readings) {
                    store(c, r);
                }
                List<AlertChange> pending = new ArrayList<>();
                for (int room : previous.keySet()) {
                    pending.addAll(pendingAlerts(c, room));
                }
                c.commit();
                return pending;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                previous.forEach((room, before) -> {
                    runs.remove(room);
                    if (before == null) {
                        latest.remove(room);
                    } else {
                        latest.put(room, before);
                    }
                });
                throw e;
            }
        }
    }

    /** One reading's part of {@link #apply}, in the caller's transaction. */
    private void store(Connection c, In r) throws SQLException {
        int t = seconds(r.time());
        Integer co2 = scaled(r.co2(), 1);
        Integer temp = scaled(r.temperature(), 100);
        Integer hum = scaled(r.humidity(), 10);
        Integer pres = scaled(r.pressure(), 10);
        Latest complete = r.complete() && insertReading(c, r.roomKey(), t, co2, temp, hum, pres)
            ? new Latest(t, co2, temp, hum, pres) : null;
        if (complete == null) {
            // a partial reading, or a second one for the same room and second: fill in what is missing
            complete = merge(c, r.roomKey(), t, co2, temp, hum, pres);
        }
        if (complete != null) {
            updateLatest(c, r.roomKey(), complete);
            updateBucket(c, r.roomKey(), t, complete.co2(), complete.temp(), complete.hum(), complete.pres());
            updateAlerts(c, r.roomKey(), t, complete.co2());
        }
    }

    private static Integer scaled(Double v, int scale) {
        return v == null ? null : (int) Math.round(v * scale);
    }

    /**
     * Adds the given quantities to the raw row of (room, t), creating it if needed, without overwriting any stored
     * value. Returns the row when this made it complete (CO2, temperature and humidity), so it now counts for the
     * derived projections; null otherwise (still partial, or complete before: a duplicate).
     */
    private static Latest merge(Connection c, int room, int t, Integer co2, Integer temp, Integer hum, Integer pres)
        throws SQLException {
        Integer[] old = null;
        try (PreparedStatement q = c.prepareStatement(
            "SELECT co2, temp, hum, pres FROM reading WHERE room_key = ? AND t = ?")) {
            q.setInt(1, room);
            q.setInt(2, t);
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    old = new Integer[] {(Integer) rs.getObject(1, Integer.class),
                        (Integer) rs.getObject(2, Integer.class), (Integer) rs.getObject(3, Integer.class),
                        (Integer) rs.getObject(4, Integer.class)};
                }
            }
        }
        if (old == null) {
            insertReading(c, room, t, co2, temp, hum, pres);
            return null;
        }
        Integer[] now = {old[0] != null ? old[0] : co2, old[1] != null ? old[1] : temp,
            old[2] != null ? old[2] : hum, old[3] != null ? old[3] : pres};
        if (java.util.Arrays.equals(old, now)) {
            return null;
        }
        try (PreparedStatement up = c.prepareStatement(
            "UPDATE reading SET co2 = ?, temp = ?, hum = ?, pres = ? WHERE room_key = ? AND t = ?")) {
            for (int i = 0; i < 4; i++) {
                setInt(up, i + 1, now[i]);
            }
            up.setInt(5, room);
            up.setInt(6, t);
            up.executeUpdate();
        }
        boolean wasComplete = old[0] != null && old[1] != null && old[2] != null;
        boolean isComplete = now[0] != null && now[1] != null && now[2] != null;
        return !wasComplete && isComplete ? new Latest(t, now[0], now[1], now[2], now[3]) : null;
    }

    private static boolean insertReading(Connection c, int room, int t, Integer co2, Integer temp, Integer hum,
                                         Integer pres) throws SQLException {
        try (PreparedStatement in = c.prepareStatement(
            "INSERT INTO reading (room_key, t, co2, temp, hum, pres) VALUES (?, ?, ?, ?, ?, ?)")) {
            in.setInt(1, room);
            in.setInt(2, t);
            setInt(in, 3, co2);
            setInt(in, 4, temp);
            setInt(in, 5, hum);
            setInt(in, 6, pres);
            in.executeUpdate();
            return true;
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    private void updateLatest(Connection c, int room, Latest l) throws SQLException {
        Latest before = latest.get(room);
        if (before != null && before.t() > l.t()) {
            return;
        }
        try (PreparedStatement up = c.prepareStatement(
            "UPDATE latest SET t = ?, co2 = ?, temp = ?, hum = ?, pres = ? WHERE room_key = ?")) {
            up.setInt(1, l.t());
            up.setInt(2, l.co2());
            up.setInt(3, l.temp());
            up.setInt(4, l.hum());
            setInt(up, 5, l.pres());
            up.setInt(6, room);
            if (up.executeUpdate() == 0) {
                try (PreparedStatement in = c.prepareStatement(
                    "INSERT INTO latest (t, co2, temp, hum, pres, room_key) VALUES (?, ?, ?, ?, ?, ?)")) {
                    in.setInt(1, l.t());
                    in.setInt(2, l.co2());
                    in.setInt(3, l.temp());
                    in.setInt(4, l.hum());
                    setInt(in, 5, l.pres());
                    in.setInt(6, room);
                    in.executeUpdate();
                }
            }
        }
        // shown before the commit, for a moment; a rollback puts the previous one back (see apply)
        latest.put(room, l);
    }

    private void updateBucket(Connection c, int room, int t, int co2, int temp, int hum, Integer pres)
        throws SQLException {
        int bucket = Math.floorDiv(t, BUCKET);
        Bands.Co2 band = bands.co2(co2);
        int n = 0;
        int g = 0;
        int y = 0;
        int red = 0;
        boolean exists;
        try (PreparedStatement q = c.prepareStatement(
            "SELECT n, n_green, n_yellow, n_red FROM avg20 WHERE room_key = ? AND bucket = ?")) {
            q.setInt(1, room);
            q.setInt(2, bucket);
            try (ResultSet rs = q.executeQuery()) {
                exists = rs.next();
                if (exists) {
                    n = rs.getInt(1);
                    g = rs.getInt(2);
                    y = rs.getInt(3);
                    red = rs.getInt(4);
                }
            }
        }
        int pn = pres == null ? 0 : 1;
        int ps = pres == null ? 0 : pres;
        int dg = band == Bands.Co2.GREEN ? 1 : 0;
        int dy = band == Bands.Co2.YELLOW ? 1 : 0;
        int dr = band == Bands.Co2.RED ? 1 : 0;
        if (exists) {
            try (PreparedStatement up = c.prepareStatement("UPDATE avg20 SET n = n + 1, co2_sum = co2_sum + ?, "
                + "co2_max = GREATEST(co2_max, ?), temp_sum = temp_sum + ?, hum_sum = hum_sum + ?, "
                + "pres_sum = pres_sum + ?, pres_n = pres_n + ?, n_green = n_green + ?, n_yellow = n_yellow + ?, "
                + "n_red = n_red + ? WHERE room_key = ? AND bucket = ?")) {
                int i = 1;
                up.setInt(i++, co2);
                up.setInt(i++, co2);
                up.setInt(i++, temp);
                up.setInt(i++, hum);
                up.setInt(i++, ps);
                up.setInt(i++, pn);
                up.setInt(i++, dg);
                up.setInt(i++, dy);
                up.setInt(i++, dr);
                up.setInt(i++, room);
                up.setInt(i, bucket);
                up.executeUpdate();
            }
        } else {
            try (PreparedStatement in = c.prepareStatement("INSERT INTO avg20 (room_key, bucket, n, co2_sum, co2_max, "
                + "temp_sum, hum_sum, pres_sum, pres_n, n_green, n_yellow, n_red) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                int i = 1;
                in.setInt(i++, room);
                in.setInt(i++, bucket);
                in.setInt(i++, co2);
                in.setInt(i++, co2);
                in.setInt(i++, temp);
                in.setInt(i++, hum);
                in.setInt(i++, ps);
                in.setInt(i++, pn);
                in.setInt(i++, dg);
                in.setInt(i++, dy);
                in.setInt(i, dr);
                in.executeUpdate();
            }
        }
        // The bucket's 20 minutes are shared among the bands by its readings; the day gets the change in shares.
        double oldG = n == 0 ? 0 : 20.0 * g / n;
        double oldY = n == 0 ? 0 : 20.0 * y / n;
        double oldR = n == 0 ? 0 : 20.0 * red / n;
        double newG = 20.0 * (g + dg) / (n + 1);
        double newY = 20.0 * (y + dy) / (n + 1);
        double newR = 20.0 * (red + dr) / (n + 1);
        int day = day(bucket);
        try (PreparedStatement up = c.prepareStatement("UPDATE daily SET n = n + 1, co2_sum = co2_sum + ?, "
            + "co2_max = GREATEST(co2_max, ?), temp_sum = temp_sum + ?, hum_sum = hum_sum + ?, "
            + "min_green = min_green + ?, min_yellow = min_yellow + ?, min_red = min_red + ? "
            + "WHERE room_key = ? AND day_no = ?")) {
            int i = 1;
            up.setInt(i++, co2);
            up.setInt(i++, co2);
            up.setInt(i++, temp);
            up.setInt(i++, hum);
            up.setDouble(i++, newG - oldG);
            up.setDouble(i++, newY - oldY);
            up.setDouble(i++, newR - oldR);
            up.setInt(i++, room);
            up.setInt(i, day);
            if (up.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement in = c.prepareStatement("INSERT INTO daily (room_key, day_no, n, co2_sum, co2_max, "
            + "temp_sum, hum_sum, min_green, min_yellow, min_red) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?)")) {
            int i = 1;
            in.setInt(i++, room);
            in.setInt(i++, day);
            in.setInt(i++, co2);
            in.setInt(i++, co2);
            in.setInt(i++, temp);
            in.setInt(i++, hum);
            in.setDouble(i++, newG);
            in.setDouble(i++, newY);
            in.setDouble(i, newR);
            in.executeUpdate();
        }
    }

    private void updateAlerts(Connection c, int room, int t, int co2) throws SQLException {
        AlertRule rule = new AlertRule(bands.alertCo2Above(), bands.alertAfter().toSeconds(),
            bands.alertMaxGap().toSeconds());
        RunState s = runs.get(room);
        if (s != null && t > s.lastT) {
            step(c, room, s, rule, t, co2);
            return;
        }
        // Late, replayed out of order, or the room's state is not in memory: recompute around this reading.
        int threshold = (int) Math.floor(rule.threshold());
        Integer from = scalar(c, "SELECT t FROM reading WHERE room_key = ? AND t < ? AND co2 <= ? "
            + COMPLETE + "ORDER BY t DESC FETCH FIRST 1 ROW ONLY", room, t, threshold);
        Integer to = scalar(c, "SELECT t FROM reading WHERE room_key = ? AND t > ? AND co2 <= ? "
            + COMPLETE + "ORDER BY t FETCH FIRST 1 ROW ONLY", room, t, threshold);
        List<AlertRule.Sample> slice = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(
            "SELECT t, co2 FROM reading WHERE room_key = ? AND t >= ? AND t <= ? AND co2 IS NOT NULL " + COMPLETE
                + "ORDER BY t")) {
            q.setInt(1, room);
            q.setInt(2, from == null ? Integer.MIN_VALUE : from);
            q.setInt(3, to == null ? Integer.MAX_VALUE : to);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    slice.add(new AlertRule.Sample(rs.getInt(1), rs.getInt(2)));
                }
            }
        }
        Integer openAlert = null;
        for (AlertRule.Episode ep : rule.episodes(slice)) {
            int end = ep.clearedAt() == null ? Integer.MAX_VALUE : ep.clearedAt();
            Integer stored = scalar(c, "SELECT since FROM alert WHERE room_key = ? AND since >= ? AND since < ? "
                + "ORDER BY since FETCH FIRST 1 ROW ONLY", room, ep.since(), end);
            if (stored == null) {
                insertAlert(c, room, ep.since(), ep.raisedAt(), ep.clearedAt(), ep.peak());
                stored = ep.since();
            } else if (ep.clearedAt() != null) {
                clearAlert(c, room, stored, ep.clearedAt(), ep.peak());
            }
            if (ep.clearedAt() == null) {
                openAlert = stored;
            }
        }
        if (to == null) {
            // the slice reaches the room's newest reading: its end is the state to step from
            RunState fresh = new RunState();
            fresh.lastT = Integer.MIN_VALUE;
            for (AlertRule.Sample x : slice) {
                boolean gap = (long) x.t() - fresh.lastT > rule.maxGapSeconds();
                fresh.lastT = x.t();
                if (rule.above(x.co2())) {
                    if (fresh.runSince == null || (openAlert == null && gap)) {
                        fresh.runSince = x.t();
                        fresh.peak = 0;
                    }
                    fresh.peak = Math.max(fresh.peak, x.co2());
                } else {
                    fresh.runSince = null;
                }
            }
            fresh.alertSince = fresh.runSince == null ? null : openAlert;
            runs.put(room, fresh);
        }
    }

    private void step(Connection c, int room, RunState s, AlertRule rule, int t, int co2) throws SQLException {
        boolean gap = (long) t - s.lastT > rule.maxGapSeconds();
        s.lastT = t;
        if (rule.above(co2)) {
            if (s.runSince == null || (s.alertSince == null && gap)) {
                s.runSince = t;
                s.peak = co2;
                s.alertSince = null;
            }
            s.peak = Math.max(s.peak, co2);
            if (s.alertSince == null && (long) t - s.runSince > rule.afterSeconds()) {
                insertAlert(c, room, s.runSince, t, null, s.peak);
                s.alertSince = s.runSince;
            }
        } else {
            if (s.alertSince != null) {
                clearAlert(c, room, s.alertSince, t, s.peak);
            }
            s.runSince = null;
            s.alertSince = null;
        }
    }

    private static void insertAlert(Connection c, int room, int since, int raisedAt, Integer clearedAt, int peak)
        throws SQLException {
        try (PreparedStatement in = c.prepareStatement(
            "INSERT INTO alert (room_key, since, raised_at, cleared_at, peak) VALUES (?, ?, ?, ?, ?)")) {
            in.setInt(1, room);
            in.setInt(2, since);
            in.setInt(3, raisedAt);
            setInt(in, 4, clearedAt);
            in.setInt(5, peak);
            in.executeUpdate();
        }
    }

    private static void clearAlert(Connection c, int room, int since, int clearedAt, int peak) throws SQLException {
        // A late low reading may end an episode earlier than the one that cleared it: the projection takes the
        // earlier time; a cleared event already on the bus keeps its own.
        try (PreparedStatement up = c.prepareStatement("UPDATE alert SET cleared_at = ?, peak = GREATEST(peak, ?) "
            + "WHERE room_key = ? AND since = ? AND (cleared_at IS NULL OR cleared_at > ?)")) {
            up.setInt(1, clearedAt);
            up.setInt(2, peak);
            up.setInt(3, room);
            up.setInt(4, since);
            up.setInt(5, clearedAt);
            up.executeUpdate();
        }
    }

    private static List<AlertChange> pendingAlerts(Connection c, int room) throws SQLException {
        List<AlertChange> out = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT since, raised_at, cleared_at, peak, raised_sent, "
            + "cleared_sent FROM alert WHERE room_key = ? AND (raised_sent = FALSE OR (cleared_at IS NOT NULL "
            + "AND cleared_sent = FALSE)) ORDER BY since")) {
            q.setInt(1, room);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    if (!rs.getBoolean(5)) {
                        out.add(new AlertChange(room, true, rs.getInt(1), rs.getInt(2), rs.getInt(4)));
                    }
                    int cleared = rs.getInt(3);
                    if (!rs.wasNull() && !rs.getBoolean(6)) {
                        out.add(new AlertChange(room, false, rs.getInt(1), cleared, rs.getInt(4)));
                    }
                }
            }
        }
        return out;
    }

    /** Marks alert changes as on the bus. */
    void sent(List<AlertChange> changes) throws SQLException {
        if (changes.isEmpty()) {
            return;
        }
        try (Connection c = db.getConnection()) {
            for (AlertChange a : changes) {
                try (PreparedStatement up = c.prepareStatement("UPDATE alert SET "
                    + (a.raised() ? "raised_sent" : "cleared_sent") + " = TRUE WHERE room_key = ? AND since = ?")) {
                    up.setInt(1, a.roomKey());
                    up.setInt(2, a.since());
                    up.executeUpdate();
                }
            }
        }
    }

    /** Drops raw readings before {@code before}; 20-minute buckets and daily statistics stay. Returns rows dropped. */
    long dropRawBefore(Instant before) throws SQLException {
        long dropped = 0;
        int t = seconds(before);
        try (Connection c = db.getConnection(); PreparedStatement del = c.prepareStatement(
            "DELETE FROM reading WHERE room_key = ? AND t < ?")) {
            for (int room : registry.snapshot().rooms().keySet()) {
                del.setInt(1, room);
                del.setInt(2, t);
                dropped += del.executeUpdate();
            }
        }
        return dropped;
    }

    static Integer scalar(Connection c, String sql, int... args) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                q.setInt(i + 1, args[i]);
            }
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? rs.getInt(1) : null;
            }
        }
    }

    private static void setInt(PreparedStatement p, int i, Integer v) throws SQLException {
        if (v == null) {
            p.setNull(i, Types.SMALLINT);
        } else {
            p.setInt(i, v);
        }
    }
}
