package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.config.HubConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A hub that does not check plugin signatures is ready, and says so in {@code /health/ready}. */
class PluginSignatureNotRequiredTest {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().config(HubConfig.PLUGINS_REQUIRE_SIGNATURE, false).build();

    @Test
    void readinessWarnsThatSignaturesAreNotChecked() {
        JsonObject check = ReadinessChecks.readyWith(hub, "plugin-signatures");
        assertThat(check.getString("status")).isEqualTo("WARNING");
        assertThat(check.getString("reason")).isEqualTo("not checked (plugins.require-signature=false): any archive "
            + "an admin installs is loaded; for development installs only");
        // anyone else reads that there is a warning, not what this hub admits
        HubClient.Response anyone = hub.client().anonymous().get("/health/ready");
        assertThat(anyone.body()).contains("plugin-signatures").doesNotContain("require-signature")
            .doesNotContain("any archive");
        assertThat(anyone.json().getJsonArray("checks").stream().map(o -> (JsonObject) o)
            .filter(c -> c.getString("name").equals("plugin-signatures")).findFirst().orElseThrow()
            .getString("reason")).isEqualTo("a hub-admin reads why");
    }
}
