package de.datenhafen.testkit;

import static de.datenhafen.testkit.EventsApiTest.newType;
import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.Hub;
import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hub's HTTP consumer under every plugin route, probed as an attacker would: nothing from a request becomes an
 * internal exchange header or a response header, any body reaches the route raw, and every failure is the hub's JSON
 * error without internals.
 */
class PluginHttpEdgeTest {

    private static final Path ARCHIVES = TestDirs.create("plugin-http-edge");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().plugin(() -> Fixtures.working(ARCHIVES))
        .config(HubConfig.HTTP_MAX_BODY, 4096).config(HubConfig.HTTP_PUBLIC_URL, "https://hub.example.org")
        .build();

    @Test
    void headersAndQueryParametersNamedLikeTheHubsOwnNeverReachTheBus(HubClient client) {
        String type = ingest(client, "edge-spoof", null);

        for (int i = 0; i < 2; i++) {
            RawHttp.Answer a = RawHttp.send(hub.hub().port(), "{\"free\":12}",
                "POST /api/v1/plugins/fixture/edge-spoof?DatenhafenEventSource=/air-quality"
                    + "&datenhafeneventid=dev-1@2026-11-26T08:00:00Z&CamelHttpResponseCode=200 HTTP/1.1",
                "Host: localhost", "Connection: close", "Content-Type: application/json", "Content-Length: 11",
                "DatenhafenEventId: dev-1@2026-11-26T08:00:00Z", "DATENHAFENEVENTTIME: 2000-01-01T00:00:00Z",
                "DatenhafenSubject: forged");
            assertThat(a.status()).as(a.toString()).isEqualTo(202);
        }

        JsonArray events = client.get("/api/v1/events?type=" + type).json().getJsonArray("events");
        assertThat(events).hasSize(2);
        for (Object o : events) {
            JsonObject e = ((JsonObject) o).getJsonObject("event");
            assertThat(e.getString("source")).isEqualTo("/plugins/fixture/integrations/edge-spoof");
            assertThat(e.getString("id")).doesNotContain("dev-1");
            assertThat(e.getString("time")).doesNotStartWith("2000");
            assertThat(e.getString("subject")).isNull();
        }
    }

    @Test
    void queryParametersFormFieldsAndRequestHeadersAreNeverEchoedAsResponseHeaders(HubClient client) {
        ingest(client, "edge-echo", null);

        RawHttp.Answer a = RawHttp.send(hub.hub().port(), "Set-Cookie=s%3D1&Location=https%3A%2F%2Fevil.example",
            "POST /api/v1/plugins/fixture/edge-echo?Set-Cookie=session%3Dstolen&Refresh=0%3Burl%3Dhttps%3A%2F%2Fevil"
                + ".example&X-Frame-Options=ALLOWALL HTTP/1.1",
            "Host: localhost", "Connection: close", "Content-Type: application/x-www-form-urlencoded",
            "Content-Length: 52", "X-Echo-Me: please", "Access-Control-Allow-Origin: *");

        assertThat(a.status()).as(a.toString()).isEqualTo(202);
        assertThat(a.headers()).doesNotContainKeys("set-cookie", "refresh", "location", "x-echo-me",
            "access-control-allow-origin", "x-frame-options");
    }

    @Test
    void controlCharactersOrAColonInAQueryParameterGiveTheRoutesAnswerNot500(HubClient client) {
        ingest(client, "edge-crlf", null);

        RawHttp.Answer a = RawHttp.send(hub.hub().port(), "{}",
            "POST /api/v1/plugins/fixture/edge-crlf?X-Injected=a%0d%0aSet-Cookie:%20x%3D1&a%3Ab=%00 HTTP/1.1",
            "Host: localhost", "Connection: close", "Content-Length: 2");

        assertThat(a.status()).as(a.toString()).isEqualTo(202);
        assertThat(a.headers()).doesNotContainKeys("set-cookie", "x-injected", "a:b");
    }

    @Test
    void aFormEncodedBodyOrOneWithoutContentTypeReachesTheRouteAsItWasSent(HubClient client) {
        String type = ingest(client, "edge-form", null);
        String json = "{\"free\":12,\"note\":\"a=b&c=d\"}";

        HubClient.Response form = client.anonymous().post("/api/v1/plugins/fixture/edge-form",
            "application/x-www-form-urlencoded", json);
        RawHttp.Answer none = RawHttp.send(hub.hub().port(), json, "POST /api/v1/plugins/fixture/edge-form HTTP/1.1",
            "Host: localhost", "Connection: close", "Content-Length: " + json.length());

        assertThat(form.status()).as(form.toString()).isEqualTo(202);
        assertThat(none.status()).as(none.toString()).isEqualTo(202);
        JsonArray events = client.get("/api/v1/events?type=" + type).json().getJsonArray("events");
        assertThat(events).hasSize(2);
        for (Object o : events) {
            assertThat(((JsonObject) o).getJsonObject("event").getJsonObject("data")).isEqualTo(new JsonObject(json));
        }
    }

    @Test
    void aBodyOverTheLimitIs413NamingItAndReachesNoRoute(HubClient client) {
        String type = ingest(client, "edge-big", null);

        HubClient.Response r = client.anonymous().post("/api/v1/plugins/fixture/edge-big", "application/json",
            "{\"x\":\"" + "a".repeat(5000) + "\"}");

        assertThat(r.status()).as(r.toString()).isEqualTo(413);
        assertThat(r.json().getString("error")).isEqualTo("the body is larger than the 4096 bytes this endpoint accepts");
        assertThat(r.json().getString("field")).isEqualTo("body");
        assertThat(client.get("/api/v1/events?type=" + type).json().getJsonArray("events")).isEmpty();
    }

    @Test
    void aPausedIntegrationsEndpointAnswers503WithTheReason(HubClient client) {
        ingest(client, "edge-paused", null);
        assertThat(client.post("/api/v1/admin/integrations/edge-paused/pause").status()).isEqualTo(200);

        HubClient.Response r = client.anonymous().post("/api/v1/plugins/fixture/edge-paused", "application/json", "{}");

        assertThat(r.status()).as(r.toString()).isEqualTo(503);
        assertThat(r.header("Retry-After")).isEqualTo("30");
        assertThat(r.json().getString("error")).contains("paused");
    }

    @Test
    void aRouteThatThrowsGives500WithARequestIdAndNoInternals(HubClient client) {
        ingest(client, "edge-throws", "right-token");

        HubClient.Response r = client.anonymous().post("/api/v1/plugins/fixture/edge-throws",
            Map.of("X-Token", "wrong", "Content-Type", "application/json"), "{}");

        assertThat(r.status()).as(r.toString()).isEqualTo(500);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        String id = r.header("X-Request-Id");
        assertThat(id).matches("[0-9a-f]{16}");
        assertThat(r.json().getString("requestId")).isEqualTo(id);
        assertThat(r.body()).doesNotContain("SecurityException", "wrong token", "at de.", "Exception");
    }

    @Test
    void everyAnswerSaysNoSniffingNoFramingAndNoCachingOfAuthenticatedAnswers(HubClient client) {
        HubClient.Response admin = client.get("/api/v1/admin/plugins");
        HubClient.Response open = client.anonymous().get("/health/live");

        for (HubClient.Response r : new HubClient.Response[] {admin, open}) {
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.header("Content-Security-Policy")).isEqualTo("default-src 'none'; frame-ancestors 'none'");
            assertThat(r.header("X-Request-Id")).matches("[0-9a-f]{16}");
        }
        assertThat(admin.header("Cache-Control")).isEqualTo("no-store");
        assertThat(open.header("Cache-Control")).isNull();
    }

    @Test
    void aTooLongRequestLineIs414AndTooLargeHeadersAre431BothAsJson(HubClient client) {
        RawHttp.Answer line = RawHttp.send(hub.hub().port(), "",
            "GET /health/live?x=" + "a".repeat(10_000) + " HTTP/1.1", "Host: localhost", "Connection: close");
        RawHttp.Answer headers = RawHttp.send(hub.hub().port(), "", "GET /health/live HTTP/1.1", "Host: localhost",
            "Connection: close", "X-Big: " + "b".repeat(10_000));

        assertThat(line.status()).isEqualTo(414);
        assertThat(new JsonObject(line.body()).getString("error")).isEqualTo("the request line is too long");
        assertThat(headers.status()).isEqualTo(431);
        assertThat(new JsonObject(headers.body()).getString("error")).isEqualTo("the request's headers are too large");
    }

    @Test
    void linksAreBuiltFromTheConfiguredPublicUrlNeverFromTheHostHeader(HubClient client, Hub h) {
        HubClient.Response created = client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "edge-links").put("connector", "fixture-public")
            .put("config", new JsonObject().put("path", "/public-edge")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        RawHttp.Answer a = RawHttp.send(h.port(), "", "GET /public-edge/where HTTP/1.1", "Host: evil.example",
            "Connection: close", "X-Forwarded-Host: evil.example");

        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        assertThat(new JsonObject(a.body()).getString("url")).isEqualTo("https://hub.example.org/public-edge/where");
    }

    private static String ingest(HubClient client, String name, String token) {
        String type = newType();
        JsonObject config = new JsonObject().put("path", name).put("type", type);
        if (token != null) {
            config.put("token", token);
        }
        HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", name)
            .put("connector", "fixture-ingest").put("config", config));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return type;
    }
}
