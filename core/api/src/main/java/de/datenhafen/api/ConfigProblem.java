package de.datenhafen.api;

import java.util.Objects;

/**
 * One thing wrong with a config: the key at fault and what is wrong with it.
 *
 * @param field the config key (or {@code config} for the config as a whole)
 * @param message what is wrong, for an admin to read
 */
public record ConfigProblem(String field, String message) {

    public ConfigProblem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
