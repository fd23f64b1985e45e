package ${package};

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.RecordedEvent;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The plugin from its packaged archive in a real hub (random port, temporary data folder), over real HTTP. */
class ReadingsIT {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest().build();

    @BeforeAll
    static void anIntegrationWithTheDefaultConfig() {
        HubClient.Response created = hub.client().post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "readings").put("connector", "${pluginId}-readings").put("config", new JsonObject()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    @Test
    void aPostedReadingIsOnTheBusWithTheMeterAsSubject(HubClient client) {
        HubClient.Response r = client.post("/api/v1/plugins/${pluginId}/readings?meter=hall-1", "text/plain", "42");

        assertThat(r.status()).as(r.body()).isEqualTo(202);
        RecordedEvent e = hub.awaitEvents(ReadingsConnector.EVENT_TYPE, 1).stream()
            .filter(s -> s.sequence() == r.json().getLong("sequence")).findFirst().orElseThrow();
        assertThat(e.subject()).isEqualTo("hall-1");
        assertThat(e.member()).isEqualTo("${pluginProvider}");
        assertThat(e.json()).isEqualTo(new JsonObject().put("meter", "hall-1").put("value", 42));
    }

    @Test
    void aReadingThatIsNotANumberIsRefusedAndNothingIsStored(HubClient client) {
        int before = hub.events(ReadingsConnector.EVENT_TYPE).size();

        HubClient.Response r = client.post("/api/v1/plugins/${pluginId}/readings?meter=hall-1", "text/plain",
            "forty-two");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("error")).isEqualTo("the body must be a whole number as plain text, e.g. -d 42");
        assertThat(r.json().getString("field")).isEqualTo("body");
        assertThat(hub.events(ReadingsConnector.EVENT_TYPE)).hasSize(before);
    }

    @Test
    void aReadingWithoutATokenIsRefusedAndNothingIsStored(HubClient client) {
        int before = hub.events(ReadingsConnector.EVENT_TYPE).size();

        HubClient.Response r = client.anonymous().post("/api/v1/plugins/${pluginId}/readings?meter=hall-1",
            "text/plain", "42");

        assertThat(r.status()).isEqualTo(401);
        assertThat(hub.events(ReadingsConnector.EVENT_TYPE)).hasSize(before);
    }

    /** A German admin reads the connector in German (datenhafen/texts_de.properties), other clients in English. */
    @Test
    void theConnectorIsDescribedInTheLanguageAskedFor(HubClient client) {
        JsonObject german = connector(client.get("/api/v1/admin/connectors",
            java.util.Map.of("Accept-Language", "de")));
        JsonObject english = connector(client.get("/api/v1/admin/connectors"));

        assertThat(german.getString("description")).startsWith("Nimmt Zählerstände als Text an");
        assertThat(german.getJsonObject("configSchema").getJsonObject("properties").getJsonObject("max-value")
            .getString("description")).isEqualTo("Der größte Wert, den ein Zählerstand haben darf");
        assertThat(english.getString("description")).startsWith("Takes meter readings");
    }

    private static JsonObject connector(HubClient.Response list) {
        return list.jsonArray().stream().map(JsonObject.class::cast)
            .filter(c -> c.getString("name").equals("${pluginId}-readings")).findFirst().orElseThrow();
    }
}
