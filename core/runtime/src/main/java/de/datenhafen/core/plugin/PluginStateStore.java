package de.datenhafen.core.plugin;

import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether each plugin is enabled, kept in the database so it survives restarts; why the hub disabled it, if the hub
 * did; and whether this node's start of it is under way (the boot-loop guard: see {@link #startBegins}). Nodes on one
 * database share the first two; the note of a start is each node's own, so a node that starts while another starts
 * the same plugin does not take the other's start for one that crashed the hub.
 */
final class PluginStateStore {

    /** A plugin's stored state. */
    record State(boolean enabled, String disabledReason, Instant startBeganAt) {
    }

    private final Database db;
    private final String nodeId;

    PluginStateStore(Database db, String nodeId) {
        this.db = db;
        this.nodeId = nodeId;
    }

    Optional<State> state(String pluginId) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                 "SELECT enabled, disabled_reason, start_began_at FROM plugin_state WHERE plugin_id = ?")) {
            ps.setString(1, pluginId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Timestamp began = rs.getTimestamp(3); // a note from before notes were per node
                if (began == null) {
                    began = ownStartNote(c, pluginId);
                }
                return Optional.of(new State(rs.getBoolean(1), rs.getString(2),
                    began == null ? null : began.toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the state of plugin " + pluginId, e);
        }
    }

    private Timestamp ownStartNote(Connection c, String pluginId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT began_at FROM plugin_start WHERE plugin_id = ? AND node_id = ?")) {
            ps.setString(1, pluginId);
            ps.setString(2, nodeId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getTimestamp(1) : null;
            }
        }
    }

    Optional<Boolean> enabled(String pluginId) {
        return state(pluginId).map(State::enabled);
    }

    /** The admin's choice; it clears a reason the hub gave. */
    void setEnabled(String pluginId, boolean enabled) {
        upsert(pluginId, "enabled = ?, disabled_reason = NULL", ps -> ps.setBoolean(1, enabled), enabled);
    }

    /** The hub disables a plugin by itself, saying why; the admin sees the reason until it enables the plugin. */
    void disableBecause(String pluginId, String reason) {
        upsert(pluginId, "enabled = FALSE, disabled_reason = ?, start_began_at = NULL",
            ps -> ps.setString(1, reason), false);
        startEnded(pluginId);
    }

    /**
     * Notes, committed before any plugin code runs, that the plugin's constructor or start begins. If the hub goes
     * down before {@link #startEnded} (the plugin called {@code System.exit}, or hung until the process was killed),
     * the next start finds the note and starts the plugin disabled instead of looping.
     */
    void startBegins(String pluginId) {
        inTransaction(pluginId, c -> {
            // the plugin's row, made enabled if new (a plugin the admin never touched), without a note of a hub from
            // before the notes were per node
            upsert(c, pluginId, "start_began_at = ?", ps -> ps.setTimestamp(1, null), true);
            deleteOwnStartNote(c, pluginId);
            try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO plugin_start (plugin_id, node_id, began_at) VALUES (?, ?, ?)")) {
                ps.setString(1, pluginId);
                ps.setString(2, nodeId);
                ps.setTimestamp(3, Timestamp.from(Instant.now()));
                ps.executeUpdate();
            }
        });
    }

    void startEnded(String pluginId) {
        try (Connection c = db.connection()) {
            deleteOwnStartNote(c, pluginId);
            try (PreparedStatement ps = c.prepareStatement(
                "UPDATE plugin_state SET start_began_at = NULL WHERE plugin_id = ? AND start_began_at IS NOT NULL")) {
                ps.setString(1, pluginId);
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store the state of plugin " + pluginId, e);
        }
    }

    private void deleteOwnStartNote(Connection c, String pluginId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM plugin_start WHERE plugin_id = ? AND node_id = ?")) {
            ps.setString(1, pluginId);
            ps.setString(2, nodeId);
            ps.executeUpdate();
        }
    }

    void delete(String pluginId) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM plugin_state WHERE plugin_id = ?");
             PreparedStatement notes = c.prepareStatement("DELETE FROM plugin_start WHERE plugin_id = ?")) {
            ps.setString(1, pluginId);
            ps.executeUpdate();
            notes.setString(1, pluginId);
            notes.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete the state of plugin " + pluginId, e);
        }
    }

    /** Sets the first parameter(s) of {@code assignments}; a missing row is made with {@code enabledIfNew}. */
    private void upsert(String pluginId, String assignments, Binder bind, boolean enabledIfNew) {
        inTransaction(pluginId, c -> upsert(c, pluginId, assignments, bind, enabledIfNew));
    }

    private static void upsert(Connection c, String pluginId, String assignments, Binder bind, boolean enabledIfNew)
        throws SQLException {
        int n;
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE plugin_state SET " + assignments + ", updated_at = ? WHERE plugin_id = ?")) {
            bind.bind(ps);
            ps.setTimestamp(2, Timestamp.from(Instant.now()));
            ps.setString(3, pluginId);
            n = ps.executeUpdate();
        }
        if (n == 0) {
            try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO plugin_state (plugin_id, enabled, updated_at) VALUES (?, ?, ?)")) {
                ps.setString(1, pluginId);
                ps.setBoolean(2, enabledIfNew);
                ps.setTimestamp(3, Timestamp.from(Instant.now()));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                "UPDATE plugin_state SET " + assignments + " WHERE plugin_id = ?")) {
                bind.bind(ps);
                ps.setString(2, pluginId);
                ps.executeUpdate();
            }
        }
    }

    /** Runs {@code work} in one transaction of its own (again if another node inserted the same row meanwhile). */
    private void inTransaction(String pluginId, Transactions.Work work) {
        Transactions.run(db, "store the state of plugin " + pluginId, work);
    }

    /** Binds parameter 1 of an assignment. */
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }
}
