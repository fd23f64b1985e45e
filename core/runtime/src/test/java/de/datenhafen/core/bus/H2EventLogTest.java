package de.datenhafen.core.bus;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.TestDatabase;
import java.nio.file.Path;
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
