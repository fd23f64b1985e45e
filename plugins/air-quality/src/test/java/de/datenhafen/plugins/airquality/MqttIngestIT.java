package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.Mosquitto;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.RecordedEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code airquality-mqtt} against a real broker: the test starts Debian's mosquitto on a free port of 127.0.0.1,
 * the packaged plugin runs in a real hub, and a Paho client publishes uplinks the way The Things Stack and
 * ChirpStack do. Without mosquitto the test fails (install it: {@code apt-get install mosquitto}); it never skips.
 */
class MqttIngestIT {

    private static final Duration BOUND = Duration.ofSeconds(20);

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest()
        .config("bus.retry.attempts", 2)
        .config("bus.retry.backoff", "50ms")
        .config("bus.retry.max-backoff", "200ms")
        .build();

    static final String ROOT = "/api/v1/plugins/air-quality/";
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    static final String TTS_TOPIC = "v3/schools@ttn/devices/+/up";
    static final String CHIRPSTACK_TOPIC = "application/+/device/+/event/up";
    static final String CHIRPSTACK_APP = UUID.randomUUID().toString();

    static final String CSV = """
        site,site_name,address,latitude,longitude,room,room_name,kind,device,since
        gs-nord,Grundschule Nord,"Nordweg 1, 23552 Luebeck",53.87,10.68,1.01,Klasse 1a,classroom,70B3D57ED0000001,2026-01-01T00:00:00Z
        gs-nord,,,,,lz,Lehrerzimmer,staff room,70B3D57ED0000002,2026-01-01T00:00:00Z
        gym-sued,Gymnasium Sued,Suedring 5,53.84,10.69,a.12,Raum A12,classroom,0101010101010101,2026-01-01T00:00:00Z
        """;

    static Mosquitto broker;

    @BeforeAll
    static void brokerAndIntegrations() throws Exception {
        broker = Mosquitto.start();
        HubClient client = hub.client();
        AirQualityIT.create(client, "aq-registry", "airquality-registry", new JsonObject());
        // the hub's bootstrap admin token: a hub-admin may change any member's registry
        HubClient.Response imported = client.post(ROOT + "registry/import", "text/csv", CSV);
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        mqtt(client, "aq-ttn", TTS_TOPIC);
        mqtt(client, "aq-chirpstack", CHIRPSTACK_TOPIC);
    }

    /** Creates an airquality-mqtt integration; it is running (connected and subscribed) once created. */
    static void mqtt(HubClient client, String name, String topic) {
        HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", name)
            .put("connector", "airquality-mqtt")
            .put("config", new JsonObject().put("broker", broker.uri()).put("topic", topic)));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().getString("state")).as(r.body()).isEqualTo("running");
    }

    @AfterAll
    static void stopBroker() {
        if (broker == null) {
            return;
        }
        // the integrations first, so that their clients do not keep reconnecting to a stopped broker
        for (String name : List.of("aq-ttn", "aq-chirpstack")) {
            hub.client().delete("/api/v1/admin/integrations/" + name);
        }
        broker.stop();
    }

    static void publish(String topic, String payload) throws MqttException {
        MqttClient publisher = new MqttClient(broker.uri(), "test-publisher-" + UUID.randomUUID(),
            new MemoryPersistence());
        try {
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            publisher.connect(options);
            MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
            message.setQos(1);
            publisher.publish(topic, message);
            publisher.disconnect();
        } finally {
            publisher.close();
        }
    }

    static String ttsTopic(String eui) {
        return "v3/schools@ttn/devices/eui-" + eui.toLowerCase() + "/up";
    }

    static String chirpstackTopic(String eui) {
        return "application/" + CHIRPSTACK_APP + "/device/" + eui.toLowerCase() + "/event/up";
    }

    static List<RecordedEvent> events(String type) {
        return hub.events(type);
    }

    /** This hub's air.reading events of one device at one time (its id), each with the room as subject. */
    static List<RecordedEvent> readings(String eui, Instant time) {
        String id = eui + "@" + time;
        return events(Ingest.READING).stream().filter(e -> id.equals(e.id())).toList();
    }

    static JsonArray deadLetters(HubClient client, String subscription) {
        HubClient.Response r = client.get("/api/v1/admin/dead-letters?subscription=" + subscription);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().getJsonArray("deadLetters");
    }

    static Optional<JsonObject> deadLetterOf(HubClient client, String subscription, String topic) {
        return deadLetters(client, subscription).stream().map(JsonObject.class::cast)
            .filter(d -> topic.equals(d.getJsonObject("event").getString("subject"))).findFirst();
    }

    @Test
    void theThingsStackUplinkOverMqttBecomesAnAirReadingOfItsRoom() throws Exception {
        Instant t = NOW.minus(Duration.ofHours(3));
        String topic = ttsTopic("70B3D57ED0000001");

        publish(topic, AirQualityIT.tts("70B3D57ED0000001", t, 812));

        await().atMost(BOUND).until(() -> readings("70B3D57ED0000001", t).size() == 1);
        RecordedEvent e = readings("70B3D57ED0000001", t).get(0);
        assertThat(e.subject()).isEqualTo("gs-nord/1.01");
        assertThat(e.time()).isEqualTo(t);
        assertThat(e.member()).isEqualTo("Luftblick Sensorik GmbH");
        assertThat(AirQualityIT.data(e)).isEqualTo(new JsonObject().put("site", "gs-nord").put("room", "1.01")
            .put("device", "70B3D57ED0000001").put("time", t.toString()).put("co2", 812.0)
            .put("temperature", 22.5).put("humidity", 48.0).put("pressure", 1012.5));
        // the message as it came is on the bus too, under its topic, from the integration that received it
        assertThat(events(MqttIngestConnector.UPLINK)).filteredOn(u -> topic.equals(u.subject()))
            .singleElement().satisfies(u -> assertThat(u.source())
                .isEqualTo(MqttIngestConnector.source("aq-ttn")));
    }

    @Test
    void chirpStackEventOverMqttBecomesAnAirReadingOfItsRoom() throws Exception {
        Instant t = NOW.minus(Duration.ofHours(2));

        publish(chirpstackTopic("0101010101010101"), UplinkParserTest.chirpstack("0101010101010101", t.toString(),
            "{\"co2\":700,\"temperature\":21,\"humidity\":45}"));

        await().atMost(BOUND).until(() -> readings("0101010101010101", t).size() == 1);
        RecordedEvent e = readings("0101010101010101", t).get(0);
        assertThat(e.subject()).isEqualTo("gym-sued/a.12");
        JsonObject data = AirQualityIT.data(e);
        assertThat(data).isEqualTo(new JsonObject().put("site", "gym-sued").put("room", "a.12")
            .put("device", "0101010101010101").put("time", t.toString()).put("co2", 700.0)
            .put("temperature", 21.0).put("humidity", 45.0));
    }

    @Test
    void anUplinkPublishedTwiceIsStoredOnce() throws Exception {
        Instant t = NOW.minus(Duration.ofHours(6));
        String topic = ttsTopic("70B3D57ED0000002");
        String uplink = AirQualityIT.tts("70B3D57ED0000002", t, 640);

        publish(topic, uplink);
        publish(topic, uplink);

        await().atMost(BOUND).until(() -> events(MqttIngestConnector.UPLINK).stream()
            .filter(u -> topic.equals(u.subject())).count() == 2);
        await().atMost(BOUND).until(() -> readings("70B3D57ED0000002", t).size() == 1);
        assertThat(readings("70B3D57ED0000002", t).get(0).subject()).isEqualTo("gs-nord/lz");
        await().during(Duration.ofMillis(500)).atMost(BOUND)
            .until(() -> readings("70B3D57ED0000002", t).size() == 1);
    }

    @Test
    void uplinksPublishedWhileTheIntegrationIsPausedArriveAfterItResumes(HubClient client) throws Exception {
        Instant t = NOW.minus(Duration.ofHours(7));
        HubClient.Response paused = client.post("/api/v1/admin/integrations/aq-chirpstack/pause");
        assertThat(paused.status()).as(paused.body()).isEqualTo(200);
        try {
            publish(chirpstackTopic("0101010101010101"), UplinkParserTest.chirpstack("0101010101010101",
                t.toString(), "{\"co2\":900,\"temperature\":22,\"humidity\":50}"));
            // a paused integration is disconnected: it neither takes the message nor decodes it
            await().during(Duration.ofSeconds(1)).atMost(BOUND).until(() -> readings("0101010101010101", t).isEmpty()
                && events(MqttIngestConnector.UPLINK).stream().noneMatch(u -> AirQualityIT.data(u).encode()
                    .contains(t.toString())));
        } finally {
            HubClient.Response resumed = client.post("/api/v1/admin/integrations/aq-chirpstack/resume");
            assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
        }

        // the broker kept the QoS 1 message for the integration's persistent session
        await().atMost(BOUND).until(() -> readings("0101010101010101", t).size() == 1);
        assertThat(readings("0101010101010101", t).get(0).subject()).isEqualTo("gym-sued/a.12");
    }

    @Test
    void anUnreachableBrokerFailsTheIntegrationNamingTheBroker(HubClient client) throws IOException {
        int closed;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = free.getLocalPort();
        }
        String nowhere = "tcp://127.0.0.1:" + closed;
        HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "aq-nowhere")
            .put("connector", "airquality-mqtt")
            .put("config", new JsonObject().put("broker", nowhere).put("topic", TTS_TOPIC)));
        try {
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            assertThat(r.json().getString("state")).as(r.body()).isEqualTo("failed");
            assertThat(r.json().getJsonObject("lastError").getString("message")).as(r.body()).contains("cannot connect to the broker " + nowhere);
        } finally {
            client.delete("/api/v1/admin/integrations/aq-nowhere");
        }
    }

    @Test
    void anUnknownDeviceEndsInTheDeadLettersWithDeviceAndField(HubClient client) throws Exception {
        Instant t = NOW.minus(Duration.ofHours(4));
        String topic = ttsTopic("FFFFFFFFFFFFFFFF");

        publish(topic, AirQualityIT.tts("FFFFFFFFFFFFFFFF", t, 600));

        await().atMost(BOUND).until(() -> deadLetterOf(client, "aq-ttn-decode", topic).isPresent());
        JsonObject dead = deadLetterOf(client, "aq-ttn-decode", topic).orElseThrow();
        assertThat(dead.getString("error")).as(dead.encode())
            .isEqualTo("uplink refused (0 reading(s) of it stored): device FFFFFFFFFFFFFFFF, device is not installed in "
                + "any room at " + t + " (unknown device?)");
        assertThat(dead.getInteger("attempts")).isEqualTo(2);
        assertThat(events("air.reading")).noneMatch(e -> e.id().startsWith("FFFFFFFFFFFFFFFF@"));
    }

    @Test
    void anImpossibleCo2EndsInTheDeadLettersWithDeviceAndField(HubClient client) throws Exception {
        Instant t = NOW.minus(Duration.ofHours(5));
        String topic = chirpstackTopic("70B3D57ED0000002");

        publish(topic, UplinkParserTest.chirpstack("70B3D57ED0000002", t.toString(),
            "{\"co2\":50000,\"temperature\":21,\"humidity\":45}"));

        await().atMost(BOUND).until(() -> deadLetterOf(client, "aq-chirpstack-decode", topic).isPresent());
        JsonObject dead = deadLetterOf(client, "aq-chirpstack-decode", topic).orElseThrow();
        assertThat(dead.getString("error")).as(dead.encode())
            .isEqualTo("uplink refused (0 reading(s) of it stored): device 70B3D57ED0000002, co2 50000.0 is "
                + "impossible: it must be between 0 and 40000");
        assertThat(readings("70B3D57ED0000002", t)).isEmpty();
        // the other integration's decoder does not take this uplink: it is not from its source
        assertThat(deadLetterOf(client, "aq-ttn-decode", topic)).isEmpty();
    }

    @Test
    void aMessageTheBusRefusesIsCountedOnceAndTheNextUplinkStillArrives(HubClient client) throws Exception {
        // its own integration, so that no other test's failures change the count
        mqtt(client, "aq-poison", "v3/poison@ttn/devices/+/up");
        try {
            Instant t = NOW.minus(Duration.ofHours(8));
            String poison = "v3/poison@ttn/devices/" + "d".repeat(1100) + "/up";

            publish(poison, "{}");
            publish("v3/poison@ttn/devices/eui-70b3d57ed0000001/up", AirQualityIT.tts("70B3D57ED0000001", t, 777));

            await().atMost(BOUND).until(() -> readings("70B3D57ED0000001", t).size() == 1);
            JsonObject integration = integration(client, "aq-poison");
            assertThat(integration.getString("state")).isEqualTo("running");
            assertThat(integration.getJsonObject("messages").getLong("failed")).as(integration.encode()).isEqualTo(1);
            assertThat(integration.getJsonObject("lastError").getString("message")).as(integration.encode())
                .contains("subject has " + poison.length() + " characters; at most 1024 are stored");
            assertThat(events(MqttIngestConnector.UPLINK)).noneMatch(u -> poison.equals(u.subject()));

            // acknowledged: the broker does not send it again when the integration connects again
            HubClient.Response paused = client.post("/api/v1/admin/integrations/aq-poison/pause");
            assertThat(paused.status()).as(paused.body()).isEqualTo(200);
            HubClient.Response resumed = client.post("/api/v1/admin/integrations/aq-poison/resume");
            assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
            Instant later = NOW.minus(Duration.ofHours(9));
            publish("v3/poison@ttn/devices/eui-70b3d57ed0000001/up",
                AirQualityIT.tts("70B3D57ED0000001", later, 778));
            await().atMost(BOUND).until(() -> readings("70B3D57ED0000001", later).size() == 1);
            JsonObject after = integration(client, "aq-poison");
            assertThat(after.getJsonObject("messages").getLong("failed")).as(after.encode()).isEqualTo(1);
        } finally {
            client.delete("/api/v1/admin/integrations/aq-poison");
        }
    }

    @Test
    void aPayloadLargerThanAnEventMayCarryIsCountedOnceAndTheNextUplinkStillArrives(HubClient client)
            throws Exception {
        mqtt(client, "aq-large", "v3/large@ttn/devices/+/up");
        try {
            Instant t = NOW.minus(Duration.ofHours(10));
            String large = "{\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}";

            publish("v3/large@ttn/devices/eui-70b3d57ed0000001/up", large);
            publish("v3/large@ttn/devices/eui-70b3d57ed0000001/up", AirQualityIT.tts("70B3D57ED0000001", t, 779));

            await().atMost(BOUND).until(() -> readings("70B3D57ED0000001", t).size() == 1);
            JsonObject integration = integration(client, "aq-large");
            assertThat(integration.getJsonObject("messages").getLong("failed")).as(integration.encode()).isEqualTo(1);
            assertThat(integration.getJsonObject("lastError").getString("message")).as(integration.encode())
                .contains("data has " + large.length() + " bytes; an event carries at most 1048576 (1 MiB)");
        } finally {
            client.delete("/api/v1/admin/integrations/aq-large");
        }
    }

    static JsonObject integration(HubClient client, String name) {
        HubClient.Response r = client.get("/api/v1/admin/integrations/" + name);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }
}
