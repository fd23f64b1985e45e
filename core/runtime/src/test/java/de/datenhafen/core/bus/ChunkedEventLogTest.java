package de.datenhafen.core.bus;

import static de.datenhafen.core.bus.BusFixtures.reading;
import static de.datenhafen.core.bus.BusFixtures.readings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Every promise of {@link H2EventLogTest}, against the chunked storage; plus what is particular to chunks. */
class ChunkedEventLogTest extends H2EventLogTest {

    @Override
    GroupCommitLog startLog(DataSource dataSource, H2EventLog.Settings settings) {
        return ChunkedEventLog.start(dataSource, settings);
    }

    @Test
    void storesOneRowPerGroupCommit() throws Exception {
        start(H2EventLog.Settings.DEFAULTS);
        get(log.append(readings("a", 100)));
        get(log.append(readings("b", 50)));

        try (var c = db.dataSource().getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT first_seq, last_seq, event_count, types FROM bus_chunk ORDER BY 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(List.of(rs.getLong(1), rs.getLong(2), (long) rs.getInt(3))).containsExactly(1L, 100L, 100L);
            assertThat(rs.getString(4)).isEqualTo("100 " + BusFixtures.READING + "\n");
            assertThat(rs.next()).isTrue();
            assertThat(List.of(rs.getLong(1), rs.getLong(2))).containsExactly(101L, 150L);
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void codecRoundTripsEveryAttributeIncludingOffsetsAndOddTypes() {
        OffsetDateTime stored = OffsetDateTime.of(2026, 11, 26, 8, 0, 0, 0, ZoneOffset.UTC);
        CloudEvent full = CloudEventBuilder.v1().withId("id-1").withSource(URI.create("urn:x"))
            .withType("odd type\\with\nnewline").withSubject("ä/ö")
            .withTime(OffsetDateTime.of(1999, 1, 2, 3, 4, 5, 123_456_789, ZoneOffset.ofHoursMinutes(5, 30)))
            .withDataContentType("text/plain").withDataSchema(URI.create("https://schema/x"))
            .withExtension("traceparent", "00-abc-01").withExtension("n", 7).withExtension("b", false)
            .withData("héllo".getBytes(StandardCharsets.UTF_8)).build();
        CloudEvent bare = CloudEventBuilder.v1().withId("id-10").withSource(URI.create("/s")).withType("t").build();
        List<StoredEvent> events = List.of(new StoredEvent(5, "m1", full), new StoredEvent(9, "m2", bare),
            new StoredEvent(10, "m1", full));
        for (boolean deflate : new boolean[] {true, false}) {
            ChunkCodec.Encoded enc = ChunkCodec.encode(5, stored, events, deflate);
            StoredEvent[] back = ChunkCodec.decode(ChunkCodec.plain(enc.stored()), 5, stored);
            assertThat(back).containsExactlyElementsOf(events);
            assertThat(ChunkCodec.parseTypes(ChunkCodec.typesColumn(enc.typeCounts())))
                .isEqualTo(Map.of("odd type\\with\nnewline", 2, "t", 1));
        }
    }

    @Test
    void readsFromTheDatabaseWhenTheCacheHasLetChunksGo() throws Exception {
        start(H2EventLog.Settings.DEFAULTS);
        int batches = ChunkedEventLog.CACHE_EVENTS / 1000 + 5;
        for (int b = 0; b < batches; b++) {
            get(log.append(readings("b" + b, 1000)));
        }

        List<StoredEvent> first = log.read(EventFilter.ALL, 0, 1500);
        assertThat(first).extracting(StoredEvent::sequence)
            .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 1500).boxed().toList());
        assertThat(first.get(1499).event().getId()).isEqualTo("b1-499");
        assertThat(log.countAfter(EventFilter.ALL, 0, Long.MAX_VALUE)).isEqualTo(batches * 1000L);
        // a retry of an event in a chunk that left the cache is still found to be a duplicate
        assertThat(get(log.append(List.of(reading("b0-7"))))).containsExactly(new AppendResult(8, true));
    }

    @Test
    void seeksASubscriptionByTimeAndCountsItsLagThroughTheLog() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T08:00:00Z"));
        start(H2EventLog.Settings.DEFAULTS.withClock(clock));
        SubscriptionStore store = new SubscriptionStore(db.dataSource(), clock, log);
        for (int minute = 0; minute < 10; minute++) {
            get(log.append(readings("m" + minute, 3)));
            clock.advance(Duration.ofMinutes(1));
        }
        store.create("s", EventFilter.ALL, 30);

        assertThat(store.seekToTime("s", Instant.parse("2026-11-26T08:04:00Z")).cursor()).isEqualTo(12);
        assertThat(store.seekToTime("s", Instant.parse("2026-11-26T08:04:01Z")).cursor()).isEqualTo(15);
        assertThat(store.seekToTime("s", Instant.parse("2026-11-25T08:00:00Z")).cursor()).isZero();
        assertThat(store.seekToTime("s", Instant.parse("2026-11-26T09:00:00Z")).cursor()).isEqualTo(30);
        assertThat(store.countAfter(EventFilter.ALL, 12, 100)).isEqualTo(18);
    }

    @Test
    void aSequenceIsNeverReusedWhenSwitchingFromRowsToChunks() throws Exception {
        try (H2EventLog rows = H2EventLog.start(db.dataSource(), H2EventLog.Settings.DEFAULTS)) {
            get(rows.append(readings("r", 4)));
        }
        start(H2EventLog.Settings.DEFAULTS);

        List<NewEvent> next = new ArrayList<>(readings("c", 1));
        assertThat(get(log.append(next))).containsExactly(new AppendResult(5, false));
    }

    @Test
    void aSequenceIsNeverReusedWhenSwitchingFromChunksBackToRows() throws Exception {
        start(H2EventLog.Settings.DEFAULTS);
        get(log.append(readings("c", 3)));
        log.close();

        try (H2EventLog rows = H2EventLog.start(db.dataSource(), H2EventLog.Settings.DEFAULTS)) {
            assertThat(get(rows.append(readings("r", 1)))).containsExactly(new AppendResult(4, false));
        }
    }

    @Test
    void aCleanStopCompactsTheFileOnlyWhenItIsSmallEnough() throws Exception {
        assumeTrue(database == de.datenhafen.core.store.TestDatabase.H2, "H2's file; PostgreSQL's VACUUM is its own");
        long[] sizes = new long[2];
        for (int run = 0; run < 2; run++) {
            java.nio.file.Path folder = dir.resolve("compact-" + run);
            de.datenhafen.core.store.Database own = BusFixtures.database(folder);
            GroupCommitLog chunks = startLog(own.dataSource(), H2EventLog.Settings.DEFAULTS);
            for (int g = 0; g < 200; g++) {
                get(chunks.append(readings("g" + g, 100)));
            }
            chunks.close();
            java.nio.file.Path file = folder.resolve("hub.mv.db");
            long written = java.nio.file.Files.size(file);
            own.compactAtClose(run == 0 ? Long.MAX_VALUE : written - 1);
            own.close();
            sizes[run] = java.nio.file.Files.size(file);
            assertThat(written).as("the file as written").isGreaterThan(2 * sizes[0]);
        }
        assertThat(sizes[0]).as("compacted: 20,000 events in chunks").isLessThan(40L * 20_000);
        assertThat(sizes[1]).as("too large for the stop: not compacted").isGreaterThan(2 * sizes[0]);
        try (de.datenhafen.core.store.Database again = BusFixtures.database(dir.resolve("compact-0"));
             GroupCommitLog reopened = startLog(again.dataSource(), H2EventLog.Settings.DEFAULTS)) {
            assertThat(reopened.countAfter(EventFilter.ALL, 0, Long.MAX_VALUE)).isEqualTo(20_000);
            assertThat(reopened.read(EventFilter.ALL, 19_999, 1).get(0).event().getId()).isEqualTo("g199-99");
        }
    }

    /** Events with 240 random hex digits of data: a group of 180 deflates to about 27 KB. */
    private static List<NewEvent> bulky(String prefix, int count, java.util.Random rnd) {
        List<NewEvent> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder hex = new StringBuilder("{\"raw\":\"");
            for (int k = 0; k < 30; k++) {
                hex.append(String.format(java.util.Locale.ROOT, "%08x", rnd.nextInt()));
            }
            out.add(new NewEvent(CloudEventBuilder.v1().withId(prefix + "-" + i).withSource(URI.create("/bulky"))
                .withType(BusFixtures.READING).withData(hex.append("\"}").toString().getBytes(StandardCharsets.UTF_8))
                .build(), "airsense"));
        }
        return out;
    }

    private long count(String sql) throws Exception {
        try (var c = db.dataSource().getConnection(); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void writesEachLargeChunkToTheFileOnce() throws Exception {
        assumeTrue(database == de.datenhafen.core.store.TestDatabase.H2, "H2's copy-on-write file");
        java.nio.file.Path folder = dir.resolve("once");
        java.util.Random rnd = new java.util.Random(17);
        try (de.datenhafen.core.store.Database own = BusFixtures.database(folder);
             GroupCommitLog chunks = startLog(own.dataSource(), H2EventLog.Settings.DEFAULTS)) {
            long before = java.nio.file.Files.size(folder.resolve("hub.mv.db"));
            for (int g = 0; g < 40; g++) {
                get(chunks.append(bulky("g" + g, 180, rnd)));
            }
            long grown = java.nio.file.Files.size(folder.resolve("hub.mv.db")) - before;
            long chunkBytes;
            try (var c = own.dataSource().getConnection(); var st = c.createStatement();
                 var rs = st.executeQuery("SELECT SUM(OCTET_LENGTH(data)) FROM bus_chunk_data")) {
                rs.next();
                chunkBytes = rs.getLong(1);
            }
            // larger than H2's default page size (16 KB), smaller than twice that
            assertThat(chunkBytes / 40).as("bytes per chunk").isBetween(20_000L, 32_000L);
            // written twice (without the empty row after each chunk, or with H2's default page size), the file grew
            // by more than twice the chunk bytes (2.17 times before; 1.22 now)
            assertThat(grown).as("file growth against chunk bytes %d", chunkBytes).isLessThan(chunkBytes * 3 / 2);
            assertThat(chunks.read(EventFilter.ALL, 7_199, 1).get(0).event().getId()).isEqualTo("g39-179");
        }
    }

    @Test
    void leavesOneEmptyRowAfterTheNewestChunkOnH2AndFindsItAgainAfterARestart() throws Exception {
        boolean h2 = database == de.datenhafen.core.store.TestDatabase.H2;
        String empty = "SELECT COUNT(*) FROM bus_chunk_data WHERE OCTET_LENGTH(data) = 0";
        String emptyKey = "SELECT MAX(first_seq) FROM bus_chunk_data WHERE OCTET_LENGTH(data) = 0";
        start(H2EventLog.Settings.DEFAULTS);
        get(log.append(readings("a", 10)));
        get(log.append(readings("b", 5)));
        assertThat(count(empty)).isEqualTo(h2 ? 1 : 0);
        if (h2) {
            assertThat(count(emptyKey)).as("keyed by the newest chunk's last sequence").isEqualTo(15);
        }
        log.close();

        start(H2EventLog.Settings.DEFAULTS);
        get(log.append(readings("c", 4)));
        assertThat(count("SELECT COUNT(*) FROM bus_chunk_data")).isEqualTo(h2 ? 4 : 3);
        assertThat(count(empty)).isEqualTo(h2 ? 1 : 0);
        get(log.append(readings("one", 1)));
        assertThat(count(empty)).as("no key between a one-event chunk's first and last").isZero();
        log.close();

        // a gap in the sequences (numbers handed out, then lost)
        try (var c = db.dataSource().getConnection(); var st = c.createStatement()) {
            st.executeUpdate("UPDATE bus_log_state SET val = 40 WHERE name = 'high_water_seq'");
        }
        start(H2EventLog.Settings.DEFAULTS);
        get(log.append(readings("d", 3)));
        assertThat(get(log.append(readings("e", 2)))).containsExactly(new AppendResult(44, false),
            new AppendResult(45, false));
        assertThat(count(empty)).isEqualTo(h2 ? 1 : 0);
        if (h2) {
            assertThat(count(emptyKey)).isEqualTo(45);
        }
        assertThat(log.read(EventFilter.ALL, 0, 100)).extracting(e -> e.event().getId())
            .containsExactlyElementsOf(java.util.stream.Stream.of(readings("a", 10), readings("b", 5),
                readings("c", 4), readings("one", 1), readings("d", 3), readings("e", 2)).flatMap(List::stream)
                .map(e -> e.event().getId()).toList());
        assertThat(log.read(EventFilter.ALL, 19, 1).get(0).sequence()).isEqualTo(20);
    }
}
