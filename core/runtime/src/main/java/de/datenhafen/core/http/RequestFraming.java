package de.datenhafen.core.http;

import de.datenhafen.core.ops.BoundedMethodMetrics;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.regex.Pattern;

/**
 * What HTTP/1.1 (RFC 9112) requires of a request's framing and target, checked before any route sees it, where
 * Netty's decoder lets it through:
 * <ul>
 * <li>{@code Transfer-Encoding} other than {@code chunked} alone: Netty reads a body as chunked when the header names
 * {@code chunked} anywhere and as empty otherwise, so with {@code xchunked} the body's bytes were read as the next
 * request on the connection (request smuggling behind a proxy that frames it differently). Answered 501 (RFC 9112
 * 6.1: a transfer coding the server does not understand; Netty itself refuses one in an HTTP/1.0 request).</li>
 * <li>An HTTP/1.1 request without a {@code Host}, or with more than one (3.2), or one whose value is no host and
 * port ({@code a b}, {@code [::1}, {@code a:99999}): 400.</li>
 * <li>A header that is one value, not a list, given more than once ({@code Authorization}, {@code Content-Type},
 * Standard Webhooks' {@code webhook-id}, {@code webhook-timestamp} and {@code webhook-signature}, and CloudEvents'
 * {@code ce-*} attributes): the hub and the plugins read the first (HttpRequests.header), a proxy in front may read
 * the last, so the two would act on different requests. 400 naming the header (RFC 9110 5.3 allows a recipient to
 * refuse it). Netty's decoder refuses a second {@code Content-Length} itself (400, "request line").</li>
 * <li>A method outside HTTP's own ({@code BREW}, {@code PROPFIND}): 501, as RFC 9110 9.1 asks of a method the
 * server does not implement (the router had answered 405, or a plugin route that takes every method ran it).</li>
 * <li>A request target that is no path (3.2): {@code CONNECT}'s authority form is 501 (the hub is no proxy, RFC 9110
 * 9.3.6), {@code OPTIONS *} asks about the server as a whole and is answered 204 with the methods the hub has
 * ({@code Allow}, as its routes have them now), {@code *} with another method and anything else that is neither a
 * path nor an absolute URL is 400. The router would answer these as paths it does not know, without the headers
 * every other answer has.</li>
 * </ul>
 * The answer is the hub's JSON error, and the connection is closed after it: what follows on it cannot be framed.
 * Requests already read behind the refused one on that connection (pipelined, or a body read as a request) are not
 * run: Vert.x hands the next one on as soon as the answer ends, before the connection is closed, so the connection is
 * marked first and a request on a marked connection only closes it.
 */
public final class RequestFraming {

    /** Connections whose framing was refused: closing, nothing more on them is run. */
    private static final Set<HttpConnection> CLOSING =
        Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    /** The absolute form (3.2.2), which a server must take as well: {@code http://host/path}. */
    private static final Pattern ABSOLUTE = Pattern.compile("https?://", Pattern.CASE_INSENSITIVE);

    private RequestFraming() {
    }

    /** Passes well-framed requests to {@code router} and answers the others. */
    public static Handler<HttpServerRequest> guard(Router router) {
        return request -> {
            String twice = singleTwice(request.headers());
            if (twice != null) {
                refuse(request, 400, "the header " + twice + " is one value and came more than once; send it once",
                    twice);
                return;
            }
            if (request.version() == HttpVersion.HTTP_2) {
                router.handle(request);
                return;
            }
            HttpConnection connection = request.connection();
            if (connection != null && !CLOSING.isEmpty() && CLOSING.contains(connection)) {
                connection.close();
                return;
            }
            List<String> codings = request.headers().getAll("Transfer-Encoding");
            if (!codings.isEmpty() && !chunkedAlone(codings)) {
                refuse(request, 501, "the hub reads no transfer coding but chunked alone; send the body with "
                    + "Content-Length or Transfer-Encoding: chunked", "Transfer-Encoding");
                return;
            }
            if (request.version() == HttpVersion.HTTP_1_1 && request.headers().getAll("Host").size() != 1) {
                refuse(request, 400, "an HTTP/1.1 request has one Host header", "Host");
                return;
            }
            if (request.headers().contains("Host") && request.authority() == null) {
                // Vert.x reads no host from it, and the router then fails the request as having none (a 500)
                refuse(request, 400, "the Host header must be a host name or address, with a port if any",
                    "Host");
                return;
            }
            String target = request.uri();
            if (!BoundedMethodMetrics.KNOWN.contains(request.method().name())) {
                // a route without a method list would take it, and an answer of 405 would say the path knows others
                refuse(request, 501, "the hub does not implement this method; it takes GET, HEAD, POST, PUT, PATCH, "
                    + "DELETE and OPTIONS", "method");
            } else if (request.method() == HttpMethod.CONNECT) {
                refuse(request, 501, "the hub is no proxy: it does not implement CONNECT", "method");
            } else if (target.equals("*") && request.method() == HttpMethod.OPTIONS) {
                request.response().setStatusCode(204).putHeader("Allow", AllowedMethods.anywhere(router))
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Content-Security-Policy", Errors.NO_CONTENT_POLICY).end();
            } else if (!target.startsWith("/") && !ABSOLUTE.matcher(target).lookingAt()) {
                refuse(request, 400, "the request's target must be a path, such as /api/v1/events"
                    + (target.equals("*") ? " (* is for OPTIONS alone)" : ""), "request line");
            } else {
                router.handle(request);
            }
        };
    }

    /** The headers that are one value each, in lower case ({@code ce-*} as well). */
    private static final Set<String> SINGLE = Set.of("authorization", "content-type", "webhook-id",
        "webhook-timestamp", "webhook-signature");

    /** The name of a header that is one value and came more than once, or null. */
    static String singleTwice(io.vertx.core.MultiMap headers) {
        Set<String> seen = null;
        for (java.util.Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(java.util.Locale.ROOT);
            if (SINGLE.contains(name) || name.startsWith("ce-")) {
                if (seen == null) {
                    seen = new java.util.HashSet<>();
                }
                if (!seen.add(name)) {
                    // the name in lower case, a long one cut: a ce- name is the sender's to choose
                    return name.length() <= 64 ? name : name.substring(0, 64) + "... (" + name.length()
                        + " characters)";
                }
            }
        }
        return null;
    }

    /** Whether the header's values, taken together, are {@code chunked} and nothing else. */
    static boolean chunkedAlone(List<String> values) {
        int codings = 0;
        boolean chunked = false;
        for (String value : values) {
            for (String coding : value.split(",", -1)) {
                String c = coding.trim();
                if (!c.isEmpty()) {
                    codings++;
                    chunked = c.equalsIgnoreCase("chunked");
                }
            }
        }
        return codings == 1 && chunked;
    }

    private static void refuse(HttpServerRequest request, int status, String message, String field) {
        HttpConnection connection = request.connection();
        if (connection == null) {
            Errors.respondUnrouted(request, status, message, field);
            return;
        }
        CLOSING.add(connection);
        Errors.respondUnrouted(request, status, message, field).onComplete(done -> {
            connection.close();
            CLOSING.remove(connection);
        });
    }
}
