package de.datenhafen.core.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restored data folder's first start moves the bus's counter past what the old hub handed out since the backup. */
class RestoredBackupTest {

    private static final Instant NOW = Instant.parse("2026-12-07T11:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aBackupTwoDaysOldMovesTheCounterByThreeDaysAtTheBoundAndTheMarkerGoes() throws Exception {
        try (Database db = TestDatabase.H2.open(dir)) {
            Files.write(dir.resolve(RestoredBackup.FILE), RestoredBackup.marker(NOW.minus(Duration.ofDays(2))));

            OptionalLong first = RestoredBackup.apply(db.dataSource(), dir, Clock.fixed(NOW, ZoneOffset.UTC));

            // the time since and a day more: a second restore of the same backup later moves past the first's numbers
            long gap = (2 * 86_400 + 1 + 86_400) * RestoredBackup.EVENTS_PER_SECOND_BOUND;
            assertThat(first).hasValue(gap + 1);
            assertThat(lastAssigned(db)).isEqualTo(gap);
            assertThat(dir.resolve(RestoredBackup.FILE)).doesNotExist();
            // the next start is a usual one
            assertThat(RestoredBackup.apply(db.dataSource(), dir, Clock.fixed(NOW, ZoneOffset.UTC))).isEmpty();
            assertThat(lastAssigned(db)).isEqualTo(gap);
        }
    }

    @Test
    void aBackupOfAMomentAgoStillMovesItADaysWorth() throws Exception {
        try (Database db = TestDatabase.H2.open(dir)) {
            Files.write(dir.resolve(RestoredBackup.FILE), RestoredBackup.marker(NOW.plusSeconds(30))); // a clock ahead

            RestoredBackup.apply(db.dataSource(), dir, Clock.fixed(NOW, ZoneOffset.UTC));

            assertThat(lastAssigned(db)).isEqualTo(86_400 * RestoredBackup.EVENTS_PER_SECOND_BOUND);
        }
    }

    @Test
    void aMarkerMoreThanAYearOldStopsTheStartSayingWhy() throws Exception {
        try (Database db = TestDatabase.H2.open(dir)) {
            Files.write(dir.resolve(RestoredBackup.FILE), RestoredBackup.marker(Instant.parse("2016-12-07T11:00:00Z")));

            assertThatThrownBy(() -> RestoredBackup.apply(db.dataSource(), dir, Clock.fixed(NOW, ZoneOffset.UTC)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("2016-12-07T11:00:00Z, which is not "
                    + "within a year before now");
            assertThat(lastAssigned(db)).isZero();
        }
    }

    @Test
    void aMarkerThatSaysNoTimeStopsTheStartAndChangesNothing() throws Exception {
        try (Database db = TestDatabase.H2.open(dir)) {
            Files.writeString(dir.resolve(RestoredBackup.FILE), "{\"taken\":\"yesterday\"}");

            assertThatThrownBy(() -> RestoredBackup.apply(db.dataSource(), dir, Clock.fixed(NOW, ZoneOffset.UTC)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is not a backup's marker")
                .hasMessageContaining("{\"taken\":\"2026-12-02T03:15:00Z\"}");
            assertThat(dir.resolve(RestoredBackup.FILE)).exists();
            assertThat(lastAssigned(db)).isZero();
        }
    }

    private static long lastAssigned(Database db) throws SQLException {
        try (Connection c = db.connection()) {
            return GroupCommitLog.lastAssigned(c);
        }
    }
}
