package de.datenhafen.core.integration;

import de.datenhafen.core.http.LogText;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules of a path an integration serves outside {@code /api/v1/plugins/} (see
 * {@link de.datenhafen.api.IntegrationContext#publicEndpoint(String)}): refused when it is malformed or lies under
 * one of the hub's own paths. Which integration holds a path is the hub HTTP consumer's to say
 * ({@code HubHttpComponent#serve}), for public paths and plugin paths alike, so there is one rule for a clash
 * ({@code HubHttpComponent#takenBy}); the city page's sections are held by it too (GET and HEAD on {@code /<id>} and
 * below, {@code PublicSections#route}), whichever of a section and a path another integration serves comes first.
 */
final class PublicPaths {

    /**
     * First segments the hub serves itself: its API, health and metrics, the web pages' assets, WebJars and language
     * switch, the console and its old address, the city page's assets, and the two files browsers and crawlers ask
     * every site for. A public path under one would be shadowed by the hub's route for some methods and reach the
     * integration for others (a POST under {@code /assets}), or claim a path the hub may serve next. The city page's
     * sections may not take these either ({@code PublicSection.RESERVED_IDS}, which also keeps {@code sta} for the
     * air-quality plugin's SensorThings path); {@code PublicPathsTest} checks both, and every path the hub's router
     * has, against this list.
     */
    static final List<String> RESERVED = List.of("api", "health", "metrics", "admin", "console", "assets", "webjars",
        "language", "city-assets", "favicon.ico", "robots.txt");

    private static final String RESERVED_LIST = RESERVED.stream().map(s -> "/" + s)
        .collect(java.util.stream.Collectors.joining(", "));

    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._-]+)+");

    /** A path below a plugin's root: segments as a public path's, or path parameters ({@code {site}}). */
    private static final Pattern BELOW_PLUGIN = Pattern.compile(
        "(([A-Za-z0-9._-]+|\\{[A-Za-z][A-Za-z0-9_]*})(/([A-Za-z0-9._-]+|\\{[A-Za-z][A-Za-z0-9_]*}))*)?/?");

    /** An event type as the path of a {@code bus:} URI: no character that would end the path or start an option. */
    private static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}");

    private PublicPaths() {
    }

    /**
     * A path below the plugin's root ({@code IntegrationContext.httpEndpoint}), as given, or {@link ValueRefused}: it
     * goes into a {@code hub-http:} URI, where a {@code ?} or {@code &} from a config value would add an option.
     */
    static String checkedBelowPlugin(String sub) {
        String s = sub == null ? "" : sub;
        boolean dots = ("/" + s + "/").contains("/./") || ("/" + s + "/").contains("/../");
        if (!BELOW_PLUGIN.matcher(s).matches() || dots) {
            throw new ValueRefused(s, "path '" + LogText.escape(s) + "' must be segments of letters, digits, dots, "
                + "dashes or underscores (or {name} for a path parameter), such as parking or sites/{site}");
        }
        return s;
    }

    /** An event type a route puts on the bus ({@code IntegrationContext.bus}), as given, or {@link ValueRefused}. */
    static String checkedType(String type) {
        if (type == null || !EVENT_TYPE.matcher(type).matches()) {
            throw new ValueRefused(String.valueOf(type), "event type '" + LogText.escape(String.valueOf(type))
                + "' must be letters, digits, dots, colons, slashes, dashes or underscores, such as "
                + "city.parking.occupancy");
        }
        return type;
    }

    /** The path without a trailing slash, or {@link ValueRefused} saying why it is refused. */
    static String checked(String path) {
        String p = path == null ? "" : path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (!PATH.matcher(p).matches() || p.contains("/./") || p.contains("/../") || p.endsWith("/.")
            || p.endsWith("/..")) {
            throw new ValueRefused(String.valueOf(path), "public path '" + path + "' must be one or more segments of "
                + "letters, digits, dots, dashes or underscores, such as /sta");
        }
        String first = p.substring(1).split("/")[0];
        if (RESERVED.contains(first.toLowerCase(java.util.Locale.ROOT))) {
            // in any case: /Assets would look like the hub's own to a reader, and to a proxy that folds case
            throw new ValueRefused(p, "public path '" + p + "' is refused: /" + first
                + " is reserved for the hub's own routes (reserved: " + RESERVED_LIST + ")");
        }
        return p;
    }
}
