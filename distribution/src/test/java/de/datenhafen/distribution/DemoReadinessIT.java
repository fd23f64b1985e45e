package de.datenhafen.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.testkit.HubClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ready means ready: the first 200 from /health/ready of a hub started with --demo comes when its demo serves. */
class DemoReadinessIT {

    @TempDir
    Path work;

    @Test
    void theFirstReadyAnswerComesWhenEveryDemoIntegrationServes() throws Exception {
        try (DemoHub hub = DemoHub.start(work)) {
            HubClient anonymous = hub.client.anonymous();
            await("hub ready; log:\n" + hub.log).atMost(DemoHub.startBound()).pollInterval(Duration.ofMillis(20))
                .ignoreExceptions().until(() -> {
                    hub.assertAlive();
                    return anonymous.get("/health/ready").status() == 200;
                });

            // no pause: the very next requests reach the demo's endpoints
            HubClient.Response parking = anonymous.post("/api/v1/plugins/core-connectors/parking",
                Map.of("Content-Type", "application/json", "X-Subject", "garage-7"), "{\"free\":12}");
            assertThat(parking.status()).as(parking.toString()).isEqualTo(202);

            // anyone reads the integrations as one check; a hub-admin each of them, with its name
            JsonObject open = anonymous.get("/health/ready").json();
            assertThat(open.encode()).doesNotContain("integration:").doesNotContain("parking-ingest");
            assertThat(open.getJsonArray("checks").stream().map(o -> (JsonObject) o)
                .filter(c -> c.getString("name").equals("integrations")).findFirst().orElseThrow()
                .getString("status")).isEqualTo("UP");
            JsonObject ready = hub.client.get("/health/ready").json();
            Set<String> up = new HashSet<>();
            JsonArray checks = ready.getJsonArray("checks");
            for (int i = 0; i < checks.size(); i++) {
                JsonObject c = checks.getJsonObject(i);
                if (c.getString("name").startsWith("integration:")) {
                    assertThat(c.getString("status")).as(c.encode()).isEqualTo("UP");
                    up.add(c.getString("name"));
                }
            }
            // ready, but the package trusts the repository's test key, whose private half anyone can read: said so
            JsonObject signingKey = checks.stream().map(o -> (JsonObject) o)
                .filter(c -> c.getString("name").equals("plugin-signing-key")).findFirst().orElseThrow();
            assertThat(signingKey.getString("status")).isEqualTo("WARNING");
            assertThat(signingKey.getString("reason"))
                .contains("the repository's test key f19dc26acbf2089c1afb884dafe2d257")
                .contains("anyone can sign plugins this hub admits");
            assertThat(java.nio.file.Files.readString(hub.log))
                .contains("the repository's test key f19dc26acbf2089c1afb884dafe2d257");
            JsonArray integrations = hub.client.get("/api/v1/admin/integrations").jsonArray();
            assertThat(integrations).isNotEmpty();
            assertThat(up).hasSize(integrations.size()).contains("integration:parking-ingest");
            // the association and each shipped plugin's provider are members, so each plugin has its owner
            assertThat(hub.client.get("/api/v1/admin/members").jsonArray().stream()
                .map(o -> ((JsonObject) o).getString("id")).toList())
                .containsExactly("datenhafen", "luftblick", "social-smart-city", "stadtwerke-mobil");
        }
    }
}
