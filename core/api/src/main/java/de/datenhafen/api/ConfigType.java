package de.datenhafen.api;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The value types a config key can have, each with its parsing rule. */
public enum ConfigType {
    STRING("string"),
    INT("integer"),
    LONG("integer"),
    DOUBLE("number"),
    BOOLEAN("boolean"),
    /** An ISO-8601 duration ({@code PT30S}) or a number with a unit: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}. */
    DURATION("string"),
    /** A list of strings; given as a JSON array or a comma-separated string. */
    LIST("array");

    private final String jsonType;

    ConfigType(String jsonType) {
        this.jsonType = jsonType;
    }

    /** The JSON Schema {@code type} of values of this kind. */
    public String jsonType() {
        return jsonType;
    }

    /**
     * Converts a raw value (from JSON, a properties file or an environment variable) into this type.
     *
     * @throws IllegalArgumentException with a message saying what was expected
     */
    public Object parse(Object raw) {
        if (raw == null) {
            return null;
        }
        switch (this) {
            case STRING:
                if (raw instanceof String || raw instanceof Number || raw instanceof Boolean) {
                    return raw.toString();
                }
                throw new IllegalArgumentException("expected a string");
            case INT: {
                long v = parseLong(raw, "an integer");
                if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("expected an integer between " + Integer.MIN_VALUE
                        + " and " + Integer.MAX_VALUE);
                }
                return (int) v;
            }
            case LONG:
                return parseLong(raw, "an integer");
            case DOUBLE:
                if (raw instanceof Number n) {
                    return n.doubleValue();
                }
                try {
                    return Double.parseDouble(raw.toString().trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("expected a number");
                }
            case BOOLEAN:
                if (raw instanceof Boolean b) {
                    return b;
                }
                String s = raw.toString().trim().toLowerCase(Locale.ROOT);
                if (s.equals("true")) {
                    return true;
                }
                if (s.equals("false")) {
                    return false;
                }
                throw new IllegalArgumentException("expected true or false");
            case DURATION:
                return parseDuration(raw);
            case LIST:
                if (raw instanceof List<?> list) {
                    List<String> out = new ArrayList<>();
                    for (Object o : list) {
                        if (!(o instanceof String || o instanceof Number || o instanceof Boolean)) {
                            throw new IllegalArgumentException("expected a list of strings");
                        }
                        out.add(o.toString());
                    }
                    return List.copyOf(out);
                }
                if (raw instanceof String str) {
                    List<String> out = new ArrayList<>();
                    for (String part : str.split(",")) {
                        if (!part.isBlank()) {
                            out.add(part.trim());
                        }
                    }
                    return List.copyOf(out);
                }
                throw new IllegalArgumentException("expected a list of strings");
            default:
                throw new AssertionError(this);
        }
    }

    /**
     * A duration as a config takes it and a person reads it ({@code 2h}, {@code 90s}, {@code 500ms}), not as
     * {@code PT2H}: in the largest unit that holds it whole.
     *
     * @since 1.13
     */
    public static String durationText(Duration d) {
        if (d.isZero() || d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.getSeconds();
        return s % 86_400 == 0 ? s / 86_400 + "d" : s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m"
            : s + "s";
    }

    private static long parseLong(Object raw, String what) {
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
            return ((Number) raw).longValue();
        }
        if (raw instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && !Double.isInfinite(d)) {
                return (long) d;
            }
            throw new IllegalArgumentException("expected " + what);
        }
        try {
            return Long.parseLong(raw.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected " + what);
        }
    }

    private static Duration parseDuration(Object raw) {
        Duration d = parseAnyDuration(raw);
        if (d.isNegative()) { // "-5m" read as a period stored as PT-5M, and a poll every minus five minutes
            throw new IllegalArgumentException("expected a duration of 0 or more, such as 30s, 5m, 500ms or PT1H");
        }
        return d;
    }

    private static Duration parseAnyDuration(Object raw) {
        if (raw instanceof Number n) {
            return Duration.ofMillis(n.longValue());
        }
        String s = raw.toString().trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("p")) {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
            }
            char unit = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
            String number = s.substring(0, Math.max(0, s.length() - 1)).trim();
            switch (unit) {
                case 's': return Duration.ofSeconds(Long.parseLong(number));
                case 'm': return Duration.ofMinutes(Long.parseLong(number));
                case 'h': return Duration.ofHours(Long.parseLong(number));
                case 'd': return Duration.ofDays(Long.parseLong(number));
                default: return Duration.ofMillis(Long.parseLong(s));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("expected a duration such as 30s, 5m, 500ms or PT1H");
        }
    }
}
