package de.datenhafen.api;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable, validated config: typed values with defaults filled in. Made by {@link ConfigDef#parse(Map)}.
 * {@link #toString()} and {@link #redacted()} never show secret values; {@link #toString()}, what log lines show,
 * gives certificates in PEM form ({@link ConfigCheck#pemCertificates()}) by their length only.
 */
public final class Config {

    /** What stands in for a secret value wherever a config is shown. */
    public static final String REDACTED = "********";

    private final ConfigDef def;
    private final Map<String, Object> values;

    Config(ConfigDef def, Map<String, Object> values) {
        this.def = def;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public ConfigDef definition() {
        return def;
    }

    public boolean has(String key) {
        return values.get(key) != null;
    }

    public Object get(String key) {
        return values.get(key);
    }

    public String getString(String key) {
        return (String) typed(key, String.class);
    }

    public int getInt(String key) {
        return (Integer) typed(key, Integer.class);
    }

    public long getLong(String key) {
        return (Long) typed(key, Long.class);
    }

    public double getDouble(String key) {
        return (Double) typed(key, Double.class);
    }

    public boolean getBoolean(String key) {
        return (Boolean) typed(key, Boolean.class);
    }

    public Duration getDuration(String key) {
        return (Duration) typed(key, Duration.class);
    }

    @SuppressWarnings("unchecked")
    public List<String> getList(String key) {
        return (List<String>) typed(key, List.class);
    }

    /** All values, typed, secrets included. For the hub's store; do not log it. */
    public Map<String, Object> values() {
        return values;
    }

    /** All values with secrets replaced by {@link #REDACTED}: what may be shown or logged. */
    public Map<String, Object> redacted() {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            ConfigKey key = def.key(k);
            out.put(k, key != null && key.secret() && v != null ? REDACTED : v);
        });
        return Collections.unmodifiableMap(out);
    }

    private Object typed(String key, Class<?> type) {
        Objects.requireNonNull(key, "key");
        if (def.key(key) == null && !values.containsKey(key)) {
            throw new IllegalArgumentException("config key '" + key + "' is not declared");
        }
        Object v = values.get(key);
        if (v == null) {
            throw new IllegalStateException("config key '" + key + "' has no value and no default");
        }
        if (!type.isInstance(v)) {
            throw new IllegalStateException("config key '" + key + "' is a " + v.getClass().getSimpleName()
                + ", not a " + type.getSimpleName());
        }
        return v;
    }

    @Override
    public String toString() {
        Map<String, Object> shown = new LinkedHashMap<>(redacted());
        shown.replaceAll((k, v) -> v instanceof String s && def.checks(k).contains(ConfigCheck.PEM_CERTIFICATES)
            ? "(PEM, " + s.length() + " characters)" : v); // a log line need not carry up to 64 KiB of it
        return "Config" + shown;
    }
}
