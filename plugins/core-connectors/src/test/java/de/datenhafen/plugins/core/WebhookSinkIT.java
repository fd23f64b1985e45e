package de.datenhafen.plugins.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.NewBusEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code webhook-sink} connector in a real hub, delivering to a real local receiver that verifies every
 * signature as a Standard Webhooks receiver does ({@link WebhookReceiver}).
 */
class WebhookSinkIT {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String OLD_SECRET = "whsec_" + Base64.getEncoder().encodeToString(
        "an-older-secret-of-32-bytes-long".getBytes(StandardCharsets.US_ASCII));
    private static final Duration BOUND = Duration.ofSeconds(30);

    @RegisterExtension
    // the receivers are on 127.0.0.1: sinks reach public addresses only unless the hub's operator lists more
    static final HubExtension hub = HubExtension.builder().pluginUnderTest()
        .config("sinks.allowed-private-hosts", "127.0.0.1").build();

    @Test
    void deliversEveryEventSignedAsAStructuredCloudEventInOrderPerSubjectAcrossParallelLanes(HubClient client)
        throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(SECRET)) {
            create(client, "orders", config("city.order", receiver.url("/hook?token=abc")).put("concurrency", 4));

            List<NewBusEvent> events = publish("city.order", 60, 5);

            await().atMost(BOUND).until(() -> receiver.deliveries.size() >= 60);
            assertThat(receiver.refused()).isZero();
            assertThat(receiver.deliveries).hasSize(60); // no duplicates: each answered 2xx at once
            assertInOrderPerSubject(receiver.deliveries, events);
            WebhookReceiver.Delivery first = receiver.deliveries.get(0);
            assertThat(first.header("Content-type")).startsWith("application/cloudevents+json");
            JsonObject ce = first.json();
            assertThat(ce.getString("specversion")).isEqualTo("1.0");
            assertThat(ce.getString("type")).isEqualTo("city.order");
            assertThat(ce.getString("source")).isEqualTo(NewBusEvent.TEST_SOURCE);
            assertThat(ce.getJsonObject("data").getInteger("n")).isNotNull();
            assertThat(receiver.deliveries.stream().map(WebhookReceiver.Delivery::webhookId).distinct())
                .hasSize(60);
        }
    }

    @Test
    void aRateLimitSpacesTheRequestsToATargetEvenAcrossParallelLanes(HubClient client) throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(SECRET)) {
            create(client, "slow", config("city.slow", receiver.url("/s")).put("rate-per-second", 20)
                .put("concurrency", 4));

            // each lane's first request opens a connection, which on a loaded machine delays its arrival by tens of
            // ms (44 ms seen at load 17), and a first arrival that late shortens the spread by as much: so one event
            // per lane first, and the measured requests go out on open connections
            publish("city.slow", 4, 4);
            await().atMost(BOUND).until(() -> receiver.deliveries.size() >= 4);

            publish("city.slow", 21, 4);

            await().atMost(BOUND).until(() -> receiver.deliveries.size() >= 25);
            Duration spread = Duration.ofNanos(receiver.deliveries.get(24).receivedNanos()
                - receiver.deliveries.get(4).receivedNanos());
            assertThat(spread).as("arrivals, ms after the first: %s", receiver.deliveries.subList(4, 25).stream()
                .map(d -> (d.receivedNanos() - receiver.deliveries.get(4).receivedNanos()) / 1_000_000).toList())
                .isGreaterThanOrEqualTo(Duration.ofMillis(900)); // 20 gaps of 50 ms, less jitter
        }
    }

    @Test
    void binaryModeSendsTheDataAsBodyAndTheAttributesAsCeHeaders(HubClient client) throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(SECRET)) {
            create(client, "binary", config("city.binary", receiver.url("/b")).put("mode", "binary"));

            hub.publish("tests", List.of(NewBusEvent.json("city.binary", "room-1", "{\"co2\":1500}")));

            await().atMost(BOUND).until(() -> receiver.deliveries.size() >= 1);
            WebhookReceiver.Delivery d = receiver.deliveries.get(0);
            assertThat(new String(d.body(), StandardCharsets.UTF_8)).isEqualTo("{\"co2\":1500}");
            assertThat(d.header("Ce-type")).isEqualTo("city.binary");
            assertThat(d.header("Ce-subject")).isEqualTo("room-1");
            assertThat(d.header("Ce-specversion")).isEqualTo("1.0");
            assertThat(d.header("Content-type")).isEqualTo("application/json");
        }
    }

    @Test
    void aReceiverThatFailsGetsTheSameEventAgainWithTheSameWebhookIdUntilItAnswers2xxAndOrderHolds(
        HubClient client) throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(SECRET)) {
            receiver.answers = n -> n <= 2 ? 503 : 200;
            create(client, "flaky", config("city.flaky", receiver.url("/f")));

            List<NewBusEvent> events = publish("city.flaky", 3, 1);

            await().atMost(BOUND).until(() -> receiver.deliveries.size() >= 5);
            List<WebhookReceiver.Delivery> got = receiver.deliveries;
            assertThat(got).extracting(WebhookReceiver.Delivery::answered).containsExactly(503, 503, 200, 200, 200);
            assertThat(got.subList(0, 3)).extracting(WebhookReceiver.Delivery::webhookId).containsOnly(
                got.get(0).webhookId());
            assertThat(got.subList(2, 5)).extracting(WebhookReceiver.Delivery::eventId)
                .containsExactly(events.get(0).id(), events.get(1).id(), events.get(2).id());
            assertThat(deadLetters(client, "webhook-sink-flaky")).isEmpty();
        }
    }

    @Test
    void aReceiverThatHangsIsGivenUpAfterTheTimeOutAndTheEventComesAgain(HubClient client) throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(SECRET)) {
            receiver.answers = n -> n == 1 ? WebhookReceiver.HANG : 200;
            create(client, "hanging", config("city.hang", receiver.url("/h")).put("timeout-seconds", 1));

            publish("city.hang", 2, 1);

            await().atMost(BOUND).until(() -> receiver.deliveries.size() >= 3);
            List<WebhookReceiver.Delivery> got = receiver.deliveries;
            assertThat(got.get(1).webhookId()).isEqualTo(got.get(0).webhookId());
            assertThat(Duration.ofNanos(got.get(1).receivedNanos() - got.get(0).receivedNanos()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(got.get(2).webhookId()).isNotEqualTo(got.get(0).webhookId());
        }
    }

    @Test
    void anEventNoAttemptDeliversGoesToTheDeadLettersWithTheStatusAndTheNextOneIsDelivered(HubClient client)
        throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(SECRET)) {
            receiver.answers = n -> n <= 5 ? 500 : 200; // the hub's default budget: 5 attempts
            create(client, "broken", config("city.broken", receiver.url("/x")));

            List<NewBusEvent> events = publish("city.broken", 2, 1);

            await().atMost(BOUND).until(() -> receiver.deliveries.size() >= 6);
            JsonArray dead = deadLetters(client, "webhook-sink-broken");
            assertThat(dead).hasSize(1);
            // the status and the host; the receiver's body ("status 500") stays out of what the admin reads
            assertThat(dead.getJsonObject(0).getString("error")).isEqualTo("webhook target broken answered 500 "
                + "(127.0.0.1)");
            assertThat(dead.getJsonObject(0).getInteger("attempts")).isEqualTo(5);
            assertThat(receiver.deliveries.get(5).eventId()).isEqualTo(events.get(1).id());
        }
    }

    /**
     * A target nobody listens at (a receiver that is down): every attempt's connection is refused, and after the
     * budget the event is a dead letter saying so, with the target's host and no stack (the network's failure path had
     * no test; only a receiver's 500 had).
     */
    @Test
    void anEventWhoseTargetRefusesEveryConnectionGoesToTheDeadLettersSayingSo(HubClient client) throws Exception {
        int closed;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = free.getLocalPort(); // free now, closed below: nothing listens there
        }
        HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "down")
            .put("connector", "webhook-sink").put("config", config("city.down", "http://127.0.0.1:" + closed + "/x")));
        assertThat(r.status()).as(r.body()).isEqualTo(201);

        publish("city.down", 1, 1);

        JsonArray dead = await().atMost(BOUND).until(() -> deadLetters(client, "webhook-sink-down"),
            d -> !d.isEmpty());
        assertThat(dead).hasSize(1);
        assertThat(dead.getJsonObject(0).getString("error")).isEqualTo("webhook target down refused the connection "
            + "(http://127.0.0.1:" + closed + "/x)");
        assertThat(dead.getJsonObject(0).getInteger("attempts")).isEqualTo(5);
    }

    @Test
    void aReceiverThatAnswers410StopsTheIntegrationWithTheReasonKeptAcrossARestartAndAResumeDeliversTheSameEvent(
        HubClient before) throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(SECRET)) {
            receiver.answers = n -> n == 1 ? 410 : 200;
            create(before, "gone", config("city.gone", receiver.url("/g")));

            List<NewBusEvent> events = publish("city.gone", 1, 1);

            await().atMost(BOUND).until(() -> before.get("/api/v1/admin/integrations/gone").json()
                .getString("state").equals("stopped"));
            JsonObject view = before.get("/api/v1/admin/integrations/gone").json();
            assertThat(view.getJsonObject("lastError").getString("message"))
                .startsWith("webhook target gone answered 410 Gone for event #")
                .contains("it wants no more events");
            publish("city.gone", 1, 1);
            assertThat(receiver.deliveries).hasSize(1); // stopped: nothing more went out

            hub.restart();
            HubClient client = hub.client();
            await().atMost(BOUND).until(() -> client.get("/api/v1/admin/integrations/gone").json()
                .getString("state").equals("paused"));
            JsonObject after = client.get("/api/v1/admin/integrations/gone").json();
            assertThat(after.getJsonObject("lastError").getString("message")).as("the reason, also after a restart")
                .isEqualTo(view.getJsonObject("lastError").getString("message"));
            assertThat(after.getJsonObject("lastError").getString("at")).isNotNull();
            assertThat(receiver.deliveries).hasSize(1);

            HubClient.Response resumed = client.post("/api/v1/admin/integrations/gone/resume");
            assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
            await().atMost(BOUND).until(() -> receiver.deliveries.size() >= 3);
            assertThat(receiver.deliveries.get(1).eventId()).isEqualTo(events.get(0).id());
            assertThat(deadLetters(client, "webhook-sink-gone")).isEmpty();
        }
    }

    @Test
    void duringARotationAReceiverThatKnowsOnlyTheOldOrOnlyTheNewSecretAccepts(HubClient client) throws Exception {
        try (WebhookReceiver knowsOld = new WebhookReceiver(OLD_SECRET);
             WebhookReceiver knowsNew = new WebhookReceiver(SECRET);
             WebhookReceiver knowsNeither = new WebhookReceiver(
                 "whsec_" + Base64.getEncoder().encodeToString(new byte[32]))) {
            create(client, "rot-old", config("city.rotation", knowsOld.url("/r")).put("previous-secret", OLD_SECRET));
            create(client, "rot-new", config("city.rotation", knowsNew.url("/r")).put("previous-secret", OLD_SECRET));
            create(client, "rot-none", config("city.rotation", knowsNeither.url("/r"))
                .put("previous-secret", OLD_SECRET).put("timeout-seconds", 1));

            publish("city.rotation", 1, 1);

            await().atMost(BOUND).until(() -> knowsOld.deliveries.size() == 1 && knowsNew.deliveries.size() == 1
                && knowsNeither.refused() >= 1);
            assertThat(knowsOld.deliveries.get(0).header("Webhook-signature").split(" ")).hasSize(2);
            assertThat(knowsOld.refused()).isZero();
            assertThat(knowsNew.refused()).isZero();
            client.delete("/api/v1/admin/integrations/rot-none");
        }
    }

    @Test
    void theHandshakeAsksTheTargetFirstAndARefusedOriginDeliversNothing(HubClient client) throws Exception {
        try (WebhookReceiver allows = new WebhookReceiver(SECRET); WebhookReceiver refuses = new WebhookReceiver(SECRET)) {
            allows.optionsAnswer.put("WebHook-Allowed-Origin", "*");
            create(client, "shake", config("city.shake", allows.url("/s")).put("handshake", true));
            create(client, "shake-no", config("city.shake", refuses.url("/s")).put("handshake", true));

            publish("city.shake", 1, 1);

            await().atMost(BOUND).until(() -> allows.deliveries.size() == 1 && refuses.options.size() >= 2);
            assertThat(allows.options).hasSize(1);
            String origin = client.baseUri().getHost();
            assertThat(allows.options.get(0).get("Webhook-request-origin")).containsExactly(origin);
            assertThat(refuses.deliveries).isEmpty();
            assertThat(client.get("/api/v1/admin/integrations/shake-no").json().getJsonObject("lastError")
                .getString("message")).endsWith("webhook target shake-no did not allow deliveries from " + origin
                    + " in the validation handshake (WebHook-Allowed-Origin: missing)");
            client.delete("/api/v1/admin/integrations/shake-no");
        }
    }

    @Test
    void theSecretsAreNeverShownAndABadOneIsRefusedWithoutRepeatingIt(HubClient client) throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(SECRET)) {
            create(client, "quiet", config("city.quiet", receiver.url("/q")).put("previous-secret", OLD_SECRET));

            HubClient.Response shown = client.get("/api/v1/admin/integrations/quiet");
            HubClient.Response bad = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "bad")
                .put("connector", "webhook-sink").put("config", config("city.quiet", receiver.url("/q"))
                    .put("secret", "hunter2-is-no-secret").put("url", "ftp://example.org/")));

            assertThat(shown.body()).doesNotContain(SECRET).doesNotContain(OLD_SECRET);
            assertThat(shown.json().getJsonObject("config").getString("secret")).isEqualTo("********");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).doesNotContain("hunter2").contains("secret").contains("url");
        }
    }

    /**
     * A secret left out (or sent as ********) on an update is kept only while the address it goes to stays: else whoever
     * may change the integration (a member-admin of the plugin's owner too) could point a hub-admin's sink at a
     * receiver of its own and have the hub sign what it chooses with a secret it cannot read (an attacker's probe).
     */
    @Test
    void aSecretLeftOutIsKeptOnlyForTheAddressItWasGivenFor(HubClient client) throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(SECRET)) {
            create(client, "keeper", config("city.keeper", receiver.url("/k")));

            HubClient.Response moved = client.put("/api/v1/admin/integrations/keeper", new JsonObject().put("config",
                config("city.keeper", receiver.url("/elsewhere")).put("secret", "********")));
            assertThat(moved.status()).as(moved.body()).isEqualTo(400);
            assertThat(moved.json().getString("field")).isEqualTo("config.secret");
            assertThat(moved.json().getString("error")).isEqualTo("the secret secret is left out or ******** but url "
                + "is not the stored one: a kept secret goes only where it went; give it again for a new address");
            assertThat(client.get("/api/v1/admin/integrations/keeper").json().getJsonObject("config").getString("url"))
                .isEqualTo(receiver.url("/k"));

            JsonObject sameAddress = config("city.keeper-2", receiver.url("/k"));
            sameAddress.remove("secret");
            assertThat(client.put("/api/v1/admin/integrations/keeper", new JsonObject().put("config", sameAddress))
                .status()).as("the same address, the secret left out").isEqualTo(200);
            assertThat(client.put("/api/v1/admin/integrations/keeper", new JsonObject().put("config",
                config("city.keeper-2", receiver.url("/elsewhere")))).status()).as("given again").isEqualTo(200);
            client.delete("/api/v1/admin/integrations/keeper");
        }
    }

    @Test
    void aTargetAtANonPublicAddressIsRefusedNamingTheKeyAndAnUpdateToOneChangesNothing(HubClient client)
        throws Exception {
        for (String url : List.of("http://169.254.169.254/latest/meta-data/", "http://10.0.0.7:8080/x",
            "http://[::1]:18999/x", "http://[fd00::1]/x", "http://100.64.0.1/x", "http://0xa9fea9fe/x")) {
            HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "ssrf")
                .put("connector", "webhook-sink").put("config", config("city.ssrf", url)));
            assertThat(r.status()).as(url + ": " + r.body()).isEqualTo(400);
            assertThat(r.json().getString("field")).as(r.body()).isEqualTo("config.url");
            assertThat(r.body()).contains("is not a public address").contains("sinks.allowed-private-hosts");
            assertThat(client.get("/api/v1/admin/integrations/ssrf").status()).as("nothing kept").isEqualTo(404);
        }

        try (WebhookReceiver receiver = new WebhookReceiver(SECRET)) {
            create(client, "moving", config("city.moving", receiver.url("/m")));
            HubClient.Response moved = client.put("/api/v1/admin/integrations/moving", new JsonObject()
                .put("config", config("city.moving", "http://169.254.169.254/")));
            assertThat(moved.status()).as(moved.body()).isEqualTo(400);
            assertThat(moved.json().getString("field")).isEqualTo("config.url");
            JsonObject view = client.get("/api/v1/admin/integrations/moving").json();
            assertThat(view.getJsonObject("config").getString("url")).isEqualTo(receiver.url("/m"));
            assertThat(view.getString("state")).isEqualTo("running");

            publish("city.moving", 1, 1);
            await().atMost(BOUND).until(() -> receiver.deliveries.size() >= 1); // the old target still gets them
            client.delete("/api/v1/admin/integrations/moving");
        }
    }

    /**
     * This hub lists 127.0.0.1 in {@code sinks.allowed-private-hosts}: a dry run passes a target there as create does,
     * and names the key of one at an address not listed, also for a change of an integration's config.
     */
    @Test
    void aDryRunPassesATargetTheOperatorListedAndNamesTheKeyOfOneNotListed(HubClient client) {
        HubClient.Response listed = client.post("/api/v1/admin/integrations/validate",
            CoreConnectorsIT.sink("webhook-sink", "url", "http://127.0.0.1:9/x"));
        assertThat(listed.json()).as(listed.body())
            .isEqualTo(new JsonObject().put("valid", true).put("problems", new JsonArray()));

        for (String url : List.of("http://[::1]/", "http://169.254.169.254/")) {
            HubClient.Response r = client.post("/api/v1/admin/integrations/validate",
                CoreConnectorsIT.sink("webhook-sink", "url", url));
            assertThat(r.json().getBoolean("valid")).as(r.body()).isFalse();
            assertThat(r.json().getJsonArray("problems").getJsonObject(0).getString("field")).isEqualTo("config.url");
            assertThat(r.json().getJsonArray("problems").getJsonObject(0).getString("error"))
                .contains("is not a public address").contains("sinks.allowed-private-hosts");
        }

        create(client, "dry-listed", config("city.dry-listed", "http://127.0.0.1:9/x"));
        HubClient.Response change = client.post("/api/v1/admin/integrations/dry-listed/validate", new JsonObject()
            .put("config", config("city.dry-listed", "http://169.254.169.254/")));
        HubClient.Response changed = client.put("/api/v1/admin/integrations/dry-listed", new JsonObject()
            .put("config", config("city.dry-listed", "http://169.254.169.254/")));
        assertThat(changed.status()).as(changed.body()).isEqualTo(400);
        assertThat(changed.json().getString("field")).isEqualTo("config.url");
        JsonObject problem = change.json().getJsonArray("problems").getJsonObject(0);
        assertThat(change.json().getJsonArray("problems")).as(change.body()).hasSize(1);
        assertThat(problem.getString("field") + ": " + problem.getString("error"))
            .isEqualTo(changed.json().getString("error"));
        assertThat(client.get("/api/v1/admin/integrations/dry-listed").json().getJsonObject("config")
            .getString("url")).isEqualTo("http://127.0.0.1:9/x");
        client.delete("/api/v1/admin/integrations/dry-listed");
    }

    // ---- helpers

    static JsonObject config(String type, String url) {
        return new JsonObject().put("types", new JsonArray().add(type)).put("url", url).put("secret", SECRET);
    }

    static void create(HubClient client, String name, JsonObject config) {
        HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", name)
            .put("connector", "webhook-sink").put("config", config));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().getString("state")).as(r.body()).isEqualTo("running");
    }

    /** {@code count} events round-robin over {@code subjects} subjects, each with its number as data. */
    static List<NewBusEvent> publish(String type, int count, int subjects) {
        List<NewBusEvent> events = IntStream.range(0, count).mapToObj(i -> NewBusEvent.json(type,
            "subject-" + (i % subjects), "{\"n\":" + i + "}")).toList();
        hub.publish("tests", events);
        return events;
    }

    static JsonArray deadLetters(HubClient client, String subscription) {
        HubClient.Response r = client.get("/api/v1/admin/dead-letters?subscription=" + subscription);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().getJsonArray("deadLetters");
    }

    /** Every event arrived, and the events of each subject arrived in the order they were published. */
    static void assertInOrderPerSubject(List<WebhookReceiver.Delivery> got, List<NewBusEvent> published) {
        Map<String, List<String>> expected = new LinkedHashMap<>();
        published.forEach(e -> expected.computeIfAbsent(e.subject(), k -> new ArrayList<>()).add(e.id()));
        Map<String, List<String>> actual = new LinkedHashMap<>();
        for (WebhookReceiver.Delivery d : got) {
            List<String> ids = actual.computeIfAbsent(d.subject(), k -> new ArrayList<>());
            if (ids.isEmpty() || !ids.get(ids.size() - 1).equals(d.eventId())) { // a retry of the same one is fine
                ids.add(d.eventId());
            }
        }
        assertThat(actual).isEqualTo(expected);
    }
}
