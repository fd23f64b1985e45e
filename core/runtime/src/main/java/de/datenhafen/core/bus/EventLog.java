package de.datenhafen.core.bus;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * The bus's log: the one interface every storage (H2 now; PostgreSQL or Kafka later) implements, and the one the
 * HTTP API, the {@code bus:} Camel endpoint and subscriptions go through.
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

    /** The highest committed sequence number, 0 when the log is empty. */
    long lastSequence();

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
