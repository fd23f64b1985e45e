package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hub checks signatures at every start, not only at install: a plugin whose key was revoked since stays disabled
 * after the restart, with the reason in its error and in readiness, and enabling it is refused with the same reason.
 */
class PluginSignatureAcrossRestartTest {

    static final Path ARCHIVES = TestDirs.create("plugin-signature-restart");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().config(HubConfig.PLUGINS_REQUIRE_SIGNATURE, true).build();

    @Test
    void aKeyRevokedBetweenInstallAndRestartKeepsThePluginDisabledWithTheReason() {
        HubClient admin = hub.client();
        assertThat(admin.post("/api/v1/admin/members", new JsonObject().put("id", "member-a").put("name", "A"))
            .status()).isEqualTo(201);
        KeyPair key = PluginSignatureTest.keyPair();
        String keyId = PluginSignatureTest.register(hub, "member-a", key).json().getString("id");
        Path archive = PluginSignatureTest.signed(Fixtures.quiet(ARCHIVES, "revoked-later"), "member-a", key);
        HubClient.Response installed = admin.installPlugin(archive, "enable=true&owner=member-a");
        assertThat(installed.status()).as(installed.body()).isEqualTo(201);
        assertThat(installed.json().getString("state")).isEqualTo("started");

        assertThat(admin.delete("/api/v1/admin/members/member-a/keys/" + keyId).status()).isEqualTo(200);
        hub.restart();

        JsonObject plugin = hub.client().get("/api/v1/admin/plugins/revoked-later").json();
        assertThat(plugin.getString("state")).isEqualTo("disabled");
        assertThat(plugin.getString("error")).startsWith("disabled by the hub: plugin revoked-later 1.0.0 is not "
            + "admitted: it is signed with key " + keyId + " of member member-a, which was revoked at");
        HubClient.Response ready = hub.client().get("/health/ready");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().getString("error")).contains("plugin:revoked-later: disabled by the hub");
        HubClient.Response enable = hub.client().post("/api/v1/admin/plugins/revoked-later/enable");
        assertThat(enable.status()).as(enable.body()).isEqualTo(422);
        assertThat(enable.json().getString("error")).contains("which was revoked at");
        assertThat(hub.client().get("/api/v1/admin/plugins/revoked-later").json().getString("state"))
            .isEqualTo("disabled");
    }
}
