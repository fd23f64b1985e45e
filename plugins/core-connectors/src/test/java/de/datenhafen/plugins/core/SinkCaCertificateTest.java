package de.datenhafen.plugins.core;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.Connector;
import de.datenhafen.testkit.GermanWords;
import java.security.KeyStore;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sinks' {@code ca-certificate} as their configs check it, where {@code /validate}, create and update refuse it
 * with the key named ({@code config.ca-certificate} in the hub's answer): not certificates in PEM form, a private key,
 * more than 64 KiB, or given for a target without TLS. The value is never repeated.
 */
class SinkCaCertificateTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String MUST_BE = "must be X.509 certificates in PEM form (-----BEGIN CERTIFICATE----- ...), "
        + "at most 65536 characters; ";

    private static String pem;

    @BeforeAll
    static void aCertificate() throws Exception {
        pem = authority();
    }

    /** A real certificate, built: the first authority of the JVM's own trust store, written as PEM. */
    static String authority() throws Exception {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init((KeyStore) null);
        byte[] der = ((X509TrustManager) f.getTrustManagers()[0]).getAcceptedIssuers()[0].getEncoded();
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
            + "\n-----END CERTIFICATE-----\n";
    }

    private static Map<String, Object> webhook(String url, String caCertificate) {
        Map<String, Object> raw = new HashMap<>(Map.of("types", "city.alert", "url", url, "secret", SECRET));
        raw.put("ca-certificate", caCertificate);
        return raw;
    }

    private static Map<String, Object> mqtt(String broker) {
        return Map.of("types", "city.alert", "broker", broker, "topic", "city/{type}", "ca-certificate", pem);
    }

    /** The problems the hub finds: the declared checks first, then, when they pass, the connector's rules. */
    private static List<ConfigProblem> problems(Connector connector, Map<String, Object> raw) {
        List<ConfigProblem> declared = connector.config().validate(raw);
        return declared.isEmpty() ? connector.validate(connector.config().parse(raw)) : declared;
    }

    @Test
    void aWebhookTargetTakesThePemOfAPrivateAuthorityForAnHttpsUrl() {
        assertThat(problems(new WebhookSinkConnector(), webhook("https://hooks.example.org/in", pem))).isEmpty();
        assertThat(problems(new WebhookSinkConnector(), webhook("https://hooks.example.org/in",
            pem.replaceAll("\\R", "")))).as("as a one-line form field sends it").isEmpty();
    }

    @Test
    void aWebhookTargetRefusesACaCertificateThatIsNoCertificateNamingTheKey() {
        String key = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIHNvbWUtdGVzdC10ZXh0\n"
            + "-----END PRIVATE KEY-----\n"; // the test's own text, no real key

        assertThat(problems(new WebhookSinkConnector(), webhook("https://hooks.example.org/in", pem + key)))
            .singleElement().satisfies(p -> {
                assertThat(p.field()).isEqualTo("ca-certificate");
                assertThat(p.message()).startsWith(MUST_BE + "the value holds a private key (-----BEGIN PRIVATE "
                    + "KEY-----)").doesNotContain("MC4CAQAw");
            });
        assertThat(problems(new WebhookSinkConnector(), webhook("https://hooks.example.org/in", "my CA")))
            .containsExactly(new ConfigProblem("ca-certificate", MUST_BE + "the value holds no certificate in PEM "
                + "form: give the authority's certificate (-----BEGIN CERTIFICATE----- ... -----END "
                + "CERTIFICATE-----)"));
        assertThat(problems(new WebhookSinkConnector(), webhook("https://hooks.example.org/in",
            pem + "\n".repeat(70_000)))).containsExactly(new ConfigProblem("ca-certificate", MUST_BE + "the value has "
                + (pem.length() + 70_000) + " characters, more than the 65536 certificates in PEM form may have here"));
    }

    @Test
    void aCaCertificateForATargetWithoutTlsIsRefusedNamingTheKey() {
        assertThat(problems(new WebhookSinkConnector(), webhook("http://hooks.example.org/in", pem)))
            .containsExactly(new ConfigProblem("ca-certificate", "is set but url is not an https:// address: a "
                + "private authority's certificate is used only over TLS"));
        assertThat(problems(new MqttSinkConnector(), mqtt("tcp://mqtt.example.org:1883")))
            .containsExactly(new ConfigProblem("ca-certificate", "is set but broker is not an ssl:// address: a "
                + "private authority's certificate is used only over TLS"));
        assertThat(problems(new MqttSinkConnector(), mqtt("ssl://mqtt.example.org:8883"))).isEmpty();
    }

    @Test
    void aCaCertificateForATargetWithoutTlsIsCodedForTheGermanWords() {
        ConfigProblem webhook = problems(new WebhookSinkConnector(), webhook("http://hooks.example.org/in", pem)).get(0);
        ConfigProblem mqtt = problems(new MqttSinkConnector(), mqtt("tcp://mqtt.example.org:1883")).get(0);

        assertThat(webhook.code()).isEqualTo("ca-certificate-without-tls");
        assertThat(GermanWords.of(WebhookSinkConnector.NAME, webhook)).isEqualTo("Ist gesetzt, aber url ist keine "
            + "https://-Adresse: das Zertifikat einer privaten Stelle gilt nur über TLS.");
        assertThat(GermanWords.of(MqttSinkConnector.NAME, mqtt)).isEqualTo("Ist gesetzt, aber broker ist keine "
            + "ssl://-Adresse: das Zertifikat einer privaten Stelle gilt nur über TLS.");
    }

    @Test
    void aValueNoEndpointUriCarriesIsAProblemOfItsKeyCodedForTheGermanWords() {
        Map<String, Object> raw = new HashMap<>(webhook("https://hooks.example.org/in", pem));
        raw.put("subject-prefix", "{{env:HOME}}");

        List<ConfigProblem> found = problems(new WebhookSinkConnector(), raw);

        assertThat(found).extracting(ConfigProblem::field, ConfigProblem::code, ConfigProblem::message)
            .containsExactly(org.assertj.core.api.Assertions.tuple("subject-prefix", "uncarriable",
                "must not hold {{: Camel would read a property placeholder there"));
        assertThat(GermanWords.of(WebhookSinkConnector.NAME, found.get(0))).startsWith("Eine Endpunkt-URI kann diesen "
            + "Wert nicht tragen: er darf weder {{ enthalten (Camel läse dort einen Platzhalter) noch ) und } zugleich");
    }

    /**
     * A tab or another character no endpoint URI carries, even in {@code RAW(...)}, failed the sink's start with a
     * message quoting the URI whole, its secret included: in a certificate's notes it is left out of the URI (only the
     * blocks are read); in any other value it is refused at validate, naming the key and not the value.
     */
    @Test
    void aCharacterNoUriCarriesIsLeftOutOfACertificateAndRefusedElsewhere() throws Exception {
        String noted = "note:\ttab and a\u00a0no-break space\n" + pem.replace("\n", "\t\n");
        assertThat(problems(new WebhookSinkConnector(), webhook("https://hooks.example.org/in", noted))).isEmpty();
        String uri = SinkUri.of("webhook", "x").param("secret", SECRET).param("caCertificate", noted).uri();
        assertThat(org.apache.camel.util.URISupport.normalizeUri(uri)).contains("RAW(" + SECRET + ")");
        String carried = uri.substring(uri.indexOf("caCertificate=RAW(") + 18, uri.length() - 1);
        assertThat(de.datenhafen.api.PemCertificates.read(carried, "caCertificate"))
            .isEqualTo(de.datenhafen.api.PemCertificates.read(pem, "caCertificate"));

        // the webhook's secret has its own pattern; an MQTT password has none
        for (String wrong : new String[] {"pa\tss", "pass\n", "\u2028pass", "pa\u00a0ss", "pass\u0001"}) {
            Map<String, Object> raw = new HashMap<>(mqtt("ssl://mqtt.example.org:8883"));
            raw.put("password", wrong);
            assertThat(problems(new MqttSinkConnector(), raw)).as(wrong).containsExactly(new ConfigProblem("password",
                "holds a character an endpoint URI cannot carry: a line break, a tab, another control character or a "
                    + "space other than the plain one"));
        }
        Map<String, Object> plain = new HashMap<>(mqtt("ssl://mqtt.example.org:8883"));
        plain.put("password", "pass word");
        assertThat(problems(new MqttSinkConnector(), plain)).isEmpty();
    }
}
