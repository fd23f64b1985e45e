package de.datenhafen.core.integration;

import de.datenhafen.core.store.Database;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/** Integrations in the database, so they come back after a restart in the state they had. */
final class IntegrationStore {

    private final Database db;

    IntegrationStore(Database db) {
        this.db = db;
    }

    List<IntegrationRecord> all() {
        List<IntegrationRecord> out = new ArrayList<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT name, connector, plugin_id, config_json, desired, "
                 + "created_at, updated_at FROM integration ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new IntegrationRecord(rs.getString(1), rs.getString(2), rs.getString(3),
                    new JsonObject(rs.getString(4)).getMap(), rs.getString(5), rs.getTimestamp(6).toInstant(),
                    rs.getTimestamp(7).toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read integrations", e);
        }
        return out;
    }

    void insert(IntegrationRecord r) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO integration (name, connector, plugin_id, "
                 + "config_json, desired, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.name());
            ps.setString(2, r.connector());
            ps.setString(3, r.pluginId());
            ps.setString(4, new JsonObject(r.storedConfig()).encode());
            ps.setString(5, r.desired());
            ps.setTimestamp(6, Timestamp.from(r.createdAt()));
            ps.setTimestamp(7, Timestamp.from(r.updatedAt()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store integration " + r.name(), e);
        }
    }

    void updateDesired(IntegrationRecord r) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                 "UPDATE integration SET desired = ?, updated_at = ? WHERE name = ?")) {
            ps.setString(1, r.desired());
            ps.setTimestamp(2, Timestamp.from(r.updatedAt()));
            ps.setString(3, r.name());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update integration " + r.name(), e);
        }
    }

    void updateConfig(IntegrationRecord r) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                 "UPDATE integration SET config_json = ?, updated_at = ? WHERE name = ?")) {
            ps.setString(1, new JsonObject(r.storedConfig()).encode());
            ps.setTimestamp(2, Timestamp.from(r.updatedAt()));
            ps.setString(3, r.name());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update integration " + r.name(), e);
        }
    }

    void delete(String name) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM integration WHERE name = ?")) {
            ps.setString(1, name);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete integration " + name, e);
        }
    }
}
