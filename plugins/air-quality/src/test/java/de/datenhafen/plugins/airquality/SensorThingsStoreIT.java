package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.api.Caller;
import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.RecordedEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The general SensorThings store ({@code sensorthings-store}) in a real hub with the packaged plugin, at its own path
 * beside nothing else: weather stations and a water gauge created through the API (deep insert, links), changed,
 * queried with the shared engine (Observations filtered in SQL), deleted with the spec's cascades, bounded like the
 * schools' service, and the same after a restart. Any member's editor writes, and each Thing (with what hangs on it)
 * is its creator's. Each test makes the entities it needs, so they do not depend on each other's order.
 */
class SensorThingsStoreIT {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest()
        .config("auth.failures.limit", 1000).build();

    static final String V11 = "/sensorthings/v1.1/";

    /** Writes as an editor of the plugin's own member, of another member, and as the owning member's viewer. */
    static Client STORE;
    static Client OTHER;
    static Client VIEWER;
    /** The owning member's editor, scoped to another plugin. */
    static Client ELSEWHERE;

    @BeforeAll
    static void theStoreAndTwoMembersWritingToIt() {
        HubClient admin = hub.client();
        Members.create(admin);
        STORE = new Client(hub, Members.token(admin, Members.OWNER, "store-editor", Caller.MEMBER_EDITOR));
        OTHER = new Client(hub, Members.token(admin, Members.OTHER, "store-editor", Caller.MEMBER_EDITOR));
        VIEWER = new Client(hub, Members.token(admin, Members.OWNER, "store-viewer", Caller.VIEWER));
        ELSEWHERE = new Client(hub, Members.scopedToken(admin, Members.OWNER, "transit-only", "transit",
            Caller.MEMBER_EDITOR));
        AirQualityIT.create(admin, "members-sta", "sensorthings-store", new JsonObject()
            .put("page-size", 50).put("max-entities", 500).put("max-answer-bytes", 64 * 1024));
    }

    // ---- helpers

    static SensorThingsIT.Answer get(String path) {
        return STORE.get(path);
    }

    static SensorThingsIT.Answer write(String method, String path, String body) {
        return STORE.write(method, path, body);
    }

    static String url(String path) {
        return STORE.url(path);
    }

    static long created(SensorThingsIT.Answer a) {
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return a.json().getLong("@iot.id");
    }

    static JsonObject station(String name, double lon, double lat) {
        return STORE.station(name, lon, lat);
    }

    static long observe(long datastream, String time, Object result) {
        return STORE.observe(datastream, time, result);
    }

    /**
     * Requests to the store of a hub at {@code root} ({@code /sensorthings/v1.1/}: the first integration's), writing
     * with {@code token} (null: none).
     */
    record Client(HubExtension hub, String token, String root) {

        Client(HubExtension hub, String token) {
            this(hub, token, V11);
        }

        /** The same writer through the integration at {@code root}. */
        Client at(String root) {
            return new Client(hub, token, root);
        }

        SensorThingsIT.Answer get(String path) {
            return SensorThingsIT.send("GET", url(path), null, null);
        }

        SensorThingsIT.Answer write(String method, String path, String body) {
            return SensorThingsIT.send(method, url(path), body, token);
        }

        String url(String path) {
            return hub.client().baseUri().resolve(path.startsWith("/") ? path : root + path).toString();
        }

        /** A weather station: a Thing at a new Location with a temperature Datastream (deep insert); its ids. */
        JsonObject station(String name, double lon, double lat) {
            long thing = created(write("POST", "Things", """
                {"name": "%s", "description": "weather station", "properties": {"owner": "Stadtwerke"},
                 "Locations": [{"name": "%s site", "description": "roof", "encodingType": "application/geo+json",
                                "location": {"type": "Point", "coordinates": [%s, %s]}}],
                 "Datastreams": [{"name": "%s air temperature", "description": "2 m above ground",
                                  "unitOfMeasurement": {"name": "degree Celsius", "symbol": "°C",
                                                        "definition": "http://qudt.org/vocab/unit/DEG_C"},
                                  "observationType": "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
                                  "Sensor": {"name": "PT100", "description": "platinum thermometer",
                                             "encodingType": "text/plain", "metadata": "PT100 class A"},
                                  "ObservedProperty": {"name": "air temperature",
                                                       "definition": "http://vocab.nerc.ac.uk/collection/P07/current/CFSN0023/",
                                                       "description": "temperature of the air"}}]}
                """.formatted(name, name, lon, lat, name)));
            long location = get("Things(" + thing + ")/Locations").value().getJsonObject(0).getLong("@iot.id");
            long datastream = get("Things(" + thing + ")/Datastreams").value().getJsonObject(0).getLong("@iot.id");
            return new JsonObject().put("thing", thing).put("location", location).put("datastream", datastream);
        }

        long observe(long datastream, String time, Object result) {
            return created(write("POST", "Datastreams(" + datastream + ")/Observations",
                new JsonObject().put("phenomenonTime", time).put("result", result).encode()));
        }
    }

    // ---- tests

    @Test
    void aDeepInsertedThingHasItsLocationDatastreamSensorObservedPropertyAndAHistoricalLocation() {
        JsonObject s = station("Marli", 10.70, 53.88);

        JsonObject thing = get("Things(" + s.getLong("thing") + ")?$expand=Locations,HistoricalLocations,"
            + "Datastreams($expand=Sensor,ObservedProperty)").json();

        assertThat(thing.getString("name")).isEqualTo("Marli");
        assertThat(thing.getJsonObject("properties").getString("owner")).isEqualTo("Stadtwerke");
        assertThat(thing.getJsonArray("Locations").getJsonObject(0).getJsonObject("location").encode())
            .isEqualTo("{\"type\":\"Point\",\"coordinates\":[10.7,53.88]}");
        assertThat(thing.getJsonArray("HistoricalLocations")).hasSize(1);
        JsonObject ds = thing.getJsonArray("Datastreams").getJsonObject(0);
        assertThat(ds.getJsonObject("unitOfMeasurement").getString("symbol")).isEqualTo("°C");
        assertThat(ds.getJsonObject("Sensor").getString("metadata")).isEqualTo("PT100 class A");
        assertThat(ds.getJsonObject("ObservedProperty").getString("name")).isEqualTo("air temperature");
    }

    @Test
    void anObservationWithoutFeatureOfInterestGetsOneMadeFromItsThingsLocationOnceAndReused() {
        JsonObject s = station("Travemuende", 10.87, 53.96);
        long first = observe(s.getLong("datastream"), "2026-03-01T10:00:00Z", 4.5);
        long second = observe(s.getLong("datastream"), "2026-03-01T10:10:00Z", 4.7);

        JsonObject foi1 = get("Observations(" + first + ")/FeatureOfInterest").json();
        JsonObject foi2 = get("Observations(" + second + ")/FeatureOfInterest").json();

        assertThat(foi2.getLong("@iot.id")).isEqualTo(foi1.getLong("@iot.id"));
        assertThat(foi1.getString("name")).isEqualTo("Travemuende site");
        assertThat(foi1.getJsonObject("feature").encode())
            .isEqualTo("{\"type\":\"Point\",\"coordinates\":[10.87,53.96]}");
    }

    @Test
    void anObservationOfAThingWithoutLocationAndWithoutFeatureOfInterestIsRefusedAndNothingIsStored() {
        long thing = created(write("POST", "Things", "{\"name\": \"gauge\", \"description\": \"water level\"}"));
        long ds = created(write("POST", "Datastreams", """
            {"name": "level", "description": "water level", "unitOfMeasurement": {"name": "metre", "symbol": "m"},
             "observationType": "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
             "Thing": {"@iot.id": %d}, "Sensor": {"name": "radar", "description": "radar gauge",
             "encodingType": "text/plain", "metadata": "VEGA"}, "ObservedProperty": {"name": "water level",
             "definition": "https://example.org/water-level", "description": "level above gauge zero"}}
            """.formatted(thing)));

        SensorThingsIT.Answer r = write("POST", "Datastreams(" + ds + ")/Observations",
            "{\"phenomenonTime\": \"2026-03-01T10:00:00Z\", \"result\": 1.2}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("Observations/FeatureOfInterest");
        assertThat(r.json().getString("error")).contains("has no Location to make one from");
        assertThat(get("Datastreams(" + ds + ")/Observations?$count=true").json().getLong("@iot.count"))
            .isZero();
    }

    @Test
    void aDeepInsertWithAnInvalidNestedEntityCreatesNothing() {
        long things = get("Things?$count=true&$top=0").json().getLong("@iot.count");
        long sensors = get("Sensors?$count=true&$top=0").json().getLong("@iot.count");

        SensorThingsIT.Answer r = write("POST", "Things", """
            {"name": "broken", "description": "no ObservedProperty in its Datastream",
             "Datastreams": [{"name": "d", "description": "d", "unitOfMeasurement": {},
               "observationType": "x", "Sensor": {"name": "s", "description": "s", "encodingType": "text/plain",
               "metadata": "m"}}]}
            """);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("Things/Datastreams/ObservedProperty");
        assertThat(get("Things?$count=true&$top=0").json().getLong("@iot.count")).isEqualTo(things);
        assertThat(get("Sensors?$count=true&$top=0").json().getLong("@iot.count")).isEqualTo(sensors);
    }

    @Test
    void aLinkToAnEntityThatDoesNotExistIsA400NamingIt() {
        SensorThingsIT.Answer r = write("POST", "Observations", "{\"result\": 1, \"Datastream\": {\"@iot.id\": "
            + "999999}}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("Observations/Datastream");
        assertThat(r.json().getString("error")).isEqualTo("Observations/Datastream: there is no Datastream 999999");
    }

    @Test
    void patchingAThingsLocationsMakesAHistoricalLocationAndMovesNewFeatures() {
        JsonObject s = station("Kuecknitz", 10.80, 53.92);
        long elsewhere = created(write("POST", "Locations", "{\"name\": \"depot\", \"description\": \"depot\", "
            + "\"encodingType\": \"application/geo+json\", \"location\": {\"type\": \"Point\", "
            + "\"coordinates\": [10.6, 53.8]}}"));

        SensorThingsIT.Answer r = write("PATCH", "Things(" + s.getLong("thing") + ")",
            "{\"Locations\": [{\"@iot.id\": " + elsewhere + "}]}");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(get("Things(" + s.getLong("thing") + ")/Locations").value()).extracting(o -> ((JsonObject) o)
            .getLong("@iot.id")).containsExactly(elsewhere);
        assertThat(get("Things(" + s.getLong("thing") + ")/HistoricalLocations").value()).hasSize(2);
        long obs = observe(s.getLong("datastream"), "2026-03-02T10:00:00Z", 3);
        assertThat(get("Observations(" + obs + ")/FeatureOfInterest").json().getString("name")).isEqualTo("depot");
    }

    @Test
    void patchChangesOnlyWhatItNamesAndPutReplacesTheWholeEntity() {
        long sensor = created(write("POST", "Sensors", "{\"name\": \"dB meter\", \"description\": \"class 1\", "
            + "\"encodingType\": \"text/plain\", \"metadata\": \"IEC 61672\"}"));

        SensorThingsIT.Answer patched = write("PATCH", "Sensors(" + sensor + ")", "{\"description\": \"class 2\"}");
        SensorThingsIT.Answer incomplete = write("PUT", "Sensors(" + sensor + ")", "{\"name\": \"x\"}");
        SensorThingsIT.Answer put = write("PUT", "Sensors(" + sensor + ")", "{\"name\": \"noise\", \"description\": "
            + "\"n\", \"encodingType\": \"application/pdf\", \"metadata\": \"https://example.org/n.pdf\"}");

        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().getString("name")).isEqualTo("dB meter");
        assertThat(patched.json().getString("description")).isEqualTo("class 2");
        assertThat(incomplete.status()).isEqualTo(400);
        assertThat(incomplete.json().getString("field")).isEqualTo("description");
        assertThat(put.status()).isEqualTo(200);
        assertThat(get("Sensors(" + sensor + ")").json().getString("encodingType")).isEqualTo("application/pdf");
    }

    @Test
    void anUpdateThatWouldCreateARelatedEntityInlineIsA400() {
        JsonObject s = station("Schlutup", 10.82, 53.89);

        SensorThingsIT.Answer r = write("PATCH", "Datastreams(" + s.getLong("datastream") + ")",
            "{\"Sensor\": {\"name\": \"new\", \"description\": \"new\", \"encodingType\": \"text/plain\", "
                + "\"metadata\": \"m\"}}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("Sensor");
    }

    @Test
    void deletingAThingDeletesItsDatastreamsObservationsAndHistoricalLocationsButKeepsItsLocation() {
        JsonObject s = station("Moisling", 10.63, 53.84);
        long obs = observe(s.getLong("datastream"), "2026-03-01T10:00:00Z", 5);

        assertThat(write("DELETE", "Things(" + s.getLong("thing") + ")", null).status()).isEqualTo(200);

        assertThat(get("Things(" + s.getLong("thing") + ")").status()).isEqualTo(404);
        assertThat(get("Datastreams(" + s.getLong("datastream") + ")").status()).isEqualTo(404);
        assertThat(get("Observations(" + obs + ")").status()).isEqualTo(404);
        assertThat(get("Locations(" + s.getLong("location") + ")").status()).isEqualTo(200);
        assertThat(get("Locations(" + s.getLong("location") + ")/HistoricalLocations").value()).isEmpty();
    }

    @Test
    void deletingALocationDeletesItsHistoricalLocationsAndKeepsTheThing() {
        JsonObject s = station("Eichholz", 10.66, 53.86);

        assertThat(write("DELETE", "Locations(" + s.getLong("location") + ")", null).status()).isEqualTo(200);

        assertThat(get("Things(" + s.getLong("thing") + ")").status()).isEqualTo(200);
        assertThat(get("Things(" + s.getLong("thing") + ")/HistoricalLocations").value()).isEmpty();
        assertThat(get("Things(" + s.getLong("thing") + ")/Locations").value()).isEmpty();
    }

    @Test
    void observationsAreFilteredOrderedAndPagedInSqlWithTheSharedMeaning() {
        JsonObject s = station("Buntekuh", 10.65, 53.86);
        long ds = s.getLong("datastream");
        for (int i = 1; i <= 12; i++) {
            observe(ds, "2026-04-%02dT12:00:00Z".formatted(i), i);
        }
        String path = "Datastreams(" + ds + ")/Observations";

        JsonObject numeric = get(path + "?$count=true&$filter=" + SensorThingsIT.enc("result gt 9")).json();
        JsonObject text = get(path + "?$count=true&$top=1&$skip=2&$orderby=phenomenonTime%20asc&$filter="
            + SensorThingsIT.enc("result gt '3'")).json();
        JsonObject byTime = get(path + "?$count=true&$orderby=result%20desc&$filter=" + SensorThingsIT.enc(
            "phenomenonTime ge 2026-04-10T00:00:00Z and day(phenomenonTime) lt 12")).json();
        JsonObject viaDatastream = get("Observations?$count=true&$top=0&$filter=" + SensorThingsIT.enc(
            "Datastream/Thing/name eq 'Buntekuh' and result le 2")).json();

        assertThat(numeric.getLong("@iot.count")).isEqualTo(3);
        // as text, '4' to '9' are greater than '3' and '10' to '12' are not (FROST-Server and OGC's suite agree)
        assertThat(text.getLong("@iot.count")).isEqualTo(6);
        assertThat(text.getJsonArray("value").getJsonObject(0).getValue("result")).isEqualTo(6);
        assertThat(byTime.getLong("@iot.count")).isEqualTo(2);
        assertThat(SensorThingsIT.field(byTime.getJsonArray("value"), "result")).containsExactly(11, 10);
        assertThat(viaDatastream.getLong("@iot.count")).isEqualTo(2);
    }

    @Test
    void aFilterOnTheFeatureOfInterestOfAllObservationsIsRefusedWithWhereItWorks() {
        SensorThingsIT.Answer r = get("Observations?$filter=" + SensorThingsIT.enc("FeatureOfInterest/name eq 'x'"));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("$filter");
        assertThat(r.json().getString("error")).contains("FeaturesOfInterest(<id>)/Observations");
    }

    @Test
    void theBoundsOfTheSchoolsServiceHoldHereToo() {
        JsonObject s = station("Karlshof", 10.70, 53.89);
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 600; i++) {
            many.append(i == 0 ? "" : ",").append("{\"phenomenonTime\": \"2026-06-01T00:00:00Z\", \"result\": ")
                .append(i).append('}');
        }
        // 600 Observations in one request: a Datastream deep-inserted with them
        long ds = created(write("POST", "Datastreams", """
            {"name": "many", "description": "many", "unitOfMeasurement": {}, "observationType": "x",
             "Thing": {"@iot.id": %d}, "Sensor": {"@iot.id": %d}, "ObservedProperty": {"@iot.id": %d},
             "Observations": %s}
            """.formatted(s.getLong("thing"), get("Datastreams(" + s.getLong("datastream") + ")/Sensor").json()
            .getLong("@iot.id"), get("Datastreams(" + s.getLong("datastream") + ")/ObservedProperty").json()
            .getLong("@iot.id"), many.append(']'))));

        SensorThingsIT.Answer tooDeep = get("Things?$expand=Datastreams/Thing/Datastreams/Thing");
        SensorThingsIT.Answer tooMany = get("Datastreams(" + ds + ")/Observations?$top=600");
        SensorThingsIT.Answer tooLarge = get("Datastreams(" + ds + ")/Observations?$top=450");
        SensorThingsIT.Answer docTooLarge = write("PATCH", "Things(" + s.getLong("thing") + ")",
            "{\"description\": \"" + "x".repeat(70_000) + "\"}");

        assertThat(get("Datastreams(" + ds + ")/Observations?$count=true&$top=0").json().getLong("@iot.count"))
            .isEqualTo(600);
        assertThat(tooDeep.status()).isEqualTo(400);
        assertThat(tooDeep.json().getString("field")).isEqualTo("$expand");
        assertThat(tooDeep.json().getString("error")).contains("max-expand-depth");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().getString("field")).isEqualTo("$top");
        assertThat(tooMany.json().getString("error")).contains("more than 500 entities (max-entities");
        assertThat(tooLarge.status()).isEqualTo(400);
        assertThat(tooLarge.json().getString("error")).contains("larger than 65536 bytes (max-answer-bytes)");
        assertThat(docTooLarge.status()).isEqualTo(413);
        assertThat(docTooLarge.json().getString("field")).isEqualTo("Thing");
        assertThat(get("Things(" + s.getLong("thing") + ")").json().getString("description"))
            .isEqualTo("weather station");
    }

    @Test
    void writingWithoutAMemberEditorsTokenIsRefusedAndChangesNothing() {
        String thing = "{\"name\": \"n\", \"description\": \"d\"}";
        SensorThingsIT.Answer none = SensorThingsIT.send("POST", url("Things"), thing, null);
        SensorThingsIT.Answer wrong = SensorThingsIT.send("POST", url("Things"), thing, "dh_aaaaaaaaaaaa_not-a-token");
        SensorThingsIT.Answer viewer = VIEWER.write("POST", "Things", thing);
        SensorThingsIT.Answer scoped = ELSEWHERE.write("POST", "Things", thing);

        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json()).isEqualTo(new JsonObject().put("error", "writing needs a token (Authorization: "
            + "Bearer <token>) or a session with the role member-editor of a member").put("field", "Authorization"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(viewer.status()).isEqualTo(403);
        assertThat(viewer.json().getString("error")).isEqualTo("writing needs the role member-editor of a member (or "
            + "hub-admin)");
        assertThat(scoped.status()).isEqualTo(403);
        assertThat(scoped.json().getString("error")).isEqualTo("this token is scoped to plugin transit");
        assertThat(get("Things?$filter=" + SensorThingsIT.enc("name eq 'n'")).value()).isEmpty();
    }

    /**
     * The attacker's probe: the plugin's member-admin made a store of its own with open-writes (and could turn
     * it on for this one), and anyone without a token then renamed and deleted another member's Thing. Only a
     * hub-admin sets open-writes.
     */
    @Test
    void onlyAHubAdminOpensAStoreToWritesWithoutAToken() {
        HubClient admin = hub.client();
        HubClient memberAdmin = admin.withToken(Members.token(admin, Members.OWNER, "store-admin", Caller.MEMBER_ADMIN));

        HubClient.Response created = memberAdmin.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "open-store").put("connector", "sensorthings-store")
            .put("config", new JsonObject().put("path", "/open-store").put("open-writes", true)));
        HubClient.Response opened = memberAdmin.put("/api/v1/admin/integrations/members-sta", new JsonObject()
            .put("config", new JsonObject().put("page-size", 50).put("max-entities", 500)
                .put("max-answer-bytes", 64 * 1024).put("open-writes", true)));

        assertThat(created.status()).as(created.body()).isEqualTo(403);
        assertThat(created.json().getString("field")).isEqualTo("config.open-writes");
        assertThat(admin.get("/api/v1/admin/integrations/open-store").status()).isEqualTo(404);
        assertThat(opened.status()).as(opened.body()).isEqualTo(403);
        assertThat(admin.get("/api/v1/admin/integrations/members-sta").json().getJsonObject("config")
            .getBoolean("open-writes", false)).isFalse();
    }

    @Test
    void anyMembersEditorCreatesThingsAndChangesItsOwn() {
        JsonObject s = OTHER.station("Wetterwerk Kuecknitz", 10.80, 53.91);

        SensorThingsIT.Answer renamed = OTHER.write("PATCH", "Things(" + s.getLong("thing") + ")",
            "{\"name\": \"Wetterwerk Kuecknitz-Nord\"}");
        long obs = OTHER.observe(s.getLong("datastream"), "2026-05-03T06:00:00Z", 9.5);

        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        assertThat(get("Things(" + s.getLong("thing") + ")").json().getString("name"))
            .isEqualTo("Wetterwerk Kuecknitz-Nord");
        assertThat(get("Observations(" + obs + ")").json().getDouble("result")).isEqualTo(9.5);
    }

    @Test
    void anotherMembersWriteToAThingOrWhatHangsOnItIs403AndChangesNothing() {
        JsonObject s = OTHER.station("Wetterwerk Travemuende", 10.87, 53.96);
        long thing = s.getLong("thing");
        long datastream = s.getLong("datastream");
        long obs = OTHER.observe(datastream, "2026-05-04T06:00:00Z", 11);
        JsonArray before = get("Things(" + thing + ")?$expand=Locations,Datastreams($expand=Observations)").json()
            .getJsonArray("Datastreams");

        List<SensorThingsIT.Answer> refused = List.of(
            STORE.write("PATCH", "Things(" + thing + ")", "{\"name\": \"taken over\"}"),
            STORE.write("DELETE", "Things(" + thing + ")", null),
            STORE.write("POST", "Datastreams(" + datastream + ")/Observations",
                "{\"phenomenonTime\": \"2026-05-04T07:00:00Z\", \"result\": 99}"),
            STORE.write("PATCH", "Datastreams(" + datastream + ")", "{\"name\": \"taken over\"}"),
            STORE.write("DELETE", "Observations(" + obs + ")", null),
            STORE.write("PATCH", "Observations(" + obs + ")", "{\"result\": 99}"),
            STORE.write("PATCH", "Locations(" + s.getLong("location") + ")", "{\"name\": \"taken over\"}"),
            STORE.write("POST", "Things(" + thing + ")/Locations", "{\"name\": \"elsewhere\", \"description\": "
                + "\"d\", \"encodingType\": \"application/geo+json\", \"location\": {\"type\": \"Point\", "
                + "\"coordinates\": [10, 53]}}"));

        assertThat(refused).extracting(SensorThingsIT.Answer::status).containsOnly(403);
        assertThat(refused.get(0).json()).isEqualTo(new JsonObject().put("error", "Things(" + thing + ") belongs to "
            + "member " + Members.OTHER + ": only its member-editors (or a hub-admin) may change it")
            .put("field", "Authorization"));
        assertThat(refused.get(2).json().getString("error")).isEqualTo("Datastreams(" + datastream + ") is part of "
            + "a Thing that belongs to member " + Members.OTHER + ": only its member-editors (or a hub-admin) may "
            + "change it");
        assertThat(get("Things(" + thing + ")?$expand=Locations,Datastreams($expand=Observations)").json()
            .getJsonArray("Datastreams")).isEqualTo(before);
        assertThat(get("Things(" + thing + ")/Locations").value()).hasSize(1);
        assertThat(get("Locations(" + s.getLong("location") + ")").json().getString("name"))
            .isEqualTo("Wetterwerk Travemuende site");
        assertThat(get("Things(" + thing + ")").json().getString("name")).isEqualTo("Wetterwerk Travemuende");
    }

    @Test
    void aMemberLinksAnothersSensorButTheOtherCannotDeleteItFromUnderIt() {
        JsonObject theirs = OTHER.station("Wetterwerk Schlutup", 10.82, 53.89);
        long sensor = get("Datastreams(" + theirs.getLong("datastream") + ")/Sensor").json().getLong("@iot.id");
        long property = get("Datastreams(" + theirs.getLong("datastream") + ")/ObservedProperty").json()
            .getLong("@iot.id");
        JsonObject mine = station("Luftblick Eichholz", 10.70, 53.85);

        long linked = created(write("POST", "Datastreams", new JsonObject().put("name", "shared PT100")
            .put("description", "d").put("observationType", "http://www.opengis.net/def/observationType/OGC-OM/2.0/"
                + "OM_Measurement").put("unitOfMeasurement", new JsonObject().put("name", "degree Celsius")
                .put("symbol", "°C").put("definition", "http://qudt.org/vocab/unit/DEG_C"))
            .put("Thing", new JsonObject().put("@iot.id", mine.getLong("thing")))
            .put("Sensor", new JsonObject().put("@iot.id", sensor))
            .put("ObservedProperty", new JsonObject().put("@iot.id", property)).encode()));
        SensorThingsIT.Answer deleted = OTHER.write("DELETE", "Sensors(" + sensor + ")", null);

        assertThat(deleted.status()).isEqualTo(403);
        assertThat(deleted.json().getString("error")).isEqualTo("Sensors(" + sensor + ") is used by a Thing that "
            + "belongs to member " + Members.OWNER + ": only its member-editors (or a hub-admin) may change it");
        assertThat(get("Datastreams(" + linked + ")").status()).isEqualTo(200);
        assertThat(get("Sensors(" + sensor + ")").status()).isEqualTo(200);
    }

    @Test
    void aMemberLinkingAnothersLocationGetsItsOwnFeatureOfInterestAndCannotChangeTheOthers() {
        JsonObject theirs = OTHER.station("Pegel Herrenbruecke", 10.68, 53.86);
        long mine = created(write("POST", "Things", new JsonObject().put("name", "borrowed site")
            .put("description", "d").put("Locations", new JsonArray().add(new JsonObject()
                .put("@iot.id", theirs.getLong("location")))).encode()));
        long myDatastream = created(write("POST", "Datastreams", new JsonObject().put("name", "level")
            .put("description", "d").put("observationType", "http://www.opengis.net/def/observationType/OGC-OM/2.0/"
                + "OM_Measurement").put("unitOfMeasurement", new JsonObject().put("name", "cm").put("symbol", "cm"))
            .put("Thing", new JsonObject().put("@iot.id", mine))
            .put("Sensor", new JsonObject().put("name", "s").put("description", "s").put("encodingType", "text/plain")
                .put("metadata", "m"))
            .put("ObservedProperty", new JsonObject().put("name", "o").put("definition", "x")
                .put("description", "o")).encode()));
        // the other member's reading comes second: it used to reuse the first one's FeatureOfInterest
        long myObs = observe(myDatastream, "2026-05-05T06:00:00Z", 1);
        long theirObs = OTHER.observe(theirs.getLong("datastream"), "2026-05-05T06:00:00Z", 512);
        long myFeature = get("Observations(" + myObs + ")/FeatureOfInterest").json().getLong("@iot.id");
        long theirFeature = get("Observations(" + theirObs + ")/FeatureOfInterest").json().getLong("@iot.id");

        SensorThingsIT.Answer mineChanged = write("PATCH", "FeaturesOfInterest(" + myFeature + ")",
            "{\"name\": \"B was here\", \"feature\": {\"type\": \"Point\", \"coordinates\": [0, 0]}}");
        SensorThingsIT.Answer theirsTaken = write("PATCH", "FeaturesOfInterest(" + theirFeature + ")",
            "{\"name\": \"B was here\"}");
        SensorThingsIT.Answer theirsRenamed = OTHER.write("PATCH", "FeaturesOfInterest(" + theirFeature + ")",
            "{\"name\": \"Herrenbruecke\"}");

        assertThat(theirFeature).isNotEqualTo(myFeature);
        assertThat(mineChanged.status()).as(mineChanged.body()).isEqualTo(200);
        assertThat(theirsTaken.status()).isEqualTo(403);
        assertThat(theirsRenamed.status()).as(theirsRenamed.body()).isEqualTo(200);
        JsonObject seen = get("Observations(" + theirObs + ")/FeatureOfInterest").json();
        assertThat(seen.getString("name")).isEqualTo("Herrenbruecke");
        assertThat(seen.getJsonObject("feature").encode())
            .isEqualTo("{\"type\":\"Point\",\"coordinates\":[10.68,53.86]}");
    }

    @Test
    void aHubAdminChangesAnyMembersThing() {
        JsonObject s = OTHER.station("Wetterwerk Moisling", 10.62, 53.84);

        SensorThingsIT.Answer r = SensorThingsIT.send("PATCH", url("Things(" + s.getLong("thing") + ")"),
            "{\"description\": \"checked by the association\"}", hub.client().adminToken());

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(get("Things(" + s.getLong("thing") + ")").json().getString("description"))
            .isEqualTo("checked by the association");
    }

    /**
     * Each integration of the connector held its own graph of the one store, read again only after its own writes:
     * a Thing created through one was missing through the other until that one wrote, however long.
     */
    @Test
    void twoIntegrationsOverTheOneStoreSeeEachOthersWritesWithinASecond() {
        AirQualityIT.create(hub.client(), "members-sta-too", "sensorthings-store", new JsonObject()
            .put("path", "/sensorthings-too"));
        Client too = STORE.at("/sensorthings-too/v1.1/");
        await().atMost(Duration.ofSeconds(10)).until(() -> too.get("Things?$top=1").status() == 200);

        long thing = created(write("POST", "Things", "{\"name\": \"Wetterstation Dummersdorf\", \"description\": "
            + "\"weather station\"}"));

        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            SensorThingsIT.Answer seen = too.get("Things(" + thing + ")");
            assertThat(seen.status()).as(seen.body()).isEqualTo(200);
            assertThat(seen.json().getString("name")).isEqualTo("Wetterstation Dummersdorf");
        });

        SensorThingsIT.Answer patched = too.write("PATCH", "Things(" + thing + ")", "{\"description\": "
            + "\"on the dyke\"}");

        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
            assertThat(get("Things(" + thing + ")").json().getString("description")).isEqualTo("on the dyke"));
        assertThat(get("Things(" + thing + ")").json().getString("name")).isEqualTo("Wetterstation Dummersdorf");
    }

    /**
     * The store's 64 MiB were one total: one member's editor filled it, and every other member's writes were refused.
     * A member's entities hold at most member-share of it; here 4,000 bytes, so a member's third Thing of 1,000
     * characters (1,574 bytes with what the entity costs) is refused, and another member still writes.
     */
    @Test
    void aMemberPastItsShareIsRefusedNamingTheShareAndAnotherMemberStillWrites() {
        HubClient admin = hub.client();
        HubClient.Response wrong = admin.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "members-sta-share").put("connector", "sensorthings-store")
            .put("config", new JsonObject().put("path", "/sensorthings-share").put("member-share", "a quarter")));
        AirQualityIT.create(admin, "members-sta-share", "sensorthings-store", new JsonObject()
            .put("path", "/sensorthings-share").put("member-share", "4000"));
        Members.member(admin, "seewetter", "Seewetter Travemuende e.V.");
        Members.member(admin, "pegelnetz", "Pegelnetz Trave GmbH");
        Client a = new Client(hub, Members.token(admin, "seewetter", "share-editor", Caller.MEMBER_EDITOR),
            "/sensorthings-share/v1.1/");
        Client b = new Client(hub, Members.token(admin, "pegelnetz", "share-editor", Caller.MEMBER_EDITOR),
            "/sensorthings-share/v1.1/");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.get("Things?$top=1").status() == 200);
        String description = "x".repeat(1000);

        created(a.write("POST", "Things", "{\"name\": \"a1\", \"description\": \"" + description + "\"}"));
        created(a.write("POST", "Things", "{\"name\": \"a2\", \"description\": \"" + description + "\"}"));
        SensorThingsIT.Answer third = a.write("POST", "Things", "{\"name\": \"a3\", \"description\": \""
            + description + "\"}");
        SensorThingsIT.Answer other = b.write("POST", "Things", "{\"name\": \"b1\", \"description\": \""
            + description + "\"}");

        assertThat(wrong.status()).as(wrong.body()).isEqualTo(400);
        assertThat(wrong.body()).contains("config.member-share").contains("must be a percentage of the store's");
        assertThat(third.status()).isEqualTo(413);
        assertThat(third.json().getString("error")).startsWith("member seewetter's share of the SensorThings store is "
            + "full: a member's Things, Locations, Datastreams, Sensors, ObservedProperties and FeaturesOfInterest "
            + "hold at most 4000 bytes of memory together (member-share; counted as their JSON, a byte a character "
            + "or two beyond Latin-1, 384 bytes an entity, 80 a property and 96 a link each way), seewetter's hold ")
            .endsWith("delete seewetter's entities or links no longer needed, or ask the hub's admin for a larger "
                + "member-share");
        assertThat(other.status()).as(other.body()).isEqualTo(201);
        assertThat(a.get("Things?$orderby=name&$filter=" + SensorThingsIT.enc("name eq 'a1' or name eq 'a2' or "
            + "name eq 'a3'")).value()).extracting(t -> ((JsonObject) t).getString("name"))
            .containsExactly("a1", "a2");
    }

    @Test
    void eachCreatedObservationIsOnTheBusWithItsDatastreamAsSubject() {
        JsonObject s = station("Israelsdorf", 10.72, 53.90);
        long obs = observe(s.getLong("datastream"), "2026-05-01T06:00:00Z", 12.25);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<RecordedEvent> events = hub.events("sensorthings.observation").stream()
                .filter(e -> ("Datastreams(" + s.getLong("datastream") + ")").equals(e.subject()))
                .toList();
            assertThat(events).hasSize(1);
            JsonObject data = new JsonObject(events.get(0).dataString());
            assertThat(data.getLong("@iot.id")).isEqualTo(obs);
            assertThat(data.getDouble("result")).isEqualTo(12.25);
            assertThat(data.getString("phenomenonTime")).isEqualTo("2026-05-01T06:00:00.000Z");
        });
    }

    @Test
    void entitiesAndIdsAreTheSameAfterTheHubRestarts() {
        JsonObject s = station("Gothmund", 10.75, 53.89);
        observe(s.getLong("datastream"), "2026-05-02T06:00:00Z", 8);
        JsonArray before = get("Things?$top=200&$orderby=id&$expand=Locations,Datastreams($expand=Observations)")
            .value();

        hub.restart();
        await().atMost(Duration.ofSeconds(30)).until(() -> get(V11).status() == 200);

        // the links name the hub's new port; the rest is the same
        assertThat(get("Things?$top=200&$orderby=id&$expand=Locations,Datastreams($expand=Observations)").value()
            .encode().replaceAll("http://[^/]+/", "")).isEqualTo(before.encode().replaceAll("http://[^/]+/", ""));
        long next = created(write("POST", "Things", "{\"name\": \"after\", \"description\": \"restart\"}"));
        assertThat(next).isGreaterThan(s.getLong("thing"));
    }
}
