package de.datenhafen.core.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.Map;

/**
 * Maps an event to the columns of {@code bus_event} and back. The attributes go to columns and the data to bytes;
 * on read the envelope is rebuilt with {@link CloudEventBuilder}. Extension attributes (rare) are kept as a JSON
 * object: strings, integers and booleans keep their type; URIs, timestamps and binary values come back in their
 * CloudEvents canonical string form.
 */
final class EventRows {

    static final String COLUMNS =
        "seq, member, type, source, id, subject, event_time, stored_at, content_type, data_schema, extensions, data";

    static final String INSERT = "INSERT INTO bus_event (seq, member, type, source, id, subject, event_time, "
        + "stored_at, content_type, data_schema, extensions, data) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private static final ObjectMapper JSON = new ObjectMapper();

    static final int MAX_MEMBER = 128;
    static final int MAX_TYPE = 255;
    static final int MAX_SOURCE = 1024;
    static final int MAX_ID = 255;
    static final int MAX_SUBJECT = 1024;
    static final int MAX_CONTENT_TYPE = 255;
    static final int MAX_DATA_SCHEMA = 1024;

    private EventRows() {
    }

    /** A 64-bit FNV-1a hash of source and id; collisions only cost a comparison, never a wrong answer. */
    static long keyHash(String source, String id) {
        long h = 0xcbf29ce484222325L;
        h = mix(h, source);
        h = (h ^ 0x1f) * 0x100000001b3L;
        return mix(h, id);
    }

    private static long mix(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }

    static void bind(PreparedStatement ps, long seq, NewEvent e, OffsetDateTime storedAt) throws SQLException {
        CloudEvent ce = e.event();
        ps.setLong(1, seq);
        ps.setString(2, e.member());
        ps.setString(3, ce.getType());
        ps.setString(4, ce.getSource().toString());
        ps.setString(5, ce.getId());
        ps.setString(6, ce.getSubject());
        ps.setObject(7, ce.getTime(), Types.TIMESTAMP_WITH_TIMEZONE);
        ps.setObject(8, storedAt, Types.TIMESTAMP_WITH_TIMEZONE);
        ps.setString(9, ce.getDataContentType());
        ps.setString(10, ce.getDataSchema() == null ? null : ce.getDataSchema().toString());
        ps.setString(11, extensionsJson(ce));
        CloudEventData data = ce.getData();
        ps.setBytes(12, data == null ? null : data.toBytes());
    }

    static StoredEvent read(ResultSet rs) throws SQLException {
        CloudEventBuilder b = CloudEventBuilder.v1()
            .withId(rs.getString("id"))
            .withSource(URI.create(rs.getString("source")))
            .withType(rs.getString("type"));
        String subject = rs.getString("subject");
        if (subject != null) {
            b.withSubject(subject);
        }
        OffsetDateTime time = rs.getObject("event_time", OffsetDateTime.class);
        if (time != null) {
            b.withTime(time);
        }
        String contentType = rs.getString("content_type");
        if (contentType != null) {
            b.withDataContentType(contentType);
        }
        String schema = rs.getString("data_schema");
        if (schema != null) {
            b.withDataSchema(URI.create(schema));
        }
        byte[] data = rs.getBytes("data");
        if (data != null) {
            b.withData(data);
        }
        String ext = rs.getString("extensions");
        if (ext != null) {
            applyExtensions(b, ext);
        }
        return new StoredEvent(rs.getLong("seq"), rs.getString("member"), b.build());
    }

    /** The event as CloudEvents 1.0 (the bus stores 1.0 only; a 0.3 event is converted on the way in). */
    static CloudEvent asV1(CloudEvent ce) {
        return ce.getSpecVersion() == SpecVersion.V1 ? ce : CloudEventBuilder.v1(ce).build();
    }

    static String extensionsJson(CloudEvent ce) {
        if (ce.getExtensionNames().isEmpty()) {
            return null;
        }
        ObjectNode node = JSON.createObjectNode();
        for (String name : ce.getExtensionNames()) {
            Object v = ce.getExtension(name);
            if (v instanceof Integer i) {
                node.put(name, i);
            } else if (v instanceof Boolean bool) {
                node.put(name, bool);
            } else if (v instanceof byte[] bytes) {
                node.put(name, java.util.Base64.getEncoder().encodeToString(bytes));
            } else if (v instanceof OffsetDateTime t) {
                node.put(name, t.withOffsetSameInstant(ZoneOffset.UTC).toString());
            } else if (v != null) {
                node.put(name, v.toString());
            }
        }
        return node.toString();
    }

    static void applyExtensions(CloudEventBuilder b, String json) {
        try {
            JsonNode node = JSON.readTree(json.getBytes(StandardCharsets.UTF_8));
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                JsonNode v = f.getValue();
                if (v.isInt()) {
                    b.withExtension(f.getKey(), v.intValue());
                } else if (v.isBoolean()) {
                    b.withExtension(f.getKey(), v.booleanValue());
                } else {
                    b.withExtension(f.getKey(), v.asText());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("stored extension attributes are not JSON: " + json, e);
        }
    }
}
