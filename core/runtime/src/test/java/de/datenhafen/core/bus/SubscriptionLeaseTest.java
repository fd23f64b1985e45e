package de.datenhafen.core.bus;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.node.Leases;
import de.datenhafen.core.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one database, one subscription: the node holding its lease moves the cursor; once another node took
 * the lease over (the first one was paused past the lease's end, which a clock ahead by the lease time stands in for
 * here), the first node's cursor writes are refused by the fencing token, whatever it delivered meanwhile, and it
 * stops counting the lease as held.
 */
class SubscriptionLeaseTest {

    // long enough that no renewal runs during a test: what happens is what the test does, in its order
    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final Duration RENEW = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    Database db;
    Leases nodeA;
    Leases nodeB;
    JdbcSubscriptionBackend onA;
    JdbcSubscriptionBackend onB;

    @BeforeEach
    void open() {
        db = BusFixtures.database(dir);
        nodeA = new Leases(db.dataSource(), "node-a", Clock.systemUTC(), LEASE, RENEW);
        // node B's clock is past node A's lease: to B it has run out, as if A had been paused that long
        nodeB = new Leases(db.dataSource(), "node-b", Clock.offset(Clock.systemUTC(), LEASE.plusSeconds(1)), LEASE,
            RENEW);
        onA = new JdbcSubscriptionBackend(db.dataSource(), null, Clock.systemUTC(), Duration.ofHours(1), nodeA);
        onB = new JdbcSubscriptionBackend(db.dataSource(), null, Clock.systemUTC(), Duration.ofHours(1), nodeB);
        onA.store().create("projection", EventFilter.ALL, 0);
    }

    @AfterEach
    void close() {
        onA.close();
        onB.close();
        nodeA.close();
        nodeB.close();
        db.close();
    }

    @Test
    void theHolderMovesTheCursorAndRecordsItsToken() {
        SubscriptionWorker.Cursor a = onA.cursor("projection", EventFilter.ALL);

        boolean moved = a.advance(0, 5);
        onA.flush();

        assertThat(a.held()).isTrue();
        assertThat(moved).isTrue();
        assertThat(onA.store().get("projection").orElseThrow().cursor()).isEqualTo(5);
        assertThat(onA.store().lastMove("projection").orElseThrow())
            .isEqualTo(new SubscriptionStore.Fence("subscription:projection", "node-a", 1));
        assertThat(onA.deliveredBy("projection")).hasValue("node-a");
    }

    @Test
    void aNodeThatLostItsLeaseCannotMoveTheCursor() {
        SubscriptionWorker.Cursor a = onA.cursor("projection", EventFilter.ALL);
        a.advance(0, 5);
        onA.flush();

        SubscriptionWorker.Cursor b = onB.cursor("projection", EventFilter.ALL);
        boolean bHolds = b.held();
        long bStartsAt = b.position();
        // A still believes it holds the lease (its own clock), delivers on and tries to write its position
        boolean aMovedInMemory = a.advance(5, 9);
        onA.flush();
        b.advance(5, 7);
        onB.flush();

        assertThat(bHolds).as("node B took the expired lease").isTrue();
        assertThat(bStartsAt).as("node B reads on from the stored cursor").isEqualTo(5);
        assertThat(aMovedInMemory).isTrue();
        assertThat(a.held()).as("node A noticed that its write was refused").isFalse();
        assertThat(a.advance(9, 12)).isFalse();
        assertThat(onA.store().get("projection").orElseThrow().cursor()).isEqualTo(7);
        assertThat(onA.store().lastMove("projection").orElseThrow())
            .isEqualTo(new SubscriptionStore.Fence("subscription:projection", "node-b", 2));
        assertThat(onA.deliveredBy("projection")).hasValue("node-b");
    }

    @Test
    void aNodeWaitsWhileAnotherHoldsAnUnexpiredLease() {
        Leases nodeC = new Leases(db.dataSource(), "node-c", Clock.systemUTC(), LEASE, RENEW);
        JdbcSubscriptionBackend onC = new JdbcSubscriptionBackend(db.dataSource(), null, Clock.systemUTC(),
            Duration.ofHours(1), nodeC);
        try {
            SubscriptionWorker.Cursor a = onA.cursor("projection", EventFilter.ALL);
            SubscriptionWorker.Cursor c = onC.cursor("projection", EventFilter.ALL);

            assertThat(a.held()).isTrue();
            assertThat(c.held()).isFalse();
            assertThat(c.advance(0, 3)).isFalse();
        } finally {
            onC.close();
            nodeC.close();
        }
    }
}
