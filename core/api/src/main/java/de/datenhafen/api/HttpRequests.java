package de.datenhafen.api;

import java.util.Locale;
import org.apache.camel.Exchange;

/**
 * What a plugin's {@code hub-http:} route reads from its request, without knowing how the hub's HTTP consumer fills
 * the exchange: path parameters, the body as bytes and its media type. Called by the route's processors, on the
 * plugin's HTTP worker thread. The query string is {@link QueryString}.
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
     * The prefix of the headers under which the hub puts a request's path parameters (as well as under their plain
     * names, where a query parameter or request header of the same name could shadow them).
     */
    public static final String PATH_PARAMETERS = BusHeaders.PREFIX + "PathParam.";
}
