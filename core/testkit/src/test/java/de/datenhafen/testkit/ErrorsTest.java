package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Whatever goes wrong, the answer is JSON with a message and, where there is one, the field at fault. */
class ErrorsTest {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().build();

    @Test
    void answersAnUnknownPathWith404Json(HubClient client) {
        HubClient.Response r = client.get("/no/such/thing");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().getString("error")).isEqualTo("no such resource");
        assertThat(r.json().getString("field")).isEqualTo("path");
    }

    @Test
    void answersAWrongMethodWith405Json(HubClient client) {
        HubClient.Response r = client.delete("/health/live");

        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().getString("error")).isEqualTo("method not allowed on this resource");
        assertThat(r.json().getString("field")).isEqualTo("method");
    }

    @Test
    void answersAMalformedJsonBodyWith400NamingTheBody(HubClient client) {
        HubClient.Response r = client.post("/api/v1/admin/integrations", "application/json", "{\"name\": ");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().getString("field")).isEqualTo("body");
        assertThat(r.json().getString("error")).startsWith("the body is not a JSON object");
    }

    @Test
    void answersAJsonBodyThatIsNotAnObjectWith400NamingTheBody(HubClient client) {
        HubClient.Response r = client.post("/api/v1/admin/integrations/validate", "application/json", "[1, 2]");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("body");
    }

    @Test
    void answersAnUnknownPluginWith404NamingIt(HubClient client) {
        HubClient.Response r = client.post("/api/v1/admin/plugins/nope/enable");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().getString("error")).isEqualTo("no plugin with id 'nope' is installed");
        assertThat(r.json().getString("field")).isEqualTo("id");
    }

    /**
     * A refusal names the part of the request at fault: the thing a path names that is not there, the credentials
     * that lack the right (the probe found these answered with a message alone).
     */
    @Test
    void aRefusalNamesWhatItIsAbout(HubClient client) {
        assertThat(client.get("/api/v1/admin/integrations/nope").json().getString("field")).isEqualTo("name");
        assertThat(client.get("/api/v1/admin/members/nope").json().getString("field")).isEqualTo("member");
        assertThat(client.get("/api/v1/admin/subscriptions/nope").json().getString("field")).isEqualTo("name");
        io.vertx.core.json.JsonObject viewer = client.post("/api/v1/admin/members", new io.vertx.core.json.JsonObject()
            .put("id", "fehlerbild").put("name", "Fehlerbild")).json();
        assertThat(viewer.getString("id")).isEqualTo("fehlerbild");
        HubClient.Response token = client.post("/api/v1/admin/members/fehlerbild/tokens",
            new io.vertx.core.json.JsonObject().put("name", "nur-lesen").put("roles",
                new io.vertx.core.json.JsonArray().add("viewer")));
        HubClient.Response refused = client.withToken(token.json().getString("token")).get("/api/v1/admin/members");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().getString("field")).isEqualTo("Authorization");
        assertThat(client.delete("/api/v1/admin/members/fehlerbild/tokens/nope").json().getString("field"))
            .isEqualTo("token");
    }
}
