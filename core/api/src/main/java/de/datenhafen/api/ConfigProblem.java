package de.datenhafen.api;

import java.util.List;
import java.util.Objects;

/**
 * One thing wrong with a config: the key at fault and what is wrong with it.
 *
 * <p>The problems the hub finds itself (a required key missing, a value of the wrong type, a {@link ConfigCheck} not
 * met, an unknown key) carry a {@code code} of the hub's catalogue and its values, so that the hub answers them in a
 * client's language (the console's German). A connector's own problems ({@link Connector#validate}) may carry a code
 * of their plugin's own (since 1.13, {@link #coded}): the hub then says them in the words the plugin's
 * {@code datenhafen/texts_de.properties} gives as {@code <connector>.problem.<code>} or {@code problem.<code>}, and
 * only those (never the hub's catalogue, never another plugin's texts); a problem without a code, or one whose code
 * has no words there, is shown as the plugin words it.
 *
 * <p>Name the key at fault as {@code field}: the console shows a problem at its key's field.
 *
 * @param field the config key (or {@code config} for the config as a whole)
 * @param message what is wrong, for an admin to read (English)
 * @param code the entry that says the same in other languages (the hub's catalogue for the hub's problems, the
 *             plugin's texts for a connector's), or null (since 1.12)
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

    /**
     * A problem with a code that says it in other languages: for a connector's {@link Connector#validate}, a code of
     * its own (since 1.13), whose German words its plugin's {@code datenhafen/texts_de.properties} gives as
     * {@code <connector>.problem.<code>} (or, for a problem several of its connectors find, once as
     * {@code problem.<code>}), a {@link java.text.MessageFormat} pattern in which {@code {0}},
     * {@code {1}}, ... stand for {@code args} as {@link String#valueOf} writes them (a {@code '} is written
     * {@code ''}). For example, with
     * {@code problem.co2-red-below-yellow=Darf nicht unter co2-yellow-from ({0}) liegen.}:
     * <pre>{@code
     * ConfigProblem.coded("co2-red-above", "must be at least co2-yellow-from (" + yellow + ")",
     *     "co2-red-below-yellow", yellow)
     * }</pre>
     * The values are only formatted into the words, never read as a pattern themselves. The hub uses the same
     * factory for the problems of its own catalogue ({@code config.*}).
     *
     * @param field the config key at fault
     * @param message what is wrong, in English: shown where there are no other words
     * @param code the problem's code: letters, digits, dots and dashes by convention
     * @param args the values the words name, in order
     */
    public static ConfigProblem coded(String field, String message, String code, Object... args) {
        Objects.requireNonNull(code, "code");
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
