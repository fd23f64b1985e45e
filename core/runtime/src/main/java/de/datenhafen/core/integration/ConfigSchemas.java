package de.datenhafen.core.integration;

import de.datenhafen.api.ConfigCheck;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigKey;
import de.datenhafen.api.ConfigType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Derives a JSON Schema (draft 2020-12) from a config declaration, for the admin API and the console's forms: types,
 * defaults, secrets, each key's {@link ConfigCheck}s as their keywords ({@code minimum}, {@code enum}, {@code pattern},
 * ...), retired keys as {@code deprecated}, hub-admin-only keys with {@value #HUB_ADMIN_ONLY} (saying what they
 * bound), lists of members' ids with {@value #MEMBER_IDS} and a key naming another integration with
 * {@value #INTEGRATION_OF} (the connector it is one of).
 */
public final class ConfigSchemas {

    /** The keyword of a key only a hub-admin may set ({@link ConfigDef#hubAdminOnly}); its value says what it bounds. */
    public static final String HUB_ADMIN_ONLY = "x-datenhafen-hub-admin-only";

    /** The keyword of a LIST key whose values are members' ids ({@link ConfigDef#memberIds}); its value is true. */
    public static final String MEMBER_IDS = "x-datenhafen-member-ids";

    /**
     * The keyword of a STRING key that names another integration ({@link ConfigDef#integrationOf}); its value is the
     * connector that integration is one of.
     */
    public static final String INTEGRATION_OF = "x-datenhafen-integration-of";

    private ConfigSchemas() {
    }

    public static JsonObject toJsonSchema(ConfigDef def) {
        return toJsonSchema(def, ConfigKey::description, (key, reason) -> reason);
    }

    /**
     * The same, each key described by {@code describe} and a hub-admin-only key's reason said by {@code bounds} (their
     * words in the reader's language, see the plugin's texts).
     */
    public static JsonObject toJsonSchema(ConfigDef def, java.util.function.Function<ConfigKey, String> describe,
                                          java.util.function.BiFunction<ConfigKey, String, String> bounds) {
        JsonObject properties = new JsonObject();
        JsonArray required = new JsonArray();
        for (ConfigKey key : def.keys()) {
            JsonObject p = new JsonObject().put("type", key.type().jsonType()).put("description", describe.apply(key));
            if (key.type() == ConfigType.LIST) {
                p.put("items", new JsonObject().put("type", "string"));
            }
            if (key.type() == ConfigType.DURATION) {
                p.put("format", "duration");
            }
            if (key.secret()) {
                p.put("writeOnly", true).put("format", "password");
            } else if (key.defaultValue() != null) {
                Object d = key.defaultValue();
                p.put("default", d instanceof Duration duration ? duration.toString() : d);
            }
            for (ConfigCheck check : def.checks(key.name())) {
                // a list's rules are its elements' rules
                JsonObject target = key.type() == ConfigType.LIST ? p.getJsonObject("items") : p;
                check.schema().forEach(target::put);
            }
            if (def.retired(key.name()) != null) {
                p.put("deprecated", true);
            }
            if (def.memberIds(key.name())) {
                p.put(MEMBER_IDS, true);
            }
            if (def.integrationOf(key.name()) != null) {
                p.put(INTEGRATION_OF, def.integrationOf(key.name()));
            }
            if (def.hubAdminOnly(key.name()) != null) {
                p.put(HUB_ADMIN_ONLY, bounds.apply(key, def.hubAdminOnly(key.name())));
            }
            if (key.required() && key.defaultValue() == null) {
                required.add(key.name());
            }
            properties.put(key.name(), p);
        }
        return new JsonObject()
            .put("$schema", "https://json-schema.org/draft/2020-12/schema")
            .put("type", "object")
            .put("properties", properties)
            .put("required", required)
            .put("additionalProperties", false);
    }
}
