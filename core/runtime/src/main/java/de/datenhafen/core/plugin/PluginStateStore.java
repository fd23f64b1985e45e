package de.datenhafen.core.plugin;

import de.datenhafen.core.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/** Whether each plugin is enabled, kept in the database so it survives restarts. */
final class PluginStateStore {

    private final Database db;

    PluginStateStore(Database db) {
        this.db = db;
    }

    Optional<Boolean> enabled(String pluginId) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT enabled FROM plugin_state WHERE plugin_id = ?")) {
            ps.setString(1, pluginId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBoolean(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the state of plugin " + pluginId, e);
        }
    }

    void setEnabled(String pluginId, boolean enabled) {
        try (Connection c = db.connection()) {
            int n;
            try (PreparedStatement ps = c.prepareStatement(
                "UPDATE plugin_state SET enabled = ?, updated_at = ? WHERE plugin_id = ?")) {
                ps.setBoolean(1, enabled);
                ps.setTimestamp(2, Timestamp.from(Instant.now()));
                ps.setString(3, pluginId);
                n = ps.executeUpdate();
            }
            if (n == 0) {
                try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO plugin_state (plugin_id, enabled, updated_at) VALUES (?, ?, ?)")) {
                    ps.setString(1, pluginId);
                    ps.setBoolean(2, enabled);
                    ps.setTimestamp(3, Timestamp.from(Instant.now()));
                    ps.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store the state of plugin " + pluginId, e);
        }
    }

    void delete(String pluginId) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM plugin_state WHERE plugin_id = ?")) {
            ps.setString(1, pluginId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete the state of plugin " + pluginId, e);
        }
    }
}
