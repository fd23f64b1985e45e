package de.datenhafen.plugins.airquality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.datenhafen.api.InvalidInputException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.Exchange;

/** The plugin's JSON answers; its errors are the API's exceptions, which the hub answers. */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();

    private Http() {
    }

    static void answer(Exchange e, int status, Object body) {
        answerJson(e, status, bytes(body));
    }

    /**
     * Answers with JSON that is serialised already. The body is a {@link ByteBuffer}, not the {@code byte[]}: Camel
     * 4.22's platform-http-vertx writes a ByteBuffer with one write, but turns a {@code byte[]} into an InputStream
     * that it pumps in 16 KB pieces, each read on a worker thread and handed back to the event loop; under ingest load
     * on two cores those hops made the 170 KB {@code GET sites} had then (580 KB with its rooms now) take hundreds of milliseconds after its first byte.
     */
    static void answerJson(Exchange e, int status, byte[] json) {
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        e.getMessage().setBody(ByteBuffer.wrap(json));
    }

    static byte[] bytes(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The request path below {@code /api/v1/plugins/air-quality/<prefix>/}, without query, or "" . */
    static String rest(Exchange e, String prefix) {
        String uri = e.getIn().getHeader(Exchange.HTTP_URI, String.class);
        if (uri == null) {
            uri = e.getIn().getHeader(Exchange.HTTP_PATH, String.class);
        }
        int q = uri.indexOf('?');
        if (q >= 0) {
            uri = uri.substring(0, q);
        }
        String marker = "/api/v1/plugins/air-quality/" + prefix;
        int at = uri.indexOf(marker);
        String rest = at < 0 ? uri : uri.substring(at + marker.length());
        while (rest.startsWith("/")) {
            rest = rest.substring(1);
        }
        while (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        return decode(rest, "path");
    }

    /** URL decoding where a malformed %-escape is the client's 400 naming the field, not a 500. */
    private static String decode(String s, String field) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("malformed %-escape in " + TextLimits.shown(field)
                + ": write a '%' as %25", TextLimits.shown(field));
        }
    }

    static String method(Exchange e) {
        return e.getIn().getHeader(Exchange.HTTP_METHOD, String.class);
    }
}
