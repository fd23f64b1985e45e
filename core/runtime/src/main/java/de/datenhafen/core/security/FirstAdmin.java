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
 * there, and invites the others by name. The code is kept as its hash, in this process and in the database, for
 * {@link Users#SETUP_VALID} or until it is used or someone else became a hub-admin; on several nodes each prints its
 * own, and any node takes any of them (the setup page behind a load balancer reaches whichever node). Whoever reads the hub's output can become a hub-admin with it, as with the admin token a first
 * start prints there; {@code auth.first-admin=false} turns it off (a hub run by its admin token alone).
 */
public final class FirstAdmin {

    /** The association's member, whose signature admits plugins by default ({@code plugins.trusted-signer}). */
    public static final String MEMBER = "datenhafen";
    /** The first person's id; another id of the association when a person of another member has this one. */
    static final String USER = "admin";

    /** A code on offer: shown once, at the start that made it. */
    public record Code(String code, Instant expires) {
    }

    /** How long the sign-in page's answer to "is a code on offer?" may be old: the database is asked once a while. */
    private static final java.time.Duration RECHECK = java.time.Duration.ofSeconds(5);

    private final Database db;
    private final Users users;
    private final Members members;
    private final Clock clock;
    /** The offered code's hash and end, null when none is offered: read without a lock (the sign-in page). */
    private volatile Offer offer;
    private volatile Instant checked = Instant.MIN;

    private record Offer(String hash, Instant expires) {
    }

    FirstAdmin(Database db, Users users, Members members, Clock clock) {
        this.db = db;
        this.users = users;
        this.members = members;
        this.clock = clock;
    }

    /**
     * At start of node {@code node}: a new code when no active person of an active member is a hub-admin, else none
     * (and the codes other nodes offered are void).
     */
    public synchronized Optional<Code> offer(String node) {
        if (anyActiveHubAdmin()) {
            offer = null;
            forgetAll();
            return Optional.empty();
        }
        String code = Secrets.newSecret();
        Instant expires = clock.instant().plus(Users.SETUP_VALID);
        Offer made = new Offer(Secrets.sha256(code), expires);
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM first_admin_code WHERE node_id = ?");
                 PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO first_admin_code (node_id, code_hash, expires_at) VALUES (?, ?, ?)")) {
                delete.setString(1, node);
                delete.executeUpdate();
                insert.setString(1, node);
                insert.setString(2, made.hash());
                insert.setObject(3, expires.atOffset(java.time.ZoneOffset.UTC), java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
                insert.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot keep the first admin's code", e);
        }
        offer = made;
        checked = clock.instant();
        return Optional.of(new Code(code, expires));
    }

    /** Whether a node offers a code that has not expired; {@code hash} one of them, or null for any. */
    private boolean offeredAnywhere(String hash) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "SELECT code_hash FROM first_admin_code WHERE expires_at > ?")) {
            ps.setObject(1, clock.instant().atOffset(java.time.ZoneOffset.UTC), java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (hash == null || Secrets.same(rs.getString(1), hash)) { // compared in constant time
                        return true;
                    }
                }
            }
            return false;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the first admin's codes", e);
        }
    }

    /** Every node's code is void: someone is a hub-admin. */
    private void forgetAll() {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("DELETE FROM first_admin_code")) {
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot forget the first admin's codes", e);
        }
    }

    /**
     * Whether a code is on offer (the sign-in page says where to use it): without a lock, and asking the database
     * at most every few seconds whether someone became a hub-admin meanwhile (an invitation, another node's code).
     */
    public boolean offered() {
        Offer o = offer;
        Instant now = clock.instant();
        if (o != null && now.isAfter(o.expires())) {
            offer = null;
            o = null;
        }
        if (now.isAfter(checked.plus(RECHECK))) {
            checked = now;
            if (anyActiveHubAdmin()) {
                offer = null;
                offeredElsewhere = false;
                return false;
            }
            // another node's code, which this node takes as well (this node's own may have expired or be none)
            offeredElsewhere = o == null && offeredAnywhere(null);
        }
        return o != null || offeredElsewhere;
    }

    /** Whether another node offers a code, as of the last check ({@link #RECHECK}). */
    private volatile boolean offeredElsewhere;

    /** Whether {@code code} is the code on offer (not used, not expired): the setup then calls {@link #take}. */
    public boolean is(String code) {
        // this node's or another's, as the database has them: one used at another node is gone from it
        return code != null && offeredAnywhere(Secrets.sha256(code.strip()));
    }

    /**
     * Uses the code: the first admin, active with {@code password}, a hub-admin of {@link #MEMBER} (made, or made
     * active again, if it was not). Nothing is written before the password passed its rules, the account and its
     * roles and password are written in one statement, and only a person of {@link #MEMBER} is ever changed. The
     * code is gone after it; it is refused as a wrong code once someone else became a hub-admin (a race, an
     * invitation).
     */
    public synchronized Users.User take(String code, String password) {
        if (!is(code) || anyActiveHubAdmin()) {
            offer = null;
            forgetAll();
            throw Users.badCode();
        }
        String id = freeId();
        Passwords.check(password, id, MEMBER); // before anything is changed: a refusal leaves the code usable
        if (!members.exists(MEMBER)) {
            try {
                members.create(MEMBER, "Datenhafen", null);
            } catch (de.datenhafen.api.ConflictException madeMeanwhile) {
                // another node's first admin, or the demo: the association is there either way
            }
        }
        if (!members.active(MEMBER)) {
            members.state(MEMBER, Members.ACTIVE); // a suspended association: its hub-admin could not sign in
        }
        Set<Role> roles = EnumSet.of(Role.HUB_ADMIN);
        users.get(id).ifPresent(u -> roles.addAll(u.roles()));
        Users.User user = users.makeActive(MEMBER, id, "Administrator", roles, password);
        offer = null;
        forgetAll(); // every node's code: there is a hub-admin now
        return user;
    }

    /**
     * {@link #USER}, or {@code admin-datenhafen}, {@code admin-datenhafen-2}, ...: the first that is free or a person
     * of {@link #MEMBER}; a person of another member is never taken over.
     */
    private String freeId() {
        for (int n = 1; n <= 100; n++) {
            String id = n == 1 ? USER : n == 2 ? USER + "-" + MEMBER : USER + "-" + MEMBER + "-" + (n - 1);
            Optional<Users.User> u = users.get(id);
            if (u.isEmpty() || MEMBER.equals(u.get().member())) {
                return id;
            }
        }
        throw new de.datenhafen.api.ConflictException("no free id for the first admin: admin, admin-datenhafen and "
            + "99 more are persons of other members", "code");
    }

    private boolean anyActiveHubAdmin() {
        return anyActiveHubAdminBut(null, null);
    }

    /**
     * Whether an active person of an active member other than {@code user} and outside {@code member} (either may be
     * null) is a hub-admin: a change that would leave none (the last hub-admin disabled, deleted or made less, their
     * member suspended) shuts everyone out of the console until a restart offers a code.
     */
    public boolean anyActiveHubAdminBut(String user, String member) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "SELECT u.id, u.member_id, u.roles FROM hub_user u JOIN member m ON m.id = u.member_id "
                + "WHERE u.state = ? AND m.state = ?")) {
            ps.setString(1, Users.ACTIVE);
            ps.setString(2, Members.ACTIVE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!rs.getString(1).equals(user) && !rs.getString(2).equals(member)
                        && Role.parse(rs.getString(3)).contains(Role.HUB_ADMIN)) {
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
