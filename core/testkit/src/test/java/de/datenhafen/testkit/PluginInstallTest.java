package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.fixtures.Fixtures;
import de.datenhafen.fixtures.QuietPlugin;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Installing plugins over HTTP: what is accepted, what is refused and why, and that a refusal leaves nothing. */
class PluginInstallTest {

    private static final Path ARCHIVES = TestDirs.create("plugin-install");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().build();

    @Test
    void installsAndStartsAnArchiveWhenAskedToEnableIt(HubClient client) {
        HubClient.Response r = client.installPlugin(Fixtures.quiet(ARCHIVES, "installed"), true);

        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        JsonObject plugin = r.json();
        assertThat(plugin.getString("id")).isEqualTo("installed");
        assertThat(plugin.getString("version")).isEqualTo("1.0.0");
        assertThat(plugin.getString("provider")).isEqualTo(Fixtures.MEMBER);
        assertThat(plugin.getString("state")).isEqualTo("started");
        assertThat(plugin.getString("error")).isNull();
        assertThat(plugin.getString("file")).isEqualTo("installed-1.0.0.zip");
        assertThat(client.get("/api/v1/admin/plugins/installed").json().getString("state")).isEqualTo("started");
        assertThat(pluginsFolder()).contains("installed-1.0.0.zip");
    }

    @Test
    void leavesAPluginInstalledWithoutEnableDisabledUntilItIsEnabled(HubClient client) {
        HubClient.Response installed = client.installPlugin(Fixtures.quiet(ARCHIVES, "later"), false);
        assertThat(installed.status()).as(installed.toString()).isEqualTo(201);
        assertThat(installed.json().getString("state")).isEqualTo("disabled");

        HubClient.Response enabled = client.post("/api/v1/admin/plugins/later/enable");

        assertThat(enabled.status()).as(enabled.toString()).isEqualTo(200);
        assertThat(enabled.json().getString("state")).isEqualTo("started");
    }

    @Test
    void refusesToInstallAndEnableAPluginWhoseStartFailsWith422TheReasonAndKeepsNothing(HubClient client) {
        Path archive = Fixtures.throwing(ARCHIVES);
        Set<String> before = pluginsFolder();

        HubClient.Response r = client.installPlugin(archive, true);

        assertThat(r.status()).as(r.toString()).isEqualTo(422);
        assertThat(r.json().getString("error")).startsWith("plugin throwing 1.0.0 did not start, so it was not "
            + "installed: ").contains("sensor gateway configuration missing");
        assertThat(r.json().getString("field")).isEqualTo("archive");
        assertThat(pluginsFolder()).isEqualTo(before);
        assertThat(client.get("/api/v1/admin/plugins/throwing").status()).isEqualTo(404);
        HubClient.Response kept = client.installPlugin(archive, false);
        assertThat(kept.status()).as(kept.toString()).isEqualTo(201);
        assertThat(kept.json().getString("state")).isEqualTo("disabled");
    }

    @Test
    void refusesASecondInstallOfTheSameIdWith409(HubClient client) {
        Path archive = Fixtures.quiet(ARCHIVES, "twice");
        assertThat(client.installPlugin(archive, true).status()).isEqualTo(201);
        Set<String> before = pluginsFolder();

        HubClient.Response again = client.installPlugin(archive, true);

        assertThat(again.status()).as(again.toString()).isEqualTo(409);
        assertThat(again.json().getString("error")).isEqualTo(
            "plugin twice is already installed (version 1.0.0); delete it first to install version 1.0.0");
        assertThat(again.json().getString("field")).isEqualTo("Plugin-Id");
        assertThat(pluginsFolder()).isEqualTo(before);
    }

    @Test
    void refusesAnArchiveThatRequiresANewerApiWith422AndKeepsNothing(HubClient client) {
        Set<String> before = pluginsFolder();

        HubClient.Response r = client.installPlugin(Fixtures.needsNewerApi(ARCHIVES), true);

        assertThat(r.status()).as(r.toString()).isEqualTo(422);
        assertThat(r.json().getString("error"))
            .isEqualTo("plugin future 1.0.0 requires hub API >=2.0.0 & <3.0.0, but this hub offers API "
                + de.datenhafen.api.HubApi.version());
        assertThat(r.json().getString("field")).isEqualTo("Plugin-Requires");
        assertThat(pluginsFolder()).isEqualTo(before);
        assertThat(client.get("/api/v1/admin/plugins/future").status()).isEqualTo(404);
    }

    @Test
    void refusesAnArchiveWithAnEntryEscapingItsFolderWith422AndKeepsNothing(HubClient client) {
        Set<String> before = pluginsFolder();

        HubClient.Response r = client.installPlugin(Fixtures.escaping(ARCHIVES), true);

        assertThat(r.status()).as(r.toString()).isEqualTo(422);
        assertThat(r.json().getString("error"))
            .isEqualTo("archive entry 'classes/../../evil.sh' escapes the plugin's folder");
        assertThat(pluginsFolder()).isEqualTo(before);
        assertThat(Files.exists(hub.home().resolve("evil.sh"))).isFalse();
    }

    @Test
    void refusesABodyThatIsNotAZipWith400AndKeepsNothing(HubClient client) throws IOException {
        Path notAZip = Files.writeString(ARCHIVES.resolve("not-a-zip.zip"), "this is a text file, not an archive");
        Set<String> before = pluginsFolder();

        HubClient.Response r = client.installPlugin(notAZip, true);

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().getString("error")).startsWith("not a plugin archive: the body is not a zip or jar file");
        assertThat(r.json().getString("field")).isEqualTo("archive");
        assertThat(pluginsFolder()).isEqualTo(before);
    }

    @Test
    void refusesAZipWithoutDescriptorWith422AndKeepsNothing(HubClient client) {
        Path noDescriptor = PluginArchiveBuilder.plugin("nameless", "1.0.0", Fixtures.MEMBER, QuietPlugin.class)
            .withoutDescriptor().writeTo(ARCHIVES.resolve("no-descriptor"));
        Set<String> before = pluginsFolder();

        HubClient.Response r = client.installPlugin(noDescriptor, true);

        assertThat(r.status()).as(r.toString()).isEqualTo(422);
        assertThat(r.json().getString("error")).isEqualTo("not a valid plugin: no plugin descriptor "
            + "(plugin.properties, or a manifest with Plugin-Id) found in the archive");
        assertThat(r.json().getString("field")).isEqualTo("descriptor");
        assertThat(pluginsFolder()).isEqualTo(before);
    }

    @Test
    void refusesAnArchiveWhosePluginClassIsMissingWith422AndKeepsNothing(HubClient client) {
        Path broken = PluginArchiveBuilder.plugin("classless", "1.0.0", Fixtures.MEMBER, QuietPlugin.class)
            .descriptor("plugin.class", "de.datenhafen.fixtures.NoSuchPlugin").writeTo(ARCHIVES);
        Set<String> before = pluginsFolder();

        HubClient.Response r = client.installPlugin(broken, true);

        assertThat(r.status()).as(r.toString()).isEqualTo(422);
        assertThat(r.json().getString("error")).startsWith("plugin classless cannot be loaded: ")
            .contains("de.datenhafen.fixtures.NoSuchPlugin");
        assertThat(pluginsFolder()).isEqualTo(before);
        assertThat(client.get("/api/v1/admin/plugins/classless").status()).isEqualTo(404);
    }

    /** Every name in the plugins folder: archives, unpacked folders and any upload leftovers. */
    private static Set<String> pluginsFolder() {
        try (Stream<Path> files = Files.list(hub.home().resolve("plugins"))) {
            Set<String> names = files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
            assertThat(names).noneMatch(n -> n.startsWith(".upload-"));
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
