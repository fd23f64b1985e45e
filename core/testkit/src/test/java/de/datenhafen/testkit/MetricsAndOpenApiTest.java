package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the hub says about itself: Prometheus figures, and an OpenAPI document that matches its router. */
class MetricsAndOpenApiTest {

    private static final Path ARCHIVES = TestDirs.create("metrics-openapi");

    private static final String SCRAPER = "metrics-0123456789abcdef0123456789abcdef";

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().plugin(() -> Fixtures.working(ARCHIVES))
        .config("metrics.token", SCRAPER).build();

    @BeforeAll
    static void runAnIntegration() {
        HubClient client = hub.client();
        HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "measured")
            .put("connector", "fixture-ingest").put("config", new JsonObject().put("path", "measured")));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        for (int i = 0; i < 3; i++) {
            assertThat(client.anonymous().post("/api/v1/plugins/fixture/measured",
                Map.of("Content-Type", "application/json"), "{}").status()).isEqualTo(202);
        }
        for (String m : List.of("stadtwerke-a", "kulturamt-b")) {
            assertThat(client.post("/api/v1/admin/members", new JsonObject().put("id", m).put("name", m)).status())
                .isEqualTo(201);
        }
        assertThat(client.put("/api/v1/admin/plugins/fixture/owner", new JsonObject().put("member", "stadtwerke-a"))
            .status()).isEqualTo(200);
    }

    /**
     * The per-integration series name every member's integrations and how busy they are: an anonymous caller gets the
     * hub's own figures without them, a member's viewer those of its member's integrations, a hub-admin and the
     * operator's metrics token all; a wrong token is refused, not answered as anonymous.
     */
    @Test
    void eachCallerSeesTheIntegrationsItMayRead(HubClient client) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(metrics(client))
            .containsPattern(messagesIn("measured", "3")));
        HubClient viewerOfA = client.withToken(client.memberToken("stadtwerke-a", "metrics-viewer", "viewer"));
        HubClient viewerOfB = client.withToken(client.memberToken("kulturamt-b", "metrics-viewer", "viewer"));

        String anonymous = metrics(client.anonymous());
        assertThat(anonymous).containsPattern("(?m)^vertx_http_server_requests_total\\{")
            .containsPattern("(?m)^jvm_memory_used_bytes\\{").doesNotContain("integration=\"measured\"")
            .doesNotContainPattern("(?m)^datenhafen_integration_messages_total\\{");
        assertThat(metrics(viewerOfA)).containsPattern(messagesIn("measured", "3"));
        assertThat(metrics(viewerOfB)).doesNotContainPattern("(?m)^datenhafen_integration_messages_total\\{");
        assertThat(metrics(client.withToken(SCRAPER))).containsPattern(messagesIn("measured", "3"));
        assertThat(client.withToken(SCRAPER).get("/api/v1/admin/integrations").status())
            .as("the metrics token reads /metrics and nothing else").isEqualTo(401);
        // the scheme in any case, as every token is read (RFC 9110 11.1)
        HubClient.Response lowerCase = client.anonymous().get("/metrics",
            Map.of("Authorization", "bearer  " + SCRAPER));
        assertThat(lowerCase.status()).isEqualTo(200);
        assertThat(lowerCase.body()).containsPattern(messagesIn("measured", "3"));

        HubClient.Response wrong = client.withToken(SCRAPER + "x").get("/metrics");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().getString("error")).contains("token");
    }

    @Test
    void exposesPerIntegrationMessageCounts(HubClient client) {
        // counted when Camel completes the exchange, which may be just after the answer went out
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(metrics(client))
            .containsPattern(messagesIn("measured", "3")));
    }

    @Test
    void countsAnIntegrationCreatedAgainUnderAnOldNameFromZero(HubClient client) {
        createAndPost(client, "again", 2);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(metrics(client))
            .containsPattern(messagesIn("again", "2")));
        assertThat(client.delete("/api/v1/admin/integrations/again").status()).isEqualTo(204);

        createAndPost(client, "again", 1);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(metrics(client))
            .containsPattern(messagesIn("again", "1")));
    }

    /** HEAD is GET without the body (RFC 9110 9.3.2), on routes that need credentials too. */
    @Test
    void aHeadWithCredentialsIsAnsweredAsItsGet(HubClient client) {
        for (String path : List.of("/metrics", "/api/v1/admin/integrations")) {
            HubClient.Response head = client.send("HEAD", path, Map.of(), null);
            assertThat(head.status()).as("HEAD %s: %s", path, head).isEqualTo(200);
            assertThat(head.body()).isEmpty();
        }
    }

    @Test
    void exposesJvmMemoryFigures(HubClient client) {
        assertThat(metrics(client)).containsPattern("(?m)^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*\\} \\d");
    }

    @Test
    void exposesHttpServerRequestFigures(HubClient client) {
        client.anonymous().get("/health/live");

        assertThat(metrics(client)).containsPattern("(?m)^vertx_http_server_requests_total\\{[^}]*\\} \\d");
    }

    @Test
    void requestsWithMethodsOrPathsOfTheirOwnChoiceAddNoSeries(HubClient client) {
        HubClient anyone = client.anonymous();
        anyone.send("BREW", "/health/live", Map.of(), new byte[0]); // the first unknown method makes OTHER's series
        anyone.get("/no/such/path/warm-up");
        metrics(client); // and the series of /metrics's own request
        int before = metrics(client).length();
        java.util.Random random = new java.util.Random(7);
        List<String> methods = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            StringBuilder m = new StringBuilder("X");
            for (int j = 0; j < 200; j++) {
                m.append((char) ('A' + random.nextInt(26)));
            }
            methods.add(m.toString());
            HubClient.Response r = anyone.send(m.toString(), "/health/live", Map.of(), new byte[0]);
            assertThat(r.status()).isBetween(200, 599);
            anyone.get("/no/such/path/" + m); // an unmatched path: it must not become a route label either
        }

        String after = metrics(client);
        for (String m : methods) {
            assertThat(after).doesNotContain(m);
        }
        assertThat(after).containsPattern("(?m)^vertx_http_server_requests_total\\{[^}]*method=\"OTHER\"[^}]*\\} \\d")
            .contains("method=\"GET\"");
        // the same series as before, their counts grown: a few hundred bytes, where each new method added 2 KB
        assertThat(after.length()).as("bytes of /metrics before: %d", before).isLessThan(before + 2_000);
    }

    @Test
    void servesTheOpenApiDocumentAsJson(HubClient client) {
        HubClient.Response r = client.anonymous().get("/api/v1/openapi.json");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonObject doc = r.json();
        assertThat(doc.getString("openapi")).startsWith("3.");
        assertThat(doc.getJsonObject("paths")).isNotNull();
    }

    @Test
    void describesExactlyTheRoutesTheRouterServes(HubClient client) {
        JsonObject paths = client.anonymous().get("/api/v1/openapi.json").json().getJsonObject("paths");
        Set<String> documented = new TreeSet<>();
        for (String path : paths.fieldNames()) {
            if (paths.getJsonObject(path).getBoolean("x-datenhafen-plugin-routes", false)) {
                continue; // plugins' own routes: described once as a pattern, mounted by Camel, not by the hub
            }
            for (String method : paths.getJsonObject(path).fieldNames()) {
                if (Set.of("get", "put", "post", "delete", "patch", "head", "options").contains(method)) {
                    documented.add(method.toUpperCase() + " " + path);
                }
            }
        }
        Set<String> served = new TreeSet<>();
        hub.hub().httpRoutes().forEach(r -> served.add(r.method() + " " + r.path().replaceAll(":([A-Za-z]+)", "{$1}")));

        assertThat(served).contains("GET /health/live", "POST /api/v1/admin/plugins");
        assertThat(documented).as("documented but not served").isSubsetOf(served);
        assertThat(served).as("served but not documented").isSubsetOf(documented);
    }

    /**
     * Every path a plugin serves, with its plugin; its integration by name only to a caller who may read it (its
     * member's viewer and up, a hub-admin), as the integrations API shows it: an anonymous reader had learnt every
     * member's integration names from the document, which {@code /metrics} keeps from it.
     */
    @Test
    void listsEveryPathAPluginServesWithItsPluginAndItsIntegrationToThoseWhoMayReadIt(HubClient client) {
        JsonObject paths = client.anonymous().get("/api/v1/openapi.json").json().getJsonObject("paths");

        JsonObject measured = paths.getJsonObject("/api/v1/plugins/fixture/measured");
        assertThat(measured).as(paths.fieldNames().toString()).isNotNull();
        assertThat(measured.getBoolean("x-datenhafen-plugin-routes")).isTrue();
        assertThat(measured.fieldNames()).contains("post").doesNotContain("get");
        assertThat(measured.getJsonObject("post").getString("x-datenhafen-plugin")).isEqualTo("fixture");
        assertThat(measured.getJsonObject("post").containsKey("x-datenhafen-integration")).isFalse();
        assertThat(measured.getJsonObject("post").getString("summary"))
            .isEqualTo("Served by plugin fixture; see the plugin's README");
        assertThat(integrationOfMeasured(client)).isEqualTo("measured");
        assertThat(integrationOfMeasured(client.withToken(client.memberToken("stadtwerke-a", "doc-viewer", "viewer"))))
            .isEqualTo("measured");
        assertThat(integrationOfMeasured(client.withToken(client.memberToken("kulturamt-b", "doc-viewer", "viewer"))))
            .isNull();
        assertThat(client.withToken(SCRAPER + "x").get("/api/v1/openapi.json").status()).isEqualTo(401);
    }

    private static String integrationOfMeasured(HubClient caller) {
        HubClient.Response r = caller.get("/api/v1/openapi.json");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().getJsonObject("paths").getJsonObject("/api/v1/plugins/fixture/measured").getJsonObject("post")
            .getString("x-datenhafen-integration");
    }

    private static void createAndPost(HubClient client, String name, int messages) {
        HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", name)
            .put("connector", "fixture-ingest").put("config", new JsonObject().put("path", name)));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        for (int i = 0; i < messages; i++) {
            assertThat(client.anonymous().post("/api/v1/plugins/fixture/" + name,
                Map.of("Content-Type", "application/json"), "{}").status()).isEqualTo(202);
        }
    }

    private static String messagesIn(String integration, String count) {
        return "(?m)^datenhafen_integration_messages_total\\{(?=[^}]*direction=\"in\")(?=[^}]*integration=\""
            + integration + "\")[^}]*\\} " + count + "\\.0$";
    }

    private static String metrics(HubClient client) {
        HubClient.Response r = client.get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain");
        return r.body();
    }
}
