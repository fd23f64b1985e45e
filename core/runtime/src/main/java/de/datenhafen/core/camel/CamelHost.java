package de.datenhafen.core.camel;

import de.datenhafen.api.BusPublisher;
import de.datenhafen.core.bus.EventLog;
import de.datenhafen.core.bus.RetryPolicy;
import de.datenhafen.core.bus.SubscriptionBackend;
import de.datenhafen.core.sink.IntegrationStop;
import de.datenhafen.core.sink.MqttOutComponent;
import de.datenhafen.core.sink.SinkAddressPolicy;
import de.datenhafen.core.sink.WebhookComponent;
import de.datenhafen.core.sink.WebhookInComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.ServiceStatus;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's one Camel context. Integrations add their routes here; each route id starts with its integration's
 * name, which is how the hub finds an integration's routes, counts their messages and knows whose class loader to
 * set around their processors. Plugin HTTP routes ({@code hub-http:}) are served by the hub's own router.
 */
public final class CamelHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CamelHost.class);

    private final DefaultCamelContext camel;
    /** Set while {@link #addRoutes(RouteOwner, RoutesBuilder, boolean)} adds an integration's routes paused. */
    private final ThreadLocal<Boolean> addingPaused = ThreadLocal.withInitial(() -> false);
    private final Map<String, RouteOwner> owners = new ConcurrentHashMap<>();
    private final Map<String, RouteCounters> counters = new ConcurrentHashMap<>();
    private final HubHttpComponent http;
    private final BusComponent bus;
    private final SinkAddressPolicy sinkPolicy;
    /**
     * Held while routes are added, suspended, resumed or removed. Waited for at most {@link #routesWait}: a route's
     * making runs plugin code (its {@code configure()}), and one that never returned held the hub's routes, so every
     * later start, the hub's own start after a restart among them, and every stop waited for ever.
     */
    private final java.util.concurrent.locks.ReentrantLock routesLock = new java.util.concurrent.locks.ReentrantLock();
    private volatile java.time.Duration routesWait = java.time.Duration.ofSeconds(30);
    /** Removals counted, and each integration's last (see {@link #attempt}). */
    private final java.util.concurrent.atomic.AtomicLong removals = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, Long> removedAt = new ConcurrentHashMap<>();
    private volatile IntegrationStop stops = (integration, reason) ->
        LOG.warn("Integration {} asked to stop ({}), but nothing stops integrations yet", integration, reason);

    public CamelHost(HubHttpComponent.Settings httpSettings, EventLog log, SubscriptionBackend subscriptions,
                     RetryPolicy retry, SinkAddressPolicy sinkPolicy) {
        this.sinkPolicy = sinkPolicy;
        camel = new HubCamelContext();
        camel.getCamelContextExtension().setName("datenhafen");
        camel.setClassResolver(new PluginAwareClassResolver());
        camel.setStreamCaching(false);
        camel.getShutdownStrategy().setTimeout(5);
        camel.getShutdownStrategy().setTimeUnit(TimeUnit.SECONDS);
        camel.getCamelContextExtension().addInterceptStrategy(new PluginClassLoaderStrategy());
        camel.getManagementStrategy().addEventNotifier(new CountingNotifier());

        // Plugin HTTP routes are served by the hub's own consumer (see HubHttpComponent for why not platform-http);
        // it is registered under platform-http's name too, so no route reaches the router around its rules.
        http = new HubHttpComponent(httpSettings, owners::get);
        camel.addComponent("hub-http", http);
        camel.addComponent("platform-http", http);

        bus = new BusComponent(log, subscriptions, owners::get, retry);
        bus.startsPausedWhile(addingPaused::get);
        camel.addComponent("bus", bus);
        // the sinks, hub-level like bus: (core.sink); a target's 410 stops its integration through stops
        // the sinks connect only where sinkPolicy allows (public addresses unless the operator listed more)
        camel.addComponent("webhook", new WebhookComponent(() -> host(httpSettings.publicUrl().get()),
            (integration, reason) -> stops.stop(integration, reason), httpSettings.vertx(), sinkPolicy));
        camel.addComponent("mqtt-out", new MqttOutComponent(sinkPolicy));
        // the receiving side of webhook: (a plugin's HTTP route checks a signed delivery with it)
        camel.addComponent("webhook-in", new WebhookInComponent());
        try {
            camel.addRoutes(new PluginRouteErrors()); // before any plugin route: it applies to each one added later
        } catch (Exception e) {
            throw new IllegalStateException("the plugin routes' error handling could not be set up", e);
        }
    }

    /** How the bus's subscriptions retry a failing delivery (the flows' collections are retried so too). */
    public RetryPolicy retry() {
        return bus.retry();
    }

    /**
     * Runs each timed route (timer, scheduler) on the one node that holds its lease (see {@link LeasedTimers}). Call
     * before routes are added.
     */
    public void leaseTimedRoutes(de.datenhafen.core.node.Leases leases) {
        camel.addRoutePolicyFactory(new LeasedTimers(leases));
    }

    /** Who stops an integration when one of its sinks asks (a webhook target's 410 Gone). */
    public void stopIntegrationsWith(IntegrationStop stop) {
        this.stops = java.util.Objects.requireNonNull(stop, "stop");
    }

    private static String host(String url) {
        String host = java.net.URI.create(url).getHost();
        return host == null ? "localhost" : host;
    }

    /** The paths plugin routes serve right now. */
    public List<HubHttpComponent.PluginRoute> httpRoutes() {
        return http.routes();
    }

    /**
     * Where the sinks ({@code webhook:}, {@code mqtt-out:}) may send: the policy they apply, for a check of a target
     * before any route is built (an integration's validate, create and update).
     */
    public SinkAddressPolicy sinkPolicy() {
        return sinkPolicy;
    }

    /** Publishes the integration's events from plugin code outside its routes; see {@link BusPublisher}. */
    public BusPublisher publisher(String integration) {
        return bus.publisher(integration);
    }

    public CamelContext context() {
        return camel;
    }

    public void start() {
        camel.start();
        LOG.info("Camel {} started", camel.getVersion());
    }

    public boolean isStarted() {
        return camel.isStarted();
    }

    /**
     * Adds and starts an integration's routes. Called with the plugin's class loader as context class loader
     * (the builder runs plugin code). Every route id must start with {@code <integration>.}; if one does not,
     * or a route fails to start, every route of this call is removed again and the error is thrown.
     *
     * @return the ids of the routes added
     */
    public List<String> addRoutes(RouteOwner owner, RoutesBuilder builder) throws Exception {
        return addRoutes(owner, builder, false);
    }

    /** How long a change of routes waits for another that holds them (the hub's plugin call time). */
    public void waitForRoutesAtMost(java.time.Duration wait) {
        this.routesWait = wait;
    }

    /** Takes {@link #routesLock}, or refuses {@code what} when another change held it for {@link #routesWait}. */
    private void lockRoutes(String what) {
        try {
            if (routesLock.tryLock(routesWait.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new de.datenhafen.api.RetryableException("the hub's routes are held by a route's making that has not "
            + "finished within " + Math.max(1, routesWait.toSeconds()) + " s (a plugin's code that does not return?); "
            + what + " was not done", java.time.Duration.ofSeconds(5));
    }

    /**
     * As {@link #addRoutes(RouteOwner, RoutesBuilder)}; with {@code paused} the caller suspends the routes next,
     * and until then a {@code bus:} consumer of theirs starts no delivery (a start then a suspend would let it deliver
     * in between, e.g. an event to a webhook target that asked for no more); {@link #resume} starts it. Other
     * consumers start and are suspended as usual (a paused HTTP route answers 503).
     */
    public List<String> addRoutes(RouteOwner owner, RoutesBuilder builder, boolean paused) throws Exception {
        return addRoutes(owner, builder, paused, attempt());
    }

    /**
     * The count of removals so far: an add given it (taken before the connector's {@code routes()} ran) is void when
     * its integration is removed after it, while the add waited for the routes or the plugin made its builder.
     */
    public long attempt() {
        return removals.get();
    }

    /** As {@link #addRoutes(RouteOwner, RoutesBuilder, boolean)}, void when the integration was removed after {@code attempt}. */
    public List<String> addRoutes(RouteOwner owner, RoutesBuilder builder, boolean paused, long attempt)
            throws Exception {
        lockRoutes("adding the routes of integration " + owner.integration());
        try {
            List<String> added = addLocked(owner, builder, paused);
            if (removedAfter(owner.integration(), attempt)) {
                // let go while its routes were waited for or made (past the plugin call time): they must not run
                removeNew(new HashSet<>(routeIds().stream().filter(id -> !added.contains(id)).toList()));
                owners.remove(owner.integration(), owner);
                throw new IllegalStateException("integration " + owner.integration() + " was stopped while its "
                    + "routes were being made");
            }
            return added;
        } finally {
            routesLock.unlock();
        }
    }

    private boolean removedAfter(String integration, long attempt) {
        Long at = removedAt.get(integration);
        return at != null && at > attempt;
    }

    private List<String> addLocked(RouteOwner owner, RoutesBuilder builder, boolean paused) throws Exception {
        String prefix = owner.integration() + ".";
        owners.put(owner.integration(), owner);
        counters.computeIfAbsent(owner.integration(), k -> new RouteCounters());
        Set<String> before = routeIds();
        addingPaused.set(paused);
        try {
            camel.addRoutes(builder);
        } catch (Exception e) {
            removeNew(before);
            throw e;
        } finally {
            addingPaused.remove();
        }
        List<String> added = new ArrayList<>();
        for (String id : routeIds()) {
            if (!before.contains(id)) {
                added.add(id);
            }
        }
        for (String id : added) {
            if (!id.startsWith(prefix)) {
                removeNew(before);
                throw new IllegalArgumentException("route id '" + id + "' is not owned by integration "
                    + owner.integration() + "; take route ids from IntegrationContext.routeId(...)");
            }
        }
        if (added.isEmpty()) {
            throw new IllegalArgumentException("the connector's routes builder added no routes");
        }
        return added;
    }

    /** Suspends the integration's routes: consumers stop taking work, nothing is lost. */
    public void suspend(String integration) throws Exception {
        lockRoutes("suspending the routes of integration " + integration);
        try {
            for (String id : routeIdsOf(integration)) {
                camel.getRouteController().suspendRoute(id, 5, TimeUnit.SECONDS);
            }
        } finally {
            routesLock.unlock();
        }
    }

    public void resume(String integration) throws Exception {
        lockRoutes("resuming the routes of integration " + integration);
        try {
            for (String id : routeIdsOf(integration)) {
                camel.getRouteController().resumeRoute(id);
            }
        } finally {
            routesLock.unlock();
        }
    }

    /**
     * Stops (finishing in-flight exchanges, at most 5 s) and removes the integration's routes. An integration with
     * none (its start failed, or its routes are still being made by code that does not return) is let go without
     * waiting for the routes: so it can be deleted while another's making holds them.
     */
    public void remove(String integration) {
        removedAt.put(integration, removals.incrementAndGet()); // first: an add under way sees it when it is done
        if (routeIdsOf(integration).isEmpty() && !routesLock.isHeldByCurrentThread()) {
            owners.remove(integration);
            return;
        }
        lockRoutes("removing the routes of integration " + integration);
        try {
            for (String id : routeIdsOf(integration)) {
                try {
                    camel.getRouteController().stopRoute(id, 5, TimeUnit.SECONDS);
                    camel.removeRoute(id);
                } catch (Exception e) {
                    LOG.warn("Route {} of integration {} did not stop cleanly: {}", id, integration, e.getMessage());
                }
            }
            owners.remove(integration);
        } finally {
            routesLock.unlock();
        }
    }

    /**
     * Completes what every aggregate of the route collects, now, on this thread, while the route runs: a flow's stop
     * sends its collections on before its route is stopped. Camel's own completion at a stop ({@code
     * forceCompletionOnStop}) comes after its error handler has begun refusing exchanges, so each collection failed
     * there with a bare RejectedExecutionException (a review).
     */
    public void completeAggregates(String routeId) {
        Route route = camel.getRoute(routeId);
        if (route == null) {
            return;
        }
        java.util.Deque<Processor> pending = new java.util.ArrayDeque<>(route.navigate() == null ? List.of()
            : route.navigate().next());
        Set<Processor> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        while (!pending.isEmpty()) {
            Processor p = pending.pop();
            if (!seen.add(p)) {
                continue;
            }
            if (p instanceof org.apache.camel.processor.aggregate.AggregateProcessor a) {
                a.forceCompletionOfAllGroups();
            }
            if (p instanceof org.apache.camel.Navigate<?> n && n.hasNext()) {
                for (Object next : n.next()) {
                    if (next instanceof Processor q) {
                        pending.push(q);
                    }
                }
            }
        }
    }

    /** Whether every route of the integration is started. */
    public boolean allStarted(String integration) {
        List<String> ids = routeIdsOf(integration);
        return !ids.isEmpty() && ids.stream()
            .allMatch(id -> camel.getRouteController().getRouteStatus(id) == ServiceStatus.Started);
    }

    public RouteCounters counters(String integration) {
        return counters.computeIfAbsent(integration, k -> new RouteCounters());
    }

    public void forgetCounters(String integration) {
        counters.remove(integration);
    }

    private List<String> routeIdsOf(String integration) {
        String prefix = integration + ".";
        return camel.getRoutes().stream().map(Route::getId).filter(id -> id.startsWith(prefix)).toList();
    }

    private Set<String> routeIds() {
        Set<String> ids = new HashSet<>();
        camel.getRoutes().forEach(r -> ids.add(r.getId()));
        return ids;
    }

    private void removeNew(Set<String> before) {
        for (String id : routeIds()) {
            if (!before.contains(id)) {
                try {
                    camel.getRouteController().stopRoute(id, 5, TimeUnit.SECONDS);
                    camel.removeRoute(id);
                } catch (Exception e) {
                    LOG.warn("Could not remove route {}: {}", id, e.getMessage());
                }
            }
        }
        // Definitions whose routes never got created (a failing start) must go too, or the id stays taken.
        List<RouteDefinition> stale = new ArrayList<>();
        for (RouteDefinition d : camel.getRouteDefinitions()) {
            if (d.getRouteId() != null && !before.contains(d.getRouteId()) && camel.getRoute(d.getRouteId()) == null) {
                stale.add(d);
            }
        }
        try {
            camel.removeRouteDefinitions(stale);
        } catch (Exception e) {
            LOG.warn("Could not remove route definitions: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        camel.stop();
        LOG.info("Camel stopped");
    }

    /** Sets the owning plugin's class loader as context class loader around every processor of its routes. */
    private final class PluginClassLoaderStrategy implements InterceptStrategy {
        @Override
        public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
                                                     Processor nextTarget) {
            NamedNode node = definition;
            while (node != null && !(node instanceof RouteDefinition)) {
                node = node.getParent();
            }
            if (node == null) {
                return target;
            }
            String integration = RouteOwner.integrationOf(((RouteDefinition) node).getRouteId());
            RouteOwner owner = integration == null ? null : owners.get(integration);
            if (owner == null) {
                return target;
            }
            ClassLoader loader = owner.classLoader();
            return new DelegateAsyncProcessor(target) {
                @Override
                public boolean process(Exchange exchange, AsyncCallback callback) {
                    Thread thread = Thread.currentThread();
                    ClassLoader before = thread.getContextClassLoader();
                    thread.setContextClassLoader(loader);
                    try {
                        return processor.process(exchange, callback);
                    } finally {
                        thread.setContextClassLoader(before);
                    }
                }
            };
        }
    }

    /** Counts, per integration, messages that finished (in), were sent on (out) and failed. */
    private final class CountingNotifier extends EventNotifierSupport {
        CountingNotifier() {
            setIgnoreCamelContextEvents(true);
            setIgnoreRouteEvents(true);
            setIgnoreServiceEvents(true);
            setIgnoreExchangeCreatedEvent(true);
            // Sending events must stay on: Camel's SendProcessor only fires ExchangeSent (our "out") for an
            // exchange whose ExchangeSending some notifier took.
            setIgnoreExchangeSendingEvents(false);
            setIgnoreExchangeRedeliveryEvents(true);
            setIgnoreStepEvents(true);
        }

        @Override
        public void notify(CamelEvent event) {
            if (!(event instanceof CamelEvent.ExchangeEvent ee)) {
                return;
            }
            String integration = RouteOwner.integrationOf(ee.getExchange().getFromRouteId());
            if (integration == null || !owners.containsKey(integration)) {
                return;
            }
            RouteCounters c = counters(integration);
            if (event instanceof CamelEvent.ExchangeFailedEvent) {
                Exception e = ee.getExchange().getException();
                c.received();
                c.failed(e == null ? "failed" : e.getClass().getSimpleName() + ": " + e.getMessage());
            } else if (event instanceof CamelEvent.ExchangeCompletedEvent) {
                c.received();
            } else if (event instanceof CamelEvent.ExchangeSentEvent) {
                c.sent();
            }
        }
    }
}
