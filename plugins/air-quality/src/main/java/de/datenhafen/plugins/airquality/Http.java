package de.datenhafen.plugins.airquality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
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
}
