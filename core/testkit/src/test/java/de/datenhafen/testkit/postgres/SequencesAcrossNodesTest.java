package de.datenhafen.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import de.datenhafen.core.bus.AppendResult;
import de.datenhafen.core.bus.ChunkedEventLog;
import de.datenhafen.core.bus.EventFilter;
import de.datenhafen.core.bus.EventLog;
import de.datenhafen.core.bus.H2EventLog;
import de.datenhafen.core.bus.NewEvent;
import de.datenhafen.core.bus.StoredEvent;
import de.datenhafen.core.store.Database;
import de.datenhafen.testkit.Postgres;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Several writers on one PostgreSQL, as several hub nodes are: two event logs append at once (each its own writer and
 * group commits, as in two processes) while a third, which writes nothing, is read by a follower the way a
 * subscription reads. Sequences must stay unique, and the follower must never read past an event that commits later
 * with a lower sequence (the gap of concurrent transactions): every page it reads continues exactly where the last one
 * ended, and in the end it has read every acknowledged event once.
 */
class SequencesAcrossNodesTest {

    /** The test JVM's server (its other PostgreSQL tests' too), a database of its own. */
    private static final Postgres PG = PostgresForTests.sharedOrNull();
    private static final int PRODUCERS_PER_NODE = 3;
    private static final int BATCHES = 60;
    private static final int BATCH = 20;

    @Test
    void concurrentWritersKeepSequencesUniqueAndAFollowerNeverSkipsOne() throws Exception {
        assumeTrue(PG != null, "PostgreSQL is not installed");
        Database db = Database.open(PG.createDatabase("sequences"), PG.user(), PG.password());
        H2EventLog.Settings settings = H2EventLog.Settings.DEFAULTS;
        EventLog nodeA = ChunkedEventLog.start(db.dataSource(), settings);
        EventLog nodeB = ChunkedEventLog.start(db.dataSource(), settings);
        EventLog reader = ChunkedEventLog.start(db.dataSource(), settings);
        ExecutorService producers = Executors.newFixedThreadPool(2 * PRODUCERS_PER_NODE);
        List<Long> acknowledged = Collections.synchronizedList(new ArrayList<>());
        List<String> gaps = Collections.synchronizedList(new ArrayList<>());
        ConcurrentHashMap<Long, String> followed = new ConcurrentHashMap<>();
        List<Long> duplicates = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean following = new AtomicBoolean(true);
        Thread follower = new Thread(() -> {
            long after = 0;
            while (following.get() || after < reader.lastSequence()) {
                List<StoredEvent> page = reader.read(EventFilter.ALL, after, 500);
                for (StoredEvent e : page) {
                    if (e.sequence() != after + 1) {
                        gaps.add("read #" + e.sequence() + " right after #" + after);
                    }
                    if (followed.put(e.sequence(), e.event().getId()) != null) {
                        duplicates.add(e.sequence());
                    }
                    after = e.sequence();
                }
                if (page.isEmpty()) {
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // the follower's poll interval
                }
            }
        }, "follower");
        try {
            follower.start();
            List<CompletableFuture<?>> done = new ArrayList<>();
            for (int p = 0; p < 2 * PRODUCERS_PER_NODE; p++) {
                EventLog node = p % 2 == 0 ? nodeA : nodeB;
                String producer = "p" + p;
                done.add(CompletableFuture.runAsync(() -> {
                    for (int b = 0; b < BATCHES; b++) {
                        List<AppendResult> results = node.append(batch(producer, b)).join();
                        results.forEach(r -> acknowledged.add(r.sequence()));
                    }
                }, producers));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(3, TimeUnit.MINUTES);
            long total = 2L * PRODUCERS_PER_NODE * BATCHES * BATCH;
            await("the follower has read every event").atMost(Duration.ofSeconds(30))
                .until(() -> followed.size() >= total || !gaps.isEmpty());
            following.set(false);
            follower.join(10_000);

            assertThat(gaps).as("pages that skipped a sequence").isEmpty();
            assertThat(duplicates).isEmpty();
            assertThat(acknowledged).hasSize((int) total).doesNotHaveDuplicates();
            assertThat(followed.keySet()).containsExactlyInAnyOrderElementsOf(acknowledged);
            assertThat(reader.lastSequence()).isEqualTo(total);
        } finally {
            following.set(false);
            producers.shutdownNow();
            nodeA.close();
            nodeB.close();
            reader.close();
            db.close();
        }
    }

    private static List<NewEvent> batch(String producer, int b) {
        List<NewEvent> out = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            out.add(new NewEvent(CloudEventBuilder.v1().withId(producer + "-" + b + "-" + i)
                .withSource(URI.create("/sequences/" + producer)).withType("test.sequence")
                .withSubject("s-" + i % 4).withData("text/plain", ("n" + i).getBytes(StandardCharsets.UTF_8))
                .build(), "test"));
        }
        return out;
    }
}
