package de.datenhafen.core.security;

import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bootstrap admin token: the break-glass key from {@code DATENHAFEN_ADMIN_TOKEN} or made at the first start,
 * a hub-admin outside every member. Only its SHA-256 hash is stored ({@link Secrets}). Members' tokens are
 * {@link ApiTokens}.
 */
public final class TokenStore {

    private static final Logger LOG = LoggerFactory.getLogger(TokenStore.class);
    private static final String CONFIGURED_ID = "admin-configured";
    private static final String GENERATED_ID = "admin-initial";
    /** The role column of the break-glass tokens (the table predates members; every row is an admin's). */
    private static final String ADMIN = "admin";

    /**
     * The kind of change notice a node leaves when its start may have stored, replaced or revoked the admin token:
     * the other nodes on the database drop their cached checks (an old admin token stayed valid on them until they
     * restarted).
     */
    public static final String CHANGE = "admin-token";

    private final Database db;
    private final Map<String, Principal> cache = new ConcurrentHashMap<>();
    /** Times the cache was emptied: a check read meanwhile is not kept (see {@link ApiTokens}). */
    private final java.util.concurrent.atomic.AtomicLong cleared = new java.util.concurrent.atomic.AtomicLong();

    public TokenStore(Database db) {
        this.db = db;
    }

    /**
     * Makes sure the admin can get in. With a configured token, that token is the admin's (it replaces an earlier
     * configured one, and revokes the one a first start made). Without one, the first start creates a token and returns it so it can be shown once;
     * later starts return empty.
     */
    public Optional<String> ensureAdmin(String configuredToken) {
        if (configuredToken != null && !configuredToken.isBlank()) {
            if (configuredToken.length() < 16) {
                throw new IllegalArgumentException("DATENHAFEN_ADMIN_TOKEN is too short: use at least 16 characters "
                    + "(better: 32 random bytes, base64)");
            }
            if (configuredToken.startsWith(ApiTokens.PREFIX)) {
                // it would be checked as a member's token and refused on every request
                throw new IllegalArgumentException("DATENHAFEN_ADMIN_TOKEN must not begin with " + ApiTokens.PREFIX
                    + ", the prefix of members' API tokens");
            }
            upsert(CONFIGURED_ID, hash(configuredToken), ADMIN);
            // the token a first start made and printed (to the journal, under systemd) is revoked by configuring
            // one: setting the variable is how an operator rotates it, and it stayed valid beside the new one
            if (delete(GENERATED_ID)) {
                LOG.info("Revoked the admin token made at the first start: DATENHAFEN_ADMIN_TOKEN is set");
            }
            return Optional.empty();
        }
        if (countAdmins() > 0) {
            return Optional.empty();
        }
        String token = newToken();
        if (!insertNew(GENERATED_ID, hash(token), ADMIN)) {
            // another node starting on the same database made it first: its token is the one it showed; replacing
            // its hash would leave that node's printed token useless
            LOG.info("Another node created the initial admin token meanwhile; this node shows none");
            return Optional.empty();
        }
        LOG.info("Created the initial admin token (only its hash is stored)");
        return Optional.of(token);
    }

    /** Deletes the token {@code id}; whether there was one. */
    private boolean delete(String id) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM admin_token WHERE id = ?")) {
            ps.setString(1, id);
            boolean deleted = ps.executeUpdate() > 0;
            clearCache();
            return deleted;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete token " + id, e);
        }
    }

    /** Inserts the token {@code id}; false when a row of that id exists already (SQL state 23505). */
    private boolean insertNew(String id, String hash, String role) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            bind(ps, id, hash, role, Timestamp.from(Instant.now())).executeUpdate();
            clearCache();
            return true;
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                return false;
            }
            throw new IllegalStateException("cannot store token " + id, e);
        }
    }

    /** Another node changed the admin tokens: every token is checked against the database again. */
    public void changedElsewhere() {
        clearCache();
    }

    private void clearCache() {
        cleared.incrementAndGet();
        cache.clear();
    }

    /** The principal of a presented token, if it is valid. */
    public Optional<Principal> authenticate(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        String hash = hash(token);
        Principal cached = cache.get(hash);
        if (cached != null) {
            return Optional.of(cached);
        }
        long before = cleared.get();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT id, token_hash, role FROM admin_token")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // compare in constant time; the table is small
                    if (Secrets.same(rs.getString(2), hash)) {
                        Principal p = Principal.bootstrap(rs.getString(1));
                        cache.put(hash, p);
                        if (cleared.get() != before) {
                            cache.remove(hash); // emptied while it was read: the next request reads again
                        }
                        return Optional.of(p);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read tokens", e);
        }
        return Optional.empty();
    }

    /** The ids of stored tokens, for audits and tests. */
    public List<String> tokenIds() {
        List<String> ids = new ArrayList<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM admin_token ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read tokens", e);
        }
        return ids;
    }

    private int countAdmins() {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM admin_token WHERE role = ?")) {
            ps.setString(1, ADMIN);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read tokens", e);
        }
    }

    /**
     * Replaces the token {@code id}: updates its row, or inserts it where there is none. Nodes starting at once on one
     * database each store the configured admin token; updates of one row wait for each other, and a node whose insert
     * meets the row another node inserted meanwhile updates that row on its retry ({@link Transactions}). (Deleting
     * and inserting again could lose the race again on each retry: one node's delete made room for another's insert.)
     */
    private void upsert(String id, String hash, String role) {
        Timestamp now = Timestamp.from(Instant.now());
        Transactions.run(db, "store token " + id, c -> {
            for (String sql : List.of(UPDATE, INSERT)) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    if (bind(ps, id, hash, role, now).executeUpdate() > 0) {
                        return;
                    }
                }
            }
        });
        clearCache();
    }

    // the same four parameters in the same order, so one bind serves both
    private static final String INSERT = "INSERT INTO admin_token (token_hash, role, created_at, id) VALUES (?, ?, ?, ?)";
    private static final String UPDATE = "UPDATE admin_token SET token_hash = ?, role = ?, created_at = ? WHERE id = ?";

    private static PreparedStatement bind(PreparedStatement ps, String id, String hash, String role, Timestamp at)
        throws SQLException {
        ps.setString(1, hash);
        ps.setString(2, role);
        ps.setTimestamp(3, at);
        ps.setString(4, id);
        return ps;
    }

    private String newToken() {
        return newToken(Secrets::newSecret);
    }

    /**
     * A new break-glass token from {@code random}, never one beginning with a member token's prefix: such a token is
     * checked as a member's and refused, and 32 random base64url characters begin so once in 262,144 first starts.
     */
    static String newToken(java.util.function.Supplier<String> random) {
        String token = random.get();
        while (token.startsWith(ApiTokens.PREFIX)) {
            token = random.get();
        }
        return token;
    }

    static String hash(String token) {
        return Secrets.sha256(token);
    }
}
