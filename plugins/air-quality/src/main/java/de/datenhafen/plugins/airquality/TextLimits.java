package de.datenhafen.plugins.airquality;

import de.datenhafen.api.Utf8;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * The registry's text columns' widths ({@code db/plugin/V1__air_quality.sql}), checked before the database sees a
 * value: a longer one is the client's 400 naming the field, not the database's error (whose message carried the
 * statement). Used by the registry API, its CSV import and the SensorThings writes.
 */
public final class TextLimits {

    /** A site's or a room's id. */
    public static final int ID = 64;
    /** A site's or a room's name. */
    public static final int NAME = 200;
    /** A site's address. */
    public static final int ADDRESS = 300;
    /** A room's kind. */
    public static final int KIND = 40;

    /** What a site's or a room's id is made of, as {@link #isId} checks it. */
    public static final String ID_RULE = "1 to 64 letters, digits, dots, dashes or underscores";

    /** Compiled once: the CSV import checks two ids per line, thousands of lines per file. */
    private static final Pattern ID_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private TextLimits() {
    }

    /** Whether {@code value} is a site's or a room's id ({@link #ID_RULE}). */
    public static boolean isId(String value) {
        return value != null && ID_PATTERN.matcher(value).matches();
    }

    /**
     * Returns {@code value} when it has at most {@code max} characters and no control character but tab, line feed
     * and carriage return (or is null); otherwise throws what {@code refusal} makes of the field and the message ("has
     * n characters; at most max", without the field). A NUL was a 500 on PostgreSQL, whose text cannot hold one, and
     * kept on H2; an escape sequence was kept to be shown wherever the name goes.
     */
    public static String check(String field, String value, int max,
                               BiFunction<String, String, ? extends RuntimeException> refusal) {
        if (value == null) {
            return null;
        }
        if (value.length() > max) {
            throw refusal.apply(field, "has " + value.length() + " characters; at most " + max);
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (Character.getType(ch) == Character.CONTROL && ch != '\t' && ch != '\n' && ch != '\r') {
                throw refusal.apply(field, String.format("has a control character (U+%04X) at character %d", (int) ch,
                    i + 1));
            }
        }
        int bidi = Utf8.bidiControl(value);
        if (bidi >= 0) { // shown on the city page and in the console
            throw refusal.apply(field, String.format("has a bidirectional control character (U+%04X) at character "
                + "%d: it would make the text read otherwise than it is", (int) value.charAt(bidi), bidi + 1));
        }
        int lone = Utf8.loneSurrogate(value);
        if (lone >= 0) {
            throw refusal.apply(field, "has a lone surrogate (half a character) at character " + (lone + 1));
        }
        return value;
    }

    /**
     * Outside text as an error message shows it: at most 64 characters, then how long it was, so a refusal is never
     * larger than what it refuses.
     */
    public static String shown(String value) {
        return value == null || value.length() <= 64 ? value
            : value.substring(0, 64) + "... (" + value.length() + " characters)";
    }
}
