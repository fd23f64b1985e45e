package de.datenhafen.plugins.airquality;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.api.QueryString;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * The public read side, below {@code /api/v1/plugins/air-quality/}. Shows sites and rooms, never device EUIs.
 * <ul>
 *   <li>{@code GET sites}: every site with a summary of its rooms' latest readings (rooms per CO2 band, the newest
 *   reading's time); {@code GET sites?rooms=true}: every room's latest reading and bands too (both from memory, as a
 *   snapshot at most about a second old; see {@link #sitesJson});</li>
 *   <li>{@code GET sites/<site>?from=&to=}: one site, its rooms' latest readings and 20-minute averages (default:
 *   the last 8 hours);</li>
 *   <li>{@code GET sites/<site>/rooms/<room>/history?from=&to=&resolution=}: one room over a range (default: the last
 *   24 hours) at {@code raw} or a multiple of 20 minutes ({@code 20m}, {@code 1h}, {@code 1d}; default 20m);</li>
 *   <li>{@code GET sites/<site>/daily?from=&to=}: daily statistics (dates) per room and for the site;</li>
 *   <li>{@code GET alerts}: the open CO2 alerts.</li>
 * </ul>
 */
final class ReadApi {

    /** One read of the API: the answer's body for a request (its path parameters on the exchange) and query. */
    @FunctionalInterface
    interface Read {
        Object answer(org.apache.camel.Exchange e, QueryString q) throws Exception;
    }


    static final int MAX_POINTS = 20_000;
    /**
     * Points in one site-wide answer at most (rooms × 20-minute averages, rooms × days): a site's answer grows with its
     * rooms, so the per-room bound alone would let a large site's year fill the heap.
     */
    static final int MAX_SITE_POINTS = 50_000;
    /** {@code GET sites} never shows a state older than this; see {@link #sitesJson}. */
    static final long SITES_MAX_AGE_SECONDS = 5;

    private final DataSource db;
    private final Registry registry;
    private final Projections projections;
    private final JsonSnapshot sitesSnapshot = new JsonSnapshot(() -> Http.bytes(sites(false)), System::nanoTime,
        SITES_MAX_AGE_SECONDS, 60, TimeUnit.SECONDS);
    private final JsonSnapshot sitesWithRoomsSnapshot = new JsonSnapshot(() -> Http.bytes(sites(true)),
        System::nanoTime, SITES_MAX_AGE_SECONDS, 60, TimeUnit.SECONDS);

    ReadApi(AirQuality air) {
        this.db = air.db;
        this.registry = air.registry;
        this.projections = air.projections;
    }

    /**
     * {@code GET sites} as JSON bytes from a snapshot: at most about a second old while it is asked for (a timer calls
     * {@link #refreshSites} every second), never more than {@link #SITES_MAX_AGE_SECONDS}. Built for every call, the
     * 2,500 rooms' answer cost each caller its build and, under ingest load on two cores, gave a p99 of seconds.
     *
     * <p>Without {@code rooms=true} each site carries a summary instead of its rooms: for 2,500 rooms at 70 sites that
     * is some 16 KB instead of 580 KB, enough for a map or a list of schools; a client that wants every room asks for
     * them (or for one site's, {@code sites/<site>}).
     */
    byte[] sitesJson(QueryString q) {
        String rooms = q.get("rooms", "false");
        if (!rooms.equals("true") && !rooms.equals("false")) {
            throw new InvalidInputException("'" + TextLimits.shown(rooms) + "' must be true or false", "rooms");
        }
        return rooms.equals("true") ? sitesWithRoomsSnapshot.get() : sitesSnapshot.get();
    }

    /** The timer's tick (every second): rebuilds the {@code GET sites} snapshots that were asked for lately. */
    void refreshSites() {
        sitesSnapshot.refresh();
        sitesWithRoomsSnapshot.refresh();
    }

    Object sites(boolean withRooms) {
        Registry.Snapshot reg = registry.snapshot();
        Map<Integer, Projections.Latest> latest = projections.latest();
        Bands bands = projections.bands();
        ObjectNode out = Http.JSON.createObjectNode();
        ArrayNode sites = out.putArray("sites");
        for (Registry.Site s : Registry.sorted(reg.sites().values())) {
            ObjectNode site = site(sites.addObject(), s);
            if (withRooms) {
                ArrayNode rooms = site.putArray("rooms");
                for (Registry.Room r : reg.roomsOf(s.id())) {
                    room(rooms.addObject(), r, latest.get(r.key()), bands);
                }
            } else {
                summary(site, reg.roomsOf(s.id()), latest, bands);
            }
        }
        return out;
    }

    /** A site's rooms in a few numbers: how many, how many in each CO2 band by their latest reading, the newest. */
    private static void summary(ObjectNode site, List<Registry.Room> rooms, Map<Integer, Projections.Latest> latest,
                                Bands bands) {
        int[] perBand = new int[Bands.Co2.values().length];
        int withReading = 0;
        int newest = Integer.MIN_VALUE;
        for (Registry.Room r : rooms) {
            Projections.Latest l = latest.get(r.key());
            if (l != null) {
                withReading++;
                perBand[bands.co2(l.co2()).ordinal()]++;
                newest = Math.max(newest, l.t());
            }
        }
        site.put("rooms", rooms.size()).put("roomsWithReadings", withReading);
        ObjectNode co2 = site.putObject("co2Bands");
        for (Bands.Co2 band : Bands.Co2.values()) {
            co2.put(band.name().toLowerCase(java.util.Locale.ROOT), perBand[band.ordinal()]);
        }
        if (withReading > 0) {
            site.put("latest", Projections.instant(newest).toString());
        } else {
            site.putNull("latest");
        }
    }

    Object site(String siteId, QueryString q) throws SQLException {
        Registry.Snapshot reg = registry.snapshot();
        Registry.Site s = reg.sites().get(siteId);
        if (s == null) {
            throw new NotFoundException("no site '" + siteId + "'", "site");
        }
        Instant to = time(q, "to", Instant.now());
        Instant from = time(q, "from", to.minus(Duration.ofHours(8)));
        range(from, to, 1200);
        List<Registry.Room> siteRooms = reg.roomsOf(siteId);
        sitePoints(siteRooms.size(), Duration.between(from, to).toSeconds() / Projections.BUCKET + 1, "20-minute "
            + "averages");
        ObjectNode site = site(Http.JSON.createObjectNode(), s);
        site.put("from", from.toString()).put("to", to.toString());
        ArrayNode rooms = site.putArray("rooms");
        try (Connection c = db.getConnection()) {
            for (Registry.Room r : siteRooms) {
                ObjectNode room = room(rooms.addObject(), r, projections.latest().get(r.key()), projections.bands());
                buckets(c, room.putArray("averages"), r.key(), from, to, 1);
            }
        }
        return site;
    }

    Object history(String siteId, String roomId, QueryString q) throws SQLException {
        Registry.Room r = room(siteId, roomId);
        Instant to = time(q, "to", Instant.now());
        Instant from = time(q, "from", to.minus(Duration.ofHours(24)));
        String resolution = q.get("resolution", "20m");
        ObjectNode out = Http.JSON.createObjectNode().put("site", siteId).put("room", roomId)
            .put("from", from.toString()).put("to", to.toString()).put("resolution", resolution);
        ArrayNode points = out.putArray("points");
        try (Connection c = db.getConnection()) {
            if (resolution.equals("raw")) {
                range(from, to, 60);
                raw(c, points, r.key(), from, to);
            } else {
                long seconds = resolution(resolution);
                range(from, to, seconds);
                buckets(c, points, r.key(), from, to, (int) (seconds / Projections.BUCKET));
            }
        }
        return out;
    }

    Object daily(String siteId, QueryString q) throws SQLException {
        Registry.Snapshot reg = registry.snapshot();
        Registry.Site s = reg.sites().get(siteId);
        if (s == null) {
            throw new NotFoundException("no site '" + siteId + "'", "site");
        }
        LocalDate to = date(q, "to", LocalDate.now(projections.zone()));
        LocalDate from = date(q, "from", to.minusDays(6));
        if (from.isAfter(to) || from.plusDays(400).isBefore(to)) {
            throw new InvalidInputException("the range must run forwards and span at most 400 days", "from");
        }
        ObjectNode out = site(Http.JSON.createObjectNode(), s);
        out.put("from", from.toString()).put("to", to.toString());
        List<Registry.Room> rooms = reg.roomsOf(siteId);
        sitePoints(rooms.size(), to.toEpochDay() - from.toEpochDay() + 1, "days");
        ArrayNode roomsOut = out.putArray("rooms");
        // the site's days: sums over its rooms
        java.util.TreeMap<Long, double[]> siteDays = new java.util.TreeMap<>();
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement("SELECT day_no, n, co2_sum, "
            + "co2_max, temp_sum, hum_sum, min_green, min_yellow, min_red FROM daily WHERE room_key = ? AND day_no >= ? "
            + "AND day_no <= ? ORDER BY day_no")) {
            for (Registry.Room r : rooms) {
                ObjectNode room = roomsOut.addObject().put("id", r.id()).put("name", r.name()).put("kind", r.kind());
                ArrayNode days = room.putArray("days");
                st.setInt(1, r.key());
                st.setLong(2, from.toEpochDay());
                st.setLong(3, to.toEpochDay());
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        double[] d = {rs.getInt(2), rs.getLong(3), rs.getInt(4), rs.getLong(5), rs.getLong(6),
                            rs.getDouble(7), rs.getDouble(8), rs.getDouble(9)};
                        day(days.addObject(), rs.getLong(1), d);
                        double[] acc = siteDays.computeIfAbsent(rs.getLong(1), k -> new double[8]);
                        for (int i = 0; i < d.length; i++) {
                            acc[i] = i == 2 ? Math.max(acc[i], d[i]) : acc[i] + d[i];
                        }
                    }
                }
            }
        }
        ArrayNode days = out.putArray("days");
        siteDays.forEach((day, d) -> day(days.addObject(), day, d));
        return out;
    }

    Object alerts() throws SQLException {
        Registry.Snapshot reg = registry.snapshot();
        ObjectNode out = Http.JSON.createObjectNode();
        ArrayNode list = out.putArray("alerts");
        try (Connection c = db.getConnection(); PreparedStatement q = c.prepareStatement(
            "SELECT room_key, since, raised_at, peak FROM alert WHERE cleared_at IS NULL ORDER BY since");
             ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                Registry.Room r = reg.rooms().get(rs.getInt(1));
                if (r == null) {
                    continue;
                }
                list.addObject().put("site", r.siteId()).put("room", r.id()).put("roomName", r.name())
                    .put("since", Projections.instant(rs.getInt(2)).toString())
                    .put("raisedAt", Projections.instant(rs.getInt(3)).toString())
                    .put("peak", rs.getInt(4));
            }
        }
        return out;
    }

    private static void sitePoints(int rooms, long perRoom, String what) {
        if (rooms * perRoom > MAX_SITE_POINTS) {
            throw new InvalidInputException("the range gives " + rooms + " rooms × " + perRoom + " " + what
                + " = " + rooms * perRoom + " points; at most " + MAX_SITE_POINTS + ": choose a shorter range", "from");
        }
    }

    private static void day(ObjectNode n, long day, double[] d) {
        n.put("date", LocalDate.ofEpochDay(day).toString()).put("readings", (long) d[0]);
        if (d[0] > 0) {
            n.put("co2Mean", round(d[1] / d[0], 0)).put("co2Max", (int) d[2])
                .put("temperatureMean", round(d[3] / d[0] / 100, 2)).put("humidityMean", round(d[4] / d[0] / 10, 1));
        }
        n.putObject("minutes").put("green", round(d[5], 1)).put("yellow", round(d[6], 1)).put("red", round(d[7], 1));
    }

    private Registry.Room room(String siteId, String roomId) {
        Registry.Room r = registry.snapshot().room(siteId, roomId);
        if (r == null) {
            throw new NotFoundException("no room '" + roomId + "' at site '" + siteId + "'", "room");
        }
        return r;
    }

    private static ObjectNode site(ObjectNode n, Registry.Site s) {
        n.put("id", s.id()).put("name", s.name());
        if (s.address() != null) {
            n.put("address", s.address());
        }
        if (s.latitude() != null && s.longitude() != null) {
            n.put("latitude", s.latitude()).put("longitude", s.longitude());
        }
        return n;
    }

    private static ObjectNode room(ObjectNode n, Registry.Room r, Projections.Latest l, Bands bands) {
        n.put("id", r.id()).put("name", r.name()).put("kind", r.kind());
        if (l == null) {
            n.putNull("band");
            return n;
        }
        double temp = l.temp() / 100.0;
        double hum = l.hum() / 10.0;
        n.put("band", bands.co2(l.co2()).name().toLowerCase(java.util.Locale.ROOT))
            .put("time", l.time().toString())
            .put("co2", l.co2())
            .put("temperature", temp)
            .put("humidity", hum);
        if (l.pres() != null) {
            n.put("pressure", l.pres() / 10.0);
        }
        n.put("temperatureBand", bands.temperature(temp)).put("humidityBand", bands.humidity(hum))
            .put("tooHumid", Bands.tooHumid(temp, hum));
        return n;
    }

    private static void raw(Connection c, ArrayNode points, int room, Instant from, Instant to) throws SQLException {
        // readings are 5 minutes apart from monitors, but SensorThings writes may add one every second: a LIMIT
        try (PreparedStatement q = c.prepareStatement("SELECT t, co2, temp, hum, pres FROM reading WHERE room_key = ? "
            + "AND t >= ? AND t < ? ORDER BY t LIMIT ?")) {
            q.setInt(1, room);
            q.setInt(2, Projections.seconds(from));
            q.setInt(3, Projections.seconds(to));
            q.setInt(4, MAX_POINTS + 1);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    if (points.size() == MAX_POINTS) {
                        throw new InvalidInputException("the range has more than " + MAX_POINTS + " raw "
                            + "readings: choose a coarser resolution or a shorter range", "resolution");
                    }
                    // a quantity is null in a partial reading (see V2)
                    ObjectNode p = points.addObject().put("time", Projections.instant(rs.getInt(1)).toString())
                        .put("co2", (Integer) rs.getObject(2, Integer.class))
                        .put("temperature", scaled(rs.getObject(3, Integer.class), 100.0))
                        .put("humidity", scaled(rs.getObject(4, Integer.class), 10.0));
                    int pres = rs.getInt(5);
                    if (!rs.wasNull()) {
                        p.put("pressure", pres / 10.0);
                    }
                }
            }
        }
    }

    /** 20-minute buckets of [from, to), merged {@code per} at a time (per = 3 gives hours). */
    private static void buckets(Connection c, ArrayNode points, int room, Instant from, Instant to, int per)
        throws SQLException {
        int b0 = Math.floorDiv(Projections.seconds(from), Projections.BUCKET);
        int b1 = Math.floorDiv(Projections.seconds(to) + Projections.BUCKET - 1, Projections.BUCKET);
        String sql = per == 1
            ? "SELECT bucket, n, co2_sum, co2_max, temp_sum, hum_sum, pres_sum, pres_n FROM avg20 "
                + "WHERE room_key = ? AND bucket >= ? AND bucket < ? ORDER BY bucket"
            : "SELECT b, SUM(n), SUM(co2_sum), MAX(co2_max), SUM(temp_sum), SUM(hum_sum), SUM(pres_sum), "
                + "SUM(pres_n) FROM (SELECT (bucket - MOD(bucket, " + per + ")) AS b, n, co2_sum, co2_max, temp_sum, "
                + "hum_sum, pres_sum, pres_n FROM avg20 WHERE room_key = ? AND bucket >= ? AND bucket < ?) x "
                + "GROUP BY b ORDER BY b";
        try (PreparedStatement q = c.prepareStatement(sql)) {
            q.setInt(1, room);
            q.setInt(2, b0);
            q.setInt(3, b1);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    long n = rs.getLong(2);
                    ObjectNode p = points.addObject()
                        .put("time", Projections.instant(rs.getLong(1) * Projections.BUCKET).toString())
                        .put("co2", round((double) rs.getLong(3) / n, 0)).put("co2Max", rs.getInt(4))
                        .put("temperature", round(rs.getLong(5) / 100.0 / n, 2))
                        .put("humidity", round(rs.getLong(6) / 10.0 / n, 1));
                    long pn = rs.getLong(8);
                    if (pn > 0) {
                        p.put("pressure", round(rs.getLong(7) / 10.0 / pn, 1));
                    }
                    p.put("readings", n);
                }
            }
        }
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    static long resolution(String text) {
        long seconds;
        try {
            long n = Long.parseLong(text.substring(0, text.length() - 1));
            seconds = switch (text.charAt(text.length() - 1)) {
                case 'm' -> n * 60;
                case 'h' -> n * 3600;
                case 'd' -> n * 86400;
                default -> -1;
            };
        } catch (RuntimeException e) {
            seconds = -1;
        }
        if (seconds <= 0 || seconds % Projections.BUCKET != 0) {
            throw new InvalidInputException("'" + TextLimits.shown(text) + "' must be raw or a multiple "
                + "of 20 minutes such as 20m, 1h or 1d", "resolution");
        }
        return seconds;
    }

    private static void range(Instant from, Instant to, long step) {
        if (!from.isBefore(to)) {
            throw new InvalidInputException("must be before to", "from");
        }
        if (Duration.between(from, to).toSeconds() / step > MAX_POINTS) {
            throw new InvalidInputException("the range would give more than " + MAX_POINTS
                + " points: choose a coarser resolution or a shorter range", "resolution");
        }
    }

    private static Instant time(QueryString q, String name, Instant fallback) {
        String v = q.get(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeException e) {
            throw new InvalidInputException("'" + TextLimits.shown(v) + "' is not an ISO-8601 time with an offset", name);
        }
    }

    private static LocalDate date(QueryString q, String name, LocalDate fallback) {
        String v = q.get(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            return LocalDate.parse(v);
        } catch (DateTimeException e) {
            throw new InvalidInputException("'" + TextLimits.shown(v) + "' is not a date (yyyy-mm-dd)", name);
        }
    }

    private static Double scaled(Integer v, double scale) {
        return v == null ? null : v / scale;
    }
}
