package de.datenhafen.plugins.airquality;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import de.datenhafen.api.Timestamps;
import de.datenhafen.api.Utf8;
import java.io.IOException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a request or message body into readings and problems. Understands, one object or an array of them, mixed:
 * <ul>
 *   <li>The Things Stack v3 uplink messages: {@code end_device_ids.dev_eui}, {@code received_at} (or
 *   {@code uplink_message.received_at}), fields in {@code uplink_message.decoded_payload};</li>
 *   <li>ChirpStack v4 uplink events: {@code deviceInfo.devEui}, {@code time}, fields in {@code object};</li>
 *   <li>the plain form {@code {"device": ..., "time": ..., "co2": ..., "temperature": ..., "humidity": ...,
 *   "pressure": ...}}, whose field names are fixed.</li>
 * </ul>
 * The field mapping applies to the network servers' decoded payloads. Device EUIs are upper-cased hex. Stateless and
 * thread-safe; the registry check (unknown device) is the caller's.
 */
final class UplinkParser {

    /** Thrown when the body as a whole is not usable (not JSON, not objects); nothing of it is taken. */
    static final class BodyException extends RuntimeException {
        BodyException(String message) {
            super(message);
        }
    }

    /** Each item: a reading or the problem that stopped it. */
    record Result(List<Indexed> readings, List<Problem> problems) {
    }

    record Indexed(int index, Reading reading) {
    }

    /**
     * Reads bodies as a stream of tokens (no tree per body), so Jackson's own read limits (nesting depth, number and
     * string lengths) apply as it reads. Trailing content after the first JSON value ({@code {...} garbage}) is
     * refused, not ignored: a body is one value. The body's size is the caller's.
     *
     * <p>The rules of the hub's own doors hold here too (a filter in front of the hub must read a body as this parser
     * does): a body that is not well-formed UTF-8 is refused whole before it is parsed ({@link Utf8}: Jackson decodes
     * overlong forms such as {@code C0 AE} without a word); a field the parser reads given twice in one object (Jackson
     * would keep the last) and a string or name it keeps with half a surrogate pair alone (a {@code \}{@code uD800}
     * escape) are the item's problem, naming the field. Names the parser skips are not looked at.
     */
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The fields only the network servers' forms have; an item with either is read as a tree. */
    private static final String TTS = "end_device_ids";
    private static final String CHIRPSTACK = "deviceInfo";

    private final FieldMapping mapping;
    private final Duration maxFuture;
    private final Clock clock;

    UplinkParser(FieldMapping mapping, Duration maxFuture, Clock clock) {
        this.mapping = mapping;
        this.maxFuture = maxFuture;
        this.clock = clock;
    }

    /**
     * The body's items, read one token at a time: each item's fields are taken as they come and the rest skipped,
     * so the plain batch form costs no tree. A body that is not JSON (anywhere, even after items were read) is
     * refused whole.
     */
    Result parse(byte[] body) {
        List<Indexed> readings = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Instant latest = clock.instant().plus(maxFuture);
        byte[] bytes = body == null ? new byte[0] : body;
        int bad = Utf8.illFormed(bytes, 0, bytes.length); // eight ASCII bytes at a time: a fraction of the parse
        if (bad >= 0) {
            throw new BodyException(Utf8.refusal(bytes, bad, "the body", "body", "JSON bodies are UTF-8 (RFC 8259)")
                .getMessage());
        }
        try (JsonParser p = JSON.createParser(bytes)) {
            JsonToken root = p.nextToken();
            if (root == null) {
                throw new BodyException(de.datenhafen.api.InvalidInputException.emptyBody(
                    "an uplink (JSON) or an array of them").getMessage());
            }
            if (root == JsonToken.START_ARRAY) {
                int index = 0;
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    if (t == null) { // Jackson reports an unclosed array itself; this only keeps the loop finite
                        throw new BodyException("the body is not JSON: the array is not closed");
                    }
                    take(p, index++, latest, readings, problems);
                }
            } else {
                take(p, 0, latest, readings, problems);
            }
            if (p.nextToken() != null) { // Jackson's tree reader would stop at the value's end and take the body
                JsonLocation at = p.currentTokenLocation();
                throw new BodyException("the body holds more after its JSON value, at line " + at.getLineNr()
                    + ", column " + at.getColumnNr() + ": one value (an uplink or an array of them) is all it may "
                    + "hold");
            }
        } catch (JsonProcessingException e) {
            throw new BodyException("the body is not JSON: " + de.datenhafen.api.JsonProblems.said(e));
        } catch (IOException e) {
            throw new BodyException("the body could not be read: " + e.getMessage());
        }
        return new Result(readings, problems);
    }


    /** One item, the parser at its first token: a reading or its problem. Leaves the parser at the item's end. */
    private void take(JsonParser p, int index, Instant latest, List<Indexed> readings, List<Problem> problems)
        throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            problems.add(new Problem(index, null, "body", "is not a JSON object"));
            return;
        }
        Fields fields = Fields.read(p);
        if (fields.badField != null) { // a field given twice or a lone surrogate: which reading was meant is unclear
            problems.add(new Problem(index, fields.device(), fields.badField, fields.badError));
            return;
        }
        try {
            readings.add(new Indexed(index, fields.server != null
                && (fields.server.has(TTS) || fields.server.has(CHIRPSTACK)) ? item(fields.asTree(), latest)
                : plain(fields, latest)));
        } catch (ItemException e) {
            problems.add(new Problem(index, e.device, e.field, e.getMessage()));
        }
    }

    /**
     * What an item holds that any form reads. The plain form's fields are kept as the value nodes a tree would have
     * (so every check and message is the tree's), the network servers' as trees; everything else is skipped. A field
     * read twice, or a string or name kept with a lone surrogate, is the item's first problem ({@link #badField}).
     */
    private static final class Fields {
        private static final int DEVICE = 1;
        private static final int TIME = 1 << 1;
        private static final int CO2 = 1 << 2;
        private static final int TEMPERATURE = 1 << 3;
        private static final int HUMIDITY = 1 << 4;
        private static final int PRESSURE = 1 << 5;
        private static final int END_DEVICE_IDS = 1 << 6;
        private static final int RECEIVED_AT = 1 << 7;
        private static final int UPLINK_MESSAGE = 1 << 8;
        private static final int DEVICE_INFO = 1 << 9;
        private static final int OBJECT = 1 << 10;
        private static final String TWICE = "is given twice; each name once in an object (which of the two a reader "
            + "keeps differs from reader to reader)";
        private static final String UNPAIRED = ", an unpaired UTF-16 surrogate; JSON text must be valid Unicode (a "
            + "character beyond U+FFFF is escaped as a pair, such as \\ud83d\\ude00)";

        JsonNode device;
        JsonNode time;
        JsonNode co2;
        JsonNode temperature;
        JsonNode humidity;
        JsonNode pressure;
        /** {@code end_device_ids}, {@code received_at}, {@code uplink_message}, {@code deviceInfo}, {@code object}. */
        ObjectNode server;
        /** The first field at fault ({@code co2}, {@code uplink_message.decoded_payload.co2}), or null. */
        String badField;
        String badError;
        /** The item's object, where the fields' paths start. */
        private final JsonStreamContext item;
        /** The fields read so far, a bit each: no set per item on the hot path. */
        private int seen;

        private Fields(JsonStreamContext item) {
            this.item = item;
        }

        /** Reads an object's fields, the parser at its start; leaves it at its end. */
        static Fields read(JsonParser p) throws IOException {
            Fields f = new Fields(p.getParsingContext());
            for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                p.nextToken();
                switch (name) {
                    case "device" -> f.device = f.once(p, DEVICE, f.device);
                    case "time" -> f.time = f.once(p, TIME, f.time);
                    case "co2" -> f.co2 = f.once(p, CO2, f.co2);
                    case "temperature" -> f.temperature = f.once(p, TEMPERATURE, f.temperature);
                    case "humidity" -> f.humidity = f.once(p, HUMIDITY, f.humidity);
                    case "pressure" -> f.pressure = f.once(p, PRESSURE, f.pressure);
                    case TTS -> f.server(name, f.once(p, END_DEVICE_IDS, null));
                    case "received_at" -> f.server(name, f.once(p, RECEIVED_AT, null));
                    case "uplink_message" -> f.server(name, f.once(p, UPLINK_MESSAGE, null));
                    case CHIRPSTACK -> f.server(name, f.once(p, DEVICE_INFO, null));
                    case "object" -> f.server(name, f.once(p, OBJECT, null));
                    default -> p.skipChildren();
                }
            }
            return f;
        }

        /** The current field's value, the first time its {@code bit} is seen; else its problem and {@code kept}. */
        private JsonNode once(JsonParser p, int bit, JsonNode kept) throws IOException {
            if ((seen & bit) != 0) {
                problem(path(p, true), TWICE);
                p.skipChildren();
                return kept;
            }
            seen |= bit;
            return value(p);
        }

        private void server(String name, JsonNode value) {
            if (value == null) {
                return; // given twice: the item is refused
            }
            if (server == null) {
                server = JSON.createObjectNode();
            }
            server.set(name, value);
        }

        /** The item as the tree the network servers' forms are read from (only the fields they read). */
        ObjectNode asTree() {
            if (time != null) {
                server.set("time", time); // ChirpStack's
            }
            return server;
        }

        /**
         * The device the item names, for its problem: the EUI, as the form the item has holds it, unless that is
         * where the problem is (or it is no EUI).
         */
        String device() {
            String path = "device";
            JsonNode sent = device;
            if (server != null && server.has(TTS)) {
                path = "end_device_ids.dev_eui";
                sent = FieldMapping.at(server, path);
            } else if (server != null && server.has(CHIRPSTACK)) {
                path = "deviceInfo.devEui";
                sent = FieldMapping.at(server, path);
            }
            String eui = text(sent);
            return eui == null || path.equals(badField) || path.startsWith(badField + ".") ? null
                : Eui.normalize(eui);
        }

        /**
         * The current value as the tree's node: the same node types, so {@code asText()} and numbers agree. Objects
         * and arrays are read here, not by Jackson's tree reader, to see their names given twice.
         */
        private JsonNode value(JsonParser p) throws IOException {
            return switch (p.currentToken()) {
                case VALUE_STRING -> {
                    String s = p.getText();
                    int lone = Utf8.loneSurrogate(s);
                    if (lone >= 0) {
                        problem(path(p, true), "holds the escape " + escape(s.charAt(lone)) + UNPAIRED);
                    }
                    yield TextNode.valueOf(s);
                }
                case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                    case INT -> IntNode.valueOf(p.getIntValue());
                    case LONG -> LongNode.valueOf(p.getLongValue());
                    default -> BigIntegerNode.valueOf(p.getBigIntegerValue());
                };
                case VALUE_NUMBER_FLOAT -> DoubleNode.valueOf(p.getDoubleValue());
                case VALUE_TRUE -> BooleanNode.TRUE;
                case VALUE_FALSE -> BooleanNode.FALSE;
                case VALUE_NULL -> NullNode.getInstance();
                case START_OBJECT -> {
                    ObjectNode o = JSON.createObjectNode();
                    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                        int lone = Utf8.loneSurrogate(name);
                        if (lone >= 0) {
                            problem(path(p, false), "holds a name with the escape " + escape(name.charAt(lone))
                                + UNPAIRED);
                        }
                        p.nextToken();
                        if (o.putIfAbsent(name, value(p)) != null) {
                            problem(path(p, true), TWICE);
                        }
                    }
                    yield o;
                }
                case START_ARRAY -> {
                    ArrayNode a = JSON.createArrayNode();
                    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                        if (t == null) { // Jackson reports an unclosed array itself; this only keeps the loop finite
                            throw new BodyException("the body is not JSON: an array is not closed");
                        }
                        a.add(value(p));
                    }
                    yield a;
                }
                default -> throw new BodyException("the body is not JSON: " + p.currentToken() + " where a value "
                    + "was expected"); // not from Jackson's JSON parser
            };
        }

        /** Keeps the item's first problem. */
        private void problem(String field, String error) {
            if (badField == null) {
                badField = field;
                badError = error;
            }
        }

        /**
         * The parser's place in the item as a field's path ({@code uplink_message.rx_metadata[0].rssi}): with the
         * current name or index when {@code withCurrent}, else the object that holds it ({@code body} for the item).
         * Cut after 200 characters: a body may nest 1,000 levels of long names.
         */
        private String path(JsonParser p, boolean withCurrent) {
            List<Object> steps = new ArrayList<>(); // innermost first
            JsonStreamContext c = p.getParsingContext();
            JsonToken t = p.currentToken();
            if (!withCurrent || t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                c = c.getParent(); // a name is its object's; a value's start is in the context it opens
            }
            for (; c != null && c != item.getParent(); c = c.getParent()) {
                if (c.inObject() && c.getCurrentName() != null) {
                    steps.add(c.getCurrentName());
                } else if (c.inArray() && c.getCurrentIndex() >= 0) {
                    steps.add(c.getCurrentIndex());
                }
            }
            StringBuilder out = new StringBuilder();
            for (int i = steps.size() - 1; i >= 0; i--) {
                if (steps.get(i) instanceof Integer index) {
                    out.append('[').append(index).append(']');
                } else {
                    out.append(out.length() == 0 ? "" : ".").append(TextLimits.shown((String) steps.get(i)));
                }
            }
            if (out.length() == 0) {
                return "body";
            }
            String path = out.toString();
            return path.length() <= 200 ? path : path.substring(0, 200) + "... (" + path.length() + " characters)";
        }

        private static String escape(char c) {
            return String.format("\\u%04x", (int) c);
        }
    }

    /** The plain form: {@code device}, {@code time} and the four quantities under their fixed names. */
    private Reading plain(Fields f, Instant latest) {
        String device = text(f.device);
        if (device == null) {
            throw new ItemException(null, "device", "is missing");
        }
        return reading(device, "device", text(f.time), true, present(f.co2), present(f.temperature),
            present(f.humidity), present(f.pressure), FieldMapping.DEFAULT, latest);
    }

    private static JsonNode present(JsonNode n) {
        return n == null || n.isNull() ? null : n;
    }

    /** The network servers' forms (and the plain one), from a tree of the item. */
    private Reading item(JsonNode item, Instant latest) {
        String device;
        String deviceField;
        String time;
        JsonNode payload;
        FieldMapping names;
        if (item.has(TTS)) {
            deviceField = "end_device_ids.dev_eui";
            device = text(FieldMapping.at(item, deviceField));
            JsonNode up = item.get("uplink_message");
            time = text(FieldMapping.at(item, "received_at"));
            if (time == null) {
                time = text(FieldMapping.at(item, "uplink_message.received_at"));
            }
            payload = up == null ? null : up.get("decoded_payload");
            names = mapping;
            if (device == null) {
                throw new ItemException(null, "end_device_ids.dev_eui", "is missing");
            }
        } else if (item.has(CHIRPSTACK)) {
            deviceField = "deviceInfo.devEui";
            device = text(FieldMapping.at(item, deviceField));
            time = text(item.get("time"));
            payload = item.get("object");
            names = mapping;
            if (device == null) {
                throw new ItemException(null, "deviceInfo.devEui", "is missing");
            }
        } else {
            deviceField = "device";
            device = text(item.get(deviceField));
            time = text(item.get("time"));
            payload = item;
            names = FieldMapping.DEFAULT;
            if (device == null) {
                throw new ItemException(null, "device", "is missing");
            }
        }
        boolean decoded = payload != null && payload.isObject();
        return reading(device, deviceField, time, decoded, FieldMapping.at(payload, names.co2()),
            FieldMapping.at(payload, names.temperature()), FieldMapping.at(payload, names.humidity()),
            FieldMapping.at(payload, names.pressure()), names, latest);
    }

    /** The checks every form shares, in the order a sender sees their refusals. */
    private Reading reading(String sent, String deviceField, String time, boolean decoded, JsonNode co2Node,
                            JsonNode temperatureNode, JsonNode humidityNode, JsonNode pressureNode, FieldMapping names,
                            Instant latest) {
        String device = Eui.normalize(sent);
        if (device == null) {
            throw new ItemException(null, deviceField, "'" + TextLimits.shown(sent) + "' is not a 16-digit hex "
                + "EUI");
        }
        if (!decoded) {
            throw new ItemException(device, "decoded payload", "is missing: the network server sent no decoded "
                + "fields (is the payload formatter set?)");
        }
        if (time == null) {
            throw new ItemException(device, "time", "is missing");
        }
        Instant at;
        try {
            at = Timestamps.parse(time);
        } catch (DateTimeException e) {
            throw new ItemException(device, "time", "'" + TextLimits.shown(time) + "' is not an ISO-8601 time with "
                + "an offset");
        }
        if (at.isAfter(latest)) {
            throw new ItemException(device, "time", at + " is in the future (more than " + maxFuture.toSeconds()
                + " s ahead of the hub's clock)");
        }
        double co2 = number(co2Node, names.co2(), device, true, Plausible.CO2);
        double temperature = number(temperatureNode, names.temperature(), device, true, Plausible.TEMPERATURE);
        double humidity = number(humidityNode, names.humidity(), device, true, Plausible.HUMIDITY);
        double pressure = number(pressureNode, names.pressure(), device, false, Plausible.PRESSURE);
        return new Reading(device, at, co2, temperature, humidity, Double.isNaN(pressure) ? null : pressure);
    }

    /** The value of {@code path} ({@code n}, null when missing or null), checked against its plausible range. */
    private static double number(JsonNode n, String path, String device, boolean required, Plausible range) {
        if (n == null) {
            if (required) {
                throw new ItemException(device, path, "is missing");
            }
            return Double.NaN;
        }
        if (!n.isNumber()) {
            throw new ItemException(device, path, "'" + TextLimits.shown(n.asText()) + "' is not a number");
        }
        double v = n.asDouble();
        if (!range.contains(v)) {
            throw new ItemException(device, path, v + " is impossible: it must be " + range.bounds());
        }
        return v;
    }

    private static String text(JsonNode n) {
        return n == null || !n.isValueNode() || n.asText().isBlank() ? null : n.asText();
    }

    private static final class ItemException extends RuntimeException {
        final String device;
        final String field;

        ItemException(String device, String field, String message) {
            super(message, null, false, false);
            this.device = device;
            this.field = field;
        }
    }
}
