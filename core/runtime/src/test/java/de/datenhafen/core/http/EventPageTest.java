package de.datenhafen.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.bus.EventFilter;
import de.datenhafen.core.bus.QuietEventLog;
import de.datenhafen.core.bus.StoredEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A page of the events API scans the log in windows and ends once its time is up, saying where it stopped: a filter
 * that matches nothing no longer reads the whole log in one request, and following next misses nothing.
 */
class EventPageTest {

    /** 100 events, sequences 1 to 100: type t.match at 50 and 95, t.other else. */
    private final Log log = new Log(100, 50, 95);

    @Test
    void aScanWhoseTimeIsUpEndsAfterItsWindowAndNextContinuesWithoutMissingAnEvent() {
        List<Long> found = new ArrayList<>();
        List<Long> nexts = new ArrayList<>();
        long after = 0;
        while (after < 100) {
            // no time at all: each page scans one window of 20 sequences, then ends
            EventPage page = EventPage.read(log, EventFilter.ofTypes("t.match"), after, 10, 20, 0);
            page.events().forEach(e -> found.add(e.sequence()));
            nexts.add(page.next());
            assertThat(log.furthest).as("the page's reads looked no further than its window and the one event after it")
                .isLessThanOrEqualTo(after + 20 + 1);
            after = page.next();
        }
        assertThat(found).containsExactly(50L, 95L);
        assertThat(nexts).containsExactly(20L, 40L, 60L, 80L, 100L);
    }

    @Test
    void withTimeEnoughAPageScansToTheLogsEndAndAFullPageEndsAtItsLastEvent() {
        EventPage all = EventPage.read(log, EventFilter.ofTypes("t.match"), 0, 10, 20, 10_000_000_000L);
        assertThat(all.events()).extracting(StoredEvent::sequence).containsExactly(50L, 95L);
        assertThat(all.next()).as("the log's last sequence: nothing to scan again").isEqualTo(100);

        EventPage full = EventPage.read(log, EventFilter.ALL, 0, 30, 20, 10_000_000_000L);
        assertThat(full.events()).hasSize(30);
        assertThat(full.next()).isEqualTo(30);

        assertThat(EventPage.read(log, EventFilter.ALL, 500, 10).next()).as("after the log's end").isEqualTo(500);
    }

    /**
     * A restored backup leaves billions of numbers unused (RestoredBackup): a reader following next stepped over them
     * 20,000 at a time, a page a second, and took days to reach the first new event.
     */
    @Test
    void aStretchWithoutEventsIsSteppedOverAtOnce() {
        Log sparse = new Log(List.of(1L, 2L, 3L, 864_000_000_004L, 864_000_000_005L));

        // no time at all: one window, then the step to the next event
        EventPage page = EventPage.read(sparse, EventFilter.ALL, 3, 10, 20, 0);
        assertThat(page.events()).isEmpty();
        assertThat(page.next()).isEqualTo(864_000_000_003L);
        EventPage on = EventPage.read(sparse, EventFilter.ALL, page.next(), 10, 20, 0);
        assertThat(on.events()).extracting(StoredEvent::sequence).containsExactly(864_000_000_004L,
            864_000_000_005L);

        // with time enough, one page from the start finds all of them
        assertThat(EventPage.read(sparse, EventFilter.ALL, 0, 10).events()).hasSize(5);
    }

    /** A log in memory that remembers how far a read looked. */
    private static final class Log extends QuietEventLog {
        final List<StoredEvent> events = new ArrayList<>();
        long furthest;

        Log(int count, long... matching) {
            for (long s = 1; s <= count; s++) {
                long seq = s;
                boolean match = java.util.Arrays.stream(matching).anyMatch(m -> m == seq);
                events.add(event(s, match ? "t.match" : "t.other"));
            }
        }

        Log(List<Long> sequences) {
            sequences.forEach(s -> events.add(event(s, "t.other")));
        }

        private static StoredEvent event(long s, String type) {
            return new StoredEvent(s, "m", CloudEventBuilder.v1().withId("e" + s).withSource(URI.create("/t"))
                .withType(type).build());
        }

        @Override
        public List<StoredEvent> read(EventFilter filter, long after, int limit) {
            return read(filter, after, limit, Long.MAX_VALUE);
        }

        @Override
        public List<StoredEvent> read(EventFilter filter, long after, int limit, long upTo) {
            List<StoredEvent> out = new ArrayList<>();
            for (StoredEvent e : events) {
                if (e.sequence() <= after) {
                    continue;
                }
                if (e.sequence() > upTo || out.size() == limit) {
                    break;
                }
                furthest = e.sequence();
                if (filter.matches(e)) {
                    out.add(e);
                }
            }
            return out;
        }

        @Override
        public long lastSequence() {
            return events.get(events.size() - 1).sequence();
        }
    }
}
