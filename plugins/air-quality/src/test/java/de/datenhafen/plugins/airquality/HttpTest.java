package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class HttpTest {

    @Test
    void answersAreOneByteBufferWhichPlatformHttpWritesInOneGoNotAByteArrayItWouldPumpInPieces() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange e = new DefaultExchange(camel);

            Http.answer(e, 202, Http.JSON.createObjectNode().put("accepted", 3));

            assertThat(e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(202);
            assertThat(e.getMessage().getHeader(Exchange.CONTENT_TYPE)).isEqualTo("application/json");
            assertThat(e.getMessage().getBody()).isInstanceOf(ByteBuffer.class);
            assertThat(e.getMessage().getBody(String.class)).isEqualTo("{\"accepted\":3}");
        }
    }

    @Test
    void aSnapshotsBytesServeManyAnswersUnchanged() throws Exception {
        byte[] json = "{\"sites\":[]}".getBytes(StandardCharsets.UTF_8);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            for (int i = 0; i < 3; i++) {
                Exchange e = new DefaultExchange(camel);
                Http.answerJson(e, 200, json);
                ByteBuffer body = e.getMessage().getBody(ByteBuffer.class);
                byte[] sent = new byte[body.remaining()];
                body.get(sent);
                assertThat(sent).isEqualTo(json);
            }
        }
    }
}
