package de.datenhafen.core.integration;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of a path an integration serves outside {@code /api/v1/plugins/} (see
 * {@link de.datenhafen.api.IntegrationContext#publicEndpoint(String)}): refused when it is malformed or lies under
 * one of the hub's own paths. Which integration holds a path is the hub HTTP consumer's to say
 * ({@code HubHttpComponent#serve}), for public paths and plugin paths alike, so there is one rule for a clash.
 */
final class PublicPaths {

    /** First segments the hub serves itself (or will: {@code /admin/} is the web console's). */
    static final Set<String> RESERVED = Set.of("api", "health", "metrics", "admin");

    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._-]+)+");

    private PublicPaths() {
    }

    /** The path without a trailing slash, or an {@link IllegalArgumentException} saying why it is refused. */
    static String checked(String path) {
        String p = path == null ? "" : path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (!PATH.matcher(p).matches() || p.contains("/./") || p.contains("/../") || p.endsWith("/.")
            || p.endsWith("/..")) {
            throw new IllegalArgumentException("public path '" + path + "' must be one or more segments of letters, "
                + "digits, dots, dashes or underscores, such as /sta");
        }
        String first = p.substring(1).split("/")[0];
        if (RESERVED.contains(first)) {
            throw new IllegalArgumentException("public path '" + p + "' is refused: /" + first
                + " is reserved for the hub's own routes (reserved: /api, /health, /metrics, /admin)");
        }
        return p;
    }
}
