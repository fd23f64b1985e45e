package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.fixtures.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Enabled or disabled is the admin's choice, kept in the database: a restart does not undo it. */
class PluginStateAcrossRestartTest {

    private static final Path ARCHIVES = TestDirs.create("plugin-state");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().plugin(() -> Fixtures.working(ARCHIVES)).build();

    @Test
    void keepsADisabledPluginDisabledAfterARestart() {
        assertThat(hub.client().post("/api/v1/admin/plugins/fixture/disable").json().getString("state"))
            .isEqualTo("disabled");

        hub.restart();

        assertThat(state()).isEqualTo("disabled");
        assertThat(hub.client().get("/api/v1/admin/connectors").jsonArray().size()).isZero();
    }

    @Test
    void startsAReenabledPluginAgainAfterARestart() {
        hub.client().post("/api/v1/admin/plugins/fixture/disable");
        hub.restart();
        assertThat(hub.client().post("/api/v1/admin/plugins/fixture/enable").json().getString("state"))
            .isEqualTo("started");

        hub.restart();

        assertThat(state()).isEqualTo("started");
    }

    private static String state() {
        HubClient.Response r = hub.client().get("/api/v1/admin/plugins/fixture");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().getString("state");
    }
}
