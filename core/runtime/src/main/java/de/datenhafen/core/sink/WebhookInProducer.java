package de.datenhafen.core.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import de.datenhafen.api.ConflictException;
import de.datenhafen.api.HttpRequests;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.RefusedException;
import de.datenhafen.core.bus.Hops;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;

/**
 * Checks one delivery of the exchange (see {@link WebhookInComponent}) and remembers, for the tolerance window, the
 * id and timestamp of each one it let through, so an exact copy of it is refused as a replay. Past
 * {@link #MAX_REMEMBERED} ids it forgets the ones whose timestamps the window refuses anyway, then all: forgetting
 * costs no event twice, since the route's bus append takes a copy as a duplicate of its (source, id).
 */
final class WebhookInProducer extends DefaultProducer {

    static final int MAX_REMEMBERED = 100_000;
    private static final JsonFactory JSON = new JsonFactory();

    private final List<byte[]> keys;
    private final long tolerance;
    /** webhook-id to the timestamp of the delivery taken with it. */
    private final Map<String, Long> taken = new HashMap<>();

    WebhookInProducer(Endpoint endpoint, List<byte[]> keys, long toleranceSeconds) {
        super(endpoint);
        this.keys = keys;
        this.tolerance = toleranceSeconds;
    }

    @Override
    public void process(Exchange exchange) {
        // the request's own headers: a query parameter of the same name never stands in for one
        String id = HttpRequests.header(exchange, "webhook-id");
        long now = Instant.now().getEpochSecond();
        long sent;
        try {
            sent = StandardWebhooks.verify(keys, id, HttpRequests.header(exchange, "webhook-timestamp"),
                HttpRequests.header(exchange, "webhook-signature"), exchange.getMessage().getBody(byte[].class), now,
                tolerance);
        } catch (StandardWebhooks.Refusal r) {
            throw new InvalidInputException(r.getMessage(), r.header());
        }
        if (!firstTime(id, sent, now)) {
            throw new ConflictException("this delivery (webhook-id " + id + ", webhook-timestamp " + sent + ") was "
                + "received already: a replay is refused; a sender's new attempt carries a new timestamp", "webhook-id");
        }
        int hops = hops(exchange);
        if (hops > Hops.MAX) {
            throw new RefusedException("this delivery came through " + hops + " webhooks (its " + Hops.EXTENSION
                + " attribute), at most " + Hops.MAX + " are taken: its event goes round in a loop of flows or "
                + "integrations sending to webhook receivers", Hops.EXTENSION);
        }
        if (hops > 0) {
            exchange.getMessage().setHeader(Hops.HEADER, hops);
        }
    }

    /**
     * The delivery's loop count ({@link Hops}): the larger of the {@code ce-datenhafenhops} header of the binary mode
     * and the top-level attribute of a structured CloudEvent body ({@code application/cloudevents+json}) (the header is not signed: one added on the way
     * must not lower the body's); 0 when neither is there (or the body is not JSON, which the route refuses after
     * this).
     */
    static int hops(Exchange exchange) {
        return Math.max(Hops.count(HttpRequests.header(exchange, Hops.CE_HEADER)), bodyHops(exchange));
    }

    private static int bodyHops(Exchange exchange) {
        String type = HttpRequests.header(exchange, "Content-Type");
        if (type == null
            || !type.strip().toLowerCase(java.util.Locale.ROOT).startsWith("application/cloudevents+json")) {
            return 0; // binary mode: the body is the event's data, whose fields are the sender's, not a count
        }
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null || body.length == 0) {
            return 0;
        }
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return 0;
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (Hops.EXTENSION.equals(name)) {
                    return value.isNumeric() || value == JsonToken.VALUE_STRING ? Hops.count(p.getText()) : 0;
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            return 0; // not JSON: refused by the route's own reading, with the reason
        }
        return 0;
    }

    /** Whether no delivery with this id and timestamp was let through within the window; remembers this one. */
    private synchronized boolean firstTime(String id, long sent, long now) {
        Long before = taken.get(id);
        if (before != null && before == sent) {
            return false;
        }
        if (taken.size() >= MAX_REMEMBERED) {
            taken.values().removeIf(t -> Math.abs(now - t) > tolerance);
            if (taken.size() >= MAX_REMEMBERED) {
                taken.clear();
            }
        }
        taken.put(id, sent);
        return true;
    }
}
