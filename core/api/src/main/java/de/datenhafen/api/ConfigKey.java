package de.datenhafen.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One declared config key.
 *
 * @param name key name, lower case, with dots or dashes ({@code http.port}, {@code poll-interval})
 * @param type value type
 * @param defaultValue the value when none is given, already of the key's type, or null
 * @param required whether a value must be given (a key with a default is never missing)
 * @param description what it is for, shown to admins
 * @param secret whether the value is secret: never returned by an API, never logged, encrypted at rest
 */
public record ConfigKey(String name, ConfigType type, Object defaultValue, boolean required, String description,
                        boolean secret) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*([.-][a-z0-9]+)*");

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("config key '" + name
                + "' must be lower case letters and digits, separated by dots or dashes");
        }
        description = description == null ? "" : description;
        if (defaultValue != null) {
            try {
                defaultValue = type.parse(defaultValue);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("default of config key '" + name + "': " + e.getMessage());
            }
        }
    }

    @Override
    public String toString() {
        return name + " (" + type + (required ? ", required" : "") + (secret ? ", secret" : "")
            + (defaultValue != null && !secret ? ", default " + defaultValue : "") + ")";
    }
}
