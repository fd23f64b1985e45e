package de.datenhafen.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A private authority's certificate in a config ({@link ConfigCheck#pemCertificates()}, {@link PemCertificates}):
 * certificates in PEM form are read, also without their line breaks; a private key, another block, no certificate
 * and too much text are refused naming the key, and the value is never repeated, neither in a refusal nor in the
 * config's {@code toString()} that log lines show.
 */
class PemCertificatesTest {

    /** What a key pasted by mistake looks like; the test's own text, no real key. */
    private static final String KEY = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEINOTAREALKEYnotarealkey\n"
        + "-----END PRIVATE KEY-----\n";
    private static final ConfigDef DEF = ConfigDef.builder()
        .define("ca-certificate", ConfigType.STRING, null, false, "A private CA's certificate")
        .check("ca-certificate", ConfigCheck.pemCertificates())
        .build();
    private static final String MUST_BE = "must be X.509 certificates in PEM form (-----BEGIN CERTIFICATE----- ...), "
        + "at most 65536 characters; ";

    private static X509Certificate authority;
    private static String pem;

    /** A real certificate, built: the first authority of the JVM's own trust store, written as PEM. */
    @BeforeAll
    static void aCertificate() throws Exception {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init((KeyStore) null);
        authority = ((X509TrustManager) f.getTrustManagers()[0]).getAcceptedIssuers()[0];
        pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
            .encodeToString(authority.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    }

    private static List<ConfigProblem> problems(String value) {
        return DEF.validate(Map.of("ca-certificate", value));
    }

    @Test
    void readsEachCertificateAlsoWithoutItsLineBreaksAndWithTextAroundIt() {
        assertThat(PemCertificates.read(pem, "ca-certificate")).containsExactly(authority);
        assertThat(PemCertificates.read(pem.replaceAll("\\R", ""), "ca-certificate")).containsExactly(authority);
        assertThat(PemCertificates.read("subject=CN = Test\n" + pem + pem, "ca-certificate"))
            .containsExactly(authority, authority);
        assertThat(problems(pem)).isEmpty();
    }

    @Test
    void refusesAPrivateKeyNamingTheKeyButNotRepeatingIt() {
        assertThat(problems(pem + KEY)).containsExactly(new ConfigProblem("ca-certificate", MUST_BE + "the value "
            + "holds a private key (-----BEGIN PRIVATE KEY-----): the hub needs only the authority's certificate to "
            + "check the other side, never a key; remove the key (and replace it, if it was shared)"));
        assertThat(problems(KEY.replace("PRIVATE KEY", "RSA PRIVATE KEY")).get(0).message())
            .contains("holds a private key (-----BEGIN RSA PRIVATE KEY-----)").doesNotContain("NOTAREALKEY");
        assertThat(problems(KEY.replace("PRIVATE KEY", "ENCRYPTED PRIVATE KEY")).get(0).message())
            .contains("holds a private key (-----BEGIN ENCRYPTED PRIVATE KEY-----)");
    }

    @Test
    void refusesAKeyWrittenOtherwiseAndBase64OutsideTheBlocksButNotABundlesNotes() {
        for (String key : new String[] {KEY.toLowerCase(Locale.ROOT), KEY.replace("BEGIN PRIVATE", "BEGIN\tPRIVATE"),
            KEY.replace("-----", "----"), KEY.replace("BEGIN PRIVATE KEY", "Begin Rsa Private Key")}) {
            assertThat(problems(pem + key)).as(key).extracting(ConfigProblem::message).containsExactly(MUST_BE
                + "the value holds what reads as a private key (the words PRIVATE KEY after BEGIN): the hub needs "
                + "only the authority's certificate to check the other side, never a key; remove the key (and "
                + "replace it, if it was shared)");
        }
        String bare = pem + "\n" + "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cK"
            + "jMzEfYyjiWA4R4/M2bS1G\n";
        assertThat(problems(bare)).extracting(ConfigProblem::message).containsExactly(MUST_BE + "the value holds "
            + "base64 outside its certificate blocks, without BEGIN and END lines: give only certificates in PEM form "
            + "(-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----), and never a key");
        // as curl's CA bundle writes it: a name, its underline, a SHA-256 in hex, then the certificate
        String bundle = "## Certificate data from Mozilla as of: Tue Sep  9 03:12:01 2025 GMT\n## SHA256: "
            + "1794c1d4f7055b7d02c2170337b61b48a2ef6c90d77e95444fd2596f4cac609f\n\nLuebeck Test Root CA\n"
            + "====================\n" + pem;
        assertThat(problems(bundle)).isEmpty();
    }

    @Test
    void refusesTextWithoutACertificateAndOtherBlocks() {
        String form = "(-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)";
        assertThat(problems("-----BEGIN nonsense")).containsExactly(new ConfigProblem("ca-certificate", MUST_BE
            + "the value holds no certificate in PEM form: give the authority's certificate " + form));
        assertThat(problems("")).extracting(ConfigProblem::message).containsExactly(MUST_BE + "the value is empty: "
            + "give the authority's certificate in PEM form " + form);
        assertThat(problems(pem.replace("CERTIFICATE", "PUBLIC KEY"))).extracting(ConfigProblem::message)
            .containsExactly(MUST_BE + "the value holds a block of another kind (-----BEGIN PUBLIC KEY-----): give "
                + "only certificates in PEM form " + form);
    }

    @Test
    void refusesACertificateThatDoesNotReadSayingWhichOne() {
        String notBase64 = "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----";
        assertThatThrownBy(() -> PemCertificates.read(pem + notBase64, "caCertificate"))
            .hasMessage("certificate 2 in caCertificate is not base64 between its BEGIN and END lines");
        assertThatThrownBy(() -> PemCertificates.read("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
            "caCertificate")).hasMessage("certificate 1 in caCertificate does not read as an X.509 certificate: its "
                + "base64 is not a certificate's encoding (was it cut or changed?)");
        String empty = "-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----";
        assertThatThrownBy(() -> PemCertificates.read(empty, "caCertificate")).as("no word of the JDK's parser")
            .message().doesNotContain("java.", "Exception", "Could not parse");
        assertThatThrownBy(() -> PemCertificates.read(pem.substring(0, pem.length() / 2), "caCertificate"))
            .hasMessage("certificate 1 in caCertificate has no -----END CERTIFICATE----- line after its BEGIN line "
                + "(was it cut short?)");
    }

    @Test
    void refusesMoreThan64KibBeforeReadingIt() {
        String huge = pem + " ".repeat(PemCertificates.MAX_CHARS + 1 - pem.length());

        assertThat(problems(huge)).containsExactly(new ConfigProblem("ca-certificate", MUST_BE + "the value has "
            + "65537 characters, more than the 65536 certificates in PEM form may have here"));
        assertThat(problems(huge.substring(0, PemCertificates.MAX_CHARS))).isEmpty();
        assertThat(DEF.checks("ca-certificate").get(0).schema()).containsEntry("maxLength", 65536)
            .containsEntry("contentMediaType", "application/pem-certificate-chain");
    }

    @Test
    void aConfigShowsACertificateByItsLengthOnlyWhereItIsLogged() {
        Config config = DEF.parse(Map.of("ca-certificate", pem));

        assertThat(config.toString()).isEqualTo("Config{ca-certificate=(PEM, " + pem.length() + " characters)}");
        assertThat(config.redacted()).containsEntry("ca-certificate", pem); // what an admin's view shows
    }
}
