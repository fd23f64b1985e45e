package de.datenhafen.core.security;

import de.datenhafen.api.InvalidInputException;
import de.datenhafen.core.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Which member owns each plugin. A plugin is owned by the member an admin assigned to it (at install or later), or
 * else by the member its descriptor names as provider ({@code Plugin-Provider}: a member's id or name); without
 * either it has no owner, and only hub-admins pass its member-guarded endpoints. Read on every guarded plugin request,
 * so kept in memory and changed with the table.
 */
public final class PluginOwners {

    /** The kind of change notice an assignment leaves for the other nodes, which read it again (their cache). */
    public static final String CHANGE = "plugin-owner";

    private final Database db;
    private final Members members;
    private final Map<String, String> assigned = new ConcurrentHashMap<>();
    private volatile Consumer<String> announce = id -> { };

    PluginOwners(Database db, Members members) {
        this.db = db;
        this.members = members;
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "SELECT plugin_id, member_id FROM plugin_owner"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                assigned.put(rs.getString(1), rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the plugins' owners", e);
        }
    }

    /** Where an assignment is told to the other nodes on the database (a change notice of kind {@link #CHANGE}). */
    public void announceWith(Consumer<String> announce) {
        this.announce = announce;
    }

    /** Another node assigned or forgot the owner of {@code pluginId}: reads it again. */
    public void changedElsewhere(String pluginId) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "SELECT member_id FROM plugin_owner WHERE plugin_id = ?")) {
            ps.setString(1, pluginId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    assigned.put(pluginId, rs.getString(1));
                } else {
                    assigned.remove(pluginId);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the owner of plugin " + pluginId, e);
        }
    }

    /** The owning member's id of plugin {@code pluginId} whose descriptor names {@code provider}; null for none. */
    public String ownerOf(String pluginId, String provider) {
        String a = pluginId == null ? null : assigned.get(pluginId);
        return a != null ? a : members.ownerOf(provider);
    }

    /** Whether a member with this id exists (suspended or not). */
    public boolean memberExists(String memberId) {
        return members.exists(memberId);
    }

    /** The member an admin assigned to the plugin, if one did. */
    public Optional<String> assigned(String pluginId) {
        return Optional.ofNullable(assigned.get(pluginId));
    }

    /** Makes {@code memberId} the plugin's owner; the member must exist ({@code field} names where it came from). */
    public void assign(String pluginId, String memberId, String field) {
        if (memberId == null || !members.exists(memberId)) {
            throw new InvalidInputException(memberId == null ? field + " is missing: the id of the member that owns "
                + "the plugin" : "there is no member " + memberId + "; create it first (POST /api/v1/admin/members)",
                field);
        }
        // an update, else an insert: H2's MERGE ... KEY is not PostgreSQL's; an insert that lost a race to another
        // node's (a unique violation) is followed by the update once more
        try (Connection c = db.connection();
             PreparedStatement update = c.prepareStatement("UPDATE plugin_owner SET member_id = ? WHERE plugin_id = ?");
             PreparedStatement insert = c.prepareStatement(
                 "INSERT INTO plugin_owner (plugin_id, member_id) VALUES (?, ?)")) {
            update.setString(1, memberId);
            update.setString(2, pluginId);
            if (update.executeUpdate() == 0) {
                insert.setString(1, pluginId);
                insert.setString(2, memberId);
                try {
                    insert.executeUpdate();
                } catch (SQLException e) {
                    if (!"23505".equals(e.getSQLState())) {
                        throw e;
                    }
                    update.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store the owner of plugin " + pluginId, e);
        }
        assigned.put(pluginId, memberId);
        announce.accept(pluginId);
    }

    /** Forgets the assignment (the plugin was deleted); the descriptor's provider applies again. */
    public void unassign(String pluginId) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "DELETE FROM plugin_owner WHERE plugin_id = ?")) {
            ps.setString(1, pluginId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot forget the owner of plugin " + pluginId, e);
        }
        assigned.remove(pluginId);
        announce.accept(pluginId);
    }
}
