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
    }

    @Test
    void answersAWrongMethodWith405Json(HubClient client) {
        HubClient.Response r = client.delete("/health/live");

        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().getString("error")).isEqualTo("method not allowed on this resource");
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
    }
}
