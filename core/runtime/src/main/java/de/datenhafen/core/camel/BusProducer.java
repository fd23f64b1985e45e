package de.datenhafen.core.camel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.datenhafen.api.BusEvent;
import de.datenhafen.api.BusHeaders;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.core.bus.AppendResult;
import de.datenhafen.core.bus.Hops;
import de.datenhafen.core.bus.NewEvent;
import de.datenhafen.core.bus.Times;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;

/**
 * Puts the message on the bus as one event, or a {@code List<BusEvent>} body as one batch in list order, and
 * completes the exchange only when the events are committed. A full
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
        List<NewEvent> events;
        try {
            events = toEvents(exchange);
        } catch (RuntimeException | JsonProcessingException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        getEndpoint().getComponent().log().append(events).whenComplete((results, error) -> {
            if (error != null) {
                exchange.setException(error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error);
            } else if (!results.isEmpty()) {
                exchange.getMessage().setHeader(BusHeaders.SEQUENCE, results.get(results.size() - 1).sequence());
                exchange.getMessage().setHeader(BusHeaders.DUPLICATES,
                    (int) results.stream().filter(AppendResult::duplicate).count());
                if (events.size() > 1 || exchange.getMessage().getBody() instanceof List) {
                    exchange.getMessage().setHeader(BusHeaders.SEQUENCES,
                        results.stream().map(AppendResult::sequence).toList());
                }
            }
            callback.done(false);
        });
        return false;
    }

    /** One event from the message (body and headers), or one per element of a {@code List<BusEvent>} body. */
    private List<NewEvent> toEvents(Exchange exchange) throws JsonProcessingException {
        Message in = exchange.getMessage();
        RouteOwner owner = getEndpoint().getComponent().owner(exchange.getFromRouteId());
        String eventType = type;
        if (type.equals(BusHeaders.BY_TYPE_HEADER)) {
            eventType = in.getHeader(BusHeaders.TYPE, String.class);
            if (eventType == null || eventType.isBlank()) {
                throw new InvalidInputException("the message names no event type: set the header " + BusHeaders.TYPE
                    + " before sending it to the bus by type header", "type");
            }
        }
        Object body = in.getBody();
        if (body instanceof List<?> list && (list.isEmpty() || list.get(0) instanceof BusEvent)) {
            List<BusEvent> events = new ArrayList<>(list.size());
            for (Object element : list) {
                if (!(element instanceof BusEvent e)) {
                    throw new IllegalArgumentException("a bus batch must hold only BusEvent elements, not "
                        + (element == null ? "null" : element.getClass().getName()));
                }
                events.add(e);
            }
            List<NewEvent> out = batch(owner, eventType, events);
            // each event keeps the loop count of the event(s) it was made from
            int[] hops = Hops.of(in.getHeader(Hops.HEADER), in.getHeader(Hops.BATCH_HEADER), out.size());
            if (hops != null) {
                for (int i = 0; i < out.size(); i++) {
                    out.set(i, withHops(out.get(i), hops[i]));
                }
            }
            return out;
        }
        String source = in.getHeader(BusHeaders.SOURCE, String.class);
        String time = in.getHeader(BusHeaders.TIME, String.class);
        NewEvent event = build(eventType, member(owner), uri(source == null ? defaultSource(owner) : source),
            in.getHeader(BusHeaders.ID, String.class), in.getHeader(BusHeaders.SUBJECT, String.class),
            time == null ? null : time(time), in.getHeader(BusHeaders.DATA_CONTENT_TYPE, String.class), body);
        // an event made from one that came in through a webhook keeps its loop count (Hops)
        return List.of(withHops(event, Hops.ofOne(in.getHeader(Hops.HEADER), in.getHeader(Hops.BATCH_HEADER))));
    }

    private static NewEvent withHops(NewEvent event, int hops) {
        if (hops == 0) {
            return event;
        }
        return new NewEvent(CloudEventBuilder.v1(event.event()).withExtension(Hops.EXTENSION, hops).build(),
            event.member());
    }

    /** The events of a batch as the bus stores them: the owner's member, its integration's source by default. */
    static List<NewEvent> batch(RouteOwner owner, String type, List<BusEvent> events) throws JsonProcessingException {
        List<NewEvent> out = new ArrayList<>(events.size());
        String member = member(owner);
        String defaultSource = defaultSource(owner);
        // a batch's events mostly share their source: its URI is parsed once, not once per event
        String lastSource = null;
        URI lastUri = null;
        for (BusEvent e : events) {
            String source = e.source() == null ? defaultSource : e.source();
            if (!source.equals(lastSource)) {
                lastUri = uri(source);
                lastSource = source;
            }
            out.add(build(type, member, lastUri, e.id(), e.subject(),
                e.time() == null ? null : Times.at(e.time(), ZoneOffset.UTC), e.dataContentType(), e.data()));
        }
        return out;
    }

    private static String member(RouteOwner owner) {
        return owner == null ? "hub" : owner.member();
    }

    private static String defaultSource(RouteOwner owner) {
        return owner == null ? "/hub" : "/plugins/" + owner.pluginId() + "/integrations/" + owner.integration();
    }

    /** A route's event time; when a route passes on a time from outside, a bad one is the sender's 400. */
    private static OffsetDateTime time(String value) {
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("the event time '" + value + "' is not an RFC 3339 timestamp", "time");
        }
    }

    private static URI uri(String source) {
        try {
            return new URI(source);
        } catch (URISyntaxException e) {
            throw new InvalidInputException("the event source '" + source + "' is not a URI-reference", "source");
        }
    }

    private static NewEvent build(String type, String member, URI sourceUri, String id, String subject,
                                  OffsetDateTime time, String contentType, Object body) throws JsonProcessingException {
        byte[] data;
        if (body == null) {
            data = null;
        } else if (body instanceof byte[] bytes) {
            data = bytes;
        } else if (body instanceof String s) {
            data = s.getBytes(StandardCharsets.UTF_8);
        } else {
            data = JSON.writeValueAsBytes(body);
        }
        CloudEventBuilder b = CloudEventBuilder.v1()
            .withId(id == null ? UUID.randomUUID().toString() : id)
            .withSource(sourceUri)
            .withType(type)
            .withTime(time == null ? OffsetDateTime.now(ZoneOffset.UTC) : time);
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
