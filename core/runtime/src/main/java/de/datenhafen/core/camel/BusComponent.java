package de.datenhafen.core.camel;

import de.datenhafen.api.BusPublisher;
import de.datenhafen.core.bus.EventFilter;
import de.datenhafen.core.bus.EventLog;
import de.datenhafen.core.bus.RetryPolicy;
import de.datenhafen.core.bus.SubscriptionBackend;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
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
    private final Map<String, ThreadPoolExecutor> completions = new ConcurrentHashMap<>();

    public BusComponent(EventLog log, SubscriptionBackend subscriptions, Function<String, RouteOwner> owners,
                        RetryPolicy retry) {
        this.log = log;
        this.subscriptions = subscriptions;
        this.owners = owners;
        this.retry = retry;
    }

    private volatile java.util.function.BooleanSupplier startingPaused = () -> false;

    /** While {@code paused} is true on the thread starting a consumer, the consumer starts without delivering. */
    public void startsPausedWhile(java.util.function.BooleanSupplier paused) {
        this.startingPaused = paused;
    }

    boolean startingPaused() {
        return startingPaused.getAsBoolean();
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        EndpointOptions.noReferences("bus", parameters);
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
        EndpointOptions.onlyOwn("bus", parameters);
        List<String> types = List.of(remaining.split(","));
        EventFilter filter = new EventFilter(types, subjectPrefix);
        return new BusEndpoint(uri, this, remaining, filter, subscription, maxBatch);
    }

    EventLog log() {
        return log;
    }

    /** A publisher of the integration's events outside its routes; see {@link IntegrationPublisher}. */
    BusPublisher publisher(String integration) {
        return new IntegrationPublisher(integration, log, owners, this::completions);
    }

    /**
     * Where a plugin's {@link BusPublisher#publishAsync} stages complete: one thread of the plugin's own, ended when
     * idle, so a plugin's slow stage delays its own answers, never the bus's writer or another plugin. Never refuses:
     * after the component stopped, a late completion runs on the thread that completes it.
     */
    private Executor completions(String pluginId) {
        ThreadPoolExecutor pool = completions.computeIfAbsent(pluginId,
            id -> PluginPools.create("plugin-" + id + "-published-", 1, new LinkedBlockingQueue<>()));
        return task -> {
            try {
                pool.execute(task);
            } catch (RejectedExecutionException stopped) {
                task.run();
            }
        };
    }

    @Override
    protected void doStop() throws Exception {
        completions.values().forEach(ExecutorService::shutdown);
        completions.clear();
        super.doStop();
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
