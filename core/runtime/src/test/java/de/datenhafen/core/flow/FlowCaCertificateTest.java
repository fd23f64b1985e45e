package de.datenhafen.core.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.core.sink.MqttOutComponent;
import de.datenhafen.core.sink.SinkAddressPolicy;
import de.datenhafen.core.sink.TestAuthorities;
import de.datenhafen.core.sink.WebhookComponent;
import java.nio.file.Path;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flow's {@code webhook} step with {@code caCertificate}: the PEM of a private authority, written as a YAML block,
 * reaches the {@code webhook:} component through its Camel URI intact; one that is not certificates in PEM form, or
 * given with an http URL, is the flow's 422 naming the step's field, and never repeated.
 */
class FlowCaCertificateTest {

    @TempDir
    static Path dir;
    private static String pem;

    @BeforeAll
    static void anAuthority() throws Exception {
        // keytool ends its lines with CR LF; a YAML document's lines end with LF
        pem = TestAuthorities.authority(dir, "flow-authority").replace("\r\n", "\n");
    }

    /** A flow whose webhook step has {@code caCertificate} as a YAML block (its key on line 9). */
    private static String flow(String url, String caCertificate) {
        return """
            name: f
            from:
              bus: air.alert.raised
            steps:
              - webhook:
                  name: alerts
                  url: %s
                  secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
                  caCertificate: |
            %s""".formatted(url, caCertificate.indent(8));
    }

    @Test
    void aCaCertificateReachesTheWebhookComponentThroughItsUriWithItsBase64Intact() throws Exception {
        Flow.Sink sink = FlowParser.parse(flow("https://hooks.example.org/in", pem)).sinks().get(0);
        String uri = FlowCompiler.sinkUri(sink);

        assertThat(sink.options()).containsEntry(FlowParser.CA_CERTIFICATE, pem);
        // without its line breaks, which Camel would drop even inside RAW(...); URL-encoded, a + would be a space
        assertThat(uri).contains("&caCertificate=RAW(" + pem.replace("\n", "") + ")");
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addComponent("webhook", new WebhookComponent(() -> "hub.example.org", null, null,
                SinkAddressPolicy.publicOnly()));
            camel.start();
            assertThat(camel.getEndpoint(uri)).isNotNull();
            String damaged = uri.replaceFirst("caCertificate=RAW\\((-----BEGIN CERTIFICATE-----)(.)",
                "caCertificate=RAW($1!");
            assertThatThrownBy(() -> camel.getEndpoint(damaged)).isInstanceOf(ResolveEndpointFailedException.class)
                .rootCause().hasMessage("certificate 1 in caCertificate is not base64 between its BEGIN and END lines");
        }
    }

    /**
     * A tab in the certificate's notes or lines (no endpoint URI carries one, even in {@code RAW(...)}) made the flow's
     * start fail with Camel quoting the URI whole, the step's secret included: it is left out of the URI now.
     */
    @Test
    void aTabInTheCertificateIsLeftOutOfTheUriSoTheWebhookStarts() throws Exception {
        String tabbed = "note:\tfrom the city's IT\n" + pem.replace("\n", "\t\n");
        Flow.Sink sink = FlowParser.parse(flow("https://hooks.example.org/in", tabbed)).sinks().get(0);
        String uri = FlowCompiler.sinkUri(sink);

        assertThat(uri).doesNotContain("\t");
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addComponent("webhook", new WebhookComponent(() -> "hub.example.org", null, null,
                SinkAddressPolicy.publicOnly()));
            camel.start();
            assertThat(camel.getEndpoint(uri)).isNotNull();
        }
    }

    @Test
    void aPrivateKeyIsRefusedNamingTheStepsFieldWithoutRepeatingIt() {
        FlowRefusedException e = FlowRefusalsTest.refusal(flow("https://hooks.example.org/in", pem
            + "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIHNvbWUtdGVzdC10ZXh0\n-----END EC PRIVATE KEY-----\n"));

        assertThat(e.field()).isEqualTo("steps[0].caCertificate");
        assertThat(e.line()).isEqualTo(9);
        assertThat(e.getMessage()).isEqualTo("line 9, block 'webhook': caCertificate holds a private key "
            + "(-----BEGIN EC PRIVATE KEY-----): the hub needs only the authority's certificate to check the other "
            + "side, never a key; remove the key (and replace it, if it was shared)");
    }

    @Test
    void textWithoutACertificateIsRefusedNamingTheStepsField() {
        FlowRefusedException e = FlowRefusalsTest.refusal(flow("https://hooks.example.org/in", "our own CA"));

        assertThat(e.field()).isEqualTo("steps[0].caCertificate");
        assertThat(e.getMessage()).endsWith("caCertificate holds no certificate in PEM form: give the authority's "
            + "certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)");
    }

    @Test
    void aCaCertificateWithAnHttpUrlIsRefusedNamingTheStepsField() {
        FlowRefusedException e = FlowRefusalsTest.refusal(flow("http://hooks.example.org/in", pem));

        assertThat(e.field()).isEqualTo("steps[0].caCertificate");
        assertThat(e.getMessage()).isEqualTo("line 9, block 'webhook': caCertificate is set but url is not an "
            + "https:// address: a private authority's certificate is used only over TLS");
    }

    /** A flow whose mqtt-out step has {@code caCertificate} as a YAML block (its key on line 9). */
    private static String mqttFlow(String broker, String caCertificate) {
        return """
            name: f
            from:
              bus: air.alert.raised
            steps:
              - mqtt-out:
                  name: alerts
                  broker: %s
                  topic: city/{type}
                  caCertificate: |
            %s""".formatted(broker, caCertificate.indent(8));
    }

    @Test
    void anMqttOutStepTakesACaCertificateToItsSinkAndRefusesItWithoutTls() throws Exception {
        Flow.Sink sink = FlowParser.parse(mqttFlow("ssl://broker.example.org:8883", pem)).sinks().get(0);
        String uri = FlowCompiler.sinkUri(sink);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addComponent("mqtt-out", new MqttOutComponent(SinkAddressPolicy.publicOnly()));
            camel.start();
            assertThat(camel.getEndpoint(uri)).isNotNull(); // the sink read the certificate under the flow's name
            assertThatThrownBy(() -> camel.getEndpoint(uri.replace("caCertificate=RAW(-----BEGIN CERTIFICATE-----",
                "caCertificate=RAW(-----BEGIN CERTIFICATE-----!"))).isInstanceOf(ResolveEndpointFailedException.class)
                .rootCause().hasMessage("certificate 1 in caCertificate is not base64 between its BEGIN and END lines");
        }

        FlowRefusedException e = FlowRefusalsTest.refusal(mqttFlow("tcp://broker.example.org:1883", pem));
        assertThat(e.field()).isEqualTo("steps[0].caCertificate");
        assertThat(e.getMessage()).isEqualTo("line 9, block 'mqtt-out': caCertificate is set but broker is not an "
            + "ssl:// address: a private authority's certificate is used only over TLS");
    }

    /** The step took mqtt:// and mqtts:// brokers and one without its port, which the sink refused at the flow's start. */
    @Test
    void anMqttOutStepTakesTheBrokersItsSinkTakesAndNoOthers() {
        for (String broker : new String[] {"mqtts://broker.example.org:8883", "mqtt://broker.example.org:1883",
            "tcp://broker.example.org"}) {
            FlowRefusedException e = FlowRefusalsTest.refusal("""
                name: f
                from:
                  bus: air.alert.raised
                steps:
                  - mqtt-out: {name: alerts, broker: '%s', topic: city}
                """.formatted(broker));
            assertThat(e.field()).isEqualTo("steps[0].broker");
            assertThat(e.getMessage()).endsWith("broker must be tcp://host:port or ssl://host:port, was '" + broker
                + "'");
        }
        assertThat(FlowParser.parse("""
            name: f
            from:
              bus: air.alert.raised
            steps:
              - mqtt-out: {name: alerts, broker: 'ssl://broker.example.org:8883', topic: city}
            """).sinks()).hasSize(1);
    }
}
