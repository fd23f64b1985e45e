package de.datenhafen.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.testkit.HubClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The authorization matrix of issue 13: every operation of the packaged {@code --demo} hub's OpenAPI document (the
 * hub's own routes and every plugin's, as served) called as each principal below, against the answer written in
 * {@code access-matrix.txt}. An operation without a row fails, so a new route cannot go in unguarded; so does a row
 * whose operation is gone. All mismatches are printed at once, as a table.
 *
 * <p>Member A is {@value #A} (owns air-quality, whose registry, uplinks and SensorThings writes need its
 * member-editor); member B is {@value #B} (owns transit, whose import and pushes need its member-editor), so B's
 * member-admin is let through on B's plugin and refused on A's and on A's member routes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixIT {

    static final String A = "luftblick";
    static final String B = "stadtwerke-mobil";
    /** The table's principal columns, in this order. */
    static final List<String> PRINCIPALS = List.of("none", "wrong", "expired", "revoked", "viewer-A", "editor-A",
        "admin-B", "hub-admin", "bootstrap");
    private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");
    private static final Pattern BRACES = Pattern.compile("\\{([^}]+)}");
    /** Writes that leave the object they name as it was, so they may name an existing one. */
    private static final Set<String> HARMLESS_WRITES = Set.of(
        "PATCH /api/v1/admin/members/{member}",
        "PATCH /api/v1/admin/members/{member}/users/{user}",
        "POST /api/v1/admin/members/{member}/users/{user}/setup-code",
        "PUT /api/v1/plugins/social-services/services/{id}",
        "PUT /api/v1/plugins/social-services/organizations/{id}/member");

    @TempDir
    static Path work;

    private DemoHub hub;
    private JsonObject doc;
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    /** An existing service of the directory, as it reads: sent back unchanged by its writes. */
    private JsonObject service;
    private String organization;
    private String serviceAtLocation;

    @BeforeAll
    void startTheDemoHubWithItsPrincipals() throws Exception {
        // every wrong, expired and revoked token below counts against the test's address; the limiter is not what
        // this test is about (MembersAndAccessTest shows it), so it must not answer 429 in place of the rule's 401
        hub = DemoHub.start(work, DemoHub.TOKEN, Map.of("DATENHAFEN_AUTH_FAILURES_LIMIT", "1000000"));
        HubClient bootstrap = hub.client;
        await("hub ready").atMost(DemoHub.startBound()).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
            .until(() -> {
                hub.assertAlive();
                return bootstrap.anonymous().get("/health/ready").status() == 200;
            });
        // the README tour's sample plugin too, so a plugin without an owning member is in the matrix
        assertThat(bootstrap.installPlugin(hub.home.resolve("examples/hello-1.0.0.zip"), true).status())
            .isEqualTo(201);
        expect(bootstrap.post("/api/v1/admin/integrations", new JsonObject().put("name", "greeter")
            .put("connector", "hello-greeter").put("config", new JsonObject())), 201);

        HubClient hubAdmin = bootstrap.withToken(hubAdminUsersToken(bootstrap));
        JsonObject viewer = token(hubAdmin, A, "matrix-viewer", "viewer", null);
        tokens.put("viewer-A", viewer.getString("token"));
        tokens.put("editor-A", token(hubAdmin, A, "matrix-editor", "member-editor", null).getString("token"));
        tokens.put("admin-B", token(hubAdmin, B, "matrix-admin", "member-admin", null).getString("token"));
        tokens.put("hub-admin", hubAdmin.adminToken());
        tokens.put("bootstrap", DemoHub.TOKEN);
        // well-formed: a real token's id with a secret of the right length that is not its secret
        String real = viewer.getString("token");
        String secret = real.substring(real.lastIndexOf('_') + 1);
        tokens.put("wrong", real.substring(0, real.length() - secret.length()) + "A".repeat(secret.length()));
        tokens.put("revoked", revokedToken(hubAdmin));
        tokens.put("expired", expiredToken(hubAdmin));
        // a user of A for the user routes to name (invited, never signed in)
        expect(hubAdmin.post("/api/v1/admin/members/" + A + "/users", new JsonObject().put("id", "lena")
            .put("name", "Lena").put("roles", new JsonArray().add("viewer"))), 201);

        HubClient anonymous = bootstrap.anonymous();
        await("the demo directory loaded").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
            .until(() -> anonymous.get("/api/v1/plugins/social-services/services?per_page=1").json()
                .getJsonArray("contents").size() == 1);
        service = anonymous.get("/api/v1/plugins/social-services/services?per_page=1").json()
            .getJsonArray("contents").getJsonObject(0);
        organization = service.getString("organization_id");
        serviceAtLocation = service.getJsonArray("service_at_locations").getJsonObject(0).getString("id");

        HubClient.Response r = anonymous.get("/api/v1/openapi.json");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        doc = r.json();
    }

    @AfterAll
    void stopHub() throws InterruptedException {
        if (hub != null) {
            hub.close();
        }
    }

    /**
     * A hub-admin person's token, not the bootstrap token: the bootstrap admin invites the person, who sets a password
     * with the one-time code, signs in and makes the token with the session.
     */
    private static String hubAdminUsersToken(HubClient bootstrap) {
        String password = "matrix hub admin passphrase";
        HubClient.Response invited = expect(bootstrap.post("/api/v1/admin/members/datenhafen/users", new JsonObject()
            .put("id", "hanna").put("name", "Hanna").put("roles", new JsonArray().add("hub-admin"))), 201);
        expect(bootstrap.anonymous().post("/api/v1/auth/setup", new JsonObject()
            .put("code", invited.json().getString("setupCode")).put("password", password)), 200);
        HubClient.Response login = expect(bootstrap.anonymous().post("/api/v1/auth/login", new JsonObject()
            .put("user", "hanna").put("password", password)), 200);
        String cookie = login.setCookie("dh_session");
        HubClient.Response made = expect(bootstrap.anonymous().post("/api/v1/admin/members/datenhafen/tokens",
            Map.of("Cookie", cookie.substring(0, cookie.indexOf(';')), "X-CSRF-Token", login.json().getString("csrf"),
                "Content-Type", "application/json"),
            new JsonObject().put("name", "matrix-hub-admin").put("roles", new JsonArray().add("hub-admin")).encode()),
            201);
        assertThat(made.json().getString("createdBy")).isEqualTo("user:hanna");
        return made.json().getString("token");
    }

    /** A member-editor token of A that worked, then was revoked. */
    private static String revokedToken(HubClient hubAdmin) {
        JsonObject t = token(hubAdmin, A, "matrix-revoked", "member-editor", null);
        HubClient as = hubAdmin.withToken(t.getString("token"));
        expect(as.get("/api/v1/auth/me"), 200);
        expect(hubAdmin.delete("/api/v1/admin/members/" + A + "/tokens/" + t.getString("id")), 200);
        expect(as.get("/api/v1/auth/me"), 401);
        return t.getString("token");
    }

    /** A member-editor token of A that worked, until its expiry a few seconds after it was made. */
    private static String expiredToken(HubClient hubAdmin) {
        JsonObject t = token(hubAdmin, A, "matrix-expired", "member-editor", Instant.now().plusSeconds(4));
        HubClient as = hubAdmin.withToken(t.getString("token"));
        expect(as.get("/api/v1/auth/me"), 200);
        await("token expired").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
            .until(() -> as.get("/api/v1/auth/me").status() == 401);
        return t.getString("token");
    }

    private static JsonObject token(HubClient as, String member, String name, String role, Instant expiresAt) {
        JsonObject body = new JsonObject().put("name", name).put("roles", new JsonArray().add(role))
            .put("purpose", "authorization matrix");
        if (expiresAt != null) {
            body.put("expiresAt", expiresAt.toString());
        }
        return expect(as.post("/api/v1/admin/members/" + member + "/tokens", body), 201).json();
    }

    private static HubClient.Response expect(HubClient.Response r, int status) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        return r;
    }

    // ---- the tests

    @Test
    void theTableHasARowForEveryOperationOfTheDocumentAndNoOther() {
        Set<String> described = new TreeSet<>(operations().keySet());
        Set<String> rows = AccessMatrix.read().rows().keySet();

        List<String> wrong = new ArrayList<>();
        described.stream().filter(op -> !rows.contains(op))
            .forEach(op -> wrong.add("no row (decide who may call it, add its row): " + op));
        rows.stream().filter(op -> !described.contains(op))
            .forEach(op -> wrong.add("stale row (the document has no such operation): " + op));

        assertThat(wrong).as(AccessMatrix.RESOURCE + " against the OpenAPI document:\n" + String.join("\n", wrong))
            .isEmpty();
        assertThat(described).hasSizeGreaterThan(150);
    }

    @Test
    void everyOperationAnswersEachPrincipalAsTheTableSays() {
        AccessMatrix matrix = AccessMatrix.read();
        List<String> mismatches = new ArrayList<>();
        int calls = 0;
        long started = System.nanoTime();
        for (Map.Entry<String, JsonObject> e : operations().entrySet()) {
            AccessMatrix.Row row = matrix.rows().get(e.getKey());
            if (row == null) {
                continue; // the other test names it
            }
            String method = e.getKey().substring(0, e.getKey().indexOf(' '));
            String path = e.getKey().substring(method.length() + 1);
            String url = url(method, path);
            String body = method.equals("GET") || method.equals("DELETE") ? null : body(e.getKey());
            // one call at a time: plugins refuse a second import while one runs (429), and SensorThings sheds reads
            // beyond its CPU budget (503); neither is the rule this test is about
            List<String> got = new ArrayList<>();
            List<String> answers = new ArrayList<>();
            for (String principal : PRINCIPALS) {
                Answer a = call(method, url, body, tokens.get(principal)).join();
                calls++;
                got.add(a.outcome());
                if (!a.outcome().equals(row.expected().get(principal))) {
                    answers.add(principal + ": " + a.status() + " " + a.text());
                }
            }
            if (!answers.isEmpty()) {
                mismatches.add(String.format("%-6s %-62s expected %s%n%-69s got      %s%n%s", method, path,
                    cells(row.expected().values()), "", cells(got), String.join("\n", answers.stream()
                        .map(s -> "        " + s).toList())));
            }
        }
        System.out.printf("authorization matrix: %d operations x %d principals = %d calls in %d ms%n",
            operations().size(), PRINCIPALS.size(), calls, (System.nanoTime() - started) / 1_000_000);
        matrix.knownDefects().forEach(d -> System.out.println("known defect, expected in the table: " + d));

        assertThat(mismatches).as("cells that differ from " + AccessMatrix.RESOURCE + " (columns "
            + String.join(" ", PRINCIPALS) + "):\n" + String.join("\n", mismatches)).isEmpty();
        assertThat(calls).isGreaterThan(150 * PRINCIPALS.size());
    }

    /**
     * A plugin route's {@code access} is in the document ({@code x-datenhafen-access}), and where the hub guards it,
     * the table says what that guard answers: no, wrong, expired or revoked credentials 401; a role of the plugin's
     * owning member lets that member's principals with the role (and hub-admins) on, and refuses the others with 403.
     */
    @Test
    void everyPluginOperationSaysWhoMayCallItAndTheTableAgrees() {
        AccessMatrix matrix = AccessMatrix.read();
        Map<String, String> owners = pluginOwners();
        Map<String, String[]> principals = Map.of("viewer-A", new String[] {A, "viewer"},
            "editor-A", new String[] {A, "member-editor"}, "admin-B", new String[] {B, "member-admin"});
        List<String> roles = List.of("viewer", "member-editor", "member-admin", "hub-admin");
        List<String> wrong = new ArrayList<>();
        operations().forEach((key, op) -> {
            String plugin = op.getString("x-datenhafen-plugin");
            if (plugin == null) {
                return;
            }
            String access = op.getString("x-datenhafen-access");
            if (access == null || !access.equals("public") && !roles.contains(access)) {
                wrong.add(key + ": x-datenhafen-access is " + access);
                return;
            }
            AccessMatrix.Row row = matrix.rows().get(key);
            if (row == null || access.equals("public")) {
                return; // a public route may refuse on its own; the table says how
            }
            Map<String, String> expected = new LinkedHashMap<>();
            for (String p : List.of("none", "wrong", "expired", "revoked")) {
                expected.put(p, "401");
            }
            principals.forEach((p, memberAndRole) -> {
                boolean allowed = !access.equals("hub-admin") && memberAndRole[0].equals(owners.get(plugin))
                    && roles.indexOf(memberAndRole[1]) >= roles.indexOf(access);
                expected.put(p, allowed ? "ok" : "403");
            });
            expected.forEach((p, cell) -> {
                // a guard that lets a principal on says nothing of what the route answers then (ok or the table's 5xx)
                if (cell.equals("403") || cell.equals("401") ? !row.expected().get(p).equals(cell)
                    : row.expected().get(p).matches("40[13]")) {
                    wrong.add(key + " (access " + access + ", plugin " + plugin + " of member " + owners.get(plugin)
                        + "): the table says " + row.expected().get(p) + " for " + p + ", the guard " + cell);
                }
            });
        });

        assertThat(wrong).as(String.join("\n", wrong)).isEmpty();
    }

    // ---- the document and the calls

    /** Every operation of the document, {@code "GET /path"} to the operation. */
    private Map<String, JsonObject> operations() {
        Map<String, JsonObject> out = new LinkedHashMap<>();
        JsonObject paths = doc.getJsonObject("paths");
        for (String path : new TreeSet<>(paths.fieldNames())) {
            for (String m : METHODS) {
                JsonObject op = paths.getJsonObject(path).getJsonObject(m);
                if (op != null) {
                    out.put(m.toUpperCase() + " " + path, op);
                }
            }
        }
        return out;
    }

    /** The owning member of each plugin, as the hub resolves it from the provider (a member's id or name). */
    private Map<String, String> pluginOwners() {
        Map<String, String> byName = new LinkedHashMap<>();
        for (Object o : hub.client.get("/api/v1/admin/members").jsonArray()) {
            JsonObject m = (JsonObject) o;
            byName.put(m.getString("id").toLowerCase(), m.getString("id"));
            byName.put(m.getString("name").toLowerCase(), m.getString("id"));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Object o : hub.client.get("/api/v1/admin/plugins").jsonArray()) {
            JsonObject p = (JsonObject) o;
            out.put(p.getString("id"), byName.get(p.getString("provider", "").toLowerCase()));
        }
        return out;
    }

    /**
     * The path with its parameters filled so the answer depends on the rule, not on a 404 before it: member routes
     * name A; reads and harmless writes name something the demo has; other writes name something that does not exist
     * (a hub-admin's DELETE of it is a 404), so no call destroys what a later one needs.
     */
    private String url(String method, String path) {
        boolean existing = method.equals("GET") || HARMLESS_WRITES.contains(method + " " + path);
        // SensorThings reads cost CPU from a budget per second (503 beyond): one entity each is enough here
        String query = method.equals("GET") && path.startsWith("/sta/") ? "?$top=1" : "";
        Matcher m = BRACES.matcher(path);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String before = path.substring(0, m.start());
            String[] value = placeholder(m.group(1), before);
            m.appendReplacement(out, Matcher.quoteReplacement(existing ? value[0] : value[1]));
        }
        m.appendTail(out);
        return out + query;
    }

    /** A parameter's value: {existing, absent}. */
    private String[] placeholder(String param, String before) {
        return switch (param) {
            case "member" -> new String[] {A, A};
            case "user" -> new String[] {"lena", "nobody"};
            case "token" -> new String[] {"nosuchtoken0", "nosuchtoken0"}; // never a principal's token
            case "key" -> new String[] {"nosuchkey000", "nosuchkey000"}; // a signing key: none registered
            case "hash" -> new String[] {"0".repeat(64), "0".repeat(64)}; // an allow-list entry: none there
            case "name" -> before.endsWith("/integrations/") ? new String[] {"neuhafen", "no-such-integration"}
                : before.endsWith("/flows/") ? new String[] {"no-such-flow", "no-such-flow"} // the demo runs none
                : new String[] {"no-such-subscription", "no-such-subscription"};
            case "site" -> new String[] {"sim-01", "matrix-site"};
            case "room" -> new String[] {"r001", "matrix-room"};
            case "device" -> new String[] {"5A11000000000000", "00000000000000FF"};
            case "version" -> new String[] {"v1.1", "v1.1"};
            case "property" -> new String[] {"name", "name"};
            case "plugin" -> new String[] {"no-such-plugin", "no-such-plugin"};
            case "path" -> new String[] {"x", "x"};
            case "id" -> before.endsWith("/admin/plugins/") ? new String[] {"transit", "no-such-plugin"}
                : before.endsWith("/dead-letters/") ? new String[] {"999999999", "999999999"}
                : before.endsWith("/admin/nodes/") ? new String[] {"no-such-node", "no-such-node"} // never forget one
                : before.endsWith("/services/") ? new String[] {service.getString("id"), "no-such-service"}
                : before.endsWith("/organizations/") ? new String[] {organization, organization}
                : before.endsWith("/service_at_locations/") ? new String[] {serviceAtLocation, serviceAtLocation}
                : before.endsWith("(") ? new String[] {"1", "999999999"} // SensorThings
                : unknown(param, before);
            default -> unknown(param, before);
        };
    }

    private static String[] unknown(String param, String before) {
        throw new AssertionError("no placeholder for {" + param + "} after " + before + ": add one to "
            + AuthorizationMatrixIT.class.getSimpleName() + ".placeholder");
    }

    /** The smallest body a write takes: {@code {}}, or an existing service as it reads, for its own writes. */
    private String body(String operation) {
        return operation.startsWith("POST /api/v1/plugins/social-services/services")
            || operation.startsWith("PUT /api/v1/plugins/social-services/services/") ? service.encode() : "{}";
    }

    /** An answer as the table has it: 401, 403, 5xx, another refusal that is not the rule's (429), or ok. */
    record Answer(int status, String text) {
        String outcome() {
            return status == 401 || status == 403 || status == 429 ? Integer.toString(status)
                : status >= 500 ? "5xx" : "ok";
        }
    }

    private CompletableFuture<Answer> call(String method, String url, String body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port + url))
            .timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream()).thenApply(r -> {
            try (InputStream in = r.body()) {
                // an event stream does not end: its status and headers say enough
                boolean stream = r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
                String text = stream ? "(event stream)" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return new Answer(r.statusCode(), text.length() > 160 ? text.substring(0, 160) + "..." : text);
            } catch (IOException e) {
                throw new UncheckedIOException(method + " " + url, e);
            }
        }).orTimeout(60, TimeUnit.SECONDS);
    }

    private static String cells(Iterable<String> cells) {
        StringBuilder s = new StringBuilder();
        for (String c : cells) {
            s.append(String.format("%-10s", c));
        }
        return s.toString().strip();
    }
}
