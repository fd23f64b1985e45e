package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The projections and the alert state machine on the plugin's real schema (H2 in memory). */
class ProjectionsTest {

    static final Instant START = Instant.parse("2026-11-23T07:00:00Z");

    private JdbcDataSource db;
    private Projections projections;
    private int room;

    static JdbcDataSource database() throws SQLException {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("RUNSCRIPT FROM 'classpath:db/plugin/V1__air_quality.sql'");
            st.execute("RUNSCRIPT FROM 'classpath:db/plugin/V2__partial_readings.sql'");
            st.execute("RUNSCRIPT FROM 'classpath:db/plugin/V3__site_numbers.sql'");
        }
        return ds;
    }

    @BeforeEach
    void setUp() throws SQLException {
        db = database();
        Registry registry = new Registry(db);
        registry.change(c -> {
            Registry.upsertSite(c, new Registry.Site("s1", "School 1", null, null, null));
            room = Registry.upsertRoom(c, "s1", "r1", "Room 1", "classroom");
        });
        projections = new Projections(db, registry);
    }

    private List<Projections.AlertChange> feed(int minute, int co2) throws SQLException {
        List<Projections.AlertChange> changes = projections.apply(new Projections.In(room,
            START.plusSeconds(minute * 60L), (double) co2, 21.5, 45.0, 1013.0));
        projections.sent(changes);
        return changes;
    }

    /** A school morning every 5 minutes: two runs above 2,000 ppm, 40 and 25 minutes long. */
    static int[][] morning() {
        List<int[]> r = new ArrayList<>();
        for (int m = 0; m <= 180; m += 5) {
            int co2 = m >= 20 && m < 60 ? 2300 : m >= 100 && m < 125 ? 2200 : 900;
            r.add(new int[] {m, co2});
        }
        return r.toArray(new int[0][]);
    }

    private List<String> alerts() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
            "SELECT since, raised_at, cleared_at, peak FROM alert ORDER BY since")) {
            while (rs.next()) {
                out.add(Projections.instant(rs.getInt(1)) + " raised " + Projections.instant(rs.getInt(2))
                    + " cleared " + (rs.getObject(3) == null ? null : Projections.instant(rs.getInt(3))) + " peak "
                    + rs.getInt(4));
            }
        }
        return out;
    }

    @Test
    void raisesAndClearsByTheReadingsOwnTimes() throws SQLException {
        List<Projections.AlertChange> all = new ArrayList<>();
        for (int[] r : morning()) {
            all.addAll(feed(r[0], r[1]));
        }

        assertThat(all).extracting(Projections.AlertChange::raised).containsExactly(true, false);
        assertThat(alerts()).containsExactly(
            "2026-11-23T07:20:00Z raised 2026-11-23T07:55:00Z cleared 2026-11-23T08:00:00Z peak 2300");
    }

    @Test
    void raisesAtTheFirstReadingMoreThanThirtyMinutesAfterTheRunBegan() throws SQLException {
        int[] co2 = {900, 2100, 2300, 2400, 2500, 2600, 2200, 1500, 1000};
        for (int i = 0; i < co2.length; i++) {
            feed(10 * i, co2[i]);
        }

        assertThat(alerts()).containsExactly(
            "2026-11-23T07:10:00Z raised 2026-11-23T07:50:00Z cleared 2026-11-23T08:10:00Z peak 2600");
    }

    @Test
    void outOfOrderAndLateReadingsGiveTheSameAlertsAsInOrder() throws SQLException {
        for (int[] r : morning()) {
            feed(r[0], r[1]);
        }
        List<String> inOrder = alerts();

        for (long seed = 1; seed <= 5; seed++) {
            setUp();
            List<int[]> shuffled = new ArrayList<>(List.of(morning()));
            Collections.shuffle(shuffled, new Random(seed));
            for (int[] r : shuffled) {
                feed(r[0], r[1]);
            }
            assertThat(alerts()).as("order of seed " + seed).isEqualTo(inOrder);
        }
    }

    @Test
    void aLateLowReadingEndsARaisedEpisodeWhereItBelongs() throws SQLException {
        for (int m = 0; m <= 60; m += 10) {
            feed(m, m == 0 ? 900 : 2500);
        }
        assertThat(alerts()).containsExactly(
            "2026-11-23T07:10:00Z raised 2026-11-23T07:50:00Z cleared null peak 2500");

        feed(55, 1200);

        assertThat(alerts()).containsExactly(
            "2026-11-23T07:10:00Z raised 2026-11-23T07:50:00Z cleared 2026-11-23T07:55:00Z peak 2500");
    }

    @Test
    void aReadingSeenTwiceChangesNothing() throws SQLException {
        feed(0, 800);
        feed(5, 1200);
        feed(5, 1200);

        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
            "SELECT n, co2_sum, n_green, n_yellow FROM avg20")) {
            rs.next();
            assertThat(new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4)})
                .containsExactly(2, 2000, 1, 1);
        }
        assertThat(projections.latest().get(room).co2()).isEqualTo(1200);
    }

    @Test
    void dailyStatisticsShareEachBucketsMinutesAmongTheBands() throws SQLException {
        feed(0, 800);
        feed(10, 1500);
        feed(20, 2500);
        feed(21, 700);

        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
            "SELECT n, co2_max, min_green, min_yellow, min_red FROM daily")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(4);
            assertThat(rs.getInt(2)).isEqualTo(2500);
            assertThat(rs.getDouble(3)).isEqualTo(20.0);
            assertThat(rs.getDouble(4)).isEqualTo(10.0);
            assertThat(rs.getDouble(5)).isEqualTo(10.0);
        }
    }

    @Test
    void dropsRawReadingsBeforeTheRetentionWindowAndKeepsTheirAverages() throws SQLException {
        feed(0, 800);
        feed(600, 900);

        assertThat(projections.dropRawBefore(START.plusSeconds(3600))).isEqualTo(1);

        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
            "SELECT (SELECT COUNT(*) FROM reading), (SELECT COUNT(*) FROM avg20)")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getInt(2)).isEqualTo(2);
        }
    }

    @Test
    void partialReadingsAreStoredAndCountForTheProjectionsOnceComplete() throws SQLException {
        Instant t = START.plusSeconds(600);
        projections.apply(new Projections.In(room, t, 2400.0, null, null, null));
        projections.apply(new Projections.In(room, t, null, 21.5, null, null));

        assertThat(projections.latest()).doesNotContainKey(room);
        assertThat(count("SELECT COUNT(*) FROM avg20")).isZero();

        projections.apply(new Projections.In(room, t, null, null, 45.0, 1013.0));
        projections.apply(new Projections.In(room, t, 999.0, null, null, null)); // stored values are not overwritten

        assertThat(projections.latest().get(room)).isEqualTo(new Projections.Latest(Projections.seconds(t), 2400,
            2150, 450, 10130));
        assertThat(count("SELECT n FROM avg20")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM reading WHERE co2 = 2400 AND temp = 2150 AND hum = 450")).isEqualTo(1);
    }

    /**
     * Two rooms' mornings, interleaved, with late readings, a duplicate and partial readings: what a subscription
     * delivers in a batch.
     */
    private List<Projections.In> mixedReadings(int other) {
        List<Projections.In> out = new ArrayList<>();
        for (int[] r : morning()) {
            out.add(new Projections.In(room, START.plusSeconds(r[0] * 60L), (double) r[1], 21.5, 45.0, 1013.0));
            out.add(new Projections.In(other, START.plusSeconds(r[0] * 60L + 30), r[1] + 150.0, 22.0, 50.0, null));
        }
        out.add(new Projections.In(room, START.plusSeconds(57 * 60L), 1200.0, 21.0, 44.0, 1012.0)); // late, low
        out.add(new Projections.In(room, START.plusSeconds(5 * 60L), 900.0, 21.5, 45.0, 1013.0)); // seen before
        out.add(new Projections.In(other, START.plusSeconds(200 * 60L), 700.0, null, null, null)); // partial
        out.add(new Projections.In(other, START.plusSeconds(200 * 60L), null, 21.0, 48.0, 1000.0)); // completes it
        return out;
    }

    /** Every projection table, row by row, and the rooms' latest readings in memory. */
    private List<String> everything() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            for (String sql : List.of("SELECT * FROM reading ORDER BY room_key, t",
                "SELECT * FROM latest ORDER BY room_key", "SELECT * FROM avg20 ORDER BY room_key, bucket",
                "SELECT * FROM daily ORDER BY room_key, day_no", "SELECT * FROM alert ORDER BY room_key, since")) {
                try (ResultSet rs = st.executeQuery(sql)) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder(sql.substring(14, sql.indexOf(" ORDER")));
                        for (int k = 1; k <= columns; k++) {
                            row.append(' ').append(rs.getObject(k));
                        }
                        out.add(row.toString());
                    }
                }
            }
        }
        out.add("latest in memory " + new java.util.TreeMap<>(projections.latest()));
        return out;
    }

    private int secondRoom() throws SQLException {
        int[] other = new int[1];
        new Registry(db).change(c -> other[0] = Registry.upsertRoom(c, "s1", "r2", "Room 2", "classroom"));
        return other[0];
    }

    @Test
    void aBatchGivesTheSameProjectionsAndAlertsAsOneByOne() throws SQLException {
        List<Projections.In> readings = mixedReadings(secondRoom());
        List<Projections.AlertChange> oneByOne = new ArrayList<>();
        for (Projections.In r : readings) {
            List<Projections.AlertChange> changes = projections.apply(r);
            projections.sent(changes);
            oneByOne.addAll(changes);
        }
        List<String> expected = everything();

        setUp();
        List<Projections.AlertChange> batched = new ArrayList<>();
        for (int from = 0; from < readings.size(); from += 25) {
            List<Projections.AlertChange> changes = projections.apply(readings.subList(from,
                Math.min(readings.size(), from + 25)));
            projections.sent(changes);
            batched.addAll(changes);
        }

        assertThat(everything()).isEqualTo(expected);
        assertThat(expected).anyMatch(row -> row.startsWith("alert"));
        // the same episodes go on the bus; a batch reports an episode raised and cleared within it once, at its end
        assertThat(batched).extracting(a -> a.roomKey() + " " + a.raised() + " " + a.since())
            .containsExactlyInAnyOrderElementsOf(oneByOne.stream()
                .map(a -> a.roomKey() + " " + a.raised() + " " + a.since()).toList());
    }

    @Test
    void aFailingBatchLeavesNothingOfItBehind() throws SQLException {
        feed(0, 800);
        List<String> before = everything();
        List<Projections.In> batch = List.of(
            new Projections.In(room, START.plusSeconds(300), 1500.0, 21.0, 45.0, null),
            new Projections.In(room, START.plusSeconds(600), 1600.0, 21.0, 45.0, null),
            new Projections.In(room, null, 1700.0, 21.0, 45.0, null)); // no time: fails

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> projections.apply(batch))
            .isInstanceOf(NullPointerException.class);

        assertThat(everything()).isEqualTo(before);
    }

    private long count(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
