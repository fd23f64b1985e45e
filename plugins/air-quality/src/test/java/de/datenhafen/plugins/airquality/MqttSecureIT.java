package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.Mosquitto;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.RecordedEvent;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code airquality-mqtt} against a broker as network servers run them in production: TLS only, no anonymous access,
 * a user with a password. The broker's certificate comes from a CA made for the test, which the integration trusts
 * through its {@code ca-certificate}.
 */
class MqttSecureIT {

    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final String USER = "datenhafen";
    private static final String PASSWORD = "broker-password-" + UUID.randomUUID();
    private static final String TOPIC = "v3/schools@ttn/devices/+/up";
    private static final String DEVICE = "70B3D57ED00000A1";

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest().build();

    static Mosquitto broker;

    @BeforeAll
    static void securedBrokerAndRegistry() throws Exception {
        broker = Mosquitto.startSecured(USER, PASSWORD);
        HubClient client = hub.client();
        AirQualityIT.create(client, "aq-registry", "airquality-registry", new JsonObject());
        // the hub's bootstrap admin token: a hub-admin may change any member's registry
        HubClient.Response imported = client.post("/api/v1/plugins/air-quality/registry/import", "text/csv", """
                site,site_name,address,latitude,longitude,room,room_name,kind,device,since
                gs-west,Grundschule West,Westweg 2,53.86,10.65,2.04,Klasse 2d,classroom,%s,2026-01-01T00:00:00Z
                """.formatted(DEVICE));
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.stop();
        }
    }

    private static JsonObject config() throws Exception {
        return new JsonObject().put("broker", broker.uri()).put("topic", TOPIC).put("username", USER)
            .put("password", PASSWORD).put("ca-certificate", broker.caCertificate());
    }

    private static HubClient.Response create(HubClient client, String name, JsonObject config) {
        return client.post("/api/v1/admin/integrations", new JsonObject().put("name", name)
            .put("connector", "airquality-mqtt").put("config", config));
    }

    private static String lastError(HubClient.Response r) {
        return r.json().getJsonObject("lastError").getString("message");
    }

    @Test
    void readingsArriveOverTlsWithTheBrokersCredentials(HubClient client) throws Exception {
        HubClient.Response created = create(client, "aq-secure", config());
        try {
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(created.json().getString("state")).as(created.body()).isEqualTo("running");
            // the password is a secret: not echoed
            assertThat(created.body()).doesNotContain(PASSWORD);
            Instant t = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(30));

            MqttConnectOptions options = new MqttConnectOptions();
            options.setUserName(USER);
            options.setPassword(PASSWORD.toCharArray());
            options.setSocketFactory(MqttTls.trusting(broker.caCertificate(), broker.uri()));
            MqttClient publisher = new MqttClient(broker.uri(), "test-publisher-" + UUID.randomUUID(),
                new MemoryPersistence());
            try {
                publisher.connect(options);
                MqttMessage message = new MqttMessage(AirQualityIT.tts(DEVICE, t, 1430)
                    .getBytes(StandardCharsets.UTF_8));
                message.setQos(1);
                publisher.publish("v3/schools@ttn/devices/eui-" + DEVICE.toLowerCase() + "/up", message);
                publisher.disconnect();
            } finally {
                publisher.close();
            }

            String id = DEVICE + "@" + t;
            await().atMost(BOUND).until(() -> readings().stream().anyMatch(e -> id.equals(e.id())));
            RecordedEvent reading = readings().stream().filter(e -> id.equals(e.id())).findFirst()
                .orElseThrow();
            assertThat(reading.subject()).isEqualTo("gs-west/2.04");
            assertThat(AirQualityIT.data(reading).getDouble("co2")).isEqualTo(1430.0);
        } finally {
            client.delete("/api/v1/admin/integrations/aq-secure");
        }
    }

    @Test
    void aWrongPasswordFailsTheIntegrationNamingTheBrokerWithoutShowingThePassword(HubClient client)
        throws Exception {
        HubClient.Response r = create(client, "aq-wrong-password", config().put("password", "not-the-password"));
        try {
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            assertThat(r.json().getString("state")).as(r.body()).isEqualTo("failed");
            assertThat(lastError(r)).contains("cannot connect to the broker " + broker.uri())
                .containsIgnoringCase("not authorized");
            assertThat(r.body()).doesNotContain("not-the-password");
        } finally {
            client.delete("/api/v1/admin/integrations/aq-wrong-password");
        }
    }

    @Test
    void aBrokerCertificateOfAnUntrustedCaIsRefused(HubClient client) throws Exception {
        // without ca-certificate only the JVM's trust store counts, and it does not know the test's CA
        JsonObject config = config();
        config.remove("ca-certificate");
        HubClient.Response r = create(client, "aq-untrusted", config);
        try {
            assertThat(r.json().getString("state")).as(r.body()).isEqualTo("failed");
            assertThat(lastError(r)).contains("cannot connect to the broker " + broker.uri())
                .containsIgnoringCase("certification path");
        } finally {
            client.delete("/api/v1/admin/integrations/aq-untrusted");
        }
    }

    @Test
    void aCaCertificateThatIsNotPemIsRefusedNamingTheSetting(HubClient client) throws Exception {
        HubClient.Response r = create(client, "aq-bad-ca", config().put("ca-certificate", "-----BEGIN nonsense"));

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("config.ca-certificate");
        // the sinks' words: one reader of certificates in PEM form (PemCertificates) for the hub and its plugins
        assertThat(r.json().getString("error")).contains("must be X.509 certificates in PEM form")
            .contains("the value holds no certificate in PEM form").doesNotContain("nonsense");
        assertThat(client.get("/api/v1/admin/integrations/aq-bad-ca").status()).isEqualTo(404);
    }

    @Test
    void aCaCertificateForAPlainTcpBrokerIsRefused(HubClient client) throws Exception {
        HubClient.Response r = create(client, "aq-tcp-ca",
            config().put("broker", "tcp://127.0.0.1:" + broker.port()));

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("config.ca-certificate");
        assertThat(r.json().getString("error")).contains("ca-certificate is set but the broker tcp://127.0.0.1:"
            + broker.port() + " is not a TLS address");
    }

    private static List<RecordedEvent> readings() {
        return hub.events(Ingest.READING);
    }
}
