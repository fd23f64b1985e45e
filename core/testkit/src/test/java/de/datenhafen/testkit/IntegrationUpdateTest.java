package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code PUT /api/v1/admin/integrations/{name}}: a new config, checked first, a left-out secret kept. */
class IntegrationUpdateTest {

    private static final Path ARCHIVES = TestDirs.create("integration-update");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().plugin(() -> Fixtures.working(ARCHIVES)).build();

    @BeforeAll
    static void anIngestWithASecret() {
        HubClient.Response r = hub.client().post("/api/v1/admin/integrations", new JsonObject().put("name", "meter")
            .put("connector", "fixture-ingest").put("config", new JsonObject().put("path", "meter")
                .put("token", "s3cret-token").put("type", "city.meter")));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    private static int post(String path, String token) {
        return hub.client().anonymous().post("/api/v1/plugins/fixture/" + path, token == null
            ? Map.of("Content-Type", "application/json")
            : Map.of("Content-Type", "application/json", "X-Token", token), "{}").status();
    }

    @Test
    void replacesTheConfigRebuildsTheRoutesAndKeepsASecretLeftOut(HubClient client) {
        HubClient.Response r = client.put("/api/v1/admin/integrations/meter", new JsonObject()
            .put("config", new JsonObject().put("path", "meter-2").put("type", "city.meter2").put("token", "")));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().getString("state")).isEqualTo("running");
        assertThat(r.json().getJsonObject("config").getString("path")).isEqualTo("meter-2");
        assertThat(r.json().getJsonObject("config").getString("token")).isEqualTo("********");
        assertThat(post("meter-2", "s3cret-token")).isEqualTo(202);
        assertThat(post("meter-2", null)).isNotEqualTo(202);
        assertThat(post("meter", "s3cret-token")).isEqualTo(404);
        assertThat(hub.awaitEvents("city.meter2", 1)).hasSize(1);
    }

    @Test
    void refusesAConfigWithProblemsAndChangesNothing(HubClient client) {
        HubClient.Response check = client.post("/api/v1/admin/integrations/meter/validate", new JsonObject()
            .put("config", new JsonObject().put("max-size", "many")));
        HubClient.Response r = client.put("/api/v1/admin/integrations/meter", new JsonObject()
            .put("config", new JsonObject().put("max-size", "many")));

        assertThat(check.status()).isEqualTo(200);
        assertThat(check.json().getBoolean("valid")).isFalse();
        assertThat(r.status()).isEqualTo(400);
        assertThat(check.json().getJsonArray("problems").encode()).contains("config.path", "config.max-size");
        assertThat(r.body()).contains("config.");
        assertThat(client.get("/api/v1/admin/integrations/meter").json().getJsonObject("config").getString("type"))
            .isIn("city.meter", "city.meter2");
    }

    @Test
    void answers404ForNoSuchIntegration(HubClient client) {
        assertThat(client.put("/api/v1/admin/integrations/none", new JsonObject().put("config", new JsonObject()))
            .status()).isEqualTo(404);
    }
}
