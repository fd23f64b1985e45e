package de.datenhafen.core.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerationException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.Timestamps;
import de.datenhafen.core.bus.EventRules;
import de.datenhafen.core.bus.Hops;
import de.datenhafen.core.bus.Times;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.data.BytesCloudEventData;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.rw.CloudEventRWException;
import io.vertx.core.MultiMap;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Reads CloudEvents from HTTP requests (structured, batch and binary mode of the CloudEvents HTTP binding) and
 * writes them in the structured JSON format, with the CloudEvents SDK doing the envelope work.
 *
 * <p>Why the attributes are checked here before the SDK reads the event: the SDK reports a bad event with a message
 * but not with the attribute at fault, and the hub promises a {@code field} in every 400 (design promise 7). So each
 * context attribute is first handed alone to the SDK's v1 builder ({@link CloudEventBuilder#withContextAttribute}),
 * which knows what a valid {@code time}, {@code source} or extension name is; whatever fails names its field. Only
 * then does {@link JsonFormat} (structured, batch) or the builder (binary) make the event. Nothing here parses the
 * envelope by hand beyond looking up attribute names.
 *
 * <p>The fast path ({@link #batch}, {@link #structured}): most events are the plain kind (the five usual attributes
 * as strings, JSON data), and reading them as above cost more CPU than storing them (a tree per body, the envelope
 * written out and parsed again by the SDK, the data written out again at every {@code toBytes()}). So a body is
 * first read once by hand when it is compact ASCII ({@link CompactEnvelopes}), else with Jackson's streaming parser,
 * straight into the builder ({@link Envelope}), the data kept as the bytes it came in
 * when they are already in the form the SDK would write ({@link CanonicalJson}), copied token by token into that form
 * otherwise; the same attribute checks run. Anything else in the body (an error, a
 * {@code null}, an extension, {@code data_base64}, a content type other than {@code application/json}, a repeated
 * name) makes the fast path give up, and the whole body is read the full way above, which gives the answer it
 * always gave. {@code CloudEventsCodecTest} holds both ways to the same events and the same refusals.
 *
 * <p>Every body, and binary mode's JSON data, is held to {@link StrictJson}'s rules (well-formed UTF-8, no lone
 * surrogate escape, no name twice), which Jackson's parser does not check: the compact reader keeps to them by what it
 * takes, the streaming parser gives up on ill-formed UTF-8 (and on the other two, as before), and the full way checks
 * the body before it parses it, naming the attribute or {@code data}. Binary mode's {@code ce-} headers are
 * percent-decoded as strictly ({@link #decode}).
 */
final class CloudEventsCodec {

    static final String STRUCTURED = "application/cloudevents+json";
    static final String BATCH = "application/cloudevents-batch+json";

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The fast path's parser. A name given twice makes the fast path give up (the tree keeps the last, see the class),
     * but the parser does not look for them itself: Jackson's {@code STRICT_DUPLICATE_DETECTION} made a hash set for
     * every object of more than two names, two per event, which was 5 % of the door's CPU under the harness's load.
     * The envelope's names are known ({@link #attribute}); the data's are checked by {@link CanonicalJson} when kept and
     * by {@link WholeCharacters} when copied.
     */
    private static final JsonFactory FAST = new JsonFactory();
    /** Writes the fast path's data: characters outside the BMP as UTF-8, as the text of the tree has them. */
    private static final JsonFactory DATA = JsonFactory.builder()
        .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();
    private static final JsonFormat FORMAT = new JsonFormat();
    /**
     * The fast path's sources, parsed: a sender's events mostly come from a few sources (one per device), and parsing
     * each as a URI again cost as much as the other attributes together. Only sources of accepted events. Room for a
     * city's sensors (2,500 air-quality monitors are each a source): with room for 1,024 the map was emptied every
     * few hundred events under the harness's load, and parsing the URIs again was 3 % of the door's CPU; 8,192 URIs
     * are about 3 MB.
     */
    private static final Map<String, URI> SOURCES = new ConcurrentHashMap<>();
    private static final int MAX_SOURCES = 8192;
    /** For stored events whose data claims to be JSON but is not (a Camel route may put any bytes on the bus). */
    private static final JsonFormat FORMAT_BASE64 = new JsonFormat().withForceJsonDataToBase64();
    private static final List<String> REQUIRED = List.of("id", "source", "type");
    /** RFC 3339 section 5.6 date-time: seconds required, fraction optional, offset Z or +hh:mm. */
    private static final Pattern RFC3339 = Pattern.compile(
        "\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");
    /** RFC 2045/2046 type "/" subtype, each an RFC 2045 token, then optional parameters. */
    private static final Pattern MEDIA_TYPE = Pattern.compile(
        "[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+\\s*(;.*)?", Pattern.DOTALL);
    /** Writes data of a text content type as a JSON string, as it came (JSON format 3.1). */
    private static final JsonFormat FORMAT_TEXT = new JsonFormat().withForceNonJsonDataToString();

    private CloudEventsCodec() {
    }

    /** The mode a request's headers ask for, or null when they ask for none of the three. */
    static String mode(MultiMap headers) {
        String contentType = MediaTypes.essence(headers.get("Content-Type"));
        if (STRUCTURED.equals(contentType) || BATCH.equals(contentType)) {
            return contentType;
        }
        return headers.contains("ce-specversion") ? "binary" : null;
    }

    /** One event in structured mode: the body is its JSON envelope. */
    static CloudEvent structured(byte[] body) {
        List<CloudEvent> fast = fast(body, false);
        return fast != null ? fast.get(0) : structuredFromTree(body);
    }

    /** A batch: the body is a JSON array of envelopes. All are checked before any is returned. */
    static List<CloudEvent> batch(byte[] body) {
        List<CloudEvent> fast = fast(body, true);
        return fast != null ? fast : batchFromTree(body);
    }

    /** {@link #structured} the full way, without the fast path. */
    static CloudEvent structuredFromTree(byte[] body) {
        JsonNode node = parse(body, "one event as a JSON object", StrictJson.Fields.EVENT);
        if (!node.isObject()) {
            throw new InvalidInputException("a structured CloudEvent must be a JSON object, this body is a "
                + kind(node), "body");
        }
        return fromObject((ObjectNode) node, "");
    }

    /** {@link #batch} the full way, without the fast path. */
    static List<CloudEvent> batchFromTree(byte[] body) {
        JsonNode node = parse(body, "the events as a JSON array", StrictJson.Fields.BATCH);
        if (!node.isArray()) {
            throw new InvalidInputException("a CloudEvents batch must be a JSON array, this body is a " + kind(node),
                "body");
        }
        // An empty batch is a valid batch (JSON event format, section 4): nothing to store, nothing refused.
        List<CloudEvent> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode e = node.get(i);
            String prefix = "[" + i + "]";
            if (!e.isObject()) {
                throw new InvalidInputException("event " + prefix + " must be a JSON object, is a " + kind(e), prefix);
            }
            out.add(fromObject((ObjectNode) e, prefix + "."));
        }
        return out;
    }

    /**
     * One event in binary mode: attributes in {@code ce-} headers (values percent-decoded as the HTTP binding
     * says), {@code Content-Type} as {@code datacontenttype}, the body as data.
     */
    static CloudEvent binary(MultiMap headers, byte[] body) {
        CloudEventBuilder b = CloudEventBuilder.v1();
        String specVersion = headers.get("ce-specversion");
        checkSpecVersion(specVersion, "ce-specversion");
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!name.startsWith("ce-") || name.equals("ce-specversion")) {
                continue;
            }
            String attribute = name.substring(3);
            set(b, attribute, decode(h.getValue(), name), "ce-");
        }
        for (String attribute : REQUIRED) {
            String value = headers.get("ce-" + attribute);
            if (value == null || value.isEmpty()) {
                throw new InvalidInputException("binary-mode CloudEvent needs a non-empty ce-" + attribute
                    + " header", "ce-" + attribute);
            }
        }
        String contentType = headers.get("Content-Type");
        if (body.length > 0) {
            if (contentType == null || contentType.isBlank()) {
                throw new InvalidInputException("a binary-mode CloudEvent with data needs a Content-Type "
                    + "(its datacontenttype)", "Content-Type");
            }
            if (isJson(contentType)) {
                checkJsonData(body, "data");
            }
            b.withData(contentType, body);
        } else if (contentType != null && !contentType.isBlank()) {
            b.withDataContentType(contentType);
        }
        CloudEvent event = build(b, "");
        try {
            EventRules.check(event, "");
        } catch (InvalidInputException e) {
            throw new InvalidInputException(e.getMessage(), "ce-" + e.field());
        }
        return event;
    }

    /** The event in structured JSON, as the bus's readers get it. */
    static ObjectNode toJson(CloudEvent event) {
        try {
            return (ObjectNode) JSON.readTree((isText(event) ? FORMAT_TEXT : FORMAT).serialize(event));
        } catch (IOException | RuntimeException e) {
            // data labelled JSON that is not: give it out as data_base64 rather than as broken JSON
            try {
                return (ObjectNode) JSON.readTree(FORMAT_BASE64.serialize(event));
            } catch (IOException inner) {
                throw new IllegalStateException("cannot write event " + event.getId() + " as JSON", inner);
            }
        }
    }

    /**
     * A generator writing UTF-8 with characters outside the BMP as characters (as text written out and encoded would
     * have them), not as escapes. A lone surrogate it writes otherwise: only for text whose checks refuse those.
     */
    static JsonGenerator utf8Generator(OutputStream out) throws IOException {
        return DATA.createGenerator(out);
    }

    static ObjectMapper mapper() {
        return JSON;
    }

    // ---- the fast path (see the class comment)

    /** The events of a batch ({@code array}) or of one structured event, or null when the body needs the full way. */
    private static List<CloudEvent> fast(byte[] body, boolean array) {
        List<CloudEvent> compact = CompactEnvelopes.read(body, array);
        return compact != null ? compact : parsed(body, array);
    }

    /** {@link #fast} with Jackson's streaming parser: for the bodies {@link CompactEnvelopes} leaves. */
    private static List<CloudEvent> parsed(byte[] body, boolean array) {
        if (StrictJson.illFormed(body, 0, body.length) >= 0) {
            return null; // the parser would decode it without a word: the full way refuses it, naming the field
        }
        try (JsonParser p = FAST.createParser(body)) {
            JsonToken first = p.nextToken();
            if (!array) {
                CloudEvent e = first == JsonToken.START_OBJECT ? fastEvent(p, body) : null;
                return e == null || p.nextToken() != null ? null : List.of(e);
            }
            if (first != JsonToken.START_ARRAY) {
                return null;
            }
            List<CloudEvent> out = new ArrayList<>();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
                CloudEvent e = fastEvent(p, body);
                if (e == null) {
                    return null;
                }
                out.add(e);
            }
            return t == JsonToken.END_ARRAY && p.nextToken() == null ? out : null;
        } catch (IOException | RuntimeException e) {
            return null; // the full way reads it again and says what is wrong
        }
    }

    /** One envelope, the parser on its START_OBJECT; null when it is not of the plain kind. */
    private static CloudEvent fastEvent(JsonParser p, byte[] body) throws IOException {
        Envelope envelope = new Envelope();
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken value = p.nextToken();
            if (name.equals("data")) {
                if (value == JsonToken.VALUE_NULL || !envelope.first(name)) {
                    return null;
                }
                byte[] data = kept(p, body);
                envelope.data = data != null ? data : copy(p);
            } else if (value != JsonToken.VALUE_STRING || !envelope.first(name)
                || !envelope.attribute(name, p.getText())) {
                return null;
            }
        }
        return envelope.event();
    }

    /**
     * What the fast path gathers of one envelope, however it was read: each attribute once, a string, handed to the
     * builder; data as JSON bytes. A refusal (an exception) or false makes the fast path give up, and the full way reads
     * the body again and names the field at fault: so nothing here puts a field's name together.
     */
    static final class Envelope {
        private final CloudEventBuilder b = CloudEventBuilder.v1();
        private int seen;
        private boolean spec;
        private String id;
        private String source;
        private String type;
        private String contentType;
        byte[] data;

        /** False when the name is not one the fast path reads, or came before in this envelope. */
        boolean first(String name) {
            int bit = CloudEventsCodec.attribute(name);
            if (bit == 0 || (seen & bit) != 0) {
                return false; // an extension, data_base64, or a name given twice
            }
            seen |= bit;
            return true;
        }

        /** A context attribute's string value (the name already {@link #first}); false to give up. */
        boolean attribute(String name, String text) {
            switch (name) {
                case "specversion" -> {
                    if (!SpecVersion.V1.toString().equals(text)) {
                        return false;
                    }
                    spec = true;
                    return true;
                }
                case "id" -> id = text;
                case "source" -> {
                    source = text;
                    URI known = SOURCES.get(text);
                    if (known != null) {
                        b.withSource(known);
                        return true;
                    }
                }
                case "type" -> type = text;
                case "datacontenttype" -> contentType = text;
                case "time" -> {
                    OffsetDateTime time = utcTime(text);
                    if (time != null) {
                        b.withTime(time);
                        return true;
                    }
                }
                case "subject", "dataschema" -> { }
                default -> {
                    return false; // an extension or data_base64
                }
            }
            set(b, name, text, "");
            return true;
        }

        /** The event, checked as the bus stores it; null when it is not of the plain kind. */
        CloudEvent event() {
            if (!spec || id == null || id.isEmpty() || source == null || source.isEmpty() || type == null
                || type.isEmpty() || (contentType != null && !contentType.equals("application/json"))) {
                return null;
            }
            if (data != null) {
                // JSON data without a content type is application/json (JSON format 3.1), as the SDK's reader says
                b.withData(contentType == null ? "application/json" : contentType, BytesCloudEventData.wrap(data));
            }
            CloudEvent event = b.build();
            EventRules.check(event, "");
            if (!SOURCES.containsKey(source)) {
                if (SOURCES.size() >= MAX_SOURCES) {
                    SOURCES.clear(); // many senders at once: start again rather than keep a map that grows
                }
                SOURCES.put(source, event.getSource());
            }
            return event;
        }
    }

    /** A bit of its own for each attribute the fast path reads, 0 for any other name. */
    private static int attribute(String name) {
        return switch (name) {
            case "specversion" -> 1;
            case "id" -> 1 << 1;
            case "source" -> 1 << 2;
            case "type" -> 1 << 3;
            case "datacontenttype" -> 1 << 4;
            case "time" -> 1 << 5;
            case "subject" -> 1 << 6;
            case "dataschema" -> 1 << 7;
            case "data" -> 1 << 8;
            default -> 0;
        };
    }

    /**
     * The common form of {@code time}, {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, read without the SDK's
     * {@code OffsetDateTime.parse} (a quarter of the fast path's CPU; {@link Timestamps} reads it); null for any other
     * form or an impossible date, which then goes through {@link #set} as before.
     */
    static OffsetDateTime utcTime(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z' || (n > 20 && (s.charAt(19) != '.' || n == 21))) {
            return null;
        }
        try {
            return Times.at(Timestamps.parse(s), ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /**
     * The bytes of the JSON value at the parser as they came, when they are what {@link #copy} would write
     * ({@link CanonicalJson}, which also refuses a name given twice in an object), the parser then moved past the
     * value (reading it still checks its syntax); null otherwise, the parser not moved.
     */
    private static byte[] kept(JsonParser p, byte[] body) throws IOException {
        long start = p.currentTokenLocation().getByteOffset();
        int end = start < 0 ? -1 : CanonicalJson.end(body, (int) start);
        if (end < 0) {
            return null;
        }
        p.skipChildren();
        return Arrays.copyOfRange(body, (int) start, end);
    }

    /**
     * The JSON value at the parser, written compactly as the SDK's JSON data gives its bytes (the text of the tree,
     * so characters outside the BMP stay characters, not escapes), in UTF-8. Written as UTF-8 straight away (it was
     * text first, then bytes: with the rest of the copy a sixth of the door's CPU); a lone surrogate, which the text's
     * bytes turned into {@code ?} and this generator would write otherwise, sends the body the full way.
     */
    private static byte[] copy(JsonParser p) throws IOException {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = new WholeCharacters(utf8Generator(out))) {
            g.copyCurrentStructure(p);
        }
        return out.toByteArray();
    }

    /**
     * Refuses a lone surrogate in a name or string, which the UTF-8 generator would write otherwise than the text, and
     * a name given twice in one object (the fast path's parser does not look for those).
     */
    private static final class WholeCharacters extends JsonGeneratorDelegate {

        /** The names of each open object, outermost first; a list while short, a set when long. */
        private final List<java.util.Collection<String>> names = new ArrayList<>();
        private int depth;

        WholeCharacters(JsonGenerator g) {
            super(g, false);
        }

        @Override
        public void writeStartObject() throws IOException {
            opened();
            super.writeStartObject();
        }

        @Override
        public void writeStartObject(Object forValue) throws IOException {
            opened();
            super.writeStartObject(forValue);
        }

        @Override
        public void writeStartObject(Object forValue, int size) throws IOException {
            opened();
            super.writeStartObject(forValue, size);
        }

        @Override
        public void writeEndObject() throws IOException {
            depth--;
            super.writeEndObject();
        }

        private void opened() {
            if (names.size() == depth) {
                names.add(new ArrayList<>());
            } else {
                names.get(depth).clear();
            }
            depth++;
        }

        @Override
        public void writeFieldName(String name) throws IOException {
            check(name, 0, name.length());
            java.util.Collection<String> level = names.get(depth - 1);
            if (level.size() == 16 && level instanceof List) {
                level = new java.util.HashSet<>(level);
                names.set(depth - 1, level);
            }
            if (level.contains(name)) {
                throw new JsonGenerationException("a name given twice", this);
            }
            level.add(name);
            super.writeFieldName(name);
        }

        @Override
        public void writeFieldName(com.fasterxml.jackson.core.SerializableString name) throws IOException {
            writeFieldName(name.getValue());
        }

        @Override
        public void writeString(String text) throws IOException {
            if (text != null) {
                check(text, 0, text.length());
            }
            super.writeString(text);
        }

        @Override
        public void writeString(char[] text, int offset, int len) throws IOException {
            check(CharBuffer.wrap(text), offset, offset + len);
            super.writeString(text, offset, len);
        }

        private void check(CharSequence s, int from, int to) throws IOException {
            for (int i = from; i < to; i++) {
                char c = s.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw new JsonGenerationException("a lone surrogate", this);
                }
            }
        }
    }

    // ---- structured

    private static CloudEvent fromObject(ObjectNode node, String prefix) {
        JsonNode spec = node.get("specversion");
        if (spec == null || !spec.isTextual()) {
            throw new InvalidInputException("specversion " + (spec == null ? "is missing" : "must be a string")
                + "; this hub takes CloudEvents 1.0", prefix + "specversion");
        }
        checkSpecVersion(spec.textValue(), prefix + "specversion");
        // "A JSON null value MUST be treated as absent" for optional attributes and extensions (JSON format 2.2);
        // a required attribute that is null is missing (below).
        List<String> nulls = new ArrayList<>();
        node.fields().forEachRemaining(f -> {
            if (f.getValue().isNull() && !REQUIRED.contains(f.getKey()) && !f.getKey().equals("specversion")) {
                nulls.add(f.getKey());
            }
        });
        if (!nulls.isEmpty()) {
            node = node.deepCopy();
            node.remove(nulls);
        }
        CloudEventBuilder probe = CloudEventBuilder.v1();
        for (String attribute : REQUIRED) {
            JsonNode v = node.get(attribute);
            if (v == null || v.isNull()) {
                throw new InvalidInputException(attribute + " is missing", prefix + attribute);
            }
            if (!v.isTextual() || v.textValue().isEmpty()) {
                throw new InvalidInputException(attribute + " must be a non-empty string", prefix + attribute);
            }
        }
        var fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String name = f.getKey();
            JsonNode v = f.getValue();
            if (name.equals("specversion") || name.equals("data") || name.equals("data_base64")) {
                continue;
            }
            if (v.isTextual()) {
                set(probe, name, v.textValue(), prefix);
            } else if (isContextAttribute(name)) {
                throw new InvalidInputException(name + " must be a string", prefix + name);
            } else {
                // extensions may be strings, numbers or booleans; the SDK checks the name here
                set(probe, name, v.asText(), prefix);
            }
        }
        JsonNode type = node.get("datacontenttype");
        if (node.has("data") && (type == null || isJson(type.asText()))) {
            // data as a JSON value is fine for a JSON content type; any other content type needs a string
        } else if (node.has("data") && !node.get("data").isTextual()) {
            throw new InvalidInputException("data must be a string when datacontenttype is " + type.asText()
                + " (or send data_base64)", prefix + "data");
        }
        if (node.has("data") && node.has("data_base64")) {
            throw new InvalidInputException("an event has either data or data_base64, not both", prefix + "data");
        }
        CloudEvent event;
        try {
            event = FORMAT.deserialize(JSON.writeValueAsBytes(node));
        } catch (EventDeserializationException | JsonProcessingException | CloudEventRWException e) {
            String field = node.has("data_base64") ? "data_base64" : "data";
            throw new InvalidInputException("the event is not valid: " + rootMessage(e), prefix + field);
        }
        EventRules.check(event, prefix);
        return event;
    }

    private static boolean isContextAttribute(String name) {
        return switch (name) {
            case "id", "source", "type", "subject", "time", "datacontenttype", "dataschema" -> true;
            default -> false;
        };
    }

    // ---- shared

    private static void checkSpecVersion(String value, String field) {
        if (value == null) {
            throw new InvalidInputException("specversion is missing; this hub takes CloudEvents 1.0", field);
        }
        if (!SpecVersion.V1.toString().equals(value)) {
            throw new InvalidInputException("specversion '" + value + "' is not supported; this hub takes "
                + "CloudEvents 1.0", field);
        }
    }

    /**
     * Hands one attribute to the SDK's builder, which refuses a bad value or name; the refusal names the field (the
     * prefix and the attribute, put together only then). Before that, what the spec requires and the SDK lets
     * through: {@code time} strictly RFC 3339 (seconds and a full offset), {@code datacontenttype} a media type
     * (RFC 2046), and no empty {@code subject}, {@code dataschema} or {@code datacontenttype} ("if present, MUST be a
     * non-empty string").
     */
    private static void set(CloudEventBuilder b, String attribute, String value, String fieldPrefix) {
        switch (attribute) {
            case Hops.EXTENSION -> throw new InvalidInputException(Hops.EXTENSION + " is the hub's own count of the "
                + "webhooks an event came through (its loop check); an event from outside cannot set it",
                fieldPrefix + attribute);
            case "subject", "dataschema", "datacontenttype" -> {
                if (value.isEmpty()) {
                    throw new InvalidInputException(attribute + " must not be empty when present (leave it out "
                        + "instead)", fieldPrefix + attribute);
                }
                if (attribute.equals("datacontenttype") && !value.equals("application/json")
                    && !MEDIA_TYPE.matcher(value).matches()) {
                    throw new InvalidInputException("datacontenttype '" + value + "' is not a media type such as "
                        + "application/json (RFC 2046)", fieldPrefix + attribute);
                }
            }
            case "time" -> {
                if (!RFC3339.matcher(value).matches()) {
                    throw new InvalidInputException("time '" + value + "' is not an RFC 3339 timestamp (it needs "
                        + "seconds and an offset such as Z or +01:00)", fieldPrefix + attribute);
                }
            }
            default -> { }
        }
        try {
            b.withContextAttribute(attribute, value);
        } catch (CloudEventRWException e) {
            String what = switch (attribute) {
                case "time" -> "time '" + value + "' is not an RFC 3339 timestamp";
                case "source" -> "source '" + value + "' is not a URI-reference";
                case "dataschema" -> "dataschema '" + value + "' is not a URI";
                default -> e.getKind() == CloudEventRWException.CloudEventRWExceptionKind.INVALID_ATTRIBUTE_NAME
                    ? "'" + attribute + "' is not a valid attribute name (lower-case letters and digits, "
                        + "at most 20)"
                    : e.getMessage();
            };
            throw new InvalidInputException(what, fieldPrefix + attribute);
        }
    }

    private static CloudEvent build(CloudEventBuilder b, String prefix) {
        try {
            return b.build();
        } catch (IllegalStateException e) {
            throw new InvalidInputException("the event is not valid: " + e.getMessage(), prefix + "event");
        }
    }

    private static void checkJsonData(byte[] body, String field) {
        StrictJson.check(body, StrictJson.Fields.DATA);
        try {
            whole(body, field);
        } catch (IOException e) {
            throw new InvalidInputException("the data is labelled JSON but is not valid JSON: "
                + firstLine(e.getMessage()), field);
        }
    }

    private static JsonNode parse(byte[] body, String expected, StrictJson.Fields fields) {
        if (body.length == 0) {
            throw InvalidInputException.emptyBody(expected);
        }
        StrictJson.check(body, fields);
        try {
            JsonNode node = whole(body, "body");
            if (node == null || node.isMissingNode()) {
                throw InvalidInputException.emptyBody(expected);
            }
            return node;
        } catch (IOException e) {
            throw new InvalidInputException("the body is not valid JSON: " + Errors.jsonProblem(e), "body");
        }
    }

    /**
     * The one JSON value {@code json} holds, refusing anything but white space after it ({@code [...] trailing}, a
     * second value): Jackson's tree reader stops at the value's end and would take the body without a word. Null for
     * a body of white space only.
     */
    private static JsonNode whole(byte[] json, String field) throws IOException {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() == null) {
                return null;
            }
            JsonNode node = JSON.readTree(p);
            if (p.nextToken() != null) {
                throw new InvalidInputException("there is more after the JSON value, at line "
                    + p.currentTokenLocation().getLineNr() + ", column " + p.currentTokenLocation().getColumnNr()
                    + ": one value is all it may hold", field);
            }
            return node;
        }
    }

    /**
     * A {@code ce-} header's value, percent-decoded as the HTTP binding says (3.1.3.2: a value's characters outside
     * printable ASCII are sent as the percent-encoded bytes of their UTF-8). Strictly: bytes that are not well-formed
     * UTF-8 are refused, not replaced by U+FFFD (as {@code URLDecoder} would), and so are raw bytes outside ASCII,
     * which the HTTP server reads as ISO 8859-1 where a reader in front of the hub may read UTF-8.
     */
    private static String decode(String value, String header) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x80) {
                throw new InvalidInputException(header + " holds the byte " + String.format("%02X", (int) c)
                    + " at position " + i + ", outside ASCII; a header carries such characters percent-encoded as "
                    + "UTF-8 (%C3%BC for \u00fc)", header);
            }
        }
        // percent-decoding only; URLDecoder would also turn '+' into a space
        return PercentDecoding.decode(value, false, header, header);
    }

    /** Text data (text/*, XML) in valid UTF-8 is written as a string; anything else that is not JSON as base64. */
    private static boolean isText(CloudEvent event) {
        String t = MediaTypes.essence(event.getDataContentType());
        if (t == null || event.getData() == null || !(t.startsWith("text/") || t.endsWith("/xml") || t.endsWith("+xml"))) {
            return false;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(event.getData().toBytes()));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    static boolean isJson(String contentType) {
        return contentType == null || MediaTypes.isJson(contentType);
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t instanceof JsonProcessingException) {
            return Errors.jsonProblem(t); // the problem and where, not the parser's settings or source
        }
        return firstLine(t.getMessage() == null ? t.toString() : t.getMessage());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
