package de.datenhafen.plugins.transit;

import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.InvalidInputException;

/**
 * The plugin's own token keys of before issue 13 ({@code import-token}, {@code push-token}): writes now need a member
 * token with the role member-editor of the plugin's owning member, which the hub checks. An integration stored with
 * an old key fails at start saying what replaces it.
 *
 * <p>The keys stay declared: undeclared, the hub would refuse such a config as "not a known key" before
 * {@code routes()} could say what replaces it. Secret, so a value given is still sealed at rest and never shown.
 */
final class RemovedTokens {

    private RemovedTokens() {
    }

    /** Declares {@code key} as removed, for {@code endpoint}. */
    static ConfigDef.Builder declare(ConfigDef.Builder b, String key, String endpoint) {
        return b.secret(key, ConfigType.STRING, null, false, "Removed: " + endpoint + " needs a member token with the "
            + "role member-editor of the plugin's owning member; setting this fails the integration");
    }

    /** Fails the integration when its config still has {@code key}. */
    static void refuse(Config cfg, String key, String endpoint, String provider) {
        if (cfg.has(key)) {
            // the context names the provider; the hub finds the member by it (id or name), as for every route
            throw new InvalidInputException(key + " was replaced by member tokens: " + endpoint + " now needs the role "
                + "member-editor of the plugin's owning member (provider: " + provider + "); give that member's users "
                + "or tokens the role member-editor (README, 'Members, people and tokens'), then remove " + key
                + " from this integration's config", "config." + key);
        }
    }
}
