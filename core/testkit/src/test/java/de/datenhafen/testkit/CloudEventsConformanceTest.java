package de.datenhafen.testkit;

import static de.datenhafen.testkit.EventsApiTest.newType;
import static de.datenhafen.testkit.EventsApiTest.stored;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The events API against the rules of CloudEvents 1.0: the JSON event format (structured and batched) and the HTTP
 * protocol binding (structured, batched and binary modes), one case per MUST, written from the specification's text
 * (cloudevents/spec v1.0.2: spec.md, formats/json-format.md, bindings/http-protocol-binding.md). Each case says what
 * the spec requires and what the hub answers: 202, or 400 naming the attribute (the hub's own promise).
 */
class CloudEventsConformanceTest {

    private static final String STRUCTURED = "application/cloudevents+json";
    private static final String BATCH = "application/cloudevents-batch+json";

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().build();

    /** One case: what to change in a minimal valid structured event, and the answer the spec calls for. */
    record Json(String rule, UnaryOperator<JsonObject> change, int status, String field) {
        @Override
        public String toString() {
            return rule;
        }
    }

    static Stream<Json> structured() {
        return Stream.of(
            new Json("the minimal event: specversion, id, source, type", e -> e, 202, null),
            new Json("specversion is REQUIRED", e -> without(e, "specversion"), 400, "specversion"),
            new Json("specversion of this spec is the string 1.0", e -> e.put("specversion", "0.3"), 400, "specversion"),
            new Json("specversion is a string, not a number", e -> e.put("specversion", 1.0), 400, "specversion"),
            new Json("id is REQUIRED", e -> without(e, "id"), 400, "id"),
            new Json("id MUST be a non-empty string", e -> e.put("id", ""), 400, "id"),
            new Json("id is a String, a JSON number is not", e -> e.put("id", 7), 400, "id"),
            new Json("id null is id missing (null is absent)", e -> e.putNull("id"), 400, "id"),
            new Json("source is REQUIRED", e -> without(e, "source"), 400, "source"),
            new Json("source MUST be a non-empty URI-reference", e -> e.put("source", ""), 400, "source"),
            new Json("source must be a URI-reference", e -> e.put("source", "not a uri"), 400, "source"),
            new Json("source may be a relative URI-reference", e -> e.put("source", "sensors/7"), 202, null),
            new Json("type is REQUIRED", e -> without(e, "type"), 400, "type"),
            new Json("type MUST be a non-empty string", e -> e.put("type", ""), 400, "type"),
            new Json("subject, if present, MUST be a non-empty string", e -> e.put("subject", ""), 400, "subject"),
            new Json("subject null is treated as absent", e -> e.putNull("subject"), 202, null),
            new Json("time is an RFC 3339 timestamp", e -> e.put("time", "2018-04-05T17:31:00Z"), 202, null),
            new Json("time may carry a fraction and an offset", e -> e.put("time", "2018-04-05T17:31:00.123+02:00"),
                202, null),
            new Json("time without seconds is not RFC 3339", e -> e.put("time", "2018-04-05T18:31Z"), 400, "time"),
            new Json("time with an hour-only offset is not RFC 3339", e -> e.put("time", "2018-04-05T17:31:00+05"), 400,
                "time"),
            new Json("time without an offset is not RFC 3339", e -> e.put("time", "2018-04-05T17:31:00"), 400, "time"),
            new Json("time null is treated as absent", e -> e.putNull("time"), 202, null),
            new Json("datacontenttype MUST adhere to RFC 2046", e -> e.put("datacontenttype", "xyz"), 400,
                "datacontenttype"),
            new Json("datacontenttype, if present, is not empty", e -> e.put("datacontenttype", ""), 400,
                "datacontenttype"),
            new Json("datacontenttype with parameters", e -> e.put("datacontenttype", "application/json; charset=utf-8"),
                202, null),
            new Json("datacontenttype null is treated as absent", e -> e.putNull("datacontenttype"), 202, null),
            new Json("dataschema, if present, MUST be a non-empty URI", e -> e.put("dataschema", ""), 400, "dataschema"),
            new Json("dataschema is an absolute URI", e -> e.put("dataschema", "https://example.org/schema/reading"),
                202, null),
            new Json("dataschema null is treated as absent", e -> e.putNull("dataschema"), 202, null),
            new Json("extension names are lower-case letters and digits", e -> e.put("myExt", "x"), 400, "myExt"),
            new Json("extension names have no dashes", e -> e.put("my-ext", "x"), 400, "my-ext"),
            new Json("an extension may be a string", e -> e.put("comexampleext", "value"), 202, null),
            new Json("an extension may be a boolean", e -> e.put("comexampleflag", true), 202, null),
            new Json("an extension may be an integer", e -> e.put("comexamplecount", 42), 202, null),
            new Json("an extension null is treated as absent", e -> e.putNull("comexampleext"), 202, null),
            new Json("data with a JSON content type may be any JSON value",
                e -> e.put("datacontenttype", "application/json").put("data", new JsonObject().put("co2", 612)), 202,
                null),
            new Json("data may be a JSON string for a text content type",
                e -> e.put("datacontenttype", "text/plain").put("data", "Simple text"), 202, null),
            new Json("data of a non-JSON content type must be a string (or data_base64)",
                e -> e.put("datacontenttype", "text/plain").put("data", new JsonObject()), 400, "data"),
            new Json("data null is treated as absent", e -> e.putNull("data"), 202, null),
            new Json("data_base64 carries binary data", e -> e.put("datacontenttype", "application/octet-stream")
                .put("data_base64", "AAEC"), 202, null),
            new Json("data_base64 MUST be base64", e -> e.put("datacontenttype", "application/octet-stream")
                .put("data_base64", "not base64!"), 400, "data_base64"),
            new Json("data and data_base64 MUST NOT both be present",
                e -> e.put("data", "x").put("data_base64", "AAEC"), 400, "data"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("structured")
    void structuredModeFollowsTheJsonFormat(Json c, HubClient client) {
        String type = newType();
        JsonObject event = c.change().apply(minimal(type));

        HubClient.Response r = client.post("/api/v1/events", STRUCTURED, event.encode());

        assertThat(r.status()).as(c.rule() + ": " + r).isEqualTo(c.status());
        if (c.field() != null) {
            assertThat(r.json().getString("field")).as(c.rule()).isEqualTo(c.field());
            assertThat(stored(client, type)).as("nothing stored").isZero();
        }
    }

    @Test
    void anOptionalAttributeThatIsNullReadsBackAsAbsent(HubClient client) {
        String type = newType();
        JsonObject e = minimal(type).putNull("subject").putNull("time").putNull("dataschema").putNull("comexampleext");

        client.post("/api/v1/events", STRUCTURED, e.encode());

        JsonObject back = only(client, type);
        assertThat(back.fieldNames()).doesNotContain("subject", "dataschema", "comexampleext");
    }

    @Test
    void textDataReadsBackAsTheSameString(HubClient client) {
        String type = newType();
        client.post("/api/v1/events", STRUCTURED, minimal(type).put("datacontenttype", "text/plain")
            .put("data", "Simple text").encode());

        JsonObject back = only(client, type);
        assertThat(back.getString("data")).isEqualTo("Simple text");
        assertThat(back.containsKey("data_base64")).isFalse();
    }

    @Test
    void jsonDataReadsBackAsJsonAndBinaryDataAsBase64(HubClient client) {
        String type = newType();
        client.post("/api/v1/events", BATCH, new JsonArray()
            .add(minimal(type).put("datacontenttype", "application/json").put("data", new JsonArray().add(1).add(2)))
            .add(minimal(type).put("datacontenttype", "application/octet-stream").put("data_base64", "AAEC"))
            .encode());

        JsonArray events = client.get("/api/v1/events?type=" + type).json().getJsonArray("events");
        assertThat(events.getJsonObject(0).getJsonObject("event").getJsonArray("data")).isEqualTo(new JsonArray("[1,2]"));
        assertThat(events.getJsonObject(1).getJsonObject("event").getString("data_base64")).isEqualTo("AAEC");
    }

    // ---- batched mode

    @Test
    void anEmptyBatchIsValidAndStoresNothing(HubClient client) {
        HubClient.Response r = client.post("/api/v1/events", BATCH, "[]");

        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        assertThat(r.json().getJsonArray("events")).isEmpty();
    }

    @Test
    void aBatchIsAJsonArrayOfEventsAllStoredInOrder(HubClient client) {
        String type = newType();
        HubClient.Response r = client.post("/api/v1/events", BATCH,
            new JsonArray().add(minimal(type).put("id", "b-1")).add(minimal(type).put("id", "b-2")).encode());

        assertThat(r.status()).isEqualTo(202);
        JsonArray events = client.get("/api/v1/events?type=" + type).json().getJsonArray("events");
        assertThat(events.getJsonObject(0).getJsonObject("event").getString("id")).isEqualTo("b-1");
        assertThat(events.getJsonObject(1).getJsonObject("event").getString("id")).isEqualTo("b-2");
    }

    @Test
    void aBatchWithOneInvalidEventIsRefusedWholeNamingItsIndex(HubClient client) {
        String type = newType();
        HubClient.Response r = client.post("/api/v1/events", BATCH,
            new JsonArray().add(minimal(type)).add(without(minimal(type), "id")).encode());

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("[1].id");
        assertThat(stored(client, type)).isZero();
    }

    @Test
    void aBatchMustBeAnArrayAndItsElementsObjects(HubClient client) {
        HubClient.Response object = client.post("/api/v1/events", BATCH, minimal(newType()).encode());
        HubClient.Response element = client.post("/api/v1/events", BATCH, "[\"event\"]");

        assertThat(object.status()).isEqualTo(400);
        assertThat(object.json().getString("field")).isEqualTo("body");
        assertThat(element.status()).isEqualTo(400);
        assertThat(element.json().getString("field")).isEqualTo("[0]");
    }

    // ---- structured mode, the envelope itself

    @Test
    void aStructuredBodyMustBeOneJsonObject(HubClient client) {
        HubClient.Response notJson = client.post("/api/v1/events", STRUCTURED, "{not json}");
        HubClient.Response array = client.post("/api/v1/events", STRUCTURED, "[]");

        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().getString("field")).isEqualTo("body");
        assertThat(array.status()).isEqualTo(400);
        assertThat(array.json().getString("field")).isEqualTo("body");
    }

    @Test
    void aContentTypeOfNoModeIs415(HubClient client) {
        HubClient.Response r = client.post("/api/v1/events", "text/plain", "hello");

        assertThat(r.status()).isEqualTo(415);
    }

    // ---- binary mode

    @Test
    void binaryModeTakesAttributesFromCeHeadersAndDatacontenttypeFromContentType(HubClient client) {
        String type = newType();
        HubClient.Response r = client.post("/api/v1/events", binary(type, "application/json"), "{\"co2\":612}");

        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        JsonObject back = only(client, type);
        assertThat(back.getString("datacontenttype")).isEqualTo("application/json");
        assertThat(back.getJsonObject("data")).isEqualTo(new JsonObject().put("co2", 612));
        assertThat(back.getString("comexampleext")).isEqualTo("value");
    }

    @Test
    void binaryModeHeaderValuesArePercentDecoded(HubClient client) {
        String type = newType();
        Map<String, String> headers = binary(type, "application/json");
        headers.put("ce-subject", "Schule%20am%20See%2FRaum%20%C3%BC");

        client.post("/api/v1/events", headers, "{}");

        assertThat(only(client, type).getString("subject")).isEqualTo("Schule am See/Raum ü");
    }

    @Test
    void binaryModeNeedsEachRequiredAttributeAsAHeader(HubClient client) {
        for (String attribute : new String[] {"ce-id", "ce-source", "ce-type"}) {
            Map<String, String> headers = binary(newType(), "application/json");
            headers.remove(attribute);

            HubClient.Response r = client.post("/api/v1/events", headers, "{}");

            assertThat(r.status()).as(attribute).isEqualTo(400);
            assertThat(r.json().getString("field")).isEqualTo(attribute);
        }
    }

    @Test
    void binaryModeChecksTimeAndDataLikeStructuredMode(HubClient client) {
        Map<String, String> badTime = binary(newType(), "application/json");
        badTime.put("ce-time", "2018-04-05T18:31Z");
        HubClient.Response time = client.post("/api/v1/events", badTime, "{}");
        HubClient.Response json = client.post("/api/v1/events", binary(newType(), "application/json"), "{broken");

        assertThat(time.status()).isEqualTo(400);
        assertThat(time.json().getString("field")).isEqualTo("ce-time");
        assertThat(json.status()).isEqualTo(400);
        assertThat(json.json().getString("field")).isEqualTo("data");
    }

    @Test
    void binaryModeWithoutABodyHasNoData(HubClient client) {
        String type = newType();
        Map<String, String> headers = binary(type, "application/json");
        headers.remove("Content-Type");

        HubClient.Response r = client.post("/api/v1/events", headers, "");

        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        JsonObject back = only(client, type);
        assertThat(back.containsKey("data")).isFalse();
        assertThat(back.containsKey("data_base64")).isFalse();
    }

    private static JsonObject minimal(String type) {
        return new JsonObject().put("specversion", "1.0").put("id", UUID.randomUUID().toString())
            .put("source", "/conformance").put("type", type);
    }

    private static JsonObject without(JsonObject e, String attribute) {
        e.remove(attribute);
        return e;
    }

    private static Map<String, String> binary(String type, String contentType) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("ce-specversion", "1.0");
        h.put("ce-id", UUID.randomUUID().toString());
        h.put("ce-source", "/conformance");
        h.put("ce-type", type);
        h.put("ce-comexampleext", "value");
        h.put("Content-Type", contentType);
        return h;
    }


    private static JsonObject only(HubClient client, String type) {
        return EventsApiTest.single(client, type).getJsonObject("event");
    }
}
