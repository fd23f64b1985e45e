package de.datenhafen.plugins.airquality;

import de.datenhafen.api.ConfigDef;

/**
 * The config keys the plugin had before the hub's member tokens (the connectors' own bearer tokens), retired
 * ({@link ConfigDef.Builder#retired}) with one message saying what replaced them.
 */
public final class RetiredKey {

    /** What replaces every retired token key: member tokens, with the README section that explains them. */
    static final String MEMBER_TOKENS = "was replaced by member tokens: give the member's users or tokens the role "
        + "member-editor (README, 'Members, people and tokens'), then remove %s from this integration's config";

    private RetiredKey() {
    }

    /** Declares {@code key} as retired in {@code b}: a config that still has it is refused with what replaced it. */
    public static ConfigDef.Builder declare(ConfigDef.Builder b, String key) {
        return b.retired(key, message(key));
    }

    static String message(String key) {
        return key + " " + String.format(MEMBER_TOKENS, key);
    }
}
