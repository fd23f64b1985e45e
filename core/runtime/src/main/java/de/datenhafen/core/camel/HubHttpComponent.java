package de.datenhafen.core.camel;

import de.datenhafen.api.ConflictException;
import de.datenhafen.core.http.BodyBudget;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The hub's own HTTP consumer for plugin routes ({@code hub-http:<path>}, also registered as {@code platform-http}
 * so that no plugin route can reach the hub's router another way). It replaces Camel's platform-http consumer
 * because the hub must decide, not Camel's defaults:
 * <ul>
 *   <li>which request headers and query parameters enter the exchange: never one named like the hub's own
 *       ({@code Datenhafen*}) or Camel's ({@code Camel*}), so no outside input can forge an event's source or id;
 *       and a query parameter only under a name no request header has, so it cannot stand in for one (the
 *       request's own headers alone are {@code HttpRequests.header});</li>
 *   <li>which exchange headers become response headers: only those the route set, each checked to be a valid
 *       header (an inbound {@code Set-Cookie} query parameter is never echoed);</li>
 *   <li>what the body is: the raw bytes whatever the content type (never parsed as a form), read up to a
 *       limit ({@code maxBodySize}, 413 beyond it) before the route sees it;</li>
 *   <li>where plugin code runs: on a bounded pool of the owning plugin, never on an event loop; the thread is
 *       free again as soon as the route goes asynchronous (the bus producer waiting for a commit, or a plugin's
 *       {@code AsyncProcessor} waiting for {@code BusPublisher.publishAsync});</li>
 *   <li>what errors look like: the hub's JSON errors, 503 with the reason while the integration is paused.</li>
 * </ul>
 *
 * <p>Endpoint options: {@code httpMethodRestrict} (comma-separated methods), {@code matchOnUriPrefix}
 * (serve the path and everything below it), {@code maxBodySize} (bytes; default from the hub's config), {@code access},
 * {@code audit} and {@code clientRate} (see {@link HubHttpEndpoint}).
 */
public final class HubHttpComponent extends DefaultComponent {

    /**
     * What the consumer needs from the hub.
     *
     * @param sections the paths the city page's running sections hold (GET and HEAD on {@code /<id>} and below, the
     *                 router's route before the plugins'; {@code PublicSections#routes}), which no other integration's
     *                 route may serve
     */
    public record Settings(Vertx vertx, Router router, BodyBudget bodies, long defaultMaxBody, int threadsPerPlugin, int queuePerPlugin,
                           Supplier<String> publicUrl, CallerResolver callers, Function<String, String> ownerOf,
                           Supplier<List<PluginRoute>> sections) {
        public Settings {
            Objects.requireNonNull(sections, "sections");
            Objects.requireNonNull(callers, "callers");
            Objects.requireNonNull(ownerOf, "ownerOf");
            Objects.requireNonNull(vertx, "vertx");
            Objects.requireNonNull(router, "router");
            Objects.requireNonNull(bodies, "bodies");
            Objects.requireNonNull(publicUrl, "publicUrl");
            if (defaultMaxBody < 1 || threadsPerPlugin < 1 || queuePerPlugin < 1) {
                throw new IllegalArgumentException("limits must be positive: " + defaultMaxBody + ", "
                    + threadsPerPlugin + ", " + queuePerPlugin);
            }
        }
    }

    private final Settings settings;
    private final Function<String, RouteOwner> owners;
    private final Map<String, ThreadPoolExecutor> pools = new ConcurrentHashMap<>();
    private final Map<HubHttpConsumer, PluginRoute> routes = new ConcurrentHashMap<>();

    /**
     * One path a plugin serves right now.
     *
     * @param methods the methods it answers; empty for all
     * @param prefix whether it also serves every path below {@code path}
     * @param access who the hub lets call it: the endpoint's {@code access} option ({@code public}, {@code viewer},
     *               {@code member-editor}, {@code member-admin} of the plugin's owning member, or {@code hub-admin})
     */
    public record PluginRoute(String plugin, String integration, String path, List<String> methods, boolean prefix,
                              String access) {

        /** A public route (the endpoint's default access). */
        public PluginRoute(String plugin, String integration, String path, List<String> methods, boolean prefix) {
            this(plugin, integration, path, methods, prefix, "public");
        }

        /**
         * Whether a request could reach both: their paths meet (the same, or one below the other's prefix) and they
         * share a method. Two routes on one path with different methods (GET here, POST there) do not clash.
         */
        public boolean clashes(PluginRoute other) {
            return pathsMeet(path, prefix, other.path, other.prefix) && (methods.isEmpty() || other.methods.isEmpty()
                || methods.stream().anyMatch(other.methods::contains));
        }

        /** Whether {@code a} (served with everything below it if {@code aPrefix}) and {@code b} reach one path. */
        public static boolean pathsMeet(String a, boolean aPrefix, String b, boolean bPrefix) {
            String x = trimmed(a);
            String y = trimmed(b);
            return x.equals(y) || (aPrefix && y.startsWith(x + "/")) || (bPrefix && x.startsWith(y + "/"));
        }

        /** The path without its trailing slash ({@code /sta/} is {@code /sta}). */
        public static String trimmed(String path) {
            return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        }
    }

    /**
     * The first of {@code held} that another integration holds (or the hub itself, when it has no integration) and
     * that {@linkplain PluginRoute#clashes clashes} with {@code wanted}; null when none does. The one rule for a clash:
     * between plugin routes, public paths and the city page's sections alike ({@link #serve} and
     * {@code PublicSections#add}). One integration's own routes may meet: no other's request can go astray.
     */
    public static PluginRoute takenBy(PluginRoute wanted, java.util.Collection<PluginRoute> held) {
        for (PluginRoute h : held) {
            if (!Objects.equals(h.integration(), wanted.integration()) && h.clashes(wanted)) {
                return h;
            }
        }
        return null;
    }

    /**
     * A route could not start because another integration serves its path. Carries the path and the holder, so
     * the integration manager can name the config key at fault.
     */
    public static final class PathTakenException extends ConflictException {
        private final String path;

        PathTakenException(String path, PluginRoute holder) {
            this(PluginRoute.trimmed(path), message(PluginRoute.trimmed(path), holder.integration()));
        }

        private PathTakenException(String path, String message) {
            super(message, null);
            this.path = path;
        }

        /** {@code path} meets {@code section}, a section of the city page (GET and HEAD on its path and below). */
        static PathTakenException bySection(String path, PluginRoute section) {
            String p = PluginRoute.trimmed(path);
            return new PathTakenException(p, "path " + p + " is already served by integration " + section.integration()
                + " as its public section " + PluginRoute.trimmed(section.path()) + ": choose another path or delete "
                + "integration " + section.integration());
        }

        /** The path that could not be served. */
        public String path() {
            return path;
        }

        /** What an admin reads when {@code path} is taken by {@code holder} (null: the hub's own route). */
        public static String message(String path, String holder) {
            return holder == null ? "path " + path + " is already served by the hub itself: choose another path"
                : "path " + path + " is already served by integration " + holder + ": choose another path or delete "
                    + "integration " + holder;
        }
    }

    HubHttpComponent(Settings settings, Function<String, RouteOwner> owners) {
        this.settings = settings;
        this.owners = owners;
    }

    Settings settings() {
        return settings;
    }

    RouteOwner owner(String routeId) {
        String integration = RouteOwner.integrationOf(routeId);
        return integration == null ? null : owners.apply(integration);
    }

    /**
     * The bounded pool a plugin's HTTP routes run on ({@code hub} for routes no plugin owns). Threads end when idle,
     * so a plugin that serves nothing costs nothing; a full queue is answered 503 by the consumer.
     */
    ExecutorService pool(String pluginId) {
        return pools.computeIfAbsent(pluginId, id -> PluginPools.create("plugin-" + id + "-http-",
            settings.threadsPerPlugin(), new LinkedBlockingQueue<>(settings.queuePerPlugin())));
    }

    /**
     * Records that {@code consumer} serves {@code route}, unless a route of another integration clashes with it, or a
     * section of the city page that another integration shows ({@link #takenBy}). Camel's own check ("Multiple
     * consumers for the same endpoint") sees only identical URIs and names no one; this one also sees the same path
     * with other options, and one path below another's prefix. A section is checked the other way round when it is
     * shown ({@code PublicSections#add}); both are called by the integration manager, one integration at a time.
     *
     * @throws PathTakenException naming the path and the integration that serves it (and the section, if it is one)
     */
    synchronized void serve(HubHttpConsumer consumer, PluginRoute route) {
        PluginRoute held = takenBy(route, routes.values());
        if (held != null) {
            throw new PathTakenException(route.path(), held);
        }
        PluginRoute section = takenBy(route, settings.sections().get());
        if (section != null) {
            throw PathTakenException.bySection(route.path(), section);
        }
        routes.put(consumer, route);
    }

    void gone(HubHttpConsumer consumer) {
        routes.remove(consumer);
    }

    /** The plugin routes that serve requests now, by path. */
    public List<PluginRoute> routes() {
        return routes.values().stream().sorted(java.util.Comparator.comparing(PluginRoute::path)).toList();
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        HubHttpEndpoint endpoint = new HubHttpEndpoint(uri, this, remaining.startsWith("/") ? remaining : "/" + remaining);
        endpoint.setMaxBodySize(settings.defaultMaxBody());
        EndpointOptions.noReferences("hub-http", parameters);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    @Override
    protected void doStop() throws Exception {
        pools.values().forEach(ExecutorService::shutdown);
        pools.clear();
        super.doStop();
    }
}
