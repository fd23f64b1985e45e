package de.datenhafen.api;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.camel.Exchange;

/**
 * What a plugin's {@code hub-http:} route reads from its request, without knowing how the hub's HTTP consumer fills
 * the exchange: path parameters, request headers, the body as bytes and its media type. Called by the route's
 * processors, on the plugin's HTTP worker thread. The query string is {@link QueryString}.
 *
 * @since 1.1
 */
public final class HttpRequests {

    private HttpRequests() {
    }

    /**
     * The decoded value of path parameter {@code name} of an endpoint declared with {@code {name}} in its path
     * ({@code ctx.httpEndpoint("sites/{site}/rooms/{room}")}).
     *
     * @throws IllegalArgumentException when the endpoint declares no such parameter (a bug in the route)
     */
    public static String pathParam(Exchange exchange, String name) {
        Object v = exchange.getIn().getHeader(PATH_PARAMETERS + name);
        if (v == null) {
            throw new IllegalArgumentException("the endpoint declares no path parameter {" + name + "}");
        }
        return v.toString();
    }

    /**
     * The first value of the request's own header {@code name} (case-insensitive), or null when the request has none;
     * never a query parameter. Read a header a proxy in front of the hub may strip or set, or one that stands for
     * the sender (a subject, a signature, a delivery id), with it: the plain message header of the same name is the
     * request header when there is one, but a query parameter of that name stands in for it when there is none (query
     * parameters arrive as message headers). Null for an exchange that did not come from the hub's HTTP server.
     *
     * @since 1.7
     */
    public static String header(Exchange exchange, String name) {
        Objects.requireNonNull(name, "the header's name is null");
        Object headers = exchange.getIn().getHeader(REQUEST_HEADERS);
        if (!(headers instanceof Map<?, ?> map) || !(map.get(name) instanceof List<?> values) || values.isEmpty()) {
            return null;
        }
        return String.valueOf(values.get(0));
    }

    /** The request body as sent, never null (empty without a body). */
    public static byte[] body(Exchange exchange) {
        byte[] b = exchange.getIn().getBody(byte[].class);
        return b == null ? new byte[0] : b;
    }

    /** The body's media type in lower case without parameters ({@code application/json}), or null when not sent. */
    public static String contentType(Exchange exchange) {
        String type = exchange.getIn().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (type == null || type.isBlank()) {
            return null;
        }
        int semi = type.indexOf(';');
        return (semi < 0 ? type : type.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Who the hub counts the request's client as, for a plugin's own limits (a read budget shared fairly, say): an
     * IPv4 client's address, or the /64 network of an IPv6 client's (one subscriber's network, from which a client may
     * use as many addresses as it likes), as the hub's connection bound and rate limits count it. The socket's peer:
     * the hub does not read {@code X-Forwarded-For}, so behind a reverse proxy every client is the proxy. No request
     * can set it (the hub drops request headers with its prefix before it puts this one). Null for an exchange that
     * did not come from the hub's HTTP server.
     *
     * @since 1.6
     */
    public static String client(Exchange exchange) {
        return exchange.getIn().getHeader(CLIENT, String.class);
    }

    /** The header under which the hub puts {@link #client}. */
    public static final String CLIENT = BusHeaders.PREFIX + "Client";

    /**
     * The header under which the hub puts the request's own headers for {@link #header}: an unmodifiable
     * {@code Map<String, List<String>>} whose names are case-insensitive, without the ones named like the hub's or
     * Camel's. No request can set it (the hub drops request headers with its prefix before it puts this one).
     *
     * @since 1.7
     */
    public static final String REQUEST_HEADERS = BusHeaders.PREFIX + "RequestHeaders";

    /**
     * The prefix of the headers under which the hub puts a request's path parameters (as well as under their plain
     * names, where a query parameter or request header of the same name could shadow them).
     */
    public static final String PATH_PARAMETERS = BusHeaders.PREFIX + "PathParam.";
}
