package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A hub serving HTTPS with a certificate from a CA made in the test, seen by clients that trust that CA alone: the
 * admin API, a plugin route and a login work over TLS 1.3, TLS 1.1 is refused in the handshake, every HTTPS answer
 * carries HSTS, and the plain-HTTP port only redirects to the configured https address.
 */
class HttpsTest {

    private static final Path DIR = TestDirs.create("https");
    private static final TestCertificates CA = TestCertificates.newCa("Datenhafen Test CA");
    private static final TestCertificates.Issued SERVER = CA.issueServer(DIR, "hub");
    private static final String PUBLIC_URL = "https://hub.example.org:8443";
    private static final String PASSWORD = "correct horse battery staple";

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().plugin(() -> Fixtures.working(DIR))
        .config(HubConfig.HTTP_TLS_CERT, SERVER.cert().toAbsolutePath().toString())
        .config(HubConfig.HTTP_TLS_KEY, SERVER.key().toAbsolutePath().toString())
        .config(HubConfig.HTTP_HSTS, "365d")
        .config(HubConfig.HTTP_REDIRECT_PORT, 0)
        .config(HubConfig.HTTP_PUBLIC_URL, PUBLIC_URL)
        // cheap hashes for a test (the README says what the defaults cost)
        .config(HubConfig.AUTH_ARGON2_MEMORY, 1024).config(HubConfig.AUTH_ARGON2_ITERATIONS, 1)
        .build();

    @Test
    void theAdminApiAnswersOverTls13ToAClientThatTrustsOnlyTheTestCa() {
        HttpResponse<String> r = https().get("/api/v1/admin/plugins", hub.client().adminToken());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new JsonArray(r.body())).extracting(p -> ((JsonObject) p).getString("id")).contains("fixture");
        assertThat(r.sslSession()).get().extracting(s -> s.getProtocol()).isEqualTo("TLSv1.3");
        assertThat(r.uri().getScheme()).isEqualTo("https");
    }

    @Test
    void aClientWithOnlyTheJdksTrustedAuthoritiesRefusesTheTestCertificate() {
        HttpClient defaults = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        assertThatThrownBy(() -> defaults.send(HttpRequest.newBuilder(https().uri("/health/live")).build(),
            HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void aPluginRouteTakesAnEventOverHttpsAndItsAnswerCarriesHsts() {
        HttpResponse<String> created = https().send("POST", "/api/v1/admin/integrations", hub.client().adminToken(),
            new JsonObject().put("name", "tls-ingest").put("connector", "fixture-ingest")
                .put("config", new JsonObject().put("path", "tls-ingest").put("type", "test.tls")).encode());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        HttpResponse<String> ingested = https().send("POST", "/api/v1/plugins/fixture/tls-ingest", null,
            "{\"co2\":612}");

        assertThat(ingested.statusCode()).as(ingested.body()).isEqualTo(202);
        assertThat(ingested.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
    }

    @Test
    void everyHttpsAnswerCarriesHstsAnErrorToo() {
        HttpResponse<String> live = https().get("/health/live", null);
        HttpResponse<String> refused = https().get("/api/v1/admin/plugins", null);
        HttpResponse<String> missing = https().get("/no/such/page", null);

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(missing.statusCode()).isEqualTo(404);
        for (HttpResponse<String> r : java.util.List.of(live, refused, missing)) {
            assertThat(r.headers().allValues("Strict-Transport-Security")).as(r.uri().getPath())
                .containsExactly("max-age=31536000");
        }
    }

    @Test
    void aClientOfferingOnlyTls11IsRefusedInTheHandshake() throws IOException {
        // A TLS 1.1 ClientHello written byte by byte, so the refusal can only be the server's (the test JVM allows
        // TLS 1.1, see tls-tests.security: a refusal is the hub's own setting)
        try (java.net.Socket socket = new java.net.Socket("localhost", hub.hub().port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(tls11ClientHello());
            socket.getOutputStream().flush();
            byte[] answer = socket.getInputStream().readNBytes(7);

            assertThat(answer).hasSize(7);
            assertThat(answer[0]).as("a TLS alert record").isEqualTo((byte) 21);
            assertThat(answer[5]).as("fatal").isEqualTo((byte) 2);
            assertThat(answer[6]).as("alert protocol_version").isEqualTo((byte) 70);
        }
    }

    /** A ClientHello of TLS 1.1 (RFC 4346): version 3.2, AES-CBC suites of that time, no extensions. */
    private static byte[] tls11ClientHello() {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.writeBytes(new byte[] {3, 2}); // client_version TLS 1.1
        body.writeBytes(new byte[32]); // random
        body.write(0); // no session id
        int[] suites = {0xc013, 0xc009, 0x002f, 0x0035};
        body.write(0);
        body.write(suites.length * 2);
        for (int suite : suites) {
            body.write(suite >> 8);
            body.write(suite & 0xff);
        }
        body.writeBytes(new byte[] {1, 0}); // compression: null only
        byte[] hello = body.toByteArray();
        java.io.ByteArrayOutputStream record = new java.io.ByteArrayOutputStream();
        record.writeBytes(new byte[] {22, 3, 2}); // handshake record, TLS 1.1
        int length = hello.length + 4;
        record.writeBytes(new byte[] {(byte) (length >> 8), (byte) length});
        record.writeBytes(new byte[] {1, 0, (byte) (hello.length >> 8), (byte) hello.length}); // ClientHello
        record.writeBytes(hello);
        return record.toByteArray();
    }

    @Test
    void aClientOfferingOnlyTls12CompletesTheHandshake() throws IOException {
        try (SSLSocket socket = socket("TLSv1.2")) {
            socket.startHandshake();

            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
        }
    }

    @Test
    void thePlainHttpPortAnswers308ToTheConfiguredHttpsAddressWithPathAndQuery() {
        RawHttp.Answer a = RawHttp.send(redirectPort(), "",
            "GET /api/v1/events?type=air.reading&limit=5 HTTP/1.1", "Host: evil.example", "Connection: close");

        assertThat(a.status()).as(a.toString()).isEqualTo(308);
        assertThat(a.header("location")).isEqualTo(PUBLIC_URL + "/api/v1/events?type=air.reading&limit=5");
        assertThat(a.headers()).doesNotContainKey("strict-transport-security");
    }

    @Test
    void anAbsoluteRequestTargetCannotChooseTheRedirectsHost() {
        RawHttp.Answer a = RawHttp.send(redirectPort(), "{}",
            "POST http://evil.example/api/v1/plugins/fixture/x?a=%20b HTTP/1.1", "Host: evil.example",
            "Content-Type: application/json", "Content-Length: 2", "Connection: close");

        assertThat(a.status()).as(a.toString()).isEqualTo(308);
        assertThat(a.header("location")).isEqualTo(PUBLIC_URL + "/api/v1/plugins/fixture/x?a=%20b");
    }

    @Test
    void aLoginOverHttpsGivesASecureHttpOnlyStrictCookie() {
        String admin = hub.client().adminToken();
        HttpResponse<String> member = https().send("POST", "/api/v1/admin/members", admin, new JsonObject()
            .put("id", "hafenamt").put("name", "Hafenamt").put("contact", "it@hafenamt.example").encode());
        assertThat(member.statusCode()).as(member.body()).isEqualTo(201);
        HttpResponse<String> user = https().send("POST", "/api/v1/admin/members/hafenamt/users", admin, new JsonObject()
            .put("id", "hanne").put("name", "Hanne").put("roles", new JsonArray().add("viewer")).encode());
        assertThat(user.statusCode()).as(user.body()).isEqualTo(201);
        HttpResponse<String> setUp = https().send("POST", "/api/v1/auth/setup", null, new JsonObject()
            .put("code", new JsonObject(user.body()).getString("setupCode")).put("password", PASSWORD).encode());
        assertThat(setUp.statusCode()).as(setUp.body()).isEqualTo(200);

        HttpResponse<String> login = https().send("POST", "/api/v1/auth/login", null,
            new JsonObject().put("user", "hanne").put("password", PASSWORD).encode());

        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String cookie = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("dh_session="))
            .findFirst().orElseThrow();
        // attribute names are case-insensitive (RFC 6265, 5.2); Netty writes "HTTPOnly"
        assertThat(cookie.toLowerCase(java.util.Locale.ROOT).split(";\\s*")).contains("secure", "httponly",
            "samesite=strict");
    }

    private static int redirectPort() {
        return hub.hub().redirectPort().orElseThrow();
    }

    private static HttpsClient https() {
        return new HttpsClient(CA.trustingOnlyThisCa(), hub.hub().port());
    }

    private static SSLSocket socket(String protocol) throws IOException {
        SSLSocket socket = (SSLSocket) CA.trustingOnlyThisCa().getSocketFactory()
            .createSocket("localhost", hub.hub().port());
        socket.setSoTimeout(10_000);
        socket.setEnabledProtocols(new String[] {protocol});
        return socket;
    }

}
