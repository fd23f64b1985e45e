package de.datenhafen.api;

import java.util.List;
import org.apache.camel.RoutesBuilder;

/**
 * A kind of integration a plugin offers, for example an ingest endpoint or a feed poller. An admin makes an
 * integration from it by choosing a name and a config.
 *
 * <p>{@link #name()}, {@link #description()} and {@link #config()} are read when the plugin starts and must not
 * change afterwards. {@link #routes(IntegrationContext)} is called on a hub worker thread, with the plugin's class
 * loader as context class loader, each time an integration of this connector is started or restarted.
 */
public interface Connector {

    /** Unique name within the hub, lower case with dashes, for example {@code airquality-http}. */
    String name();

    /** One or two sentences for the admin: what it connects and how. */
    String description();

    /** The integration config this connector takes; the hub derives its JSON Schema from it. */
    ConfigDef config();

    /**
     * Rules across keys that {@link #config()}'s declarative checks cannot say ("senders or anonymous, not both"; "at
     * least one of these URLs"). Called by the hub with a config that passed {@link ConfigDef}'s own checks: for
     * {@code POST /api/v1/admin/integrations/validate}, before creating or updating an integration, and before each
     * start, so the routes never meet a config that validate called valid and {@link #routes} need not check it
     * again. Called on a hub worker thread with the plugin's class loader as context class loader; must be quick
     * and free of side effects (no network, no files).
     *
     * @param config the typed config, defaults filled in
     * @return every problem found, each naming the key at fault (without a {@code config.} prefix; the hub adds
     *     it), each wrong pair its own problem; empty when the config is fine, which is the default. A problem made
     *     with {@link ConfigProblem#coded} is said in German where the plugin's texts have its words (since 1.13)
     * @since 1.1
     */
    default List<ConfigProblem> validate(Config config) {
        return List.of();
    }

    /**
     * The Camel routes of one integration. Every route must take its id from
     * {@link IntegrationContext#routeId(String)}; the hub owns the ids, error handling and lifecycle of these
     * routes. Events go onto the bus with {@code to(context.bus("my.type"))}.
     */
    RoutesBuilder routes(IntegrationContext context);
}
