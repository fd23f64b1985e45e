package de.datenhafen.testkit;

import static de.datenhafen.testkit.BusTestSupport.append;
import static de.datenhafen.testkit.BusTestSupport.received;
import static de.datenhafen.testkit.BusTestSupport.sequences;
import static de.datenhafen.testkit.BusTestSupport.sink;
import static de.datenhafen.testkit.BusTestSupport.subscription;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code /api/v1/admin/subscriptions}: list, show, create, delete, seek. On the hub's database
 * ({@link SubscriptionsApiTest}) and with the bus on Kafka ({@link KafkaSubscriptionsApiTest}), where a subscription is a
 * consumer group and its cursor the group's committed offset.
 */
abstract class SubscriptionsApiSuite {

    private static final Path ARCHIVES = TestDirs.create("subscriptions-api");
    private static final Duration BOUND = Duration.ofSeconds(15);
    private static final String BASE = "/api/v1/admin/subscriptions";

    /** The hub under test, built from {@link #builder}. */
    abstract HubExtension hub();

    /** A hub with the sink plugin and short retries; the subclass adds where its bus is. */
    static HubExtension.Builder builder() {
        return BusTestSupport.sinkHub(ARCHIVES);
    }

    @Test
    void createsASubscriptionAtTheEndOfTheLog(HubClient client) {
        append(hub().hub(), "end.event", "s", "{}");
        long head = hub().hub().eventLog().lastSequence();

        JsonObject created = subscription(client, "at-end", "end.*", "end");

        assertThat(created.getString("name")).isEqualTo("at-end");
        assertThat(created.getJsonArray("types")).isEqualTo(new JsonArray().add("end.*"));
        assertThat(created.getLong("cursor")).isEqualTo(head);
        assertThat(created.getLong("lag")).isZero();
        assertThat(created.getBoolean("consumer")).isFalse();
        assertThat(created.getDouble("rate")).isZero();
        assertThat(created.getLong("deadLetters")).isZero();
    }

    @Test
    void countsAsLagOnlyTheMatchingEventsAfterTheCursor(HubClient client) {
        subscription(client, "lagging", "lag.wanted", "end");
        append(hub().hub(), "lag.wanted", "s", "{}");
        append(hub().hub(), "lag.other", "s", "{}");
        append(hub().hub(), "lag.wanted", "s", "{}");

        JsonObject s = client.get(BASE + "/lagging").json();

        assertThat(s.getLong("lag")).isEqualTo(2);
        assertThat(s.getBoolean("lagCapped")).isFalse();
        assertThat(s.getLong("headSequence") - s.getLong("cursor")).isEqualTo(3);
    }

    @Test
    void startsAtTheGivenSequence(HubClient client) {
        long first = append(hub().hub(), "from.event", "s", "{}");
        append(hub().hub(), "from.event", "s", "{}");

        JsonObject created = subscription(client, "from-seq", "from.event", first);

        assertThat(created.getLong("cursor")).isEqualTo(first - 1);
        assertThat(created.getLong("lag")).isEqualTo(2);
    }

    @Test
    void listsSubscriptionsByName(HubClient client) {
        subscription(client, "list-b", "list.*", "end");
        subscription(client, "list-a", "list.*", "beginning");

        JsonArray all = client.get(BASE).jsonArray();

        assertThat(all.stream().map(o -> ((JsonObject) o).getString("name")).filter(n -> n.startsWith("list-")))
            .containsExactly("list-a", "list-b");
    }

    @Test
    void refusesASecondSubscriptionOfTheSameNameWith409(HubClient client) {
        subscription(client, "twice", "twice.*", "end");

        HubClient.Response r = client.post(BASE, new JsonObject().put("name", "twice")
            .put("types", new JsonArray().add("twice.*")));

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json()).isEqualTo(new JsonObject().put("error", "subscription 'twice' exists already")
            .put("field", "name"));
    }

    static Stream<Arguments> badRequests() {
        JsonArray types = new JsonArray().add("a.b");
        return Stream.of(
            Arguments.of(new JsonObject().put("name", "bad name").put("types", types), "name",
                "name must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit"),
            Arguments.of(new JsonObject().put("name", "no-types"), "types",
                "types must be a non-empty array of event types or patterns such as \"air.*\" (\"*\" for every type)"),
            Arguments.of(new JsonObject().put("name", "bad-type").put("types", new JsonArray().add("a b")), "types",
                "type pattern 'a b' must be an event type, optionally ending in *"),
            Arguments.of(new JsonObject().put("name", "bad-from").put("types", types).put("from", "middle"), "from",
                "from must be \"end\", \"beginning\" or the first sequence to deliver (1 or more)"));
    }

    @ParameterizedTest
    @MethodSource("badRequests")
    void refusesBadInputWith400NamingTheField(JsonObject body, String field, String message) {
        HubClient.Response r = hub().client().post(BASE, body);

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json()).isEqualTo(new JsonObject().put("error", message).put("field", field));
        assertThat(hub().client().get(BASE + "/" + body.getString("name").replace(" ", "%20")).status())
            .isEqualTo(404);
    }

    @Test
    void answers404ForAnUnknownSubscription(HubClient client) {
        HubClient.Response r = client.get(BASE + "/nobody");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().getString("error")).isEqualTo("no subscription 'nobody'");
    }

    @Test
    void deletesASubscriptionThatNobodyConsumes(HubClient client) {
        subscription(client, "doomed", "doomed.*", "end");

        assertThat(client.delete(BASE + "/doomed").status()).isEqualTo(204);
        assertThat(client.get(BASE + "/doomed").status()).isEqualTo(404);
    }

    @Test
    void refusesToDeleteASubscriptionARunningIntegrationConsumes(HubClient client) {
        sink(client, "busy-sink", "busy", "busy.event", "rec.busy", new JsonObject());

        HubClient.Response r = client.delete(BASE + "/busy");

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().getString("error")).isEqualTo(
            "subscription 'busy' is consumed by the running integration 'busy-sink'; stop or delete that first");
        assertThat(client.get(BASE + "/busy").status()).isEqualTo(200);
    }

    @Test
    void showsTheConsumerAndItsDeliveryRate(HubClient client) {
        sink(client, "rated-sink", "rated", "rated.event", "rec.rated", new JsonObject());
        for (int i = 0; i < 6; i++) {
            append(hub().hub(), "rated.event", "s", "{}");
        }
        await().atMost(BOUND).until(() -> received(hub().hub(), "rec.rated").size() >= 6);

        // the sink records an event inside its delivery; the worker counts the delivery and moves the cursor only
        // once the delivery has returned, so the sixth may still be uncounted when its record is seen
        await().atMost(BOUND).untilAsserted(() -> {
            JsonObject s = client.get(BASE + "/rated").json();
            assertThat(s.getBoolean("consumer")).isTrue();
            assertThat(s.getString("consumedBy")).isEqualTo("rated-sink");
            assertThat(s.getDouble("rate")).as(s.encode()).isEqualTo(0.1); // 6 deliveries in the last 60 s
            assertThat(s.getLong("lag")).as(s.encode()).isZero();
        });
    }

    @Test
    void seeksBackSoThatARunningConsumerGetsTheEventsAgain(HubClient client) {
        sink(client, "again-sink", "again", "again.event", "rec.again", new JsonObject());
        long first = append(hub().hub(), "again.event", "s", "{}");
        long second = append(hub().hub(), "again.event", "s", "{}");
        await().atMost(BOUND).until(() -> received(hub().hub(), "rec.again").size() >= 2);

        HubClient.Response r = client.post(BASE + "/again/seek", new JsonObject().put("sequence", first));

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        await().atMost(BOUND).until(() -> received(hub().hub(), "rec.again").size() >= 4);
        assertThat(sequences(received(hub().hub(), "rec.again"))).containsExactly(first, second, first, second);
    }

    @Test
    void seeksToTheFirstEventStoredAtOrAfterATime(HubClient client) {
        subscription(client, "by-time", "time.event", "end");
        append(hub().hub(), "time.event", "s", "{}");

        HubClient.Response r = client.post(BASE + "/by-time/seek",
            new JsonObject().put("time", "2000-01-01T00:00:00Z"));

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().getLong("cursor")).isZero();
    }

    @Test
    void refusesASeekPastTheNextSequenceTheLogWillAssignSoTheSubscriptionMissesNothing(HubClient client) {
        subscription(client, "seek-ahead", "ahead.event", "end");

        HubClient.Response r = client.post(BASE + "/seek-ahead/seek",
            new JsonObject().put("sequence", 99_999_999_999L));

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().getString("error")).startsWith("sequence must be at most ")
            .endsWith(" (the next sequence the log will assign), was 99999999999");
        assertThat(r.json().getString("field")).isEqualTo("sequence");
        append(hub().hub(), "ahead.event", "s", "{}");
        assertThat(client.get(BASE + "/seek-ahead").json().getLong("lag")).isEqualTo(1);
    }

    @Test
    void refusesASeekWithNeitherSequenceNorTime(HubClient client) {
        subscription(client, "seek-nothing", "x.*", "end");

        HubClient.Response r = client.post(BASE + "/seek-nothing/seek", new JsonObject());

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json()).isEqualTo(new JsonObject().put("error", "give either 'sequence' (the next sequence to "
            + "deliver) or 'time' (ISO-8601), not both and not neither").put("field", "sequence"));
    }
}
