package de.datenhafen.core.integration;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which integration serves which path outside {@code /api/v1/plugins/} (see
 * {@link de.datenhafen.api.IntegrationContext#publicEndpoint(String)}). A path is refused when it is malformed, lies
 * under one of the hub's own paths, or overlaps (equals, contains or lies under) a path another integration holds.
 *
 * <p>Its own lock, not the manager's: claims come from plugin code building routes on the plugin's thread while the
 * manager's thread waits for it.
 */
final class PublicPaths {

    /** First segments the hub serves itself (or will: {@code /admin/} is the web console's). */
    static final Set<String> RESERVED = Set.of("api", "health", "metrics", "admin");

    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._-]+)+");

    private final Map<String, String> owners = new LinkedHashMap<>();

    /** Claims {@code path} for {@code integration} (again, if it holds it already); returns the normalised path. */
    synchronized String claim(String path, String integration) {
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
        for (Map.Entry<String, String> e : owners.entrySet()) {
            if (!e.getValue().equals(integration) && overlaps(e.getKey(), p)) {
                throw new IllegalArgumentException("public path '" + p + "' is refused: integration '" + e.getValue()
                    + "' already serves '" + e.getKey() + "'");
            }
        }
        owners.put(p, integration);
        return p;
    }

    /** Ends every claim of {@code integration}. */
    synchronized void release(String integration) {
        owners.values().removeIf(integration::equals);
    }

    private static boolean overlaps(String a, String b) {
        return a.equals(b) || a.startsWith(b + "/") || b.startsWith(a + "/");
    }
}
