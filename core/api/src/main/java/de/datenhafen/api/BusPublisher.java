package de.datenhafen.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Puts events on the bus from anywhere in a plugin, not only from a route: a timer's tick, a library's callback, a
 * batch assembled in plugin code. The events are the integration's (its member owns them, its source is their
 * default source), exactly as if its route had sent them to {@link IntegrationContext#bus(String)}.
 *
 * <p>Get it from {@link IntegrationContext#publisher()} in {@link Connector#routes(IntegrationContext)}; it works
 * while the integration's routes run. Thread-safe. {@link #publish} blocks its thread until the events are committed,
 * so call it from a plugin or Camel worker thread, never from a Vert.x event loop. {@link #publishAsync} (1.5) returns
 * at once and completes when they are: for a busy HTTP route, whose worker is then free for the next request while
 * the commit is pending (an {@link org.apache.camel.AsyncProcessor} that answers when the stage completes).
 *
 * @since 1.1
 */
public interface BusPublisher {

    /**
     * Appends {@code events}, all of type {@code type}, as one batch in list order (so per subject in that order),
     * and returns when all are committed.
     *
     * @throws RetryableException when the bus cannot take them now (nothing of the batch was added)
     * @throws InvalidInputException when an event is malformed (a source that is not a URI, ...); nothing was added
     * @throws IllegalStateException when the integration's routes are stopped
     */
    Published publish(String type, List<BusEvent> events);

    /**
     * Appends {@code events} as {@link #publish(String, List)} does, without waiting: the stage completes with what
     * the bus did once all are committed, or exceptionally with the exception {@code publish} would have thrown
     * (itself, not wrapped: {@link RetryableException} when the bus cannot take them now, {@link InvalidInputException}
     * for a malformed event, {@link IllegalStateException} when the integration's routes are stopped). This method
     * itself does not throw.
     *
     * <p>Which thread completes the stage: the hub completes it on a thread it keeps for the plugin's completions,
     * one at a time in commit order, or on the calling thread when the batch is refused at once or empty. Stages
     * chained without an executor run there too, so keep them short (set an exchange's answer, call a Camel
     * {@code AsyncCallback}) and never block in them; hand longer work to an executor of your own
     * ({@code thenApplyAsync(f, executor)}). The default implementation, for publishers other than the hub's,
     * calls {@link #publish(String, List)} on the calling thread and returns a completed stage.
     *
     * <p>Use {@link #publish} where a thread may wait (a timer, a library's callback, a batch job); use this one where
     * threads are the limit: an HTTP route taking many requests at once, each waiting for its own commit.
     *
     * @since 1.5
     */
    default CompletionStage<Published> publishAsync(String type, List<BusEvent> events) {
        try {
            return CompletableFuture.completedFuture(publish(type, events));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** One event; see {@link #publish(String, List)}. */
    default Published publish(String type, BusEvent event) {
        return publish(type, List.of(event));
    }

    /**
     * What the bus did with a batch.
     *
     * @param sequences the sequence each event got, in the batch's order (a duplicate has its earlier copy's)
     * @param duplicates how many events were already stored (same source and id) and so not added again
     */
    record Published(List<Long> sequences, int duplicates) {

        public Published {
            sequences = List.copyOf(sequences);
        }
    }
}
