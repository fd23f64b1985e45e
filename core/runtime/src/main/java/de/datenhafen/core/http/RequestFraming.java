package de.datenhafen.core.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * What HTTP/1.1 (RFC 9112) requires of a request's framing and target, checked before any route sees it, where
 * Netty's decoder lets it through:
 * <ul>
 * <li>{@code Transfer-Encoding} other than {@code chunked} alone: Netty reads a body as chunked when the header names
 * {@code chunked} anywhere and as empty otherwise, so with {@code xchunked} the body's bytes were read as the next
 * request on the connection (request smuggling behind a proxy that frames it differently). Answered 501 (RFC 9112
 * 6.1: a transfer coding the server does not understand; Netty itself refuses one in an HTTP/1.0 request).</li>
 * <li>An HTTP/1.1 request without a {@code Host}, or with more than one (3.2): 400.</li>
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

    private RequestFraming() {
    }

    /** Passes well-framed requests to {@code next} and answers the others. */
    public static Handler<HttpServerRequest> guard(Handler<HttpServerRequest> next) {
        return request -> {
            if (request.version() == HttpVersion.HTTP_2) {
                next.handle(request);
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
            next.handle(request);
        };
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
