package de.datenhafen.plugins.airquality;

import de.datenhafen.api.BusEvent;
import de.datenhafen.api.BusHeaders;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.support.service.ServiceHelper;

/**
 * Puts many events of one type on the bus at once and returns when all are committed: one exchange whose body is a
 * {@code List<BusEvent>}, which the {@code bus:} producer appends as one batch in list order. The list is sorted by
 * the readings' time, so the bus's order per subject (room) is the readings' order. The exchange carries the
 * calling route's id, so the events belong to this plugin's member.
 *
 * <p>Blocks the calling thread (a Camel worker, never an event loop) until the commit. Not asynchronous on purpose:
 * the {@code bus:} producer is (it completes from the log's commit future), but Camel 4.22's platform-http-vertx
 * consumer calls the route with the blocking {@code Processor.process} inside {@code vertx.executeBlocking} and answers
 * only when that returns, so an asynchronous ingest route would hold its HTTP worker all the same (waiting in Camel's
 * await manager instead of here). Releasing the worker until the commit needs the hub's HTTP consumer to call routes
 * through {@code AsyncProcessor} and answer from the callback, a change to the hub, not to this plugin.
 */
final class BusPublisher {

    /** One event: id (with the source, the dedup key), subject, time, JSON data. */
    record Event(String id, String subject, Instant time, byte[] data) {
    }

    static final String SOURCE = "/air-quality";

    private final String uri;
    private volatile Producer producer;

    BusPublisher(String busUri) {
        this.uri = busUri;
    }

    /**
     * Puts the events on the bus and returns once all are committed: how many of them were stored already (same
     * source and id; the bus keeps the first copy and adds nothing), from the producer's
     * {@link BusHeaders#DUPLICATES}.
     */
    int publish(Exchange origin, List<Event> events) throws Exception {
        if (events.isEmpty()) {
            return 0;
        }
        List<Event> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparing(Event::time)); // stable: equal times keep their order
        List<BusEvent> batch = new ArrayList<>(ordered.size());
        for (Event e : ordered) {
            batch.add(new BusEvent(e.id(), e.subject(), e.time(), e.data(), "application/json", SOURCE));
        }
        Producer p = producer(origin);
        Exchange x = p.getEndpoint().createExchange();
        x.getExchangeExtension().setFromRouteId(origin.getFromRouteId());
        x.getIn().setBody(batch);
        p.process(x);
        if (x.getException() != null) {
            throw x.getException();
        }
        Integer duplicates = x.getMessage().getHeader(BusHeaders.DUPLICATES, Integer.class);
        return duplicates == null ? 0 : duplicates;
    }

    private Producer producer(Exchange origin) throws Exception {
        Producer p = producer;
        if (p == null) {
            synchronized (this) {
                p = producer;
                if (p == null) {
                    p = origin.getContext().getEndpoint(uri).createProducer();
                    ServiceHelper.startService(p);
                    producer = p;
                }
            }
        }
        return p;
    }

    void close() {
        ServiceHelper.stopAndShutdownService(producer);
    }
}
