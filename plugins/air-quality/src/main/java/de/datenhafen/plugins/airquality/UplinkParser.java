package de.datenhafen.plugins.airquality;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import de.datenhafen.api.Timestamps;
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
        try (JsonParser p = JSON.createParser(body == null ? new byte[0] : body)) {
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
            JsonToken trailing = p.nextToken();
            if (trailing != null) { // the words of Jackson's FAIL_ON_TRAILING_TOKENS, which read the body before
                throw new BodyException("the body is not JSON: " + TextLimits.shown("Trailing token (of type "
                    + trailing + ") found after value (bound as `com.fasterxml.jackson.databind.JsonNode`): not "
                    + "allowed as per `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`"));
            }
        } catch (JsonProcessingException e) {
            throw new BodyException("the body is not JSON: " + TextLimits.shown(e.getOriginalMessage()));
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
     * (so every check and message is the tree's), the network servers' as trees; everything else is skipped.
     */
    private static final class Fields {
        JsonNode device;
        JsonNode time;
        JsonNode co2;
        JsonNode temperature;
        JsonNode humidity;
        JsonNode pressure;
        /** {@code end_device_ids}, {@code received_at}, {@code uplink_message}, {@code deviceInfo}, {@code object}. */
        ObjectNode server;

        /** Reads an object's fields, the parser at its start; leaves it at its end. A repeated field's last wins. */
        static Fields read(JsonParser p) throws IOException {
            Fields f = new Fields();
            for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                p.nextToken();
                switch (name) {
                    case "device" -> f.device = value(p);
                    case "time" -> f.time = value(p);
                    case "co2" -> f.co2 = value(p);
                    case "temperature" -> f.temperature = value(p);
                    case "humidity" -> f.humidity = value(p);
                    case "pressure" -> f.pressure = value(p);
                    case TTS, "received_at", "uplink_message", CHIRPSTACK, "object" -> {
                        if (f.server == null) {
                            f.server = JSON.createObjectNode();
                        }
                        f.server.set(name, value(p));
                    }
                    default -> p.skipChildren();
                }
            }
            return f;
        }

        /** The item as the tree the network servers' forms are read from (only the fields they read). */
        ObjectNode asTree() {
            if (time != null) {
                server.set("time", time); // ChirpStack's
            }
            return server;
        }

        /** The current value as the tree's node: the same node types, so {@code asText()} and numbers agree. */
        private static JsonNode value(JsonParser p) throws IOException {
            return switch (p.currentToken()) {
                case VALUE_STRING -> TextNode.valueOf(p.getText());
                case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                    case INT -> IntNode.valueOf(p.getIntValue());
                    case LONG -> LongNode.valueOf(p.getLongValue());
                    default -> BigIntegerNode.valueOf(p.getBigIntegerValue());
                };
                case VALUE_NUMBER_FLOAT -> DoubleNode.valueOf(p.getDoubleValue());
                case VALUE_TRUE -> BooleanNode.TRUE;
                case VALUE_FALSE -> BooleanNode.FALSE;
                case VALUE_NULL -> NullNode.getInstance();
                default -> JSON.readTree(p); // an object or an array
            };
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
