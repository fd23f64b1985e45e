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
 * node that printed it. Whoever reads the hub's output can become a hub-admin with it, as with the admin token a first
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

    /** At start: a new code when no active person of an active member is a hub-admin, else none. */
    public synchronized Optional<Code> offer() {
        if (anyActiveHubAdmin()) {
            offer = null;
            return Optional.empty();
        }
        String code = Secrets.newSecret();
        Instant expires = clock.instant().plus(Users.SETUP_VALID);
        offer = new Offer(Secrets.sha256(code), expires);
        checked = clock.instant();
        return Optional.of(new Code(code, expires));
    }

    /**
     * Whether a code is on offer (the sign-in page says where to use it): without a lock, and asking the database
     * at most every few seconds whether someone became a hub-admin meanwhile (an invitation, another node's code).
     */
    public boolean offered() {
        Offer o = offer;
        if (o == null) {
            return false;
        }
        Instant now = clock.instant();
        if (now.isAfter(o.expires())) {
            offer = null;
            return false;
        }
        if (now.isAfter(checked.plus(RECHECK))) {
            checked = now;
            if (anyActiveHubAdmin()) {
                offer = null;
                return false;
            }
        }
        return true;
    }

    /** Whether {@code code} is the code on offer (not used, not expired): the setup then calls {@link #take}. */
    public boolean is(String code) {
        Offer o = offer;
        return code != null && o != null && Secrets.same(o.hash(), Secrets.sha256(code.strip()))
            && !clock.instant().isAfter(o.expires());
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
