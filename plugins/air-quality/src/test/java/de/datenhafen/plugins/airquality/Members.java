package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.testkit.HubClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Members and their tokens for the plugin's hub tests, made through the hub's admin API as an association's admin
 * would: {@link #OWNER}, the member the plugin's descriptor names as provider (so the hub takes it as the plugin's
 * owning member), and {@link #OTHER}, another member of the association.
 */
final class Members {

    /** The plugin's provider, "Luftblick Sensorik GmbH", as the demo's members.json has it. */
    static final String OWNER = "luftblick";
    static final String OTHER = "wetterwerk";

    private Members() {
    }

    /** Creates the owning member and the other one; {@code admin} is a hub-admin's client. */
    static void create(HubClient admin) {
        member(admin, OWNER, "Luftblick Sensorik GmbH");
        member(admin, OTHER, "Wetterwerk Luebeck e.V.");
    }

    static void member(HubClient admin, String id, String name) {
        HubClient.Response r = admin.post("/api/v1/admin/members", new JsonObject().put("id", id).put("name", name));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    /** A new token of {@code member} named {@code name} with {@code roles}; the secret. */
    static String token(HubClient admin, String member, String name, String... roles) {
        return scopedToken(admin, member, name, null, roles);
    }

    /** As {@link #token(HubClient, String, String, String...)}, scoped to {@code plugin} unless it is null. */
    static String scopedToken(HubClient admin, String member, String name, String plugin, String... roles) {
        JsonObject body = new JsonObject().put("name", name).put("roles", new JsonArray(List.of(roles)))
            .put("purpose", "air-quality tests");
        if (plugin != null) {
            body.put("scope", new JsonObject().put("plugin", plugin));
        }
        HubClient.Response r = admin.post("/api/v1/admin/members/" + member + "/tokens", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().getString("token");
    }
}
