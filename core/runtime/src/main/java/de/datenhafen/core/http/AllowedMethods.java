package de.datenhafen.core.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.TreeSet;

/**
 * The {@code Allow} header of a 405 (RFC 9110 15.5.6: the origin server must say which methods the resource has): the
 * methods of every route whose path matches, read from the router as it is at the time of the answer, so a plugin's
 * routes count while its integration runs. HEAD wherever GET is, as the hub routes it ({@code HttpApi#track}). Routes
 * without methods (the city page's sections, a plugin path for every method) never lead to a 405 and add nothing; an
 * empty value says that no method is left (RFC 9110 10.2.1).
 */
final class AllowedMethods {

    private AllowedMethods() {
    }

    /** The methods of the routes that match {@code path}, comma-separated in alphabetical order. */
    static String of(Router router, String path) {
        return allowed(router, java.util.Objects.requireNonNull(path));
    }

    private static String allowed(Router router, String path) {
        TreeSet<String> methods = new TreeSet<>();
        for (Route route : router.getRoutes()) {
            java.util.Set<HttpMethod> own = route.methods();
            if (own != null && !own.isEmpty() && (path == null || route.getPath() != null
                && matches(route.getPath(), route.isExactPath(), path))) {
                own.forEach(m -> methods.add(m.name()));
            }
        }
        if (methods.contains("GET")) {
            methods.add("HEAD");
        }
        return String.join(", ", methods);
    }

    /**
     * The methods some route has, for {@code OPTIONS *}: a route without methods (a plugin path that takes every
     * method) adds nothing, as no method can be named for it.
     */
    static String anywhere(Router router) {
        return allowed(router, null);
    }

    /**
     * Whether {@code path} is one the route's template names: {@code :name} stands for one segment, and a route that is
     * not exact (declared with a trailing {@code *}) takes every path below its prefix too.
     */
    static boolean matches(String template, boolean exact, String path) {
        String t = template.endsWith("*") ? template.substring(0, template.length() - 1) : template;
        if (exact) {
            // the router takes an exact path with or without one trailing slash
            t = trimSlash(t);
            path = trimSlash(path);
        } else if (!t.endsWith("/") && path.equals(t)) {
            return true;
        } else if (t.endsWith("/") && path.equals(t.substring(0, t.length() - 1))) {
            return true;
        }
        String[] want = t.split("/", -1);
        String[] have = path.split("/", -1);
        int n = want.length;
        if (!exact && want[n - 1].isEmpty()) {
            n--; // a prefix ending in a slash: the segments before it must match, any below it may follow
        }
        if (exact ? have.length != n : have.length < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            boolean last = !exact && i == n - 1 && !t.endsWith("/");
            boolean same = want[i].startsWith(":") ? !have[i].isEmpty()
                : last ? have[i].startsWith(want[i]) : want[i].equals(have[i]);
            if (!same) {
                return false;
            }
        }
        return true;
    }

    private static String trimSlash(String p) {
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
