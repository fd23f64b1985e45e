package de.datenhafen.core.security;

import java.util.Set;

/**
 * Who a request acts as, resolved once by the hub.
 *
 * @param kind how it signed in: {@link Kind#BOOTSTRAP} (the admin token from the configuration or the first start:
 *             the break-glass key), {@link Kind#USER} (a person, through a session or a login), {@link Kind#TOKEN} (a
 *             member's API token for a machine)
 * @param id the user's id, the token's id, or the bootstrap token's id; never a secret
 * @param member the member it belongs to; null for the bootstrap token
 * @param roles its roles
 * @param scopePlugin for a token scoped to one plugin: that plugin's id, else null
 * @param scopePath for a token scoped to a path prefix: that prefix, else null
 */
public record Principal(Kind kind, String id, String member, Set<Role> roles, String scopePlugin, String scopePath) {

    public enum Kind {
        BOOTSTRAP, USER, TOKEN;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Principal {
        roles = Set.copyOf(roles);
    }

    /** The bootstrap admin token's principal. */
    public static Principal bootstrap(String id) {
        return new Principal(Kind.BOOTSTRAP, id, null, Set.of(Role.HUB_ADMIN), null, null);
    }

    /** Whether one of its roles includes {@code role}. */
    public boolean has(Role role) {
        return roles.stream().anyMatch(r -> r.includes(role));
    }

    public boolean isHubAdmin() {
        return has(Role.HUB_ADMIN);
    }

    /** Whether it may act with {@code role} for {@code memberId}: a hub-admin for any member, others for their own. */
    public boolean actsFor(String memberId, Role role) {
        return isHubAdmin() || has(role) && member != null && member.equals(memberId);
    }

    /** Whether its scope lets it reach {@code path} (a token scoped to a plugin reaches only that plugin's routes). */
    public boolean reaches(String path, String plugin) {
        return de.datenhafen.api.Caller.reaches(scopePlugin, scopePath, path, plugin);
    }

    /** How the audit log and the logs name it: {@code user:anna}, {@code token:k3j...}, {@code bootstrap:...}. */
    public String label() {
        return kind.id() + ":" + id;
    }
}
