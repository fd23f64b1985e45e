package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every plugin has an owning member: the admin assigns it when the descriptor's provider is no member of the hub (at
 * install with {@code ?owner=}, or later), and that member's member-admins then manage the plugin's integrations, its
 * viewers read them, and other members see and change nothing of them. The fixture plugin's provider, "Stadtwerke
 * Testhausen", is no member here, so it starts without an owner.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PluginOwnershipTest {

    static final Path ARCHIVES = TestDirs.create("plugin-ownership");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().plugin(() -> Fixtures.working(ARCHIVES))
        .config(HubConfig.AUTH_FAILURES_LIMIT, 1000).build();

    static HubClient adminOfA;
    static HubClient viewerOfA;
    static HubClient editorOfA;
    static HubClient adminOfB;

    @BeforeAll
    static void twoMembersWithTheirRoles() {
        HubClient admin = hub.client();
        for (String m : List.of("stadtwerke-a", "kulturamt-b")) {
            assertThat(admin.post("/api/v1/admin/members", new JsonObject().put("id", m).put("name", m)).status())
                .isEqualTo(201);
        }
        adminOfA = admin.withToken(admin.memberToken("stadtwerke-a", "admin", "member-admin"));
        viewerOfA = admin.withToken(admin.memberToken("stadtwerke-a", "viewer", "viewer"));
        editorOfA = admin.withToken(admin.memberToken("stadtwerke-a", "editor", "member-editor"));
        adminOfB = admin.withToken(admin.memberToken("kulturamt-b", "admin", "member-admin"));
    }

    static JsonObject guardedIntegration(String name) {
        return new JsonObject().put("name", name).put("connector", "fixture-guarded")
            .put("config", new JsonObject().put("path", name).put("access", "member-editor"));
    }

    @Test
    @Order(1)
    void aPluginWhoseProviderIsNoMemberHasNoOwnerSaysSoAndOnlyHubAdminsManageIt() {
        HubClient.Response plugin = hub.client().get("/api/v1/admin/plugins/fixture");
        HubClient.Response byMember = adminOfA.post("/api/v1/admin/integrations", guardedIntegration("early"));
        HubClient.Response byHub = hub.client().post("/api/v1/admin/integrations", guardedIntegration("unowned"));
        HubClient.Response call = editorOfA.get("/api/v1/plugins/fixture/unowned");

        assertThat(plugin.json().getValue("owner")).isNull();
        assertThat(plugin.json().getJsonArray("warnings").getString(0))
            .contains("has no owning member").contains("PUT /api/v1/admin/plugins/fixture/owner");
        assertThat(byMember.status()).as(byMember.body()).isEqualTo(403);
        assertThat(byMember.json().getString("field")).isEqualTo("connector");
        assertThat(hub.client().get("/api/v1/admin/integrations/early").status()).isEqualTo(404);
        assertThat(byHub.status()).as(byHub.body()).isEqualTo(201);
        assertThat(call.status()).isEqualTo(403);
        assertThat(call.json().getString("error")).contains("has no owning member yet");
    }

    @Test
    @Order(2)
    void onlyAHubAdminAssignsAnOwnerAndOnlyAnExistingMember() {
        HubClient.Response byMember = adminOfA.put("/api/v1/admin/plugins/fixture/owner",
            new JsonObject().put("member", "stadtwerke-a"));
        HubClient.Response unknown = hub.client().put("/api/v1/admin/plugins/fixture/owner",
            new JsonObject().put("member", "nobody"));
        HubClient.Response noPlugin = hub.client().put("/api/v1/admin/plugins/missing/owner",
            new JsonObject().put("member", "stadtwerke-a"));

        assertThat(byMember.status()).isEqualTo(403);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().getString("field")).isEqualTo("member");
        assertThat(noPlugin.status()).isEqualTo(404);
        assertThat(hub.client().get("/api/v1/admin/plugins/fixture").json().getValue("owner")).isNull();

        HubClient.Response assigned = hub.client().put("/api/v1/admin/plugins/fixture/owner",
            new JsonObject().put("member", "stadtwerke-a"));

        assertThat(assigned.status()).as(assigned.body()).isEqualTo(200);
        assertThat(assigned.json().getString("owner")).isEqualTo("stadtwerke-a");
        assertThat(assigned.json().containsKey("warnings")).isFalse();
    }

    @Test
    @Order(3)
    void thePluginCodeAndItsGuardedEndpointsSeeTheNewOwnerAtOnce() {
        HubClient.Response call = editorOfA.get("/api/v1/plugins/fixture/unowned");

        assertThat(call.status()).as(call.body()).isEqualTo(200);
        assertThat(call.json().getString("owner")).isEqualTo("stadtwerke-a");
    }

    @Test
    @Order(4)
    void theOwnersMemberAdminManagesThePluginsIntegrationsAndItsViewerReadsThem() {
        HubClient.Response created = adminOfA.post("/api/v1/admin/integrations", guardedIntegration("by-member"));
        HubClient.Response read = viewerOfA.get("/api/v1/admin/integrations/by-member");
        HubClient.Response viewerPauses = viewerOfA.post("/api/v1/admin/integrations/by-member/pause");
        HubClient.Response paused = adminOfA.post("/api/v1/admin/integrations/by-member/pause");
        HubClient.Response resumed = adminOfA.post("/api/v1/admin/integrations/by-member/resume");
        HubClient.Response restarted = adminOfA.post("/api/v1/admin/integrations/by-member/restart");
        JsonArray listed = viewerOfA.get("/api/v1/admin/integrations").jsonArray();

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(read.status()).isEqualTo(200);
        assertThat(viewerPauses.status()).isEqualTo(403);
        assertThat(paused.json().getString("state")).isEqualTo("paused");
        assertThat(resumed.json().getString("state")).isEqualTo("running");
        assertThat(restarted.status()).isEqualTo(200);
        assertThat(listed).extracting(o -> ((JsonObject) o).getString("name")).contains("by-member", "unowned");
        assertThat(adminOfA.delete("/api/v1/admin/integrations/by-member").status()).isEqualTo(204);
        assertThat(hub.client().get("/api/v1/admin/integrations/by-member").status()).isEqualTo(404);
    }

    @Test
    @Order(5)
    void anotherMembersAdminNeitherSeesNorChangesThemAndNothingChanges() {
        JsonArray listed = adminOfB.get("/api/v1/admin/integrations").jsonArray();
        HubClient.Response read = adminOfB.get("/api/v1/admin/integrations/unowned");
        HubClient.Response pause = adminOfB.post("/api/v1/admin/integrations/unowned/pause");
        HubClient.Response delete = adminOfB.delete("/api/v1/admin/integrations/unowned");
        HubClient.Response create = adminOfB.post("/api/v1/admin/integrations", guardedIntegration("by-b"));
        HubClient.Response missing = adminOfB.get("/api/v1/admin/integrations/no-such-one");

        assertThat(listed).extracting(o -> ((JsonObject) o).getString("name")).doesNotContain("unowned");
        assertThat(List.of(read.status(), pause.status(), delete.status(), create.status()))
            .containsOnly(403);
        // a name that does not exist looks the same to a member as another member's: no oracle
        assertThat(missing.status()).isEqualTo(403);
        HubClient.Response after = hub.client().get("/api/v1/admin/integrations/unowned");
        assertThat(after.json().getString("state")).isEqualTo("running");
        assertThat(hub.client().get("/api/v1/admin/integrations/by-b").status()).isEqualTo(404);
    }

    @Test
    @Order(6)
    void aMembersIntegrationChangesAreAuditedUnderItsMember() {
        JsonArray entries = hub.client().get("/api/v1/admin/audit?member=stadtwerke-a&limit=1000").json()
            .getJsonArray("entries");

        assertThat(entries.stream().map(o -> (JsonObject) o)
            .filter(e -> "POST /api/v1/admin/integrations/:name/pause".equals(e.getString("action"))))
            .extracting(e -> e.getInteger("outcome")).contains(200, 403);
    }

    @Test
    @Order(7)
    void anArchiveInstalledWithAnOwnerHasItAndAnUnknownOwnerIsRefusedBeforeInstalling() {
        Path archive = Fixtures.quiet(ARCHIVES, "owned-at-install");

        HubClient.Response unknown = hub.client().installPlugin(archive, "owner=nobody");
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(400);
        assertThat(unknown.json().getString("field")).isEqualTo("owner");
        assertThat(hub.client().get("/api/v1/admin/plugins/owned-at-install").status()).isEqualTo(404);

        HubClient.Response installed = hub.client().installPlugin(archive, "enable=true&owner=kulturamt-b");
        assertThat(installed.status()).as(installed.body()).isEqualTo(201);
        assertThat(installed.json().getString("owner")).isEqualTo("kulturamt-b");

        assertThat(hub.client().delete("/api/v1/admin/plugins/owned-at-install").status()).isEqualTo(204);
        HubClient.Response again = hub.client().installPlugin(archive, false);
        assertThat(again.json().getValue("owner")).as("a deleted plugin's owner is forgotten").isNull();
    }
}
