package de.datenhafen.core.integration;

import de.datenhafen.api.InvalidInputException;
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

    private PublicPaths() {
    }

    /**
     * A public path the hub refuses: the integration's start fails without retries, and a create or an update that
     * names it is answered 400 naming the config key, keeping nothing (as a refused sink target is).
     */
    static final class Refused extends InvalidInputException {
        private final String path;

        Refused(String path, String message) {
            super(message, null);
            this.path = path;
        }

        /** The refused path as the connector gave it. */
        String path() {
            return path;
        }
    }

    /** The path without a trailing slash, or {@link Refused} saying why it is refused. */
    static String checked(String path) {
        String p = path == null ? "" : path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (!PATH.matcher(p).matches() || p.contains("/./") || p.contains("/../") || p.endsWith("/.")
            || p.endsWith("/..")) {
            throw new Refused(String.valueOf(path), "public path '" + path + "' must be one or more segments of "
                + "letters, digits, dots, dashes or underscores, such as /sta");
        }
        String first = p.substring(1).split("/")[0];
        if (RESERVED.contains(first.toLowerCase(java.util.Locale.ROOT))) {
            // in any case: /Assets would look like the hub's own to a reader, and to a proxy that folds case
            throw new Refused(p, "public path '" + p + "' is refused: /" + first
                + " is reserved for the hub's own routes (reserved: " + RESERVED_LIST + ")");
        }
        return p;
    }
}
