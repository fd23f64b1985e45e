package de.datenhafen.core.security;

import de.datenhafen.api.InvalidInputException;

/** Names, contacts and purposes that people type: trimmed, bounded, no control characters, no bidi overrides. */
public final class TextRules {

    private TextRules() {
    }

    public static String required(String value, String field, int max) {
        String v = optional(value, field, max);
        if (v == null) {
            throw new InvalidInputException(field + " is required", field).coded("text.required", field);
        }
        return v;
    }

    private static final java.util.regex.Pattern EMAIL = java.util.regex.Pattern.compile("[^@\\s]+@[^@\\s]+");

    /**
     * An e-mail address as a person types it, or null: one {@code @} between two parts without spaces (what mail
     * needs to be sent at all; "anna(at)kulturbuero" was taken). Whether it reaches anyone only a mail tells.
     */
    static String email(String value, String field) {
        String v = optional(value, field, 320);
        if (v != null && !EMAIL.matcher(v).matches()) {
            throw new InvalidInputException(field + " is not an e-mail address such as anna@example.org", field)
                .coded("text.email", field);
        }
        return v;
    }

    /** The value trimmed, or null when absent or blank. */
    public static String optional(String value, String field, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        if (v.codePointCount(0, v.length()) > max) {
            throw new InvalidInputException(field + " has at most " + max + " characters", field)
                .coded("text.tooLong", field, max);
        }
        if (v.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException(field + " cannot contain control characters", field)
                .coded("text.control", field);
        }
        if (de.datenhafen.api.Utf8.bidiControl(v) >= 0) {
            // an override turns the rest of a line round wherever the name is shown (the console, the audit log)
            throw new InvalidInputException(field + " cannot contain bidirectional control characters (U+202A to "
                + "U+202E, U+2066 to U+2069): they make the text read otherwise than it is", field)
                .coded("text.bidi", field);
        }
        if (de.datenhafen.api.Utf8.loneSurrogate(v) >= 0) {
            throw new InvalidInputException(field + " cannot contain a lone surrogate (half a character)", field)
                .coded("text.surrogate", field);
        }
        return v;
    }
}
