package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.fixtures.AnsweringPlugin;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A plugin route throws the API's exceptions and writes no error JSON: the hub answers each with its status and its
 * one JSON shape, and a caller's mistake is not a failed message of the integration. The API's HTTP helpers read
 * what the hub's consumer put into the exchange.
 */
class PluginRouteErrorsTest {

    private static final Path ARCHIVES = TestDirs.create("plugin-route-errors");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().plugin(() -> PluginArchiveBuilder.plugin("answering",
        "1.0.0", Fixtures.MEMBER, AnsweringPlugin.class).writeTo(ARCHIVES)).build();

    @BeforeAll
    static void integration() {
        HubClient client = hub.client();
        HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "answers")
            .put("connector", "answering").put("config", new JsonObject().put("path", "answers")));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    @Test
    void invalidInputIs400WithEveryProblem(HubClient client) {
        HubClient.Response r = call(client, "invalid");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().getString("field")).isEqualTo("lat");
        assertThat(r.json().getJsonArray("problems")).hasSize(2);
        assertThat(r.json().getJsonArray("problems").getJsonObject(1).getString("error"))
            .isEqualTo("is required with lat");
    }

    @Test
    void eachRefusalHasItsStatusMessageAndField(HubClient client) {
        assertAnswer(call(client, "missing"), 404, "no site 'x'", "site");
        assertAnswer(call(client, "conflict"), 409, "site x exists", "site");
        assertAnswer(call(client, "refused"), 422, "the feed is in use", "feed");
        assertAnswer(call(client, "forbidden"), 403, "only the owner's editors", "Authorization");
        assertAnswer(call(client, "large"), 413, "the zip expands past 2 MiB", "body");
        assertAnswer(call(client, "media"), 415, "send application/merge-patch+json", "Content-Type");
    }

    @Test
    void anUnsupportedMediaTypeOnAPatchNamesThePatchTypesItTakes(HubClient client) {
        HubClient.Response r = client.anonymous().patch("/api/v1/plugins/answering/answers?kind=media",
            "application/x-www-form-urlencoded", "a=b");

        assertAnswer(r, 415, "send application/merge-patch+json", "Content-Type");
        assertThat(r.header("Accept-Patch")).isEqualTo("application/merge-patch+json");
    }

    @Test
    void unauthorizedIs401WithTheBearerChallenge(HubClient client) {
        HubClient.Response r = call(client, "unauthorized");

        assertAnswer(r, 401, "this needs a member token", "Authorization");
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"datenhafen\"");
    }

    @Test
    void retryLaterIs503WithRetryAfter(HubClient client) {
        HubClient.Response r = call(client, "later");

        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("Retry-After")).isEqualTo("7");
        assertThat(r.json().getString("error")).isEqualTo("the timetable is loading");
    }

    @Test
    void aBugIs500WithTheRequestIdOnlyAndCountsAsAFailedMessage(HubClient client) {
        long before = failed(client);

        HubClient.Response r = call(client, "bug");

        assertThat(r.status()).isEqualTo(500);
        assertThat(r.body()).doesNotContain("PLUGIN_X").contains(r.header("X-Request-Id"));
        // counted when Camel completes the exchange, just after the answer went out (as MetricsAndOpenApiTest)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(failed(client)).isEqualTo(before + 1);
            assertThat(integration(client).getJsonObject("lastError").getString("message")).contains("PLUGIN_X");
        });
        // and counted once: a second count would come right after the first
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).untilAsserted(() ->
            assertThat(failed(client)).isEqualTo(before + 1));
    }

    @Test
    void aCallersMistakeIsNoFailedMessageOfTheIntegration(HubClient client) {
        long before = failed(client);

        for (String kind : new String[] {"invalid", "missing", "forbidden", "unauthorized", "later"}) {
            assertThat(call(client, kind).status()).isBetween(400, 503);
        }

        assertThat(failed(client)).isEqualTo(before);
    }

    @Test
    void theHttpHelpersReadPathParametersTheQueryAndTheBody(HubClient client) {
        HubClient.Response r = client.anonymous().post("/api/v1/plugins/answering/answers/gym-sued/rooms/"
            + "mensa%201?topic=debt,work&topic=housing&limit=5", "application/json; charset=utf-8", "{\"a\":1}");

        assertThat(r.body()).isEqualTo("site=gym-sued room=mensa 1 topics=[debt, work, housing] limit=5 "
            + "type=application/json bytes=7 client=127.0.0.1");
    }

    /** The client as the hub counts it, from the socket: a request cannot name itself another client. */
    @Test
    void theClientIsTheSocketsPeerWhateverTheRequestSays(HubClient client) throws Exception {
        RawHttp.Answer r = RawHttp.sendFrom(java.net.InetAddress.getByName("127.0.0.2"), hub.port(),
            ("GET /api/v1/plugins/answering/answers/a/rooms/b HTTP/1.1\r\nHost: localhost\r\n"
                + "DatenhafenClient: 192.0.2.66\r\nDatenhafen-Client-Address: x 192.0.2.67\r\n"
                + "X-Forwarded-For: 192.0.2.68\r\nConnection: close\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body()).endsWith(" client=127.0.0.2");
    }

    /** As documented for plugins: a query parameter is a message header, repeated ones a list of their values. */
    @Test
    void aQueryParameterArrivesAsAMessageHeaderWhenNoRequestHeaderHasItsName(HubClient client) {
        HubClient.Response r = client.anonymous().get("/api/v1/plugins/answering/answers/headers?X-Subject=garage-7"
            + "&note=a&note=b");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("request=null message=garage-7 note=[a, b]");
    }

    /** A proxy in front of the hub that strips or sets a header cannot be got round with a query parameter. */
    @Test
    void aRequestHeaderWinsOverAQueryParameterOfItsNameInAnyCaseAndIsNotMixedWithIt(HubClient client) {
        HubClient.Response r = client.anonymous().get("/api/v1/plugins/answering/answers/headers?x-subject=forged"
            + "&X-SUBJECT=forged-too&note=a", Map.of("X-Subject", "garage-7", "Note", "from-the-header"));

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("request=garage-7 message=garage-7 note=from-the-header");
    }

    @Test
    void httpRequestsHeaderReadsTheRequestsOwnHeaderCaseInsensitivelyNeverAQueryParameter(HubClient client) {
        String path = "/api/v1/plugins/answering/answers/headers";

        assertThat(client.anonymous().get(path + "?X-Subject=forged").body()).startsWith("request=null ");
        assertThat(client.anonymous().get(path + "?DatenhafenRequestHeaders=forged", Map.of("x-subject", "garage-7"))
            .body()).startsWith("request=garage-7 ");
        // the hub's own header for them cannot be sent either
        assertThat(client.anonymous().get(path, Map.of("DatenhafenRequestHeaders", "{X-Subject=[forged]}")).body())
            .startsWith("request=null ");
    }

    @Test
    void aSingleQueryParameterGivenTwiceIsTheHubs400NamingIt(HubClient client) {
        assertAnswer(client.anonymous().get("/api/v1/plugins/answering/answers/a/rooms/b?limit=5&limit=6"), 400,
            "limit is given 2 times; give it once", "limit");
    }

    private static HubClient.Response call(HubClient client, String kind) {
        return client.anonymous().get("/api/v1/plugins/answering/answers?kind=" + kind);
    }

    private static void assertAnswer(HubClient.Response r, int status, String error, String field) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().getString("error")).isEqualTo(error);
        assertThat(r.json().getString("field")).isEqualTo(field);
    }

    private static JsonObject integration(HubClient client) {
        return client.get("/api/v1/admin/integrations/answers").json();
    }

    private static long failed(HubClient client) {
        return integration(client).getJsonObject("messages").getLong("failed");
    }
}
