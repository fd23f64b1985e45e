package de.datenhafen.api;

import java.util.List;
import java.util.Set;

/**
 * Who called a plugin's HTTP route, as the hub authenticated it: a person (a session), a member's API token, or the
 * hub's bootstrap admin token. The hub puts it in the message header {@link BusHeaders#CALLER} of the route's
 * exchange; the header is absent for a call without credentials. No request can set it (the hub drops request
 * headers named like its own), so a plugin may trust it and keeps no token rule of its own.
 *
 * @param kind {@code user}, {@code token} or {@code bootstrap}
 * @param id the user's or token's id (never a secret)
 * @param member the member it acts for; null for the bootstrap token
 * @param roles its roles: {@value #VIEWER}, {@value #MEMBER_EDITOR}, {@value #MEMBER_ADMIN}, {@value #HUB_ADMIN}
 * @param scopePlugin the one plugin a scoped token may reach, else null
 * @param scopePath the path prefix a scoped token may reach, else null
 */
public record Caller(String kind, String id, String member, Set<String> roles, String scopePlugin, String scopePath) {

    public static final String VIEWER = "viewer";
    public static final String MEMBER_EDITOR = "member-editor";
    public static final String MEMBER_ADMIN = "member-admin";
    public static final String HUB_ADMIN = "hub-admin";
    /** Each role includes those before it in this list. */
    public static final List<String> ROLES = List.of(VIEWER, MEMBER_EDITOR, MEMBER_ADMIN, HUB_ADMIN);

    public Caller {
        roles = Set.copyOf(roles);
    }

    /** Whether one of its roles is {@code role} or includes it. */
    public boolean has(String role) {
        int wanted = ROLES.indexOf(role);
        return wanted >= 0 && roles.stream().anyMatch(r -> ROLES.indexOf(r) >= wanted);
    }

    public boolean isHubAdmin() {
        return has(HUB_ADMIN);
    }

    /** Whether its scope lets it reach {@code path} of {@code plugin} (null for the hub's own routes). */
    public boolean reaches(String path, String plugin) {
        return reaches(scopePlugin, scopePath, path, plugin);
    }

    /**
     * The scope rule, one place for the hub's routes and plugins' ones: a token scoped to a plugin reaches only that
     * plugin's routes, one scoped to a path prefix only that path and those below it.
     */
    public static boolean reaches(String scopePlugin, String scopePath, String path, String plugin) {
        if (scopePlugin != null && !scopePlugin.equals(plugin)) {
            return false;
        }
        return scopePath == null || path.equals(scopePath)
            || path.startsWith(scopePath.endsWith("/") ? scopePath : scopePath + "/");
    }

    /** Whether it may act with {@code role} on data of {@code memberId}: a hub-admin for any, others for their own. */
    public boolean actsFor(String memberId, String role) {
        return isHubAdmin() || has(role) && member != null && member.equals(memberId);
    }
}
