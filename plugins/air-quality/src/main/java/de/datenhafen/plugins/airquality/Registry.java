package de.datenhafen.plugins.airquality;

import de.datenhafen.api.ConflictException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * School sites, their rooms, and which device was installed in which room when, kept in the plugin's schema. Reads
 * come from an immutable snapshot in memory (ingest asks for every reading), swapped after each change; changes are
 * serialised. A device moved to another room closes its old installation, so readings before the move stay with the
 * old room.
 */
final class Registry {

    record Site(String id, String name, String address, Double latitude, Double longitude) {
        /** The rule for a site's coordinates, as a refusal says it. */
        static final String COORDINATES = "latitude and longitude go together: give both or neither";

        /** The coordinate missing beside the other one, or null when both or neither are given. */
        static String unpaired(Double latitude, Double longitude) {
            return (latitude == null) == (longitude == null) ? null : latitude == null ? "latitude" : "longitude";
        }
    }

    record Room(int key, String siteId, String id, String name, String kind) {
        String subject() {
            return subject(siteId, id);
        }

        /** A room's subject on the bus and key in the registry: {@code site/room}. */
        static String subject(String siteId, String roomId) {
            return siteId + "/" + roomId;
        }

        /** The room of a row of {@link #ROOMS}. */
        static Room read(ResultSet rs) throws SQLException {
            return new Room(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5));
        }
    }

    /** Every room, in the column order {@link Room#read} takes. */
    static final String ROOMS = "SELECT room_key, site_id, id, name, kind FROM room";

    /** Installations, in the column order {@link Installation#read} takes. */
    static final String INSTALLATIONS = "SELECT dev_eui, since, until, room_key FROM installation";

    record Installation(String device, Instant since, Instant until, int roomKey) {
        /** The installation of a row of {@link #INSTALLATIONS}. */
        static Installation read(ResultSet rs) throws SQLException {
            return new Installation(rs.getString(1), instant(rs, 2), instant(rs, 3), rs.getInt(4));
        }

        boolean covers(Instant t) {
            return !t.isBefore(since) && (until == null || t.isBefore(until));
        }
    }

    /**
     * Everything, as of one moment; shared by readers, never changed. {@code siteNumbers}: each site's number (its
     * SensorThings Location id, table site_number).
     */
    record Snapshot(Map<String, Site> sites, Map<Integer, Room> rooms, Map<String, Room> roomsBySubject,
                    Map<String, List<Installation>> installations, Map<String, Integer> siteNumbers) {

        Optional<Room> roomOf(String device, Instant t) {
            List<Installation> list = installations.get(device);
            if (list != null) {
                for (Installation i : list) {
                    if (i.covers(t)) {
                        return Optional.of(rooms.get(i.roomKey()));
                    }
                }
            }
            return Optional.empty();
        }

        Room room(String siteId, String roomId) {
            return roomsBySubject.get(Room.subject(siteId, roomId));
        }

        List<Room> roomsOf(String siteId) {
            List<Room> out = new ArrayList<>();
            for (Room r : rooms.values()) {
                if (r.siteId().equals(siteId)) {
                    out.add(r);
                }
            }
            out.sort(Comparator.comparing(Room::id));
            return out;
        }
    }

    private final DataSource db;
    private volatile Snapshot snapshot;

    Registry(DataSource db) {
        this.db = db;
        reload();
    }

    Snapshot snapshot() {
        return snapshot;
    }

    /** A change to the registry inside one transaction; the snapshot is reloaded after it commits. */
    interface Change {
        void apply(Connection c) throws SQLException;
    }

    synchronized void change(Change change) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                change.apply(c);
                checkSize(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("registry change failed: " + e.getMessage(), e);
        } finally {
            reload();
        }
    }

    /**
     * The most sites, rooms and installations (a device's history included) the registry holds, whichever way they
     * come in: the registry API, its CSV import, SensorThings writes, the simulator. Its snapshot and the SensorThings
     * graph made from it are in memory, about 10 KB per room together; a city's registry is a few thousand rooms (the
     * shared benchmark's 2,500). Without a limit, imports of 20,000 new rooms, each within {@code max-rows}, grew a
     * hub's live heap from 46 to 809 MB after four, and took one with {@code -Xmx1g} out of memory (a probe, 5
     * December).
     */
    static final int MAX_SITES = 2_000;
    static final int MAX_ROOMS = 10_000;
    static final int MAX_INSTALLATIONS = 100_000;

    /**
     * Refuses (409, naming the table) a change that left the registry larger than {@link #MAX_SITES}, {@link
     * #MAX_ROOMS} or {@link #MAX_INSTALLATIONS}; {@link #change} then rolls it back.
     */
    private static void checkSize(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT COUNT(*) FROM site), (SELECT COUNT(*) FROM room), "
                 + "(SELECT COUNT(*) FROM installation)")) {
            rs.next();
            limit("sites", rs.getLong(1), MAX_SITES);
            limit("rooms", rs.getLong(2), MAX_ROOMS);
            limit("installations", rs.getLong(3), MAX_INSTALLATIONS);
        }
    }

    private static void limit(String what, long count, int max) {
        if (count > max) {
            throw new ConflictException("the registry would hold " + count + " " + what + "; it holds at most " + max
                + ", so nothing of this change was kept", what);
        }
    }

    static void upsertSite(Connection c, Site s) throws SQLException {
        try (PreparedStatement up = c.prepareStatement(
            "UPDATE site SET name = ?, address = ?, latitude = ?, longitude = ? WHERE id = ?")) {
            siteValues(up, s);
            up.setString(5, s.id());
            if (up.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement in = c.prepareStatement(
            "INSERT INTO site (name, address, latitude, longitude, id) VALUES (?, ?, ?, ?, ?)")) {
            siteValues(in, s);
            in.setString(5, s.id());
            in.executeUpdate();
        }
    }

    private static void siteValues(PreparedStatement p, Site s) throws SQLException {
        p.setString(1, s.name());
        p.setString(2, s.address());
        setDouble(p, 3, s.latitude());
        setDouble(p, 4, s.longitude());
    }

    private static void setDouble(PreparedStatement p, int i, Double d) throws SQLException {
        if (d == null) {
            p.setNull(i, Types.DOUBLE);
        } else {
            p.setDouble(i, d);
        }
    }

    /** Adds or renames a room; returns its key. */
    static int upsertRoom(Connection c, String siteId, String id, String name, String kind) throws SQLException {
        try (PreparedStatement up = c.prepareStatement(
            "UPDATE room SET name = ?, kind = ? WHERE site_id = ? AND id = ?")) {
            up.setString(1, name);
            up.setString(2, kind);
            up.setString(3, siteId);
            up.setString(4, id);
            up.executeUpdate();
        }
        Integer key = roomKey(c, siteId, id);
        if (key != null) {
            return key;
        }
        try (PreparedStatement in = c.prepareStatement(
            "INSERT INTO room (site_id, id, name, kind) VALUES (?, ?, ?, ?)")) {
            in.setString(1, siteId);
            in.setString(2, id);
            in.setString(3, name);
            in.setString(4, kind);
            in.executeUpdate();
        }
        return roomKey(c, siteId, id);
    }

    static Integer roomKey(Connection c, String siteId, String id) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT room_key FROM room WHERE site_id = ? AND id = ?")) {
            q.setString(1, siteId);
            q.setString(2, id);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? rs.getInt(1) : null;
            }
        }
    }

    /**
     * Installs a device in a room from {@code since}. If it is installed elsewhere then, that installation ends at
     * {@code since}; if it is already in this room, nothing changes. If its latest installation starts at or after
     * {@code since}, the move is refused (history is only appended).
     */
    static void install(Connection c, String device, int roomKey, Instant at) throws SQLException {
        Instant since = micros(at);
        Installation open = null;
        try (PreparedStatement q = c.prepareStatement(
            "SELECT since, until, room_key FROM installation WHERE dev_eui = ? ORDER BY since DESC LIMIT 1")) {
            q.setString(1, device);
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    open = new Installation(device, instant(rs, 1), instant(rs, 2), rs.getInt(3));
                }
            }
        }
        Move move = move(open, device, roomKey, since);
        if (move == Move.NONE) {
            return;
        }
        if (move == Move.CLOSE_AND_OPEN) {
            try (PreparedStatement close = c.prepareStatement(CLOSE_INSTALLATION)) {
                closeInstallation(close, open, since);
                close.executeUpdate();
            }
        }
        try (PreparedStatement in = c.prepareStatement(INSERT_INSTALLATION)) {
            insertInstallation(in, new Installation(device, since, null, roomKey));
            in.executeUpdate();
        }
    }

    /**
     * A time as the database keeps it, to the microsecond. Two moves less than that apart pass the check against the
     * device's latest installation and then collide in the table's key (a 500 before); cut first, the second is
     * refused as at the same time.
     */
    static Instant micros(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    /** The earliest time a change may name (an installation, a move, an end). */
    static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    /** How far after now a change may name a time: a move planned ahead. */
    static final Duration AHEAD = Duration.ofDays(366);

    /**
     * Why {@code t} is no time for a change, or null if it is one: from {@link #EARLIEST} to {@link #AHEAD} after
     * {@code now}. A time outside what the database's timestamp takes was a 500 (year 300,000 on PostgreSQL, a
     * billion on both), and one far ahead (a typo, 9999) was kept, after which the device could never be moved again.
     */
    static String outOfRange(Instant t, Instant now) {
        return t.isBefore(EARLIEST) || t.isAfter(now.plus(AHEAD))
            ? "is outside " + EARLIEST + " to a year after now" : null;
    }

    static final String CLOSE_INSTALLATION = "UPDATE installation SET until = ? WHERE dev_eui = ? AND since = ?";
    static final String INSERT_INSTALLATION = "INSERT INTO installation (dev_eui, since, until, room_key) "
        + "VALUES (?, ?, ?, ?)";

    /** What installing a device in a room from {@code since} does to its history. */
    enum Move {
        /** It is in that room already. */
        NONE,
        /** It has no open installation: one opens. */
        OPEN,
        /** Its open installation (elsewhere) ends at {@code since}, and one opens. */
        CLOSE_AND_OPEN
    }

    /**
     * The rule of {@link #install}, given the device's latest installation ({@code null}: none). A device still open in
     * that room is left as it is, whatever {@code since} says; otherwise a latest installation that starts at or after
     * {@code since}, or ended after it, refuses the move with an {@link IllegalArgumentException}: history is only
     * appended, and a device is in one room at a time (a move into the time of an ended installation was taken
     * before, and the readings of the overlap went to the new room).
     */
    static Move move(Installation latest, String device, int roomKey, Instant since) {
        if (latest == null) {
            return Move.OPEN;
        }
        if (latest.until() == null && latest.roomKey() == roomKey) {
            return Move.NONE;
        }
        if (!since.isAfter(latest.since())) {
            throw new IllegalArgumentException("device " + device + " has an installation since " + latest.since()
                + "; a move must come after it");
        }
        if (latest.until() != null && since.isBefore(latest.until())) {
            throw new IllegalArgumentException("device " + device + " was installed from " + latest.since()
                + " until " + latest.until() + "; a move must not start before that end");
        }
        return latest.until() == null ? Move.CLOSE_AND_OPEN : Move.OPEN;
    }

    /** Sets {@link #CLOSE_INSTALLATION}'s parameters: {@code open} ends at {@code until}. */
    static void closeInstallation(PreparedStatement close, Installation open, Instant until) throws SQLException {
        close.setObject(1, OffsetDateTime.ofInstant(until, ZoneOffset.UTC));
        close.setString(2, open.device());
        close.setObject(3, OffsetDateTime.ofInstant(open.since(), ZoneOffset.UTC));
    }

    /** Sets {@link #INSERT_INSTALLATION}'s parameters. */
    static void insertInstallation(PreparedStatement in, Installation i) throws SQLException {
        in.setString(1, i.device());
        in.setObject(2, OffsetDateTime.ofInstant(i.since(), ZoneOffset.UTC));
        if (i.until() == null) {
            in.setNull(3, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            in.setObject(3, OffsetDateTime.ofInstant(i.until(), ZoneOffset.UTC));
        }
        in.setInt(4, i.roomKey());
    }

    /** Ends a device's current installation at {@code until}; false if it has none. */
    static boolean uninstall(Connection c, String device, Instant at) throws SQLException {
        Instant until = micros(at);
        try (PreparedStatement close = c.prepareStatement(
            "UPDATE installation SET until = ? WHERE dev_eui = ? AND until IS NULL AND since < ?")) {
            close.setObject(1, OffsetDateTime.ofInstant(until, ZoneOffset.UTC));
            close.setString(2, device);
            close.setObject(3, OffsetDateTime.ofInstant(until, ZoneOffset.UTC));
            return close.executeUpdate() > 0;
        }
    }

    private void reload() {
        Map<String, Site> sites = new LinkedHashMap<>();
        Map<Integer, Room> rooms = new LinkedHashMap<>();
        Map<String, Room> bySubject = new HashMap<>();
        Map<String, List<Installation>> installations = new HashMap<>();
        Map<String, Integer> numbers = new HashMap<>();
        try (Connection c = db.getConnection()) {
            // a site without a number gets the next one here, whichever way it came in (the registry API, the CSV
            // import, SensorThings, or straight into the table as the benchmark does); reload runs only at start and
            // inside change(), which is synchronized, so two never race for a number
            try (PreparedStatement give = c.prepareStatement("INSERT INTO site_number (site_id) SELECT id FROM site s "
                + "WHERE NOT EXISTS (SELECT 1 FROM site_number n WHERE n.site_id = s.id) ORDER BY id")) {
                give.executeUpdate();
            }
            try (PreparedStatement q = c.prepareStatement("SELECT s.id, s.name, s.address, s.latitude, s.longitude, "
                + "n.number FROM site s LEFT JOIN site_number n ON n.site_id = s.id ORDER BY s.id");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    sites.put(rs.getString(1), new Site(rs.getString(1), rs.getString(2), rs.getString(3),
                        (Double) rs.getObject(4, Double.class), (Double) rs.getObject(5, Double.class)));
                    numbers.put(rs.getString(1), rs.getInt(6));
                }
            }
            try (PreparedStatement q = c.prepareStatement(ROOMS + " ORDER BY site_id, id");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Room r = Room.read(rs);
                    rooms.put(r.key(), r);
                    bySubject.put(r.subject(), r);
                }
            }
            try (PreparedStatement q = c.prepareStatement(INSTALLATIONS + " ORDER BY dev_eui, since DESC");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Installation i = Installation.read(rs);
                    installations.computeIfAbsent(i.device(), k -> new ArrayList<>()).add(i);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the registry: " + e.getMessage(), e);
        }
        installations.replaceAll((k, v) -> Collections.unmodifiableList(v));
        snapshot = new Snapshot(Collections.unmodifiableMap(sites), Collections.unmodifiableMap(rooms),
            Collections.unmodifiableMap(bySubject), Collections.unmodifiableMap(installations),
            Collections.unmodifiableMap(numbers));
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static Collection<Site> sorted(Collection<Site> sites) {
        List<Site> list = new ArrayList<>(sites);
        list.sort(Comparator.comparing(Site::id));
        return list;
    }
}
