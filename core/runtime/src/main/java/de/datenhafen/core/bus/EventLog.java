package de.datenhafen.core.bus;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * The bus's log: the one interface every storage (H2 and PostgreSQL, as rows or chunks; a Kafka topic,
 * {@link KafkaEventLog}) implements, and the one the HTTP API, the {@code bus:} Camel endpoint and subscriptions go
 * through.
 *
 * <p>Thread-safe. {@link #append} never blocks its caller.
 */
public interface EventLog extends AutoCloseable {

    /**
     * Appends events in order, all or none. The future completes only after the events are committed (promise 1:
     * acknowledged means stored); a duplicate (same source and id as a stored event) is not stored again and is
     * reported as such. Completes exceptionally with {@link de.datenhafen.api.RetryableException} when the log
     * cannot take more now; nothing of the batch is stored then.
     */
    CompletableFuture<List<AppendResult>> append(List<NewEvent> events);

    /**
     * Up to {@code limit} committed events with a sequence greater than {@code after} that match the filter, in
     * sequence order.
     */
    List<StoredEvent> read(EventFilter filter, long after, int limit);

    /**
     * As {@link #read(EventFilter, long, int)}, of the events up to sequence {@code upTo} alone: a reader bounds so how
     * much of the log one call looks at, where a filter that matches little would otherwise scan it to its end. This
     * default reads and drops what is past {@code upTo}, so it bounds the answer but not the scan; the storages
     * (rows, chunks, Kafka) stop their scan there.
     */
    default List<StoredEvent> read(EventFilter filter, long after, int limit, long upTo) {
        List<StoredEvent> events = read(filter, after, limit);
        int n = 0;
        while (n < events.size() && events.get(n).sequence() <= upTo) {
            n++;
        }
        return n == events.size() ? events : List.copyOf(events.subList(0, n));
    }

    /**
     * The sequence of the first stored event after {@code after} and up to {@code upTo}, of any type, or empty: a
     * reader steps so over a stretch of numbers without events (a restored backup's gap) at once. This default reads
     * that event; the storages look at their index or headers only.
     */
    default java.util.OptionalLong firstSequenceAfter(long after, long upTo) {
        List<StoredEvent> next = read(EventFilter.ALL, after, 1, upTo);
        return next.isEmpty() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(next.get(0).sequence());
    }

    /**
     * How many stored events after {@code after} match the filter, counting no further than {@code cap}: the lag of a
     * subscription, bounded so that one far behind costs {@code cap} events' worth of work, not the whole log. This
     * default pages through {@link #read}; storages count cheaper.
     */
    default long countAfter(EventFilter filter, long after, long cap) {
        long n = 0;
        long pos = after;
        while (n < cap) {
            List<StoredEvent> page = read(filter, pos, (int) Math.min(10_000, cap - n));
            if (page.isEmpty()) {
                break;
            }
            n += page.size();
            pos = page.get(page.size() - 1).sequence();
        }
        return n;
    }

    /**
     * The first sequence stored at or after {@code time}, or 0 when nothing was stored since (for seeking a
     * subscription by time).
     */
    long firstStoredAtOrAfter(Instant time);

    /** The highest committed sequence number, 0 when the log is empty. */
    long lastSequence();

    /** Events appended and not yet committed (queued or being written): how far the writer is behind. */
    int pendingEvents();

    /**
     * Registers a listener told the highest committed sequence after each commit. It is called on the log's own
     * thread and must return quickly (hand work on); it wakes up subscriptions and live streams.
     */
    void onCommit(LongConsumer listener);

    /** Removes a listener added with {@link #onCommit}. */
    void removeOnCommit(LongConsumer listener);

    /** Finishes in-flight appends, then releases resources. Later appends fail. */
    @Override
    void close();
}
