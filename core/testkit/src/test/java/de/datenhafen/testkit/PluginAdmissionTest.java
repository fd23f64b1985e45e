package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.Fixtures;
import de.datenhafen.fixtures.QuietPlugin;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Only archives the hub installed are loaded at start: uploaded, admitted by SHA-256, or in the plugins folder at the
 * data folder's first start. A file that appears or changes in the folder later is reported and ignored.
 */
class PluginAdmissionTest {

    private static final Path ARCHIVES = TestDirs.create("admission");
    private static final Path ADMITTED = Fixtures.quiet(ARCHIVES.resolve("admitted"), "admitted");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .config(HubConfig.PLUGIN_ADMITTED, HostileArchivesTest.sha256(ADMITTED))
        .plugin(() -> Fixtures.working(ARCHIVES))
        .build();

    @Test
    void installsWhatIsInThePluginsFolderAtTheFirstStartAndKeepsItAcrossRestarts() {
        assertThat(state("fixture")).isEqualTo("started");

        hub.restart();

        assertThat(state("fixture")).isEqualTo("started");
    }

    @Test
    void ignoresAnArchiveThatAppearsInThePluginsFolderLaterAndSaysWhy() throws IOException {
        Path dropped = Files.copy(Fixtures.quiet(ARCHIVES.resolve("dropped"), "dropped"),
            plugins().resolve("dropped-1.0.0.zip"));

        hub.restart();

        assertThat(hub.client().get("/api/v1/admin/plugins/dropped").status()).isEqualTo(404);
        JsonObject view = file("dropped-1.0.0.zip");
        assertThat(view.getString("state")).isEqualTo("ignored");
        assertThat(view.getString("id")).isNull();
        assertThat(view.getString("error")).isEqualTo("not loaded: the hub did not install this file (SHA-256 "
            + HostileArchivesTest.sha256(dropped) + "); install it through the admin API, or admit it by its "
            + "SHA-256 (plugin.admitted)");
        assertThat(plugins().resolve("dropped-1.0.0")).doesNotExist();
        assertThat(hub.home().resolve("data/plugins/dropped")).doesNotExist();
    }

    @Test
    void ignoresAnInstalledArchiveWhoseBytesChanged() throws IOException {
        HubClient.Response installed = hub.client().installPlugin(Fixtures.quiet(ARCHIVES.resolve("v1"), "changing"),
            true);
        assertThat(installed.status()).as(installed.toString()).isEqualTo(201);
        String before = HostileArchivesTest.sha256(plugins().resolve("changing-1.0.0.zip"));
        Path other = PluginArchiveBuilder.plugin("changing", "1.0.0", Fixtures.MEMBER, QuietPlugin.class)
            .descriptor("plugin.description", "the same name, other bytes").writeTo(ARCHIVES.resolve("v2"));
        Files.copy(other, plugins().resolve("changing-1.0.0.zip"), StandardCopyOption.REPLACE_EXISTING);

        hub.restart();

        assertThat(hub.client().get("/api/v1/admin/plugins/changing").status()).isEqualTo(404);
        assertThat(file("changing-1.0.0.zip").getString("error")).isEqualTo("not loaded: the file changed since "
            + "the hub installed it (SHA-256 " + HostileArchivesTest.sha256(other) + ", installed " + before
            + "); install it again through the admin API");
    }

    /**
     * A hub whose plugin archive changed in its folder is ready (the rest serves), but says where admins look that a
     * file is not loaded and which integrations wait for it: it answered a bare UP with the demo's four plugins
     * ignored after a rebuild and eleven integrations waiting (a newcomer's walk-through).
     */
    @Test
    void aChangedArchiveAndTheIntegrationsWaitingForItAreWarningsOfReadiness() throws IOException {
        HubClient.Response installed = hub.client().installPlugin(Fixtures.noticeBoard(ARCHIVES.resolve("board")),
            true);
        assertThat(installed.status()).as(installed.toString()).isEqualTo(201);
        HubClient.Response created = hub.client().post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "board").put("connector", "notice-board").put("config", new JsonObject()));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Path other = PluginArchiveBuilder.plugin("notice-board", "1.0.0", Fixtures.MEMBER,
            de.datenhafen.fixtures.NoticeBoardPlugin.class).descriptor("plugin.description", "other bytes")
            .writeTo(ARCHIVES.resolve("board-2"));
        Files.copy(other, plugins().resolve("notice-board-1.0.0.zip"), StandardCopyOption.REPLACE_EXISTING);

        hub.restart();

        HubClient.Response admin = hub.client().get("/health/ready");
        assertThat(admin.status()).as(admin.body()).isEqualTo(200);
        assertThat(check(admin, "plugins-folder").getString("status")).isEqualTo("WARNING");
        assertThat(check(admin, "plugins-folder").getString("reason"))
            .matches("\\d+ file\\(s\\) of the plugins folder not loaded; GET /api/v1/admin/plugins says which and why");
        assertThat(check(admin, "integration:board").getString("status")).isEqualTo("WARNING");
        assertThat(check(admin, "integration:board").getString("reason"))
            .isEqualTo("waiting for plugin notice-board, which is not loaded");
        HubClient.Response anyone = hub.client().anonymous().get("/health/ready");
        assertThat(anyone.status()).isEqualTo(200);
        assertThat(anyone.body()).doesNotContain("integration:board");
        assertThat(check(anyone, "integrations").getString("status")).isEqualTo("WARNING");
        assertThat(check(anyone, "integrations").getString("reason"))
            .matches("1 of \\d+ integrations wait for a plugin that is not loaded; a hub-admin reads which");
    }

    private static JsonObject check(HubClient.Response ready, String name) {
        return ready.json().getJsonArray("checks").stream().map(JsonObject.class::cast)
            .filter(c -> name.equals(c.getString("name"))).findFirst()
            .orElseThrow(() -> new AssertionError("no check " + name + " in " + ready.body()));
    }

    @Test
    void installsAnArchiveTheAdminAdmittedBySha256FromThePluginsFolder() throws IOException {
        Files.copy(ADMITTED, plugins().resolve("admitted-1.0.0.zip"));

        hub.restart();

        assertThat(state("admitted")).isEqualTo("started");
    }

    @Test
    void removesEmptyDataFoldersOfPluginsThatAreNotInstalledAndKeepsOthers() throws IOException {
        Path empty = Files.createDirectories(hub.home().resolve("data/plugins/ghost"));
        Path kept = Files.createDirectories(hub.home().resolve("data/plugins/gone-but-has-data"));
        Files.writeString(kept.resolve("readings.csv"), "room,co2\n");

        hub.restart();

        assertThat(empty).doesNotExist();
        assertThat(kept.resolve("readings.csv")).exists();
        assertThat(hub.home().resolve("data/plugins/fixture")).isDirectory();
    }

    private static Path plugins() {
        return hub.home().resolve("plugins");
    }

    private static String state(String id) {
        HubClient.Response r = hub.client().get("/api/v1/admin/plugins/" + id);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().getString("state");
    }

    private static JsonObject file(String name) {
        return hub.client().get("/api/v1/admin/plugins").jsonArray().stream().map(JsonObject.class::cast)
            .filter(p -> name.equals(p.getString("file"))).findFirst()
            .orElseThrow(() -> new AssertionError("no " + name + " in the plugin list"));
    }
}
