package de.datenhafen.api;

import java.util.List;
import java.util.Objects;

/**
 * One thing wrong with a config: the key at fault and what is wrong with it.
 *
 * <p>The problems the hub finds itself (a required key missing, a value of the wrong type, a {@link ConfigCheck} not
 * met, an unknown key) carry a {@code code} of the hub's catalogue and its values, so that the hub answers them in a
 * client's language (the console's German); a plugin's own problems carry none and are shown as the plugin words
 * them.
 *
 * @param field the config key (or {@code config} for the config as a whole)
 * @param message what is wrong, for an admin to read (English)
 * @param code the hub's catalogue entry that says the same in other languages, or null (since 1.12)
 * @param args the values {@code code}'s words name, in order (since 1.12)
 */
public record ConfigProblem(String field, String message, String code, List<Object> args) {

    public ConfigProblem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
        args = args == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(args));
    }

    /** A problem in the plugin's own words, without a code. */
    public ConfigProblem(String field, String message) {
        this(field, message, null, List.of());
    }

    /** A problem of the hub's catalogue ({@code config.*}). */
    static ConfigProblem coded(String field, String message, String code, Object... args) {
        return new ConfigProblem(field, message, code, java.util.Arrays.asList(args));
    }

    /**
     * The same problem: the same field and words. The code and its values say those words in other languages and
     * make no other problem (a plugin's test that expects {@code new ConfigProblem("port", "must be ...")} of the
     * hub's check holds as before 1.12).
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigProblem p && field.equals(p.field) && message.equals(p.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(field, message);
    }

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
