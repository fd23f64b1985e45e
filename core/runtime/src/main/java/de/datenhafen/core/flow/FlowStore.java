package de.datenhafen.core.flow;

import de.datenhafen.core.security.SecretBox;
import de.datenhafen.core.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Flows and their versions in the hub database; definitions are stored encrypted. */
final class FlowStore {

    /** A flow as stored. */
    record Row(String name, String member, int version, String desired, Instant createdAt, Instant updatedAt) {
    }

    /** One stored version; {@code definition} decrypted. */
    record Version(String name, int version, String definition, String note, String createdBy, Instant createdAt) {
    }

    private final Database db;
    private final SecretBox secrets;

    FlowStore(Database db, SecretBox secrets) {
        this.db = db;
        this.secrets = secrets;
    }

    List<Row> all() {
        List<Row> out = new ArrayList<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT name, member_id, version, desired, created_at, "
                 + "updated_at FROM flow ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Row(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                    rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read flows", e);
        }
        return out;
    }

    /** Stores a new flow with its first version, in one transaction. */
    void insert(Row row, Version first) {
        inTransaction("store flow " + row.name(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO flow (name, member_id, version, desired, "
                + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, row.name());
                ps.setString(2, row.member());
                ps.setInt(3, row.version());
                ps.setString(4, row.desired());
                ps.setTimestamp(5, Timestamp.from(row.createdAt()));
                ps.setTimestamp(6, Timestamp.from(row.updatedAt()));
                ps.executeUpdate();
            }
            insertVersion(c, first);
        });
    }

    /** One unit of work on a connection. */
    private interface Work {
        void run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction: all of it or, on an error, none. */
    private void inTransaction(String what, Work work) {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot " + what, e);
        }
    }

    /**
     * Adds a version and makes it the flow's current one, in one transaction, deleting the versions {@code kept} or
     * more before it.
     */
    void addVersion(Version v, Instant now, int kept) {
        inTransaction("store a version of flow " + v.name(), c -> {
            insertVersion(c, v);
            try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM flow_version WHERE name = ? AND version <= ?")) {
                ps.setString(1, v.name());
                ps.setInt(2, v.version() - kept);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                "UPDATE flow SET version = ?, updated_at = ? WHERE name = ?")) {
                ps.setInt(1, v.version());
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setString(3, v.name());
                ps.executeUpdate();
            }
        });
    }

    private void insertVersion(Connection c, Version v) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO flow_version (name, version, definition, note, "
            + "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, v.name());
            ps.setInt(2, v.version());
            ps.setString(3, secrets.encrypt(v.definition()));
            ps.setString(4, v.note());
            ps.setString(5, v.createdBy());
            ps.setTimestamp(6, Timestamp.from(v.createdAt()));
            ps.executeUpdate();
        }
    }

    void updateDesired(String name, String desired, Instant now) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("UPDATE flow SET desired = ?, updated_at = ? WHERE name = ?")) {
            ps.setString(1, desired);
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setString(3, name);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot change flow " + name, e);
        }
    }

    /** The newest {@code kept} versions, oldest first (a flow stored before versions were bounded may have more). */
    List<Version> versions(String name, int kept) {
        List<Version> out = new ArrayList<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT name, version, definition, note, created_by, "
                 + "created_at FROM flow_version WHERE name = ? AND version > (SELECT MAX(version) FROM flow_version "
                 + "WHERE name = ?) - ? ORDER BY version")) {
            ps.setString(1, name);
            ps.setString(2, name);
            ps.setInt(3, kept);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Version(rs.getString(1), rs.getInt(2), secrets.decrypt(rs.getString(3)),
                        rs.getString(4), rs.getString(5), rs.getTimestamp(6).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the versions of flow " + name, e);
        }
        return out;
    }

    /** One version, read alone: a flow's versions together may be many megabytes. */
    Optional<Version> version(String name, int version) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT name, version, definition, note, created_by, "
                 + "created_at FROM flow_version WHERE name = ? AND version = ?")) {
            ps.setString(1, name);
            ps.setInt(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Version(rs.getString(1), rs.getInt(2),
                    secrets.decrypt(rs.getString(3)), rs.getString(4), rs.getString(5),
                    rs.getTimestamp(6).toInstant())) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read version " + version + " of flow " + name, e);
        }
    }

    /** The flow's highest version number, 0 for none. */
    int latestVersion(String name) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT MAX(version) FROM flow_version WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the versions of flow " + name, e);
        }
    }

    void delete(String name) {
        inTransaction("delete flow " + name, c -> {
            try (PreparedStatement v = c.prepareStatement("DELETE FROM flow_version WHERE name = ?");
                 PreparedStatement f = c.prepareStatement("DELETE FROM flow WHERE name = ?")) {
                v.setString(1, name);
                v.executeUpdate();
                f.setString(1, name);
                f.executeUpdate();
            }
        });
    }
}
