package de.datenhafen.core.sink;

import de.datenhafen.api.BusEvent;
import de.datenhafen.api.BusHeaders;
import de.datenhafen.core.bus.Hops;
import de.datenhafen.core.bus.Times;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * One bus event on its way out, as a sink sees it: what a {@code bus:} consumer put in the exchange, one event
 * (headers and body) or a batch ({@code List<BusEvent>} with {@link BusHeaders#SEQUENCES} and
 * {@link BusHeaders#TYPES}).
 */
record SinkEvent(long sequence, String id, String source, String type, String subject, OffsetDateTime time,
                 String contentType, byte[] data, int hops) {

    private static final JsonFormat JSON = new JsonFormat();

    /** The events of the exchange, in order. */
    static List<SinkEvent> of(Exchange exchange) {
        Message in = exchange.getMessage();
        Object body = in.getBody();
        if (body instanceof List<?> list && in.getHeader(BusHeaders.SEQUENCES) instanceof List<?> sequences
            && in.getHeader(BusHeaders.TYPES) instanceof List<?> types) {
            List<SinkEvent> out = new ArrayList<>(list.size());
            int[] hops = Hops.of(in.getHeader(Hops.HEADER), in.getHeader(Hops.BATCH_HEADER), list.size());
            for (int i = 0; i < list.size(); i++) {
                BusEvent e = (BusEvent) list.get(i);
                out.add(new SinkEvent(((Number) sequences.get(i)).longValue(), e.id(), e.source(),
                    (String) types.get(i), e.subject(), e.time() == null ? null : Times.at(e.time(), ZoneOffset.UTC),
                    e.dataContentType(), bytes(e.data()), hops == null ? 0 : hops[i]));
            }
            return out;
        }
        String type = in.getHeader(BusHeaders.TYPE, String.class);
        String id = in.getHeader(BusHeaders.ID, String.class);
        if (type == null || id == null) {
            throw new IllegalArgumentException("a sink takes bus events: the message has no " + BusHeaders.TYPE
                + " or " + BusHeaders.ID + " header (route it from a bus: consumer)");
        }
        String time = in.getHeader(BusHeaders.TIME, String.class);
        Long sequence = in.getHeader(BusHeaders.SEQUENCE, Long.class);
        String source = in.getHeader(BusHeaders.SOURCE, String.class);
        byte[] data = bytes(body instanceof byte[] || body == null ? body : in.getBody(String.class));
        return List.of(new SinkEvent(sequence == null ? -1 : sequence, id, source == null ? "/hub" : source, type,
            in.getHeader(BusHeaders.SUBJECT, String.class), time == null ? null : OffsetDateTime.parse(time),
            in.getHeader(BusHeaders.DATA_CONTENT_TYPE, String.class), data,
            Hops.ofOne(in.getHeader(Hops.HEADER), in.getHeader(Hops.BATCH_HEADER))));
    }

    /** A bus consumer's data is bytes; a route before the sink may have made it a string. */
    private static byte[] bytes(Object data) {
        if (data == null || data instanceof byte[]) {
            return (byte[]) data;
        }
        return data.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The loop count a delivery of this event carries: one more than the event's ({@link Hops}).
     *
     * @throws SinkException.Loop when the event came through {@link Hops#MAX} webhooks already
     */
    int nextHops(String sink) {
        if (hops >= Hops.MAX) {
            throw new SinkException.Loop(sink + " does not send " + this + ": it came into a hub through webhooks "
                + hops + " times already (its " + Hops.EXTENSION + " attribute), which looks like a loop (a flow or "
                + "integration sending to a webhook receiver whose events come back to it); at most " + Hops.MAX
                + " are allowed");
        }
        return hops + 1;
    }

    /** The event as a CloudEvent (for the structured JSON format), with its delivery's loop count. */
    CloudEvent cloudEvent(int deliveryHops) {
        CloudEventBuilder b = CloudEventBuilder.v1().withId(id).withSource(URI.create(source)).withType(type)
            .withExtension(Hops.EXTENSION, deliveryHops);
        if (subject != null) {
            b.withSubject(subject);
        }
        if (time != null) {
            b.withTime(time);
        }
        if (data != null) {
            b.withData(contentType == null ? "application/json" : contentType, data);
        }
        return b.build();
    }

    /** The CloudEvents JSON event format ({@code application/cloudevents+json}) of a delivery. */
    byte[] structured(int deliveryHops) {
        return JSON.serialize(cloudEvent(deliveryHops));
    }

    @Override
    public String toString() {
        return "event #" + sequence + " " + type + (subject == null ? "" : " subject=" + subject) + " id=" + id;
    }
}
