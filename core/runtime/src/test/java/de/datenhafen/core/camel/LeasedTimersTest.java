package de.datenhafen.core.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.node.Leases;
import de.datenhafen.core.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same timed route on two nodes (two Camel contexts with their own leases on one database): only the node that
 * holds the route's lease fires it; when that node stops the route, the other takes the lease and fires it. A route
 * that is not timed runs on both.
 */
class LeasedTimersTest {

    @TempDir
    Path dir;

    Database db;
    Leases nodeA;
    Leases nodeB;
    DefaultCamelContext camelA;
    DefaultCamelContext camelB;
    final AtomicInteger firedOnA = new AtomicInteger();
    final AtomicInteger firedOnB = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        db = Database.open("jdbc:h2:async:" + dir.resolve("hub").toAbsolutePath() + ";WRITE_DELAY=0", "sa", "");
        nodeA = new Leases(db.dataSource(), "node-a", Clock.systemUTC(), Duration.ofSeconds(10), Duration.ofSeconds(3));
        nodeB = new Leases(db.dataSource(), "node-b", Clock.systemUTC(), Duration.ofSeconds(10), Duration.ofSeconds(3));
        camelA = node(nodeA, firedOnA);
        camelB = node(nodeB, firedOnB);
    }

    private static DefaultCamelContext node(Leases leases, AtomicInteger fired) throws Exception {
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.addRoutePolicyFactory(new LeasedTimers(leases));
        camel.start();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:poll?period=20").routeId("feed.poll").process(e -> fired.incrementAndGet());
                from("direct:ingest").routeId("feed.ingest").log("ingest");
            }
        });
        return camel;
    }

    @AfterEach
    void stop() throws Exception {
        camelA.close();
        camelB.close();
        nodeA.close();
        nodeB.close();
        db.close();
    }

    @Test
    void onlyTheLeaseHolderFiresATimedRouteAndTheOtherTakesOverWhenItStops() throws Exception {
        await("node A fires its timer").atMost(Duration.ofSeconds(10)).until(() -> firedOnA.get() >= 5);
        int onBWhileAHolds = firedOnB.get();

        camelA.getRouteController().stopRoute("feed.poll");
        await("node B fires the timer after A let go").atMost(Duration.ofSeconds(5)).until(() -> firedOnB.get() >= 5);

        assertThat(onBWhileAHolds).isZero();
        assertThat(nodeA.holders()).containsEntry("route:feed.poll", "node-b");
        assertThat(camelB.getRouteController().getRouteStatus("feed.ingest").isStarted()).isTrue();
        assertThat(camelA.getRouteController().getRouteStatus("feed.ingest").isStarted()).isTrue();
    }
}
