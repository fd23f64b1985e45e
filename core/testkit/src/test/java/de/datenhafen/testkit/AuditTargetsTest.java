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
        HubClient.Response plugin = admin.installPlugin(Fixtures.working(ARCHIVES), true);
        assertThat(plugin.status()).as(plugin.body()).isEqualTo(201);
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
            .containsEntry("POST /api/v1/admin/members/:member/keys", "{member=hafenamt, key=ci}")
            .containsEntry("POST /api/v1/admin/plugin-allowlist", "{hash=" + hash + "}")
            .containsEntry("POST /api/v1/admin/plugins", "{id=fixture}")
            .containsEntry("POST /api/v1/admin/integrations", "{name=pegel}")
            .containsEntry("POST /api/v1/admin/subscriptions", "{name=pegel-archiv}");
    }
}
