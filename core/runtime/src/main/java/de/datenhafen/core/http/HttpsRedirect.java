package de.datenhafen.core.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;

/**
 * The plain-HTTP listener's one answer: 308 Permanent Redirect to the same path and query under the hub's HTTPS public
 * URL. 308 rather than 301 so that a client re-sends a POST as a POST. The target's scheme, host and port come from
 * the configuration only; the request's Host header and an absolute request target ({@code GET http://elsewhere/})
 * are the client's to choose and would make the hub an open redirect.
 */
public final class HttpsRedirect implements Handler<HttpServerRequest> {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final String base;

    /** @param publicUrl the hub's https:// URL without a trailing slash */
    public HttpsRedirect(String publicUrl) {
        if (!publicUrl.regionMatches(true, 0, "https://", 0, 8) || publicUrl.endsWith("/")) {
            throw new IllegalArgumentException("the redirect target must be an https:// URL without a trailing slash, "
                + "was " + publicUrl);
        }
        this.base = publicUrl;
    }

    @Override
    public void handle(HttpServerRequest request) {
        request.response().setStatusCode(308).putHeader(HttpHeaders.LOCATION, location(request.path(), request.query()))
            .putHeader(HttpHeaders.CONTENT_LENGTH, "0").end();
    }

    /**
     * The target for a request's path and query as received (still percent-encoded). What is not allowed in a URL
     * (spaces, raw bytes above 127, quotes, a '#', which would start a fragment) is percent-encoded so the Location
     * header is one valid URL, whatever was sent.
     */
    String location(String path, String query) {
        StringBuilder out = new StringBuilder(base.length() + 16 + (path == null ? 0 : path.length())
            + (query == null ? 0 : query.length())).append(base);
        // "*" (OPTIONS *) and an empty target have no path to keep
        if (path == null || !path.startsWith("/")) {
            out.append('/');
        } else {
            encode(path, out);
        }
        if (query != null) {
            out.append('?');
            encode(query, out);
        }
        return out.toString();
    }

    private static void encode(String s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > ' ' && c < 0x7f && "\"#<>\\^`{|}".indexOf(c) < 0) {
                out.append(c);
            } else if (c <= 0xff) {
                // Netty hands the request line over byte for byte, one char per byte
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
                }
            }
        }
    }
}
