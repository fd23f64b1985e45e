package de.datenhafen.core.integration;

import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigKey;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.ForbiddenException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Who writes an integration's config, for the keys its connector declares hub-admin-only
 * ({@link ConfigDef.Builder#hubAdminOnly(String, java.util.List)}): keys that bound what the other keys may reach,
 * which mean nothing if whoever sets the other keys sets them too. {@link #HUB_ADMIN} (a hub-admin, or the hub itself
 * from its operator's files, the demo's) sets any key; a {@link #MEMBER} (a member-admin of the plugin's owning
 * member) gives such a key its default at create, and keeps its current value at update (a key left out of the update
 * keeps it). Every write of a config ({@link IntegrationManager}'s create, update and both validates) goes through
 * {@link #admit}.
 */
public enum ConfigWriter {

    /** A hub-admin, or the hub itself: sets any key. */
    HUB_ADMIN,
    /** Anyone else who manages the integration: sets a hub-admin-only key to nothing but what it has. */
    MEMBER;

    /** The writer for a caller that is a hub-admin or not. */
    public static ConfigWriter of(boolean hubAdmin) {
        return hubAdmin ? HUB_ADMIN : MEMBER;
    }

    /**
     * The config to check and store: {@code given} as it is, for a member with each hub-admin-only key it leaves out
     * set to its {@code current} value.
     *
     * @param current the stored config (secrets unsealed) of the integration an update changes; null for a create
     * @throws ForbiddenException (403, naming {@code config.<key>}) when a member gives a hub-admin-only key another
     *                            value than its default (create) or than its current one (update)
     */
    Map<String, Object> admit(ConfigDef def, Map<String, Object> given, Map<String, Object> current) {
        Map<String, Object> out = new LinkedHashMap<>(given == null ? Map.of() : given);
        if (this == HUB_ADMIN) {
            return out;
        }
        for (ConfigKey key : def.keys()) {
            String reason = def.hubAdminOnly(key.name());
            if (reason == null) {
                continue;
            }
            Object value = out.get(key.name());
            if (absent(key, value)) {
                if (current != null && current.get(key.name()) != null) {
                    out.put(key.name(), current.get(key.name())); // left out of an update: it stays as it is
                }
                continue;
            }
            Object allowed = current == null ? null : current.get(key.name());
            if (!same(key, value, allowed)) {
                throw new ForbiddenException("only a hub-admin may set " + key.name() + ": " + reason + " ("
                    + (current == null ? "leave it out, and its default applies" : "leave it out, or as it is")
                    + ")", "config." + key.name());
            }
        }
        return out;
    }

    /** What a config's validation reads as no value (so the default applies). */
    private static boolean absent(ConfigKey key, Object value) {
        return value == null || value instanceof String s && s.isEmpty() && key.type() != ConfigType.STRING;
    }

    /** Whether two raw values of a key come to the same value (no value: its default); unreadable ones never do. */
    private static boolean same(ConfigKey key, Object a, Object b) {
        try {
            return Objects.equals(typed(key, a), typed(key, b));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Object typed(ConfigKey key, Object raw) {
        return absent(key, raw) ? key.defaultValue() : key.type().parse(raw);
    }
}
