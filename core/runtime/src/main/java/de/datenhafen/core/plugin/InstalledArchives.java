package de.datenhafen.core.plugin;

import de.datenhafen.api.RefusedException;
import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.Transactions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin archives the hub installed, by file name and SHA-256 (and the version each holds): at start the hub
 * loads these and nothing else from its plugins folder, but for a newer archive of an installed plugin that it takes
 * over ({@link #takeOver}). Also whether the folder's first contents were taken over yet (the first start of a data
 * folder installs what the admin unpacked with the distribution).
 *
 * <p>Each row also keeps the archive's bytes (V13, {@code plugin_archive_chunk}), written in the transaction that
 * records the row, so that every node on the database can fetch an archive installed on another ({@link #fetch}).
 * Bytes are written and read one chunk at a time: memory stays at a chunk, whatever the archive's size.
 */
final class InstalledArchives {

    private static final Logger LOG = LoggerFactory.getLogger(InstalledArchives.class);

    /** How an archive came to be installed. */
    static final String UPLOAD = "upload";
    static final String FIRST_START = "first-start";
    static final String ADMITTED = "admitted";
    /** A newer admitted archive of an installed plugin, found in the plugins folder at start (see PluginHost). */
    static final String TAKEOVER = "takeover";

    private static final String FOLDER_TAKEN_OVER = "plugins.folder-taken-over";

    /**
     * One installed archive; {@code version} is null for one installed before versions were recorded,
     * {@code storedBytes} null when the database does not keep its bytes (see {@link #fillBytes}).
     */
    record Installed(String fileName, String pluginId, String sha256, String origin, String version,
                     Long storedBytes) {

        /** The row without the bytes' count: for rows written by hubs from before V13, and for tests. */
        Installed(String fileName, String pluginId, String sha256, String origin, String version) {
            this(fileName, pluginId, sha256, origin, version, null);
        }
    }

    /** The bytes of one row of {@code plugin_archive_chunk}; 1 MiB, so a node holds one chunk at a time. */
    static final int CHUNK = 1024 * 1024;

    /** The longest Plugin-Version the table holds; a longer one is recorded as unknown. */
    private static final int VERSION_LENGTH = 255;

    private final Database db;
    /** The largest archive whose bytes are kept and fetched: the upload's limit ({@code plugin.max.size}). */
    private final long maxBytes;

    InstalledArchives(Database db) {
        this(db, Long.MAX_VALUE);
    }

    InstalledArchives(Database db, long maxBytes) {
        this.db = db;
        this.maxBytes = maxBytes;
    }

    Map<String, Installed> all() {
        Map<String, Installed> out = new LinkedHashMap<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                 "SELECT file_name, plugin_id, sha256, origin, version, stored_bytes FROM plugin_archive "
                     + "ORDER BY file_name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long stored = rs.getLong(6);
                Long storedBytes = rs.wasNull() ? null : stored;
                out.put(rs.getString(1), new Installed(rs.getString(1), rs.getString(2), rs.getString(3),
                    rs.getString(4), rs.getString(5), storedBytes));
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
            deleteUnusedBytes(c);
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
            deleteUnusedBytes(c);
            replaced[0] = true;
        });
        return replaced[0];
    }

    private void insert(Connection c, PluginArchive archive, String origin) throws SQLException {
        Long stored = storeBytes(c, archive.path(), archive.sha256());
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO plugin_archive "
            + "(file_name, plugin_id, sha256, origin, installed_at, version, stored_bytes) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, archive.path().getFileName().toString());
            insert.setString(2, archive.id());
            insert.setString(3, archive.sha256());
            insert.setString(4, origin);
            insert.setTimestamp(5, Timestamp.from(Instant.now()));
            insert.setString(6, archive.version().length() <= VERSION_LENGTH ? archive.version() : null);
            insert.setObject(7, stored, Types.BIGINT);
            insert.executeUpdate();
        }
    }

    /**
     * Writes the bytes of the archive at {@code file} as chunks of {@code sha256}, unless they are kept already
     * (another row, or another node, wrote them); checks the hash while it writes, so a file changed since it was
     * inspected is not kept under the inspected hash. Returns the count of bytes kept, or null for an archive larger
     * than the upload's limit (its bytes are not kept: the other nodes need it deployed).
     */
    private Long storeBytes(Connection c, Path file, String sha256) throws SQLException {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the plugin archive " + file.getFileName(), e);
        }
        if (size > maxBytes) {
            LOG.warn("Plugin archive {} has {} bytes, more than plugin.max.size ({}); the database does not keep it, so "
                + "other nodes need it deployed to their plugins folder", file.getFileName(), size, maxBytes);
            return null;
        }
        try (PreparedStatement kept = c.prepareStatement(
            "SELECT COUNT(*), COALESCE(SUM(OCTET_LENGTH(bytes)), 0) FROM plugin_archive_chunk WHERE sha256 = ?")) {
            kept.setString(1, sha256);
            try (ResultSet rs = kept.executeQuery()) {
                rs.next();
                if (rs.getLong(1) > 0 && rs.getLong(2) == size) {
                    return size;
                }
            }
        }
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM plugin_archive_chunk WHERE sha256 = ?")) {
            delete.setString(1, sha256); // a part left by an archive of the same hash whose write did not finish
            delete.executeUpdate();
        }
        MessageDigest digest = ArchiveInspector.sha256Digest();
        long written = 0;
        try (InputStream in = Files.newInputStream(file);
             PreparedStatement insert = c.prepareStatement(
                 "INSERT INTO plugin_archive_chunk (sha256, seq, bytes) VALUES (?, ?, ?)")) {
            byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(1, size))];
            for (int seq = 0; ; seq++) {
                int n = in.readNBytes(chunk, 0, chunk.length);
                if (n == 0) {
                    break;
                }
                digest.update(chunk, 0, n);
                written += n;
                insert.setString(1, sha256);
                insert.setInt(2, seq);
                insert.setBytes(3, n == chunk.length ? chunk : java.util.Arrays.copyOf(chunk, n));
                insert.executeUpdate();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the plugin archive " + file.getFileName(), e);
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(sha256)) {
            throw new IllegalStateException("plugin archive " + file.getFileName() + " changed while the hub stored "
                + "it (SHA-256 " + actual + ", inspected " + sha256 + ")");
        }
        return written;
    }

    /** Chunks no row refers to any more: of an archive that was deleted or replaced. */
    private static void deleteUnusedBytes(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM plugin_archive_chunk "
            + "WHERE sha256 NOT IN (SELECT sha256 FROM plugin_archive)")) {
            ps.executeUpdate();
        }
    }

    /**
     * Keeps the bytes of an archive installed before the database kept them (a row from before V13), from its file
     * {@code file} in the plugins folder, if the row is still {@code row} and the file's bytes hash to its SHA-256
     * (checked while they are written). Another node that fills them at the same time makes this a no-op.
     *
     * @return whether the bytes are kept now
     */
    boolean fillBytes(Installed row, Path file) {
        boolean[] kept = {false};
        Transactions.run(db, "keep the bytes of plugin archive " + row.fileName(), c -> {
            kept[0] = false;
            try (PreparedStatement still = c.prepareStatement("SELECT stored_bytes FROM plugin_archive "
                + "WHERE file_name = ? AND sha256 = ? FOR UPDATE")) {
                still.setString(1, row.fileName());
                still.setString(2, row.sha256());
                try (ResultSet rs = still.executeQuery()) {
                    if (!rs.next()) {
                        return; // deleted or replaced meanwhile
                    }
                    rs.getLong(1);
                    if (!rs.wasNull()) {
                        kept[0] = true;
                        return;
                    }
                }
            }
            Long stored = storeBytes(c, file, row.sha256());
            if (stored == null) {
                return;
            }
            try (PreparedStatement update = c.prepareStatement(
                "UPDATE plugin_archive SET stored_bytes = ? WHERE file_name = ? AND sha256 = ?")) {
                update.setLong(1, stored);
                update.setString(2, row.fileName());
                update.setString(3, row.sha256());
                update.executeUpdate();
            }
            kept[0] = true;
        });
        return kept[0];
    }

    /**
     * Writes the kept bytes of {@code row} to {@code target} (a new file; deleted again if this fails), one chunk at
     * a time, and checks them: no more than the row says and the upload's limit allow, and their SHA-256 the row's.
     * What is in the database is not trusted more than an upload: the caller inspects the file as it would one.
     *
     * @throws RefusedException if the bytes are missing, too many, or do not hash to the row's SHA-256
     */
    void fetch(Installed row, Path target) {
        if (row.storedBytes() == null) {
            throw new RefusedException("the database does not keep the bytes of plugin archive " + row.fileName()
                + " (installed before it did, or larger than plugin.max.size): deploy it to this node's plugins "
                + "folder", "archive");
        }
        if (row.storedBytes() > maxBytes) {
            throw new RefusedException("plugin archive " + row.fileName() + " has " + row.storedBytes() + " bytes in "
                + "the database; this hub accepts at most " + maxBytes + " (plugin.max.size)", "archive");
        }
        long limit = row.storedBytes();
        MessageDigest digest = ArchiveInspector.sha256Digest();
        long read = 0;
        boolean done = false;
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                 "SELECT bytes FROM plugin_archive_chunk WHERE sha256 = ? AND seq = ?");
             OutputStream out = new DigestOutputStream(Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                 StandardOpenOption.WRITE), digest)) {
            ps.setString(1, row.sha256());
            for (int seq = 0; read < limit; seq++) {
                ps.setInt(2, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        break;
                    }
                    byte[] chunk = rs.getBytes(1);
                    if (chunk.length > CHUNK || read + chunk.length > limit) {
                        throw new RefusedException("the bytes of plugin archive " + row.fileName() + " in the "
                            + "database are more than the " + row.storedBytes() + " its row names", "archive");
                    }
                    out.write(chunk);
                    read += chunk.length;
                }
            }
            if (read != row.storedBytes()) {
                throw new RefusedException("the database keeps " + read + " bytes of plugin archive "
                    + row.fileName() + ", not the " + row.storedBytes() + " its row names", "archive");
            }
            done = true;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read plugin archive " + row.fileName() + " from the database: "
                + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write plugin archive " + row.fileName() + " to " + target, e);
        } finally {
            if (!done) {
                ArchiveInspector.deleteQuietly(target);
            }
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(row.sha256())) {
            ArchiveInspector.deleteQuietly(target);
            throw new RefusedException("the bytes of plugin archive " + row.fileName() + " in the database do not "
                + "match its SHA-256 (they hash to " + actual + ", the row names " + row.sha256() + "): refused, as an "
                + "upload whose bytes changed would be", "archive");
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
        Transactions.run(db, "forget the plugin archive " + fileName, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM plugin_archive WHERE file_name = ?")) {
                ps.setString(1, fileName);
                ps.executeUpdate();
            }
            deleteUnusedBytes(c);
        });
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

    /**
     * Notes that the plugins folder was taken over; once is enough, and nodes started at once on a new database may
     * each note it, after each saw it not noted (the first one's time stays).
     */
    void markFolderTakenOver() {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "INSERT INTO hub_setting (name, val) SELECT ?, ? FROM (VALUES (1)) AS one(x) "
                + "WHERE NOT EXISTS (SELECT 1 FROM hub_setting WHERE name = ?)")) {
            ps.setString(1, FOLDER_TAKEN_OVER);
            ps.setString(2, Instant.now().toString());
            ps.setString(3, FOLDER_TAKEN_OVER);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) { // 23: another node noted it meanwhile
                throw new IllegalStateException("cannot store the hub's settings", e);
            }
        }
    }
}
