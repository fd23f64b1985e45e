package de.datenhafen.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.node.Changes;
import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes' limiters on one database, each reading the change notices every 50 ms: wrong credentials sent to either
 * count at both, so a client that spreads its guesses over the nodes of a load balancer is turned away after the
 * limit of one node (each node counted its own: two nodes, twice the guesses). The notices hold digests only.
 */
class FailedAuthLimiterAcrossNodesTest {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final String KIND = "auth.failed.account";

    @TempDir
    Path dir;

    private Database db;
    private final List<Changes> nodes = new ArrayList<>();

    @BeforeEach
    void open() {
        db = TestDatabase.H2.open(dir);
    }

    @AfterEach
    void close() {
        nodes.forEach(Changes::close);
        db.close();
    }

    private FailedAuthLimiter node(String id) {
        Changes changes = new Changes(db.dataSource(), id, Clock.systemUTC(), Duration.ofMillis(50));
        nodes.add(changes);
        FailedAuthLimiter limiter = new FailedAuthLimiter(5, Duration.ofHours(1), 1000, Clock.systemUTC());
        limiter.shareChanges(changes, KIND);
        return limiter;
    }

    @Test
    void guessesSpreadOverTwoNodesCountAtBoth() throws Exception {
        FailedAuthLimiter a = node("node-a");
        FailedAuthLimiter b = node("node-b");
        for (int i = 0; i < 3; i++) {
            a.failed("account:vera");
        }
        b.failed("account:vera");
        b.failed("account:vera");
        assertThat(a.retryAfter("account:vera")).as("A alone has seen 3 of 5").isZero();

        await().atMost(BOUND).until(() -> !a.retryAfter("account:vera").isZero()
            && !b.retryAfter("account:vera").isZero());
        assertThat(a.retryAfter("account:vera")).isPositive().isLessThanOrEqualTo(Duration.ofHours(1));
        assertThat(a.retryAfter("account:olga")).as("another account").isZero();
        assertThat(b.retryAfter("account:olga")).isZero();

        try (Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name FROM hub_change WHERE kind = '" + KIND + "'")) {
            int notices = 0;
            while (rs.next()) {
                notices++;
                assertThat(rs.getString(1)).as("a digest, never the name as typed").matches("[0-9a-f]{64}")
                    .doesNotContain("vera");
            }
            assertThat(notices).isEqualTo(5);
        }
    }
}
