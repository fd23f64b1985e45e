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
 * The plugin archives the hub installed, by file name and SHA-256: at start the hub loads these and nothing else
 * from its plugins folder. Also whether the folder's first contents were taken over yet (the first start of a data
 * folder installs what the admin unpacked with the distribution).
 */
final class InstalledArchives {

    /** How an archive came to be installed. */
    static final String UPLOAD = "upload";
    static final String FIRST_START = "first-start";
    static final String ADMITTED = "admitted";

    private static final String FOLDER_TAKEN_OVER = "plugins.folder-taken-over";

    /** One installed archive. */
    record Installed(String fileName, String pluginId, String sha256, String origin) {
    }

    private final Database db;

    InstalledArchives(Database db) {
        this.db = db;
    }

    Map<String, Installed> all() {
        Map<String, Installed> out = new LinkedHashMap<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                 "SELECT file_name, plugin_id, sha256, origin FROM plugin_archive ORDER BY file_name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), new Installed(rs.getString(1), rs.getString(2), rs.getString(3),
                    rs.getString(4)));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the installed plugin archives", e);
        }
    }

    void record(PluginArchive archive, String origin) {
        String file = archive.path().getFileName().toString();
        // again if another node recorded the same archive meanwhile (nodes starting at once)
        Transactions.run(db, "record the installed plugin archive " + file, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM plugin_archive WHERE file_name = ?");
                 PreparedStatement insert = c.prepareStatement("INSERT INTO plugin_archive "
                     + "(file_name, plugin_id, sha256, origin, installed_at) VALUES (?, ?, ?, ?, ?)")) {
                delete.setString(1, file);
                delete.executeUpdate();
                insert.setString(1, file);
                insert.setString(2, archive.id());
                insert.setString(3, archive.sha256());
                insert.setString(4, origin);
                insert.setTimestamp(5, Timestamp.from(Instant.now()));
                insert.executeUpdate();
            }
        });
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
