package de.datenhafen.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.api.RefusedException;

import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The record of installed archives on H2 and PostgreSQL: a newer archive replaces the installed one once, however
 * many nodes try at the same start, and each archive keeps the version it holds. The record keeps the archive's bytes
 * too, and gives them back to another node only as they were: every byte, and their SHA-256 the row's.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
class InstalledArchivesTest {

    @Parameter
    TestDatabase database;

    @TempDir
    Path dir;

    private Database db;

    @BeforeEach
    void open() {
        db = database.open(dir);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void ofNodesTakingTheSameNewerArchiveOverAtOnceExactlyOneReplacesTheInstalledOne() throws Exception {
        new InstalledArchives(db).record(archive("transit-1.0.0.zip", "1.0.0", 100), InstalledArchives.FIRST_START);
        InstalledArchives.Installed old = new InstalledArchives(db).all().get("transit-1.0.0.zip");
        PluginArchive newer = archive("transit-1.1.0.zip", "1.1.0", 200);
        int nodes = 4;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        List<Future<Boolean>> tries = new ArrayList<>();
        try {
            for (int i = 0; i < nodes; i++) {
                tries.add(pool.submit(() -> {
                    go.await();
                    return new InstalledArchives(db).takeOver(old, newer);
                }));
            }
            go.countDown();
            List<Boolean> replaced = new ArrayList<>();
            for (Future<Boolean> t : tries) {
                replaced.add(t.get(1, TimeUnit.MINUTES));
            }
            assertThat(replaced).containsOnlyOnce(true);
        } finally {
            pool.shutdownNow();
        }

        assertThat(new InstalledArchives(db).all().values()).containsExactly(new InstalledArchives.Installed(
            "transit-1.1.0.zip", "transit", newer.sha256(), InstalledArchives.TAKEOVER, "1.1.0", 200L));
        assertThat(chunks()).as("the replaced archive's bytes are gone with its row").isEqualTo(1);
        // a later start with the same archive finds it installed and has nothing to replace
        assertThat(new InstalledArchives(db).takeOver(old, newer)).isFalse();
    }

    @Test
    void nodesStartedAtOnceOnANewDatabaseEachNoteThePluginsFolderTakenOverAndNoneFails() throws Exception {
        int nodes = 4;
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            // the race is between one node's look and its note: many rounds, each on a database without the note
            for (int round = 0; round < 50; round++) {
                try (Connection c = db.connection(); Statement st = c.createStatement()) {
                    st.executeUpdate("DELETE FROM hub_setting WHERE name = 'plugins.folder-taken-over'");
                }
                assertThat(new InstalledArchives(db).folderTakenOver()).isFalse();
                CyclicBarrier go = new CyclicBarrier(nodes);
                List<Future<?>> marks = new ArrayList<>();
                for (int i = 0; i < nodes; i++) {
                    marks.add(pool.submit(() -> {
                        go.await();
                        new InstalledArchives(db).markFolderTakenOver();
                        return null;
                    }));
                }
                for (Future<?> m : marks) {
                    m.get(1, TimeUnit.MINUTES); // a failure to note it stopped a node's start
                }
                assertThat(new InstalledArchives(db).folderTakenOver()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        String noted = setting("plugins.folder-taken-over");
        new InstalledArchives(db).markFolderTakenOver(); // a later node, or a restart
        assertThat(setting("plugins.folder-taken-over")).as("the first note's time stays").isEqualTo(noted);
    }

    private String setting(String name) throws SQLException {
        try (Connection c = db.connection();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT val FROM hub_setting WHERE name = ?")) {
            ps.setString(1, name);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Test
    void notesTheVersionOfAnArchiveRecordedBeforeVersionsWereAndNeverOverwritesOne() throws SQLException {
        InstalledArchives installed = new InstalledArchives(db);
        installed.record(archive("memo.zip", "2.0.0", 10), InstalledArchives.UPLOAD);
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE plugin_archive SET version = NULL"); // as before V12
        }

        installed.noteVersion("memo.zip", "2.0.0");
        installed.noteVersion("memo.zip", "2.1.0");

        assertThat(installed.all().get("memo.zip").version()).isEqualTo("2.0.0");
    }

    @Test
    void keepsAnArchivesBytesWithItsRowAndGivesThemBackUnchangedInChunks() throws IOException {
        InstalledArchives installed = new InstalledArchives(db, 8L * 1024 * 1024);
        PluginArchive big = archive("transit-1.0.0.zip", "1.0.0", 2 * InstalledArchives.CHUNK + 12_345);
        installed.record(big, InstalledArchives.UPLOAD);
        Path fetched = dir.resolve("fetched.zip");

        installed.fetch(installed.all().get("transit-1.0.0.zip"), fetched);

        assertThat(installed.all().get("transit-1.0.0.zip").storedBytes()).isEqualTo(2L * InstalledArchives.CHUNK
            + 12_345);
        assertThat(chunks()).isEqualTo(3);
        assertThat(Files.mismatch(fetched, big.path())).isEqualTo(-1L);
    }

    @Test
    void refusesBytesThatDoNotHashToTheRowsSha256AndLeavesNoFile() throws Exception {
        InstalledArchives installed = new InstalledArchives(db);
        installed.record(archive("memo-1.0.0.zip", "1.0.0", 5000), InstalledArchives.UPLOAD);
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "UPDATE plugin_archive_chunk SET bytes = ?")) {
            ps.setBytes(1, new byte[5000]); // as many bytes, other ones
            ps.executeUpdate();
        }
        Path fetched = dir.resolve("fetched.zip");

        assertThatThrownBy(() -> installed.fetch(installed.all().get("memo-1.0.0.zip"), fetched))
            .isInstanceOf(RefusedException.class)
            .hasMessageStartingWith("the bytes of plugin archive memo-1.0.0.zip in the database do not match its "
                + "SHA-256 (they hash to ");
        assertThat(fetched).doesNotExist();
    }

    @Test
    void refusesMoreBytesThanTheRowNamesOrTheUploadLimitAllows() throws Exception {
        new InstalledArchives(db).record(archive("memo-1.0.0.zip", "1.0.0", 5000), InstalledArchives.UPLOAD);
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE plugin_archive SET stored_bytes = 4000");
        }
        InstalledArchives installed = new InstalledArchives(db, 4500);
        Path fetched = dir.resolve("fetched.zip");

        assertThatThrownBy(() -> installed.fetch(installed.all().get("memo-1.0.0.zip"), fetched))
            .isInstanceOf(RefusedException.class)
            .hasMessage("the bytes of plugin archive memo-1.0.0.zip in the database are more than the 4000 its row "
                + "names");
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE plugin_archive SET stored_bytes = 5000");
        }
        assertThatThrownBy(() -> installed.fetch(installed.all().get("memo-1.0.0.zip"), fetched))
            .isInstanceOf(RefusedException.class)
            .hasMessage("plugin archive memo-1.0.0.zip has 5000 bytes in the database; this hub accepts at most 4500 "
                + "(plugin.max.size)");
        assertThat(fetched).doesNotExist();
    }

    @Test
    void fillsTheBytesOfARowFromBeforeTheyWereKeptOnlyFromAFileOfItsHash() throws Exception {
        InstalledArchives installed = new InstalledArchives(db);
        PluginArchive memo = archive("memo-1.0.0.zip", "1.0.0", 3000);
        installed.record(memo, InstalledArchives.FIRST_START);
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM plugin_archive_chunk"); // as before V13
            st.executeUpdate("UPDATE plugin_archive SET stored_bytes = NULL");
        }
        InstalledArchives.Installed row = installed.all().get("memo-1.0.0.zip");
        Path other = Files.write(dir.resolve("other.zip"), new byte[3000]);

        assertThatThrownBy(() -> installed.fillBytes(row, other)).hasMessageContaining("changed while the hub stored it");
        assertThat(installed.all().get("memo-1.0.0.zip").storedBytes()).isNull();
        assertThat(chunks()).isZero();

        assertThat(installed.fillBytes(row, memo.path())).isTrue();
        assertThat(installed.all().get("memo-1.0.0.zip").storedBytes()).isEqualTo(3000L);
        assertThat(installed.fillBytes(row, memo.path())).as("kept already").isTrue();
        assertThat(chunks()).isEqualTo(1);
    }

    @Test
    void deletesTheBytesWithTheirArchivesRow() {
        InstalledArchives installed = new InstalledArchives(db);
        installed.record(archive("memo-1.0.0.zip", "1.0.0", 3000), InstalledArchives.UPLOAD);

        installed.remove("memo-1.0.0.zip");

        assertThat(installed.all()).isEmpty();
        assertThat(chunks()).isZero();
    }

    private long chunks() {
        try (Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM plugin_archive_chunk")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An archive of {@code size} random bytes in the test's folder (the store does not look inside). */
    private PluginArchive archive(String file, String version, int size) {
        byte[] bytes = new byte[size];
        new Random(file.hashCode()).nextBytes(bytes);
        try {
            Path path = Files.write(dir.resolve(file), bytes);
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            return new PluginArchive(path, "zip", file.replaceAll("-[0-9.]+\\.zip$", "").replace(".zip", ""),
                version, "Verkehrsbetriebe", "de.example.Transit", ">=1.0.0 & <2.0.0", "", sha256);
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
