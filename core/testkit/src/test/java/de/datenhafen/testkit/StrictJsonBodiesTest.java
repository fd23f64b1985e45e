package de.datenhafen.testkit;

import static de.datenhafen.testkit.EventsApiTest.newType;
import static de.datenhafen.testkit.EventsApiTest.stored;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hub takes only JSON bodies that every reader reads alike (an attacker's probe, reproduced): ill-formed UTF-8
 * (overlong forms, encoded surrogates), an escaped half of a surrogate pair alone, or a name given twice is a 400
 * naming the field, on the events door and the admin API, and nothing is stored. Before, {@code /p} and three overlong
 * bytes were stored as {@code /p../}, a lone surrogate as {@code ?}, and of two names the last.
 */
class StrictJsonBodiesTest {

    private static final String STRUCTURED = "application/cloudevents+json";
    private static final String BATCH = "application/cloudevents-batch+json";

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().build();

    @BeforeAll
    static void aMember() {
        HubClient.Response r = hub.client().post("/api/v1/admin/members", new JsonObject().put("id", "hafenamt")
            .put("name", "Hafenamt").put("contact", "it@hafenamt.example"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    @Test
    void anEventWhoseSourceHidesDotDotInOverlongFormsIsRefusedNamingTheSource(HubClient client) {
        String type = newType();
        byte[] body = Bytes.of("{\"specversion\":\"1.0\",\"id\":\"probe-1\",\"type\":\"" + type + "\",\"source\":"
            + "\"/p<C0><AE><C0><AE><C0><AF>\"}");

        HubClient.Response r = client.post("/api/v1/events", STRUCTURED, body);

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("source");
        assertThat(r.json().getString("error")).startsWith("source is not well-formed UTF-8: C0 AE at byte ")
            .contains("an overlong form");
        assertThat(stored(client, type)).isZero();
    }

    @Test
    void dataWithAnOverlongSlashOrAnEncodedSurrogateIsRefusedNamingTheData(HubClient client) {
        String type = newType();
        for (String value : new String[] {"<C0><AF>", "<ED><A0><80>"}) {
            HubClient.Response r = client.post("/api/v1/events", STRUCTURED, Bytes.of(event("d-1", type)
                .replace("DATA", "{\"a\":\"" + value + "\"}")));

            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.json().getString("field")).isEqualTo("data");
        }
        assertThat(stored(client, type)).isZero();
    }

    @Test
    void dataWithALoneSurrogateEscapeIsRefusedNamingTheData(HubClient client) {
        String type = newType();

        HubClient.Response r = client.post("/api/v1/events", STRUCTURED, event("s-1", type)
            .replace("DATA", "{\"x\":\"a\\ud800\"}"));

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("data");
        assertThat(r.json().getString("error")).isEqualTo("data holds the escape \\ud800, an unpaired UTF-16 "
            + "surrogate; JSON text must be valid Unicode (a character beyond U+FFFF is escaped as a pair, such as "
            + "\\ud83d\\ude00)");
        assertThat(stored(client, type)).isZero();
    }

    @Test
    void anEventWithItsIdGivenTwiceIsRefusedNamingTheId(HubClient client) {
        String type = newType();

        HubClient.Response r = client.post("/api/v1/events", STRUCTURED, "{\"specversion\":\"1.0\",\"id\":\"dup1\","
            + "\"id\":\"dup2\",\"source\":\"/s\",\"type\":\"" + type + "\"}");

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("id");
        assertThat(r.json().getString("error")).isEqualTo("the name \"id\" is given twice in one object; each name "
            + "once (which of the two a reader keeps differs from reader to reader)");
        assertThat(stored(client, type)).isZero();
    }

    @Test
    void aBatchIsRefusedWholeNamingTheEventAndItsField(HubClient client) {
        String type = newType();
        String good = event("b-0", type).replace("DATA", "{\"co2\":612}");

        HubClient.Response twice = client.post("/api/v1/events", BATCH, "[" + good + ","
            + event("b-1", type).replace("DATA", "{\"co2\":612,\"co2\":9999}") + "]");
        HubClient.Response surrogate = client.post("/api/v1/events", BATCH, Bytes.of("[" + good + ","
            + event("b-2", type).replace("\"/s\"", "\"/s<ED><A0><80>\"").replace("DATA", "1") + "]"));

        assertThat(twice.status()).as(twice.toString()).isEqualTo(400);
        assertThat(twice.json().getString("field")).isEqualTo("[1].data");
        assertThat(surrogate.status()).as(surrogate.toString()).isEqualTo(400);
        assertThat(surrogate.json().getString("field")).isEqualTo("[1].source");
        assertThat(surrogate.json().getString("error")).contains("an encoded surrogate");
        assertThat(stored(client, type)).isZero();
    }

    @Test
    void binaryModeRefusesJsonDataWithANameTwiceAndOverlongPercentEncodedAttributes(HubClient client) {
        String type = newType();
        Map<String, String> headers = Map.of("ce-specversion", "1.0", "ce-id", "bin-1", "ce-source", "/s",
            "ce-type", type, "Content-Type", "application/json");
        Map<String, String> overlong = Map.of("ce-specversion", "1.0", "ce-id", "bin-2",
            "ce-source", "/p%C0%AE%C0%AE%C0%AF", "ce-type", type, "Content-Type", "application/json");

        HubClient.Response data = client.send("POST", "/api/v1/events", headers, Bytes.of("{\"a\":1,\"a\":2}"));
        HubClient.Response source = client.send("POST", "/api/v1/events", overlong, Bytes.of("{}"));

        assertThat(data.status()).as(data.toString()).isEqualTo(400);
        assertThat(data.json().getString("field")).isEqualTo("data");
        assertThat(source.status()).as(source.toString()).isEqualTo(400);
        assertThat(source.json().getString("field")).isEqualTo("ce-source");
        assertThat(source.json().getString("error")).startsWith("ce-source holds percent-encoded bytes that are not "
            + "well-formed UTF-8 (%C0%AE%C0%AE%C0%AF at position 2)");
        assertThat(stored(client, type)).isZero();
    }

    @Test
    void binaryModeRefusesAnAttributeHeaderWithRawBytesOutsideAscii(HubClient hubClient) {
        byte[] head = ("POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            + "Authorization: Bearer " + hubClient.adminToken() + "\r\nContent-Type: application/json\r\n"
            + "ce-specversion: 1.0\r\nce-id: raw-1\r\nce-type: t\r\nce-source: /p").getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(head);
        request.writeBytes(Bytes.of("<C3><A9>\r\nContent-Length: 2\r\n\r\n{}"));

        RawHttp.Answer r = RawHttp.send(hub.port(), request.toByteArray());

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getString("field")).isEqualTo("ce-source");
    }

    @Test
    void aMembersNameWithALoneSurrogateOrGivenTwiceIsRefusedAndTheNameKept(HubClient client) {
        Map<String, String> json = Map.of("Content-Type", "application/json");
        String member = "/api/v1/admin/members/hafenamt";

        HubClient.Response lone = client.send("PATCH", member, json, Bytes.of("{\"name\":\"Datenhafen \\ud83d\"}"));
        HubClient.Response twice = client.send("PATCH", member, json, Bytes.of("{\"name\":\"a\",\"name\":\"b\"}"));
        HubClient.Response encoded = client.send("PATCH", member, json, Bytes.of("{\"name\":\"x<ED><A0><80>\"}"));

        for (HubClient.Response r : new HubClient.Response[] {lone, twice, encoded}) {
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.json().getString("field")).isEqualTo("name");
        }
        assertThat(lone.json().getString("error")).startsWith("name holds the escape \\ud83d");
        assertThat(twice.json().getString("error")).startsWith("the name \"name\" is given twice in one object");
        assertThat(encoded.json().getString("error")).contains("an encoded surrogate");
        assertThat(client.get(member).json().getString("name")).isEqualTo("Hafenamt");
    }

    @Test
    void aTokenNameWithALoneSurrogateIsRefusedAndNoTokenMade(HubClient client) {
        String tokens = "/api/v1/admin/members/hafenamt/tokens";

        HubClient.Response r = client.send("POST", tokens, Map.of("Content-Type", "application/json"),
            Bytes.of("{\"name\":\"sensor \\udc00\",\"roles\":[\"viewer\"],\"purpose\":\"test\"}"));

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("name");
        assertThat(client.get(tokens).jsonArray()).isEmpty();
    }

    @Test
    void anIntegrationsConfigWithANameTwiceIsRefusedNamingItsPath(HubClient client) {
        HubClient.Response r = client.send("POST", "/api/v1/admin/integrations/validate",
            Map.of("Content-Type", "application/json"),
            Bytes.of("{\"name\":\"i\",\"connector\":\"c\",\"config\":{\"path\":\"a\",\"path\":\"b\"}}"));

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("config.path");
    }

    @Test
    void aBodyWithMoreAfterItsJsonValueIsRefusedAndNothingStored(HubClient client) {
        String type = newType();
        String one = event("t-1", type).replace("DATA", "{\"a\":1}");

        HubClient.Response batch = client.post("/api/v1/events", BATCH, "[" + one + "] [" + one.replace("t-1", "t-2")
            + "]");
        HubClient.Response structured = client.post("/api/v1/events", STRUCTURED, one + " trailing words");
        HubClient.Response admin = client.send("PATCH", "/api/v1/admin/members/hafenamt",
            Map.of("Content-Type", "application/json"), Bytes.of("{\"name\":\"Hafenamt Nord\"} {\"name\":\"x\"}"));

        for (HubClient.Response r : java.util.List.of(batch, structured, admin)) {
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.json().getString("field")).as(r.toString()).isEqualTo("body");
        }
        assertThat(batch.json().getString("error")).contains("more after the JSON value, at line 1, column");
        assertThat(stored(client, type)).isZero();
        assertThat(client.get("/api/v1/admin/members/hafenamt").json().getString("name")).isEqualTo("Hafenamt");
    }

    @Test
    void aFlowsYamlThatIsNotWellFormedUtf8IsRefusedAndNotStoredWithReplacementCharacters(HubClient client) {
        HubClient.Response r = client.send("POST", "/api/v1/admin/flows", Map.of("Content-Type", "application/yaml"),
            Bytes.of("name: probe-<C0><AE>\nfrom: {bus: air.reading}\nsteps:\n  - log: ok\n"));

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("body");
        assertThat(r.json().getString("error")).startsWith("the flow's YAML is not well-formed UTF-8: C0 AE at byte 12 "
            + "of the body is an overlong form");
        assertThat(client.get("/api/v1/admin/flows").toString()).doesNotContain("probe-");
    }

    @Test
    void wellFormedTextBeyondAsciiIsStillTaken(HubClient client) {
        String type = newType();

        HubClient.Response r = client.post("/api/v1/events", STRUCTURED, event("\u00fc-1", type)
            .replace("DATA", "{\"a\":\"\u20ac \ud83d\ude00 \\ud83d\\ude00\"}"));

        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        JsonObject stored = client.get("/api/v1/events?type=" + type).json().getJsonArray("events").getJsonObject(0)
            .getJsonObject("event");
        assertThat(stored.getString("id")).isEqualTo("\u00fc-1");
        assertThat(stored.getJsonObject("data").getString("a")).isEqualTo("\u20ac \ud83d\ude00 \ud83d\ude00");
    }

    /** A structured event of {@code type} with source {@code /s}; its data is {@code DATA}, to be replaced. */
    private static String event(String id, String type) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/s\",\"type\":\"" + type
            + "\",\"datacontenttype\":\"application/json\",\"data\":DATA}";
    }

}
