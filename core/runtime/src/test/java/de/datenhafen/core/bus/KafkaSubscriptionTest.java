package de.datenhafen.core.bus;

import static de.datenhafen.core.bus.BusFixtures.readings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.store.Database;
import de.datenhafen.testkit.Kafka;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subscriptions as Kafka consumer groups, on a real broker in this JVM (testkit's {@link Kafka}, shared): two backends
 * on one database and one topic stand for two hub nodes, each with its own group members. The group's session is the
 * broker's shortest (6 s), so a dead node's subscription moves within seconds.
 */
class KafkaSubscriptionTest {

    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static final Duration FAILOVER = Duration.ofSeconds(15);
    private static final String NAME = "projection";

    @TempDir
    Path dir;

    Database db;
    KafkaEventLog.Broker broker;
    KafkaEventLog log;
    KafkaSubscriptionBackend onA;
    KafkaSubscriptionBackend onB;
    Admin admin;

    @BeforeEach
    void open() {
        db = BusFixtures.database(dir);
        broker = new KafkaEventLog.Broker(Kafka.shared().bootstrapServers(),
            "groups-test-" + PREFIXES.incrementAndGet() + ".");
        log = KafkaEventLog.start(broker, H2EventLog.Settings.DEFAULTS);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.shared().bootstrapServers()));
    }

    /** Two nodes whose members commit every {@code commitInterval}. */
    private void nodes(Duration commitInterval) {
        KafkaSubscriptionBackend.Settings s = new KafkaSubscriptionBackend.Settings(Duration.ofSeconds(6),
            Duration.ofSeconds(1), Duration.ofSeconds(6), commitInterval);
        onA = new KafkaSubscriptionBackend(broker, db.dataSource(), log, Clock.systemUTC(), "node-a", s);
        onB = new KafkaSubscriptionBackend(broker, db.dataSource(), log, Clock.systemUTC(), "node-b", s);
    }

    @AfterEach
    void close() {
        if (onA != null) {
            onA.close();
        }
        if (onB != null) {
            onB.close();
        }
        admin.close();
        log.close();
        db.close();
    }

    @Test
    void aDeadNodesSubscriptionMovesToAnotherWithinFifteenSecondsAndResumesAtTheCommittedCursor() throws Exception {
        nodes(Duration.ofMillis(100));
        append(10);
        onA.create(NAME, EventFilter.ALL, 0);
        List<Long> deliveredOnA = new CopyOnWriteArrayList<>();
        List<Long> deliveredOnB = new CopyOnWriteArrayList<>();
        SubscriptionWorker a = worker(onA, deliveredOnA);
        await().atMost(FAILOVER).until(() -> deliveredOnA.size() == 10);
        SubscriptionWorker b = worker(onB, deliveredOnB);
        try {
            await().atMost(FAILOVER).until(() -> committed(NAME) == 10L);
            assertThat(onB.deliveredBy(NAME)).hasValue("node-a");
            HubSubscriptions.CursorMove byA = onB.lastMove(NAME).orElseThrow();
            assertThat(byA.node()).isEqualTo("node-a");
            assertThat(byA.token()).as("the group's generation").isPositive();

            onA.vanish(NAME); // as a killed node: no last commit, no leaving the group
            long killed = System.nanoTime();
            append(10);
            await().atMost(FAILOVER).until(() -> deliveredOnB.size() >= 10);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            System.out.println("Subscription moved to node B " + tookMs + " ms after node A died");

            assertThat(deliveredOnA).containsExactlyElementsOf(range(1, 10));
            assertThat(deliveredOnB).as("node B resumes after the committed cursor; nothing skipped, nothing twice")
                .containsExactlyElementsOf(range(11, 20));
            assertThat(tookMs).as("the dead member stays until its session ends").isGreaterThan(3_000);
            await().atMost(FAILOVER).until(() -> committed(NAME) == 20L);
            assertThat(onA.deliveredBy(NAME)).hasValue("node-b");
            HubSubscriptions.CursorMove byB = onA.lastMove(NAME).orElseThrow();
            assertThat(byB.node()).isEqualTo("node-b");
            assertThat(byB.token()).as("a later generation fences node A's commits").isGreaterThan(byA.token());
            assertThat(metadata(NAME)).isEqualTo(byB.token() + " node-b");
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void aMemberThatLostThePartitionCannotMoveTheCommittedCursor() throws Exception {
        nodes(Duration.ofHours(1)); // commits only when the test asks, at hand-over and at stop
        append(10);
        onA.create(NAME, EventFilter.ALL, 0);
        SubscriptionWorker.Cursor a = onA.cursor(NAME, EventFilter.ALL);
        await().atMost(FAILOVER).until(a::held);
        assertThat(a.advance(0, 5)).isTrue();
        onA.commitNow();
        SubscriptionWorker.Cursor b = onB.cursor(NAME, EventFilter.ALL);
        assertThat(committed(NAME)).isEqualTo(5L);

        // node A delivers on in memory, then its member's thread stops polling past max.poll.interval.ms: Kafka takes
        // the partition from it and gives it to node B
        assertThat(a.advance(5, 9)).isTrue();
        CountDownLatch stuck = new CountDownLatch(1);
        onA.onMemberThread(NAME, () -> {
            try {
                stuck.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            await().atMost(FAILOVER).until(b::held);
            assertThat(a.held()).as("node A stops on its own once its member has not polled for a while").isFalse();
            assertThat(a.advance(9, 12)).isFalse();
            assertThat(b.position()).as("node B reads the committed cursor, not what A moved in memory").isEqualTo(5);
            assertThat(b.advance(5, 7)).isTrue();
            onB.commitNow();
            assertThat(committed(NAME)).isEqualTo(7L);
            onA.commitSoon(NAME); // the first thing node A does when it resumes: commit the 9 it holds in memory
        } finally {
            stuck.countDown();
        }

        await().atMost(FAILOVER).until(() -> onA.refusedCommits(NAME) == 1);
        assertThat(committed(NAME)).isEqualTo(7L);
        assertThat(a.held()).isFalse();
        assertThat(b.held()).as("node B keeps the partition (sticky assignment)").isTrue();
    }

    @Test
    void seekMovesTheGroupWithOrWithoutAMemberAndDeleteRemovesIt() throws Exception {
        nodes(Duration.ofMillis(100));
        append(10);
        onA.create(NAME, EventFilter.ALL, 10);
        assertThat(committed(NAME)).as("a new subscription's group starts where it was created").isEqualTo(10L);

        onB.seek(NAME, 4); // no member anywhere: the admin client sets the offset
        assertThat(committed(NAME)).isEqualTo(3L);
        assertThat(onA.position(NAME)).isEqualTo(3L);
        assertThat(onA.lastMove(NAME)).as("no generation stands behind an admin's commit")
            .hasValue(new HubSubscriptions.CursorMove("node-b", null));

        SubscriptionWorker.Cursor a = onA.cursor(NAME, EventFilter.ALL);
        await().atMost(FAILOVER).until(a::held);
        assertThat(a.position()).isEqualTo(3L);
        onA.seek(NAME, 8); // the member holding the partition commits it
        assertThat(a.position()).isEqualTo(7L);
        assertThat(committed(NAME)).isEqualTo(7L);
        assertThat(onB.lastMove(NAME).map(HubSubscriptions.CursorMove::node)).hasValue("node-a");
        assertThat(onB.lastMove(NAME).map(HubSubscriptions.CursorMove::token)).get().isNotNull();

        a.release();
        assertThat(onA.store().delete(NAME)).isTrue();
        onA.forget(NAME);
        assertThat(admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS).stream()
            .map(ConsumerGroupListing::groupId)).doesNotContain(KafkaSubscriptionBackend.group(broker, NAME));
    }

    @Test
    void aCommitNamesItsNodeAndGenerationAndMetadataOfOtherToolsNamesNoMove() {
        assertThat(KafkaSubscriptionBackend.commitOf(7, 3, "node-a").metadata()).isEqualTo("3 node-a");
        assertThat(KafkaSubscriptionBackend.moveOf("3 node-a"))
            .hasValue(new HubSubscriptions.CursorMove("node-a", 3L));
        assertThat(KafkaSubscriptionBackend.moveOf("- node-b"))
            .hasValue(new HubSubscriptions.CursorMove("node-b", null));
        for (String foreign : new String[] {"", "reset by an operator", "x node-a", "3 ", " node-a"}) {
            assertThat(KafkaSubscriptionBackend.moveOf(foreign)).as(foreign).isEmpty();
        }
        assertThat(KafkaSubscriptionBackend.moveOf(null)).isEmpty();
    }

    private SubscriptionWorker worker(KafkaSubscriptionBackend on, List<Long> delivered) {
        SubscriptionWorker w = new SubscriptionWorker(NAME, EventFilter.ALL, log, on.cursor(NAME, EventFilter.ALL),
            on.deadLetters(), e -> delivered.add(e.sequence()), RetryPolicy.DEFAULT);
        on.consumers().attach(w, null);
        w.start();
        return w;
    }

    private void append(int count) throws Exception {
        log.append(readings("r" + log.lastSequence() + "-", count)).get(10, TimeUnit.SECONDS);
    }

    /** The metadata of the group's committed offset, as {@code kafka-consumer-groups --describe --verbose} shows. */
    private String metadata(String subscription) throws Exception {
        return admin.listConsumerGroupOffsets(KafkaSubscriptionBackend.group(broker, subscription))
            .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
            .get(new TopicPartition(broker.eventsTopic(), 0)).metadata();
    }

    /** The group's committed offset, as {@code kafka-consumer-groups --describe} shows it (-1: none). */
    private long committed(String subscription) throws Exception {
        OffsetAndMetadata o = admin.listConsumerGroupOffsets(KafkaSubscriptionBackend.group(broker, subscription))
            .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
            .get(new TopicPartition(broker.eventsTopic(), 0));
        return o == null ? -1 : o.offset();
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }
}
