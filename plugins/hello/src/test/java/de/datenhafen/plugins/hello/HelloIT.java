package de.datenhafen.plugins.hello;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.RecordedEvent;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The tour's sample plugin, from its packaged archive, in a real hub. */
class HelloIT {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest().build();

    @BeforeAll
    static void aGreeterWithItsDefaults() {
        HubClient.Response created = hub.client().post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "hello").put("connector", "hello-greeter").put("config", new JsonObject()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    @Test
    void aPostedNameIsGreetedAndTheGreetingIsOnTheBusWithTheNameAsSubject(HubClient client) {
        // as curl -d sends it: a form content type, which the hub does not parse
        HubClient.Response r = client.anonymous().post("/api/v1/plugins/hello/greet",
            Map.of("Content-Type", "application/x-www-form-urlencoded"), "Lübeck");

        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json().getString("greeting")).isEqualTo("Hallo, Lübeck!");
        List<RecordedEvent> events = hub.events("hello.greeting");
        RecordedEvent e = events.stream().filter(s -> s.sequence() == r.json().getLong("sequence")).findFirst()
            .orElseThrow();
        assertThat(e.subject()).isEqualTo("Lübeck");
        assertThat(e.member()).isEqualTo("Datenhafen samples");
        assertThat(new JsonObject(e.dataString()))
            .isEqualTo(new JsonObject().put("name", "Lübeck").put("greeting", "Hallo, Lübeck!"));
    }

    @Test
    void theOpenApiDocumentDescribesTheGreeterAtItsConfiguredPathFromThePluginsFragment(HubClient client) {
        JsonObject doc = client.anonymous().get("/api/v1/openapi.json").json();

        JsonObject post = doc.getJsonObject("paths").getJsonObject("/api/v1/plugins/hello/greet").getJsonObject("post");
        assertThat(post.getString("summary")).isEqualTo("Greet a name");
        // the integration by name to those who may read it, as the integrations API shows it
        assertThat(post.containsKey("x-datenhafen-integration")).isFalse();
        assertThat(client.get("/api/v1/openapi.json").json().getJsonObject("paths")
            .getJsonObject("/api/v1/plugins/hello/greet").getJsonObject("post").getString("x-datenhafen-integration"))
            .isEqualTo("hello");
        assertThat(post.getJsonArray("tags")).containsExactly("hello");
        assertThat(post.getJsonObject("responses").getJsonObject("202").getJsonObject("content")
            .getJsonObject("application/json").getJsonObject("schema").getString("$ref"))
            .isEqualTo("#/components/schemas/hello.Greeting");
        assertThat(doc.getJsonObject("components").getJsonObject("schemas").getJsonObject("hello.Greeting")
            .getJsonObject("properties").fieldNames()).containsExactlyInAnyOrder("greeting", "sequence");
        assertThat(doc.getJsonObject("paths").fieldNames()).doesNotContain("/api/v1/plugins/hello/{path}");
    }

    @Test
    void anEmptyBodyIsRefusedSayingWhatToSend(HubClient client) {
        HubClient.Response r = client.anonymous().post("/api/v1/plugins/hello/greet", "text/plain", "");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("error")).startsWith("the body is empty: send a name as plain text");
        assertThat(r.json().getString("field")).isEqualTo("body");
    }

    @Test
    void aNameWithALineBreakIsRefusedAndNothingIsStored(HubClient client) {
        long before = hub.events("hello.greeting").size();

        HubClient.Response r = client.anonymous().post("/api/v1/plugins/hello/greet", "text/plain", "Eve\nX-Admin: 1");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("body");
        assertThat(hub.events("hello.greeting")).hasSize((int) before);
    }
}
