package de.datenhafen.plugins.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.testkit.Bytes;
import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.NewBusEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code webhook-receiver} connector in a real hub: deliveries signed by the test (with the specification's
 * HMAC, written in {@link WebhookReceiver}, not the hub's code) and by the hub's own {@code webhook-sink}.
 */
class WebhookReceiverIT {

    private static final String SECRET = WebhookSinkIT.SECRET;
    private static final byte[] KEY = Base64.getDecoder().decode(SECRET.substring("whsec_".length()));
    private static final byte[] OTHER_KEY = Base64.getDecoder().decode(
        WebhookSinkIT.OLD_SECRET.substring("whsec_".length()));
    private static final String PLUGIN = "/api/v1/plugins/core-connectors/webhooks/";

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest().build();

    @Test
    void theHubsOwnWebhookSinkDeliversToItAndEachDeliveryIsOneEventOnTheBus(HubClient client) {
        receiver(client, "inbox", "tests.inbox.received", 65536);
        HubClient.Response sink = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "to-inbox")
            .put("connector", "webhook-sink").put("config", WebhookSinkIT.config("city.ping",
                client.baseUri() + PLUGIN + "inbox")));
        assertThat(sink.status()).as(sink.body()).isEqualTo(201);

        List<NewBusEvent> sent = List.of(NewBusEvent.json("city.ping", "s-0", "{\"n\":0}"),
            NewBusEvent.json("city.ping", "s-1", "{\"n\":1}"), NewBusEvent.json("city.ping", "s-2", "{\"n\":2}"));
        hub.publish("tests", sent);

        await().atMost(Duration.ofSeconds(30)).until(() -> received(client, "tests.inbox.received").size() == 3);
        List<JsonObject> got = received(client, "tests.inbox.received");
        for (int i = 0; i < 3; i++) {
            JsonObject delivered = got.get(i).getJsonObject("event");
            assertThat(delivered.getString("subject")).isEqualTo(sent.get(i).subject());
            JsonObject cloudEvent = delivered.getJsonObject("data");
            assertThat(cloudEvent.getString("type")).isEqualTo("city.ping");
            assertThat(cloudEvent.getString("id")).isEqualTo(sent.get(i).id());
            assertThat(cloudEvent.getJsonObject("data").getInteger("n")).isEqualTo(i);
            assertThat(delivered.getString("id")).startsWith("msg_"); // the webhook-id: a retry is stored once
        }
        assertThat(WebhookSinkIT.deadLetters(client, "webhook-sink-to-inbox")).isEmpty();
    }

    /**
     * A flow that sends the events of a receiver back to that receiver has no {@code bus} block the flows' loop check
     * could see, and each round is a new event (a new webhook-id): it went round at 130 events a second until disabled
     * (an attacker's probe). The count of webhooks an event came through travels with it: the fifth delivery is not
     * sent, and its event is a dead letter saying why.
     */
    @Test
    void aFlowSendingAReceiversEventsBackToItGoesRoundFourTimesAndItsFifthDeliveryIsADeadLetter(HubClient client) {
        receiver(client, "looped", "tests.looped.received", 65536);
        flowToReceiver(client, "loop-back", "tests.looped.received", "", "looped");

        String body = "{\"specversion\":\"1.0\",\"id\":\"first\",\"source\":\"/outside\",\"type\":\"x.ping\"}";
        assertAnswer(client.anonymous().post(PLUGIN + "looped", signed("msg_looped_1",
            System.currentTimeMillis() / 1000, body, KEY), body), 202, null);

        await().atMost(Duration.ofSeconds(60)).until(() -> !WebhookSinkIT.deadLetters(client, "flow.loop-back")
            .isEmpty());
        JsonObject dead = WebhookSinkIT.deadLetters(client, "flow.loop-back").getJsonObject(0);
        assertThat(dead.getString("error")).contains("came into a hub through webhooks 4 times", "loop");
        List<JsonObject> stored = received(client, "tests.looped.received");
        assertThat(stored).as("the delivery from outside and four rounds").hasSize(5);
        for (int i = 0; i < stored.size(); i++) {
            JsonObject event = stored.get(i).getJsonObject("event");
            if (i == 0) {
                assertThat(event.containsKey("datenhafenhops")).as(event.encode()).isFalse();
            } else {
                assertThat(event.getInteger("datenhafenhops")).as(event.encode()).isEqualTo(i);
            }
        }
        assertThat(dead.getJsonObject("event").getLong("sequence")).as("the event of the fourth round")
            .isEqualTo(stored.get(4).getLong("sequence"));
        assertThat(received(client, "tests.looped.received")).as("nothing after the dead letter").hasSize(5);
    }

    /**
     * Each part of a split is a delivery of its own: sent with its event's id, each had the same webhook-id, and a
     * receiver took the second as a replay of the first (409), so the event ended in the dead letters (a probe).
     */
    @Test
    void aFlowsSplitSendsEachPartWithAnIdOfItsOwnAndTheReceiverTakesThemAll(HubClient client) {
        receiver(client, "parts", "tests.parts.received", 65536);
        flowToReceiver(client, "parts-out", "tests.parts.source", "  - split: '[1, 2, 3]'\n", "parts");

        hub.publish("tests", List.of(NewBusEvent.json("tests.parts.source", "s-1", "{}")));

        await().atMost(Duration.ofSeconds(30)).until(() -> received(client, "tests.parts.received").size() == 3);
        assertThat(received(client, "tests.parts.received")).extracting(e -> e.getJsonObject("event")
            .getJsonObject("data").getInteger("data")).containsExactly(1, 2, 3);
        assertThat(WebhookSinkIT.deadLetters(client, "flow.parts-out")).isEmpty();
    }

    /** flow.<name> is a flow's subscription, whose dead letters its member's people read: no sink may take one. */
    @Test
    void aSinkCannotTakeAFlowsSubscriptionName(HubClient client) {
        flowToReceiver(client, "owned-sub", "tests.owned.source", "", "owned");
        HubClient.Response sink = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "sub-thief")
            .put("connector", "log-sink").put("config", new JsonObject().put("types", new JsonArray().add("x.y"))
                .put("subscription", "flow.owned-sub")));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonObject view = client.get("/api/v1/admin/integrations/sub-thief").json();
            assertThat(view.getString("state")).as(sink.body()).isEqualTo("failed");
            assertThat(view.getJsonObject("lastError").getString("message"))
                .contains("the subscription name flow.owned-sub is the flow owned-sub's");
        });
    }

    /** A sender cannot start a delivery's count above what the hub takes; a count it makes up is only its own. */
    @Test
    void aDeliveryCountedPastFourWebhooksIsRefusedAndOneFromOutsideOfTheEventsApiCannotSetTheCount(HubClient client) {
        receiver(client, "counted", "tests.counted.received", 65536);
        long now = System.currentTimeMillis() / 1000;
        String five = "{\"specversion\":\"1.0\",\"id\":\"a\",\"source\":\"/x\",\"type\":\"x\",\"datenhafenhops\":5}";
        assertAnswer(client.anonymous().post(PLUGIN + "counted", signed("msg_counted_1", now, five, KEY), five), 422,
            "datenhafenhops");
        Map<String, String> binary = signed("msg_counted_2", now, "{\"n\":1}", KEY);
        binary.put("ce-datenhafenhops", "99999999999999999999999");
        assertAnswer(client.anonymous().post(PLUGIN + "counted", binary, "{\"n\":1}"), 422, "datenhafenhops");
        assertThat(received(client, "tests.counted.received")).isEmpty();
        // in binary mode the body is the event's data: a field of that name in it is the sender's, not a count
        String data = "{\"datenhafenhops\":9}";
        Map<String, String> binaryData = signed("msg_counted_3", now, data, KEY);
        binaryData.put("Content-Type", "application/json");
        assertAnswer(client.anonymous().post(PLUGIN + "counted", binaryData, data), 202, null);

        JsonObject posted = new JsonObject().put("specversion", "1.0").put("id", "h-1").put("source", "/x")
            .put("type", "tests.counted.posted").put("datenhafenhops", -100);
        assertAnswer(client.post("/api/v1/events", "application/cloudevents+json", posted.encode()), 400,
            "datenhafenhops");
    }

    @Test
    void refusesWrongOldReplayedMalformedAndOversizedDeliveriesWithAJsonErrorAndStoresOnlyTheGoodOne(
        HubClient client) {
        receiver(client, "guarded", "tests.guarded.received", 1024);
        HubClient anyone = client.anonymous();
        String body = "{\"specversion\":\"1.0\",\"id\":\"a-1\",\"source\":\"/x\",\"type\":\"x.alert\",\"subject\":\"s-1\"}";
        long now = System.currentTimeMillis() / 1000;
        Map<String, String> good = signed("msg_guarded_1", now, body, KEY);

        assertAnswer(anyone.post(PLUGIN + "guarded", good, body), 202, null);
        assertAnswer(anyone.post(PLUGIN + "guarded", good, body), 409, "webhook-id");
        HubClient.Response again = anyone.post(PLUGIN + "guarded", signed("msg_guarded_1", now + 1, body, KEY), body);
        assertAnswer(again, 202, null);
        assertThat(again.json().getBoolean("duplicate")).as("a sender's new attempt of the same message").isTrue();

        assertAnswer(anyone.post(PLUGIN + "guarded", signed("msg_guarded_2", now, body, OTHER_KEY), body), 400,
            "webhook-signature");
        Map<String, String> tampered = signed("msg_guarded_3", now, body, KEY);
        assertAnswer(anyone.post(PLUGIN + "guarded", tampered, body.replace("s-1", "s-2")), 400, "webhook-signature");
        assertAnswer(anyone.post(PLUGIN + "guarded", signed("msg_guarded_4", now - 310, body, KEY), body), 400,
            "webhook-timestamp");
        assertAnswer(anyone.post(PLUGIN + "guarded", signed("msg_guarded_5", now + 310, body, KEY), body), 400,
            "webhook-timestamp");
        assertAnswer(anyone.post(PLUGIN + "guarded", Map.of("Content-Type", "application/json"), body), 400,
            "webhook-id");
        assertAnswer(anyone.post(PLUGIN + "guarded", signed("msg_guarded_6", now, "[1,2]", KEY), "[1,2]"), 400,
            "body");
        String big = "{\"pad\":\"" + "x".repeat(2000) + "\"}";
        assertAnswer(anyone.post(PLUGIN + "guarded", signed("msg_guarded_7", now, big, KEY), big), 413, null);

        List<JsonObject> stored = received(client, "tests.guarded.received");
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).getJsonObject("event").getString("subject")).isEqualTo("s-1");
        assertThat(stored.get(0).getJsonObject("event").getJsonObject("data").getString("id")).isEqualTo("a-1");
    }

    /**
     * The webhook headers are the request's own: a proxy in front of the hub may strip or set them, and a query
     * parameter of their names stands in for none of them.
     */
    @Test
    void aDeliveryWhoseWebhookIdComesOnlyAsAQueryParameterIsRefusedAndStoresNothing(HubClient client) {
        receiver(client, "query-id", "tests.query-id.received", 65536);
        String body = "{\"subject\":\"s-1\"}";
        Map<String, String> headers = signed("msg_query_1", System.currentTimeMillis() / 1000, body, KEY);
        headers.remove("webhook-id");

        HubClient.Response r = client.anonymous().post(PLUGIN + "query-id?webhook-id=msg_query_1", headers, body);

        assertAnswer(r, 400, "webhook-id");
        assertThat(received(client, "tests.query-id.received")).isEmpty();
    }

    @Test
    void theRequestsWebhookHeadersWinOverQueryParametersOfTheirNames(HubClient client) {
        receiver(client, "query-both", "tests.query-both.received", 65536);
        String body = "{\"n\":1}";
        Map<String, String> headers = signed("msg_header_1", System.currentTimeMillis() / 1000, body, KEY);
        headers.put("ce-subject", "s-header");

        HubClient.Response r = client.anonymous().post(PLUGIN + "query-both?webhook-id=msg_query_1"
            + "&ce-subject=s-query&webhook-signature=v1,AAAA", headers, body);

        assertAnswer(r, 202, null);
        JsonObject stored = received(client, "tests.query-both.received").get(0).getJsonObject("event");
        assertThat(stored.getString("id")).isEqualTo("msg_header_1");
        assertThat(stored.getString("subject")).isEqualTo("s-header");
    }

    /**
     * A signed body goes on the bus as it came, so it is held to the rules http-ingest keeps: the signature says who
     * sent it, not that every reader reads it alike (Jackson alone kept the last of two names, read C0 AE as a dot).
     */
    @Test
    void refusesASignedBodyThatReadersReadDifferentlyNamingTheBodyAndStoresNothing(HubClient client) {
        receiver(client, "strict", "tests.strict.received", 65536);
        long now = System.currentTimeMillis() / 1000;
        Map<byte[], String> refusals = new LinkedHashMap<>();
        refusals.put(utf8("{\"id\":\"a-1\",\"id\":\"a-2\"}"),
            "the name \"id\" is given twice in one object; each name once");
        refusals.put(utf8("{\"id\":\"a-1\"} {\"id\":\"a-2\"}"),
            "the body holds more after its JSON object, at line 1, column 14: one JSON object is all it may hold");
        refusals.put(Bytes.withBytes("{\"subject\":\"/p%s\"}", 0xC0, 0xAE, 0xC0, 0xAF),
            "the body is not well-formed UTF-8: C0 AE at byte 14 of the body is an overlong form");
        refusals.put(utf8("{\"subject\":\"Br\\ud800cke\"}"),
            "subject holds the escape \\ud800, an unpaired UTF-16 surrogate");

        int n = 0;
        for (Map.Entry<byte[], String> refusal : refusals.entrySet()) {
            HubClient.Response r = client.anonymous().send("POST", PLUGIN + "strict",
                signed("msg_strict_" + n++, now, refusal.getKey(), KEY), refusal.getKey());
            assertAnswer(r, 400, "body");
            assertThat(r.json().getString("error")).startsWith(refusal.getValue());
        }
        assertThat(received(client, "tests.strict.received")).isEmpty();
    }

    // ---- helpers

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A hub-admin's flow reading {@code type}, with {@code steps} (YAML lines), then a webhook to a receiver. */
    private static void flowToReceiver(HubClient client, String name, String type, String steps, String receiver) {
        String flow = """
            name: %s
            from:
              bus: %s
            steps:
            %s  - webhook: {name: %s, url: '%s', secret: '%s'}
            """.formatted(name, type, steps, receiver, client.baseUri() + PLUGIN + receiver, SECRET);
        HubClient.Response created = client.post("/api/v1/admin/flows", new JsonObject().put("definition", flow));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    private static void receiver(HubClient client, String path, String type, int maxBody) {
        HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", path)
            .put("connector", "webhook-receiver").put("config", new JsonObject().put("path", path).put("type", type)
                .put("secret", SECRET).put("max-body", maxBody)));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().getJsonObject("config").getString("secret")).isEqualTo("********");
    }

    private static Map<String, String> signed(String id, long timestamp, String body, byte[] key) {
        return signed(id, timestamp, utf8(body), key);
    }

    private static Map<String, String> signed(String id, long timestamp, byte[] body, byte[] key) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/cloudevents+json");
        h.put("webhook-id", id);
        h.put("webhook-timestamp", Long.toString(timestamp));
        h.put("webhook-signature", "v1," + Base64.getEncoder().encodeToString(WebhookReceiver.hmac(key, id,
            Long.toString(timestamp), body)));
        return h;
    }

    private static void assertAnswer(HubClient.Response r, int status, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).as(r.toString()).startsWith("application/json");
        if (status >= 400) {
            assertThat(r.json().getString("error")).as(r.body()).isNotBlank().doesNotContain("Exception");
            if (field != null) {
                assertThat(r.json().getString("field")).as(r.body()).isEqualTo(field);
            }
        }
    }

    private static List<JsonObject> received(HubClient client, String type) {
        HubClient.Response r = client.get("/api/v1/events?type=" + type + "&after=0&limit=100");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonArray events = r.json().getJsonArray("events");
        return events.stream().map(o -> (JsonObject) o).toList();
    }
}
