package ${package};

import de.datenhafen.api.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * One meter reading as posted, checked before anything reaches the bus.
 *
 * @param meter the meter's name: 1 to 64 letters, digits, dots, dashes or underscores
 * @param value the reading, from 0 to the integration's {@code max-value}
 */
record Reading(String meter, long value) {

    private static final Pattern METER = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /**
     * The reading of this meter in this body, or an {@link InvalidInputException} naming the field at fault, which
     * the hub answers as 400 with {@code {"error": ..., "field": ...}}.
     */
    static Reading parse(String meter, byte[] body, long maxValue) {
        if (meter == null || !METER.matcher(meter).matches()) {
            throw new InvalidInputException("the meter must be 1 to 64 letters, digits, dots, dashes or underscores, "
                + "e.g. ?meter=hall-1", "meter");
        }
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8).strip();
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("the body must be a whole number as plain text, e.g. -d 42", "body");
        }
        if (value < 0 || value > maxValue) {
            throw new InvalidInputException("a reading is from 0 to " + maxValue + ", was " + value, "body");
        }
        return new Reading(meter, value);
    }

    /** The event's data; the meter's characters need no escaping in JSON. */
    String toJson() {
        return "{\"meter\":\"" + meter + "\",\"value\":" + value + "}";
    }
}
