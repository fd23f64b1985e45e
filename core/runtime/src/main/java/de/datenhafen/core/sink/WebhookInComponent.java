package de.datenhafen.core.sink;

import de.datenhafen.core.camel.EndpointOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code webhook-in:} component, the receiving side of {@code webhook:}: {@code webhook-in:<name>?secret=whsec_...}
 * as a producer checks the exchange in front of it (a delivery to a plugin's HTTP route: the request's own headers,
 * never a query parameter of their names, and the body) as a Standard Webhooks receiver does, with
 * {@link StandardWebhooks#verify} (one place for the algorithm), and returns when it is a good delivery. A bad one
 * throws the hub's 400 naming the header ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}); an
 * exact copy of a delivery already taken (same id and timestamp: a replay) the hub's 409. A sender's new attempt of
 * the same message (same id, a new timestamp and signature) passes: the route puts it on the bus with the id as event
 * id, where the bus takes it as a duplicate.
 *
 * <p>Parameters: {@code secret} and, during a rotation, {@code previousSecret} ({@code whsec_<base64>}; a delivery
 * signed under either passes), {@code toleranceSeconds} (300, the specification's five minutes: how far the
 * timestamp may be from the hub's clock).
 */
public final class WebhookInComponent extends DefaultComponent {

    static final int MAX_TOLERANCE_SECONDS = 3600;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("webhook-in endpoint names no receiver: webhook-in:<name>?secret=...");
        }
        EndpointOptions.noReferences("webhook-in", parameters);
        List<byte[]> keys = new ArrayList<>(2);
        keys.add(StandardWebhooks.key(getAndRemoveParameter(parameters, "secret", String.class), "secret"));
        String previous = getAndRemoveParameter(parameters, "previousSecret", String.class);
        if (previous != null && !previous.isBlank()) {
            keys.add(StandardWebhooks.key(previous, "previousSecret"));
        }
        int tolerance = getAndRemoveParameter(parameters, "toleranceSeconds", Integer.class, 300);
        if (tolerance < 1 || tolerance > MAX_TOLERANCE_SECONDS) {
            throw new IllegalArgumentException("toleranceSeconds must be between 1 and " + MAX_TOLERANCE_SECONDS
                + ", was " + tolerance);
        }
        EndpointOptions.onlyOwn("webhook-in", parameters);
        return new SinkEndpoint(uri, this, remaining,
            endpoint -> new WebhookInProducer(endpoint, List.copyOf(keys), tolerance));
    }
}
