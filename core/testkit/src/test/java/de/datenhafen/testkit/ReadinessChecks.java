package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;

/** The checks of a hub's {@code /health/ready}, as its tests read them. */
final class ReadinessChecks {

    private ReadinessChecks() {
    }

    /** The hub is ready (200) and lists the check {@code name}, which this returns. */
    static JsonObject readyWith(HubExtension hub, String name) {
        HubClient.Response ready = hub.client().get("/health/ready"); // as a hub-admin, who reads every reason
        assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
        return ready.json().getJsonArray("checks").stream().map(JsonObject.class::cast)
            .filter(c -> c.getString("name").equals(name)).findFirst()
            .orElseThrow(() -> new AssertionError("no check " + name + " in " + ready.body()));
    }
}
