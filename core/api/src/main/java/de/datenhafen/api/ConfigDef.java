package de.datenhafen.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A config declaration: the keys a connector (or the hub itself) takes. Declared once; the same declaration
 * validates configs, fills in defaults, masks secrets and yields the JSON Schema an admin's form is built from.
 *
 * <pre>{@code
 * ConfigDef.builder()
 *     .define("url", ConfigType.STRING, null, true, "Feed URL")
 *     .define("interval", ConfigType.DURATION, "30s", false, "How often to poll")
 *     .secret("api-key", ConfigType.STRING, null, false, "Key sent as X-Api-Key")
 *     .build();
 * }</pre>
 */
public final class ConfigDef {

    private final Map<String, ConfigKey> keys;
    private final boolean allowUnknown;

    private ConfigDef(Map<String, ConfigKey> keys, boolean allowUnknown) {
        this.keys = keys;
        this.allowUnknown = allowUnknown;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A declaration with no keys. */
    public static ConfigDef empty() {
        return builder().build();
    }

    public Collection<ConfigKey> keys() {
        return keys.values();
    }

    public ConfigKey key(String name) {
        return keys.get(name);
    }

    /**
     * Every problem with the given raw values, in declaration order; unknown keys come last. Empty when valid.
     */
    public List<ConfigProblem> validate(Map<String, ?> raw) {
        List<ConfigProblem> problems = new ArrayList<>();
        parseInto(raw, new LinkedHashMap<>(), problems);
        return problems;
    }

    /**
     * The validated, typed config with defaults filled in.
     *
     * @throws InvalidInputException naming the first key at fault (all problems are in its message)
     */
    public Config parse(Map<String, ?> raw) {
        Map<String, Object> values = new LinkedHashMap<>();
        List<ConfigProblem> problems = new ArrayList<>();
        parseInto(raw, values, problems);
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return new Config(this, values);
    }

    private void parseInto(Map<String, ?> raw, Map<String, Object> values, List<ConfigProblem> problems) {
        Map<String, ?> given = raw == null ? Map.of() : raw;
        for (ConfigKey key : keys.values()) {
            Object value = given.get(key.name());
            if (value == null || (value instanceof String s && s.isEmpty() && key.type() != ConfigType.STRING)) {
                if (key.defaultValue() != null) {
                    values.put(key.name(), key.defaultValue());
                } else if (key.required()) {
                    problems.add(new ConfigProblem(key.name(), "is required: " + key.description()));
                }
                continue;
            }
            try {
                values.put(key.name(), key.type().parse(value));
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(key.name(), e.getMessage()));
            }
        }
        for (Map.Entry<String, ?> entry : given.entrySet()) {
            if (keys.containsKey(entry.getKey())) {
                continue;
            }
            if (allowUnknown) {
                values.put(entry.getKey(), entry.getValue() == null ? null : entry.getValue().toString());
            } else {
                problems.add(new ConfigProblem(entry.getKey(), "is not a known key; known keys: "
                    + String.join(", ", keys.keySet())));
            }
        }
    }

    @Override
    public String toString() {
        return "ConfigDef" + keys.values();
    }

    /** Collects key declarations in order. */
    public static final class Builder {
        private final Map<String, ConfigKey> keys = new LinkedHashMap<>();
        private boolean allowUnknown;

        private Builder() {
        }

        public Builder define(String name, ConfigType type, Object defaultValue, boolean required,
                              String description) {
            return add(new ConfigKey(name, type, defaultValue, required, description, false));
        }

        public Builder secret(String name, ConfigType type, Object defaultValue, boolean required,
                              String description) {
            return add(new ConfigKey(name, type, defaultValue, required, description, true));
        }

        public Builder add(ConfigKey key) {
            Objects.requireNonNull(key, "key");
            if (keys.putIfAbsent(key.name(), key) != null) {
                throw new IllegalArgumentException("config key '" + key.name() + "' is declared twice");
            }
            return this;
        }

        /** Accept keys that are not declared (they are kept as strings); off by default. */
        public Builder allowUnknownKeys() {
            this.allowUnknown = true;
            return this;
        }

        public ConfigDef build() {
            return new ConfigDef(Collections.unmodifiableMap(new LinkedHashMap<>(keys)), allowUnknown);
        }
    }
}
