package de.datenhafen.core.ops;

import de.datenhafen.core.bus.GroupCommits;
import de.datenhafen.core.camel.CamelHost;
import de.datenhafen.core.camel.RouteCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hub's meter registry (Prometheus): JVM figures, Vert.x HTTP figures (through Vert.x's Micrometer metrics),
 * and per-integration message counts read from the Camel host when scraped.
 */
public final class HubMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Map<String, Bound> integrationMeters = new HashMap<>();

    /** An integration's meters and the counters they read. */
    private record Bound(RouteCounters counters, List<Meter> meters) {
    }

    /** Binds the JVM meters. Call after Vert.x is created: Vert.x adds meter filters, which must come first. */
    public void bindJvmMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** The bus writer's group commits, where the log commits groups of its own (not on Kafka). */
    public void bindBus(GroupCommits commits) {
        FunctionCounter.builder("datenhafen.bus.groups", commits, GroupCommits::groupsCommitted)
            .description("Group commits of the bus writer since start").register(registry);
        FunctionCounter.builder("datenhafen.bus.events", commits, GroupCommits::eventsCommitted)
            .description("Events stored by the bus writer's group commits since start").register(registry);
    }

    /** The HTTP connections open and refused ({@link de.datenhafen.core.http.ConnectionLimit}). */
    public void bindConnections(de.datenhafen.core.http.ConnectionLimit connections) {
        io.micrometer.core.instrument.Gauge.builder("datenhafen.http.connections.open", connections,
                de.datenhafen.core.http.ConnectionLimit::open)
            .description("HTTP connections counted against http.max-connections").register(registry);
        FunctionCounter.builder("datenhafen.http.connections.refused", connections,
                de.datenhafen.core.http.ConnectionLimit::refusedTotal)
            .description("HTTP connections refused since start, over http.max-connections or its per-address share")
            .register(registry);
        FunctionCounter.builder("datenhafen.http.connections.idle.closed", connections,
                de.datenhafen.core.http.ConnectionLimit::madeRoom)
            .description("Idle keep-alive HTTP connections closed since start to make room for a new one at "
                + "http.max-connections")
            .register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Prometheus text, with per-integration counters for exactly the given integrations, of which those {@code shown}
     * accepts are in the text. An integration deleted and created again under its name since the last scrape has new
     * counters: its meters are bound to those anew, as Micrometer would otherwise hand back the meters that still read
     * the deleted one's. The meters stay bound for every integration, whoever asks, so callers who see different
     * integrations do not remove and add meters in turn.
     */
    public synchronized String scrape(CamelHost camel, Collection<String> integrations, Predicate<String> shown) {
        Set<String> wanted = Set.copyOf(integrations);
        integrationMeters.entrySet().removeIf(e -> {
            if (!wanted.contains(e.getKey()) || camel.counters(e.getKey()) != e.getValue().counters()) {
                e.getValue().meters().forEach(registry::remove);
                return true;
            }
            return false;
        });
        for (String name : wanted) {
            integrationMeters.computeIfAbsent(name, n -> {
                RouteCounters c = camel.counters(n);
                return new Bound(c, List.of(
                    counter(n, "in", c, RouteCounters::in),
                    counter(n, "out", c, RouteCounters::out),
                    counter(n, "failed", c, RouteCounters::failed)));
            });
        }
        return shownOnly(registry.scrape(), shown);
    }

    /** For {@link #scrape}: every integration's series, the text as the registry writes it, not read line by line. */
    public static final Predicate<String> EVERY_INTEGRATION = name -> true;

    private static final String INTEGRATION_SERIES = "datenhafen_integration_messages_total{";
    private static final Pattern INTEGRATION_LABEL = Pattern.compile("[{,]integration=\"([^\"]*)\"");

    /** {@code text} without the per-integration lines of the integrations {@code shown} refuses. */
    static String shownOnly(String text, Predicate<String> shown) {
        if (shown == EVERY_INTEGRATION) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (String line : text.split("\n", -1)) {
            if (line.startsWith(INTEGRATION_SERIES)) {
                Matcher m = INTEGRATION_LABEL.matcher(line);
                if (!m.find() || !shown.test(m.group(1))) {
                    continue;
                }
            }
            out.append(line).append('\n');
        }
        out.setLength(Math.max(0, out.length() - 1)); // split keeps the text's last line break as an empty last line
        return out.toString();
    }

    private Meter counter(String integration, String direction, RouteCounters c,
                          java.util.function.ToDoubleFunction<RouteCounters> f) {
        return FunctionCounter.builder("datenhafen.integration.messages", c, f)
            .description("Messages handled by an integration's routes")
            .tag("integration", integration)
            .tag("direction", direction)
            .register(registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
