package de.datenhafen.core.sink;

import static de.datenhafen.core.sink.TestAuthorities.keytool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.vertx.core.Vertx;
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
 * ({@code javax.net.ssl.trustStore}, as an operator with a private CA sets it in {@code DATENHAFEN_JAVA_OPTS}), or,
 * for a target with a {@code caCertificate}, against that private authority instead. Real TLS: certificates made by
 * the JDK's {@code keytool}, a receiver on the JDK's HTTPS server on 127.0.0.1.
 */
class WebhookClientTlsTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String PASSWORD = TestAuthorities.PASSWORD;
    /** The receiver's name: a name with a dot (TLS sends no server name for "localhost"), resolved to 127.0.0.1. */
    private static final String RECEIVER = "receiver.example.org";
    /** Why TLS failed with a certificate the trust in use does not hold: the JVM's, or the target's own. */
    private static final String UNTRUSTED = "its TLS certificate is not signed by an authority the hub trusts (the "
        + "hub's Java trust store; a private authority's certificate goes in the target's ca-certificate, or an "
        + "operator adds it for all targets with -Djavax.net.ssl.trustStore)";
    private static final String NOT_THE_TARGETS_AUTHORITY = "its TLS certificate is not signed by the authority in "
        + "the target's ca-certificate (which the hub trusts for it instead of its Java trust store)";
    private static final String[] TRUST_PROPERTIES = {"javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword",
        "javax.net.ssl.trustStoreType"};

    @TempDir
    static Path dir;
    private static Vertx vertx;
    /** The private authority that signed the certificate of store "signed", in PEM form; the JVM does not trust it. */
    private static String authority;
    /** Another private authority, which signed nothing here. */
    private static String otherAuthority;
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
        // a private authority, and a receiver certificate it signed (the authority in the chain, as servers send it)
        authority = TestAuthorities.authority(dir, "authority");
        otherAuthority = TestAuthorities.authority(dir, "other-authority");
        keytool("-genkeypair", "-alias", "signed", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
            "CN=" + RECEIVER, "-validity", "2", "-keystore", store("signed"), "-storetype", "PKCS12", "-storepass",
            PASSWORD);
        String request = dir.resolve("signed.csr").toString();
        String signed = dir.resolve("signed.crt").toString();
        keytool("-certreq", "-alias", "signed", "-keystore", store("signed"), "-storetype", "PKCS12", "-storepass",
            PASSWORD, "-file", request);
        keytool("-gencert", "-alias", "authority", "-keystore", store("authority"), "-storetype", "PKCS12",
            "-storepass", PASSWORD, "-infile", request, "-outfile", signed, "-rfc", "-ext", "SAN=dns:" + RECEIVER,
            "-validity", "2");
        keytool("-importcert", "-noprompt", "-alias", "authority", "-file", dir.resolve("authority.crt").toString(),
            "-keystore", store("signed"), "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-importcert", "-alias", "signed", "-file", signed, "-keystore", store("signed"), "-storetype",
            "PKCS12", "-storepass", PASSWORD);
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
        return TestAuthorities.store(dir, name);
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
        return client(host, port, null);
    }

    /** As {@link #client(String, int)}, trusting only the authority in {@code caCertificate} (PEM) when given. */
    private static WebhookClient client(String host, int port, String caCertificate) {
        SinkAddressPolicy policy = SinkAddressPolicy.of(List.of(host)).withResolver(name -> name.equals(RECEIVER)
            ? new InetAddress[] {InetAddress.getByAddress(RECEIVER, new byte[] {127, 0, 0, 1})}
            : InetAddress.getAllByName(name));
        WebhookTarget target = WebhookTarget.parse("secure", "https://" + host + ":" + port + "/hook", SECRET, null,
            null, 5, 1, 0, false, caCertificate, policy);
        return new WebhookClient(target, vertx, policy);
    }

    private static SinkEvent event() {
        return new SinkEvent(7, "e-1", "/tests", "city.probe", "s-1", null, "application/json",
            "{}".getBytes(StandardCharsets.UTF_8), 0);
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

    /** A POST to the receiver on {@code port} through {@code host} fails with {@code reason}; nothing was delivered. */
    private void assertRefused(String host, int port, String caCertificate, String reason) {
        try (WebhookClient c = client(host, port, caCertificate)) {
            assertThatThrownBy(() -> c.post(event())).isInstanceOf(SinkException.class)
                .hasMessage("webhook target secure could not be reached (https://" + host + ":" + port + "/hook): "
                    + reason);
        }
        assertThat(seen).as("requests the receiver answered").isEmpty();
    }

    @Test
    void aTrustedCertificateForAnotherNameIsRefusedAndNothingIsDelivered() throws Exception {
        assertRefused("localhost", receiver("receiver"), null, "its TLS certificate is not for localhost");
    }

    @Test
    void aCertificateTheHubDoesNotTrustIsRefusedAndNothingIsDelivered() throws Exception {
        assertRefused(RECEIVER, receiver("stranger"), null, UNTRUSTED);
    }

    @Test
    void aReceiverThatAPrivateAuthoritySignedGetsTheEventWhenTheTargetsCaCertificateIsThatAuthority()
        throws Exception {
        int port = receiver("signed");
        // without its line breaks, as the value arrives through a Camel URI
        try (WebhookClient c = client(RECEIVER, port, authority.replaceAll("\\R", ""))) {
            c.post(event());
            assertThat(c.handshake("hub.example.org", 0)).isZero();
        }
        String expected = RECEIVER + " " + RECEIVER + ":" + port;
        assertThat(seen).containsExactly(expected, expected);
    }

    @Test
    void aReceiverThatAPrivateAuthoritySignedIsRefusedWithoutACaCertificateSayingWhereItGoes() throws Exception {
        assertRefused(RECEIVER, receiver("signed"), null, UNTRUSTED);
    }

    @Test
    void aCaCertificateOfAnotherAuthorityIsRefusedNamingTheTargetsCaCertificate() throws Exception {
        assertRefused(RECEIVER, receiver("signed"), otherAuthority, NOT_THE_TARGETS_AUTHORITY);
    }

    @Test
    void aCaCertificateReplacesTheJvmsTrustStoreForItsTarget() throws Exception {
        // a certificate the JVM's trust store holds, from a target that trusts its own authority only
        assertRefused(RECEIVER, receiver("receiver"), authority, NOT_THE_TARGETS_AUTHORITY);
    }

    @Test
    void withACaCertificateTheHostNameIsStillChecked() throws Exception {
        assertRefused("localhost", receiver("signed"), authority, "its TLS certificate is not for localhost");
    }
}
