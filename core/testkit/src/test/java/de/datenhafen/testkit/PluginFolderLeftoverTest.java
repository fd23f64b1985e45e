package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.core.plugin.PluginSignature;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A data folder deleted to begin anew, a member's signed plugin left in the plugins folder (a newcomer's walk-through
 * of the plugin guide): the new database knows no key of that member, so the hub does not admit it, and it is ready,
 * saying so, instead of never being ready for a plugin nobody asked to run there.
 */
class PluginFolderLeftoverTest {

    private static final Path ARCHIVES = TestDirs.create("folder-leftover");
    private static final Path SIGNED = PluginSignatureTest.signed(Fixtures.quiet(ARCHIVES.resolve("meters"), "meters"),
        "example-meters", PluginSignatureTest.UNREGISTERED);

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .config(HubConfig.PLUGINS_REQUIRE_SIGNATURE, true)
        .beforeFirstStart(home -> {
            try {
                Files.createDirectories(home.resolve("plugins"));
                Files.copy(SIGNED, home.resolve("plugins").resolve("meters-1.0.0.zip"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        })
        .build();

    @Test
    void aSignedPluginLeftInTheFolderOfANewDatabaseLeavesTheHubReadyAndSaysSo() {
        HubClient.Response ready = hub.client().get("/health/ready");

        assertThat(ready.status()).as(ready.body()).isEqualTo(200);
        JsonObject check = ready.json().getJsonArray("checks").stream().map(JsonObject.class::cast)
            .filter(c -> "plugins-not-admitted".equals(c.getString("name"))).findFirst().orElseThrow();
        assertThat(check.getString("status")).isEqualTo("WARNING");
        assertThat(check.getString("reason")).isEqualTo("1 plugin(s) of the plugins folder not admitted (their "
            + "signature); GET /api/v1/admin/plugins says which and why");
        JsonObject meters = hub.client().get("/api/v1/admin/plugins/meters").json();
        assertThat(meters.getString("state")).isEqualTo("disabled");
        assertThat(meters.getString("error")).contains("example-meters");
        assertThat(hub.client().anonymous().get("/health/ready").status()).isEqualTo(200);
    }
}
