package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Integrations that serve a path of their own outside /api/v1/plugins/ (IntegrationContext.publicEndpoint): the
 * path and everything below it is theirs, the hub's own paths are not, and two integrations cannot share one (409 at
 * create, nothing kept).
 */
class PublicPathsTest {

    private static final Path ARCHIVES = TestDirs.create("public-paths");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .config(HubConfig.INTEGRATION_RETRIES, 0)
        .plugin(() -> Fixtures.working(ARCHIVES))
        .build();

    @Test
    void servesItsPathAndEverythingBelowItIncludingParentheses(HubClient client) {
        assertThat(create(client, "sta-a", "/sta-a").getString("state")).isEqualTo("running");

        HubClient.Response below = client.anonymous().get("/sta-a/v1.1/Things(12)/Datastreams?$top=1");
        HubClient.Response root = client.anonymous().get("/sta-a");

        assertThat(below.status()).as(below.toString()).isEqualTo(200);
        assertThat(below.json().getString("uri")).isEqualTo("/sta-a/v1.1/Things(12)/Datastreams?$top=1");
        assertThat(below.json().getString("integration")).isEqualTo("sta-a");
        assertThat(root.status()).as(root.toString()).isEqualTo(200);
        assertThat(client.anonymous().get("/sta-ab/v1.1").status()).isEqualTo(404);
    }

    @Test
    void refusesAPathUnderTheHubsOwnWith400NamingTheKeyAndKeepsNothing(HubClient client) {
        HubClient.Response r = post(client, "under-api", "/api/sta");

        assertThat(refusal(r)).isEqualTo("public path '/api/sta' is refused: /api is reserved for the hub's own routes "
            + "(reserved: /api, /health, /metrics, /admin, /console, /assets, /webjars, /language, /city-assets, "
            + "/favicon.ico, /robots.txt)");
        assertThat(client.get("/api/v1/admin/integrations/under-api").status()).isEqualTo(404);
        assertThat(client.anonymous().get("/health/live").status()).isEqualTo(200);
    }

    /**
     * Every first segment the hub's router serves itself (its API, pages, assets, the language switch) is refused as
     * an integration's public path: one under {@code /assets} had been accepted, its GETs answered by the hub's
     * assets and its POSTs by the integration.
     */
    @Test
    void refusesAPathUnderEveryFirstSegmentTheHubServesItself(HubClient client) {
        java.util.Set<String> segments = new java.util.TreeSet<>();
        for (String path : hub.hub().ownPaths()) {
            String first = path.substring(1).split("/", 2)[0];
            if (!first.isEmpty()) {
                segments.add(first);
            }
        }
        assertThat(segments).contains("api", "health", "metrics", "console", "assets", "webjars", "language");

        for (String segment : segments) {
            String name = "under-own-" + segment.replaceAll("[^a-z0-9]", "");
            assertThat(refusal(post(client, name, "/" + segment + "/x")))
                .contains("public path '/" + segment + "/x' is refused: /" + segment + " is reserved");
            assertThat(client.get("/api/v1/admin/integrations/" + name).status()).isEqualTo(404);
        }
        // in any case: a look-alike of the hub's own to a reader, the same path to a proxy that folds case
        assertThat(refusal(post(client, "look-alike", "/Assets/x"))).contains("/Assets is reserved");
    }

    @Test
    void refusesAPathBelowOneAnotherIntegrationServesWith409NamingItAndKeepsNothing(HubClient client) {
        assertThat(create(client, "first", "/shared").getString("state")).isEqualTo("running");

        HubClient.Response second = post(client, "second", "/shared/v1.1");

        assertThat(second.status()).as(second.toString()).isEqualTo(409);
        assertThat(second.json()).isEqualTo(new JsonObject().put("error", "path /shared/v1.1 is already served by "
            + "integration first: choose another path or delete integration first").put("field", "config.path"));
        assertThat(client.get("/api/v1/admin/integrations/second").status()).isEqualTo(404);
        assertThat(client.anonymous().get("/shared/v1.1").json().getString("integration")).isEqualTo("first");
    }

    @Test
    void refusesAPathAboveOneAnotherIntegrationServesWhenItsRoutesStartWith409AndKeepsNothing(HubClient client) {
        assertThat(create(client, "deep", "/above/v1.1").getString("state")).isEqualTo("running");

        HubClient.Response above = post(client, "above", "/above");

        assertThat(above.status()).as(above.toString()).isEqualTo(409);
        assertThat(above.json()).isEqualTo(new JsonObject().put("error", "path /above is already served by "
            + "integration deep: choose another path or delete integration deep").put("field", "config.path"));
        assertThat(client.get("/api/v1/admin/integrations/above").status()).isEqualTo(404);
        assertThat(client.anonymous().get("/above/v1.1/x").json().getString("integration")).isEqualTo("deep");
        assertThat(client.anonymous().get("/above/other").status()).isEqualTo(404);
    }

    @Test
    void freesThePathWhenItsIntegrationIsDeleted(HubClient client) {
        create(client, "old", "/freed");
        assertThat(post(client, "new", "/freed").status()).isEqualTo(409);

        assertThat(client.delete("/api/v1/admin/integrations/old").status()).isEqualTo(204);

        assertThat(create(client, "new", "/freed").getString("state")).isEqualTo("running");
        assertThat(client.anonymous().get("/freed/x").json().getString("integration")).isEqualTo("new");
    }

    @Test
    void refusesAMalformedPath(HubClient client) {
        assertThat(refusal(post(client, "dotdot", "/sta/../api")))
            .startsWith("public path '/sta/../api' must be one or more segments");
        assertThat(client.get("/api/v1/admin/integrations/dotdot").status()).isEqualTo(404);
    }

    private static JsonObject create(HubClient client, String name, String path) {
        HubClient.Response r = post(client, name, path);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    private static HubClient.Response post(HubClient client, String name, String path) {
        return client.post("/api/v1/admin/integrations", new JsonObject().put("name", name)
            .put("connector", "fixture-public").put("config", new JsonObject().put("path", path)));
    }

    /** The words of a create's 400 for the config key {@code path}, as the console shows them at the field. */
    private static String refusal(HubClient.Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("config.path");
        return r.json().getJsonArray("problems").getJsonObject(0).getString("error");
    }
}
