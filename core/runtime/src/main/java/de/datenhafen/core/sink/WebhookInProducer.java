package de.datenhafen.core.sink;

import de.datenhafen.api.ConflictException;
import de.datenhafen.api.HttpRequests;
import de.datenhafen.api.InvalidInputException;
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
