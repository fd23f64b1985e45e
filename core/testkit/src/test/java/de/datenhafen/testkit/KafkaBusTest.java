package de.datenhafen.testkit;

import static de.datenhafen.testkit.BusTestSupport.append;
import static de.datenhafen.testkit.BusTestSupport.received;
import static de.datenhafen.testkit.BusTestSupport.sequences;
import static de.datenhafen.testkit.BusTestSupport.sink;
import static de.datenhafen.testkit.BusTestSupport.subscription;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.bus.KafkaDeadLetterStore;
import de.datenhafen.core.bus.KafkaEventLog;
import de.datenhafen.core.bus.KafkaSubscriptionBackend;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hub with {@code bus.kind=kafka} on a real broker (testkit's {@link Kafka}, in this JVM) and a real HTTP port:
 * what a client sees is what it sees on H2. Events posted over HTTP are numbered, stored once, delivered through a
 * subscription, and still there after a restart, when the window of duplicates is rebuilt from the topic.
 */
class KafkaBusTest {

    private static final Path ARCHIVES = TestDirs.create("kafka-bus");
    private static final String BATCH = "application/cloudevents-batch+json";
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final String PREFIX = "hub-test.";
    private static final String BASE = "/api/v1/admin/subscriptions";
    private static final String DEAD_LETTERS = "/api/v1/admin/dead-letters";

    @RegisterExtension
    static final HubExtension hub = BusTestSupport.onKafka(BusTestSupport.sinkHub(ARCHIVES), PREFIX).build();

    @Test
    void storesPostedEventsInKafkaDeliversThemAndKeepsThemAcrossARestart(HubClient client) {
        assertThat(hub.hub().eventLog()).isInstanceOf(KafkaEventLog.class);
        HubClient.Response ready = client.anonymous().get("/health/ready");
        assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
        assertThat(ready.json().getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("name")
            + "=" + ((JsonObject) c).getString("status"))).contains("kafka=UP");
        sink(client, "noise-sink", "noise-watch", "city.noise.*", "rec.noise", new JsonObject());

        List<Long> posted = new ArrayList<>(post(client, noise(0, 3), false));
        assertThat(posted).hasSize(3);
        assertThat(posted.get(1)).isEqualTo(posted.get(0) + 1);
        assertThat(post(client, noise(0, 3), true)).as("the same batch again: stored once").isEqualTo(posted);
        await().atMost(BOUND).until(() -> received(hub.hub(), "rec.noise").size() >= 3);
        assertThat(sequences(received(hub.hub(), "rec.noise"))).containsExactlyElementsOf(posted);

        hub.restart();
        HubClient again = hub.client();

        JsonObject page = again.get("/api/v1/events?type=city.noise.*&after=0&limit=10").json();
        assertThat(page.getJsonArray("events").stream().map(e -> ((JsonObject) e).getLong("sequence")).toList())
            .isEqualTo(posted);
        assertThat(post(again, noise(1, 3), true)).as("the window of duplicates is rebuilt from the topic")
            .isEqualTo(posted.subList(1, 3));
        posted.addAll(post(again, noise(3, 5), false));
        await().atMost(BOUND).until(() -> new TreeSet<>(sequences(received(hub.hub(), "rec.noise"))).size() >= 5);
        assertThat(new TreeSet<>(sequences(received(hub.hub(), "rec.noise")))).containsExactlyElementsOf(posted);
        assertThat(again.get("/api/v1/admin/subscriptions/noise-watch").json().getLong("deadLetters")).isZero();
    }

    @Test
    void subscriptionsAreConsumerGroupsThatTheApiShowsSeeksAndDeletes(HubClient client) throws Exception {
        assertThat(hub.hub().subscriptions()).isInstanceOf(KafkaSubscriptionBackend.class);
        sink(client, "group-sink", "group-watch", "city.group.*", "rec.group", new JsonObject());
        long first = append(hub.hub(), "city.group.count", "s", "{}");
        long second = append(hub.hub(), "city.group.count", "s", "{}");
        await().atMost(BOUND).until(() -> received(hub.hub(), "rec.group").size() >= 2);
        // the sink's own records follow on the bus; the cursor moves over them, as they do not match
        await().atMost(BOUND).until(() -> committed("group-watch") >= second);

        JsonObject shown = client.get(BASE + "/group-watch").json();
        assertThat(shown.getLong("cursor")).isGreaterThanOrEqualTo(second);
        assertThat(shown.getLong("lag")).isZero();
        assertThat(shown.getBoolean("consumer")).isTrue();
        assertThat(shown.getString("node")).as("the node whose group member holds the partition")
            .isEqualTo(hub.hub().nodes().id());
        JsonObject nodes = client.get("/api/v1/admin/nodes").json();
        assertThat(nodes.getJsonArray("nodes").getJsonObject(0).getJsonArray("runs").getList())
            .as("the admin's view of which node runs what: " + nodes).contains("subscription:group-watch");

        HubClient.Response sought = client.post(BASE + "/group-watch/seek", new JsonObject().put("sequence", first));
        assertThat(sought.status()).as(sought.toString()).isEqualTo(200);
        await().atMost(BOUND).until(() -> received(hub.hub(), "rec.group").size() >= 4);
        assertThat(sequences(received(hub.hub(), "rec.group"))).containsExactly(first, second, first, second);

        // a subscription nobody consumes: its group has no member, the admin client sets its offset
        assertThat(subscription(client, "group-idle", "city.group.*", "beginning").getLong("cursor")).isZero();
        assertThat(committed("group-idle")).isZero();
        HubClient.Response idle = client.post(BASE + "/group-idle/seek", new JsonObject().put("sequence", second));
        assertThat(idle.json().getLong("cursor")).as(idle.toString()).isEqualTo(first);
        assertThat(idle.json().getLong("lag")).isEqualTo(1);
        assertThat(committed("group-idle")).isEqualTo(first);
        assertThat(client.delete(BASE + "/group-idle").status()).isEqualTo(204);
        try (Admin admin = admin()) {
            assertThat(admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS).stream()
                .map(ConsumerGroupListing::groupId)).contains(PREFIX + "subscription.group-watch")
                .doesNotContain(PREFIX + "subscription.group-idle");
        }
    }

    @Test
    void deadLettersAreInATopicThatTheApiListsReplaysAndDiscards(HubClient client) throws Exception {
        assertThat(hub.hub().subscriptions().deadLetterStore()).isInstanceOf(KafkaDeadLetterStore.class);
        Path failing = Files.createFile(ARCHIVES.resolve("dead-fails"));
        sink(client, "dead-sink", "dead-watch", "city.dead.*", "rec.dead",
            new JsonObject().put("fail-containing", "poison").put("fail-while-file", failing.toString()));
        long a = append(hub.hub(), "city.dead.x", "s", "{\"v\":\"poison\"}");
        long b = append(hub.hub(), "city.dead.x", "s", "{\"v\":\"poison\"}");
        await().atMost(BOUND).until(() -> deadLetters(client).size() >= 2);

        JsonArray listed = deadLetters(client);
        JsonObject first = listed.getJsonObject(0);
        assertThat(first.getJsonObject("event").getLong("sequence")).isEqualTo(a);
        assertThat(first.getString("error")).isEqualTo("refused event " + a + ": it contains 'poison'");
        assertThat(first.getInteger("attempts")).isEqualTo(2);
        assertThat(listed.getJsonObject(1).getJsonObject("event").getLong("sequence")).isEqualTo(b);
        assertThat(client.get(BASE + "/dead-watch").json().getLong("deadLetters")).isEqualTo(2);

        long discarded = listed.getJsonObject(1).getLong("id");
        assertThat(client.delete(DEAD_LETTERS + "/" + discarded).status()).isEqualTo(204);
        Files.delete(failing);
        HubClient.Response replayed = client.post(DEAD_LETTERS + "/" + first.getLong("id") + "/replay");
        assertThat(replayed.status()).as(replayed.toString()).isEqualTo(200);
        assertThat(replayed.json().getBoolean("delivered")).as(replayed.toString()).isTrue();

        assertThat(sequences(received(hub.hub(), "rec.dead"))).containsExactly(a);
        assertThat(deadLetters(client)).isEmpty();
        assertThat(client.delete(DEAD_LETTERS + "/" + discarded).status()).isEqualTo(404);
    }

    @Test
    void aSecondConsumerOfASubscriptionIsRefusedAndTheFirstDeliversOn(HubClient client) {
        sink(client, "only-sink", "only-watch", "city.only.*", "rec.only", new JsonObject());

        // other types than the first's, so another endpoint, which Camel alone would let start
        HubClient.Response second = client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "second-sink").put("connector", "fixture-sink").put("config", new JsonObject()
                .put("subscription", "only-watch").put("types", "city.only.x").put("record-type", "rec.second")));
        long seq = append(hub.hub(), "city.only.x", "s", "{}");

        assertThat(second.toString()).contains("subscription 'only-watch' is already consumed by integration "
            + "'only-sink'");
        await().atMost(BOUND).until(() -> !received(hub.hub(), "rec.only").isEmpty());
        assertThat(sequences(received(hub.hub(), "rec.only"))).containsExactly(seq);
        assertThat(received(hub.hub(), "rec.second")).isEmpty();
        assertThat(client.get(BASE + "/only-watch").json().getString("consumedBy")).isEqualTo("only-sink");
    }

    private static JsonArray deadLetters(HubClient client) {
        return client.get(DEAD_LETTERS + "?subscription=dead-watch").json().getJsonArray("deadLetters");
    }

    /** The committed offset of a subscription's consumer group, as kafka-consumer-groups shows it (-1: none). */
    private static long committed(String subscription) throws Exception {
        try (Admin admin = admin()) {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets(PREFIX + "subscription." + subscription)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                .get(new TopicPartition(PREFIX + "events", 0));
            return o == null ? -1 : o.offset();
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.shared().bootstrapServers()));
    }

    /** Posts a batch; returns the sequences, each answered as new or as a duplicate, as {@code duplicate} says. */
    private static List<Long> post(HubClient client, JsonArray batch, boolean duplicate) {
        HubClient.Response r = client.post("/api/v1/events", BATCH, batch.encode());
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        List<Long> seqs = new ArrayList<>();
        for (Object o : r.json().getJsonArray("events")) {
            JsonObject e = (JsonObject) o;
            assertThat(e.getBoolean("duplicate")).as(r.toString()).isEqualTo(duplicate);
            seqs.add(e.getLong("sequence"));
        }
        return seqs;
    }

    /** Noise levels {@code from} (inclusive) to {@code to} (exclusive) at one place. */
    private static JsonArray noise(int from, int to) {
        JsonArray batch = new JsonArray();
        for (int i = from; i < to; i++) {
            batch.add(new JsonObject().put("specversion", "1.0").put("id", "koberg-" + i).put("source", "/noise/koberg")
                .put("type", "city.noise.level").put("subject", "koberg").put("datacontenttype", "application/json")
                .put("data", new JsonObject().put("laeq_db", 50 + i)));
        }
        return batch;
    }
}
