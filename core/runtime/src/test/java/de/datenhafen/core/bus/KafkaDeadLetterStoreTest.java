package de.datenhafen.core.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import de.datenhafen.testkit.Kafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dead letters in a compacted Kafka topic, on a real broker in this JVM (testkit's {@link Kafka}, shared), a topic
 * prefix per test: what the database's store answers ({@link DeadLetterStoreContract}), and a second store on the same
 * topic, another node or the same node after a restart, reads them at its start and follows the first one's changes.
 */
class KafkaDeadLetterStoreTest extends DeadLetterStoreContract {

    private static final AtomicInteger PREFIXES = new AtomicInteger();
    KafkaEventLog.Broker broker;
    KafkaDeadLetterStore kafka;

    @BeforeEach
    void open() {
        broker = new KafkaEventLog.Broker(Kafka.shared().bootstrapServers(),
            "dead-letters-test-" + PREFIXES.incrementAndGet() + ".");
        kafka = new KafkaDeadLetterStore(broker, clock);
        store = kafka;
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    @Test
    void keepsThemInACompactedTopic() throws Exception {
        store.add("webhook", 17, "HTTP 500", 6, T);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            Kafka.shared().bootstrapServers()))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, KafkaDeadLetterStore.topic(broker));
            assertThat(admin.describeConfigs(List.of(topic)).all().get(10, TimeUnit.SECONDS).get(topic)
                .get("cleanup.policy").value()).isEqualTo("compact");
        }
    }

    @Test
    void anotherNodeReadsThemAtItsStartAndFollowsChanges() {
        DeadLetter kept = store.add("webhook", 1, "HTTP 500", 5, T);
        DeadLetter discarded = store.add("webhook", 2, "HTTP 502", 5, T);
        store.delete(discarded.id());
        clock.advance(Duration.ofMinutes(1));
        DeadLetter refailed = store.recordFailure(kept.id(), "HTTP 503").orElseThrow();

        try (KafkaDeadLetterStore other = new KafkaDeadLetterStore(broker, clock)) {
            assertThat(other.list(DeadLetterFilter.ALL, 0, 10)).as("read at start, with the same ids")
                .containsExactly(refailed);
            assertThat(refailed.attempts()).isEqualTo(6);
            assertThat(refailed.error()).isEqualTo("HTTP 503");
            assertThat(refailed.lastFailed()).isEqualTo(T.plus(Duration.ofMinutes(1)));

            DeadLetter added = store.add("archive", 3, "disk full", 1, T);
            await().atMost(Duration.ofSeconds(10)).until(() -> other.get(added.id()).isPresent());
            other.delete(kept.id());
            await().atMost(Duration.ofSeconds(10)).until(() -> store.get(kept.id()).isEmpty());
            assertThat(store.list(DeadLetterFilter.ALL, 0, 10)).containsExactly(added);
        }
    }

    @Test
    void takesOverTheDeadLettersOfAnotherStoreAsTheyWere() {
        // the hub hands its database's store at an upgrade to Kafka; any store answers the same (the contract)
        KafkaEventLog.Broker before = new KafkaEventLog.Broker(Kafka.shared().bootstrapServers(),
            "dead-letters-before-" + PREFIXES.incrementAndGet() + ".");
        try (KafkaDeadLetterStore old = new KafkaDeadLetterStore(before, clock)) {
            DeadLetter first = old.add("webhook", 1, "HTTP 500", 5, T.minus(Duration.ofHours(1)));
            clock.advance(Duration.ofMinutes(5));
            DeadLetter second = old.recordFailure(old.add("archive", 2, "disk full", 3, T).id(), "disk still full")
                .orElseThrow();
            clock.advance(Duration.ofMinutes(5));

            assertThat(kafka.takeOver(old)).isEqualTo(2);

            assertThat(old.list(DeadLetterFilter.ALL, 0, 10)).as("gone from where they were").isEmpty();
            assertThat(store.list(DeadLetterFilter.ALL, 0, 10)).as("oldest first, each as it was")
                .extracting(DeadLetter::subscription, DeadLetter::eventSeq, DeadLetter::error, DeadLetter::attempts,
                    DeadLetter::firstFailed, DeadLetter::lastFailed)
                .containsExactly(
                    tuple("webhook", 1L, "HTTP 500", 5, first.firstFailed(),
                        first.lastFailed()),
                    tuple("archive", 2L, "disk still full", 4, second.firstFailed(),
                        second.lastFailed()));
            assertThat(kafka.takeOver(old)).as("nothing left to move at the next start").isZero();
            assertThat(store.count(DeadLetterFilter.ALL)).isEqualTo(2);
        }
    }
}
