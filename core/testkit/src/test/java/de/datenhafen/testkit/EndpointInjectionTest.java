package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config value or a flow's field that ends up in an endpoint URI never becomes an endpoint option of its own. An
 * attacker's probe (a member-admin) wrote {@code %26exceptionHandler=#class:java.io.FileOutputStream('...')} into a
 * flow's subject prefix and a webhook secret: Camel decoded the URL-encoded value before splitting the options and
 * made the class, so the file named was truncated. The same way was open through a plugin path and an event type
 * from a connector's config. Each case here names a real file, which must keep its bytes.
 */
class EndpointInjectionTest {

    private static final Path ARCHIVES = TestDirs.create("endpoint-injection");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().plugin(() -> Fixtures.working(ARCHIVES)).build();

    private static final String CONTENT = "the hub's key, say";

    @TempDir
    Path dir;

    private Path victim;

    @BeforeEach
    void aFileToTruncate() throws IOException {
        victim = dir.resolve("victim.txt");
        Files.writeString(victim, CONTENT);
    }

    /** An option that makes a class writing to the victim file. */
    private String handler() {
        return "exceptionHandler=#class:java.io.FileOutputStream('" + victim.toString().replace("\\", "/") + "')";
    }

    @Test
    void aFlowsSubjectPrefixAndSecretStayValues(HubClient client) throws IOException {
        String yaml = """
            name: injected
            from:
              bus: inj.in
              subject: "x%%26%s"
            steps:
              - webhook:
                  name: target
                  url: https://hooks.example.org/in
                  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw&%s"
            """.formatted(handler(), handler());
        HubClient.Response r = client.post("/api/v1/admin/flows", new JsonObject().put("definition", yaml));

        assertThat(r.status()).as(r.toString()).isIn(201, 400);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(Files.readString(victim)).isEqualTo(CONTENT));
        if (r.status() == 201) {
            assertThat(client.get("/api/v1/admin/flows/injected").json().encode()).doesNotContain("FileOutputStream@");
        }
    }

    @Test
    void aPluginPathOrEventTypeFromAConfigIsRefusedNamingItsKey(HubClient client) throws IOException {
        HubClient.Response path = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "inj-path")
            .put("connector", "fixture-ingest").put("config", new JsonObject()
                .put("path", "x?" + handler() + "&a=")));
        HubClient.Response type = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "inj-type")
            .put("connector", "fixture-ingest").put("config", new JsonObject().put("path", "inj-type")
                .put("type", "t?" + handler())));

        assertThat(path.status()).as(path.toString()).isEqualTo(400);
        assertThat(path.json().getString("field")).isEqualTo("config.path");
        assertThat(type.status()).as(type.toString()).isEqualTo(400);
        assertThat(type.json().getString("field")).isEqualTo("config.type");
        assertThat(client.get("/api/v1/admin/integrations/inj-path").status()).isEqualTo(404);
        assertThat(client.get("/api/v1/admin/integrations/inj-type").status()).isEqualTo(404);
        assertThat(Files.readString(victim, StandardCharsets.UTF_8)).isEqualTo(CONTENT);
    }

    @Test
    void aConfigValueAPluginWritesIntoAStockComponentsUriMakesNoClass(HubClient client) throws IOException {
        for (String period : new String[] {"60000&" + handler(), "60000%26" + handler().replace("#", "%23")}) {
            client.delete("/api/v1/admin/integrations/careless");
            HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "careless")
                .put("connector", "fixture-polling").put("config", new JsonObject().put("period", period)));

            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            JsonObject shown = await().atMost(Duration.ofSeconds(30)).until(
                () -> client.get("/api/v1/admin/integrations/careless").json(),
                j -> "failed".equals(j.getString("state")));
            assertThat(shown.getJsonObject("lastError").getString("message"))
                .contains("timer endpoint URI holds #class:, which would make Camel create a class")
                .doesNotContain(victim.toString());
            assertThat(Files.readString(victim, StandardCharsets.UTF_8)).as(period).isEqualTo(CONTENT);
        }
    }

    /**
     * A config value holding a property placeholder: Camel put the hub's environment there (a webhook sink's URL sent
     * the hub-admin's token to the target a member-admin named; WebhookSinkIT). A careless plugin's start fails.
     */
    @Test
    void aPlaceholderInAConfigValueFailsTheStartAndNeverReadsTheHubsEnvironment(HubClient client) {
        client.delete("/api/v1/admin/integrations/careless");
        HubClient.Response polling = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "careless")
            .put("connector", "fixture-polling").put("config", new JsonObject()
                .put("period", "60000&delay={{sys:java.home}}")));
        assertThat(polling.status()).as(polling.toString()).isEqualTo(201);
        JsonObject shown = await().atMost(Duration.ofSeconds(30)).until(
            () -> client.get("/api/v1/admin/integrations/careless").json(),
            j -> "failed".equals(j.getString("state")));
        assertThat(shown.getJsonObject("lastError").getString("message"))
            .contains("property placeholders ({{...}}) are off in the hub")
            .doesNotContain(System.getProperty("java.home"));
    }
}
