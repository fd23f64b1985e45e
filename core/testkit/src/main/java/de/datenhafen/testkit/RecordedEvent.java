package de.datenhafen.testkit;

import de.datenhafen.core.bus.StoredEvent;
import io.cloudevents.CloudEvent;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * An event as the bus of a hub under test stored it, read with {@link HubExtension#events}: its CloudEvents attributes,
 * the member that owns it and its sequence in the log. A value a test can assert on without the hub's own types.
 *
 * @param sequence the hub-assigned position in the log (strictly increasing, from 1)
 * @param member the owning member (a plugin's events belong to its provider)
 * @param id the CloudEvents {@code id}
 * @param source the CloudEvents {@code source}
 * @param type the event type
 * @param subject the subject, or null
 * @param time the event's time, or null
 * @param dataContentType the data's media type, or null
 * @param data the data as stored, an empty array for none
 */
public record RecordedEvent(long sequence, String member, String id, String source, String type, String subject,
                            Instant time, String dataContentType, byte[] data) {

    static RecordedEvent of(StoredEvent stored) {
        CloudEvent e = stored.event();
        return new RecordedEvent(stored.sequence(), stored.member(), e.getId(), e.getSource().toString(), e.getType(),
            e.getSubject(), e.getTime() == null ? null : e.getTime().toInstant(), e.getDataContentType(),
            e.getData() == null ? new byte[0] : e.getData().toBytes());
    }

    /** The data as UTF-8 text. */
    public String dataString() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** The data as a JSON object; a {@link io.vertx.core.json.DecodeException} if it is not one. */
    public JsonObject json() {
        return new JsonObject(dataString());
    }

    @Override
    public String toString() {
        return "#" + sequence + " " + type + " " + source + "#" + id + (subject == null ? "" : " subject=" + subject)
            + " by " + member;
    }
}
