package de.datenhafen.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.config.HubConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins and Camel run in the hub's JVM and stop their threads by interrupting them (an executor's
 * {@code shutdownNow}, a cancelled task, a route stopped with a time-out). An interrupt that lands while such a thread
 * is inside H2's file access must not take the database away from everyone else: with H2's {@code file:} it closes
 * the file channel and H2 then closes the whole database (every later statement: "The database has been closed")
 * until a restart. The hub's default URL opens the file with {@code async:}, which an interrupt does not close.
 */
@Timeout(120)
class H2FilesAndInterruptsTest {

    @Test
    void interruptingThreadsThatCommitToTheHubsDatabaseNeverClosesIt(@TempDir Path home) throws Exception {
        HubConfig config = HubConfig.load(home, Map.of(), Map.of());
        try (Database db = Database.open(DatabaseLogin.of(config))) {
            try (Connection c = db.connection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE interrupted_writes (round_no INT, i INT, v VARCHAR(300), PRIMARY KEY (round_no, i))");
            }
            for (int round = 0; round < 12; round++) {
                int r = round;
                AtomicInteger committed = new AtomicInteger();
                Thread writer = new Thread(() -> {
                    try (Connection c = db.connection();
                         PreparedStatement ps = c.prepareStatement("INSERT INTO interrupted_writes VALUES (?, ?, ?)")) {
                        c.setAutoCommit(false);
                        for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                            ps.setInt(1, r);
                            ps.setInt(2, i);
                            ps.setString(3, "x".repeat(300));
                            ps.executeUpdate();
                            c.commit();
                            committed.incrementAndGet();
                        }
                    } catch (SQLException e) {
                        // H2 may answer the interrupt with "statement was canceled": the thread's own work ends
                    }
                }, "writer-" + round);
                writer.start();
                // interrupt at a different point of the commit cycle each round
                int after = 1 + round % 7;
                await().atMost(Duration.ofSeconds(30)).until(() -> committed.get() >= after);
                writer.interrupt();
                writer.join(Duration.ofSeconds(20).toMillis());
                assertThat(writer.isAlive()).as("round %d: the writer saw its interrupt and ended", round).isFalse();

                try (Connection c = db.connection(); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM interrupted_writes WHERE round_no = " + r)) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("round %d: every commit that returned is stored", round)
                        .isBetween(committed.get(), committed.get() + 1);
                }
            }
            assertThat(db.isUp()).isTrue();
        }
    }

    @Test
    void theHubsOwnFileToolsFindTheFileBehindEitherPrefix() {
        assertThat(Database.h2File("jdbc:h2:async:/srv/hub/data/datenhafen;WRITE_DELAY=0"))
            .contains(Path.of("/srv/hub/data/datenhafen.mv.db"));
        assertThat(Database.h2File("jdbc:h2:file:/srv/hub/data/datenhafen"))
            .contains(Path.of("/srv/hub/data/datenhafen.mv.db"));
        assertThat(Database.h2File("jdbc:h2:mem:x")).isEmpty();
        assertThat(Database.h2File("jdbc:postgresql://db/hub")).isEmpty();
    }
}
