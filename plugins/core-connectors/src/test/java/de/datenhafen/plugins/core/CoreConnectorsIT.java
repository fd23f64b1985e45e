package de.datenhafen.plugins.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.RecordedEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The core-connectors plugin loaded from its packaged archive into a real hub. */
class CoreConnectorsIT {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest().build();

    @Test
    void httpIngestPutsEachPostedObjectOnTheBusBeforeAnswering(HubClient client) {
        HubClient.Response created = client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "parking").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "parking").put("type", "city.parking.occupancy")
                .put("anonymous", true)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);

        HubClient.Response r = client.anonymous().post("/api/v1/plugins/core-connectors/parking",
            java.util.Map.of("Content-Type", "application/json", "X-Subject", "garage-7"), "{\"free\":12}");

        assertThat(r.status()).as(r.body()).isEqualTo(202);
        long sequence = r.json().getLong("sequence");
        List<RecordedEvent> events = hub.events("city.parking.occupancy");
        assertThat(events).hasSize(1);
        RecordedEvent e = events.get(0);
        assertThat(e.sequence()).isEqualTo(sequence);
        assertThat(e.member()).isEqualTo("Datenhafen");
        assertThat(e.subject()).isEqualTo("garage-7");
        assertThat(e.dataString()).isEqualTo("{\"free\":12}");
    }

    /**
     * A door open to anyone takes at most anonymous-rate posts a second from one address (five seconds' worth at
     * once): past it 503 with Retry-After, and only what was answered 202 is on the bus.
     */
    @Test
    void anAnonymousIngestBoundsThePostsOfOneAddressAndStoresOnlyWhatItTook(HubClient client) {
        HubClient.Response created = client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "public-reports").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "reports").put("type", "city.reports").put("anonymous", true)
                .put("anonymous-rate", 1)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);

        long t0 = System.nanoTime();
        List<HubClient.Response> answers = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(client.anonymous().post("/api/v1/plugins/core-connectors/reports", "application/json",
                "{\"n\":" + i + "}"));
        }
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L + 1;

        assertThat(answers.subList(0, 5)).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(202));
        List<HubClient.Response> refused = answers.stream().filter(r -> r.status() != 202).toList();
        assertThat(refused).as("one a second after the first five, %d s", seconds)
            .hasSizeGreaterThanOrEqualTo((int) (20 - 5 - seconds)).isNotEmpty()
            .allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.header("Retry-After")).isEqualTo("1");
                assertThat(r.json().getString("error")).isEqualTo("this endpoint takes at most 1 request a second "
                    + "from one address; send this one again in a moment");
            });
        assertThat(hub.events("city.reports")).hasSize(20 - refused.size());

        // the rate is checked before the body is read: a sender past it costs no memory for its body (a body over
        // max-body would be 413 once read)
        String big = "{\"pad\":\"" + "x".repeat(70_000) + "\"}";
        List<Integer> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < 10 && !statuses.contains(503); i++) { // a token refilled meanwhile lets one be read: 413
            statuses.add(client.anonymous().post("/api/v1/plugins/core-connectors/reports", "application/json", big)
                .status());
        }
        assertThat(statuses).as("a body over max-body past the rate").contains(503).allMatch(s -> s == 503 || s == 413);
    }

    @Test
    void httpIngestRefusesWhatIsNotOneJsonObjectAndStoresNothing(HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "strict").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "strict").put("type", "city.strict").put("anonymous", true)));

        HubClient.Response r = client.anonymous().post("/api/v1/plugins/core-connectors/strict",
            "application/json", "[1,2,3]");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("error")).isEqualTo("the body must be one JSON object");
        assertThat(r.json().getString("field")).isEqualTo("body");
        assertThat(hub.events("city.strict")).isEmpty();
    }

    @Test
    void httpIngestAnswersAnEmptyBodyWith400SayingWhatToSend(HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "hollow").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "hollow").put("type", "city.hollow").put("anonymous", true)));

        HubClient.Response r = client.anonymous().post("/api/v1/plugins/core-connectors/hollow",
            "application/json", "");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json()).isEqualTo(new JsonObject().put("error", "the request body is empty; send one JSON object")
            .put("field", "body"));
        assertThat(hub.events("city.hollow")).isEmpty();
    }

    @Test
    void aSecondIngestOnAPathAnotherServesIsRefusedWith409NamingItsOwnerAndTheWayOut(HubClient client) {
        JsonObject config = new JsonObject().put("path", "spots").put("type", "city.parking.occupancy")
            .put("anonymous", true);
        assertThat(client.post("/api/v1/admin/integrations", new JsonObject().put("name", "spots-ingest")
            .put("connector", "http-ingest").put("config", config)).status()).isEqualTo(201);

        HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "spots")
            .put("connector", "http-ingest").put("config", config.copy().put("max-body", 1024)));

        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.json()).isEqualTo(new JsonObject().put("error", "path /api/v1/plugins/core-connectors/spots is "
            + "already served by integration spots-ingest: choose another path or delete integration spots-ingest")
            .put("field", "config.path"));
        assertThat(client.get("/api/v1/admin/integrations/spots").status()).isEqualTo(404);
    }

    @Test
    void httpIngestTakesPostsOnlyFromTheEditorsOfItsSendersAndARefusedOneStoresNothing(HubClient client) {
        members(client);
        String sender = token(client, "parkhaus", "gate-7", "member-editor", null);
        String senderViewer = token(client, "parkhaus", "reader", "viewer", null);
        String scopedElsewhere = token(client, "parkhaus", "elsewhere", "member-editor", "transit");
        String other = token(client, "nachbar", "gate-1", "member-editor", null);
        HubClient.Response created = client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "guarded").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "guarded").put("type", "city.guarded")
                .put("senders", new JsonArray().add("parkhaus"))));
        assertThat(created.json().getString("state")).as(created.body()).isEqualTo("running");
        String path = "/api/v1/plugins/core-connectors/guarded";
        java.util.Map<String, String> json = java.util.Map.of("Content-Type", "application/json");

        HubClient.Response anonymous = client.anonymous().post(path, json, "{\"by\":\"nobody\"}");
        HubClient.Response wrong = client.withToken("dh_aaaaaaaaaaaa_not-a-secret").post(path, json, "{\"by\":\"?\"}");
        HubClient.Response otherMember = client.withToken(other).post(path, json, "{\"by\":\"nachbar\"}");
        HubClient.Response viewer = client.withToken(senderViewer).post(path, json, "{\"by\":\"viewer\"}");
        HubClient.Response scoped = client.withToken(scopedElsewhere).post(path, json, "{\"by\":\"scoped\"}");
        HubClient.Response own = client.withToken(sender).post(path, json, "{\"by\":\"parkhaus\"}");
        HubClient.Response admin = client.post(path, json, "{\"by\":\"admin\"}");

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"datenhafen\"");
        assertThat(anonymous.json()).isEqualTo(new JsonObject().put("error", "this endpoint needs a token "
            + "(Authorization: Bearer <token>) or a session of a member listed in its senders")
            .put("field", "Authorization"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(otherMember.status()).isEqualTo(403);
        assertThat(otherMember.json()).isEqualTo(new JsonObject().put("error", "this ingest takes posts from the "
            + "member-editors of parkhaus (or a hub-admin)").put("field", "Authorization"));
        assertThat(viewer.status()).isEqualTo(403);
        assertThat(scoped.status()).isEqualTo(403);
        assertThat(scoped.json().getString("error")).isEqualTo("this token is scoped to plugin transit");
        assertThat(own.status()).as(own.body()).isEqualTo(202);
        assertThat(admin.status()).as(admin.body()).isEqualTo(202);
        assertThat(hub.events("city.guarded"))
            .extracting(e -> e.dataString())
            .containsExactly("{\"by\":\"parkhaus\"}", "{\"by\":\"admin\"}");
        JsonArray audited = client.get("/api/v1/admin/audit?action=POST%20" + path + "&limit=100").json()
            .getJsonArray("entries");
        assertThat(audited.stream().map(o -> ((JsonObject) o).getInteger("outcome")).toList())
            .containsExactlyInAnyOrder(401, 401, 403, 403, 403);
        // a refused post is the caller's failure, not the ingest's
        JsonObject view = client.get("/api/v1/admin/integrations/guarded").json();
        assertThat(view.getJsonObject("messages").getLong("failed")).isZero();
        assertThat(view.getValue("lastError")).isNull();
    }

    @Test
    void anOldTokenInAConfigIsRefusedSayingWhatReplacesIt(HubClient client) {
        HubClient.Response created = client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "old-gate").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "old-gate").put("type", "city.old").put("anonymous", true)
                .put("token", "s3cret-value-from-2025")));

        assertRefused(created, "config.token", "token was replaced by member tokens: list the members whose editors "
            + "may post in senders (e.g. \"senders\": [\"parkhaus-gmbh\"]) and give their machines member tokens "
            + "with the role member-editor (README, 'Members, people and tokens'); they send them as Authorization: "
            + "Bearer <token> instead of X-Token. Then remove token from this integration's config");
        assertThat(created.body()).doesNotContain("s3cret-value-from-2025");
        assertThat(client.get("/api/v1/admin/integrations/old-gate").status()).isEqualTo(404);
        assertThat(client.anonymous().post("/api/v1/plugins/core-connectors/old-gate",
            java.util.Map.of("X-Token", "s3cret-value-from-2025"), "{}").status()).isEqualTo(404);
    }

    @Test
    void httpIngestWithoutSendersOrAnonymousIsClosedAndSaysHowToOpenIt(HubClient client) {
        HubClient.Response created = client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "closed").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "closed").put("type", "city.closed")));

        assertRefused(created, "config.senders", "an ingest is closed by default: list the members whose editors may "
            + "post in senders, or set anonymous: true to let anyone post");
        assertThat(client.anonymous().post("/api/v1/plugins/core-connectors/closed", "application/json", "{}")
            .status()).isEqualTo(404);
        assertThat(hub.events("city.closed")).isEmpty();
    }

    @Test
    void httpIngestWithBothSendersAndAnonymousIsRefusedSayingToChooseOne(HubClient client) {
        members(client); // the sender a member: the refusal is the choice alone
        JsonObject request = new JsonObject().put("name", "both").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "both").put("type", "city.both")
                .put("senders", new JsonArray().add("parkhaus")).put("anonymous", true));

        HubClient.Response validated = client.post("/api/v1/admin/integrations/validate", request);
        HubClient.Response created = client.post("/api/v1/admin/integrations", request);

        assertThat(validated.json().getBoolean("valid")).isFalse();
        assertThat(validated.json().getJsonArray("problems").getJsonObject(0).getString("field"))
            .isEqualTo("config.anonymous");
        assertRefused(created, "config.anonymous", "set either senders or anonymous: true, not both: with anonymous "
            + "anyone may post, so senders would say nothing");
    }

    @Test
    void anEmptySenderIsRefusedNamingSenders(HubClient client) {
        HubClient.Response created = client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "blank").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "blank").put("type", "city.blank")
                .put("senders", new JsonArray().add("parkhaus").add(" "))));

        assertRefused(created, "config.senders", "must be a member id (an empty one names no member); was ' '");
    }

    /**
     * A sender that is no member (a typo of "parkhaus") is refused naming the key and the id, by validate, create and
     * update alike: it was taken, and the member it meant was refused at every post without anyone being told.
     */
    @Test
    void aSenderThatIsNoMemberIsRefusedByValidateCreateAndUpdate(HubClient client) {
        members(client);
        String words = "there is no member 'parkhaus-gmb'; senders lists ids of the hub's members (GET "
            + "/api/v1/admin/members)";
        JsonObject typo = new JsonObject().put("path", "typo").put("type", "city.typo")
            .put("senders", new JsonArray().add("parkhaus").add("parkhaus-gmb"));
        JsonObject request = new JsonObject().put("name", "typo").put("connector", "http-ingest").put("config", typo);

        HubClient.Response validated = client.post("/api/v1/admin/integrations/validate", request);
        assertThat(validated.json().getBoolean("valid")).as(validated.body()).isFalse();
        assertThat(validated.json().getJsonArray("problems")).containsExactly(new JsonObject()
            .put("field", "config.senders").put("error", words).put("code", "integration.noMember"));
        assertRefused(client.post("/api/v1/admin/integrations", request), "config.senders", words);
        assertThat(client.get("/api/v1/admin/integrations/typo").status()).isEqualTo(404);

        typo.put("senders", new JsonArray().add("parkhaus"));
        assertThat(client.post("/api/v1/admin/integrations", request).status()).isEqualTo(201);
        HubClient.Response update = client.put("/api/v1/admin/integrations/typo", new JsonObject().put("config",
            typo.copy().put("senders", new JsonArray().add("nachbar").add("parkhaus-gmb"))));
        assertRefused(update, "config.senders", words);
        assertThat(client.get("/api/v1/admin/integrations/typo").json().getJsonObject("config")
            .getJsonArray("senders")).as("nothing changed").containsExactly("parkhaus");
    }

    /**
     * The hub's sinks send to public addresses only, and this hub lists no other: a dry run of {@code webhook-sink} or
     * {@code mqtt-sink} with a target at another address names the key with the words create then refuses it with,
     * before anything is built or stored; a public target passes both.
     */
    @Test
    void aDryRunOfASinkToANonPublicAddressNamesTheKeyInTheWordsCreateRefusesItWith(HubClient client) {
        String howToAllow = "; the hub sends to public addresses only; an operator can allow a host or network for "
            + "all sinks in the hub setting sinks.allowed-private-hosts";
        for (String[] c : new String[][] {
            {"webhook-sink", "url", "http://127.0.0.1:9/x", "127.0.0.1 is not a public address (loopback)"},
            {"webhook-sink", "url", "http://[::1]/", "::1 is not a public address (loopback)"},
            {"webhook-sink", "url", "http://169.254.169.254/", "169.254.169.254 is not a public address (link-local)"},
            {"mqtt-sink", "broker", "tcp://10.0.0.5:1883", "10.0.0.5 is not a public address (private)"}}) {
            JsonObject request = sink(c[0], c[1], c[2]);
            HubClient.Response validated = client.post("/api/v1/admin/integrations/validate", request);
            HubClient.Response created = client.post("/api/v1/admin/integrations", request);

            assertThat(validated.status()).as(validated.body()).isEqualTo(200);
            assertThat(validated.json().getBoolean("valid")).as(validated.body()).isFalse();
            assertThat(validated.json().getJsonArray("problems")).as(validated.body())
                .containsExactly(new JsonObject().put("field", "config." + c[1]).put("error", c[3] + howToAllow));
            assertRefused(created, "config." + c[1], c[3] + howToAllow);
            assertThat(client.get("/api/v1/admin/integrations/dry-sink").status()).as("nothing kept").isEqualTo(404);
        }

        for (JsonObject request : List.of(sink("webhook-sink", "url", "https://hooks.example.org/in"),
            sink("mqtt-sink", "broker", "ssl://broker.example.org:8883"))) {
            HubClient.Response validated = client.post("/api/v1/admin/integrations/validate", request);
            assertThat(validated.json()).as(validated.body())
                .isEqualTo(new JsonObject().put("valid", true).put("problems", new JsonArray()));
        }
    }

    /**
     * A sink's {@code ca-certificate} that is not certificates in PEM form is refused by a dry run and by create in
     * the same words, naming {@code config.ca-certificate} and never repeating the value; nothing is stored.
     */
    @Test
    void aCaCertificateThatIsNoCertificateIsRefusedNamingTheKeyWithoutRepeatingIt(HubClient client) {
        String mustBe = "must be X.509 certificates in PEM form (-----BEGIN CERTIFICATE----- ...), at most 65536 "
            + "characters; the value ";
        String key = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIHNvbWUtdGVzdC10ZXh0\n"
            + "-----END PRIVATE KEY-----\n"; // the test's own text, no real key
        for (String[] c : new String[][] {
            {"webhook-sink", "url", "https://hooks.example.org/in", key, "holds a private key (-----BEGIN PRIVATE "
                + "KEY-----): the hub needs only the authority's certificate to check the other side, never a key; "
                + "remove the key (and replace it, if it was shared)"},
            {"webhook-sink", "url", "https://hooks.example.org/in", "A".repeat(70_000), "has 70000 characters, "
                + "more than the 65536 certificates in PEM form may have here"},
            {"mqtt-sink", "broker", "ssl://broker.example.org:8883", "our own CA", "holds no certificate in PEM "
                + "form: give the authority's certificate (-----BEGIN CERTIFICATE----- ... -----END "
                + "CERTIFICATE-----)"}}) {
            JsonObject request = sink(c[0], c[1], c[2]);
            request.getJsonObject("config").put("ca-certificate", c[3]);
            HubClient.Response validated = client.post("/api/v1/admin/integrations/validate", request);
            HubClient.Response created = client.post("/api/v1/admin/integrations", request);

            assertThat(validated.json().getJsonArray("problems")).as(validated.body()).containsExactly(
                new JsonObject().put("field", "config.ca-certificate").put("error", mustBe + c[4])
                    .put("code", "config.check.pem"));
            assertRefused(created, "config.ca-certificate", mustBe + c[4]);
            assertThat(validated.body() + created.body()).doesNotContain("MC4CAQAw").doesNotContain("AAAAAAAA");
            assertThat(client.get("/api/v1/admin/integrations/dry-sink").status()).as("nothing kept").isEqualTo(404);
        }
    }

    /**
     * A {@code webhook-sink} with the certificate of a private authority reaches the hub's sink through its Camel URI,
     * which drops the PEM's line breaks, and starts; given for an http url, it is refused naming the key.
     */
    @Test
    void aWebhookSinkWithACaCertificateStartsAndOneForAnHttpUrlIsRefused(HubClient client) throws Exception {
        JsonObject request = sink("webhook-sink", "url", "https://hooks.example.org/in");
        request.getJsonObject("config").put("ca-certificate", SinkCaCertificateTest.authority());
        HubClient.Response created = client.post("/api/v1/admin/integrations", request.copy().put("name", "own-ca"));
        try {
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(created.json().getString("state")).as(created.body()).isEqualTo("running");
        } finally {
            client.delete("/api/v1/admin/integrations/own-ca");
        }

        request.getJsonObject("config").put("url", "http://hooks.example.org/in");
        assertRefused(client.post("/api/v1/admin/integrations", request), "config.ca-certificate",
            "is set but url is not an https:// address: a private authority's certificate is used only over TLS");
    }

    /** A create request for integration {@code dry-sink} of {@code connector}, its target in {@code key}. */
    static JsonObject sink(String connector, String key, String target) {
        JsonObject config = new JsonObject().put("types", new JsonArray().add("city.dry")).put(key, target);
        if (connector.equals("webhook-sink")) {
            config.put("secret", WebhookSinkIT.SECRET);
        } else {
            config.put("topic", "dry/{subject}");
        }
        return new JsonObject().put("name", "dry-sink").put("connector", connector).put("config", config);
    }

    /** Refused before anything is stored, naming the key: the hub's 400 with the problem. */
    /**
     * The sinks' event types, subject prefix and subscription and a webhook's URL are refused at validate and create
     * where the routes would refuse them (they were taken, and the integration failed at its start with the bus's, or
     * the database's, words, its SQL among them, and a URL's password stored and shown in clear).
     */
    @Test
    void whatASinksRoutesWouldRefuseIsRefusedAtValidateAndCreate(HubClient client) {
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        Object[][] cases = {
            {"log-sink", new JsonObject().put("types", new JsonArray().add("city.ok").add("a b")), "config.types",
                "must be an event type or a pattern ending in * (air.reading, air.*); was 'a b'"},
            {"log-sink", new JsonObject().put("types", new JsonArray().add("city." + "a".repeat(4100))),
                "config.types", "must be event types of at most 4000 characters together (a comma between two); "
                    + "have 4105"},
            {"log-sink", new JsonObject().put("types", new JsonArray().add("city.ok"))
                .put("subscription", "Not A Valid Name!"), "config.subscription",
                "must be lower-case letters, digits, dots, dashes and underscores; was 'Not A Valid Name!'"},
            {"webhook-sink", new JsonObject().put("types", new JsonArray().add("city.ok")).put("secret", secret)
                .put("url", "https://example.org/h").put("subject-prefix", "s".repeat(1025)),
                "config.subject-prefix", "must be 0 to 1024 characters; has 1025"},
            {"webhook-sink", new JsonObject().put("types", new JsonArray().add("city.ok")).put("secret", secret)
                .put("url", "https://alice:s3cr3tpw@example.org/h?api_key=KEY123"), "config.url",
                "must be a URL (https, http) without a user or password in it (give them in a key of their own); "
                    + "was 'https://********@example.org/h?api_key=KEY123'"},
        };
        int n = 0;
        for (Object[] c : cases) {
            JsonObject request = new JsonObject().put("name", "refused-sink-" + n++).put("connector", c[0])
                .put("config", c[1]);
            HubClient.Response validated = client.post("/api/v1/admin/integrations/validate", request);
            assertThat(validated.json().getJsonArray("problems").stream().map(JsonObject.class::cast)
                .map(p -> p.getString("field") + ": " + p.getString("error"))).as(validated.body())
                .containsExactly(c[2] + ": " + c[3]);
            assertRefused(client.post("/api/v1/admin/integrations", request), (String) c[2], (String) c[3]);
            assertThat(client.get("/api/v1/admin/integrations/" + request.getString("name")).status()).isEqualTo(404);
        }
    }

    private static void assertRefused(HubClient.Response r, String field, String message) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo(field);
        assertThat(r.json().getString("error")).isEqualTo(field + ": " + message);
    }

    /** A sender member and another one, once for all tests. */
    private static synchronized void members(HubClient admin) {
        for (String id : new String[] {"parkhaus", "nachbar"}) {
            if (admin.get("/api/v1/admin/members/" + id).status() == 404) {
                HubClient.Response r = admin.post("/api/v1/admin/members", new JsonObject().put("id", id)
                    .put("name", id.equals("parkhaus") ? "Parkhaus Lübeck GmbH" : "Nachbarstadt"));
                assertThat(r.status()).as(r.body()).isEqualTo(201);
            }
        }
    }

    private static String token(HubClient admin, String member, String name, String role, String scopePlugin) {
        JsonObject body = new JsonObject().put("name", name).put("roles", new JsonArray().add(role));
        if (scopePlugin != null) {
            body.put("scope", new JsonObject().put("plugin", scopePlugin));
        }
        HubClient.Response r = admin.post("/api/v1/admin/members/" + member + "/tokens", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().getString("token");
    }

    @Test
    void httpIngestRefusesMalformedJsonAndInvalidUtf8(HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "picky").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "picky").put("type", "city.picky").put("anonymous", true)));

        Map<byte[], String> refusals = Map.of(
            "{not json}".getBytes(StandardCharsets.UTF_8), "the body is not valid JSON in UTF-8: ",
            "{\"a\":1} {\"b\":2}".getBytes(StandardCharsets.UTF_8), "the body holds more after its JSON object, "
                + "at line 1, column 9: one JSON object is all it may hold",
            new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
            "the body is not well-formed UTF-8: C3 at byte 6 of the body is a sequence cut short");
        refusals.forEach((body, error) -> {
            HubClient.Response r = client.anonymous().post("/api/v1/plugins/core-connectors/picky",
                "application/json", body);
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().getString("error")).startsWith(error);
            assertThat(r.json().getString("field")).isEqualTo("body");
        });
        assertThat(hub.events("city.picky")).isEmpty();
    }

    /**
     * Bodies that readers read differently (Jackson alone took each of them, keeping the last of two names, reading
     * C0 AE as a dot) are refused as the hub's own doors refuse them, saying what is wrong and where; nothing goes on
     * the bus. Text beyond ASCII, written out or as an escaped pair, goes on as it came.
     */
    @Test
    void httpIngestRefusesBodiesThatReadersReadDifferentlyAndStoresNothing(HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "strict-json").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "strict-json").put("type", "city.strict-json")
                .put("anonymous", true)));
        String path = "/api/v1/plugins/core-connectors/strict-json";
        Map<byte[], String> refusals = Map.of(
            new byte[] {'{', '"', 'p', '"', ':', '"', '/', 'p', (byte) 0xC0, (byte) 0xAE, (byte) 0xC0, (byte) 0xAE,
                (byte) 0xC0, (byte) 0xAF, '"', '}'},
            "the body is not well-formed UTF-8: C0 AE at byte 8 of the body is an overlong form",
            new byte[] {'{', '"', 'p', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'},
            "the body is not well-formed UTF-8: ED A0 80 at byte 6 of the body is an encoded surrogate",
            "{\"garage\":{\"name\":\"Br\\ud800cke\"}}".getBytes(StandardCharsets.UTF_8),
            "garage.name holds the escape \\ud800, an unpaired UTF-16 surrogate",
            "{\"free\":12,\"free\":0}".getBytes(StandardCharsets.UTF_8),
            "the name \"free\" is given twice in one object; each name once",
            "{\"free\":12}{\"free\":0}".getBytes(StandardCharsets.UTF_8),
            "the body holds more after its JSON object, at line 1, column 12");

        refusals.forEach((body, error) -> {
            HubClient.Response r = client.anonymous().post(path, "application/json", body);
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().getString("error")).startsWith(error);
            assertThat(r.json().getString("field")).isEqualTo("body");
        });
        assertThat(hub.events("city.strict-json")).isEmpty();

        String beyondAscii = "{\"Ort\":\"Lübeck\",\"Preis\":\"2 €\",\"Laune\":\"😀 \\ud83d\\ude00\"}";
        HubClient.Response taken = client.anonymous().post(path, "application/json", beyondAscii);
        assertThat(taken.status()).as(taken.body()).isEqualTo(202);
        assertThat(hub.events("city.strict-json")).singleElement()
            .satisfies(e -> assertThat(e.dataString()).isEqualTo(beyondAscii));
    }

    /**
     * The subject is the sender's header, which a proxy in front of the hub may strip or set: a query parameter of its
     * name neither stands in for it nor is mixed with it.
     */
    @Test
    void httpIngestTakesTheSubjectFromTheRequestHeaderNeverFromAQueryParameter(HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "gates").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "gates").put("type", "city.gates").put("anonymous", true)));
        String path = "/api/v1/plugins/core-connectors/gates";

        HubClient.Response queryOnly = client.anonymous().post(path + "?X-Subject=forged", "application/json",
            "{\"n\":1}");
        HubClient.Response both = client.anonymous().post(path + "?x-subject=forged",
            Map.of("Content-Type", "application/json", "X-Subject", "gate-7"), "{\"n\":2}");

        assertThat(queryOnly.status()).as(queryOnly.body()).isEqualTo(202);
        assertThat(both.status()).as(both.body()).isEqualTo(202);
        assertThat(hub.events("city.gates")).extracting(RecordedEvent::subject).containsExactly(null, "gate-7");
    }

    @Test
    void httpIngestRefusesASubjectOver1024CharactersNamingTheHeader(HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "subjects").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "subjects").put("type", "city.subjects").put("anonymous", true)));

        HubClient.Response r = client.anonymous().post("/api/v1/plugins/core-connectors/subjects",
            java.util.Map.of("Content-Type", "application/json", "X-Subject", "s".repeat(1025)), "{}");

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("X-Subject");
        assertThat(r.json().getString("error")).isEqualTo("the subject has 1025 characters, at most 1024 are accepted");
    }

    @Test
    void logSinkReadsTheBusThroughItsSubscription(HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "watch").put("connector", "log-sink")
            .put("config", new JsonObject().put("types", new JsonArray().add("city.watched"))));
        client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "watched-in").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "watched").put("type", "city.watched").put("anonymous", true)));

        for (int i = 0; i < 3; i++) {
            assertThat(client.anonymous().post("/api/v1/plugins/core-connectors/watched", "application/json",
                "{\"n\":" + i + "}").status()).isEqualTo(202);
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(client.get("/api/v1/admin/integrations/watch").json()
                .getJsonObject("messages").getLong("in")).isEqualTo(3));
    }
}
