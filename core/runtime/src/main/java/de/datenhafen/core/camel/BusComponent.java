package de.datenhafen.core.camel;

import de.datenhafen.core.bus.EventFilter;
import de.datenhafen.core.bus.EventLog;
import de.datenhafen.core.bus.RetryPolicy;
import de.datenhafen.core.bus.SubscriptionBackend;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code bus:} component. {@code bus:<type>} as a producer puts the message on the bus as an event of that
 * type; {@code bus:<type-pattern>?subscription=<name>} as a consumer takes the matching events off it, in order, at
 * least once, through the named subscription. Both go through the same {@link EventLog}.
 *
 * <p>Consumer options: {@code subscription} (required), {@code subjectPrefix}, and {@code maxBatch} (default 1; at
 * most {@value #MAX_BATCH}): with more than 1 the route gets up to that many events per exchange, see
 * {@link BusConsumer}.
 */
public final class BusComponent extends DefaultComponent {

    /** The largest {@code maxBatch}: a batch is held in memory and, for a projection, in one transaction. */
    static final int MAX_BATCH = 10_000;

    private final EventLog log;
    private final SubscriptionBackend subscriptions;
    private final Function<String, RouteOwner> owners;
    private final RetryPolicy retry;

    public BusComponent(EventLog log, SubscriptionBackend subscriptions, Function<String, RouteOwner> owners,
                        RetryPolicy retry) {
        this.log = log;
        this.subscriptions = subscriptions;
        this.owners = owners;
        this.retry = retry;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        String subscription = getAndRemoveParameter(parameters, "subscription", String.class);
        String subjectPrefix = getAndRemoveParameter(parameters, "subjectPrefix", String.class);
        int maxBatch = getAndRemoveParameter(parameters, "maxBatch", Integer.class, 1);
        if (maxBatch < 1 || maxBatch > MAX_BATCH) {
            throw new IllegalArgumentException("bus endpoint '" + uri + "': maxBatch must be between 1 and "
                + MAX_BATCH + ", was " + maxBatch);
        }
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("bus endpoint '" + uri + "' names no event type");
        }
        List<String> types = List.of(remaining.split(","));
        EventFilter filter = new EventFilter(types, subjectPrefix);
        return new BusEndpoint(uri, this, remaining, filter, subscription, maxBatch);
    }

    EventLog log() {
        return log;
    }

    SubscriptionBackend subscriptions() {
        return subscriptions;
    }

    RouteOwner owner(String routeId) {
        String integration = RouteOwner.integrationOf(routeId);
        return integration == null ? null : owners.apply(integration);
    }

    RetryPolicy retry() {
        return retry;
    }
}
