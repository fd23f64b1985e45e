package de.datenhafen.core.security;

import de.datenhafen.core.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The first person who can sign in to the console. The admin token is no person, so a new hub had nobody who could
 * sign in until someone invited one with curl. Now a hub that starts without an active hub-admin person (a new hub,
 * or one whose hub-admins all left or were disabled) makes a one-time code, which {@code bin/datenhafen} prints with
 * the address of the console's setup page. The setup takes it like an invited person's code: the person {@code admin}
 * of the association ({@link #MEMBER}, made if it does not exist) becomes an active hub-admin with the password given
 * there, and invites the others by name. The code is held in this process only (its hash), for
 * {@link Users#SETUP_VALID} or until it is used or someone else became a hub-admin; on several nodes it works at the
 * node that printed it. Whoever reads the hub's output can become a hub-admin with it: the same people who can read its
 * data folder and its admin token.
 */
public final class FirstAdmin {

    /** The association's member, whose signature admits plugins by default ({@code plugins.trusted-signer}). */
    public static final String MEMBER = "datenhafen";
    /** The first person's id; another id of the association when a person of another member has this one. */
    static final String USER = "admin";

    /** A code on offer: shown once, at the start that made it. */
    public record Code(String code, Instant expires) {
    }

    private final Database db;
    private final Users users;
    private final Members members;
    private final Clock clock;
    private String hash;
    private Instant expires;

    FirstAdmin(Database db, Users users, Members members, Clock clock) {
        this.db = db;
        this.users = users;
        this.members = members;
        this.clock = clock;
    }

    /** At start: a new code when no active person of an active member is a hub-admin, else none. */
    public synchronized Optional<Code> offer() {
        if (anyActiveHubAdmin()) {
            hash = null;
            return Optional.empty();
        }
        String code = Secrets.newSecret();
        hash = Secrets.sha256(code);
        expires = clock.instant().plus(Users.SETUP_VALID);
        return Optional.of(new Code(code, expires));
    }

    /** Whether a code is on offer (the sign-in page says where to use it). */
    public synchronized boolean offered() {
        if (hash != null && (clock.instant().isAfter(expires) || anyActiveHubAdmin())) {
            hash = null;
        }
        return hash != null;
    }

    /** Whether {@code code} is the code on offer (not used, not expired): the setup then calls {@link #take}. */
    public synchronized boolean is(String code) {
        return code != null && hash != null && Secrets.same(hash, Secrets.sha256(code.strip()))
            && !clock.instant().isAfter(expires);
    }

    /**
     * Uses the code: the first admin, active with {@code password}, a hub-admin of {@link #MEMBER}; the code is gone
     * after it, and it is refused as a wrong code once someone else became a hub-admin (a race, or an invitation).
     */
    public synchronized Users.User take(String code, String password) {
        if (!is(code) || anyActiveHubAdmin()) {
            hash = null;
            throw Users.badCode();
        }
        if (!members.exists(MEMBER)) {
            try {
                members.create(MEMBER, "Datenhafen", null);
            } catch (de.datenhafen.api.ConflictException madeMeanwhile) {
                // another node's first admin, or the demo: the association is there either way
            }
        }
        String id = idFree();
        Optional<Users.User> existing = users.get(id);
        Users.Invited invited;
        if (existing.isEmpty()) {
            invited = users.create(MEMBER, id, "Administrator", null, EnumSet.of(Role.HUB_ADMIN));
        } else {
            // a first admin from before (disabled, or its role taken away, and no hub-admin left): the way back in
            Set<Role> roles = EnumSet.copyOf(existing.get().roles());
            roles.add(Role.HUB_ADMIN);
            users.update(id, null, null, roles, Users.DISABLED.equals(existing.get().state()) ? Users.ACTIVE : null);
            invited = users.newSetupCode(id);
        }
        Users.User user = users.setUp(invited.setupCode(), password);
        hash = null;
        return user;
    }

    /** {@link #USER}, or {@code admin-datenhafen} when a person of another member has that id. */
    private String idFree() {
        Optional<Users.User> u = users.get(USER);
        return u.isEmpty() || MEMBER.equals(u.get().member()) ? USER : USER + "-" + MEMBER;
    }

    private boolean anyActiveHubAdmin() {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "SELECT u.roles FROM hub_user u JOIN member m ON m.id = u.member_id WHERE u.state = ? AND m.state = ?")) {
            ps.setString(1, Users.ACTIVE);
            ps.setString(2, Members.ACTIVE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (Role.parse(rs.getString(1)).contains(Role.HUB_ADMIN)) {
                        return true;
                    }
                }
            }
            return false;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read users", e);
        }
    }
}
