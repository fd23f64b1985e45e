package de.datenhafen.core.security;

import de.datenhafen.api.ConflictException;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.core.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * People who sign in: each belongs to a member and holds roles. An admin never knows a user's password: creating a
 * user (or resetting one) gives a one-time setup code, valid {@link #SETUP_VALID}, which the admin passes on and
 * the user turns into a password of their own ({@link #setUp}).
 */
public final class Users {

    public static final String INVITED = "invited";
    public static final String ACTIVE = "active";
    public static final String DISABLED = "disabled";
    public static final Duration SETUP_VALID = Duration.ofHours(72);
    /** Lower-case letters, digits, dots, dashes, underscores and @: a login name or an e-mail address. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._@-]{1,63}");

    public record User(String id, String member, String name, String email, Set<Role> roles, String state,
                       Instant passwordChangedAt, Instant createdAt, Instant updatedAt) {
    }

    /** A user and the one-time setup code that was just made for it (shown once, stored only as a hash). */
    public record Invited(User user, String setupCode, Instant setupExpires) {
    }

    private final Database db;
    private final Passwords passwords;

    public Users(Database db, Passwords passwords) {
        this.db = db;
        this.passwords = passwords;
    }

    /** Refuses an invitation's fields as {@link #create} would, every wrong one at once; returns null. */
    public Void checkFields(String id, String name, String email) {
        FieldChecks fields = new FieldChecks();
        if (id == null || !ID.matcher(id).matches()) {
            fields.refuse((InvalidInputException) new InvalidInputException("a user id is 2 to 64 lower-case "
                + "letters, digits, dots, dashes, underscores or @", "id").coded("user.id"));
        }
        fields.check(() -> TextRules.required(name, "name", 200));
        fields.check(() -> TextRules.email(email, "email"));
        fields.done();
        return null;
    }

    public Invited create(String member, String id, String name, String email, Set<Role> roles) {
        checkFields(id, name, email); // each field said at once
        name = TextRules.required(name, "name", 200);
        email = TextRules.email(email, "email");
        if (get(id).isPresent()) {
            throw new ConflictException("user " + id + " exists already", "id").coded("user.exists", id);
        }
        String code = Secrets.newSecret();
        Instant now = Instant.now();
        Instant expires = now.plus(SETUP_VALID);
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "INSERT INTO hub_user (id, member_id, name, email, roles, state, setup_hash, setup_expires_at, "
                + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, member);
            ps.setString(3, name);
            ps.setString(4, email);
            ps.setString(5, Role.format(roles));
            ps.setString(6, INVITED);
            ps.setString(7, Secrets.sha256(code));
            ps.setTimestamp(8, Timestamp.from(expires));
            ps.setTimestamp(9, Timestamp.from(now));
            ps.setTimestamp(10, Timestamp.from(now));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store user " + id, e);
        }
        return new Invited(require(id), code, expires);
    }

    /**
     * A new one-time setup code for a user who forgot the password or never used the first code; the old password
     * stops working only when the user sets a new one.
     */
    public Invited newSetupCode(String id) {
        require(id);
        String code = Secrets.newSecret();
        Instant expires = Instant.now().plus(SETUP_VALID);
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "UPDATE hub_user SET setup_hash = ?, setup_expires_at = ?, updated_at = ? WHERE id = ?")) {
            ps.setString(1, Secrets.sha256(code));
            ps.setTimestamp(2, Timestamp.from(expires));
            ps.setTimestamp(3, Timestamp.from(Instant.now()));
            ps.setString(4, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot change user " + id, e);
        }
        return new Invited(require(id), code, expires);
    }

    /**
     * Sets the password of the user whose setup code this is, once: the code is used up, the user becomes active.
     * An unknown, used or expired code is one answer (400 naming {@code code}), so codes cannot be told apart.
     */
    public User setUp(String code, String password) {
        if (code == null || code.isBlank()) {
            throw new InvalidInputException("code is required: the one-time setup code the admin passed on", "code")
                .coded("setup.codeRequired");
        }
        String hash = Secrets.sha256(code.strip());
        User user;
        Instant expires;
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "SELECT id, setup_expires_at FROM hub_user WHERE setup_hash = ?")) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw badCode();
                }
                user = require(rs.getString(1));
                expires = rs.getTimestamp(2).toInstant();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read users", e);
        }
        if (Instant.now().isAfter(expires) || DISABLED.equals(user.state())) {
            throw badCode();
        }
        Passwords.check(password, user.id(), user.member());
        String stored = passwords.hash(password);
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "UPDATE hub_user SET password_hash = ?, state = ?, setup_hash = NULL, setup_expires_at = NULL, "
                + "password_changed_at = ?, updated_at = ? WHERE id = ? AND setup_hash = ?")) {
            Timestamp now = Timestamp.from(Instant.now());
            ps.setString(1, stored);
            ps.setString(2, ACTIVE);
            ps.setTimestamp(3, now);
            ps.setTimestamp(4, now);
            ps.setString(5, user.id());
            ps.setString(6, hash);
            if (ps.executeUpdate() != 1) {
                throw badCode(); // used by a request that raced this one
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot change user " + user.id(), e);
        }
        return require(user.id());
    }

    static InvalidInputException badCode() {
        return (InvalidInputException) new InvalidInputException("this setup code is unknown, used or expired; ask "
            + "your admin for a new one", "code").coded("setup.badCode");
    }

    /**
     * The user with this id and password, if both are right and the user is active. Always spends one Argon2id
     * verification, also for an unknown user.
     */
    public Optional<User> verify(String id, String password) {
        return withPassword(id, password).filter(u -> ACTIVE.equals(u.state()));
    }

    /**
     * User {@code id} if {@code password} is theirs, whatever their state (a sign-in tells a disabled person so, once
     * they showed they are that person); a missing user costs a hash's time as a wrong password does.
     */
    public Optional<User> withPassword(String id, String password) {
        String stored = null;
        Optional<User> user = id == null ? Optional.empty() : get(id);
        if (user.isPresent()) {
            try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT password_hash FROM hub_user WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    stored = rs.next() ? rs.getString(1) : null;
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read user " + id, e);
            }
        }
        return passwords.verify(password, stored) ? user : Optional.empty();
    }

    /**
     * The first admin ({@link FirstAdmin}): user {@code id} of {@code member} made, or that user of that member
     * changed, active with {@code roles} and {@code password} in one statement, the password's rules checked before
     * anything is written (a refused password changed nothing: the account was not re-enabled with its old one).
     * A user of that id of another member is refused.
     */
    User makeActive(String member, String id, String name, Set<Role> roles, String password) {
        Passwords.check(password, id, member);
        String stored = passwords.hash(password);
        Optional<User> old = get(id);
        if (old.isPresent() && !old.get().member().equals(member)) {
            throw new ConflictException("user " + id + " exists already", "id").coded("user.exists", id);
        }
        Timestamp now = Timestamp.from(Instant.now());
        String sql = old.isEmpty()
            ? "INSERT INTO hub_user (roles, state, password_hash, password_changed_at, updated_at, name, id, member_id, "
                + "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            : "UPDATE hub_user SET roles = ?, state = ?, password_hash = ?, password_changed_at = ?, updated_at = ?, "
                + "setup_hash = NULL, setup_expires_at = NULL WHERE id = ? AND member_id = ?";
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, Role.format(roles));
            ps.setString(2, ACTIVE);
            ps.setString(3, stored);
            ps.setTimestamp(4, now);
            ps.setTimestamp(5, now);
            int i = 6;
            if (old.isEmpty()) {
                ps.setString(i++, name);
            }
            ps.setString(i++, id);
            ps.setString(i++, member);
            if (old.isEmpty()) {
                ps.setTimestamp(i, now);
            }
            if (ps.executeUpdate() != 1) {
                throw new ConflictException("user " + id + " changed meanwhile", "id").coded("user.exists", id);
            }
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) { // made meanwhile (another node's first admin)
                throw new ConflictException("user " + id + " exists already", "id").coded("user.exists", id);
            }
            throw new IllegalStateException("cannot store user " + id, e);
        }
        return require(id);
    }

    /** Changes name, e-mail, roles or state where given (null keeps the old value). */
    public User update(String id, String name, String email, Set<Role> roles, String state) {
        User old = require(id);
        if (state != null && !Set.of(ACTIVE, DISABLED).contains(state)) {
            throw new InvalidInputException("state is active or disabled", "state").coded("user.state");
        }
        if (ACTIVE.equals(state) && INVITED.equals(old.state())) {
            throw new ConflictException("user " + id + " has not set a password yet; it becomes active when it does",
                "state").coded("user.notSetUp", id);
        }
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "UPDATE hub_user SET name = ?, email = ?, roles = ?, state = ?, updated_at = ? WHERE id = ?")) {
            ps.setString(1, name == null ? old.name() : TextRules.required(name, "name", 200));
            ps.setString(2, email == null ? old.email() : TextRules.email(email, "email"));
            ps.setString(3, Role.format(roles == null ? old.roles() : roles));
            ps.setString(4, state == null ? old.state() : state);
            ps.setTimestamp(5, Timestamp.from(Instant.now()));
            ps.setString(6, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot change user " + id, e);
        }
        return require(id);
    }

    /** Sets a new password for a signed-in user who knows the old one. */
    public User changePassword(String id, String oldPassword, String newPassword) {
        User user = require(id);
        if (verify(id, oldPassword).isEmpty()) {
            throw new InvalidInputException("the current password is not right", "currentPassword")
                .coded("password.current");
        }
        if (oldPassword.equals(newPassword)) { // "changed" would be said, and the other sessions ended, for nothing
            throw new InvalidInputException("the new password is the current one", "newPassword")
                .coded("password.same");
        }
        Passwords.check(newPassword, id, user.member(), "newPassword");
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "UPDATE hub_user SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?")) {
            Timestamp now = Timestamp.from(Instant.now());
            ps.setString(1, passwords.hash(newPassword));
            ps.setTimestamp(2, now);
            ps.setTimestamp(3, now);
            ps.setString(4, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot change user " + id, e);
        }
        return require(id);
    }

    public void delete(String id) {
        require(id);
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("DELETE FROM hub_session WHERE user_id = ?");
                 PreparedStatement u = c.prepareStatement("DELETE FROM hub_user WHERE id = ?")) {
                s.setString(1, id);
                s.executeUpdate();
                u.setString(1, id);
                u.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete user " + id, e);
        }
    }

    public User require(String id) {
        return get(id).orElseThrow(() -> new NotFoundException("no user " + id, "user").coded("user.none", id));
    }

    public Optional<User> get(String id) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "SELECT * FROM hub_user WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read user " + id, e);
        }
    }

    public List<User> list(String member) {
        List<User> out = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "SELECT * FROM hub_user WHERE member_id = ? ORDER BY id")) {
            ps.setString(1, member);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read users", e);
        }
        return out;
    }

    private static User row(ResultSet rs) throws SQLException {
        Timestamp changed = rs.getTimestamp("password_changed_at");
        return new User(rs.getString("id"), rs.getString("member_id"), rs.getString("name"), rs.getString("email"),
            Role.parse(rs.getString("roles")), rs.getString("state"), changed == null ? null : changed.toInstant(),
            rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
