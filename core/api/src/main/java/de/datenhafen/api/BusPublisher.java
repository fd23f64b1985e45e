package de.datenhafen.api;

import java.util.List;

/**
 * Puts events on the bus from anywhere in a plugin, not only from a route: a timer's tick, a library's callback, a
 * batch assembled in plugin code. The events are the integration's (its member owns them, its source is their
 * default source), exactly as if its route had sent them to {@link IntegrationContext#bus(String)}.
 *
 * <p>Get it from {@link IntegrationContext#publisher()} in {@link Connector#routes(IntegrationContext)}; it works
 * while the integration's routes run. Thread-safe. Each call blocks its thread until the events are committed, so
 * call it from a plugin or Camel worker thread, never from a Vert.x event loop.
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
