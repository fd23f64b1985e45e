package de.datenhafen.plugins.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.Mosquitto;
import de.datenhafen.testkit.NewBusEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code mqtt-sink} connector in a real hub against Debian's mosquitto, started as the air-quality tests start
 * it: plain TCP, and TLS with a test CA and a user with a password. A test subscriber reads what arrives.
 */
class MqttSinkIT {

    private static final String USER = "hub-out";
    private static final String PASSWORD = "broker-password-" + UUID.randomUUID();
    private static final Duration BOUND = Duration.ofSeconds(30);

    @RegisterExtension
    // the brokers are on 127.0.0.1, the TLS one named localhost: sinks reach public addresses only unless the hub's operator lists more
    static final HubExtension hub = HubExtension.builder().pluginUnderTest()
        .config("sinks.allowed-private-hosts", "127.0.0.1,localhost").build();

    static Mosquitto plain;
    static Mosquitto secured;

    @BeforeAll
    static void startBrokers() throws Exception {
        plain = Mosquitto.start();
        secured = Mosquitto.startSecured(USER, PASSWORD);
    }

    @AfterAll
    static void stopBrokers() {
        if (plain != null) {
            plain.stop();
        }
        if (secured != null) {
            secured.stop();
        }
    }

    @Test
    void publishesEachEventAsACloudEventRetainedWithQos1OnItsTopicFromTheTemplate(HubClient client) throws Exception {
        create(client, "offers-out", new JsonObject().put("types", new JsonArray().add("social.offer"))
            .put("broker", plain.uri()).put("topic", "city/{type}/{subject}").put("qos", 1).put("retained", true));

        hub.publish("tests", List.of(NewBusEvent.json("social.offer", "org-7/offer+1", "{\"v\":1}"),
            NewBusEvent.json("social.offer", "org-7/offer+1", "{\"v\":2}"),
            NewBusEvent.json("social.offer", "org-9#x", "{\"v\":3}")));
        await().atMost(BOUND).until(() -> client.get("/api/v1/admin/integrations/offers-out").json()
            .getJsonObject("messages").getLong("in") >= 3);

        // subscribed only now: what it gets is what the broker retained, the last message of each topic
        Map<String, MqttMessage> got = subscribe(plain, new MqttConnectOptions(), "city/#", 2);
        assertThat(got).containsOnlyKeys("city/social.offer/org-7/offer_1", "city/social.offer/org-9_x");
        MqttMessage last = got.get("city/social.offer/org-7/offer_1");
        assertThat(last.isRetained()).isTrue();
        assertThat(last.getQos()).isEqualTo(1);
        JsonObject ce = new JsonObject(new String(last.getPayload(), StandardCharsets.UTF_8));
        assertThat(ce.getString("specversion")).isEqualTo("1.0");
        assertThat(ce.getString("type")).isEqualTo("social.offer");
        assertThat(ce.getString("subject")).isEqualTo("org-7/offer+1");
        assertThat(ce.getJsonObject("data")).isEqualTo(new JsonObject().put("v", 2));
    }

    @Test
    void publishesOverTlsWithTheBrokersCredentialsAndNeverShowsThePassword(HubClient client) throws Exception {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(USER);
        options.setPassword(PASSWORD.toCharArray());
        options.setSocketFactory(secured.clientSocketFactory());
        create(client, "alerts-out", new JsonObject().put("types", new JsonArray().add("air.alert"))
            .put("broker", secured.uri()).put("topic", "alerts/{subject}").put("username", USER)
            .put("password", PASSWORD).put("ca-certificate", secured.caCertificate()).put("retained", true));

        hub.publish("tests", List.of(NewBusEvent.json("air.alert", "school-3", "{\"co2\":2100}")));

        await().atMost(BOUND).until(() -> client.get("/api/v1/admin/integrations/alerts-out").json()
            .getJsonObject("messages").getLong("in") >= 1);
        Map<String, MqttMessage> got = subscribe(secured, options, "alerts/#", 1);
        assertThat(new JsonObject(new String(got.get("alerts/school-3").getPayload(), StandardCharsets.UTF_8))
            .getJsonObject("data")).isEqualTo(new JsonObject().put("co2", 2100));
        HubClient.Response shown = client.get("/api/v1/admin/integrations/alerts-out");
        assertThat(shown.body()).doesNotContain(PASSWORD);
        assertThat(shown.json().getJsonObject("config").getString("password")).isEqualTo("********");
    }

    @Test
    void aWrongPasswordFailsTheDeliveryWithTheBrokersAnswerAndTheEventWaitsInTheDeadLetters(HubClient client)
        throws Exception {
        create(client, "refused-out", new JsonObject().put("types", new JsonArray().add("air.refused"))
            .put("broker", secured.uri()).put("topic", "refused/{subject}").put("username", USER)
            .put("password", "not-the-password").put("ca-certificate", secured.caCertificate()));

        hub.publish("tests", List.of(NewBusEvent.json("air.refused", "school-4", "{}")));

        await().atMost(BOUND).until(() -> WebhookSinkIT.deadLetters(client, "mqtt-sink-refused-out").size() == 1);
        String error = WebhookSinkIT.deadLetters(client, "mqtt-sink-refused-out").getJsonObject(0).getString("error");
        assertThat(error).startsWith("MQTT broker " + secured.uri() + " did not take event #")
            .contains("Not authorized to connect").doesNotContain("not-the-password");
    }

    @Test
    void aBrokerAtANonPublicAddressIsRefusedNamingTheKey(HubClient client) {
        for (String broker : List.of("tcp://10.0.0.5:1883", "ssl://169.254.169.254:8883", "tcp://[::1]:1883")) {
            HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "private-out")
                .put("connector", "mqtt-sink").put("config", new JsonObject().put("types", new JsonArray().add("x.y"))
                    .put("broker", broker).put("topic", "t/{subject}")));
            assertThat(r.status()).as(broker + ": " + r.body()).isEqualTo(400);
            assertThat(r.json().getString("field")).isEqualTo("config.broker");
            assertThat(r.body()).contains("is not a public address").contains("sinks.allowed-private-hosts");
        }
    }

    /**
     * Camel put the hub's environment where a config value held a property placeholder, inside RAW(...) too: a
     * member-admin's topic {@code out/{{env:DATENHAFEN_ADMIN_TOKEN}}} published every event under the hub-admin's
     * token, at a broker of the member-admin's choosing, and a user name sent it with the connection. Refused at
     * {@code /validate} and create naming the key, nothing kept.
     */
    @Test
    void aPlaceholderInATopicOrUserNameIsRefusedNamingTheKey(HubClient client) {
        for (String key : List.of("topic", "username")) {
            JsonObject config = new JsonObject().put("types", new JsonArray().add("x.y"))
                .put("broker", plain.uri()).put("topic", "out/{subject}").put(key, "out/{{sys:java.home}}");
            JsonObject request = new JsonObject().put("name", "exfil").put("connector", "mqtt-sink")
                .put("config", config);

            HubClient.Response check = client.post("/api/v1/admin/integrations/validate", request);
            HubClient.Response r = client.post("/api/v1/admin/integrations", request);

            assertThat(check.body()).as(key).contains("config." + key)
                .contains("must not hold {{: Camel would read a property placeholder there");
            assertThat(r.status()).as(key + ": " + r.body()).isEqualTo(400);
            assertThat(r.json().getString("field")).isEqualTo("config." + key);
            assertThat(r.body()).doesNotContain(System.getProperty("java.home"));
            assertThat(client.get("/api/v1/admin/integrations/exfil").status()).as("nothing kept").isEqualTo(404);
        }
    }

    private static void create(HubClient client, String name, JsonObject config) {
        HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", name)
            .put("connector", "mqtt-sink").put("config", config));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().getString("state")).as(r.body()).isEqualTo("running");
    }

    /** Subscribes with QoS 1 and returns the messages of the first {@code topics} topics, last one of each. */
    private static Map<String, MqttMessage> subscribe(Mosquitto broker, MqttConnectOptions options, String filter,
                                                      int topics) throws Exception {
        Map<String, MqttMessage> got = new ConcurrentHashMap<>();
        MqttClient subscriber = new MqttClient(broker.uri(), "test-subscriber-" + UUID.randomUUID(),
            new MemoryPersistence());
        try {
            subscriber.connect(options);
            subscriber.subscribe(filter, 1, (topic, message) -> got.put(topic, message));
            await().atMost(BOUND).until(() -> got.size() >= topics);
            subscriber.disconnect();
        } finally {
            subscriber.close();
        }
        return got;
    }
}
