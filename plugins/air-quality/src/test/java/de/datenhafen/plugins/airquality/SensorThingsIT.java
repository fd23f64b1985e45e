package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.api.Caller;
import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.RecordedEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SensorThings API of the packaged plugin in a real hub: readings ingested through airquality-http are read back
 * through /sta/v1.1 and /sta/v1.0 with the query options, navigation and paging; writes need the role member-editor
 * of the plugin's owning member.
 */
class SensorThingsIT {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest()
        .config("auth.failures.limit", 1000).build();

    /** The owning member's editor; another member's editor; the owning member's editor scoped to another plugin. */
    static String WRITE_TOKEN;
    static String OTHER_EDITOR;
    static String ELSEWHERE;
    static final String ROOT = "/api/v1/plugins/air-quality/";
    static final Instant START = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static final String CSV = """
        site,site_name,address,latitude,longitude,room,room_name,kind,device,since
        gs-nord,Grundschule Nord,"Nordweg 1, 23552 Luebeck",53.87,10.68,1.01,Klasse 1a,classroom,70B3D57ED0000001,2026-01-01T00:00:00Z
        gs-nord,,,,,lz,Lehrerzimmer,staff room,70B3D57ED0000002,2026-01-01T00:00:00Z
        gym-sued,Gymnasium Sued,Suedring 5,53.84,10.69,a.12,Raum A12,classroom,0101010101010101,2026-01-01T00:00:00Z
        """;

    static long klasse1a;
    static long co2;
    static long gsNord;

    record Answer(int status, String body, HttpResponse<String> raw) {
        JsonObject json() {
            return new JsonObject(body);
        }

        JsonArray value() {
            return json().getJsonArray("value");
        }
    }

    @BeforeAll
    static void integrations() {
        HubClient client = hub.client();
        Members.create(client);
        WRITE_TOKEN = Members.token(client, Members.OWNER, "sta-editor", Caller.MEMBER_EDITOR);
        OTHER_EDITOR = Members.token(client, Members.OTHER, "sta-editor", Caller.MEMBER_EDITOR);
        ELSEWHERE = Members.scopedToken(client, Members.OWNER, "transit-only", "transit",
            Caller.MEMBER_EDITOR);
        AirQualityIT.create(client, "aq-registry", "airquality-registry", new JsonObject());
        AirQualityIT.create(client, "aq-projections", "airquality-projections", new JsonObject());
        AirQualityIT.create(client, "aq-http", "airquality-http", new JsonObject());
        AirQualityIT.create(client, "aq-sta", "airquality-sensorthings", new JsonObject().put("page-size", 5));
        // registry and uplinks with the hub's bootstrap admin token: a hub-admin may write any member's data
        HubClient.Response imported = client.post(ROOT + "registry/import", "text/csv", CSV);
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        // 12 readings of Klasse 1a, every 5 minutes, CO2 rising from 600 by 50; pressure on every other one
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 12; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"device\":\"70B3D57ED0000001\",\"time\":\"")
                .append(START.plus(Duration.ofMinutes(5L * i))).append("\",\"co2\":").append(600 + 50 * i)
                .append(",\"temperature\":21.5,\"humidity\":45").append(i % 2 == 0 ? ",\"pressure\":1013.2" : "")
                .append('}');
        }
        HubClient.Response ingested = client.post(ROOT + "uplinks", "application/json",
            batch.append(']').toString());
        assertThat(ingested.status()).as(ingested.body()).isEqualTo(202);
        klasse1a = get("/sta/v1.1/Things?$filter=" + enc("name eq 'Klasse 1a'")).value().getJsonObject(0)
            .getLong("@iot.id");
        co2 = klasse1a * 4;
        gsNord = get("/sta/v1.1/Locations?$filter=" + enc("properties/site eq 'gs-nord'")).value().getJsonObject(0)
            .getLong("@iot.id");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
            get("/sta/v1.1/Datastreams(" + co2 + ")/Observations?$count=true&$top=0").json()
                .getLong("@iot.count")).isEqualTo(12));
    }

    // ---- helpers

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static Answer get(String path) {
        return send("GET", path, null, null);
    }

    static Answer send(String method, String path, String body, String token) {
        URI uri = path.startsWith("http") ? URI.create(path) : hub.client().baseUri().resolve(path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method, body == null
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<RecordedEvent> events(String subject) {
        return hub.events("air.reading")
            .stream().filter(e -> subject.equals(e.subject())).toList();
    }

    static List<Object> field(JsonArray items, String name) {
        return items.stream().map(o -> ((JsonObject) o).getValue(name)).toList();
    }

    static String base() {
        return hub.client().baseUri().toString().replaceAll("/$", "") + "/sta/v1.1";
    }

    // ---- the service roots

    @Test
    void theV11RootListsTheEntitySetsAndTheConformanceClasses() {
        Answer r = get("/sta/v1.1");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(field(r.value(), "name")).containsExactly("Things", "Locations", "HistoricalLocations",
            "Datastreams", "Sensors", "ObservedProperties", "Observations", "FeaturesOfInterest");
        assertThat(r.value().getJsonObject(0).getString("url")).isEqualTo(base() + "/Things");
        assertThat(r.json().getJsonObject("serverSettings").getJsonArray("conformance").getList())
            .contains("http://www.opengis.net/spec/iot_sensing/1.1/req/request-data",
                "http://www.opengis.net/spec/iot_sensing/1.1/req/create-update-delete/create-entity");
    }

    @Test
    void theV10RootHasTheSameSetsAndNoServerSettings() {
        Answer r = get("/sta/v1.0");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.value()).hasSize(8);
        assertThat(r.json().containsKey("serverSettings")).isFalse();
        assertThat(get("/sta/v1.0/Things(" + klasse1a + ")").json().getString("@iot.selfLink"))
            .endsWith("/sta/v1.0/Things(" + klasse1a + ")");
    }

    // ---- reading the small sets

    @Test
    void filtersThingsThroughTheirLocationsOrdersSelectsAndCounts() {
        Answer r = get("/sta/v1.1/Things?$filter=" + enc("Locations/name eq 'Grundschule Nord'")
            + "&$orderby=" + enc("name desc") + "&$select=id,name&$count=true");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().getLong("@iot.count")).isEqualTo(2);
        assertThat(field(r.value(), "name")).containsExactly("Lehrerzimmer", "Klasse 1a");
        assertThat(r.value().getJsonObject(0).fieldNames()).containsExactlyInAnyOrder("@iot.id", "name");
    }

    @Test
    void aThingHasItsLinksAndLeadsToItsDatastreamsLocationAndHistoricalLocation() {
        JsonObject thing = get("/sta/v1.1/Things(" + klasse1a + ")").json();

        assertThat(thing.getString("@iot.selfLink")).isEqualTo(base() + "/Things(" + klasse1a + ")");
        assertThat(thing.getString("Datastreams@iot.navigationLink"))
            .isEqualTo(base() + "/Things(" + klasse1a + ")/Datastreams");
        assertThat(thing.getJsonObject("properties").getString("site")).isEqualTo("gs-nord");
        assertThat(field(get("/sta/v1.1/Things(" + klasse1a + ")/Datastreams").value(), "name")).containsExactly(
            "CO2 in Klasse 1a, Grundschule Nord", "Temperature in Klasse 1a, Grundschule Nord",
            "Relative humidity in Klasse 1a, Grundschule Nord", "Air pressure in Klasse 1a, Grundschule Nord");
        JsonObject location = get("/sta/v1.1/Things(" + klasse1a + ")/Locations").value().getJsonObject(0);
        assertThat(location.getLong("@iot.id")).isEqualTo(gsNord);
        assertThat(location.getString("@iot.selfLink")).isEqualTo(base() + "/Locations(" + gsNord + ")");
        assertThat(location.getJsonObject("properties").getString("site")).isEqualTo("gs-nord");
        assertThat(location.getJsonObject("location").getJsonArray("coordinates").getList())
            .containsExactly(10.68, 53.87);
        assertThat(get("/sta/v1.1/Locations(" + gsNord + ")/Things?$count=true").json().getLong("@iot.count"))
            .isEqualTo(2);
        assertThat(get("/sta/v1.1/HistoricalLocations(" + klasse1a + ")/Thing").json().getString("name"))
            .isEqualTo("Klasse 1a");
    }

    @Test
    void aDatastreamLeadsToItsThingSensorAndObservedPropertyAndHasItsUnit() {
        JsonObject ds = get("/sta/v1.1/Datastreams(" + co2 + ")?$expand=Thing($select=name),Sensor,ObservedProperty")
            .json();

        assertThat(ds.getJsonObject("unitOfMeasurement").getString("symbol")).isEqualTo("ppm");
        assertThat(ds.getJsonObject("Thing").getString("name")).isEqualTo("Klasse 1a");
        assertThat(ds.getJsonObject("Sensor").getString("name")).isEqualTo("NDIR CO2 sensor");
        assertThat(ds.getJsonObject("ObservedProperty").getString("name")).isEqualTo("CO2");
        assertThat(get("/sta/v1.1/Datastreams(" + co2 + ")/Thing").json().getLong("@iot.id")).isEqualTo(klasse1a);
        assertThat(get("/sta/v1.1/Sensors(1)/Datastreams?$count=true&$top=0").json().getLong("@iot.count"))
            .isEqualTo(3);
    }

    @Test
    void servesReferencesAndRawPropertyValues() {
        Answer refs = get("/sta/v1.1/Things(" + klasse1a + ")/Datastreams/$ref");
        Answer one = get("/sta/v1.1/Datastreams(" + co2 + ")/Thing/$ref");
        Answer name = get("/sta/v1.1/Things(" + klasse1a + ")/name/$value");
        Answer property = get("/sta/v1.1/Things(" + klasse1a + ")/name");

        assertThat(refs.value().getJsonObject(0).fieldNames()).containsExactly("@iot.selfLink");
        assertThat(refs.value().getJsonObject(0).getString("@iot.selfLink")).isEqualTo(base() + "/Datastreams(" + co2
            + ")");
        assertThat(one.json().getString("@iot.selfLink")).isEqualTo(base() + "/Things(" + klasse1a + ")");
        assertThat(name.body()).isEqualTo("Klasse 1a");
        assertThat(name.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(property.json()).isEqualTo(new JsonObject().put("name", "Klasse 1a"));
    }

    // ---- Observations

    @Test
    void readsTheIngestedReadingsNewestFirstWithATimeFilter() {
        Instant from = START.plus(Duration.ofMinutes(30));
        Answer r = get("/sta/v1.1/Datastreams(" + co2 + ")/Observations?$filter="
            + enc("phenomenonTime ge " + from) + "&$orderby=" + enc("phenomenonTime desc") + "&$top=3&$count=true");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().getLong("@iot.count")).isEqualTo(6);
        assertThat(field(r.value(), "result")).containsExactly(1150.0, 1100.0, 1050.0);
        JsonObject newest = r.value().getJsonObject(0);
        assertThat(newest.getString("phenomenonTime")).isEqualTo(START.plus(Duration.ofMinutes(55)).toString()
            .replace("Z", ".000Z")); // a whole minute, with its milliseconds as the service writes every time
        assertThat(newest.getString("resultTime")).isEqualTo(newest.getString("phenomenonTime"));
        assertThat(newest.getString("Datastream@iot.navigationLink")).endsWith("/Datastream");
        assertThat(get(newest.getString("@iot.selfLink")).json().getDouble("result")).isEqualTo(1150.0);
    }

    @Test
    void followsNextLinksThroughEveryPage() {
        List<Object> results = new ArrayList<>();
        String next = "/sta/v1.1/Datastreams(" + co2 + ")/Observations?$orderby=" + enc("result desc")
            + "&$select=result";
        int pages = 0;
        while (next != null) {
            JsonObject page = get(next).json();
            results.addAll(field(page.getJsonArray("value"), "result"));
            next = page.getString("@iot.nextLink");
            pages++;
        }

        assertThat(pages).isEqualTo(3); // page-size 5
        assertThat(results).hasSize(12).startsWith(1150.0, 1100.0).endsWith(600.0);
    }

    /**
     * A service with max-skip 5 (and pages of 5): the nextLinks of Observations skip while they can, then continue
     * after the last Observation of a page ({@code $skiptoken}) on the key instead of skipping: one Datastream newest
     * first, and a room's Observations in id order across its four Datastreams. A client following them gets what
     * one page of them all has, once each and in order.
     */
    @Test
    void nextLinksGoOnPastMaxSkipAfterTheLastObservationInsteadOfSkipping() {
        if (get("/sta-shallow/v1.1").status() != 200) {
            AirQualityIT.create(hub.client(), "aq-sta-shallow", "airquality-sensorthings", new JsonObject()
                .put("path", "/sta-shallow").put("page-size", 5).put("max-skip", 5));
            await().atMost(Duration.ofSeconds(10)).until(() -> get("/sta-shallow/v1.1").status() == 200);
        }
        String newest = "/Datastreams(" + co2 + ")/Observations?$orderby=" + enc("phenomenonTime desc");
        String room = "/Observations?$filter=" + enc("Datastream/Thing/name eq 'Klasse 1a'");

        List<String> links = new ArrayList<>();
        List<Object> followed = follow("/sta-shallow/v1.1" + newest, links);
        List<Object> roomFollowed = follow("/sta-shallow/v1.1" + room, new ArrayList<>());

        assertThat(followed).hasSizeGreaterThanOrEqualTo(12)
            .isEqualTo(field(get("/sta/v1.1" + newest + "&$top=1000").value(), "@iot.id"));
        assertThat(links.get(0)).contains("$skip=5").doesNotContain("$skiptoken");
        assertThat(links.get(1)).contains("$skiptoken=" + followed.get(9)).doesNotContain("$skip=");
        assertThat(roomFollowed).hasSizeGreaterThanOrEqualTo(42).doesNotHaveDuplicates()
            .isEqualTo(field(get("/sta/v1.1" + room + "&$top=1000").value(), "@iot.id"));
        // an order that cannot go on after an id: past max-skip its nextLink is refused, saying why
        Answer byResult = get(get(get("/sta-shallow/v1.1/Datastreams(" + co2 + ")/Observations?$orderby=result")
            .json().getString("@iot.nextLink")).json().getString("@iot.nextLink"));
        assertThat(byResult.status()).as(byResult.body()).isEqualTo(400);
        assertThat(byResult.json().getString("field")).isEqualTo("$skip");
    }

    /** The ids of every entity from {@code path} on, following the nextLinks (collected in {@code links}). */
    static List<Object> follow(String path, List<String> links) {
        List<Object> ids = new ArrayList<>();
        Answer page = get(path);
        while (true) {
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            ids.addAll(field(page.value(), "@iot.id"));
            String next = page.json().getString("@iot.nextLink");
            if (next == null) {
                return ids;
            }
            links.add(next);
            page = get(next);
        }
    }

    @Test
    void skipsAndCountsAcrossAllObservationsWithANavigationFilter() {
        Answer r = get("/sta/v1.1/Observations?$filter=" + enc("Datastream/Thing/name eq 'Klasse 1a' and "
            + "Datastream/ObservedProperty/name eq 'CO2' and result gt 1000") + "&$skip=1&$count=true");

        assertThat(r.json().getLong("@iot.count")).isEqualTo(3);
        assertThat(field(r.value(), "result")).containsExactly(1100.0, 1150.0);
        Answer pressure = get("/sta/v1.1/Datastreams(" + (co2 + 3) + ")/Observations?$count=true&$top=0");
        assertThat(pressure.json().getLong("@iot.count")).isEqualTo(6);
        assertThat(pressure.json().containsKey("@iot.nextLink")).isFalse(); // $top=0 asks for the count only
    }

    @Test
    void expandsNestedWithOptionsOfTheirOwn() {
        Answer r = get("/sta/v1.1/Things(" + klasse1a + ")?$expand=" + enc("Datastreams($filter=ObservedProperty/"
            + "name eq 'CO2';$expand=Observations($top=3;$orderby=phenomenonTime desc;$select=result))"));

        JsonArray streams = r.json().getJsonArray("Datastreams");
        assertThat(streams).hasSize(1);
        JsonObject stream = streams.getJsonObject(0);
        assertThat(field(stream.getJsonArray("Observations"), "result")).containsExactly(1150.0, 1100.0, 1050.0);
        assertThat(stream.getString("Observations@iot.nextLink")).isEqualTo(base() + "/Datastreams(" + co2
            + ")/Observations?$top=3&$orderby=phenomenonTime%20desc&$select=result&$skip=3");
        assertThat(field(get(stream.getString("Observations@iot.nextLink")).value(), "result"))
            .containsExactly(1000.0, 950.0, 900.0);
    }

    @Test
    void filtersWithFunctionsOnBothSides() {
        Answer things = get("/sta/v1.1/Things?$filter=" + enc("startswith(tolower(name), 'klasse') or "
            + "substringof('A12', name)") + "&$orderby=id");
        Answer locations = get("/sta/v1.1/Locations?$filter=" + enc("geo.distance(location, "
            + "geography'POINT(10.68 53.86)') lt 0.02"));
        Answer obs = get("/sta/v1.1/Datastreams(" + co2 + ")/Observations?$filter=" + enc("year(phenomenonTime) eq "
            + START.atZone(java.time.ZoneOffset.UTC).getYear() + " and result mod 100 eq 0 and phenomenonTime lt "
            + "now()") + "&$count=true");

        assertThat(field(things.value(), "name")).containsExactly("Klasse 1a", "Raum A12");
        assertThat(field(locations.value(), "@iot.id")).extracting(id -> ((Number) id).longValue())
            .containsExactly(gsNord);
        assertThat(obs.json().getLong("@iot.count")).isEqualTo(6);
    }

    @Test
    void neverShowsADeviceIdentifier() {
        String all = get("/sta/v1.1/Things?$expand=" + enc("Datastreams($expand=Observations($top=1),Sensor),"
            + "Locations,HistoricalLocations")).body() + get("/sta/v1.1/Sensors").body()
            + get("/sta/v1.1/FeaturesOfInterest").body();

        assertThat(all).doesNotContain("70B3D57ED0000001").doesNotContain("0101010101010101");
        assertThat(all).contains("Klasse 1a");
    }

    // ---- errors

    @Test
    void aBadFilterIs400NamingTheOptionAndPosition() {
        Answer r = get("/sta/v1.1/Things?$filter=" + enc("name eq 'Klasse 1a' and"));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json()).isEqualTo(new JsonObject()
            .put("error", "invalid $filter at position 23: the expression ends too early")
            .put("field", "$filter").put("position", 23));
    }

    @Test
    void anUnknownPropertyInOrderbyOrSelectIs400() {
        Answer order = get("/sta/v1.1/Things?$orderby=colour");
        Answer select = get("/sta/v1.1/Things?$select=colour");

        assertThat(order.status()).isEqualTo(400);
        assertThat(order.json().getString("error")).contains("Thing has no property or navigation property 'colour'");
        assertThat(select.status()).isEqualTo(400);
        assertThat(select.json().getString("field")).isEqualTo("$select");
    }

    @Test
    void anUnknownPropertyIs400InTheOptionThatNamesItWhateverTheCollectionHolds() {
        Answer many = get("/sta/v1.1/Things?$orderby=colour");
        Answer one = get("/sta/v1.1/Things(" + klasse1a + ")/Locations?$orderby=colour"); // nothing to compare
        Answer none = get("/sta/v1.1/Things?$filter=" + enc("name eq 'nobody' and colour eq 'red'"));

        assertThat(many.status()).isEqualTo(400);
        assertThat(many.json().getString("field")).isEqualTo("$orderby");
        assertThat(one.status()).as(one.body()).isEqualTo(400);
        assertThat(one.json().getString("field")).isEqualTo("$orderby");
        assertThat(none.status()).as(none.body()).isEqualTo(400);
        assertThat(none.json().getString("field")).isEqualTo("$filter");
        assertThat(none.json().getInteger("position")).isEqualTo(21);
    }

    @Test
    void escapesInOptionsAreDecodedOnce() {
        Answer r = get("/sta/v1.1/Things?$filter=" + enc("name eq 'A&B=100%' or name eq 'Klasse 1a'"));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(field(r.value(), "name")).containsExactly("Klasse 1a");
    }

    @Test
    void unknownIdsSetsAndVersionsAre404WithJson() {
        assertThat(get("/sta/v1.1/Things(999999)").status()).isEqualTo(404);
        assertThat(get("/sta/v1.1/Locations(" + Long.MAX_VALUE + ")").json().getString("error"))
            .isEqualTo("no Locations(" + Long.MAX_VALUE + ")");
        assertThat(get("/sta/v1.1/Locations('gs-nord')").json().getString("error"))
            .isEqualTo("no Locations('gs-nord'); Location ids are numbers (the site's id is properties/site)");
        assertThat(get("/sta/v1.1/Things(99999999999999999999)").status()).isEqualTo(404);
        assertThat(get("/sta/v1.1/Rooms").status()).isEqualTo(404);
        assertThat(get("/sta/v2.0/Things").json().getString("field")).isEqualTo("path");
        assertThat(get("/sta/v1.1/Things(" + klasse1a + ")/Datastreams(1)").status()).isEqualTo(404);
    }

    // ---- writes

    @Test
    void anObservationWithoutAMemberTokenOrFromAnotherMemberIsRefusedAndNothingIsStored() {
        String body = "{\"result\": 777, \"phenomenonTime\": \"" + START.plus(Duration.ofMinutes(2)) + "\"}";
        String path = "/sta/v1.1/Datastreams(" + co2 + ")/Observations";
        Answer none = send("POST", path, body, null);
        Answer wrong = send("POST", path, body, "dh_aaaaaaaaaaaa_not-a-token");
        Answer other = send("POST", path, body, OTHER_EDITOR);
        Answer scoped = send("POST", path, body, ELSEWHERE);

        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().getString("error")).isEqualTo("this endpoint needs a token (Authorization: Bearer "
            + "<token>) or a session with the role member-editor");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.json()).isEqualTo(new JsonObject().put("error", "this endpoint needs the role member-editor "
            + "of member luftblick (or hub-admin)").put("field", "Authorization"));
        assertThat(scoped.status()).isEqualTo(403);
        assertThat(scoped.json().getString("error")).isEqualTo("this token is scoped to plugin transit");
        assertThat(events("gs-nord/1.01")).hasSize(12).allSatisfy(e ->
            assertThat(e.id()).doesNotStartWith("sta:"));
    }

    /**
     * Create bodies that readers read differently (Jackson alone took each: the last of two results, the first of
     * two objects, C0 AE as a dot) are refused naming the field, as the hub's own doors refuse them, and nothing is
     * stored.
     */
    @Test
    void anObservationBodyThatReadersReadDifferentlyIsRefusedNamingTheFieldAndNothingIsStored() throws Exception {
        Instant t = START.plus(Duration.ofMinutes(97));
        long staffRoom = get("/sta/v1.1/Things?$filter=" + enc("name eq 'Lehrerzimmer'")).value().getJsonObject(0)
            .getLong("@iot.id");
        String observation = "{\"result\": 400, \"phenomenonTime\": \"" + t + "\", \"Datastream\": {\"@iot.id\": "
            + staffRoom * 4 + "}";

        Answer twice = send("POST", "/sta/v1.1/Observations", observation + ", \"result\": 4000}", WRITE_TOKEN);
        Answer after = send("POST", "/sta/v1.1/Observations", observation + "} {\"result\": 4000}", WRITE_TOKEN);
        byte[] head = (observation + ", \"parameters\": {\"note\": \"/p").getBytes(StandardCharsets.UTF_8);
        byte[] overlong = java.util.Arrays.copyOf(head, head.length + 5);
        overlong[head.length] = (byte) 0xC0;
        overlong[head.length + 1] = (byte) 0xAE;
        overlong[head.length + 2] = '"';
        overlong[head.length + 3] = '}';
        overlong[head.length + 4] = '}';
        HttpResponse<String> illFormed = HTTP.send(HttpRequest.newBuilder(hub.client().baseUri()
                .resolve("/sta/v1.1/Observations")).POST(HttpRequest.BodyPublishers.ofByteArray(overlong))
            .header("Authorization", "Bearer " + WRITE_TOKEN).header("Content-Type", "application/json").build(),
            HttpResponse.BodyHandlers.ofString());

        assertThat(twice.status()).as(twice.body()).isEqualTo(400);
        assertThat(twice.json()).isEqualTo(new JsonObject().put("error", "result is given twice in one object; each "
            + "name once (which of the two a reader keeps differs from reader to reader)").put("field", "result"));
        assertThat(after.status()).as(after.body()).isEqualTo(400);
        assertThat(after.json()).isEqualTo(new JsonObject().put("error", "the body holds more after its JSON value, "
            + "at line 1, column " + (observation.length() + 3) + ": send one JSON object, nothing after it")
            .put("field", "body"));
        assertThat(illFormed.statusCode()).as(illFormed.body()).isEqualTo(400);
        assertThat(new JsonObject(illFormed.body()).getString("field")).isEqualTo("body");
        assertThat(new JsonObject(illFormed.body()).getString("error")).startsWith("the body is not well-formed "
            + "UTF-8: C0 AE at byte " + head.length + " of the body is an overlong form");
        assertThat(events("gs-nord/lz")).extracting(RecordedEvent::id).doesNotContain("sta:gs-nord/lz/co2@" + t);
    }

    @Test
    void anObservationWithTheTokenIsCommittedAndShowsInThePluginsOwnReadApi() {
        Instant t = START.plus(Duration.ofMinutes(62));
        long staffRoom = get("/sta/v1.1/Things?$filter=" + enc("name eq 'Lehrerzimmer'")).value().getJsonObject(0)
            .getLong("@iot.id");
        Answer r = send("POST", "/sta/v1.1/Observations", "{\"result\": 1234, \"phenomenonTime\": \"" + t
            + "\", \"Datastream\": {\"@iot.id\": " + staffRoom * 4 + "}}", WRITE_TOKEN);

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        Answer again = send("POST", "/sta/v1.1/Observations", "{\"result\": 1234, \"phenomenonTime\": \"" + t
            + "\", \"Datastream\": {\"@iot.id\": " + staffRoom * 4 + "}}", WRITE_TOKEN);
        assertThat(again.status()).as("the same Observation again creates nothing").isEqualTo(200);
        assertThat(again.json().getLong("@iot.id")).isEqualTo(r.json().getLong("@iot.id"));
        String location = r.raw().headers().firstValue("Location").orElseThrow();
        assertThat(location).isEqualTo(base() + "/Observations(" + r.json().getLong("@iot.id") + ")");
        assertThat(events("gs-nord/lz")).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo("sta:gs-nord/lz/co2@" + t);
            assertThat(e.dataString()).doesNotContain("temperature");
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(get(location).json().getDouble("result")).isEqualTo(1234.0);
            JsonArray points = hub.client().anonymous().get(ROOT + "sites/gs-nord/rooms/lz/history?resolution=raw"
                + "&from=" + t + "&to=" + t.plusSeconds(1)).json().getJsonArray("points");
            assertThat(points).hasSize(1);
            assertThat(points.getJsonObject(0).getInteger("co2")).isEqualTo(1234);
            assertThat(points.getJsonObject(0).getValue("temperature")).isNull();
        });
    }

    @Test
    void anImpossibleValueIsRefusedNamingTheField() {
        Answer r = send("POST", "/sta/v1.1/Datastreams(" + (co2 + 2) + ")/Observations",
            "{\"result\": 140, \"phenomenonTime\": \"" + START + "\"}", WRITE_TOKEN);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json()).isEqualTo(new JsonObject().put("error",
            "140.0 is impossible for humidity: it must be between 0 and 100 %").put("field", "result"));
    }

    @Test
    void anEmptyBodyIsRefusedWithTheHubsOneAnswer() {
        Answer r = send("POST", "/sta/v1.1/Datastreams(" + co2 + ")/Observations", "", WRITE_TOKEN);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("error")).isEqualTo("the request body is empty; send the entity as one JSON "
            + "object");
        assertThat(r.json().getString("field")).isEqualTo("body");
    }

    @Test
    void theOpenApiDocumentListsTheSensorThingsServiceWithItsPluginAndIntegration() {
        JsonObject paths = hub.client().anonymous().get("/api/v1/openapi.json").json().getJsonObject("paths");

        // described by the plugin's own fragment (META-INF/datenhafen/openapi.json) at the path the integration serves
        JsonObject things = paths.getJsonObject("/sta/{version}/Things");
        assertThat(things).as(paths.fieldNames().toString()).isNotNull();
        assertThat(things.fieldNames()).contains("get", "post");
        assertThat(things.getJsonObject("get").getString("x-datenhafen-plugin")).isEqualTo("air-quality");
        assertThat(things.getJsonObject("get").containsKey("x-datenhafen-integration")).isFalse();
        assertThat(hub.client().get("/api/v1/openapi.json").json().getJsonObject("paths")
            .getJsonObject("/sta/{version}/Things").getJsonObject("get").getString("x-datenhafen-integration"))
            .as("to a caller who may read the integration").isEqualTo("aq-sta");
        assertThat(paths.getJsonObject("/sta/{version}/Things({id})").fieldNames()).contains("get", "patch", "delete");
        assertThat(things.getJsonObject("get").containsKey("security")).isFalse();
        assertThat(things.getJsonObject("post").getJsonArray("security")).isEqualTo(new JsonArray()
            .add(new JsonObject().put("bearer", new JsonArray()))
            .add(new JsonObject().put("session", new JsonArray())));
        assertThat(things.getJsonObject("post").getJsonObject("responses").fieldNames()).contains("401", "403");
    }

    @Test
    void anObservationAtTheTimeOfAStoredOneWithAnotherValueIsRefused() {
        Answer r = send("POST", "/sta/v1.1/Datastreams(" + co2 + ")/Observations", "{\"result\": 3000, "
            + "\"phenomenonTime\": \"" + START + "\"}", WRITE_TOKEN);

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().getString("error")).isEqualTo("Datastream " + co2 + " has an Observation at " + START
            + " already (result 600.0): readings are kept as measured");
    }

    @Test
    void aFilterThatIsNotAConditionIs400() {
        Answer r = get("/sta/v1.1/Things?$filter=name");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("error")).isEqualTo("invalid $filter at position 0: the filter is not a "
            + "condition (true or false)");
    }

    @Test
    void anObservationCannotBeChangedOrDeletedOneByOne() {
        long id = get("/sta/v1.1/Datastreams(" + co2 + ")/Observations?$top=1").value().getJsonObject(0)
            .getLong("@iot.id");

        Answer patch = send("PATCH", "/sta/v1.1/Observations(" + id + ")", "{\"result\": 5}", WRITE_TOKEN);
        Answer delete = send("DELETE", "/sta/v1.1/Observations(" + id + ")", null, WRITE_TOKEN);

        assertThat(patch.status()).isEqualTo(405);
        assertThat(patch.json().getString("error")).startsWith("an Observation cannot be changed");
        assertThat(delete.status()).isEqualTo(405);
        assertThat(get("/sta/v1.1/Observations(" + id + ")").status()).isEqualTo(200);
    }

    @Test
    void createsChangesAndDeletesLocationsAndThingsInTheRegistry() {
        Answer site = send("POST", "/sta/v1.1/Locations", "{\"name\": \"Realschule West\", \"properties\": "
            + "{\"site\": \"rs-west\"}, \"description\": \"Westweg 3\", \"encodingType\": \"application/geo+json\", "
            + "\"location\": {\"type\": \"Point\", \"coordinates\": [10.61, 53.86]}}", WRITE_TOKEN);
        assertThat(site.status()).as(site.body()).isEqualTo(201);
        long rsWest = site.json().getLong("@iot.id");
        Answer room = send("POST", "/sta/v1.1/Things", "{\"name\": \"Klasse 5c\", \"properties\": {\"room\": \"5c\", "
            + "\"kind\": \"classroom\"}, \"Locations\": [{\"@iot.id\": " + rsWest + "}]}", WRITE_TOKEN);

        assertThat(site.raw().headers().firstValue("Location").orElseThrow())
            .isEqualTo(base() + "/Locations(" + rsWest + ")");
        assertThat(room.status()).as(room.body()).isEqualTo(201);
        String thing = room.raw().headers().firstValue("Location").orElseThrow();
        Answer renamed = send("PATCH", thing, "{\"name\": \"Klasse 6c\"}", WRITE_TOKEN);
        assertThat(renamed.json().getString("name")).isEqualTo("Klasse 6c");
        assertThat(hub.client().anonymous().get(ROOT + "sites?rooms=true").body()).contains("Klasse 6c", "Realschule West");
        assertThat(send("DELETE", "/sta/v1.1/Locations(" + rsWest + ")", null, WRITE_TOKEN).status()).isEqualTo(409);
        assertThat(send("DELETE", thing, null, WRITE_TOKEN).status()).isEqualTo(200);
        assertThat(send("DELETE", "/sta/v1.1/Locations(" + rsWest + ")", null, WRITE_TOKEN).status()).isEqualTo(200);
        assertThat(get(thing).status()).isEqualTo(404);
        Answer used = send("DELETE", "/sta/v1.1/Things(" + klasse1a + ")", null, WRITE_TOKEN);
        assertThat(used.status()).isEqualTo(409);
        assertThat(used.json().getString("error")).contains("has had a device installed");
    }

    @Test
    void anotherMembersEditorCannotChangeOrDeleteAThingAndItStaysAsItWas() {
        String thing = "/sta/v1.1/Things(" + klasse1a + ")";

        Answer renamed = send("PATCH", thing, "{\"name\": \"Klasse 9z\"}", OTHER_EDITOR);
        Answer deleted = send("DELETE", thing, null, OTHER_EDITOR);

        assertThat(renamed.status()).isEqualTo(403);
        assertThat(deleted.status()).isEqualTo(403);
        assertThat(get(thing).json().getString("name")).isEqualTo("Klasse 1a");
    }

    @Test
    void anOldWriteTokenInTheConfigIsRefusedSayingWhatReplacedIt() {
        HubClient.Response r = hub.client().post("/api/v1/admin/integrations", new JsonObject().put("name", "aq-sta-old")
            .put("connector", "airquality-sensorthings").put("config", new JsonObject()
                .put("path", "/sta-old").put("write-token", "sta-write-token-of-the-old-days")));

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().getString("error")).isEqualTo("config.write-token: write-token was replaced by "
            + "member tokens: give the member's users or tokens the role member-editor (README, 'Members, people "
            + "and tokens'), then remove write-token from this integration's config");
        assertThat(get("/sta-old/v1.1").status()).isEqualTo(404);
    }

    @Test
    void openWritesLetATestInstallationWriteWithoutAToken() {
        AirQualityIT.create(hub.client(), "aq-sta-open", "airquality-sensorthings",
            new JsonObject().put("path", "/sta-open").put("open-writes", true));

        Answer r = send("POST", "/sta-open/v1.1/Locations", "{\"name\": \"Test Site\"}", null);

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        long id = r.json().getLong("@iot.id");
        assertThat(r.json().getJsonObject("properties").getString("site")).isEqualTo("test-site");
        assertThat(r.raw().headers().firstValue("Location").orElseThrow())
            .endsWith("/sta-open/v1.1/Locations(" + id + ")");
        assertThat(get("/sta/v1.1/Locations(" + id + ")").json().getString("name")).isEqualTo("Test Site");
        assertThat(send("DELETE", "/sta-open/v1.1/Locations(" + id + ")", null, null).status()).isEqualTo(200);
    }

    @Test
    void aLocationsNumberIsKeptWhenItsSiteIsDeletedAndCreatedAgainAndNeverGivenToAnother() {
        Answer first = send("POST", "/sta/v1.1/Locations", "{\"name\": \"Foerderschule\", \"properties\": "
            + "{\"site\": \"fs-ost\"}}", WRITE_TOKEN);
        long number = first.json().getLong("@iot.id");
        assertThat(send("DELETE", "/sta/v1.1/Locations(" + number + ")", null, WRITE_TOKEN).status()).isEqualTo(200);
        Answer other = send("POST", "/sta/v1.1/Locations", "{\"name\": \"Anderswo\"}", WRITE_TOKEN);
        Answer again = send("POST", "/sta/v1.1/Locations", "{\"name\": \"Foerderschule Ost\", \"properties\": "
            + "{\"site\": \"fs-ost\"}}", WRITE_TOKEN);

        assertThat(again.json().getLong("@iot.id")).isEqualTo(number);
        assertThat(other.json().getLong("@iot.id")).isGreaterThan(number);
        assertThat(send("POST", "/sta/v1.1/Locations", "{\"@iot.id\": 7, \"name\": \"x\"}", WRITE_TOKEN).json())
            .isEqualTo(new JsonObject().put("error", "Location ids are numbers the service gives; put the site's own "
                + "id in properties/site").put("field", "@iot.id"));
        send("DELETE", "/sta/v1.1/Locations(" + number + ")", null, WRITE_TOKEN);
        send("DELETE", "/sta/v1.1/Locations(" + other.json().getLong("@iot.id") + ")", null, WRITE_TOKEN);
    }

    @Test
    void withStringIdsLocationsAreKnownByTheirSiteIdsAsBeforeAndByTheirNumbersToo() {
        AirQualityIT.create(hub.client(), "aq-sta-strings", "airquality-sensorthings",
            new JsonObject().put("path", "/sta-strings").put("string-ids", true));
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/sta-strings/v1.1").status() == 200);

        JsonObject byName = get("/sta-strings/v1.1/Locations('gs-nord')").json();
        Answer thing = get("/sta-strings/v1.1/Things(" + klasse1a + ")/Locations('gs-nord')");
        Answer created = send("POST", "/sta-strings/v1.1/Locations", "{\"@iot.id\": \"str-site\", \"name\": \"S\"}",
            WRITE_TOKEN);

        assertThat(byName.getString("@iot.id")).isEqualTo("gs-nord");
        assertThat(byName.getString("@iot.selfLink")).endsWith("/sta-strings/v1.1/Locations('gs-nord')");
        assertThat(get("/sta-strings/v1.1/Locations(" + gsNord + ")").json().getString("@iot.id")).isEqualTo("gs-nord");
        assertThat(thing.status()).isEqualTo(200);
        assertThat(get("/sta-strings/v1.1/Things?$filter=" + enc("Locations/id eq 'gs-nord'") + "&$count=true").json()
            .getLong("@iot.count")).isEqualTo(2);
        assertThat(created.raw().headers().firstValue("Location").orElseThrow())
            .endsWith("/sta-strings/v1.1/Locations('str-site')");
        assertThat(get("/sta/v1.1/Locations?$filter=" + enc("properties/site eq 'str-site'")).value().getJsonObject(0)
            .getValue("@iot.id")).isInstanceOf(Number.class);
        assertThat(send("DELETE", "/sta-strings/v1.1/Locations('str-site')", null, WRITE_TOKEN).status()).isEqualTo(200);
    }

    @Test
    void everyIdIsANumberAndFiltersOnIdsFindTheirEntity() {
        for (String set : List.of("Things", "Locations", "HistoricalLocations", "Datastreams", "Sensors",
            "ObservedProperties", "Observations", "FeaturesOfInterest")) {
            JsonObject first = get("/sta/v1.0/" + set + "?$top=1").value().getJsonObject(0);
            Object id = first.getValue("@iot.id");
            assertThat(id).as(set).isInstanceOf(Number.class);
            assertThat(first.getString("@iot.selfLink")).isEqualTo(base().replace("v1.1", "v1.0") + "/" + set + "("
                + id + ")");
            assertThat(field(get("/sta/v1.0/" + set + "?$filter=" + enc("id eq " + id)).value(), "@iot.id")).as(set)
                .containsExactly(id);
            assertThat(field(get("/sta/v1.0/" + set + "?$filter=" + enc("@iot.id eq " + id)).value(), "@iot.id"))
                .as(set).containsExactly(id);
            assertThat(get("/sta/v1.0/" + set + "(" + id + ")/$ref").json().getString("@iot.selfLink"))
                .isEqualTo(first.getString("@iot.selfLink"));
        }
    }

    @Test
    void aSecondServiceBelowTheFirstsPathIsRefusedWith409NamingIt() {
        HubClient.Response r = hub.client().post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "aq-sta-twin").put("connector", "airquality-sensorthings")
            .put("config", new JsonObject().put("path", "/sta/v2")));

        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.json()).isEqualTo(new JsonObject().put("error", "path /sta/v2 is already served by integration "
            + "aq-sta: choose another path or delete integration aq-sta").put("field", "config.path"));
        assertThat(hub.client().get("/api/v1/admin/integrations/aq-sta-twin").status()).isEqualTo(404);
        assertThat(get("/sta/v1.1").status()).isEqualTo(200);
    }

    @Test
    void derivedEntitiesCannotBeWritten() {
        Answer r = send("POST", "/sta/v1.1/Sensors", "{\"name\": \"x\"}", WRITE_TOKEN);

        assertThat(r.status()).isEqualTo(405);
        assertThat(r.json().getString("error")).startsWith("Sensors are derived from the registry");
    }

    // ---- issue 10: bounded answers, no SQL in answers, no links from the Host header

    /** A second service with small limits and a configured base URL, at /sta-small. */
    static void small() {
        if (get("/sta-small/v1.1").status() != 200) {
            AirQualityIT.create(hub.client(), "aq-sta-small", "airquality-sensorthings", new JsonObject()
                .put("path", "/sta-small").put("max-entities", 20).put("max-answer-bytes", 4096)
                .put("base-url", "https://data.example.org/sta-small"));
            await().atMost(Duration.ofSeconds(10)).until(() -> get("/sta-small/v1.1").status() == 200);
        }
    }

    @Test
    void anExpandFiftySegmentsDeepIsRefusedNamingTheDepthLimit() {
        String fifty = String.join("/", java.util.Collections.nCopies(25, "Datastreams/Thing"));

        Answer r = get("/sta/v1.1/Things?$top=1&$expand=" + fifty);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("$expand");
        assertThat(r.json().getString("error")).isEqualTo("invalid $expand at position 0: '" + fifty + "' nests "
            + "$expand 50 levels deep; at most 3 (max-expand-depth)");
    }

    @Test
    void anAnswerWithMoreEntitiesThanTheLimitIsRefusedNamingTheLimit() {
        small();

        Answer r = get("/sta-small/v1.1/Datastreams?$expand=Thing/Locations");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json()).isEqualTo(new JsonObject().put("error", "the answer would hold more than 20 entities "
            + "(max-entities, expanded ones included): ask for fewer with $top, or expand less")
            .put("field", "$expand"));
        assertThat(get("/sta-small/v1.1/Datastreams?$top=5&$select=name&$expand=" + enc("Thing($select=name;"
            + "$expand=Locations($select=name))")).status()).isEqualTo(200);
    }

    @Test
    void anAnswerLargerThanTheByteLimitIsRefusedNamingTheLimit() {
        small();

        Answer r = get("/sta-small/v1.1/Things?$expand=Datastreams");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json()).isEqualTo(new JsonObject().put("error", "the answer would be larger than 4096 bytes "
            + "(max-answer-bytes): ask for fewer with $top, $select or expand less").put("field", "$expand"));
        assertThat(get("/sta-small/v1.1/Things?$expand=Datastreams($select=name)").status()).isEqualTo(200);
    }

    @Test
    void deeplyNestedFilterParenthesesAre400NamingTheFilter() {
        Answer r = get("/sta/v1.1/Things?$filter=" + enc("(".repeat(60) + "id eq 1" + ")".repeat(60)));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("$filter");
        assertThat(r.json().getString("error")).endsWith("nested deeper than 50 levels (parentheses, not, minus and "
            + "function calls)");
    }

    @Test
    void overflowingArithmeticIs400NamingTheFilterAndShowsNoSql() {
        Answer constant = get("/sta/v1.1/Observations?$filter=" + enc("result gt 1e308 mul 10"));
        Answer inTheDatabase = get("/sta/v1.1/Datastreams(" + co2 + ")/Observations?$filter="
            + enc("id mul 9223372036854775807 gt 1"));

        for (Answer r : List.of(constant, inTheDatabase)) {
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().getString("field")).isEqualTo("$filter");
            assertThat(r.body()).doesNotContain("SELECT").doesNotContain("READING").doesNotContain("reading");
        }
    }

    @Test
    void aLocationNameLongerThanItsColumnIs400NamingTheFieldAndShowsNoSql() {
        Answer r = send("POST", "/sta/v1.1/Locations", "{\"properties\": {\"site\": \"long-name\"}, \"name\": \""
            + "n".repeat(250) + "\"}", WRITE_TOKEN);
        Answer huge = send("POST", "/sta/v1.1/Locations", "{\"properties\": {\"site\": \"huge-name\"}, \"name\": \""
            + "n".repeat(2 * 1024 * 1024) + "\"}", WRITE_TOKEN);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json()).isEqualTo(new JsonObject().put("error", "name has 250 characters; at most 200")
            .put("field", "name"));
        assertThat(huge.status()).isBetween(400, 499);
        assertThat(huge.body()).doesNotContain("INSERT").doesNotContain("nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn");
        assertThat(get("/sta/v1.1/Locations?$filter=" + enc("properties/site eq 'long-name'")).value()).isEmpty();
    }

    /** A request written by hand: java.net.http will not send a Host header of the caller's choosing. */
    static String withHost(String path, String host) throws IOException {
        URI base = hub.client().baseUri();
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close"
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aHostHeaderNeverBecomesALinkWhenTheBaseUrlIsConfigured() throws IOException {
        small();

        String answer = withHost("/sta-small/v1.1/Things?$top=1&$count=true", "evil.example");

        assertThat(answer).startsWith("HTTP/1.1 200").doesNotContain("evil.example")
            .contains("\"@iot.selfLink\":\"https://data.example.org/sta-small/v1.1/Things(")
            .contains("\"@iot.nextLink\":\"https://data.example.org/sta-small/v1.1/Things?");
    }

    /** Without a base-url the links come from Exchange.HTTP_URL, which the hub builds from its own public URL. */
    @Test
    void aHostHeaderNeverBecomesALinkWithoutABaseUrlEither() throws IOException {
        String answer = withHost("/sta/v1.1/Things?$top=1", "evil.example");

        assertThat(answer).startsWith("HTTP/1.1 200").doesNotContain("evil.example").contains(base() + "/Things(");
    }
}
