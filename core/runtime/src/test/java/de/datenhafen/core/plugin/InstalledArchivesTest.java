package de.datenhafen.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
 * many nodes try at the same start, and each archive keeps the version it holds.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
class InstalledArchivesTest {

    private static final String OLD_SHA = "a".repeat(64);
    private static final String NEW_SHA = "b".repeat(64);

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
        new InstalledArchives(db).record(archive("transit-1.0.0.zip", "1.0.0", OLD_SHA), InstalledArchives.FIRST_START);
        InstalledArchives.Installed old = new InstalledArchives(db).all().get("transit-1.0.0.zip");
        PluginArchive newer = archive("transit-1.1.0.zip", "1.1.0", NEW_SHA);
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
            "transit-1.1.0.zip", "transit", NEW_SHA, InstalledArchives.TAKEOVER, "1.1.0"));
        // a later start with the same archive finds it installed and has nothing to replace
        assertThat(new InstalledArchives(db).takeOver(old, newer)).isFalse();
    }

    @Test
    void notesTheVersionOfAnArchiveRecordedBeforeVersionsWereAndNeverOverwritesOne() throws SQLException {
        InstalledArchives installed = new InstalledArchives(db);
        installed.record(archive("memo.zip", "2.0.0", OLD_SHA), InstalledArchives.UPLOAD);
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE plugin_archive SET version = NULL"); // as before V12
        }

        installed.noteVersion("memo.zip", "2.0.0");
        installed.noteVersion("memo.zip", "2.1.0");

        assertThat(installed.all().get("memo.zip").version()).isEqualTo("2.0.0");
    }

    private static PluginArchive archive(String file, String version, String sha256) {
        return new PluginArchive(Path.of("plugins", file), "zip", file.replaceAll("-[0-9.]+\\.zip$", "")
            .replace(".zip", ""), version, "Verkehrsbetriebe", "de.example.Transit", ">=1.0.0 & <2.0.0", "", sha256);
    }
}
