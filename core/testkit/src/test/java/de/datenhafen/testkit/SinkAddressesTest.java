package de.datenhafen.testkit;

import static de.datenhafen.testkit.EventsApiTest.event;
import static de.datenhafen.testkit.EventsApiTest.newType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where a flow's sinks may send, on a hub with no {@code sinks.allowed-private-hosts}: a target written as a loopback,
 * private, link-local or otherwise non-public address is refused when the flow is given, naming the step's field; a
 * host name is checked as it resolves when connecting, so one that resolves to loopback ({@code localhost}) gets
 * nothing either; the hub's own public URL is allowed.
 */
class SinkAddressesTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().build();

    private HttpServer receiver;
    private final AtomicInteger calls = new AtomicInteger();

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", x -> {
            x.getRequestBody().readAllBytes();
            calls.incrementAndGet();
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private static String webhookFlow(String name, String in, String url) {
        return """
            name: %s
            from:
              bus: %s
            steps:
              - filter: co2 > 0
              - webhook: {name: probe, url: '%s', secret: %s}
            """.formatted(name, in, url, SECRET);
    }

    @Test
    void aWebhookToALoopbackPrivateOrMetadataAddressIsRefusedNamingTheStepsField(HubClient client) {
        int port = receiver.getAddress().getPort();
        for (String url : List.of("http://127.0.0.1:" + port + "/x", "http://127.0.0.1:18999/x",
            "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/x", "http://192.168.1.1/x",
            "http://[::1]:" + port + "/x", "http://[::ffff:127.0.0.1]:" + port + "/x", "http://[fe80::1]/x",
            "http://100.64.0.1/x", "http://2130706433:" + port + "/x", "https://0.0.0.0/x")) {
            HubClient.Response r = client.post("/api/v1/admin/flows", new JsonObject()
                .put("definition", webhookFlow("ssrf", "test.ssrf", url)));

            assertThat(r.status()).as(url + ": " + r.body()).isEqualTo(422);
            assertThat(r.json().getString("field")).as(r.body()).isEqualTo("steps[1].url");
            assertThat(r.json().getString("error")).as(r.body()).startsWith("line 6, block 'webhook': steps[1].url: ")
                .contains("is not a public address").contains("sinks.allowed-private-hosts");
        }
        assertThat(client.get("/api/v1/admin/flows/ssrf").status()).isEqualTo(404);
        assertThat(calls.get()).isZero();

        // the dry run (validate) refuses it the same way
        HubClient.Response dry = client.post("/api/v1/admin/flows/validate", new JsonObject()
            .put("definition", webhookFlow("ssrf", "test.ssrf", "http://127.0.0.1:" + port + "/x"))
            .put("events", new JsonArray()));
        assertThat(dry.status()).as(dry.body()).isEqualTo(422);
        assertThat(dry.json().getString("field")).isEqualTo("steps[1].url");
    }

    @Test
    void anMqttBrokerAtAPrivateAddressIsRefusedNamingTheStepsField(HubClient client) {
        HubClient.Response r = client.post("/api/v1/admin/flows", new JsonObject().put("definition", """
            name: mqtt-private
            from:
              bus: test.mqtt
            steps:
              - mqtt-out: {name: probe, broker: 'tcp://192.168.10.5:1883', topic: 'x/{subject}'}
            """));

        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.json().getString("field")).isEqualTo("steps[0].broker");
        assertThat(r.json().getString("error")).contains("192.168.10.5 is not a public address (private)");
    }

    @Test
    void aWebhookToANameThatResolvesToLoopbackIsRefusedAtConnectionAndNothingIsSent(HubClient client) {
        String in = newType();
        String url = "http://localhost:" + receiver.getAddress().getPort() + "/x";
        HubClient.Response created = client.post("/api/v1/admin/flows", new JsonObject()
            .put("definition", webhookFlow("via-localhost", in, url)));
        assertThat(created.status()).as("a name passes when the flow is given: " + created.body()).isEqualTo(201);
        try {
            JsonObject e = event("localhost-1", in).put("data", new JsonObject().put("co2", 1500));
            assertThat(client.post("/api/v1/events", "application/cloudevents+json", e.encode()).status())
                .isEqualTo(202);

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                client.get("/api/v1/admin/integrations/via-localhost").json().getJsonObject("lastError"))
                .isNotNull());
            String error = client.get("/api/v1/admin/integrations/via-localhost").json().getJsonObject("lastError")
                .getString("message");
            assertThat(error).contains("webhook target probe was not contacted (" + url + ")")
                .contains("localhost is not a public address").contains("sinks.allowed-private-hosts");
            assertThat(calls.get()).as("requests at the receiver").isZero();
        } finally {
            client.delete("/api/v1/admin/flows/via-localhost");
        }
    }

    @Test
    void theHubsOwnPublicUrlIsAllowed(HubClient client) {
        String in = newType();
        // the test hub's public URL is where it listens, http://127.0.0.1:<port>; no token: the hub answers 401, which
        // shows the request reached it rather than being refused before
        String url = client.baseUri() + "/api/v1/events";
        HubClient.Response created = client.post("/api/v1/admin/flows", new JsonObject()
            .put("definition", webhookFlow("to-itself", in, url)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        try {
            JsonObject e = event("itself-1", in).put("data", new JsonObject().put("co2", 1500));
            assertThat(client.post("/api/v1/events", "application/cloudevents+json", e.encode()).status())
                .isEqualTo(202);

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                client.get("/api/v1/admin/integrations/to-itself").json().getJsonObject("lastError"))
                .isNotNull());
            assertThat(client.get("/api/v1/admin/integrations/to-itself").json().getJsonObject("lastError")
                .getString("message")).contains("webhook target probe answered 401");
        } finally {
            client.delete("/api/v1/admin/flows/to-itself");
        }
    }
}
