package de.datenhafen.core.security;

import de.datenhafen.core.node.Changes;
import de.datenhafen.core.store.Database;
import java.time.Duration;
import java.util.Optional;

/**
 * Who may act, in one place: members, their users and tokens, browser sessions, the bootstrap admin token, and the
 * audit log. The HTTP layer resolves each request's principal here once.
 */
public final class Identity implements AutoCloseable {

    private final Members members;
    private final Users users;
    private final ApiTokens tokens;
    private final Sessions sessions;
    private final TokenStore bootstrap;
    private final AuditLog audit;
    private final PluginOwners pluginOwners;
    private final FirstAdmin firstAdmin;

    /** {@code pageKey}: the key of the console pages' CSRF tokens (see {@link Sessions}). */
    public Identity(Database db, TokenStore bootstrap, Passwords passwords, Duration sessionIdle,
                    Duration sessionAbsolute, byte[] pageKey) {
        this.bootstrap = bootstrap;
        this.members = new Members(db);
        this.users = new Users(db, passwords);
        this.tokens = new ApiTokens(db, members);
        this.sessions = new Sessions(db, users, members, sessionIdle, sessionAbsolute, pageKey);
        this.audit = new AuditLog(db);
        this.pluginOwners = new PluginOwners(db, members);
        this.firstAdmin = new FirstAdmin(db, users, members, java.time.Clock.systemUTC());
    }

    /** The one-time code of a hub without an active hub-admin person (see {@link FirstAdmin}). */
    public FirstAdmin firstAdmin() {
        return firstAdmin;
    }

    public Members members() {
        return members;
    }

    public Users users() {
        return users;
    }

    public ApiTokens tokens() {
        return tokens;
    }

    public Sessions sessions() {
        return sessions;
    }

    public AuditLog audit() {
        return audit;
    }

    public PluginOwners pluginOwners() {
        return pluginOwners;
    }

    /**
     * Tells the other nodes on the database what this one changes of members, their tokens and the admin token, and
     * reads again what they change: each node keeps members' states and valid tokens in memory.
     */
    public void shareChanges(Changes changes) {
        members.announceWith((c, id) -> changes.announce(c, Members.CHANGE, id));
        changes.on(Members.CHANGE, members::changedElsewhere);
        tokens.announceWith((c, id) -> changes.announce(c, ApiTokens.CHANGE, id));
        changes.on(ApiTokens.CHANGE, id -> tokens.changedElsewhere());
        changes.on(TokenStore.CHANGE, id -> bootstrap.changedElsewhere());
        // what another node changed after this one read it at start and before it began to read the notices (they
        // count as read from their start on) was in neither: read once more
        members.reload();
        tokens.changedElsewhere();
        bootstrap.changedElsewhere();
        // this start may have stored, replaced or revoked an admin token (DATENHAFEN_ADMIN_TOKEN): one notice a start
        changes.announce(TokenStore.CHANGE, "admin");
    }

    /** The principal of a bearer token: a member's API token ({@code dh_...}) or the bootstrap admin token. */
    public Optional<Principal> bearer(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        return token.startsWith(ApiTokens.PREFIX) ? tokens.authenticate(token) : bootstrap.authenticate(token);
    }

    @Override
    public void close() throws InterruptedException {
        audit.close();
    }
}
