package de.datenhafen.plugins.airquality;

import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.InvalidInputException;

/**
 * A config key the plugin had before the hub's member tokens (the connectors' own bearer tokens), kept only so that an
 * integration stored with it fails at start with a message saying what replaced it. Removed from the declaration it
 * would fail too, but with the hub's generic "is not a known key", which tells an admin upgrading nothing. Declared
 * secret, because the stored value is an old token: it stays encrypted at rest and is never shown.
 */
public final class RetiredKey {

    /** What replaces every retired token key: member tokens, with the README section that explains them. */
    static final String MEMBER_TOKENS = "was replaced by member tokens: give the member's users or tokens the role "
        + "member-editor (README, 'Members, people and tokens'), then remove %s from this integration's config";

    private RetiredKey() {
    }

    /** Declares {@code key} as retired in {@code b}. */
    public static ConfigDef.Builder declare(ConfigDef.Builder b, String key) {
        return b.secret(key, ConfigType.STRING, null, false, "Retired: " + message(key) + ". An integration that "
            + "still has it does not start");
    }

    /** Refuses {@code config} when it still has {@code key}: the integration fails naming {@code config.<key>}. */
    public static void refuse(Config config, String key) {
        if (config.has(key)) {
            throw new InvalidInputException(message(key), "config." + key);
        }
    }

    static String message(String key) {
        return key + " " + String.format(MEMBER_TOKENS, key);
    }
}
