package de.datenhafen.core.bus;

import static de.datenhafen.core.bus.BusFixtures.reading;
import static de.datenhafen.core.bus.BusFixtures.readings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import de.datenhafen.api.RetryableException;
import de.datenhafen.testkit.Kafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log's promises ({@link EventLogContract}) on a Kafka topic: a real broker in this JVM (testkit's {@link Kafka},
 * one for all test classes), a topic of its own per test.
 */
class KafkaEventLogTest extends EventLogContract {

    private static final AtomicInteger TOPICS = new AtomicInteger();

    KafkaEventLog.Broker broker;

    @BeforeEach
    void newTopic() {
        broker = new KafkaEventLog.Broker(Kafka.shared().bootstrapServers(),
            "log-test-" + TOPICS.incrementAndGet() + ".");
    }

    @Override
    EventLog open(H2EventLog.Settings settings) {
        return KafkaEventLog.start(broker, settings);
    }

    @Test
    void makesTheTopicWithOnePartitionAndNumbersEventsByOffset() throws Exception {
        start(H2EventLog.Settings.DEFAULTS);

        assertThat(get(log.append(readings("a", 3)))).extracting(AppendResult::sequence).containsExactly(1L, 2L, 3L);

        try (Admin admin = admin()) {
            assertThat(admin.describeTopics(List.of("log-test-" + TOPICS.get() + ".events")).allTopicNames()
                .get(10, TimeUnit.SECONDS).values().iterator().next().partitions()).hasSize(1);
        }
    }

    @Test
    void refusesATopicWithSeveralPartitions() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(broker.eventsTopic(), Optional.of(3), Optional.empty())))
                .all().get(10, TimeUnit.SECONDS);
        }

        assertThatThrownBy(() -> start(H2EventLog.Settings.DEFAULTS))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("the topic " + broker.eventsTopic() + " has 3 partitions; the bus needs exactly one (its "
                + "offsets are the hub's sequences, see docs/operations.md)");
    }

    @Test
    void failsAnAppendAsRetryableAndReportsSilenceWhenKafkaIsGone() throws Exception {
        try (Kafka own = Kafka.start()) { // a broker of its own, to stop
            broker = new KafkaEventLog.Broker(own.bootstrapServers(), "gone.", Map.of("request.timeout.ms", "1000",
                "delivery.timeout.ms", "2000", "max.block.ms", "1000", "reconnect.backoff.max.ms", "200"));
            start(H2EventLog.Settings.DEFAULTS);
            assertThat(get(log.append(readings("before", 2)))).hasSize(2);
            assertThat(((KafkaEventLog) log).silence(Duration.ofSeconds(10))).isEmpty();
        }

        CompletableFuture<List<AppendResult>> after = log.append(readings("after", 1));

        assertThatThrownBy(() -> after.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(RetryableException.class)
            .hasMessageStartingWith("Kafka did not take the events: ");
        await().atMost(Duration.ofSeconds(30))
            .until(() -> ((KafkaEventLog) log).silence(Duration.ofSeconds(1)).isPresent());
        assertThat(((KafkaEventLog) log).silence(Duration.ofSeconds(1)).orElseThrow())
            .startsWith("no answer from " + broker.bootstrapServers() + " for ");
    }

    @Test
    void anEventStoredThroughOneNodeIsADuplicateOnAnotherOnceItsFollowerReadIt() throws Exception {
        start(H2EventLog.Settings.DEFAULTS);
        // started before anything was stored: its window knows the first node's events only by following the topic
        try (KafkaEventLog other = KafkaEventLog.start(broker, H2EventLog.Settings.DEFAULTS)) {
            assertThat(get(log.append(readings("a", 3)))).extracting(AppendResult::sequence)
                .containsExactly(1L, 2L, 3L);
            await().atMost(Duration.ofSeconds(10)).until(() -> other.lastSequence() >= 3);

            assertThat(get(other.append(List.of(reading("a-1"), reading("b-0")))))
                .containsExactly(new AppendResult(2, true), new AppendResult(4, false));

            await().atMost(Duration.ofSeconds(10)).until(() -> log.lastSequence() >= 4);
            assertThat(get(log.append(List.of(reading("b-0"), reading("a-2")))))
                .containsExactly(new AppendResult(4, true), new AppendResult(3, true));
            assertThat(log.read(EventFilter.ALL, 0, 100)).extracting(e -> e.event().getId())
                .containsExactly("a-0", "a-1", "a-2", "b-0");
        }
    }

    @Test
    void aRetryOfAFailedSendIsRefusedUntilTheLogHasReadTheTopicAgainThenStoredOnce(@TempDir Path dir)
        throws Exception {
        int[] ports = Kafka.freePorts(2);
        Kafka own = Kafka.start(dir, ports[0], ports[1], false); // stopped and started again on its folder and ports
        try {
            broker = new KafkaEventLog.Broker(own.bootstrapServers(), "outage.", Map.of("request.timeout.ms", "1000",
                "delivery.timeout.ms", "2000", "max.block.ms", "1000", "reconnect.backoff.max.ms", "200"));
            start(H2EventLog.Settings.DEFAULTS);
            assertThat(get(log.append(readings("before", 2)))).hasSize(2);
            own.close();

            CompletableFuture<List<AppendResult>> failed = log.append(readings("during", 3));
            assertThatThrownBy(() -> failed.get(30, TimeUnit.SECONDS)).cause()
                .isInstanceOf(RetryableException.class).hasMessageStartingWith("Kafka did not take the events: ");
            // whether Kafka kept them is not known while it is away: the retry is refused at once, not sent
            assertThatThrownBy(() -> log.append(List.of(reading("new-0"), reading("during-1"))).get(5,
                TimeUnit.SECONDS)).cause().isInstanceOf(RetryableException.class)
                .hasMessage("an earlier attempt to store the event during-1 of urn:dh:airq:vendor failed while Kafka"
                    + " did not answer; whether Kafka kept it is known once the hub has read the topic again");

            own = Kafka.start(dir, ports[0], ports[1], false);
            List<AppendResult> stored = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> appendOrNull(readings("during", 3)), r -> r != null);

            assertThat(stored).extracting(AppendResult::duplicate).containsOnly(false); // it had not been written
            assertThat(log.read(EventFilter.ALL, 0, 100)).extracting(e -> e.event().getId())
                .containsExactly("before-0", "before-1", "during-0", "during-1", "during-2");
            assertThat(get(log.append(readings("during", 3)))).extracting(AppendResult::duplicate)
                .containsOnly(true);
        } finally {
            if (log != null) {
                log.close(); // before the broker: its last sends are answered
                log = null;
            }
            own.close();
        }
    }

    /** The append's answer, or null when it was refused as retryable (as a client retries after a 503). */
    private List<AppendResult> appendOrNull(List<NewEvent> events) throws Exception {
        try {
            return log.append(events).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RetryableException) {
                return null;
            }
            throw e;
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }
}
