package de.datenhafen.plugins.transit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.transit.realtime.GtfsRealtime.FeedEntity;
import com.google.transit.realtime.GtfsRealtime.FeedHeader;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import com.google.transit.realtime.GtfsRealtime.Position;
import com.google.transit.realtime.GtfsRealtime.TripDescriptor;
import com.google.transit.realtime.GtfsRealtime.TripUpdate;
import com.google.transit.realtime.GtfsRealtime.VehicleDescriptor;
import com.google.transit.realtime.GtfsRealtime.VehiclePosition;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.RecordedEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The transit plugin loaded from its packaged archive into a real hub. */
class TransitIT {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest().build();

    private static final String API = "/api/v1/plugins/transit/";
    private static final String PROTOBUF = "application/x-protobuf";
    /** Member tokens: the operator's (the plugin's provider) editor and viewer, and another member's editor. */
    private static String operator;
    private static String operatorViewer;
    private static String other;
    /** The operator's editor, scoped to another plugin. */
    private static String scopedElsewhere;
    private static Path folder;
    private static Path feed;
    private static HttpServer server;
    private static final List<String> conditional = new CopyOnWriteArrayList<>();
    private static volatile byte[] realtimeBody = new byte[0];

    @BeforeAll
    static void setUp(HubClient client) throws IOException {
        folder = Files.createTempDirectory("transit-it-");
        // plus a holiday shuttle Koberg - Travemünde of frequencies.txt: template at 06:00, runs every 20 minutes
        // from 10:00 to 11:00 (headway-based)
        feed = GtfsFixture.standard()
            .append("trips.txt", "r30,holiday,beach,Travemünde,0\n")
            .append("stop_times.txt", "beach,06:00:00,06:00:00,koberg,1\nbeach,06:40:00,06:40:00,travem,2\n")
            .put("frequencies.txt", "trip_id,start_time,end_time,headway_secs,exact_times\n"
                + "beach,10:00:00,11:00:00,1200,0\n")
            .write(folder.resolve("sh.zip"));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/gtfs.zip", ex -> serve(ex, Files.readAllBytes(feed), "\"v1\"", "application/zip"));
        server.createContext("/rt.pb", ex -> serve(ex, realtimeBody, "\"" + java.util.Arrays.hashCode(realtimeBody)
            + "\"", "application/x-protobuf"));
        server.start();
        members(client);
        HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "sh")
            .put("connector", "gtfs-schedule").put("config", new JsonObject().put("source", feed.toString())
                .put("import-folder", folder.toString())
                .put("agencies", new JsonArray().add("swl"))));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(20)).until(() -> client.get(API + "status").json()
            .getValue("timetable") != null);
    }

    /** The plugin's owning member (its provider's name), another member, and their tokens. */
    private static void members(HubClient admin) {
        HubClient.Response a = admin.post("/api/v1/admin/members", new JsonObject().put("id", "stadtwerke-mobil")
            .put("name", "Stadtwerke Lübeck Mobil"));
        HubClient.Response b = admin.post("/api/v1/admin/members", new JsonObject().put("id", "nachbarbetrieb")
            .put("name", "Verkehrsbetrieb Nachbarstadt"));
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        assertThat(b.status()).as(b.body()).isEqualTo(201);
        operator = token(admin, "stadtwerke-mobil", "editor", "member-editor", null);
        operatorViewer = token(admin, "stadtwerke-mobil", "viewer", "viewer", null);
        other = token(admin, "nachbarbetrieb", "editor", "member-editor", null);
        scopedElsewhere = token(admin, "stadtwerke-mobil", "elsewhere", "member-editor", "air-quality");
    }

    private static String token(HubClient admin, String member, String name, String role, String scopePlugin) {
        JsonObject body = new JsonObject().put("name", name).put("roles", new JsonArray().add(role));
        if (scopePlugin != null) {
            body.put("scope", new JsonObject().put("plugin", scopePlugin));
        }
        HubClient.Response r = admin.post("/api/v1/admin/members/" + member + "/tokens", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().getString("token");
    }

    @AfterAll
    static void tearDown() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static void serve(HttpExchange ex, byte[] body, String etag, String type) throws IOException {
        String ifNoneMatch = ex.getRequestHeaders().getFirst("If-None-Match");
        if (ifNoneMatch != null) {
            conditional.add(ex.getRequestURI().getPath() + " " + ifNoneMatch);
        }
        if (etag.equals(ifNoneMatch)) {
            ex.sendResponseHeaders(304, -1);
            ex.close();
            return;
        }
        ex.getResponseHeaders().add("ETag", etag);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static List<RecordedEvent> events(String type) {
        return hub.events(type);
    }

    private static String data(RecordedEvent e) {
        return e.dataString();
    }

    @Test
    void aCompletedImportRaisesScheduleUpdatedWithTheTimetablesFigures(HubClient client) {
        // the status shows the timetable as soon as it is in use; the route puts the event on the bus after that
        await().atMost(Duration.ofSeconds(20)).until(() -> !events("transit.schedule.updated").isEmpty());
        List<RecordedEvent> updated = events("transit.schedule.updated");

        assertThat(updated).isNotEmpty();
        assertThat(updated.get(0).subject()).isEqualTo("sh");
        assertThat(new JsonObject(data(updated.get(0))).getInteger("stopTimes")).isEqualTo(11 + 3 * 2);
        JsonObject status = client.get(API + "status").json();
        assertThat(status.getJsonObject("timetable").getJsonArray("agencies").getList())
            .containsExactly("Stadtwerke Lübeck Mobil");
        assertThat(status.getJsonObject("import").getJsonObject("last").getString("outcome")).isEqualTo("loaded");
    }

    @Test
    void answersDeparturesWithLineHeadsignAndTimesInTheFeedsZone(HubClient client) {
        HubClient.Response r = client.anonymous().get(API + "departures?stop=koberg&from=2026-03-26T08:00&limit=2");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonArray deps = r.json().getJsonArray("departures");
        assertThat(deps).hasSize(2);
        JsonObject d = deps.getJsonObject(0);
        assertThat(d.getString("line")).isEqualTo("5");
        assertThat(d.getString("headsign")).isEqualTo("Große Straße");
        assertThat(d.getString("scheduled")).isEqualTo("2026-03-26T08:06:00+01:00");
        assertThat(d.getBoolean("cancelled")).isFalse();
        assertThat(deps.getJsonObject(1).getString("scheduled")).isEqualTo("2026-03-27T00:05:00+01:00");
        // skipped is in every departure, false without live data saying otherwise (pushed below: true)
        assertThat(deps).allSatisfy(x -> assertThat(((JsonObject) x).getValue("skipped")).isEqualTo(false));
    }

    @Test
    void runsOfAFrequencyTripAreServedInsideTheirWindowAndHeadwayBasedOnesSayTheirHeadway(HubClient client) {
        // Saturday 2026-10-03, a holiday: the weekend trip 5 leaves Koberg at 10:05 between the shuttle's runs
        HubClient.Response r = client.anonymous().get(API + "departures?stop=koberg&from=2026-10-03T05:00&limit=4");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonArray deps = r.json().getJsonArray("departures");
        assertThat(deps.stream().map(o -> ((JsonObject) o).getString("tripId") + " "
                + ((JsonObject) o).getString("scheduled").substring(11, 16) + " "
                + ((JsonObject) o).getInteger("headwaySecs")).toList())
            .containsExactly("beach 10:00 1200", "t5-weekend 10:05 null", "beach 10:20 1200", "beach 10:40 1200");
        assertThat(deps.getJsonObject(1).containsKey("headwaySecs")).isFalse();
    }

    @Test
    void queryParametersAndRequestHeadersDoNotComeBackAsResponseHeaders(HubClient client) {
        HubClient.Response r = client.anonymous().get(API + "departures?stop=koberg&from=2026-03-26T08:00"
            + "&Set-Cookie=stolen&Refresh=0", java.util.Map.of("X-Echo", "me"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Set-Cookie")).isNull();
        assertThat(r.header("Refresh")).isNull();
        assertThat(r.header("X-Echo")).isNull();
        assertThat(r.header("stop")).isNull();
    }

    @Test
    void parametersComeFromTheQueryOnlyAndARepeatedOneIsRefused(HubClient client) {
        HubClient.Response fromHeader = client.anonymous().get(API + "departures",
            java.util.Map.of("stop", "koberg", "limit", "500"));
        assertThat(fromHeader.status()).as(fromHeader.body()).isEqualTo(400);
        assertThat(fromHeader.json().getString("field")).isEqualTo("stop");

        HubClient.Response limitHeader = client.anonymous().get(API + "departures?stop=koberg&from=2026-03-26T08:00",
            java.util.Map.of("limit", "500"));
        assertThat(limitHeader.status()).as(limitHeader.body()).isEqualTo(200);

        HubClient.Response twice = client.anonymous().get(API + "departures?stop=koberg&stop=nowhere");
        assertThat(twice.status()).as(twice.body()).isEqualTo(400);
        assertThat(twice.json().getString("field")).isEqualTo("stop");

        HubClient.Response plus = client.anonymous().get(API + "departures?stop=koberg&from=2026-03-26T08:00%2B01:00"
            + "&limit=1");
        assertThat(plus.status()).as(plus.body()).isEqualTo(200);
        assertThat(plus.json().getString("from")).isEqualTo("2026-03-26T08:00:00+01:00");
    }

    @Test
    void refusesDeparturesForAnUnknownStopNamingTheField(HubClient client) {
        HubClient.Response r = client.anonymous().get(API + "departures?stop=nowhere");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().getString("error")).isEqualTo("no stop 'nowhere' in feed sh");
        assertThat(r.json().getString("field")).isEqualTo("stop");
    }

    @Test
    void findsStopsByNameWithUmlautsSpelledOutAndByDistance(HubClient client) {
        JsonArray byName = client.anonymous().get(API + "stops?q=luebeck").json().getJsonArray("stops");
        JsonArray near = client.anonymous().get(API + "stops?lat=53.8705&lon=10.6868&radius=500").json()
            .getJsonArray("stops");

        assertThat(byName).hasSize(1);
        assertThat(byName.getJsonObject(0).getString("id")).isEqualTo("hbf");
        assertThat(near.getJsonObject(0).getString("id")).isEqualTo("koberg");
        assertThat(near.getJsonObject(0).getLong("distance")).isLessThan(30);
    }

    /**
     * Live data names the timetable it belongs to: a name of no gtfs-schedule integration is refused at its key (it was
     * taken, and the live feed waited for a timetable that never came), and the schema marks the key for the console.
     */
    @Test
    void liveDataNamingNoTimetableIsRefusedAtItsKey(HubClient client) {
        HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "sh-typo")
            .put("connector", "gtfs-realtime").put("config", new JsonObject().put("schedule", "hs")
                .put("push-path", "realtime/typo").put("anonymous", true)));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().getJsonArray("problems").getJsonObject(0)).isEqualTo(new JsonObject()
            .put("field", "config.schedule").put("error", "there is no integration 'hs'; schedule names a "
                + "gtfs-schedule integration (GET /api/v1/admin/integrations)").put("code",
                "integration.noIntegration"));
        assertThat(client.get("/api/v1/admin/integrations/sh-typo").status()).isEqualTo(404);
        assertThat(client.get("/api/v1/admin/connectors").jsonArray().stream().map(JsonObject.class::cast)
            .filter(c -> c.getString("name").equals("gtfs-realtime")).findFirst().orElseThrow()
            .getJsonObject("configSchema").getJsonObject("properties").getJsonObject("schedule")
            .getString("x-datenhafen-integration-of")).isEqualTo("gtfs-schedule");
    }

    @Test
    void pushedTripUpdatesDelayDeparturesAndOnlyChangesArePublished(HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject().put("name", "sh-push")
            .put("connector", "gtfs-realtime").put("config", new JsonObject().put("schedule", "sh")
                .put("push-path", "realtime/push").put("anonymous", true)));
        FeedMessage msg = FeedMessage.newBuilder().setHeader(FeedHeader.newBuilder().setGtfsRealtimeVersion("2.0")
                .setIncrementality(FeedHeader.Incrementality.DIFFERENTIAL).setTimestamp(1))
            .addEntity(FeedEntity.newBuilder().setId("u1").setTripUpdate(TripUpdate.newBuilder()
                .setTrip(TripDescriptor.newBuilder().setTripId("t5-morning").setStartDate("20260326"))
                .addStopTimeUpdate(TripUpdate.StopTimeUpdate.newBuilder().setStopSequence(1)
                    .setDeparture(TripUpdate.StopTimeEvent.newBuilder().setDelay(120)))))
            .addEntity(FeedEntity.newBuilder().setId("u2").setTripUpdate(TripUpdate.newBuilder()
                .setTrip(TripDescriptor.newBuilder().setTripId("t5-late").setStartDate("20260326"))
                .addStopTimeUpdate(TripUpdate.StopTimeUpdate.newBuilder().setStopSequence(2)
                    .setScheduleRelationship(TripUpdate.StopTimeUpdate.ScheduleRelationship.SKIPPED))))
            .build();

        await().atMost(Duration.ofSeconds(10)).until(() -> client.anonymous().post(API + "realtime/push",
            "application/x-protobuf", msg.toByteArray()).status() != 404);
        HubClient.Response again = client.anonymous().post(API + "realtime/push", "application/x-protobuf",
            msg.toByteArray());

        assertThat(again.status()).as(again.body()).isEqualTo(202);
        assertThat(again.json().getInteger("published")).isZero();
        // as curl --data-binary sends it: no Content-Type, or a form one; the body is taken as it came (issue 11)
        for (String contentType : new String[] {null, "application/x-www-form-urlencoded"}) {
            HubClient.Response a = client.anonymous().send("POST", API + "realtime/push",
                contentType == null ? Map.of() : Map.of("Content-Type", contentType), msg.toByteArray());
            assertThat(a.status()).as(contentType + ": " + a).isEqualTo(202);
        }
        List<RecordedEvent> trips = events("transit.trip.updated");
        assertThat(trips).extracting(t -> t.subject()).containsExactly("t5-morning", "t5-late");
        JsonArray deps = client.anonymous().get(API + "departures?stop=koberg&from=2026-03-26T08:00&limit=2").json()
            .getJsonArray("departures");
        JsonObject d = deps.getJsonObject(0);
        assertThat(d.getInteger("delay")).isEqualTo(120);
        assertThat(d.getString("expected")).isEqualTo("2026-03-26T08:08:00+01:00");
        assertThat(d.getBoolean("skipped")).isFalse();
        assertThat(deps.getJsonObject(1).getString("tripId")).isEqualTo("t5-late");
        assertThat(deps.getJsonObject(1).getBoolean("skipped")).isTrue();
    }

    @Test
    void pushedAlertsAreServedForTheirStopAndStationAndPublished(HubClient client) throws Exception {
        client.post("/api/v1/admin/integrations", new JsonObject().put("name", "sh-alerts")
            .put("connector", "gtfs-realtime").put("config", new JsonObject().put("schedule", "sh")
                .put("push-path", "realtime/alerts")));
        FeedMessage msg = FeedMessage.newBuilder().setHeader(FeedHeader.newBuilder().setGtfsRealtimeVersion("2.0"))
            .addEntity(FeedEntity.newBuilder().setId("works-1").setAlert(com.google.transit.realtime.GtfsRealtime.Alert
                .newBuilder().addInformedEntity(com.google.transit.realtime.GtfsRealtime.EntitySelector.newBuilder()
                    .setStopId("hbf-2"))
                .setHeaderText(com.google.transit.realtime.GtfsRealtime.TranslatedString.newBuilder()
                    .addTranslation(com.google.transit.realtime.GtfsRealtime.TranslatedString.Translation
                        .newBuilder().setText("Steig 2 gesperrt").setLanguage("de")))))
            .build();

        await().atMost(Duration.ofSeconds(10)).until(() -> client.withToken(operator).post(API + "realtime/alerts",
            PROTOBUF, msg.toByteArray()).status() == 202);

        JsonArray atStation = client.anonymous().get(API + "alerts?stop=hbf").json().getJsonArray("alerts");
        assertThat(atStation).hasSize(1);
        assertThat(atStation.getJsonObject(0).getString("header")).isEqualTo("Steig 2 gesperrt");
        assertThat(client.anonymous().get(API + "alerts?stop=koberg").json().getJsonArray("alerts")).isEmpty();
        assertThat(events("transit.alert")).extracting(e -> e.subject()).contains("works-1");
    }

    /**
     * A push path open to anyone is a hub-admin's to set: the operator's member-admin is refused with 403 naming
     * anonymous, and nothing is stored (an attacker's probe opened one, and anyone pushed to the public departures).
     */
    @Test
    void onlyAHubAdminOpensAPushPathToAnyone(HubClient client) {
        HubClient memberAdmin = client.withToken(token(client, "stadtwerke-mobil", "door-admin", "member-admin", null));

        HubClient.Response r = memberAdmin.post("/api/v1/admin/integrations", new JsonObject().put("name", "sh-open")
            .put("connector", "gtfs-realtime").put("config", new JsonObject().put("schedule", "sh")
                .put("push-path", "realtime/open").put("anonymous", true)));

        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(r.json().getString("error")).startsWith("only a hub-admin may set anonymous: it lets anyone "
            + "without a token push trips, vehicles and alerts to the public departures");
        assertThat(client.get("/api/v1/admin/integrations/sh-open").status()).isEqualTo(404);
    }

    /** A push path open to anyone takes at most anonymous-rate pushes a second from one address: past it 503. */
    @Test
    void anAnonymousPushPathBoundsThePushesOfOneAddress(HubClient client) {
        HubClient.Response created = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "sh-rated")
            .put("connector", "gtfs-realtime").put("config", new JsonObject().put("schedule", "sh")
                .put("push-path", "realtime/rated").put("anonymous", true).put("anonymous-rate", 1)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        byte[] push = vehicles("rated-bus").toByteArray();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.anonymous().post(API + "realtime/rated",
            "application/x-protobuf", push).status() != 404);

        List<Integer> statuses = new java.util.ArrayList<>();
        HubClient.Response refused = null;
        for (int i = 0; i < 12 && refused == null; i++) {
            HubClient.Response r = client.anonymous().post(API + "realtime/rated", "application/x-protobuf", push);
            statuses.add(r.status());
            refused = r.status() == 503 ? r : null;
        }

        assertThat(refused).as("past the rate: %s", statuses).isNotNull();
        assertThat(statuses).as("a push within it is taken").contains(202);
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.json().getString("error")).isEqualTo("this endpoint takes at most 1 request a second "
            + "from one address; send this one again in a moment");
    }

    @Test
    void aRealtimeIntegrationWithNoSourceIsRefusedSayingWhatToSet(HubClient client) {
        HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "sh-nothing")
            .put("connector", "gtfs-realtime").put("config", new JsonObject().put("schedule", "sh")));

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("config.trip-updates-url");
        assertThat(r.json().getString("error")).endsWith("nothing to take live data from: set trip-updates-url, "
            + "vehicle-positions-url, alerts-url or push-path");
        assertThat(client.get("/api/v1/admin/integrations/sh-nothing").status()).isEqualTo(404);
    }

    /** A German admin's walk-through: an ftp:// source was taken, and only the running import refused it. */
    @Test
    void aSourceOfASchemeNoImportTakesIsRefusedAtCreateAtItsKeyInGerman(HubClient client) {
        JsonObject request = new JsonObject().put("name", "sh-ftp").put("connector", "gtfs-schedule")
            .put("config", new JsonObject().put("source", "ftp://feeds.example.org/sh.zip"));

        HubClient.Response german = client.post("/api/v1/admin/integrations", java.util.Map.of("Content-Type",
            "application/json", "Accept-Language", "de"), request.encode());

        assertThat(german.status()).as(german.body()).isEqualTo(400);
        assertThat(german.json().getJsonArray("problems")).containsExactly(new JsonObject()
            .put("field", "config.source").put("error", "Muss eine http(s)-URL, eine Datei im Import-Ordner (ein "
                + "Pfad oder eine file:-URI) oder demo sein; ftp: ist nichts davon.")
            .put("code", "transit:gtfs-schedule:source-scheme"));
        assertThat(client.get("/api/v1/admin/integrations/sh-ftp").status()).isEqualTo(404);
    }

    @Test
    void aPushWithoutAnonymousTakesOnlyTheOperatorsEditorsAndARefusedOneChangesNothing(HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject().put("name", "sh-push-closed")
            .put("connector", "gtfs-realtime").put("config", new JsonObject().put("schedule", "sh")
                .put("push-path", "realtime/closed")));
        byte[] bus = vehicles("closed-bus").toByteArray();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.anonymous().post(API + "realtime/closed", PROTOBUF,
            bus).status() != 404);

        HubClient.Response anonymous = client.anonymous().post(API + "realtime/closed", PROTOBUF, bus);
        HubClient.Response otherMember = client.withToken(other).post(API + "realtime/closed", PROTOBUF, bus);
        HubClient.Response viewer = client.withToken(operatorViewer).post(API + "realtime/closed", PROTOBUF, bus);
        HubClient.Response scoped = client.withToken(scopedElsewhere).post(API + "realtime/closed", PROTOBUF, bus);

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().getString("error")).isEqualTo("this endpoint needs a token (Authorization: "
            + "Bearer <token>) or a session with the role member-editor");
        assertThat(otherMember.status()).isEqualTo(403);
        assertThat(otherMember.json().getString("error"))
            .isEqualTo("this endpoint needs the role member-editor of member stadtwerke-mobil (or hub-admin)");
        assertThat(viewer.status()).isEqualTo(403);
        assertThat(scoped.status()).isEqualTo(403);
        assertThat(scoped.json().getString("error")).isEqualTo("this token is scoped to plugin air-quality");
        assertThat(vehicleIds(client)).doesNotContain("closed-bus");

        HubClient.Response own = client.withToken(operator).post(API + "realtime/closed", PROTOBUF, bus);

        assertThat(own.status()).as(own.body()).isEqualTo(202);
        assertThat(own.json().getInteger("published")).isEqualTo(1);
        assertThat(vehicleIds(client)).contains("closed-bus");
    }

    /** One vehicle at the Koberg, as a pushed FeedMessage. */
    private static FeedMessage vehicles(String... ids) {
        FeedMessage.Builder m = FeedMessage.newBuilder().setHeader(FeedHeader.newBuilder()
            .setGtfsRealtimeVersion("2.0"));
        for (String id : ids) {
            m.addEntity(FeedEntity.newBuilder().setId(id).setVehicle(VehiclePosition.newBuilder()
                .setVehicle(VehicleDescriptor.newBuilder().setId(id))
                .setPosition(Position.newBuilder().setLatitude(53.87f).setLongitude(10.68f))));
        }
        return m.build();
    }

    private static List<String> vehicleIds(HubClient client) {
        return client.anonymous().get(API + "vehicles").json().getJsonArray("vehicles").stream()
            .map(v -> ((JsonObject) v).getString("id")).toList();
    }

    @Test
    void refusesAPushThatIsNotProtobuf(HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject().put("name", "sh-push2")
            .put("connector", "gtfs-realtime").put("config", new JsonObject().put("schedule", "sh")
                .put("push-path", "realtime/push2").put("anonymous", true)));

        await().atMost(Duration.ofSeconds(10)).until(() -> client.anonymous().post(API + "realtime/push2",
            "application/x-protobuf", "{\"not\":\"protobuf\"}").status() == 400);
        HubClient.Response r = client.anonymous().post(API + "realtime/push2", "application/x-protobuf",
            "{\"not\":\"protobuf\"}");
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().getString("error")).startsWith("the body is not a GTFS-Realtime FeedMessage (protobuf): ");
        assertThat(r.json().getString("field")).isEqualTo("body");
    }

    @Test
    void aPushWithAnEmptyBodyIsRefusedSayingWhatToSend(HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject().put("name", "sh-push-empty")
            .put("connector", "gtfs-realtime").put("config", new JsonObject().put("schedule", "sh")
                .put("push-path", "realtime/empty").put("anonymous", true)));

        await().atMost(Duration.ofSeconds(10)).until(() -> client.anonymous().post(API + "realtime/empty",
            "application/x-protobuf", "").status() == 400);
        HubClient.Response r = client.anonymous().post(API + "realtime/empty", "application/x-protobuf", "");

        assertThat(r.json()).isEqualTo(new JsonObject().put("error", "the request body is empty; send a GTFS-Realtime "
            + "FeedMessage (protobuf), e.g. curl --data-binary @trip-updates.pb").put("field", "body"));
    }

    @Test
    void aPushWithAWrongTokenOrPastTheEntityLimitIsAnsweredWithAJsonError(HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject().put("name", "sh-push3")
            .put("connector", "gtfs-realtime").put("config", new JsonObject().put("schedule", "sh")
                .put("push-path", "realtime/push3").put("max-entities", 2)));
        byte[] three = vehicles("v0", "v1", "v2").toByteArray();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.withToken(operator).post(API + "realtime/push3",
            PROTOBUF, new byte[0]).status() == 400);

        HubClient.Response wrong = client.withToken("dh_aaaaaaaaaaaa_not-a-secret").post(API + "realtime/push3",
            PROTOBUF, three);
        HubClient.Response many = client.withToken(operator).post(API + "realtime/push3", PROTOBUF, three);

        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().getString("error")).isNotBlank();
        assertThat(many.status()).isEqualTo(413);
        assertThat(many.json()).isEqualTo(new JsonObject()
            .put("error", "the message has more than 2 entities (max-entities)").put("field", "body"));
        assertThat(vehicleIds(client)).doesNotContain("v0", "v1", "v2");
    }

    @Test
    void aPushedTripUpdateOfMoreStopTimeUpdatesThanTheBoundIsA413AndTheLiveDataBeforeItIsStillServed(
        HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject().put("name", "sh-push-bomb")
            .put("connector", "gtfs-realtime").put("config", new JsonObject().put("schedule", "sh")
                .put("push-path", "realtime/push-bomb")));
        byte[] before = vehicles("kept-1").toByteArray();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.withToken(operator).post(API + "realtime/push-bomb",
            PROTOBUF, before).status() == 202);
        // the probe's message in small: one entity whose trip update holds 1,001 empty stop_time_updates
        TripUpdate.Builder bomb = TripUpdate.newBuilder().setTrip(TripDescriptor.newBuilder().setTripId("t5-late"));
        for (int i = 0; i < 1_001; i++) {
            bomb.addStopTimeUpdate(TripUpdate.StopTimeUpdate.getDefaultInstance());
        }
        byte[] body = FeedMessage.newBuilder().setHeader(FeedHeader.newBuilder().setGtfsRealtimeVersion("2.0"))
            .addEntity(FeedEntity.newBuilder().setId("bomb").setTripUpdate(bomb)).build().toByteArray();

        HubClient.Response r = client.withToken(operator).post(API + "realtime/push-bomb", PROTOBUF, body);

        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json()).isEqualTo(new JsonObject().put("error", "a TripUpdate has more than 1000 "
            + "stop_time_update (at most 1000 of a repeated field in one message)").put("field", "body"));
        assertThat(vehicleIds(client)).contains("kept-1");
    }

    @Test
    void aPushedAlertOfAHugeHeaderIsServedCutToItsBound(HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject().put("name", "sh-push-long")
            .put("connector", "gtfs-realtime").put("config", new JsonObject().put("schedule", "sh")
                .put("push-path", "realtime/push-long")));
        var text = com.google.transit.realtime.GtfsRealtime.TranslatedString.newBuilder()
            .addTranslation(com.google.transit.realtime.GtfsRealtime.TranslatedString.Translation.newBuilder()
                .setText("x".repeat(4_000_000)));
        byte[] body = FeedMessage.newBuilder().setHeader(FeedHeader.newBuilder().setGtfsRealtimeVersion("2.0"))
            .addEntity(FeedEntity.newBuilder().setId("long-1").setAlert(com.google.transit.realtime.GtfsRealtime.Alert
                .newBuilder().addInformedEntity(com.google.transit.realtime.GtfsRealtime.EntitySelector.newBuilder()
                    .setStopId("koberg")).setHeaderText(text)))
            .build().toByteArray();

        await().atMost(Duration.ofSeconds(10)).until(() -> client.withToken(operator).post(API + "realtime/push-long",
            PROTOBUF, body).status() == 202);
        HubClient.Response r = client.anonymous().get(API + "alerts?stop=koberg");

        // kept whole, it made this answer pass its 4 MiB and be refused for everyone
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().getJsonArray("alerts").getJsonObject(0).getString("header")).hasSize(500).endsWith("x…");
    }

    @Test
    void askingForMoreThanTheLimitsAllowIsA400NamingTheParameterAndTheLimit(HubClient client) {
        java.util.Map<String, String> refusals = new java.util.LinkedHashMap<>();
        refusals.put("departures?stop=koberg&limit=201", "limit must be between 1 and 200 (max-limit)");
        refusals.put("departures?stop=koberg&window=49h", "window must be between 1s and 48h (max-window)");
        refusals.put("stops?lat=53.87&lon=10.68&radius=50001", "radius must be between 1 and 50000 (max-radius)");
        refusals.put("stops?q=" + "a".repeat(101), "q is longer than 100 characters (max-query-length)");
        refusals.put("stops?q=hbf&limit=1000", "limit must be between 1 and 200 (max-limit)");
        refusals.put("vehicles?limit=1001", "limit must be between 1 and 1000 (max-vehicles)");
        refusals.put("alerts?limit=201", "limit must be between 1 and 200 (max-limit)");
        // a year of nine digits parses, but the days around it are past what a time can hold: it answered 500
        refusals.put("departures?stop=koberg&from=-999999999-01-01T00:00:00Z", "from must be between the years 1 and "
            + "9999");
        refusals.put("departures?stop=koberg&from=%2B999999999-12-31T23:59", "from must be between the years 1 and "
            + "9999");
        refusals.forEach((query, error) -> {
            HubClient.Response r = client.anonymous().get(API + query);
            assertThat(r.status()).as(query + " " + r.body()).isEqualTo(400);
            assertThat(r.json().getString("error")).as(query).isEqualTo(error);
        });
        assertThat(client.anonymous().get(API + "departures?stop=koberg&window=48h").status()).isEqualTo(200);
        assertThat(client.anonymous().get(API + "vehicles?limit=1000").json().getInteger("total")).isNotNull();
    }

    @Test
    void onDemandImportsAreTheOperatorsEditorsAndARefusedOneQueuesNothing(HubClient client) {
        client.post("/api/v1/admin/integrations", new JsonObject().put("name", "guarded")
            .put("connector", "gtfs-schedule").put("config", new JsonObject().put("source", feed.toString())
                .put("import-folder", folder.toString()).put("interval", "0").put("api-path", "guarded")));
        await().atMost(Duration.ofSeconds(20)).until(() -> client.get(API + "guarded/status").json()
            .getValue("timetable") != null);
        String path = API + "guarded/import?force=true";

        HubClient.Response anonymous = client.anonymous().post(path, java.util.Map.of(), "");
        HubClient.Response otherMember = client.withToken(other).post(path, java.util.Map.of(), "");
        HubClient.Response viewer = client.withToken(operatorViewer).post(path, java.util.Map.of(), "");
        HubClient.Response scoped = client.withToken(scopedElsewhere).post(path, java.util.Map.of(), "");
        HubClient.Response own = client.withToken(operator).post(path, java.util.Map.of(), "");

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(otherMember.status()).isEqualTo(403);
        assertThat(otherMember.json().getString("error"))
            .isEqualTo("this endpoint needs the role member-editor of member stadtwerke-mobil (or hub-admin)");
        assertThat(viewer.status()).isEqualTo(403);
        assertThat(scoped.status()).isEqualTo(403);
        assertThat(own.status()).as(own.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> assertThat(client.get(API
            + "guarded/status").json().getJsonObject("import").getJsonObject("last").getString("trigger"))
            .isEqualTo("request"));
        // the start's import and the operator's forced one; a refused request queued before it would have run first.
        // The status shows an import's outcome before its route puts the event on the bus: the count is awaited, and
        // must then stay at two (a third would be an import that should not have run)
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(20)).untilAsserted(() ->
            assertThat(events("transit.schedule.updated")).filteredOn(e -> e.subject().equals("guarded"))
                .hasSize(2));
        // the refusals and the operator's accepted import (an import changes data: audited with its outcome)
        JsonArray audited = client.get("/api/v1/admin/audit?action=POST%20" + API + "guarded/import&limit=100").json()
            .getJsonArray("entries");
        assertThat(audited.stream().map(o -> ((JsonObject) o).getInteger("outcome")).toList())
            .containsExactlyInAnyOrder(401, 403, 403, 403, 202);
    }

    @Test
    void anOldImportOrPushTokenInAConfigIsRefusedSayingWhatReplacesIt(HubClient client) {
        HubClient.Response schedule = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "old-sh")
            .put("connector", "gtfs-schedule").put("config", new JsonObject().put("source", feed.toString())
                .put("import-folder", folder.toString()).put("api-path", "old").put("import-token", "kept-from-2025")));
        HubClient.Response live = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "old-live")
            .put("connector", "gtfs-realtime").put("config", new JsonObject().put("schedule", "sh")
                .put("push-path", "realtime/old").put("push-token", "kept-from-2025")));

        assertThat(schedule.status()).as(schedule.body()).isEqualTo(400);
        assertThat(schedule.json().getString("field")).isEqualTo("config.import-token");
        assertThat(schedule.json().getString("error")).isEqualTo("config.import-token: import-token was "
            + "replaced by member tokens: POST .../import now needs the role member-editor of the plugin's owning "
            + "member; give that member's users or tokens the role member-editor "
            + "(README, 'Members, people and tokens'), then remove import-token from this integration's config");
        assertThat(live.status()).as(live.body()).isEqualTo(400);
        assertThat(live.json().getString("error")).isEqualTo("config.push-token: push-token was "
            + "replaced by member tokens: a push to push-path now needs the role member-editor of the plugin's owning "
            + "member; give that member's users or tokens the role member-editor "
            + "(README, 'Members, people and tokens'), then remove push-token from this integration's config");
        assertThat(schedule.body() + live.body()).doesNotContain("kept-from-2025");
        assertThat(client.get(API + "old/status").status()).isEqualTo(404);
    }

    @Test
    void aLimitBelowOneOrAnUnknownTimeZoneIsRefusedNamingTheKey(HubClient client) {
        JsonObject config = new JsonObject().put("source", feed.toString()).put("import-folder", folder.toString())
            .put("api-path", "limits").put("max-rows", 0).put("max-window", "72h");
        HubClient.Response limits = client.post("/api/v1/admin/integrations/validate", new JsonObject()
            .put("name", "sh-limits").put("connector", "gtfs-schedule").put("config", config));
        HubClient.Response zone = client.post("/api/v1/admin/integrations/validate", new JsonObject()
            .put("name", "sh-zone").put("connector", "gtfs-schedule").put("config", config.copy()
                .put("max-rows", 10).put("max-window", "1h").put("time-zone", "Europe/Luebeck")));

        assertThat(limits.json().getJsonArray("problems").stream().map(p -> ((JsonObject) p).getString("field")))
            .containsExactly("config.max-rows", "config.max-window");
        assertThat(zone.json().getJsonArray("problems").getJsonObject(0).getString("field"))
            .isEqualTo("config.time-zone");
        // the city page's section: a path of the hub's own is refused when the admin creates the integration
        HubClient.Response section = client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "sh-section").put("connector", "gtfs-schedule").put("config", config.copy()
                .put("max-rows", 10).put("max-window", "1h").put("public-section", "console")));
        assertThat(section.status()).as(section.toString()).isEqualTo(400);
        assertThat(section.json().getString("field")).isEqualTo("config.public-section");
        assertThat(section.json().getString("error")).contains("/console is the hub's own");
        assertThat(client.get("/api/v1/admin/integrations/sh-section").status()).isEqualTo(404);
    }

    @Test
    void aFailedImportKeepsTheTimetableInUseAndShowsTheReason(HubClient client) throws IOException {
        Path file = GtfsFixture.standard().write(folder.resolve("broken.zip"));
        client.post("/api/v1/admin/integrations", new JsonObject().put("name", "broken")
            .put("connector", "gtfs-schedule").put("config", new JsonObject().put("source", file.toString())
                .put("import-folder", folder.toString())
                .put("api-path", "broken")));
        await().atMost(Duration.ofSeconds(20)).until(() -> client.get(API + "broken/status").json()
            .getValue("timetable") != null);

        GtfsFixture.standard().remove("trips.txt").write(file);
        HubClient.Response r = client.withToken(operator).post(API + "broken/import", java.util.Map.of(), "");

        assertThat(r.status()).as(r.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> assertThat(client.get(API + "broken/status")
            .json().getJsonObject("import").getJsonObject("last").getString("outcome")).isEqualTo("failed"));
        JsonObject status = client.get(API + "broken/status").json();
        assertThat(status.getJsonObject("import").getJsonObject("last").getString("error"))
            .isEqualTo("trips.txt: required file is missing from the feed");
        assertThat(status.getJsonObject("timetable").getInteger("trips")).isEqualTo(5);
        assertThat(client.get(API + "broken/departures?stop=koberg&from=2026-03-26T08:00").status()).isEqualTo(200);
        assertThat(client.get("/api/v1/admin/integrations/broken").body())
            .contains("trips.txt: required file is missing from the feed");
    }

    /**
     * The probe's F1: a feed whose stop names had a million characters each imported fine, and one anonymous stop
     * search then answered 200 MB and took the hub's heap. Now the import is refused naming the field, and the
     * timetable in use stays and answers as before.
     */
    @Test
    void aFeedWithAStopNameOfAMillionCharactersIsRefusedNamingTheFieldAndTheTimetableStays(HubClient client)
        throws IOException {
        Path file = GtfsFixture.standard().write(folder.resolve("bignames.zip"));
        client.post("/api/v1/admin/integrations", new JsonObject().put("name", "bignames")
            .put("connector", "gtfs-schedule").put("config", new JsonObject().put("source", file.toString())
                .put("import-folder", folder.toString())
                .put("api-path", "bignames")));
        await().atMost(Duration.ofSeconds(20)).until(() -> client.get(API + "bignames/status").json()
            .getValue("timetable") != null);

        GtfsFixture.standard().append("stops.txt", "markt,Markt " + "x".repeat(999_994) + ",53.87,10.60,0,,\n")
            .write(file);
        assertThat(client.withToken(operator).post(API + "bignames/import", Map.of(), "").status()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> assertThat(client
            .get(API + "bignames/status").json().getJsonObject("import").getJsonObject("last").getString("outcome"))
            .isEqualTo("failed"));
        JsonObject last = client.get(API + "bignames/status").json().getJsonObject("import").getJsonObject("last");
        assertThat(last.getString("error"))
            .isEqualTo("stops.txt line 9 column stop_name: a stop_name of 1000000 characters; at most 255");
        assertThat(last.getJsonArray("problems").getJsonObject(0).getMap()).containsEntry("file", "stops.txt")
            .containsEntry("line", 9).containsEntry("column", "stop_name");
        HubClient.Response stops = client.anonymous().get(API + "bignames/stops?q=markt&limit=200");
        assertThat(stops.status()).isEqualTo(200);
        assertThat(stops.json().getJsonArray("stops")).isEmpty();
        assertThat(client.anonymous().get(API + "bignames/stops?q=koberg").json().getJsonArray("stops")
            .getJsonObject(0).getString("name")).isEqualTo("Koberg");
    }

    @Test
    void anUnchangedHttpFeedIsNotLoadedAgain(HubClient client) {
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/gtfs.zip";
        client.post("/api/v1/admin/integrations", new JsonObject().put("name", "remote")
            .put("connector", "gtfs-schedule").put("config", new JsonObject().put("source", url)
                .put("allowed-hosts", new JsonArray().add("127.0.0.1"))
                .put("api-path", "remote")));
        await().atMost(Duration.ofSeconds(20)).until(() -> client.get(API + "remote/status").json()
            .getValue("timetable") != null);

        // the bootstrap admin token is a hub-admin: it may import for any member
        assertThat(client.post(API + "remote/import", java.util.Map.of(), "").status())
            .isEqualTo(202);

        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> assertThat(client.get(API + "remote/status")
            .json().getJsonObject("import").getJsonObject("last").getString("outcome")).isEqualTo("unchanged"));
        assertThat(conditional).contains("/gtfs.zip \"v1\"");
    }

    @Test
    void pollsVehiclePositionsOverHttpAndShowsThemWithTheirLine(HubClient client) {
        realtimeBody = FeedMessage.newBuilder().setHeader(FeedHeader.newBuilder().setGtfsRealtimeVersion("2.0")
                .setTimestamp(5))
            .addEntity(FeedEntity.newBuilder().setId("v").setVehicle(VehiclePosition.newBuilder()
                .setVehicle(VehicleDescriptor.newBuilder().setId("bus-42"))
                .setTrip(TripDescriptor.newBuilder().setTripId("t5-morning").setStartDate("20260326"))
                .setPosition(Position.newBuilder().setLatitude(53.87f).setLongitude(10.68f))))
            .build().toByteArray();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/rt.pb";
        client.post("/api/v1/admin/integrations", new JsonObject().put("name", "sh-poll")
            .put("connector", "gtfs-realtime").put("config", new JsonObject().put("schedule", "sh")
                .put("vehicle-positions-url", url)
                .put("allowed-hosts", new JsonArray().add("127.0.0.1"))
                .put("vehicle-positions-interval", "200ms")));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(conditional).anyMatch(c ->
            c.startsWith("/rt.pb")));
        JsonObject v = client.anonymous().get(API + "vehicles?line=5").json().getJsonArray("vehicles")
            .getJsonObject(0);
        assertThat(v.getString("id")).isEqualTo("bus-42");
        assertThat(v.getString("headsign")).isEqualTo("Große Straße");
        assertThat(events("transit.vehicle.position")).filteredOn(e -> e.subject().equals("bus-42"))
            .hasSize(1);
    }
}
