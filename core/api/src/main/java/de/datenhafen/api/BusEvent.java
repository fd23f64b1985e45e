package de.datenhafen.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One event for the {@code bus:} producer when a route puts many on the bus at once: a message body that is a
 * {@code List<BusEvent>} is appended as one batch, in list order, all or none, with one wait for the commit. That
 * is much faster than one exchange per event and keeps the order of the list on the bus (so per subject too).
 * The event type is the endpoint's ({@code bus:<type>}); the source is the integration's unless given.
 *
 * @param id the event id; with the source, the key duplicates are recognised by. Null: the hub makes one
 * @param subject the subject, e.g. {@code site-12/room-3.14}; may be null
 * @param time when it happened; null: now
 * @param data the data: {@code byte[]} or {@code String} as is, anything else written as JSON
 * @param dataContentType the data's content type; null: {@code application/json}
 * @param source the source URI; null: the integration's
 */
public record BusEvent(String id, String subject, Instant time, Object data, String dataContentType,
                       String source) {

    /** An event with id, subject, time and JSON data, from the integration's source. */
    public static BusEvent of(String id, String subject, Instant time, Object data) {
        return new BusEvent(id, subject, time, data, null, null);
    }

    @Override
    public String toString() {
        return "BusEvent{" + (source == null ? "" : source + "#") + id + " subject=" + subject + " time=" + time + "}";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BusEvent b && Objects.equals(id, b.id) && Objects.equals(subject, b.subject)
            && Objects.equals(time, b.time) && Objects.equals(source, b.source)
            && Objects.equals(dataContentType, b.dataContentType) && Objects.deepEquals(data, b.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, subject, time, source, dataContentType);
    }
}
