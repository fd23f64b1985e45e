package de.datenhafen.plugins.airquality;

import de.datenhafen.api.BusHeaders;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.camel.AsyncProducer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceHelper;

/**
 * Puts many events of one type on the bus at once and returns when all are committed. The {@code bus:} producer
 * takes one event per exchange, so each event gets an exchange of its own and all are handed to the producer before
 * any is waited for: the hub's one writer then commits them in a few group commits instead of one commit each. The
 * exchanges carry the calling route's id, so the events belong to this plugin's member. Events of one subject are
 * appended one after the other, in time order, so the bus's order per subject is the readings' order.
 *
 * <p>Blocks the calling thread (a Camel worker, never an event loop) until the last commit.
 */
final class BusPublisher {

    /** One event: id (with the source, the dedup key), subject, time, JSON data. */
    record Event(String id, String subject, Instant time, byte[] data) {
    }

    static final String SOURCE = "/air-quality";

    private final String uri;
    private volatile AsyncProducer producer;

    BusPublisher(String busUri) {
        this.uri = busUri;
    }

    void publish(Exchange origin, List<Event> events) throws Exception {
        if (events.isEmpty()) {
            return;
        }
        // The bus keeps order per subject only for events appended one after the other: events of one subject go in
        // waves, oldest first, each wave committed before the next; a batch of many rooms is one wave.
        Map<String, List<Event>> bySubject = new LinkedHashMap<>();
        for (Event e : events) {
            bySubject.computeIfAbsent(e.subject(), k -> new ArrayList<>()).add(e);
        }
        List<List<Event>> waves = new ArrayList<>();
        for (List<Event> same : bySubject.values()) {
            same.sort(Comparator.comparing(Event::time));
            for (int i = 0; i < same.size(); i++) {
                if (waves.size() <= i) {
                    waves.add(new ArrayList<>());
                }
                waves.get(i).add(same.get(i));
            }
        }
        AsyncProducer p = producer(origin);
        for (List<Event> wave : waves) {
            publishWave(origin, p, wave);
        }
    }

    private static void publishWave(Exchange origin, AsyncProducer p, List<Event> events) throws Exception {
        Endpoint endpoint = p.getEndpoint();
        CompletableFuture<?>[] done = new CompletableFuture<?>[events.size()];
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            Exchange x = endpoint.createExchange();
            x.getExchangeExtension().setFromRouteId(origin.getFromRouteId());
            x.getIn().setHeader(BusHeaders.ID, e.id());
            x.getIn().setHeader(BusHeaders.SOURCE, SOURCE);
            x.getIn().setHeader(BusHeaders.SUBJECT, e.subject());
            x.getIn().setHeader(BusHeaders.TIME, e.time().toString());
            x.getIn().setHeader(BusHeaders.DATA_CONTENT_TYPE, "application/json");
            x.getIn().setBody(e.data());
            CompletableFuture<Exchange> f = new CompletableFuture<>();
            done[i] = f;
            p.process(x, sync -> f.complete(x));
        }
        try {
            CompletableFuture.allOf(done).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
        for (CompletableFuture<?> f : done) {
            Exchange x = (Exchange) f.get();
            if (x.getException() != null) {
                throw x.getException();
            }
        }
    }

    private AsyncProducer producer(Exchange origin) throws Exception {
        AsyncProducer p = producer;
        if (p == null) {
            synchronized (this) {
                p = producer;
                if (p == null) {
                    p = origin.getContext().getEndpoint(uri).createAsyncProducer();
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
