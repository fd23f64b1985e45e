package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An audit entry of a creation names what was made: the person invited, the token made (by its name), the plugin
 * installed, the integration, subscription, key and allowed hash. Their routes have no parameter of it, so the
 * entries named their member at most, or nothing (an admin's walk-through: "Plugin installiert", on what?).
 */
class AuditTargetsTest {

    static final Path ARCHIVES = TestDirs.create("audit-targets");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().build();

    /** The fixture plugin, installed by whichever test comes first. */
    private static synchronized void fixturePlugin() {
        if (hub.client().get("/api/v1/admin/plugins/fixture").status() == 404) {
            HubClient.Response plugin = hub.client().installPlugin(Fixtures.working(ARCHIVES), true);
            assertThat(plugin.status()).as(plugin.body()).isEqualTo(201);
        }
    }

    @Test
    void aCreationsEntryNamesWhatWasMade() {
        HubClient admin = hub.client();
        assertThat(admin.post("/api/v1/admin/members", new JsonObject().put("id", "hafenamt").put("name", "Hafenamt"))
            .status()).isEqualTo(201);
        assertThat(admin.post("/api/v1/admin/members/hafenamt/users", new JsonObject().put("id", "olga")
            .put("name", "Olga").put("roles", new JsonArray().add("viewer"))).status()).isEqualTo(201);
        admin.memberToken("hafenamt", "pegel-feed", "viewer");
        HubClient.Response key = PluginSignatureTest.register(hub, "hafenamt", PluginSignatureTest.keyPair());
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        String hash = "ab".repeat(32);
        assertThat(admin.post("/api/v1/admin/plugin-allowlist", new JsonObject().put("sha256", hash)
            .put("note", "reviewed")).status()).isEqualTo(201);
        fixturePlugin();
        HubClient.Response integration = admin.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "pegel").put("connector", "fixture-guarded")
            .put("config", new JsonObject().put("path", "pegel").put("access", "viewer")));
        assertThat(integration.status()).as(integration.body()).isEqualTo(201);
        assertThat(admin.post("/api/v1/admin/subscriptions", new JsonObject().put("name", "pegel-archiv")
            .put("types", new JsonArray().add("water.level"))).status()).isEqualTo(201);

        Map<String, String> targets = new LinkedHashMap<>();
        for (Object o : admin.get("/api/v1/admin/audit?limit=1000").json().getJsonArray("entries")) {
            JsonObject e = (JsonObject) o;
            targets.put(e.getString("action"), e.getString("target"));
        }
        assertThat(targets).containsEntry("POST /api/v1/admin/members", "{member=hafenamt}")
            .containsEntry("POST /api/v1/admin/members/:member/users", "{member=hafenamt, user=olga}")
            .containsEntry("POST /api/v1/admin/members/:member/tokens", "{member=hafenamt, token=pegel-feed}")
            .containsEntry("POST /api/v1/admin/members/:member/keys", "{member=hafenamt, key=ci ("
                + key.json().getString("id").substring(0, 12) + "…)}")
            .containsEntry("POST /api/v1/admin/plugin-allowlist", "{hash=" + hash + "}")
            .containsEntry("POST /api/v1/admin/plugins", "{id=fixture}")
            .containsEntry("POST /api/v1/admin/integrations", "{name=pegel}")
            .containsEntry("POST /api/v1/admin/subscriptions", "{name=pegel-archiv}");
    }

    /**
     * A hub-admin's change to a member's integration is in that member's audit (it was in the hub-admin's member's
     * alone, where the member's admins never read it); a refused one stays the asker's.
     */
    @Test
    void aChangeToAMembersIntegrationIsInThatMembersAudit() {
        HubClient admin = hub.client();
        assertThat(admin.post("/api/v1/admin/members", new JsonObject().put("id", "wasserwerk")
            .put("name", "Wasserwerk")).status()).isEqualTo(201);
        assertThat(admin.post("/api/v1/admin/members", new JsonObject().put("id", "nachbar")
            .put("name", "Nachbar")).status()).isEqualTo(201);
        fixturePlugin();
        assertThat(admin.put("/api/v1/admin/plugins/fixture/owner", new JsonObject().put("member", "wasserwerk"))
            .status()).isEqualTo(200);
        assertThat(admin.post("/api/v1/admin/integrations", new JsonObject().put("name", "brunnen")
            .put("connector", "fixture-guarded").put("config", new JsonObject().put("path", "brunnen")
                .put("access", "viewer"))).status()).isEqualTo(201);
        assertThat(admin.post("/api/v1/admin/integrations/brunnen/pause").status()).isEqualTo(200);
        HubClient neighbour = admin.withToken(admin.memberToken("nachbar", "neugier", "member-admin"));
        assertThat(neighbour.post("/api/v1/admin/integrations/brunnen/resume").status()).isEqualTo(403);

        HubClient owner = admin.withToken(admin.memberToken("wasserwerk", "pruefer", "viewer"));
        JsonArray own = owner.get("/api/v1/admin/audit?limit=1000&target=brunnen").json().getJsonArray("entries");
        assertThat(own.stream().map(JsonObject.class::cast).map(e -> e.getString("action") + " " + e.getInteger(
            "outcome"))).containsExactly("POST /api/v1/admin/integrations 201",
                "POST /api/v1/admin/integrations/:name/pause 200");
        JsonArray neighbours = neighbour.get("/api/v1/admin/audit?limit=1000&target=brunnen").json()
            .getJsonArray("entries");
        assertThat(neighbours.stream().map(JsonObject.class::cast).map(e -> e.getString("action") + " "
            + e.getInteger("outcome"))).containsExactly("POST /api/v1/admin/integrations/:name/resume 403");
    }
}
