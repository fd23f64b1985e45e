package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.api.InvalidInputException;
import de.datenhafen.core.Hub;
import de.datenhafen.core.config.HubConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub whose TLS settings or files are wrong does not start, and says which key and which file are at fault, without
 * quoting the key. Each check runs before the database opens.
 */
class HttpsStartFailuresTest {

    private static final TestCertificates CA = TestCertificates.newCa("Datenhafen Test CA");

    @TempDir
    Path home;

    @Test
    void aKeyOfAnotherCertificateFailsTheStartNamingTheKeyAndBothFilesButNotTheKeysContent() throws IOException {
        TestCertificates.Issued server = CA.issueServer(home, "hub");
        TestCertificates.Issued other = CA.issueServer(home, "other");

        assertStartFails(Map.of(HubConfig.HTTP_TLS_CERT, server.cert().toString(),
            HubConfig.HTTP_TLS_KEY, other.key().toString()), HubConfig.HTTP_TLS_KEY)
            .hasMessageStartingWith("http.tls.key: the private key in " + other.key() + " does not belong to the first "
                + "certificate in " + server.cert() + " (O=Datenhafen tests,CN=localhost)")
            .satisfies(e -> assertNoLineOf(other.key(), e.getMessage()));
    }

    @Test
    void aCertificateFileWithTheChainBeforeTheServersOwnCertificateFailsTheStart() throws IOException {
        TestCertificates.Issued server = CA.issueServer(home, "hub");
        String pem = Files.readString(server.cert());
        int second = pem.indexOf("-----BEGIN CERTIFICATE-----", 1);
        Path reversed = Files.writeString(home.resolve("reversed.crt"), pem.substring(second) + pem.substring(0, second));

        assertStartFails(Map.of(HubConfig.HTTP_TLS_CERT, reversed.toString(),
            HubConfig.HTTP_TLS_KEY, server.key().toString()), HubConfig.HTTP_TLS_KEY)
            .hasMessageContaining("does not belong to the first certificate in " + reversed)
            .hasMessageEndingWith("must start with the server's own certificate, then its chain");
    }

    @Test
    void aChainWithAnIssuerThatDidNotSignTheCertificateFailsTheStartNamingBoth() throws IOException {
        TestCertificates.Issued server = CA.issueServer(home, "hub");
        TestCertificates.Issued stranger = TestCertificates.newCa("Another CA").issueServer(home, "stranger");
        String own = Files.readString(server.cert());
        String theirs = Files.readString(stranger.cert());
        String wrongChain = own.substring(0, own.indexOf("-----BEGIN CERTIFICATE-----", 1))
            + theirs.substring(theirs.indexOf("-----BEGIN CERTIFICATE-----", 1));
        Path file = Files.writeString(home.resolve("wrong-chain.crt"), wrongChain);

        assertStartFails(Map.of(HubConfig.HTTP_TLS_CERT, file.toString(),
            HubConfig.HTTP_TLS_KEY, server.key().toString()), HubConfig.HTTP_TLS_CERT)
            .hasMessage("http.tls.cert: certificate 1 in " + file + " (O=Datenhafen tests,CN=localhost) is not issued "
                + "by certificate 2 (O=Datenhafen tests,CN=Another CA); the file must hold the server's own "
                + "certificate, then each issuer in turn");
    }

    @Test
    void aMissingKeyFileFailsTheStartNamingTheKeyAndTheFile() {
        TestCertificates.Issued server = CA.issueServer(home, "hub");

        assertStartFails(Map.of(HubConfig.HTTP_TLS_CERT, server.cert().toString(),
            HubConfig.HTTP_TLS_KEY, "conf/tls/missing.key"), HubConfig.HTTP_TLS_KEY)
            .hasMessage("http.tls.key: " + home.toAbsolutePath().normalize().resolve("conf/tls/missing.key") + " is not a file (it "
                + "should hold the private key in PEM)");
    }

    @Test
    void aKeyFileTheHubCannotReadFailsTheStartNamingTheKeyAndTheFile() throws IOException {
        TestCertificates.Issued server = CA.issueServer(home, "hub");
        Files.setPosixFilePermissions(server.key(), java.util.Set.of());
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(server.key()), "runs as root: every file is "
            + "readable");

        assertStartFails(Map.of(HubConfig.HTTP_TLS_CERT, server.cert().toString(),
            HubConfig.HTTP_TLS_KEY, server.key().toString()), HubConfig.HTTP_TLS_KEY)
            .hasMessage("http.tls.key: " + server.key() + " cannot be read by the hub's user (permission denied)");
    }

    @Test
    void aKeyFileHoldingACertificateFailsTheStartWithoutQuotingIt() {
        TestCertificates.Issued server = CA.issueServer(home, "hub");

        assertStartFails(Map.of(HubConfig.HTTP_TLS_CERT, server.cert().toString(),
            HubConfig.HTTP_TLS_KEY, server.cert().toString()), HubConfig.HTTP_TLS_KEY)
            .hasMessageStartingWith("http.tls.key: " + server.cert() + " holds no private key the hub can use (an "
                + "unencrypted PEM key: BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)")
            .satisfies(e -> assertNoLineOf(server.cert(), e.getMessage()));
    }

    @Test
    void aCertificateFileWithoutACertificateFailsTheStartNamingTheCertificateKey() throws IOException {
        TestCertificates.Issued server = CA.issueServer(home, "hub");
        Path notPem = Files.writeString(home.resolve("hub.txt"), "this is not a certificate\n");

        assertStartFails(Map.of(HubConfig.HTTP_TLS_CERT, notPem.toString(),
            HubConfig.HTTP_TLS_KEY, server.key().toString()), HubConfig.HTTP_TLS_CERT)
            .hasMessage("http.tls.cert: " + notPem + " holds no readable X.509 certificate in PEM "
                + "(-----BEGIN CERTIFICATE-----)");
    }

    @Test
    void aCertificateWithoutAKeySettingFailsTheStartNamingTheMissingKey() {
        TestCertificates.Issued server = CA.issueServer(home, "hub");

        assertStartFails(Map.of(HubConfig.HTTP_TLS_CERT, server.cert().toString()), HubConfig.HTTP_TLS_KEY)
            .hasMessage("http.tls.key must be set too: HTTPS needs both http.tls.cert and http.tls.key");
    }

    @Test
    void aRedirectPortWithoutAnHttpsPublicUrlFailsTheStart() {
        TestCertificates.Issued server = CA.issueServer(home, "hub");

        assertStartFails(Map.of(HubConfig.HTTP_TLS_CERT, server.cert().toString(),
            HubConfig.HTTP_TLS_KEY, server.key().toString(), HubConfig.HTTP_REDIRECT_PORT, 0,
            HubConfig.HTTP_PUBLIC_URL, "http://hub.example.org"), HubConfig.HTTP_PUBLIC_URL)
            .hasMessage("http.redirect-port needs http.public-url set to the hub's https:// address, where browsers "
                + "are sent");
    }

    @Test
    void hstsWithoutTlsFailsTheStartRatherThanBeingIgnored() {
        assertStartFails(Map.of(HubConfig.HTTP_HSTS, "365d"), HubConfig.HTTP_HSTS)
            .hasMessage("http.hsts is sent on HTTPS answers only, so it needs http.tls.cert and http.tls.key");
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertStartFails(Map<String, Object> tls, String field) {
        Map<String, Object> overrides = new LinkedHashMap<>();
        overrides.put(HubConfig.HTTP_HOST, "127.0.0.1");
        overrides.put(HubConfig.HTTP_PORT, 0);
        overrides.putAll(tls);
        HubConfig config = HubConfig.load(home, Map.of(), overrides);
        return assertThatThrownBy(() -> Hub.start(config).close()).isInstanceOf(InvalidInputException.class)
            .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo(field))
            // failed before the database: no file of it was made
            .satisfies(e -> assertThat(home.resolve("data").resolve("datenhafen.mv.db")).doesNotExist());
    }

    /** None of the file's base64 lines appears in the message. */
    private static void assertNoLineOf(Path pem, String message) {
        List<String> lines;
        try {
            lines = Files.readAllLines(pem).stream().filter(l -> !l.startsWith("-----") && l.length() > 8).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(message).doesNotContain(l));
    }
}
