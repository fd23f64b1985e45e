package de.datenhafen.plugins.social;

import de.datenhafen.api.Caller;
import de.datenhafen.api.ForbiddenException;
import de.datenhafen.api.UnauthorizedException;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one place that says who may change what in the directory, on the hub's callers. The owning member's editors
 * (the directory's staff) import, manage organisations and may edit every service; a member's editor creates, updates
 * and withdraws the services of the organisations that belong to that member, and may not bring into them an object
 * (a location, a phone, ...) that another member's services carry. Reads are public.
 */
final class Access {

    private Access() {
    }

    /**
     * Passes a known caller whose token may reach {@code path}: the hub checks scopes only on guarded endpoints, and the
     * directory's service edits are on a public one (members other than the owner edit there).
     */
    static Caller requireCaller(Caller c, String path, String plugin) {
        if (c == null) {
            throw new UnauthorizedException("this needs a token (Authorization: Bearer <token>) or a session of a member with "
                + "the role member-editor");
        }
        if (!c.reaches(path, plugin)) {
            throw new ForbiddenException("this token is scoped to " + (c.scopePlugin() != null
                ? "plugin " + c.scopePlugin() : "paths under " + c.scopePath()));
        }
        return c;
    }

    /**
     * Passes the editors of {@code owner}, the member that owns the plugin (and hub admins; only they while the plugin
     * has no owner). The hub's {@code access=member-editor} already lets only them on to
     * the import and organisation routes; asked again here so the API does not rest on how a route was declared.
     */
    static void requireOwnerEditor(Caller c, String owner) {
        if (c == null) {
            throw new UnauthorizedException("this needs a token (Authorization: Bearer <token>) or a session with the role "
                + "member-editor of member " + owner);
        }
        if (!c.actsFor(owner, Caller.MEMBER_EDITOR)) {
            throw new ForbiddenException("this needs the role member-editor of member " + (owner == null
                ? "(none: the plugin has no owning member yet)" : owner) + " (or hub-admin)");
        }
    }

    /** Whether {@code c} may change services of an organisation of {@code member}, in the directory of {@code owner}. */
    static boolean mayEdit(Caller c, String member, String owner) {
        // the owner's editors may, as the directory's admin token could: they may import any organisation's services
        // anyway, and refusing them here would only send them through an import for a one-service correction
        return c != null && (c.actsFor(member, Caller.MEMBER_EDITOR) || c.actsFor(owner, Caller.MEMBER_EDITOR));
    }

    /**
     * Passes a caller who may change the services of some organisation: the owner's editors (and hub-admins), and
     * the editors of a member that {@code hasOrganizations}. Asked before an edit's body is read, as which
     * organisation an edit is for is inside it: a viewer, or the editor of a member the directory gives no
     * organisation, could otherwise make the directory read and parse as many bodies as it sends, only to be refused
     * afterwards (the finding: ten of them at once took the hub's heap).
     */
    static void requireMayEditSomeServices(Caller c, String owner, Predicate<String> hasOrganizations) {
        if (c == null) {
            throw new UnauthorizedException("this needs a token (Authorization: Bearer <token>) or a session of a member with "
                + "the role member-editor");
        }
        if (mayEdit(c, owner, owner)) {
            return;
        }
        if (!c.has(Caller.MEMBER_EDITOR) || c.member() == null) {
            throw new ForbiddenException("changing the directory's services needs the role member-editor of the member "
                + "their organization belongs to (or hub-admin)");
        }
        if (!hasOrganizations.test(c.member())) {
            throw new ForbiddenException("no organization of the directory belongs to member " + c.member()
                + "; its editors change services once the directory's staff give it one (PUT /organizations/{id}/member)");
        }
    }

    /** Passes when {@code c} may create, update or withdraw services of {@code organizationId} (of {@code member}). */
    static void requireMayEditServicesOf(Caller c, String organizationId, String member, String owner) {
        if (c == null) {
            throw new UnauthorizedException("this needs a token (Authorization: Bearer <token>) or a session of a member with "
                + "the role member-editor");
        }
        if (!mayEdit(c, member, owner)) {
            throw new ForbiddenException("organization " + organizationId + " belongs to member " + member
                + "; changing its services needs the role member-editor of member " + member);
        }
    }

    /**
     * Passes when {@code c} may put the nested object {@code n} into a service of organisation {@code organizationId}
     * although the stored services of the organisations {@code others} carry an object with its id: taking it in
     * would change their object as the directory shows and exports it. A caller who may edit all of them may; others
     * only keep such an object exactly as their service had it ({@code unchanged}: one shared by an import).
     */
    static void requireMayCarry(Caller c, String organizationId, NestedOwners.Nested n, Set<String> others,
                                boolean unchanged, Function<String, String> memberOf, String owner) {
        if (unchanged) {
            return;
        }
        for (String other : others) {
            if (!mayEdit(c, memberOf.apply(other), owner)) {
                throw new ForbiddenException(n.kind() + " " + n.id() + " belongs to organization " + other + " (member "
                    + memberOf.apply(other) + "); an editor of organization " + organizationId
                    + " may not change it", n.path());
            }
        }
    }
}
