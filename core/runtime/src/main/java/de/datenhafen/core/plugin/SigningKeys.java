package de.datenhafen.core.plugin;

import de.datenhafen.api.ConflictException;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.core.store.Database;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Members' public signing keys and the allow-list of unsigned archives, in the hub's database ({@code member_key},
 * {@code plugin_allowlist}). Keys are registered and revoked by hub-admins; a revoked key stays, so what it signed is
 * refused as revoked. Read at every install and plugin start, which are rare: no cache.
 */
public final class SigningKeys {

    /** A registered key; {@code revokedAt} null while it is valid. */
    public record Key(String id, String member, String algorithm, String publicKey, String name, String createdBy,
                      Instant createdAt, Instant revokedAt, String revokedBy) {

        public boolean revoked() {
            return revokedAt != null;
        }

        PublicKey decoded() {
            return PluginSignature.publicKey(publicKey, "publicKey");
        }
    }

    /** An allow-listed archive. */
    public record Allowed(String sha256, String note, String addedBy, Instant addedAt) {
    }

    private final Database db;

    public SigningKeys(Database db) {
        this.db = db;
    }

    /**
     * Registers {@code publicKey} (PEM or base64, see {@link PluginSignature#publicKey}) for {@code member}, which must
     * exist. A key is registered once: again for the same member is 409, as is for another member.
     */
    public Key register(String member, String publicKey, String name, String by) {
        PublicKey key = PluginSignature.publicKey(publicKey, "publicKey");
        String id = PluginSignature.keyId(key);
        if (name != null && name.length() > 100) {
            throw new InvalidInputException("name has more than 100 characters", "name")
                .coded("key.nameLength");
        }
        // no control characters, as every other name people give (an ESC sequence was kept and shown in the console)
        name = de.datenhafen.core.security.TextRules.optional(name, "name", 100);
        Optional<Key> existing = key(id);
        if (existing.isPresent()) {
            ConflictException taken = new ConflictException("key " + id + " is already registered for member "
                + existing.get().member() + (existing.get().revoked() ? " (revoked; a revoked key is not registered "
                + "again)" : ""), "publicKey");
            throw existing.get().revoked() ? taken.coded("key.revoked", id, existing.get().member())
                : taken.coded("key.exists", id, existing.get().member());
        }
        Instant now = Instant.now();
        String encoded = Base64.getEncoder().encodeToString(key.getEncoded());
        update("INSERT INTO member_key (id, member_id, algorithm, public_key, name, created_by, created_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?)", id, member, PluginSignature.ALGORITHM, encoded, name, by,
            Timestamp.from(now));
        return new Key(id, member, PluginSignature.ALGORITHM, encoded, name, by, now, null, null);
    }

    /** The member's keys, revoked ones included, oldest first. */
    public List<Key> of(String member) {
        return keys("SELECT * FROM member_key WHERE member_id = ? ORDER BY created_at, id", member);
    }

    /** A key by its id, whoever it belongs to. */
    public Optional<Key> key(String id) {
        return keys("SELECT * FROM member_key WHERE id = ?", id).stream().findFirst();
    }

    /** Revokes the member's key; revoking a revoked key changes nothing. */
    public Key revoke(String member, String id, String by) {
        Key key = key(id).filter(k -> k.member().equals(member))
            .orElseThrow(() -> new NotFoundException("member " + member + " has no key " + id, "key"));
        if (!key.revoked()) {
            update("UPDATE member_key SET revoked_at = ?, revoked_by = ? WHERE id = ?", Timestamp.from(Instant.now()),
                by, id);
        }
        return key(id).orElseThrow();
    }

    // ---- the allow-list

    /** Admits the unsigned archive with this SHA-256 (hex); adding it again keeps the first entry. */
    public Allowed allow(String sha256, String note, String by) {
        String hex = sha256 == null ? "" : sha256.trim().toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new InvalidInputException("sha256 must be the archive's SHA-256 as 64 "
                + "hexadecimal digits", "sha256").coded("allowlist.sha256");
        }
        if (note != null && note.length() > 500) {
            throw new InvalidInputException("note has more than 500 characters", "note")
                .coded("allowlist.note");
        }
        note = de.datenhafen.core.security.TextRules.optional(note, "note", 500);
        Optional<Allowed> existing = allowed(hex);
        if (existing.isPresent()) {
            return existing.get();
        }
        Instant now = Instant.now();
        update("INSERT INTO plugin_allowlist (sha256, note, added_by, added_at) VALUES (?, ?, ?, ?)", hex, note, by,
            Timestamp.from(now));
        return new Allowed(hex, note, by, now);
    }

    public Optional<Allowed> allowed(String sha256) {
        return allowList("SELECT * FROM plugin_allowlist WHERE sha256 = ?", sha256).stream().findFirst();
    }

    public List<Allowed> allowList() {
        return allowList("SELECT * FROM plugin_allowlist ORDER BY added_at, sha256");
    }

    /** Takes an entry off the allow-list; the archive it admitted is refused at its next install or start. */
    public void disallow(String sha256) {
        if (update("DELETE FROM plugin_allowlist WHERE sha256 = ?", sha256) == 0) {
            throw new NotFoundException("no archive with SHA-256 " + sha256 + " is on the allow-list", "sha256");
        }
    }

    // ---- SQL

    private List<Key> keys(String sql, Object... args) {
        List<Key> out = new ArrayList<>();
        query(sql, args, rs -> out.add(new Key(rs.getString("id"), rs.getString("member_id"),
            rs.getString("algorithm"), rs.getString("public_key"), rs.getString("name"), rs.getString("created_by"),
            instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("revoked_at")),
            rs.getString("revoked_by"))));
        return out;
    }

    private List<Allowed> allowList(String sql, Object... args) {
        List<Allowed> out = new ArrayList<>();
        query(sql, args, rs -> out.add(new Allowed(rs.getString("sha256"), rs.getString("note"),
            rs.getString("added_by"), instant(rs.getTimestamp("added_at")))));
        return out;
    }

    private interface Row {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, Object[] args, Row row) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.read(rs);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read signing keys: " + e.getMessage(), e);
        }
    }

    private int update(String sql, Object... args) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store signing keys: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
