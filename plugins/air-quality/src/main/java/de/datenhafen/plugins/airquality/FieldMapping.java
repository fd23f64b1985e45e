package de.datenhafen.plugins.airquality;

import com.fasterxml.jackson.databind.JsonNode;
import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;

/**
 * Which field of a network server's decoded payload holds which quantity. A path may name a nested field with dots
 * ({@code sensors.co2}). The defaults fit the vendor's own payload decoder ({@code co2}, {@code temperature},
 * {@code humidity}, {@code pressure}).
 */
record FieldMapping(String co2, String temperature, String humidity, String pressure) {

    static final FieldMapping DEFAULT = new FieldMapping("co2", "temperature", "humidity", "pressure");

    /** Adds the mapping's four keys to a connector's config declaration. */
    static ConfigDef.Builder declare(ConfigDef.Builder b) {
        return b.define("field-co2", ConfigType.STRING, DEFAULT.co2, false,
                "Field of the decoded payload that holds CO2 in ppm (dots for nested fields)")
            .define("field-temperature", ConfigType.STRING, DEFAULT.temperature, false,
                "Field of the decoded payload that holds the temperature in degrees Celsius")
            .define("field-humidity", ConfigType.STRING, DEFAULT.humidity, false,
                "Field of the decoded payload that holds the relative humidity in percent")
            .define("field-pressure", ConfigType.STRING, DEFAULT.pressure, false,
                "Field of the decoded payload that holds the air pressure in hPa (optional in a payload)");
    }

    static FieldMapping from(Config c) {
        return new FieldMapping(c.getString("field-co2"), c.getString("field-temperature"),
            c.getString("field-humidity"), c.getString("field-pressure"));
    }

    /** The node at a dotted path, or {@code null}. */
    static JsonNode at(JsonNode node, String path) {
        if (path.indexOf('.') < 0) { // the usual case: a field of the payload itself
            JsonNode n = node != null && node.isObject() ? node.get(path) : null;
            return n == null || n.isNull() ? null : n;
        }
        JsonNode n = node;
        for (String part : path.split("\\.")) {
            if (n == null || !n.isObject()) {
                return null;
            }
            n = n.get(part);
        }
        return n == null || n.isNull() || n.isMissingNode() ? null : n;
    }
}
