package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.bus.EventFilter;
import de.datenhafen.core.bus.StoredEvent;
import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Validating, creating, running, pausing, resuming, restarting, failing and deleting integrations. */
class IntegrationLifecycleTest {

    private static final Path ARCHIVES = TestDirs.create("integrations");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .config(HubConfig.INTEGRATION_RETRIES, 2)
        .config(HubConfig.INTEGRATION_BACKOFF, "100ms")
        .plugin(() -> Fixtures.working(ARCHIVES))
        .build();

    @Test
    void validationNamesAnUnknownConnector(HubClient client) {
        JsonObject result = validate(client, new JsonObject().put("name", "probe").put("connector", "no-such"));

        assertThat(result.getBoolean("valid")).isFalse();
        assertThat(problems(result)).containsExactly(
            Map.of("field", "connector", "error", "no started plugin offers a connector named 'no-such'", "code",
                "integration.noConnector"));
    }

    @Test
    void validationReturnsEveryConfigProblemWithItsField(HubClient client) {
        JsonObject result = validate(client, new JsonObject().put("name", "probe").put("connector", "fixture-ingest")
            .put("config", new JsonObject().put("max-size", "abc").put("colour", "blue")));

        assertThat(result.getBoolean("valid")).isFalse();
        // each with the code of the hub's catalogue that says it in German too
        assertThat(problems(result)).containsExactly(
            Map.of("field", "config.path", "error", "is required: Path below the plugin's HTTP root", "code",
                "config.required"),
            Map.of("field", "config.max-size", "error", "expected an integer", "code", "config.type.INT"),
            Map.of("field", "config.colour", "error", "is not a known key; known keys: path, type, max-size, token",
                "code", "config.unknown"));
    }

    @Test
    void anIntegrationWithoutANameIsRefusedNamingTheField(HubClient client) {
        HubClient.Response empty = client.post("/api/v1/admin/integrations", new JsonObject());

        assertThat(empty.status()).as(empty.body()).isEqualTo(400);
        assertThat(empty.json().getString("field")).isEqualTo("name");
    }

    @Test
    void validationAcceptsAGoodRequest(HubClient client) {
        JsonObject result = validate(client, ingest("probe", "probe"));

        assertThat(result.getBoolean("valid")).isTrue();
        assertThat(result.getJsonArray("problems")).isEmpty();
    }

    @Test
    void refusesToCreateAnInvalidIntegrationWith400AndEveryProblem(HubClient client) {
        HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "bad")
            .put("connector", "fixture-ingest").put("config", new JsonObject().put("max-size", "abc")));

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().getJsonArray("problems").stream().map(p -> ((JsonObject) p).getString("field")))
            .containsExactly("config.path", "config.max-size");
        assertThat(client.get("/api/v1/admin/integrations/bad").status()).isEqualTo(404);
    }

    @Test
    void createsAnIntegrationThatRuns(HubClient client) {
        HubClient.Response r = client.post("/api/v1/admin/integrations", ingest("created", "created"));

        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().getString("state")).isEqualTo("running");
        assertThat(r.json().getString("plugin")).isEqualTo("fixture");
        assertThat(r.json().getJsonObject("config").getString("path")).isEqualTo("created");
        assertThat(r.json().getJsonObject("config").getString("type")).isEqualTo("test.event");
        assertThat(client.get("/api/v1/admin/integrations/created").json().getString("state")).isEqualTo("running");
    }

    @Test
    void refusesASecondIntegrationWithTheSameNameWith409(HubClient client) {
        create(client, ingest("twin", "twin"));

        HubClient.Response r = client.post("/api/v1/admin/integrations", ingest("twin", "twin-2"));

        assertThat(r.status()).as(r.toString()).isEqualTo(409);
        assertThat(r.json().getString("error")).isEqualTo("integration 'twin' already exists");
        assertThat(r.json().getString("field")).isEqualTo("name");
    }

    /**
     * A name taken and the config wrong: every problem at once, in a 400 (the form lost its config's problems to the
     * name's 409); a name taken alone stays a 409.
     */
    @Test
    void aTakenNameWithAWrongConfigIsEveryProblemAtOnce(HubClient client) {
        JsonObject first = new JsonObject().put("name", "doppelt").put("connector", "fixture-ingest")
            .put("config", new JsonObject().put("path", "doppelt"));
        assertThat(client.post("/api/v1/admin/integrations", first).status()).isEqualTo(201);
        HubClient.Response both = client.post("/api/v1/admin/integrations", first.copy()
            .put("config", new JsonObject().put("path", "doppelt-2").put("max-size", "viel")));
        assertThat(both.status()).as(both.body()).isEqualTo(400);
        assertThat(both.json().getJsonArray("problems").stream().map(o -> ((JsonObject) o).getString("field")))
            .containsExactly("name", "config.max-size");
        HubClient.Response german = client.post("/api/v1/admin/integrations", java.util.Map.of("Content-Type",
            "application/json", "Accept-Language", "de"), first.encode());
        assertThat(german.status()).isEqualTo(409);
        assertThat(german.json().getString("error")).isEqualTo("Die Integration doppelt gibt es schon.");
        assertThat(client.delete("/api/v1/admin/integrations/doppelt").status()).isEqualTo(204);
    }

    @Test
    void refusesASecondIntegrationOnAPathAnotherServesWith409NamingTheOwnerAndTheWayOut(HubClient client) {
        create(client, ingest("parking-ingest", "parking"));

        HubClient.Response r = client.post("/api/v1/admin/integrations", ingest("parking", "parking"));

        assertThat(r.status()).as(r.toString()).isEqualTo(409);
        assertThat(r.json()).isEqualTo(new JsonObject().put("error", "path /api/v1/plugins/fixture/parking is already "
            + "served by integration parking-ingest: choose another path or delete integration parking-ingest")
            .put("field", "config.path"));
        assertThat(client.get("/api/v1/admin/integrations/parking").status()).isEqualTo(404);
        assertThat(send(client, "parking", "garage-7").status()).isEqualTo(202);
    }

    @Test
    void validationNamesAPathAnotherIntegrationServes(HubClient client) {
        create(client, ingest("garage-ingest", "garage"));

        JsonObject result = validate(client, ingest("garage-2", "/garage"));

        assertThat(result.getBoolean("valid")).isFalse();
        assertThat(problems(result)).containsExactly(Map.of("field", "config.path", "error", "path "
            + "/api/v1/plugins/fixture/garage is already served by integration garage-ingest: choose another path or "
            + "delete integration garage-ingest"));
    }

    @Test
    void runsPluginCodeForARequestOffTheEventLoopWithThePluginsClassLoader(HubClient client) {
        create(client, ingest("threads", "threads"));

        HubClient.Response r = send(client, "threads", "room-1");

        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        assertThat(r.json().getBoolean("tcclIsPlugin")).isTrue();
        assertThat(r.json().getString("thread")).doesNotStartWith("vert.x-eventloop");
    }

    @Test
    void putsTheEventOnTheBusOwnedByThePluginsMemberWithTheGivenSubject(HubClient client) {
        create(client, ingest("to-bus", "to-bus").put("config",
            new JsonObject().put("path", "to-bus").put("type", "room.reading")));

        HubClient.Response r = send(client, "to-bus", "school-7/room-12");

        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        long sequence = r.json().getLong("sequence");
        StoredEvent event = hub.hub().eventLog().read(EventFilter.ALL, 0, 1000).stream()
            .filter(e -> e.sequence() == sequence).findFirst().orElseThrow();
        assertThat(event.member()).isEqualTo(Fixtures.MEMBER);
        assertThat(event.event().getType()).isEqualTo("room.reading");
        assertThat(event.event().getSubject()).isEqualTo("school-7/room-12");
        assertThat(event.event().getSource().toString()).isEqualTo("/plugins/fixture/integrations/to-bus");
        assertThat(new String(event.event().getData().toBytes())).isEqualTo("{\"co2\":612}");
    }

    @Test
    void countsTheMessagesItHandled(HubClient client) {
        create(client, ingest("counted", "counted"));

        send(client, "counted", "a");
        send(client, "counted", "b");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonObject messages = client.get("/api/v1/admin/integrations/counted").json().getJsonObject("messages");
            assertThat(messages.getLong("in")).isEqualTo(2);
            assertThat(messages.getLong("out")).isEqualTo(2);
            assertThat(messages.getLong("failed")).isZero();
        });
    }

    @Test
    void answers503WhilePausedAnd202AfterResume(HubClient client) {
        create(client, ingest("pausable", "pausable"));

        HubClient.Response paused = client.post("/api/v1/admin/integrations/pausable/pause");
        assertThat(paused.status()).as(paused.toString()).isEqualTo(200);
        assertThat(paused.json().getString("state")).isEqualTo("paused");
        assertThat(send(client, "pausable", "a").status()).isEqualTo(503);

        HubClient.Response resumed = client.post("/api/v1/admin/integrations/pausable/resume");
        assertThat(resumed.json().getString("state")).isEqualTo("running");
        assertThat(send(client, "pausable", "a").status()).isEqualTo(202);
    }

    @Test
    void restartsARunningIntegration(HubClient client) {
        create(client, ingest("restarted", "restarted"));

        HubClient.Response r = client.post("/api/v1/admin/integrations/restarted/restart");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().getString("state")).isEqualTo("running");
        assertThat(send(client, "restarted", "a").status()).isEqualTo(202);
    }

    @Test
    void retriesAFailingIntegrationABoundedNumberOfTimesThenLeavesItFailedWithItsReason(HubClient client) {
        HubClient.Response r = client.post("/api/v1/admin/integrations",
            new JsonObject().put("name", "doomed").put("connector", "fixture-failing"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonObject doomed = client.get("/api/v1/admin/integrations/doomed").json();
            assertThat(doomed.getString("state")).isEqualTo("failed");
            assertThat(doomed.getInteger("attempts")).isEqualTo(3);
        });
        // bounded: with 2 retries (back-off 100 ms, then 200 ms) no fourth attempt comes
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3)).untilAsserted(() ->
            assertThat(client.get("/api/v1/admin/integrations/doomed").json().getInteger("attempts")).isEqualTo(3));
        JsonObject doomed = client.get("/api/v1/admin/integrations/doomed").json();
        assertThat(doomed.getString("state")).isEqualTo("failed");
        assertThat(doomed.getJsonObject("lastError").getString("message"))
            .contains("cannot reach the device gateway");
        assertThat(doomed.getJsonObject("lastError").getString("at")).isNotNull();
    }

    /**
     * A failure whose words quote a secret of the integration (a library printing its connection string, a URI that
     * did not parse quoted whole) shows it to no one: a viewer reads {@code lastError}, and the log keeps every retry.
     */
    @Test
    void aFailureThatQuotesASecretShowsItNeitherInLastErrorNorInTheLog(HubClient client) {
        String password = "Gw+p4ss/w0rd=" + Long.toHexString(System.nanoTime());
        String encoded = java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8);
        JsonObject leaky;
        java.util.List<String> lines;
        try (CapturedLog log = CapturedLog.start()) {
            HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "leaky")
                .put("connector", "fixture-failing").put("config", new JsonObject().put("password", password)));
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                client.get("/api/v1/admin/integrations/leaky").json().getInteger("attempts") == 3);
            leaky = client.get("/api/v1/admin/integrations/leaky").json();
            lines = log.lines();
        }

        assertThat(leaky.getJsonObject("lastError").getString("message")).endsWith("cannot reach the device "
            + "gateway at mqtt://hub:********@gateway:1883 (as URL ********)");
        assertThat(leaky.encode()).doesNotContain(password).doesNotContain(encoded);
        assertThat(lines).anyMatch(l -> l.contains("leaky") && l.contains("mqtt://hub:********@gateway"));
        assertThat(lines).noneMatch(l -> l.contains(password) || l.contains(encoded));
    }

    /**
     * Readiness names each integration, and why it failed, to a hub-admin only; anyone else reads them as one count
     * (it named every member's integrations with their last errors to anyone: an attacker's probe). A failed
     * integration never makes the hub unready.
     */
    @Test
    void readinessNamesAFailedIntegrationToAHubAdminAndCountsItForAnyoneElse(HubClient client) {
        HubClient.Response created = client.post("/api/v1/admin/integrations",
            new JsonObject().put("name", "unready").put("connector", "fixture-failing"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(10)).until(() ->
            client.get("/api/v1/admin/integrations/unready").json().getString("state").equals("failed"));

        HubClient.Response admin = client.get("/health/ready");
        HubClient.Response anyone = client.anonymous().get("/health/ready");

        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.body()).contains("integration:unready", "cannot reach the device gateway");
        assertThat(anyone.status()).isEqualTo(200);
        assertThat(anyone.body()).doesNotContain("unready").doesNotContain("cannot reach").doesNotContain("integration:");
        JsonObject integrations = anyone.json().getJsonArray("checks").stream().map(o -> (JsonObject) o)
            .filter(c -> c.getString("name").equals("integrations")).findFirst().orElseThrow();
        assertThat(integrations.getString("status")).isEqualTo("FAILED");
        assertThat(integrations.getString("reason")).matches("\\d+ of \\d+ integrations have failed; a hub-admin "
            + "reads which and why");
        client.delete("/api/v1/admin/integrations/unready");
    }

    @Test
    void pauseResumeAndRestartOfAFailedIntegrationAre409WithTheReason(HubClient client) {
        HubClient.Response created = client.post("/api/v1/admin/integrations",
            new JsonObject().put("name", "broken").put("connector", "fixture-failing"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(10)).until(() ->
            client.get("/api/v1/admin/integrations/broken").json().getString("state").equals("failed"));

        for (String action : new String[] {"pause", "resume", "restart"}) {
            HubClient.Response r = client.post("/api/v1/admin/integrations/broken/" + action);

            assertThat(r.status()).as(action + ": " + r).isEqualTo(409);
            assertThat(r.json().getString("field")).isEqualTo("state");
            assertThat(r.json().getString("error")).as(action).contains("cannot reach the device gateway");
        }
        assertThat(client.get("/api/v1/admin/integrations/broken").json().getString("state")).isEqualTo("failed");
    }

    @Test
    void deletesAnIntegrationAndItsEndpoint(HubClient client) {
        create(client, ingest("deleted", "deleted"));

        HubClient.Response r = client.delete("/api/v1/admin/integrations/deleted");

        assertThat(r.status()).as(r.toString()).isEqualTo(204);
        HubClient.Response gone = client.get("/api/v1/admin/integrations/deleted");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().getString("error")).isEqualTo("no integration named 'deleted'");
        assertThat(send(client, "deleted", "a").status()).isEqualTo(404);
        assertThat(client.get("/api/v1/admin/integrations").jsonArray().stream()
            .map(i -> ((JsonObject) i).getString("name"))).doesNotContain("deleted");
    }

    /**
     * What a connector's routes() set up outside its routes is let go of whenever they are removed (restart, update,
     * the hub's stop, a failed start, delete), not at a pause; the last action registered runs first, and one that
     * fails neither keeps the others from running nor the integration from stopping.
     */
    @Test
    void anIntegrationsStopActionsRunWhenItsRoutesAreRemovedButNotAtAPause(HubClient client,
                                                                          @org.junit.jupiter.api.io.TempDir Path dir)
        throws Exception {
        Path file = dir.resolve("stops.txt");
        JsonObject tidy = new JsonObject().put("name", "tidy").put("connector", "fixture-stops")
            .put("config", new JsonObject().put("file", file.toString()));
        create(client, tidy);
        assertThat(client.get("/api/v1/plugins/fixture/stops/tidy").body()).isEqualTo("running");

        assertThat(client.post("/api/v1/admin/integrations/tidy/pause").status()).isEqualTo(200);
        assertThat(client.post("/api/v1/admin/integrations/tidy/resume").status()).isEqualTo(200);
        assertThat(file).as("a pause keeps the routes").doesNotExist();

        assertThat(client.post("/api/v1/admin/integrations/tidy/restart").status()).isEqualTo(200);
        assertThat(java.nio.file.Files.readAllLines(file)).containsExactly("second tidy", "first tidy");

        HubClient.Response updated = client.put("/api/v1/admin/integrations/tidy", new JsonObject()
            .put("config", new JsonObject().put("file", file.toString()).put("then", "throw")));
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(java.nio.file.Files.readAllLines(file)).hasSize(4);

        hub.restart();
        HubClient after = hub.client(); // on the new port
        assertThat(java.nio.file.Files.readAllLines(file)).as("the hub's stop").hasSize(6)
            .endsWith("second tidy", "first tidy");
        assertThat(after.get("/api/v1/plugins/fixture/stops/tidy").body()).isEqualTo("running");

        HubClient.Response deleted = after.delete("/api/v1/admin/integrations/tidy");
        assertThat(deleted.status()).as("a stop action that fails does not keep it").isEqualTo(204);
        assertThat(java.nio.file.Files.readAllLines(file)).hasSize(8).endsWith("second tidy", "first tidy");
        assertThat(after.get("/api/v1/admin/integrations/tidy").status()).isEqualTo(404);

        java.nio.file.Files.delete(file);
        tidy.getJsonObject("config").put("then", "fail-start");
        create(after, tidy.put("name", "untidy"));
        await().atMost(Duration.ofSeconds(10)).until(() ->
            after.get("/api/v1/admin/integrations/untidy").json().getInteger("attempts") == 3);
        assertThat(java.nio.file.Files.readAllLines(file)).as("each failed start lets go of what it set up")
            .containsExactly("second untidy", "first untidy", "second untidy", "first untidy", "second untidy",
                "first untidy");
        after.delete("/api/v1/admin/integrations/untidy");
    }

    static JsonObject ingest(String name, String path) {
        return new JsonObject().put("name", name).put("connector", "fixture-ingest")
            .put("config", new JsonObject().put("path", path));
    }

    static void create(HubClient client, JsonObject request) {
        HubClient.Response r = client.post("/api/v1/admin/integrations", request);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    static HubClient.Response send(HubClient client, String path, String subject) {
        return client.anonymous().post("/api/v1/plugins/fixture/" + path,
            Map.of("Content-Type", "application/json", "X-Subject", subject), "{\"co2\":612}");
    }

    private static JsonObject validate(HubClient client, JsonObject request) {
        HubClient.Response r = client.post("/api/v1/admin/integrations/validate", request);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> problems(JsonObject result) {
        JsonArray problems = result.getJsonArray("problems");
        return problems.stream().map(p -> ((JsonObject) p).getMap()).toList();
    }
}
