package de.datenhafen.api;

/**
 * What the hub tells a connector about one integration when it asks for its routes.
 */
public interface IntegrationContext {

    /** The admin's name for this integration, unique within the hub. */
    String integrationName();

    /** The validated config, with defaults applied. Secret values are readable here and nowhere else. */
    Config config();

    /** The owning plugin's context. */
    PluginContext plugin();

    /**
     * A route id owned by the hub for a route of this integration: {@code <integration>.<localName>}.
     * {@code localName} must be letters, digits, dashes or dots.
     */
    String routeId(String localName);

    /**
     * The Camel endpoint URI that puts events of this type on the bus, owned by this plugin's member. The hub refuses
     * a type that is not letters, digits, dots, colons, slashes, dashes or underscores ({@link InvalidInputException},
     * a create or update naming it refused with 400 naming its config key), as it could end the URI's path.
     */
    default String bus(String eventType) {
        return "bus:" + eventType;
    }

    /**
     * The Camel endpoint URI that puts each message on the bus as the type its {@link BusHeaders#TYPE} header names
     * (a {@code List<BusEvent>} body: the whole batch), instead of a {@code choice} with one {@code to(bus(...))} per
     * type. A message without the header fails with an {@link InvalidInputException} naming it.
     *
     * @since 1.1
     */
    default String busByTypeHeader() {
        return "bus:" + BusHeaders.BY_TYPE_HEADER;
    }

    /**
     * A builder of the {@code bus:} URI a route consumes from; see {@link BusConsumerEndpoint}.
     *
     * @param types event types or patterns ({@code air.*})
     * @since 1.1
     */
    default BusConsumerEndpoint busConsumer(String... types) {
        return BusConsumerEndpoint.of(types);
    }

    /**
     * Publishes events of this integration from plugin code outside a route; see {@link BusPublisher}. Called in
     * {@link Connector#routes(IntegrationContext)}; the publisher works while the integration's routes run.
     *
     * @throws UnsupportedOperationException on a hub older than API 1.1
     * @since 1.1
     */
    default BusPublisher publisher() {
        throw new UnsupportedOperationException("this hub cannot publish outside routes (needs plugin API 1.1)");
    }

    /**
     * The Camel endpoint URI of an HTTP path served by the hub for this plugin: {@code subPath} below
     * {@code /api/v1/plugins/<pluginId>/}.
     *
     * @throws InvalidInputException when {@code subPath} is not segments of letters, digits, dots, dashes or
     *     underscores (or {@code {name}} path parameters): a {@code ?} or {@code &} from a config value would add an
     *     endpoint option; a create or update naming it is refused with 400 naming its config key
     */
    String httpEndpoint(String subPath);

    /**
     * The Camel endpoint URI of a path of its own that this integration serves outside {@code /api/v1/plugins/}, for
     * APIs whose URLs a standard fixes (for example an OGC SensorThings service at {@code /sta}). {@code rootPath} is
     * one or more segments of letters, digits, dots, dashes or underscores, such as {@code /sta}.
     *
     * <p>The hub refuses, by failing the integration's start with a message naming the path (and the other
     * integration, if any): a path under one of the hub's own first segments ({@code /api}, {@code /health},
     * {@code /metrics}, {@code /admin}, {@code /console}, {@code /assets}, {@code /webjars}, {@code /language},
     * {@code /city-assets}, {@code /favicon.ico}, {@code /robots.txt}) or the root itself, and a path another integration serves (the same, or one below the
     * other's prefix, for a method both answer), as it refuses such a clash below {@code /api/v1/plugins/}. A section
     * of the city's page that another integration shows ({@link #publicSection}) counts as a path it serves: GET and
     * HEAD on {@code /<id>} and every path below it, so {@code /luft} or {@code /luft/data} for GET is refused while
     * another integration's section {@code luft} runs, and that section is refused while the path is served (whichever
     * starts second fails). This integration's own section is no clash: it answers GET and HEAD there, and this path
     * the other methods. The path is free again when the integration's routes are removed (stop, restart, delete,
     * plugin stop).
     *
     * <p>The URI is {@code platform-http:<rootPath>/}; append {@code ?matchOnUriPrefix=true} to serve
     * {@code <rootPath>} and every path below it (never {@code <rootPath>x}). Called from
     * {@link Connector#routes(IntegrationContext)}.
     *
     * @throws InvalidInputException when the path is malformed or reserved (in any case: {@code /Assets} as
     *     {@code /assets}); the integration is not started again, and a create or update naming the path is refused
     *     with 400 naming its config key
     */
    default String publicEndpoint(String rootPath) {
        throw new UnsupportedOperationException("this hub does not serve plugin paths outside /api/v1/plugins/");
    }

    /**
     * Shows a section of the city's public page ({@code /<id>}) while this integration runs: from a successful
     * start until it is paused, stopped, restarted or deleted, or its plugin stops. Register it from the integration
     * whose data it shows (the projections, the timetable, the directory), so the page never shows a section whose
     * data is not being kept. Called from {@link Connector#routes(IntegrationContext)}, any number of times.
     *
     * <p>The hub refuses, by failing the integration's start with a message naming the id (and the other
     * integration), an id another running section has, one of its own paths, and an id where another integration
     * serves a path of its own ({@link #publicEndpoint}) for GET or HEAD: {@code /<id>} or one below it.
     *
     * @throws IllegalArgumentException when the section's id is malformed
     * @throws UnsupportedOperationException on a hub older than API 1.2
     * @since 1.2
     */
    default void publicSection(de.datenhafen.api.web.PublicSection section) {
        throw new UnsupportedOperationException("this hub has no city page (needs plugin API 1.2)");
    }

    /**
     * Runs {@code action} once when this integration's routes are removed, so that what
     * {@link Connector#routes(IntegrationContext)} set up outside its routes is let go of: a client or a pool it
     * opened, a cache it filled, its share of something the plugin's integrations have in common. The routes are
     * removed at a stop, restart, update or delete, when a start fails after {@code routes()} returned or threw, when
     * the integration stops itself, and when its plugin or the hub stops; not at a pause (its routes stay, suspended).
     *
     * <p>The hub runs the actions after the routes have stopped, the last registered first (as resources are closed),
     * in one call on the plugin's pool with the plugin's class loader as context class loader, within the hub's
     * {@code plugin.call.timeout} for all of them together. What one throws is logged and the next runs; one that
     * overruns is interrupted and the rest are not run. Either way the integration stops as it would without them. Called
     * from {@link Connector#routes(IntegrationContext)}, any number of times.
     *
     * @throws UnsupportedOperationException on a hub older than API 1.10
     * @since 1.10
     */
    default void onStop(Runnable action) {
        throw new UnsupportedOperationException("this hub does not run actions at an integration's stop (needs plugin "
            + "API 1.10)");
    }
}
