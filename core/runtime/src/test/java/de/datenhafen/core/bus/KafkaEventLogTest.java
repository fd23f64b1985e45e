package de.datenhafen.core.bus;

import static de.datenhafen.core.bus.BusFixtures.readings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.testkit.Kafka;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }
}
