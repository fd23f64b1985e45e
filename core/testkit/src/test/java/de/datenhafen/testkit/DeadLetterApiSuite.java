package de.datenhafen.testkit;

import static de.datenhafen.testkit.BusTestSupport.append;
import static de.datenhafen.testkit.BusTestSupport.received;
import static de.datenhafen.testkit.BusTestSupport.sequences;
import static de.datenhafen.testkit.BusTestSupport.sink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/v1/admin/dead-letters}: list, replay, discard, one at a time and by filter. On the hub's database
 * ({@link DeadLetterApiTest}) and with the bus on Kafka ({@link KafkaDeadLetterApiTest}), where the dead letters are a
 * compacted topic.
 */
abstract class DeadLetterApiSuite {

    private static final Path ARCHIVES = TestDirs.create("dead-letter-api");
    private static final Duration BOUND = Duration.ofSeconds(15);
    private static final String BASE = "/api/v1/admin/dead-letters";

    /** The hub under test, built from {@link #builder}. */
    abstract HubExtension hub();

    /** A hub with the sink plugin and short retries; the subclass adds where its bus is. */
    static HubExtension.Builder builder() {
        return BusTestSupport.sinkHub(ARCHIVES);
    }

    /** A sink on {@code <name>.event} that fails "poison" events while its file exists; returns that file. */
    private Path poisoned(HubClient client, String name) throws IOException {
        Path failing = Files.createFile(ARCHIVES.resolve(getClass().getSimpleName() + "-" + name + "-fails"));
        sink(client, name + "-sink", name, name + ".event", "rec." + name,
            new JsonObject().put("fail-containing", "poison").put("fail-while-file", failing.toString()));
        return failing;
    }

    /** One poison event on a new sink {@code name}, awaited as its one dead letter; returns that dead letter. */
    private JsonObject oneDeadLetter(HubClient client, String name) throws IOException {
        poisoned(client, name);
        append(hub().hub(), name + ".event", "s", "{\"v\":\"poison\"}");
        deadLetterEvents(client, name, 1);
        return page(client, "?subscription=" + name).getJsonObject(0);
    }

    private static List<Long> deadLetterEvents(HubClient client, String subscription, int expected) {
        await().atMost(BOUND).until(() -> page(client, "?subscription=" + subscription).size() >= expected);
        List<Long> out = new ArrayList<>();
        page(client, "?subscription=" + subscription)
            .forEach(d -> out.add(((JsonObject) d).getJsonObject("event").getLong("sequence")));
        return out;
    }

    private static JsonArray page(HubClient client, String query) {
        return client.get(BASE + query).json().getJsonArray("deadLetters");
    }

    @Test
    void listsADeadLetterWithItsEventErrorAttemptsAndTimes(HubClient client) throws IOException {
        poisoned(client, "listed");
        long seq = append(hub().hub(), "listed.event", "room-7", "{\"v\":\"poison\"}");
        deadLetterEvents(client, "listed", 1);

        JsonObject d = page(client, "?subscription=listed").getJsonObject(0);

        assertThat(d.getString("subscription")).isEqualTo("listed");
        assertThat(d.getJsonObject("event").getLong("sequence")).isEqualTo(seq);
        assertThat(d.getJsonObject("event").getString("type")).isEqualTo("listed.event");
        assertThat(d.getJsonObject("event").getString("subject")).isEqualTo("room-7");
        assertThat(d.getJsonObject("event").getString("source")).isEqualTo("/tests");
        assertThat(d.getJsonObject("event").getString("id")).isNotBlank();
        assertThat(d.getString("error")).isEqualTo("refused event " + seq + ": it contains 'poison'");
        assertThat(d.getInteger("attempts")).isEqualTo(2);
        assertThat(d.getString("firstFailedAt")).isNotNull();
        assertThat(d.getString("lastFailedAt")).isNotNull();
    }

    @Test
    void pagesDeadLettersWithTheCursorOfTheNextPage(HubClient client) throws IOException {
        poisoned(client, "paged");
        for (int i = 0; i < 3; i++) {
            append(hub().hub(), "paged.event", "s", "{\"v\":\"poison\"}");
        }
        List<Long> all = deadLetterEvents(client, "paged", 3);

        JsonObject first = client.get(BASE + "?subscription=paged&limit=2").json();
        JsonObject second = client.get(BASE + "?subscription=paged&limit=2&after=" + first.getLong("next")).json();

        assertThat(first.getJsonArray("deadLetters").size()).isEqualTo(2);
        assertThat(first.getLong("next")).isEqualTo(first.getJsonArray("deadLetters").getJsonObject(1).getLong("id"));
        assertThat(second.getJsonArray("deadLetters").getJsonObject(0).getJsonObject("event").getLong("sequence"))
            .isEqualTo(all.get(2));
        assertThat(second.getValue("next")).isNull();
    }

    @Test
    void keepsADeadLetterWhoseReplayFailsWithOneMoreAttempt(HubClient client) throws IOException {
        JsonObject dead = oneDeadLetter(client, "refailing");
        long id = dead.getLong("id");
        long seq = dead.getJsonObject("event").getLong("sequence");

        HubClient.Response r = client.post(BASE + "/" + id + "/replay");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().getBoolean("delivered")).isFalse();
        assertThat(r.json().getString("error")).isEqualTo("refused event " + seq + ": it contains 'poison'");
        JsonObject kept = page(client, "?subscription=refailing").getJsonObject(0);
        assertThat(kept.getLong("id")).isEqualTo(id);
        assertThat(kept.getInteger("attempts")).isEqualTo(3);
    }

    @Test
    void refusesAReplayWhenNoConsumerRunsWith409(HubClient client) throws IOException {
        long id = oneDeadLetter(client, "orphan").getLong("id");
        assertThat(client.post("/api/v1/admin/integrations/orphan-sink/pause").status()).isEqualTo(200);

        HubClient.Response r = client.post(BASE + "/" + id + "/replay");

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().getString("error")).isEqualTo("subscription 'orphan' has no running consumer to replay "
            + "dead letter " + id + " to; start the integration that consumes it, then replay");
        assertThat(page(client, "?subscription=orphan").size()).isEqualTo(1);
    }

    @Test
    void discardsOneDeadLetter(HubClient client) throws IOException {
        long id = oneDeadLetter(client, "discarded").getLong("id");

        assertThat(client.delete(BASE + "/" + id).status()).isEqualTo(204);
        assertThat(page(client, "?subscription=discarded")).isEmpty();
        assertThat(client.delete(BASE + "/" + id).json().getString("error")).isEqualTo("no dead letter " + id);
    }

    @Test
    void replaysEveryDeadLetterThatMatchesAFilter(HubClient client) throws IOException {
        Path failing = poisoned(client, "bulk");
        long a = append(hub().hub(), "bulk.event", "s", "{\"v\":\"poison\"}");
        long b = append(hub().hub(), "bulk.event", "s", "{\"v\":\"poison\"}");
        deadLetterEvents(client, "bulk", 2);
        Files.delete(failing);

        HubClient.Response r = client.post(BASE + "/replay", new JsonObject().put("subscription", "bulk")
            .put("errorContains", "poison"));

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(new JsonObject().put("matched", 2).put("delivered", 2).put("failed", 0)
            .put("noConsumer", 0).put("eventGone", 0));
        assertThat(sequences(received(hub().hub(), "rec.bulk"))).containsExactly(a, b);
        assertThat(page(client, "?subscription=bulk")).isEmpty();
    }

    @Test
    void discardsEveryDeadLetterThatMatchesAFilter(HubClient client) throws IOException {
        poisoned(client, "purged");
        append(hub().hub(), "purged.event", "s", "{\"v\":\"poison\"}");
        append(hub().hub(), "purged.event", "s", "{\"v\":\"poison\"}");
        deadLetterEvents(client, "purged", 2);

        HubClient.Response r = client.post(BASE + "/discard", new JsonObject().put("subscription", "purged")
            .put("failedAfter", "2000-01-01T00:00:00Z"));

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(new JsonObject().put("discarded", 2));
        assertThat(page(client, "?subscription=purged")).isEmpty();
    }

    @Test
    void refusesAFilterWithAnUnknownFieldWith400(HubClient client) {
        HubClient.Response r = client.post(BASE + "/discard", new JsonObject().put("subscriptin", "x"));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json()).isEqualTo(new JsonObject().put("error", "'subscriptin' is not a filter field; known: "
            + "subscription, errorContains, failedAfter, failedBefore").put("field", "subscriptin"));
    }
}
