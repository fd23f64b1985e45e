package de.datenhafen.core.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cache of recent chunks is bounded by their bytes as well as their events: large events cannot fill the heap. */
class ChunkCacheTest {

    private static final OffsetDateTime AT = OffsetDateTime.of(2026, 12, 5, 10, 0, 0, 0, ZoneOffset.UTC);

    @Test
    void largeEventsAreHeldOnlyUpToTheBytesLeastRecentlyUsedOutFirst() {
        ChunkedEventLog.ChunkCache cache = new ChunkedEventLog.ChunkCache(32_768, 1_000_000);
        long epoch = cache.epoch();
        for (int i = 0; i < 3; i++) {
            cache.putIfEpoch(epoch, chunk(1 + 100L * i, 100, 300_000)); // 100 events of 3 KB
        }
        cache.get(1); // the first is read again: the second is now the least recently used
        cache.putIfEpoch(epoch, chunk(301, 100, 300_000));
        cache.putIfEpoch(epoch, chunk(401, 100, 300_000));

        assertThat(cache.bytes()).isLessThanOrEqualTo(1_000_000);
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.get(1)).isNotNull();
        assertThat(cache.get(101)).isNull();
        assertThat(cache.get(201)).isNull();
        assertThat(cache.get(401)).isNotNull();
    }

    @Test
    void aChunkLargerThanTheWholeCacheIsNotCachedAndEvictsNothing() {
        ChunkedEventLog.ChunkCache cache = new ChunkedEventLog.ChunkCache(32_768, 1_000_000);
        cache.putIfEpoch(cache.epoch(), chunk(1, 10, 1_000));
        cache.putIfEpoch(cache.epoch(), chunk(11, 500, 5_000_000));

        assertThat(cache.get(11)).isNull();
        assertThat(cache.get(1)).isNotNull();
        assertThat(cache.bytes()).isEqualTo(1_000 + 160L * 10);
    }

    @Test
    void smallEventsAreStillBoundedByTheirCount() {
        ChunkedEventLog.ChunkCache cache = new ChunkedEventLog.ChunkCache(1_000, 1L << 30);
        for (int i = 0; i < 5; i++) {
            cache.putIfEpoch(cache.epoch(), chunk(1 + 400L * i, 400, 40_000));
        }

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.bytes()).isEqualTo(2 * (40_000 + 160L * 400));
    }

    private static ChunkedEventLog.Chunk chunk(long first, int events, int bytes) {
        return new ChunkedEventLog.Chunk(first, first + events - 1, AT, Map.of("air.reading", events), new byte[bytes]);
    }
}
