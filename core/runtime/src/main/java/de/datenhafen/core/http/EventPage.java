package de.datenhafen.core.http;

import de.datenhafen.core.bus.EventFilter;
import de.datenhafen.core.bus.EventLog;
import de.datenhafen.core.bus.StoredEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of {@code GET /api/v1/events}: up to {@code limit} events after {@code after} that match the filter, read
 * a few at a time and cut after {@link #PAGE_BYTES} bytes of data (an event carries at most 1 MiB), so no page holds
 * more than about that plus one event whatever the limit; and a scan of the log bounded in time. The log is read in
 * windows of {@link #WINDOW} sequences; once a window is done and the page has scanned for {@link #SCAN_TIME_NANOS},
 * it ends with what it found, and {@code next} is where it stopped. Without that, a filter that matches nothing (a
 * subject no event has) read the whole log on a worker of the API: 85,000 events took 11.6 s, a log of millions
 * would have held the worker for minutes (an attacker's probe).
 *
 * <p>{@code next}: the last event's sequence when the page is full (the limit, or cut by bytes); else where the scan
 * stopped: the log's last committed sequence as seen before the read (so a filtered reader does not scan the same
 * non-matching events again), or, when the time ran out first, the end of the last window scanned. So a page with
 * fewer events than asked for is not proof of the log's end; following {@code next} misses nothing. A stretch of
 * sequences without any event (a restored backup's gap of billions, see {@code RestoredBackup}) costs one read, not
 * a window's read per 20,000 of its numbers.
 */
record EventPage(List<StoredEvent> events, long next) {

    /** Data bytes after which a page is cut. */
    static final long PAGE_BYTES = 4L * 1024 * 1024;
    /** Sequences one read looks at, at most, between two looks at the page's time. */
    static final long WINDOW = 20_000;
    /** How long a page scans the log before it ends with what it found. */
    static final long SCAN_TIME_NANOS = 1_000_000_000L;
    private static final int READ_BATCH = 50;

    static EventPage read(EventLog log, EventFilter filter, long after, int limit) {
        return read(log, filter, after, limit, WINDOW, SCAN_TIME_NANOS);
    }

    /** With a window and a scanning time of the caller's (tests). */
    static EventPage read(EventLog log, EventFilter filter, long after, int limit, long window, long scanNanos) {
        long upTo = log.lastSequence();
        long deadline = System.nanoTime() + scanNanos;
        List<StoredEvent> events = new ArrayList<>();
        long bytes = 0;
        long cursor = after; // the next read starts after it
        long scanned = after; // every sequence up to it has been looked at
        boolean cut = false;
        while (events.size() < limit && !cut && scanned < upTo) {
            long windowEnd = upTo - scanned <= window ? upTo : scanned + window;
            int want = Math.min(READ_BATCH, limit - events.size());
            List<StoredEvent> batch = log.read(filter, cursor, want, windowEnd);
            for (StoredEvent e : batch) {
                events.add(e);
                cursor = e.sequence();
                bytes += e.event().getData() == null ? 0 : e.event().getData().toBytes().length;
                if (bytes >= PAGE_BYTES) {
                    cut = true;
                    break;
                }
            }
            if (batch.size() < want) { // the window is done
                scanned = windowEnd;
                cursor = windowEnd;
                // a stretch without any event (a restored backup's gap, what retention deleted) is stepped over at
                // once, not a window at a time: one look at the next event of any kind
                java.util.OptionalLong next = scanned < upTo ? log.firstSequenceAfter(scanned, upTo)
                    : java.util.OptionalLong.empty();
                long before = next.isPresent() ? next.getAsLong() - 1 : upTo;
                if (before > scanned) {
                    scanned = before;
                    cursor = before;
                }
                if (System.nanoTime() - deadline > 0) {
                    break;
                }
            }
        }
        boolean full = cut || events.size() == limit;
        long last = events.isEmpty() ? after : events.get(events.size() - 1).sequence();
        return new EventPage(events, full ? last : Math.max(last, scanned));
    }
}
