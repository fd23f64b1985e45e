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
    }
}
