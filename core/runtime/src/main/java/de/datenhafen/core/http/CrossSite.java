package de.datenhafen.core.http;

import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Whether a browser sent a request from a page of another site: what a sign-in (which has no session yet, so no CSRF
 * token) and the console's forms refuse, so that another site cannot sign a visitor in to an account of its choosing
 * (login CSRF) or post a form in their name.
 *
 * <p>Browsers say it in {@code Sec-Fetch-Site} (Fetch Metadata); one that does not send it still sends {@code Origin}
 * on a cross-origin POST, which must then name this hub: its {@code Host}, or the public URL behind a proxy.
 * A request with neither (curl, a script) is not a browser's, and passes.
 */
public final class CrossSite {

    private CrossSite() {
    }

    /** Whether {@code request} came from a page of another site; {@code publicUrl} may be null. */
    public static boolean from(HttpServerRequest request, URI publicUrl) {
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null) {
            return !site.equals("same-origin") && !site.equals("none");
        }
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return false;
        }
        String authority = authority(origin);
        if (authority == null) {
            return true; // "null" (a sandboxed page, a file) or not an origin at all
        }
        String host = request.getHeader("Host");
        return !(host != null && authority.equals(host.toLowerCase(Locale.ROOT))
            || publicUrl != null && publicUrl.getRawAuthority() != null
                && authority.equals(publicUrl.getRawAuthority().toLowerCase(Locale.ROOT)));
    }

    /** {@code host[:port]} of an origin ({@code scheme://host[:port]}) in lower case, or null when it is none. */
    private static String authority(String origin) {
        try {
            URI uri = new URI(origin.trim());
            return uri.getScheme() == null || uri.getRawAuthority() == null ? null
                : uri.getRawAuthority().toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
