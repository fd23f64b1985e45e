package de.datenhafen.core.camel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.datenhafen.api.BusHeaders;
import de.datenhafen.core.bus.NewEvent;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;

/**
 * Puts the message on the bus as one event and completes the exchange only when the event is committed. A full
 * log fails the exchange with a retryable error, so the route's error handler retries it.
 */
final class BusProducer extends DefaultAsyncProducer {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private final String type;

    BusProducer(BusEndpoint endpoint, String type) {
        super(endpoint);
        this.type = type;
    }

    @Override
    public BusEndpoint getEndpoint() {
        return (BusEndpoint) super.getEndpoint();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        NewEvent event;
        try {
            event = toEvent(exchange);
        } catch (RuntimeException | JsonProcessingException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        getEndpoint().getComponent().log().append(List.of(event)).whenComplete((results, error) -> {
            if (error != null) {
                exchange.setException(error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error);
            } else {
                exchange.getMessage().setHeader(BusHeaders.SEQUENCE, results.get(0).sequence());
            }
            callback.done(false);
        });
        return false;
    }

    private NewEvent toEvent(Exchange exchange) throws JsonProcessingException {
        Message in = exchange.getMessage();
        RouteOwner owner = getEndpoint().getComponent().owner(exchange.getFromRouteId());
        String member = owner == null ? "hub" : owner.member();
        String source = in.getHeader(BusHeaders.SOURCE, String.class);
        if (source == null) {
            source = owner == null ? "/hub" : "/plugins/" + owner.pluginId() + "/integrations/" + owner.integration();
        }
        String id = in.getHeader(BusHeaders.ID, String.class);
        String time = in.getHeader(BusHeaders.TIME, String.class);
        String contentType = in.getHeader(BusHeaders.DATA_CONTENT_TYPE, String.class);
        Object body = in.getBody();
        byte[] data;
        if (body == null) {
            data = null;
        } else if (body instanceof byte[] bytes) {
            data = bytes;
        } else if (body instanceof String s) {
            data = s.getBytes(StandardCharsets.UTF_8);
        } else {
            data = JSON.writeValueAsBytes(body);
            contentType = contentType == null ? "application/json" : contentType;
        }
        CloudEventBuilder b = CloudEventBuilder.v1()
            .withId(id == null ? UUID.randomUUID().toString() : id)
            .withSource(URI.create(source))
            .withType(type)
            .withTime(time == null ? OffsetDateTime.now(ZoneOffset.UTC) : OffsetDateTime.parse(time));
        String subject = in.getHeader(BusHeaders.SUBJECT, String.class);
        if (subject != null) {
            b.withSubject(subject);
        }
        if (data != null) {
            b.withData(contentType == null ? "application/json" : contentType, data);
        }
        CloudEvent event = b.build();
        return new NewEvent(event, member);
    }
}
