package de.datenhafen.plugins.airquality;

import de.datenhafen.api.BusEvent;
import de.datenhafen.plugins.airquality.sta.StaBackend;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.camel.Exchange;

/**
 * Puts many readings of one type on the bus at once through the hub's {@link de.datenhafen.api.BusPublisher}: one
 * batch, sorted by the readings' time so that the bus's order per subject (room) is the readings' order, committed
 * before {@link #publish} returns. {@link #publish} blocks the calling thread (a Camel worker, never an event loop);
 * {@link #publishAsync} does not, for the HTTP ingest, whose worker goes on to the next request meanwhile.
 */
final class BusPublisher {

    /** One event: id (with the source, the dedup key), subject, time, JSON data. */
    record Event(String id, String subject, Instant time, byte[] data) {
    }

    static final String SOURCE = "/air-quality";

    private final String type;

    BusPublisher(String type) {
        this.type = type;
    }

    /**
     * Puts the events on the bus as the integration whose publisher {@code hub} is, and returns once all are
     * committed: how many were stored already (same source and id; the bus keeps the first copy).
     */
    int publish(de.datenhafen.api.BusPublisher hub, List<Event> events) {
        return events.isEmpty() ? 0 : hub.publish(type, batch(events)).duplicates();
    }

    /**
     * {@link #publish} without waiting: the stage completes with the duplicates once all are committed, or with the
     * hub's refusal (see {@link de.datenhafen.api.BusPublisher#publishAsync}), on the hub's thread for the plugin.
     */
    CompletionStage<Integer> publishAsync(de.datenhafen.api.BusPublisher hub, List<Event> events) {
        return events.isEmpty() ? CompletableFuture.completedFuture(0)
            : hub.publishAsync(type, batch(events)).thenApply(de.datenhafen.api.BusPublisher.Published::duplicates);
    }

    private static List<BusEvent> batch(List<Event> events) {
        List<Event> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparing(Event::time)); // stable: equal times keep their order
        List<BusEvent> batch = new ArrayList<>(ordered.size());
        for (Event e : ordered) {
            batch.add(new BusEvent(e.id(), e.subject(), e.time(), e.data(), "application/json", SOURCE));
        }
        return batch;
    }

    /** The publisher of the integration whose route took {@code origin}; see {@link StaBackend#PUBLISHER}. */
    static de.datenhafen.api.BusPublisher of(Exchange origin) {
        return origin.getProperty(StaBackend.PUBLISHER, de.datenhafen.api.BusPublisher.class);
    }
}
