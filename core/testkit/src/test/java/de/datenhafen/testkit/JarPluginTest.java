package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.fixtures.Fixtures;
import de.datenhafen.fixtures.QuietPlugin;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A plugin may come as a plain jar with its descriptor in the manifest, not only as a PF4J zip. */
class JarPluginTest {

    private static final Path ARCHIVES = TestDirs.create("jar-plugin");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().build();

    @Test
    void installsStartsKeepsAndDeletesAJarPlugin(HubClient client) {
        Path jar = PluginArchiveBuilder.plugin("quiet-jar", "1.4.0", Fixtures.MEMBER, QuietPlugin.class).asJar()
            .writeTo(ARCHIVES);

        HubClient.Response installed = client.installPlugin(jar, true);

        assertThat(installed.status()).as(installed.body()).isEqualTo(201);
        assertThat(installed.json().getString("state")).isEqualTo("started");
        assertThat(installed.json().getString("file")).isEqualTo("quiet-jar-1.4.0.jar");
        assertThat(installed.json().getString("provider")).isEqualTo(Fixtures.MEMBER);

        hub.restart();
        assertThat(hub.client().get("/api/v1/admin/plugins/quiet-jar").json().getString("state"))
            .isEqualTo("started");

        assertThat(hub.client().delete("/api/v1/admin/plugins/quiet-jar").status()).isEqualTo(204);
        assertThat(Files.exists(hub.home().resolve("plugins/quiet-jar-1.4.0.jar"))).isFalse();
    }
}
