package de.datenhafen.core.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A webhook target over HTTPS: the client connects to the address the policy checked, yet TLS sends the URL's host
 * name (SNI) and checks the receiver's certificate against it and against the trust the hub's JVM is given
 * ({@code javax.net.ssl.trustStore}, as an operator with a private CA sets it in {@code DATENHAFEN_JAVA_OPTS}).
 * Real TLS: certificates made by the JDK's {@code keytool}, a receiver on the JDK's HTTPS server on 127.0.0.1.
 */
class WebhookClientTlsTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String PASSWORD = "changeit-test";
    /** The receiver's name: a name with a dot (TLS sends no server name for "localhost"), resolved to 127.0.0.1. */
    private static final String RECEIVER = "receiver.example.org";
    private static final String[] TRUST_PROPERTIES = {"javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword",
        "javax.net.ssl.trustStoreType"};

    @TempDir
    static Path dir;
    private static Vertx vertx;
    private static final Map<String, String> before = new HashMap<>();

    private final List<HttpsServer> servers = new ArrayList<>();
    /** What each request brought: the name TLS asked for, and the Host header. */
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void certificatesAndTrust() throws Exception {
        // the receiver's certificate, trusted; one for the same name that nobody trusts
        keytool("-genkeypair", "-alias", "receiver", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
            "CN=" + RECEIVER, "-ext", "SAN=dns:" + RECEIVER, "-validity", "2", "-keystore", store("receiver"),
            "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-genkeypair", "-alias", "stranger", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
            "CN=" + RECEIVER, "-ext", "SAN=dns:" + RECEIVER, "-validity", "2", "-keystore", store("stranger"),
            "-storetype", "PKCS12", "-storepass", PASSWORD);
        String cert = dir.resolve("receiver.crt").toString();
        keytool("-exportcert", "-alias", "receiver", "-keystore", store("receiver"), "-storetype", "PKCS12",
            "-storepass", PASSWORD, "-rfc", "-file", cert);
        keytool("-importcert", "-noprompt", "-alias", "receiver", "-file", cert, "-keystore", store("trust"),
            "-storetype", "PKCS12", "-storepass", PASSWORD);
        for (String p : TRUST_PROPERTIES) {
            before.put(p, System.getProperty(p));
        }
        System.setProperty("javax.net.ssl.trustStore", store("trust"));
        System.setProperty("javax.net.ssl.trustStorePassword", PASSWORD);
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertxAndRestoreTrust() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        before.forEach((p, v) -> {
            if (v == null) {
                System.clearProperty(p);
            } else {
                System.setProperty(p, v);
            }
        });
    }

    @AfterEach
    void stopReceivers() {
        servers.forEach(s -> s.stop(0));
    }

    private static String store(String name) {
        return dir.resolve(name + ".p12").toString();
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(p.exitValue()).as("keytool %s: %s", args[0], out).isZero();
    }

    /** An HTTPS receiver on 127.0.0.1 with the certificate of {@code keyStore}; answers 204 and notes SNI and Host. */
    private int receiver(String keyStore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(Path.of(store(keyStore)))) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                params.setSSLParameters(tls.getDefaultSSLParameters());
            }
        });
        server.createContext("/", x -> {
            x.getRequestBody().readAllBytes();
            List<SNIServerName> names = ((ExtendedSSLSession) ((HttpsExchange) x).getSSLSession())
                .getRequestedServerNames();
            String sni = names.stream().filter(n -> n instanceof SNIHostName)
                .map(n -> ((SNIHostName) n).getAsciiName()).findFirst().orElse("(none)");
            seen.add(sni + " " + x.getRequestHeaders().getFirst("Host"));
            if (x.getRequestMethod().equals("OPTIONS")) { // the CloudEvents webhook handshake: any origin
                x.getResponseHeaders().add("WebHook-Allowed-Origin", "*");
            }
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        server.start();
        servers.add(server);
        return server.getAddress().getPort();
    }

    /** A client for {@code https://host:port/hook}, where the policy resolves {@value #RECEIVER} to 127.0.0.1. */
    private static WebhookClient client(String host, int port) {
        SinkAddressPolicy policy = SinkAddressPolicy.of(List.of(host)).withResolver(name -> name.equals(RECEIVER)
            ? new InetAddress[] {InetAddress.getByAddress(RECEIVER, new byte[] {127, 0, 0, 1})}
            : InetAddress.getAllByName(name));
        WebhookTarget target = WebhookTarget.parse("secure", "https://" + host + ":" + port + "/hook", SECRET, null,
            null, 5, 1, 0, false, policy);
        return new WebhookClient(target, vertx, policy);
    }

    private static SinkEvent event() {
        return new SinkEvent(7, "e-1", "/tests", "city.probe", "s-1", null, "application/json",
            "{}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aTrustedReceiverGetsTheEventWithTheUrlsHostAsTlsServerNameAndHostHeader() throws Exception {
        int port = receiver("receiver");
        try (WebhookClient c = client(RECEIVER, port)) {
            c.post(event());
            c.post(event()); // and again on the pooled connection
            assertThat(c.handshake("hub.example.org", 0)).isZero();
        }
        String expected = RECEIVER + " " + RECEIVER + ":" + port;
        assertThat(seen).containsExactly(expected, expected, expected);
    }

    @Test
    void aTrustedCertificateForAnotherNameIsRefusedAndNothingIsDelivered() throws Exception {
        int port = receiver("receiver");
        try (WebhookClient c = client("localhost", port)) {
            assertThatThrownBy(() -> c.post(event())).isInstanceOf(SinkException.class)
                .hasMessage("webhook target secure could not be reached (https://localhost:" + port
                    + "/hook): its TLS certificate is not for localhost");
        }
        assertThat(seen).as("requests the receiver answered").isEmpty();
    }

    @Test
    void aCertificateTheHubDoesNotTrustIsRefusedAndNothingIsDelivered() throws Exception {
        int port = receiver("stranger");
        try (WebhookClient c = client(RECEIVER, port)) {
            assertThatThrownBy(() -> c.post(event())).isInstanceOf(SinkException.class)
                .hasMessage("webhook target secure could not be reached (https://" + RECEIVER + ":" + port
                    + "/hook): its TLS certificate is not signed by an authority the hub trusts (the hub's Java "
                    + "trust store; an operator adds a private authority with -Djavax.net.ssl.trustStore)");
        }
        assertThat(seen).as("requests the receiver answered").isEmpty();
    }
}
