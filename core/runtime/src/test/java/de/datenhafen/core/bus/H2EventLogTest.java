package de.datenhafen.core.bus;

import static de.datenhafen.core.bus.BusFixtures.reading;
import static de.datenhafen.core.bus.BusFixtures.readings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The log's promises ({@link EventLogContract}) on the row storage, on H2 and on PostgreSQL;
 * {@link ChunkedEventLogTest} runs all of them against the chunked storage too.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
class H2EventLogTest extends EventLogContract {

    @Parameter
    TestDatabase database;

    @TempDir
    Path dir;

    Database db;

    @BeforeEach
    void openDatabase() {
        db = database.open(dir);
    }

    @Override
    void closeStore() {
        db.close();
    }

    /** Opens the storage under test. */
    GroupCommitLog startLog(DataSource dataSource, H2EventLog.Settings settings) {
        return H2EventLog.start(dataSource, settings);
    }

    @Override
    EventLog open(H2EventLog.Settings settings) {
        return startLog(db.dataSource(), settings);
    }

    /**
     * A data folder restored from a backup goes on past the gap its first start leaves (RestoredBackup): new events
     * after it, the backup's events still found as duplicates (the window was rebuilt from the counter, past every
     * stored event), and a reader steps over the gap with one look.
     */
    @Test
    void afterARestoredBackupNumbersGoOnPastTheGapAndTheBackupsEventsAreStillDuplicates(@TempDir Path data)
        throws Exception {
        start(H2EventLog.Settings.DEFAULTS);
        get(log.append(readings("a", 5)));
        log.close();
        java.nio.file.Files.write(data.resolve(RestoredBackup.FILE),
            RestoredBackup.marker(java.time.Instant.now().minus(Duration.ofHours(1))));

        long first = RestoredBackup.apply(db.dataSource(), data, java.time.Clock.systemUTC()).orElseThrow();
        start(H2EventLog.Settings.DEFAULTS);

        assertThat(first).isGreaterThan(RestoredBackup.EVENTS_PER_SECOND_BOUND * 86_400);
        assertThat(log.lastSequence()).isEqualTo(first - 1);
        assertThat(get(log.append(List.of(reading("b"), reading("a-0")))))
            .containsExactly(new AppendResult(first, false), new AppendResult(1, true));
        assertThat(log.firstSequenceAfter(0, Long.MAX_VALUE)).hasValue(1);
        assertThat(log.firstSequenceAfter(2, 4)).hasValue(3);
        assertThat(log.firstSequenceAfter(5, Long.MAX_VALUE)).hasValue(first);
        assertThat(log.firstSequenceAfter(5, first - 1)).isEmpty();
        assertThat(log.read(EventFilter.ALL, 5, 10)).extracting(StoredEvent::sequence).containsExactly(first);
    }

    @Test
    void refusesToStartOnH2WithAWriteDelay(@TempDir Path other) {
        assumeTrue(database == TestDatabase.H2, "a setting of H2's");
        try (Database unsafe = Database.open("jdbc:h2:file:" + other.resolve("unsafe").toAbsolutePath()
            + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "")) {
            assertThatThrownBy(() -> startLog(unsafe.dataSource(), H2EventLog.Settings.DEFAULTS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("runs with WRITE_DELAY=500")
                .hasMessageContaining("Add ;WRITE_DELAY=0 to the JDBC URL");
        }
    }
}
