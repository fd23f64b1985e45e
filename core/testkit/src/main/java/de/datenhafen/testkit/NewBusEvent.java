package de.datenhafen.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * An event a test puts on the bus of a hub under test directly ({@link HubExtension#publish}), as if a producer had
 * published it: to feed a plugin's subscriptions without going through another plugin's endpoint.
 *
 * @param id the CloudEvents {@code id}; with {@code source} it identifies the event (a second one is a duplicate)
 * @param source the CloudEvents {@code source}, a URI reference
 * @param type the event type
 * @param subject the subject, or null
 * @param time the event's time, or null
 * @param dataContentType the data's media type, or null without data
 * @param data the data, or null
 */
public record NewBusEvent(String id, String source, String type, String subject, Instant time, String dataContentType,
                          byte[] data) {

    /** Source of the events made by {@link #json}. */
    public static final String TEST_SOURCE = "/tests";

    /** An event of this type and subject with JSON data, a random id and the source {@value #TEST_SOURCE}. */
    public static NewBusEvent json(String type, String subject, String json) {
        return new NewBusEvent(UUID.randomUUID().toString(), TEST_SOURCE, type, subject, null, "application/json",
            json.getBytes(StandardCharsets.UTF_8));
    }

    /** The same event with this id. */
    public NewBusEvent withId(String newId) {
        return new NewBusEvent(newId, source, type, subject, time, dataContentType, data);
    }

    /** The same event with this time. */
    public NewBusEvent withTime(Instant newTime) {
        return new NewBusEvent(id, source, type, subject, newTime, dataContentType, data);
    }

    @Override
    public String toString() {
        return "NewBusEvent{" + type + " " + source + "#" + id + (subject == null ? "" : " subject=" + subject) + "}";
    }
}
