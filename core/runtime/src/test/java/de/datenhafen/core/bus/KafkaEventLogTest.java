package de.datenhafen.core.bus;

import static de.datenhafen.core.bus.BusFixtures.readings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import de.datenhafen.api.RetryableException;
import de.datenhafen.testkit.Kafka;
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

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }
}
