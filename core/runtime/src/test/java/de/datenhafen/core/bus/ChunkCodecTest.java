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
}
