package de.datenhafen.core.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import de.datenhafen.api.ConflictException;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.Transactions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Members' API tokens for machines: named, with roles no wider than their creator's, optionally scoped to one
 * plugin or a path prefix, with an expiry and a purpose. A token reads {@code dh_<id>_<secret>}: the id finds its
 * row, the secret (256 random bits) is stored only as its SHA-256. The secret is shown once, at creation.
 *
 * <p>Checked on every request of a machine sender, so a valid token is cached (by the hash of the whole token,
 * never the token) and the check costs a hash and a map look-up, not a database read; revoking a token or
 * suspending its member empties the cache at once. The last use is written at most once a minute per token.
 */
public final class ApiTokens {

    public static final String PREFIX = "dh_";
    /**
     * The kind of change notice a revocation leaves for the other nodes on the database, which drop their cached
     * checks: a token revoked on one node was taken by the others for as long as they had it cached (ten minutes).
     */
    public static final String CHANGE = "api-token";
    private static final int ID_LENGTH = 12;
    private static final char[] ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final Duration LAST_USE_EVERY = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the list shows of a token: never the secret. */
    public record Token(String id, String member, String name, String purpose, Set<Role> roles, String scopePlugin,
                        String scopePath, String createdBy, Instant createdAt, Instant expiresAt, Instant lastUsedAt,
                        Instant revokedAt) {
        public boolean usable(Instant now) {
            return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
        }
    }

    /** A token just made, with its secret: the one time it is shown. */
    public record Created(Token token, String secret) {
    }

    private record Valid(Principal principal, Instant expiresAt) {
    }

    private final Database db;
    private final Members members;
    private volatile ChangeNotice notice = ChangeNotice.NONE;
    /**
     * Counts the times every cached check was dropped: a check read from the database is cached only when none was
     * dropped meanwhile, so a revocation that commits while a request reads the token is not undone by that request.
     */
    private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
    private final Cache<String, Valid> valid = Caffeine.newBuilder().maximumSize(10_000)
        .expireAfterWrite(Duration.ofMinutes(10)).build();
    private final Map<String, Instant> lastUseWritten = new ConcurrentHashMap<>();

    public ApiTokens(Database db, Members members) {
        this.db = db;
        this.members = members;
        members.onStateChange(m -> dropCachedChecks());
    }

    /** Where a revocation is told to the other nodes (a change notice of kind {@link #CHANGE}, in its transaction). */
    public void announceWith(ChangeNotice notice) {
        this.notice = notice;
    }

    /** Another node revoked a token (or this node began to read the others' notices): checks are made anew. */
    public void changedElsewhere() {
        dropCachedChecks();
    }

    private void dropCachedChecks() {
        dropped.incrementAndGet();
        valid.invalidateAll();
    }

    /**
     * Makes a token of {@code member} for {@code creator}: its roles must be ones the creator holds for that member,
     * and only a hub-admin gives {@code hub-admin}.
     */
    /**
     * Refuses a token's name, purpose, scope and end as {@link #create} would, all at once (the console's form sends
     * them together: a path without its slash and an end in the past were said one after the other); returns null.
     */
    public Void checkFields(String name, String purpose, String scopePlugin, String scopePath, Instant expiresAt) {
        FieldChecks fields = new FieldChecks();
        fields.check(() -> TextRules.required(name, "name", 100));
        fields.check(() -> TextRules.optional(purpose, "purpose", 500));
        fields.check(() -> TextRules.optional(scopePlugin, "scope.plugin", 128));
        fields.check(() -> {
            if (scopePath != null && !scopePath.startsWith("/")) {
                throw new InvalidInputException("scope.path is a path prefix starting with /", "scope.path")
                    .coded("token.scopePath");
            }
            return TextRules.optional(scopePath, "scope.path", 500);
        });
        if (expiresAt != null && !expiresAt.isAfter(Instant.now())) {
            fields.refuse((InvalidInputException) new InvalidInputException("expiresAt is in the past", "expiresAt")
                .coded("token.expired"));
        }
        fields.done();
        return null;
    }

    public Created create(String member, String name, String purpose, Set<Role> roles, String scopePlugin,
                          String scopePath, Instant expiresAt, Principal creator) {
        members.require(member);
        FieldChecks fields = new FieldChecks(); // each field said at once
        String givenName = name;
        String givenPurpose = purpose;
        String givenPlugin = scopePlugin;
        String givenPath = scopePath;
        Instant givenEnd = expiresAt;
        fields.check(() -> checkFields(givenName, givenPurpose, givenPlugin, givenPath, givenEnd));
        for (Role r : roles) {
            if (!creator.actsFor(member, r) || r == Role.HUB_ADMIN && !creator.isHubAdmin()) {
                fields.refuse((InvalidInputException) new InvalidInputException("a token's roles are no wider than "
                    + "its creator's: you cannot give " + r.id(), "roles").coded("token.roleWider", r.id()));
                break;
            }
        }
        fields.done();
        name = TextRules.required(name, "name", 100);
        purpose = TextRules.optional(purpose, "purpose", 500);
        scopePath = TextRules.optional(scopePath, "scope.path", 500);
        scopePlugin = TextRules.optional(scopePlugin, "scope.plugin", 128);
        if (creator.kind() == Principal.Kind.TOKEN) {
            // a token made by a token reaches no further and lives no longer than its maker
            if (creator.scopePlugin() != null) {
                if (scopePlugin != null && !scopePlugin.equals(creator.scopePlugin())) {
                    throw new InvalidInputException("a token's scope is no wider than its creator's: it is scoped to "
                        + "plugin " + creator.scopePlugin(), "scope.plugin").coded("token.pluginWider",
                        creator.scopePlugin());
                }
                scopePlugin = creator.scopePlugin();
            }
            if (creator.scopePath() != null) {
                if (scopePath != null && !de.datenhafen.api.Caller.reaches(null, creator.scopePath(), scopePath, null)) {
                    throw new InvalidInputException("a token's scope is no wider than its creator's: it is scoped to "
                        + "paths under " + creator.scopePath(), "scope.path").coded("token.pathWider",
                        creator.scopePath());
                }
                if (scopePath == null) {
                    scopePath = creator.scopePath();
                }
            }
            Instant makersEnd = require(creator.member(), creator.id()).expiresAt();
            if (makersEnd != null) {
                if (expiresAt != null && expiresAt.isAfter(makersEnd)) {
                    throw new InvalidInputException("a token lives no longer than its creator, which expires at "
                        + makersEnd, "expiresAt").coded("token.endsLater", makersEnd.toString());
                }
                if (expiresAt == null) {
                    expiresAt = makersEnd;
                }
            }
        }
        String id = newId();
        String secret = PREFIX + id + "_" + Secrets.newSecret();
        Instant now = Instant.now();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "INSERT INTO api_token (id, member_id, name, purpose, roles, scope_plugin, scope_path, secret_hash, "
                + "created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            if (byName(c, member, name).isPresent()) {
                throw new ConflictException("member " + member + " has a token named '" + name + "' already", "name")
                    .coded("token.exists", member, name);
            }
            ps.setString(1, id);
            ps.setString(2, member);
            ps.setString(3, name);
            ps.setString(4, purpose);
            ps.setString(5, Role.format(roles));
            ps.setString(6, scopePlugin);
            ps.setString(7, scopePath);
            ps.setString(8, Secrets.sha256(secret));
            ps.setString(9, creator.label());
            ps.setTimestamp(10, Timestamp.from(now));
            ps.setTimestamp(11, expiresAt == null ? null : Timestamp.from(expiresAt));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store a token of " + member, e);
        }
        return new Created(require(member, id), secret);
    }

    /** Revokes a token at once (its cached check too); revoking it again changes nothing. */
    public Token revoke(String member, String id) {
        require(member, id);
        Transactions.run(db, "revoke token " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                "UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
                ps.setTimestamp(1, Timestamp.from(Instant.now()));
                ps.setString(2, id);
                ps.executeUpdate();
            }
            notice.write(c, id);
        });
        dropCachedChecks();
        return require(member, id);
    }

    /** The principal of a presented {@code dh_...} token, if it is valid now and its member active. */
    public Optional<Principal> authenticate(String presented) {
        if (presented == null || !presented.startsWith(PREFIX) || presented.length() < PREFIX.length() + ID_LENGTH + 2
            || presented.charAt(PREFIX.length() + ID_LENGTH) != '_' || presented.length() > 200) {
            return Optional.empty();
        }
        String hash = Secrets.sha256(presented);
        Instant now = Instant.now();
        Valid v = valid.getIfPresent(hash);
        if (v == null) {
            long before = dropped.get();
            Optional<Token> row = lookup(presented.substring(PREFIX.length(), PREFIX.length() + ID_LENGTH), hash);
            if (row.isEmpty() || !row.get().usable(now)) {
                return Optional.empty();
            }
            Token t = row.get();
            v = new Valid(new Principal(Principal.Kind.TOKEN, t.id(), t.member(), t.roles(), t.scopePlugin(),
                t.scopePath()), t.expiresAt());
            valid.put(hash, v);
            if (dropped.get() != before) {
                valid.invalidate(hash); // dropped while it was read: this request goes on with it, the next reads again
            }
        }
        if (v.expiresAt() != null && !now.isBefore(v.expiresAt()) || !members.active(v.principal().member())) {
            return Optional.empty();
        }
        used(v.principal().id(), now);
        return Optional.of(v.principal());
    }

    private void used(String id, Instant now) {
        Instant written = lastUseWritten.get(id);
        if (written != null && Duration.between(written, now).compareTo(LAST_USE_EVERY) < 0) {
            return;
        }
        lastUseWritten.put(id, now);
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "UPDATE api_token SET last_used_at = ? WHERE id = ?")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot note the use of token " + id, e);
        }
    }

    private Optional<Token> lookup(String id, String hash) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "SELECT * FROM api_token WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && Secrets.same(rs.getString("secret_hash"), hash)) {
                    return Optional.of(row(rs));
                }
                return Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read tokens", e);
        }
    }

    public List<Token> list(String member) {
        return query("SELECT * FROM api_token WHERE member_id = ? ORDER BY created_at, id", List.of(member));
    }

    /** The tokens of these ids, revoked ones too, whichever member's (the audit's names of its entries' tokens). */
    public List<Token> byIds(java.util.Collection<String> ids) {
        List<Token> out = new ArrayList<>();
        List<String> all = List.copyOf(ids);
        for (int from = 0; from < all.size(); from += 100) { // an IN list of at most 100 ids a statement
            List<String> part = all.subList(from, Math.min(all.size(), from + 100));
            out.addAll(query("SELECT * FROM api_token WHERE id IN (" + String.join(", ",
                java.util.Collections.nCopies(part.size(), "?")) + ")", part));
        }
        return out;
    }

    /** The tokens {@code sql} selects with these values for its {@code ?}. */
    private List<Token> query(String sql, List<String> values) {
        List<Token> out = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.size(); i++) {
                ps.setString(i + 1, values.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read tokens", e);
        }
        return out;
    }

    public Token require(String member, String id) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "SELECT * FROM api_token WHERE member_id = ? AND id = ?")) {
            ps.setString(1, member);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return row(rs);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read tokens", e);
        }
        throw new NotFoundException("member " + member + " has no token " + id, "token");
    }

    private static Optional<Token> byName(Connection c, String member, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM api_token WHERE member_id = ? AND name = ?")) {
            ps.setString(1, member);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static String newId() {
        char[] id = new char[ID_LENGTH];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID_CHARS[RANDOM.nextInt(ID_CHARS.length)];
        }
        return new String(id);
    }

    private static Token row(ResultSet rs) throws SQLException {
        return new Token(rs.getString("id"), rs.getString("member_id"), rs.getString("name"), rs.getString("purpose"),
            Role.parse(rs.getString("roles")), rs.getString("scope_plugin"), rs.getString("scope_path"),
            rs.getString("created_by"), rs.getTimestamp("created_at").toInstant(), instant(rs, "expires_at"),
            instant(rs, "last_used_at"), instant(rs, "revoked_at"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
