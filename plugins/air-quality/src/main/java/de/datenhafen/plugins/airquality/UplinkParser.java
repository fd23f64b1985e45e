package de.datenhafen.plugins.airquality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.datenhafen.api.Timestamps;
import java.io.IOException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

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
     * Trailing content after the first JSON value ({@code {...} garbage}) is refused, not ignored: a body is one value.
     * Jackson's own read limits (nesting depth, number and string lengths) apply too; the body's size is the caller's.
     */
    private static final ObjectMapper JSON = new ObjectMapper()
        .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern EUI = Pattern.compile("[0-9A-F]{16}");

    private final FieldMapping mapping;
    private final Duration maxFuture;
    private final Clock clock;

    UplinkParser(FieldMapping mapping, Duration maxFuture, Clock clock) {
        this.mapping = mapping;
        this.maxFuture = maxFuture;
        this.clock = clock;
    }

    Result parse(byte[] body) {
        JsonNode root;
        try {
            root = body == null || body.length == 0 ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BodyException("the body is not JSON: " + TextLimits.shown(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new BodyException("the body could not be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new BodyException(de.datenhafen.api.InvalidInputException.emptyBody(
                "an uplink (JSON) or an array of them").getMessage());
        }
        List<JsonNode> items = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(items::add);
        } else {
            items.add(root);
        }
        List<Indexed> readings = new ArrayList<>(items.size());
        List<Problem> problems = new ArrayList<>();
        Instant latest = clock.instant().plus(maxFuture);
        for (int i = 0; i < items.size(); i++) {
            try {
                readings.add(new Indexed(i, item(items.get(i), latest)));
            } catch (ItemException e) {
                problems.add(new Problem(i, e.device, e.field, e.getMessage()));
            }
        }
        return new Result(readings, problems);
    }

    private Reading item(JsonNode item, Instant latest) {
        if (!item.isObject()) {
            throw new ItemException(null, "body", "is not a JSON object");
        }
        String device;
        String deviceField;
        String time;
        JsonNode payload;
        FieldMapping names;
        if (item.has("end_device_ids")) {
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
        } else if (item.has("deviceInfo")) {
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
        String eui = device.replace(":", "").replace("-", "").toUpperCase(Locale.ROOT);
        if (!EUI.matcher(eui).matches()) {
            throw new ItemException(null, deviceField, "'" + TextLimits.shown(device) + "' is not a 16-digit hex "
                + "EUI");
        }
        device = eui;
        if (payload == null || !payload.isObject()) {
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
        double co2 = number(payload, names.co2(), device, true, Plausible.CO2);
        double temperature = number(payload, names.temperature(), device, true, Plausible.TEMPERATURE);
        double humidity = number(payload, names.humidity(), device, true, Plausible.HUMIDITY);
        double pressure = number(payload, names.pressure(), device, false, Plausible.PRESSURE);
        return new Reading(device, at, co2, temperature, humidity, Double.isNaN(pressure) ? null : pressure);
    }

    private static double number(JsonNode payload, String path, String device, boolean required,
                                 Plausible range) {
        JsonNode n = FieldMapping.at(payload, path);
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
