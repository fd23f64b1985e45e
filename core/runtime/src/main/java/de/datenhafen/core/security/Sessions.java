package de.datenhafen.core.security;

import de.datenhafen.core.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Browser sessions, kept on the server: the cookie holds 256 random bits, the table their SHA-256. A session ends
 * after {@code idle} without requests, after {@code absolute} in any case, at logout, when its user is disabled or
 * deleted, or when its member is suspended. Each has a CSRF token (also stored as a hash) that every write
 * authenticated by the cookie must send in {@code X-CSRF-Token}, shown once at sign-in; a page the hub renders for
 * the session (the console) cannot show that one again, so it carries the session's page token instead, an HMAC of
 * the cookie under the page key ({@link #pageToken}), accepted alike. The hub derives the page key from its secrets
 * key ({@code secret.key}, which every node of one database shares), so a page rendered by one node writes through
 * another, and a page open across a restart of the hub still writes. Another session's token is refused.
 */
public final class Sessions {

    /** A new session: the cookie value and the CSRF token, each shown once. */
    public record Opened(String id, String csrf, Instant expiresAt) {
    }

    /** A live session: its user's principal, the hash of its CSRF token and its page token. */
    public record Live(Principal principal, String csrfHash, String idHash, String pageToken) {
        public boolean csrfMatches(String presented) {
            return presented != null && (Secrets.same(csrfHash, Secrets.sha256(presented))
                || Secrets.same(pageToken, presented));
        }

        @Override
        public String toString() {
            return "Live[" + principal + "]";
        }
    }

    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final Database db;
    private final Users users;
    private final Members members;
    private final Duration idle;
    private final Duration absolute;
    private final javax.crypto.spec.SecretKeySpec pageKey;

    /** {@code pageKey}: at least 32 bytes, the same on every node (see the class comment). */
    public Sessions(Database db, Users users, Members members, Duration idle, Duration absolute, byte[] pageKey) {
        if (pageKey.length < 32) {
            throw new IllegalArgumentException("the page key needs at least 32 bytes, was " + pageKey.length);
        }
        this.pageKey = new javax.crypto.spec.SecretKeySpec(pageKey.clone(), "HmacSHA256");
        this.db = db;
        this.users = users;
        this.members = members;
        this.idle = idle;
        this.absolute = absolute;
        // suspended, its people's sessions end: when the member is active again, they sign in again
        members.onStateChange(id -> {
            if (!members.active(id)) {
                closeAllOfMember(id);
            }
        });
    }

    public Duration absolute() {
        return absolute;
    }

    /** The CSRF token a page rendered for the session of this cookie value carries (see the class comment). */
    public String pageToken(String cookie) {
        return mac("page-csrf:" + cookie);
    }

    /**
     * The known-device cookie's value for {@code userId}: a browser that signed in as that user before has it, so that
     * its sign-ins are not refused when others' wrong passwords have locked the account (OWASP's device cookies).
     */
    public String deviceToken(String userId) {
        return mac("device:" + userId);
    }

    /** Whether {@code cookie} is the known-device cookie of {@code userId}. */
    public boolean knownDevice(String cookie, String userId) {
        return cookie != null && userId != null && java.security.MessageDigest.isEqual(
            deviceToken(userId).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            cookie.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private String mac(String text) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(pageKey);
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                mac.doFinal(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("no HmacSHA256 in this JVM", e);
        }
    }

    public Opened open(Users.User user, String client) {
        String id = Secrets.newSecret();
        String csrf = Secrets.newSecret();
        Instant now = Instant.now();
        Instant expires = now.plus(absolute);
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "INSERT INTO hub_session (id_hash, user_id, csrf_hash, client, created_at, last_seen_at, expires_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, Secrets.sha256(id));
            ps.setString(2, user.id());
            ps.setString(3, Secrets.sha256(csrf));
            ps.setString(4, client);
            ps.setTimestamp(5, Timestamp.from(now));
            ps.setTimestamp(6, Timestamp.from(now));
            ps.setTimestamp(7, Timestamp.from(expires));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open a session", e);
        }
        return new Opened(id, csrf, expires);
    }

    /** The session of a cookie value, if it is live and its user and member are active. */
    public Optional<Live> resolve(String cookie) {
        if (cookie == null || cookie.isBlank() || cookie.length() > 100) {
            return Optional.empty();
        }
        String hash = Secrets.sha256(cookie);
        Instant now = Instant.now();
        String userId;
        String csrfHash;
        Instant lastSeen;
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "SELECT user_id, csrf_hash, last_seen_at, expires_at, revoked_at FROM hub_session WHERE id_hash = ?")) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getTimestamp("revoked_at") != null
                    || !now.isBefore(rs.getTimestamp("expires_at").toInstant())) {
                    return Optional.empty();
                }
                userId = rs.getString(1);
                csrfHash = rs.getString(2);
                lastSeen = rs.getTimestamp(3).toInstant();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read sessions", e);
        }
        if (!now.isBefore(lastSeen.plus(idle))) {
            return Optional.empty();
        }
        Optional<Users.User> user = users.get(userId);
        if (user.isEmpty() || !Users.ACTIVE.equals(user.get().state()) || !members.active(user.get().member())) {
            return Optional.empty();
        }
        if (Duration.between(lastSeen, now).compareTo(TOUCH_EVERY) >= 0) {
            update("UPDATE hub_session SET last_seen_at = ? WHERE id_hash = ?", now, hash);
        }
        Users.User u = user.get();
        return Optional.of(new Live(new Principal(Principal.Kind.USER, u.id(), u.member(), u.roles(), null, null),
            csrfHash, hash, pageToken(cookie)));
    }

    /** Ends the session of this cookie value (logout). */
    public void close(String cookie) {
        if (cookie != null) {
            update("UPDATE hub_session SET revoked_at = ? WHERE id_hash = ? AND revoked_at IS NULL", Instant.now(),
                Secrets.sha256(cookie));
        }
    }

    /** Ends every session of a user (password changed, user disabled). */
    public void closeAllOf(String userId) {
        update("UPDATE hub_session SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", Instant.now(), userId);
    }

    /** Ends every session of a member's users (the member suspended: they do not come back when it is active again). */
    public void closeAllOfMember(String memberId) {
        update("UPDATE hub_session SET revoked_at = ? WHERE revoked_at IS NULL AND user_id IN "
            + "(SELECT id FROM hub_user WHERE member_id = ?)", Instant.now(), memberId);
    }

    /** Deletes sessions that ended more than a day ago. */
    public int purge() {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "DELETE FROM hub_session WHERE expires_at < ? OR revoked_at < ?")) {
            Timestamp day = Timestamp.from(Instant.now().minus(Duration.ofDays(1)));
            ps.setTimestamp(1, day);
            ps.setTimestamp(2, day);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot purge sessions", e);
        }
    }

    private void update(String sql, Instant at, String key) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setString(2, key);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot change sessions", e);
        }
    }
}
