package de.datenhafen.core.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkCodecTest {

    private static final OffsetDateTime AT = OffsetDateTime.of(2026, 12, 3, 11, 0, 0, 0, ZoneOffset.UTC);

    @Test
    void readsTheFirstEventsSourceAndIdWithoutDecodingIt() {
        List<StoredEvent> events = List.of(
            new StoredEvent(7, "bus-company", BusFixtures.event("urn:dh:gtfs:lvb", "trip-9-stop-3",
                "de.datenhafen.gtfs.arrival", "line/5")),
            new StoredEvent(8, "airsense", BusFixtures.event("urn:dh:airq:vendor", "trip-9-stop-4",
                BusFixtures.READING, null)));

        for (boolean deflate : new boolean[] {false, true}) {
            byte[] stored = ChunkCodec.encode(7, AT, events, deflate).stored();

            assertThat(ChunkCodec.firstKey(stored))
                .isEqualTo(new GroupCommitLog.Key("urn:dh:gtfs:lvb", "trip-9-stop-3"));
        }
        // one event, as each record of the Kafka log holds
        byte[] one = ChunkCodec.encode(1, AT, events.subList(1, 2), false).stored();
        assertThat(ChunkCodec.firstKey(one)).isEqualTo(new GroupCommitLog.Key("urn:dh:airq:vendor", "trip-9-stop-4"));
    }

    @Test
    void aChunkOfThousandsOfSimilarSourcesAndSubjectsComesBackAsItWent() {
        // the shape whose String.hashCodes crowd together: one sender's devices numbered in the last characters
        List<StoredEvent> events = new java.util.ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String device = String.format(java.util.Locale.ROOT, "co2-s%04d", i % 2500);
            events.add(new StoredEvent(100 + i, i % 3 == 0 ? "airsense" : "city", BusFixtures.event(
                "/sensors/" + device, "r-" + i, i % 7 == 0 ? "air.alert" : BusFixtures.READING, "school-" + i % 50
                    + "/" + device)));
        }

        StoredEvent[] back = ChunkCodec.decode(ChunkCodec.plain(ChunkCodec.encode(100, AT, events, true).stored()), 100,
            AT);

        assertThat(back).hasSize(3000);
        for (int i = 0; i < back.length; i++) {
            assertThat(back[i].sequence()).isEqualTo(100 + i);
            assertThat(back[i].member()).isEqualTo(events.get(i).member());
            assertThat(back[i].event()).isEqualTo(events.get(i).event());
        }
    }

    @Test
    void anEncoderUsedChunkAfterChunkWritesWhatAFreshOneWrites() {
        // the writer keeps one encoder: its buffers, string table and deflater must carry nothing from one chunk into
        // the next, also after a chunk far larger than the buffers keep (ids with umlauts, a surrogate pair and a prefix
        // shared across the non-ASCII part take the UTF-8 way)
        List<List<StoredEvent>> chunks = List.of(
            chunk(10, 3, "r-"),
            chunk(13, 20_000, "Messung-\u00e4\u00f6-"),
            chunk(20_013, 2, "\uD83C\uDF21-temp-"),
            chunk(20_015, 5, "r-"));
        for (boolean deflate : new boolean[] {true, false}) {
            try (ChunkCodec.Encoder encoder = new ChunkCodec.Encoder()) {
                for (List<StoredEvent> events : chunks) {
                    long first = events.get(0).sequence();
                    ChunkCodec.Encoded reused = encoder.encode(first, AT, events, deflate);
                    ChunkCodec.Encoded fresh = ChunkCodec.encode(first, AT, events, deflate);

                    assertThat(reused.stored()).isEqualTo(fresh.stored());
                    assertThat(reused.plain()).isEqualTo(ChunkCodec.plain(reused.stored()));
                    assertThat(reused.typeCounts()).isEqualTo(fresh.typeCounts());
                    StoredEvent[] back = ChunkCodec.decode(reused.plain(), first, AT);
                    assertThat(back).hasSize(events.size());
                    for (int i = 0; i < back.length; i++) {
                        assertThat(back[i].event()).isEqualTo(events.get(i).event());
                    }
                }
            }
        }
    }

    private static List<StoredEvent> chunk(long first, int n, String idPrefix) {
        List<StoredEvent> events = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(new StoredEvent(first + i, "airsense", BusFixtures.event("/sensors/co2-s" + (i % 2500),
                idPrefix + i, i % 5 == 0 ? "air.alert" : BusFixtures.READING, null)));
        }
        return events;
    }
}
