package de.datenhafen.plugins.core;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The core-connectors plugin owned by a member (a hub of its own: the owner changes): its member-admin makes ingests
 * for its senders, but a door open to anyone, and the rate that bounds one, are a hub-admin's.
 */
class IngestMemberAdminIT {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest().build();

    @Test
    void aMemberAdminOfThePluginsOwnerOpensNoDoorToAnyoneAndLiftsNoRateOfOne(HubClient client) {
        // an attacker's probe: the owner's member-admin made an anonymous ingest with anonymous-rate 0, so one address
        // could fill the bus and the disk again
        assertThat(client.post("/api/v1/admin/members", new JsonObject().put("id", "parkhaus")
            .put("name", "Parkhaus Lübeck GmbH")).status()).isEqualTo(201);
        assertThat(client.put("/api/v1/admin/plugins/core-connectors/owner", new JsonObject().put("member", "parkhaus"))
            .status()).isEqualTo(200);
        HubClient.Response token = client.post("/api/v1/admin/members/parkhaus/tokens", new JsonObject()
            .put("name", "ingest-admin").put("roles", new JsonArray().add("member-admin")));
        HubClient admin = client.withToken(token.json().getString("token"));

        HubClient.Response open = admin.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "open-door").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "open-door").put("type", "city.open").put("anonymous", true)
                .put("anonymous-rate", 0)));
        assertThat(open.status()).as(open.body()).isEqualTo(403);
        assertThat(open.json().getString("error")).startsWith("only a hub-admin may set anonymous: it lets anyone "
            + "without a token put events on the bus, and bounds how many a second");
        assertThat(client.anonymous().post("/api/v1/plugins/core-connectors/open-door", "application/json", "{}")
            .status()).isEqualTo(404);

        HubClient.Response guarded = admin.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "own-door").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "own-door").put("type", "city.own")
                .put("senders", new JsonArray().add("parkhaus"))));
        assertThat(guarded.status()).as(guarded.body()).isEqualTo(201);
        HubClient.Response lifted = admin.put("/api/v1/admin/integrations/own-door", new JsonObject()
            .put("config", new JsonObject().put("path", "own-door").put("type", "city.own")
                .put("senders", new JsonArray().add("parkhaus")).put("anonymous-rate", 0)));
        assertThat(lifted.status()).as(lifted.body()).isEqualTo(403);
        assertThat(lifted.json().getString("field")).isEqualTo("config.anonymous-rate");
    }
}
