package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A hub whose plugins folder holds a working plugin, one that throws in start, and two it must refuse. */
class PluginsAtStartTest {

    private static final Path ARCHIVES = TestDirs.create("plugins-at-start");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .plugin(() -> Fixtures.working(ARCHIVES))
        .plugin(() -> Fixtures.throwing(ARCHIVES))
        .plugin(() -> Fixtures.needsNewerApi(ARCHIVES))
        .plugin(() -> Fixtures.escaping(ARCHIVES))
        .build();

    @Test
    void startsTheWorkingPluginWithItsConnectors(HubClient client) {
        JsonObject fixture = plugin(client, "fixture-1.0.0.zip");
        assertThat(fixture.getString("id")).isEqualTo("fixture");
        assertThat(fixture.getString("state")).isEqualTo("started");
        assertThat(fixture.getString("provider")).isEqualTo(Fixtures.MEMBER);
        assertThat(fixture.getString("version")).isEqualTo("1.0.0");
        assertThat(fixture.getJsonArray("connectors").getList())
            .containsExactly("fixture-ingest", "fixture-failing", "fixture-counter", "fixture-public", "fixture-guarded",
                "fixture-polling", "fixture-stops");
        assertThat(fixture.getString("error")).isNull();
    }

    @Test
    void marksPluginThatThrowsInStartFailedWithItsReason(HubClient client) {
        JsonObject throwing = plugin(client, "throwing-1.0.0.zip");
        assertThat(throwing.getString("state")).isEqualTo("failed");
        assertThat(throwing.getString("error")).contains("sensor gateway configuration missing");
    }

    @Test
    void refusesPluginThatRequiresNewerApi(HubClient client) {
        JsonObject future = plugin(client, "future-1.0.0.zip");
        assertThat(future.getString("state")).isEqualTo("refused");
        assertThat(future.getString("error"))
            .isEqualTo("plugin future 1.0.0 requires hub API >=2.0.0 & <3.0.0, but this hub offers API "
                + de.datenhafen.api.HubApi.version());
    }

    @Test
    void refusesArchiveWithEntryEscapingItsFolderAndUnpacksNothing(HubClient client) {
        JsonObject escaping = plugin(client, "escaping-1.0.0.zip");
        assertThat(escaping.getString("state")).isEqualTo("refused");
        assertThat(escaping.getString("error"))
            .isEqualTo("archive entry 'classes/../../evil.sh' escapes the plugin's folder");
        assertThat(Files.exists(hub.home().resolve("evil.sh"))).isFalse();
        assertThat(Files.exists(hub.home().resolve("plugins/escaping-1.0.0"))).isFalse();
    }

    @Test
    void isNotReadyWhileAnEnabledPluginFailedAndSaysWhichToAHubAdmin(HubClient client) {
        HubClient.Response ready = client.get("/health/ready");
        assertThat(ready.status()).isEqualTo(503);
        JsonObject body = ready.json();
        assertThat(body.getString("status")).isEqualTo("DOWN");
        assertThat(down(body)).isEqualTo("plugin:throwing");
        assertThat(client.anonymous().get("/health/live").status()).isEqualTo(200);
        // anyone else: that some plugin did not start, not which nor its exception's words
        HubClient.Response anyone = client.anonymous().get("/health/ready");
        assertThat(anyone.status()).isEqualTo(503);
        assertThat(down(anyone.json())).isEqualTo("plugins");
        assertThat(anyone.body()).doesNotContain("throwing").doesNotContain("plugin:")
            .doesNotContain("sensor gateway configuration missing");
    }

    private static String down(JsonObject ready) {
        return ready.getJsonArray("checks").stream().map(JsonObject.class::cast)
            .filter(c -> c.getString("status").equals("DOWN")).map(c -> c.getString("name"))
            .collect(Collectors.joining(","));
    }

    @Test
    void becomesReadyWhenTheFailedPluginIsDisabled(HubClient client) {
        assertThat(client.post("/api/v1/admin/plugins/throwing/disable").json().getString("state"))
            .isEqualTo("disabled");
        try {
            assertThat(client.anonymous().get("/health/ready").status()).isEqualTo(200);
        } finally {
            client.post("/api/v1/admin/plugins/throwing/enable");
        }
    }

    private static JsonObject plugin(HubClient client, String fileSuffix) {
        HubClient.Response r = client.get("/api/v1/admin/plugins");
        assertThat(r.status()).isEqualTo(200);
        JsonArray all = r.jsonArray();
        return all.stream().map(JsonObject.class::cast)
            .filter(p -> p.getString("file").endsWith(fileSuffix)).findFirst()
            .orElseThrow(() -> new AssertionError("no plugin file " + fileSuffix + " in " + all.encodePrettily()));
    }
}
