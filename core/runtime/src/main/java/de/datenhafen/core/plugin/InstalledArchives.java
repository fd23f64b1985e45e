package de.datenhafen.core.plugin;

import de.datenhafen.core.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The plugin archives the hub installed, by file name and SHA-256 (and the version each holds): at start the hub
 * loads these and nothing else from its plugins folder, but for a newer archive of an installed plugin that it takes
 * over ({@link #takeOver}). Also whether the folder's first contents were taken over yet (the first start of a data
 * folder installs what the admin unpacked with the distribution).
 */
final class InstalledArchives {

    /** How an archive came to be installed. */
    static final String UPLOAD = "upload";
    static final String FIRST_START = "first-start";
    static final String ADMITTED = "admitted";
    /** A newer admitted archive of an installed plugin, found in the plugins folder at start (see PluginHost). */
    static final String TAKEOVER = "takeover";

    private static final String FOLDER_TAKEN_OVER = "plugins.folder-taken-over";

    /** One installed archive; {@code version} is null for one installed before versions were recorded. */
    record Installed(String fileName, String pluginId, String sha256, String origin, String version) {
    }

    /** The longest Plugin-Version the table holds; a longer one is recorded as unknown. */
    private static final int VERSION_LENGTH = 255;

    private final Database db;

    InstalledArchives(Database db) {
        this.db = db;
    }

    Map<String, Installed> all() {
        Map<String, Installed> out = new LinkedHashMap<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                 "SELECT file_name, plugin_id, sha256, origin, version FROM plugin_archive ORDER BY file_name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), new Installed(rs.getString(1), rs.getString(2), rs.getString(3),
                    rs.getString(4), rs.getString(5)));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the installed plugin archives", e);
        }
    }

    void record(PluginArchive archive, String origin) {
        String file = archive.path().getFileName().toString();
        // again if another node recorded the same archive meanwhile (nodes starting at once); one archive per plugin,
        // so an upload also replaces a record kept for a plugin whose archive is gone (see ArchiveTakeovers)
        Transactions.run(db, "record the installed plugin archive " + file, c -> {
            try (PreparedStatement delete = c.prepareStatement(
                "DELETE FROM plugin_archive WHERE file_name = ? OR plugin_id = ?")) {
                delete.setString(1, file);
                delete.setString(2, archive.id());
                delete.executeUpdate();
            }
            insert(c, archive, origin);
        });
    }

    /**
     * Replaces the installed archive {@code old} by {@code archive} in one transaction, if {@code old} is still
     * installed: of nodes that start at once with the same newer archive, one replaces it, and the others find the
     * row gone (their delete waits for the first one's commit, then deletes nothing).
     *
     * @return whether this call replaced it (false: another node did, or changed the plugin's archive meanwhile)
     */
    boolean takeOver(Installed old, PluginArchive archive) {
        boolean[] replaced = {false};
        Transactions.run(db, "take over plugin archive " + archive.path().getFileName(), c -> {
            replaced[0] = false; // a retry starts again
            try (PreparedStatement delete = c.prepareStatement(
                "DELETE FROM plugin_archive WHERE file_name = ? AND sha256 = ?")) {
                delete.setString(1, old.fileName());
                delete.setString(2, old.sha256());
                if (delete.executeUpdate() == 0) {
                    return;
                }
            }
            insert(c, archive, TAKEOVER);
            replaced[0] = true;
        });
        return replaced[0];
    }

    private static void insert(Connection c, PluginArchive archive, String origin) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO plugin_archive "
            + "(file_name, plugin_id, sha256, origin, installed_at, version) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, archive.path().getFileName().toString());
            insert.setString(2, archive.id());
            insert.setString(3, archive.sha256());
            insert.setString(4, origin);
            insert.setTimestamp(5, Timestamp.from(Instant.now()));
            insert.setString(6, archive.version().length() <= VERSION_LENGTH ? archive.version() : null);
            insert.executeUpdate();
        }
    }

    /** Records the version of an archive installed before versions were recorded, once it was read at a start. */
    void noteVersion(String fileName, String version) {
        if (version.length() > VERSION_LENGTH) {
            return;
        }
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                 "UPDATE plugin_archive SET version = ? WHERE file_name = ? AND version IS NULL")) {
            ps.setString(1, version);
            ps.setString(2, fileName);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the version of plugin archive " + fileName, e);
        }
    }

    void remove(String fileName) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM plugin_archive WHERE file_name = ?")) {
            ps.setString(1, fileName);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot forget the plugin archive " + fileName, e);
        }
    }

    boolean folderTakenOver() {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM hub_setting WHERE name = ?")) {
            ps.setString(1, FOLDER_TAKEN_OVER);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the hub's settings", e);
        }
    }

    void markFolderTakenOver() {
        if (folderTakenOver()) {
            return;
        }
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO hub_setting (name, val) VALUES (?, ?)")) {
            ps.setString(1, FOLDER_TAKEN_OVER);
            ps.setString(2, Instant.now().toString());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store the hub's settings", e);
        }
    }
}
