package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import de.datenhafen.api.Caller;
import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.NewBusEvent;
import de.datenhafen.testkit.RecordedEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The air-quality plugin loaded from its packaged archive into a real hub. */
class AirQualityIT {

    /** With the core connectors' http-ingest beside it: a plugin ingest that passes request headers to bus:. */
    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest()
        .plugin(() -> Path.of(System.getProperty("datenhafen.core-connectors.archive")))
        .config("auth.failures.limit", 1000).build();

    static final String ROOT = "/api/v1/plugins/air-quality/";
    /** Member tokens: the owning member's editor and viewer, its uplink sender, another member's editor. */
    static String TOKEN;
    static String VIEWER;
    static String UPLINK_TOKEN;
    static String OTHER_EDITOR;
    /** The owning member's editor, scoped to another plugin. */
    static String ELSEWHERE;
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MINUTES);

    static final String CSV = """
        site,site_name,address,latitude,longitude,room,room_name,kind,device,since
        gs-nord,Grundschule Nord,"Nordweg 1, 23552 Luebeck",53.87,10.68,1.01,Klasse 1a,classroom,70B3D57ED0000001,2026-01-01T00:00:00Z
        gs-nord,,,,,lz,Lehrerzimmer,staff room,70B3D57ED0000002,2026-01-01T00:00:00Z
        gym-sued,Gymnasium Sued,Suedring 5,53.84,10.69,a.12,Raum A12,classroom,0101010101010101,2026-01-01T00:00:00Z
        gym-sued,,,,,mensa,Mensa,canteen,0101010101010102,2026-01-01T00:00:00Z
        """;

    @BeforeAll
    static void integrations() {
        HubClient client = hub.client();
        Members.create(client);
        TOKEN = Members.token(client, Members.OWNER, "registry-editor", Caller.MEMBER_EDITOR);
        VIEWER = Members.token(client, Members.OWNER, "registry-viewer", Caller.VIEWER);
        UPLINK_TOKEN = Members.scopedToken(client, Members.OWNER, "uplink-sender", "air-quality",
            Caller.MEMBER_EDITOR);
        OTHER_EDITOR = Members.token(client, Members.OTHER, "editor", Caller.MEMBER_EDITOR);
        ELSEWHERE = Members.scopedToken(client, Members.OWNER, "transit-only", "transit",
            Caller.MEMBER_EDITOR);
        create(client, "aq-registry", "airquality-registry", new JsonObject());
        create(client, "aq-projections", "airquality-projections", new JsonObject());
        create(client, "aq-http", "airquality-http", new JsonObject());
        HubClient.Response imported = importCsv(client, CSV);
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        assertThat(imported.json()).isEqualTo(new JsonObject().put("sites", 2).put("rooms", 4).put("devices", 4));
    }

    static void create(HubClient client, String name, String connector, JsonObject config) {
        HubClient.Response r = client.post("/api/v1/admin/integrations", new JsonObject().put("name", name)
            .put("connector", connector).put("config", config));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    static String tts(String eui, Instant time, int co2) {
        return UplinkParserTest.tts(eui, time.toString(),
            "{\"co2\":" + co2 + ",\"temperature\":22.5,\"humidity\":48,\"pressure\":1012.5}");
    }

    static String plain(String eui, Instant time, int co2) {
        return "{\"device\":\"" + eui + "\",\"time\":\"" + time + "\",\"co2\":" + co2
            + ",\"temperature\":21,\"humidity\":45}";
    }

    static List<RecordedEvent> events(String type, String subject) {
        return hub.events(type).stream()
            .filter(e -> subject.equals(e.subject())).toList();
    }

    static JsonObject data(RecordedEvent e) {
        return new JsonObject(e.dataString());
    }

    static JsonObject room(JsonObject site, String id) {
        return site.getJsonArray("rooms").stream().map(JsonObject.class::cast)
            .filter(r -> id.equals(r.getString("id"))).findFirst().orElseThrow();
    }

    private static HubClient.Response post(HubClient client, String body) {
        return client.withToken(UPLINK_TOKEN).post(ROOT + "uplinks", "application/json", body);
    }

    @Test
    void theThingsStackUplinkIsCommittedAsAnAirReadingOfItsRoomBeforeTheAnswer(HubClient client) {
        Instant t = NOW.minus(Duration.ofHours(3));
        HubClient.Response r = post(client, tts("70B3D57ED0000001", t, 812));

        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json()).isEqualTo(new JsonObject().put("accepted", 1).put("duplicates", 0));
        List<RecordedEvent> stored = events("air.reading", "gs-nord/1.01");
        assertThat(stored).hasSize(1);
        RecordedEvent e = stored.get(0);
        assertThat(e.member()).as("the owning member's id, not the provider's name").isEqualTo(Members.OWNER);
        assertThat(e.time()).isEqualTo(t);
        assertThat(data(e)).isEqualTo(new JsonObject().put("site", "gs-nord").put("room", "1.01")
            .put("device", "70B3D57ED0000001").put("time", t.toString()).put("co2", 812.0)
            .put("temperature", 22.5).put("humidity", 48.0).put("pressure", 1012.5));
    }

    @Test
    void chirpStackEventsManyInOneRequestAreStoredOnceEvenWhenSentTwice(HubClient client) {
        Instant t = NOW.minus(Duration.ofHours(2));
        String body = "[" + UplinkParserTest.chirpstack("0101010101010101", t.toString(),
            "{\"co2\":700,\"temperature\":21,\"humidity\":45}") + ","
            + UplinkParserTest.chirpstack("0101010101010101", t.plusSeconds(300).toString(),
            "{\"co2\":750,\"temperature\":21,\"humidity\":45}") + "]";

        HubClient.Response first = post(client, body);
        HubClient.Response again = post(client, body);

        assertThat(first.status()).isEqualTo(202);
        assertThat(first.json()).isEqualTo(new JsonObject().put("accepted", 2).put("duplicates", 0));
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json()).isEqualTo(new JsonObject().put("accepted", 2).put("duplicates", 2));
        assertThat(events("air.reading", "gym-sued/a.12")).hasSize(2);
    }

    @Test
    void aReadingSentTwiceIsAnsweredAsADuplicateTheSecondTimeAndStoredOnce(HubClient client) {
        Instant t = NOW.minus(Duration.ofHours(7));
        String body = plain("0101010101010102", t, 640);

        HubClient.Response first = post(client, body);
        HubClient.Response again = post(client, body);

        assertThat(first.json()).isEqualTo(new JsonObject().put("accepted", 1).put("duplicates", 0));
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json()).isEqualTo(new JsonObject().put("accepted", 1).put("duplicates", 1));
        assertThat(events("air.reading", "gym-sued/mensa")).extracting(e -> data(e).getString("time"))
            .containsOnlyOnce(t.toString());
    }

    @Test
    void anIngestTakesOnlyTheOwningMembersEditorsUnlessItIsAnonymous(HubClient client) {
        create(client, "aq-http-closed", "airquality-http", new JsonObject().put("path", "closed"));
        create(client, "aq-http-open", "airquality-http", new JsonObject().put("path", "open")
            .put("anonymous", true));
        String body = plain("0101010101010102", NOW.minus(Duration.ofHours(9)), 610);

        HubClient.Response closed = client.anonymous().post(ROOT + "closed", "application/json", body);
        HubClient.Response open = client.anonymous().post(ROOT + "open", "application/json", body);

        assertThat(closed.status()).isEqualTo(401);
        assertThat(closed.json()).isEqualTo(new JsonObject().put("error", "this endpoint needs a token "
            + "(Authorization: Bearer <token>) or a session with the role member-editor").put("field",
            "Authorization"));
        assertThat(open.status()).as(open.body()).isEqualTo(202);
        assertThat(events("air.reading", "gym-sued/mensa")).extracting(e -> data(e).getString("time"))
            .containsOnlyOnce(NOW.minus(Duration.ofHours(9)).toString());
    }

    /**
     * A door open to anyone takes at most anonymous-rate requests a second from one address, five seconds' worth at
     * once: past it 503 with Retry-After, before the body is read (it had no bound but the connection limits).
     */
    @Test
    void anAnonymousIngestBoundsTheRequestsOfOneAddress(HubClient client) {
        create(client, "aq-http-rated", "airquality-http", new JsonObject().put("path", "rated")
            .put("anonymous", true).put("anonymous-rate", 1));
        String body = plain("0101010101010102", NOW.minus(Duration.ofHours(15)), 640); // a time no other test sends

        List<Integer> statuses = new java.util.ArrayList<>();
        HubClient.Response refused = null;
        for (int i = 0; i < 12 && refused == null; i++) {
            HubClient.Response r = client.anonymous().post(ROOT + "rated", "application/json", body);
            statuses.add(r.status());
            refused = r.status() == 503 ? r : null;
        }

        assertThat(statuses.subList(0, 5)).as("five seconds' worth at once").containsOnly(202);
        assertThat(refused).as("past the rate: %s", statuses).isNotNull();
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.json().getString("error")).isEqualTo("this endpoint takes at most 1 request a second "
            + "from one address; send this one again in a moment");
    }

    @Test
    void aBodyOverTheIngestsMaxBodyIs413FromTheHubAndStoresNothing(HubClient client) {
        create(client, "aq-http-small", "airquality-http", new JsonObject().put("path", "small")
            .put("anonymous", true).put("max-body", 1024));
        Instant t = NOW.minus(Duration.ofHours(14)); // a time no other test sends
        String body = plain("0101010101010102", t, 630);
        String padded = body.substring(0, body.length() - 1) + ",\"note\":\"" + "x".repeat(1024) + "\"}";

        HubClient.Response r = client.anonymous().post(ROOT + "small", "application/json", padded);

        assertThat(r.status()).as(r.body()).isEqualTo(413);
        assertThat(r.json().getString("error")).isEqualTo("the body is larger than the 1024 bytes this endpoint accepts");
        assertThat(events("air.reading", "gym-sued/mensa")).extracting(e -> data(e).getString("time"))
            .doesNotContain(t.toString());
    }

    @Test
    void anUplinkWithoutOrWithAWrongTokenIs401AndStoresNothing(HubClient client) {
        Instant t = NOW.minus(Duration.ofHours(11));
        String body = plain("0101010101010102", t, 620);

        HubClient.Response none = client.anonymous().post(ROOT + "uplinks", "application/json", body);
        HubClient.Response wrong = client.withToken("dh_aaaaaaaaaaaa_not-the-uplink-token").post(ROOT + "uplinks",
            "application/json", body);

        assertThat(none.status()).isEqualTo(401);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().getString("error")).isEqualTo("the bearer token is not valid (unknown, expired, "
            + "revoked, or its member is suspended)");
        assertThat(events("air.reading", "gym-sued/mensa")).extracting(e -> data(e).getString("time"))
            .doesNotContain(t.toString());
    }

    @Test
    void anotherMembersEditorAViewerAndATokenScopedToAnotherPluginGet403AndNoReadingIsStored(HubClient client) {
        Instant t = NOW.minus(Duration.ofHours(12));
        String body = plain("0101010101010102", t, 625);

        HubClient.Response other = client.withToken(OTHER_EDITOR).post(ROOT + "uplinks", "application/json", body);
        HubClient.Response viewer = client.withToken(VIEWER).post(ROOT + "uplinks", "application/json", body);
        HubClient.Response scoped = client.withToken(ELSEWHERE).post(ROOT + "uplinks", "application/json", body);

        assertThat(other.status()).isEqualTo(403);
        assertThat(other.json()).isEqualTo(new JsonObject().put("error", "this endpoint needs the role member-editor "
            + "of member luftblick (or hub-admin)").put("field", "Authorization"));
        assertThat(viewer.status()).isEqualTo(403);
        assertThat(scoped.status()).isEqualTo(403);
        assertThat(scoped.json().getString("error")).isEqualTo("this token is scoped to plugin transit");
        assertThat(events("air.reading", "gym-sued/mensa")).extracting(e -> data(e).getString("time"))
            .doesNotContain(t.toString());
    }

    @Test
    void anOldTokenKeyInAnIntegrationsConfigIsRefusedSayingWhatReplacedIt(HubClient client) {
        HubClient.Response http = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "aq-http-old")
            .put("connector", "airquality-http").put("config", new JsonObject().put("path", "old")
                .put("token", "uplink-token-of-the-old-days")));
        HubClient.Response registry = client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "aq-registry-old").put("connector", "airquality-registry")
            .put("config", new JsonObject().put("admin-token", "registry-token-of-the-old-days")));

        for (Object[] old : new Object[][] {{http, "token"}, {registry, "admin-token"}}) {
            HubClient.Response r = (HubClient.Response) old[0];
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().getString("field")).isEqualTo("config." + old[1]);
            assertThat(r.json().getString("error")).isEqualTo("config." + old[1] + ": " + old[1] + " was replaced "
                + "by member tokens: give the member's users or tokens the role member-editor (README, 'Members, "
                + "people and tokens'), then remove " + old[1] + " from this integration's config");
            assertThat(r.body()).doesNotContain("of-the-old-days");
        }
        assertThat(client.get("/api/v1/admin/integrations/aq-http-old").status()).isEqualTo(404);
        assertThat(client.withToken(UPLINK_TOKEN).post(ROOT + "old", "application/json", "[]").status())
            .isEqualTo(404);
    }

    @Test
    void bandsOutOfOrderOrAnUnknownZoneAreRefusedBeforeTheProjectionsStart(HubClient client) {
        HubClient.Response r = client.post("/api/v1/admin/integrations/validate", new JsonObject()
            .put("name", "aq-bands").put("connector", "airquality-projections").put("config", new JsonObject()
                .put("co2-yellow-from", 2000).put("co2-red-above", 1000).put("zone", "Europe/Kleinhafen")));

        assertThat(r.json().getJsonArray("problems").stream().map(p -> ((JsonObject) p).getString("field")))
            .containsExactly("config.zone");
        HubClient.Response bands = client.post("/api/v1/admin/integrations/validate", new JsonObject()
            .put("name", "aq-bands").put("connector", "airquality-projections").put("config", new JsonObject()
                .put("co2-yellow-from", 2000).put("co2-red-above", 1000)));
        // at the key at fault, coded for the plugin's German words
        assertThat(bands.json().getJsonArray("problems")).containsExactly(new JsonObject()
            .put("field", "config.co2-red-above").put("error", "must be at least co2-yellow-from (2000)")
            .put("code", "air-quality:airquality-projections:co2-red-below-yellow"));
    }

    @Test
    void whatTheSensorThingsAndSimulatorStartsWouldRefuseValidateReportsAtItsField(HubClient client) {
        for (String connector : List.of("airquality-sensorthings", "sensorthings-store")) {
            HubClient.Response pages = validate(client, connector, new JsonObject().put("path", "/sta-x")
                .put("page-size", 500).put("max-page-size", 100));
            assertThat(pages.json().getJsonArray("problems")).as(connector).containsExactly(new JsonObject()
                .put("field", "config.page-size").put("error", "must be at most max-page-size (100)")
                .put("code", "air-quality:" + connector + ":page-size-above-max"));

            HubClient.Response url = validate(client, connector, new JsonObject().put("path", "/sta-x")
                .put("base-url", "https://data.example.org/sta?x=1"));
            assertThat(url.json().getJsonArray("problems")).as(connector).containsExactly(new JsonObject()
                .put("field", "config.base-url").put("error", "base-url must be an http or https URL with a host "
                    + "and no query, such as https://data.example.org/sta").put("code", "air-quality:" + connector
                    + ":base-url"));

            HubClient.Response zero = validate(client, connector, new JsonObject().put("path", "/sta-x")
                .put("page-size", 0).put("base-url", "ftp://example.org/sta"));
            assertThat(zero.json().getJsonArray("problems").stream().map(p -> ((JsonObject) p).getString("field")))
                .as(connector).containsExactlyInAnyOrder("config.page-size", "config.base-url");
        }
        HubClient.Response sim = validate(client, "airquality-simulator", new JsonObject().put("sites", 4)
            .put("rooms", 2));
        assertThat(sim.json().getJsonArray("problems")).containsExactly(new JsonObject()
            .put("field", "config.rooms").put("error", "must be at least sites (4)")
            .put("code", "air-quality:airquality-simulator:rooms-below-sites"));
        // and the same config is refused at create, with nothing stored
        HubClient.Response created = client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "sta-pages").put("connector", "airquality-sensorthings").put("config", new JsonObject()
                .put("path", "/sta-x").put("page-size", 500).put("max-page-size", 100)));
        assertThat(created.status()).as(created.body()).isEqualTo(400);
        assertThat(created.json().getString("field")).isEqualTo("config.page-size");
        assertThat(client.get("/api/v1/admin/integrations/sta-pages").status()).isEqualTo(404);
    }

    /**
     * An uplink door open to anyone, and how much one request may carry, are a hub-admin's: the owning member's admin
     * is refused with 403 naming the key, and nothing is stored (an attacker's probe opened one with max-body 1 GB).
     */
    @Test
    void onlyAHubAdminOpensTheUplinkDoorToAnyoneOrSetsItsBodyLimit(HubClient client) {
        HubClient memberAdmin = client.withToken(Members.token(client, Members.OWNER, "door-admin",
            Caller.MEMBER_ADMIN));
        for (JsonObject config : List.of(new JsonObject().put("path", "open-door").put("anonymous", true),
            new JsonObject().put("path", "open-door").put("max-body", 1_000_000_000))) {
            HubClient.Response r = memberAdmin.post("/api/v1/admin/integrations", new JsonObject()
                .put("name", "open-door").put("connector", "airquality-http").put("config", config));
            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(r.json().getString("error")).startsWith("only a hub-admin may set ")
                .contains("it lets anyone without a token put readings on the bus");
            assertThat(client.get("/api/v1/admin/integrations/open-door").status()).isEqualTo(404);
        }
    }

    /**
     * The simulator's size is the owning member's admin's to choose within its bounds (a billion rooms is refused,
     * naming rooms, by validate and create alike); its rate, which bounds what the hub spends on it, only a hub-admin
     * sets: the member's admin is refused with 403 naming max-per-second, and nothing is stored.
     */
    @Test
    void aMemberAdminSizesTheSimulatorWithinItsBoundsAndOnlyAHubAdminSetsItsRate(HubClient client) {
        HubClient memberAdmin = client.withToken(Members.token(client, Members.OWNER, "simulator-admin",
            Caller.MEMBER_ADMIN));
        JsonObject billion = simulator(new JsonObject().put("sites", 50).put("rooms", 1_000_000_000));
        JsonObject loadTest = simulator(new JsonObject().put("sites", 50).put("rooms", 2500)
            .put("max-per-second", 10_000));

        HubClient.Response tooMany = memberAdmin.post("/api/v1/admin/integrations/validate", billion);
        HubClient.Response tooManyCreated = memberAdmin.post("/api/v1/admin/integrations", billion);
        HubClient.Response rate = memberAdmin.post("/api/v1/admin/integrations/validate", loadTest);
        HubClient.Response rateCreated = memberAdmin.post("/api/v1/admin/integrations", loadTest);

        assertThat(tooMany.json().getJsonArray("problems")).as(tooMany.body()).containsExactly(new JsonObject()
            .put("field", "config.rooms").put("error", "must be a number from 1 to 10000; was 1000000000")
            .put("code", "config.check.range"));
        assertThat(tooManyCreated.status()).as(tooManyCreated.body()).isEqualTo(400);
        assertThat(tooManyCreated.json().getString("field")).isEqualTo("config.rooms");
        for (HubClient.Response r : List.of(rate, rateCreated)) {
            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(r.json().getString("field")).isEqualTo("config.max-per-second");
            assertThat(r.json().getString("error")).isEqualTo("only a hub-admin may set max-per-second: it bounds "
                + "the readings a second the simulation puts on the hub's bus, whatever rooms, interval, speed-up and "
                + "backfill ask for (leave it out, and its default applies)");
        }
        assertThat(client.get("/api/v1/admin/integrations/simulator-bounds").status()).isEqualTo(404);
        loadTest.getJsonObject("config").remove("max-per-second");
        assertThat(memberAdmin.post("/api/v1/admin/integrations/validate", loadTest).json().getBoolean("valid"))
            .as("2,500 rooms at 50 sites at the default rate").isTrue();
        assertThat(validate(client, "airquality-simulator", loadTest.getJsonObject("config")
            .put("max-per-second", 10_000)).json().getBoolean("valid")).as("a hub-admin's load test").isTrue();
    }

    private static JsonObject simulator(JsonObject config) {
        return new JsonObject().put("name", "simulator-bounds").put("connector", "airquality-simulator")
            .put("config", config);
    }

    private static HubClient.Response validate(HubClient client, String connector, JsonObject config) {
        HubClient.Response r = client.post("/api/v1/admin/integrations/validate", new JsonObject()
            .put("name", "checked").put("connector", connector).put("config", config));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r;
    }

    @Test
    void forgedInternalHeadersOnAPluginIngestCannotMakeTheRealUplinkADuplicate(HubClient client) {
        create(client, "spoof-target", "http-ingest", new JsonObject().put("path", "spoof")
            .put("type", "city.parking.occupancy").put("anonymous", true));
        Instant t = NOW.minus(Duration.ofHours(13));
        String id = "0101010101010102@" + t;
        String query = "?DatenhafenEventSource=%2Fair-quality&DatenhafenEventId=" + java.net.URLEncoder.encode(id,
            StandardCharsets.UTF_8) + "&DatenhafenEventType=air.reading";

        HubClient.Response forged = client.anonymous().post("/api/v1/plugins/core-connectors/spoof" + query,
            Map.of("Content-Type", "application/json", "DatenhafenEventSource",
                "/air-quality", "DatenhafenEventId", id), "{\"free\": 12}");
        HubClient.Response real = post(client, plain("0101010101010102", t, 630));

        // the forged post is taken (as a parking event of its own), and it changes nothing of the real uplink
        assertThat(forged.status()).as(forged.body()).isEqualTo(202);
        assertThat(real.status()).as(real.body()).isEqualTo(202);
        assertThat(real.json()).isEqualTo(new JsonObject().put("accepted", 1).put("duplicates", 0));
        assertThat(events("air.reading", "gym-sued/mensa")).extracting(e -> data(e).getString("time"))
            .containsOnlyOnce(t.toString());
    }

    @Test
    void invalidReadingsAreRefusedByDeviceAndFieldWhileTheValidRestIsStored(HubClient client) {
        Instant t = NOW.minus(Duration.ofHours(5));
        String body = "[" + plain("70B3D57ED0000002", t, 650) + ","
            + plain("70B3D57ED0000002", t.plusSeconds(300), 41000) + ","
            + plain("FFFFFFFFFFFFFFFF", t, 600) + ","
            + "{\"device\":\"70B3D57ED0000002\",\"time\":\"" + t.plusSeconds(600) + "\",\"co2\":600,\"temperature\":21}"
            + "]";

        HubClient.Response r = post(client, body);

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().getString("device")).isEqualTo("70B3D57ED0000002");
        assertThat(r.json().getString("field")).isEqualTo("co2");
        assertThat(r.json().getInteger("accepted")).isEqualTo(1);
        assertThat(r.json().getInteger("duplicates")).isZero();
        assertThat(r.json().getJsonArray("refused")).isEqualTo(new JsonArray()
            .add(new JsonObject().put("index", 1).put("device", "70B3D57ED0000002").put("field", "co2")
                .put("error", "41000.0 is impossible: it must be between 0 and 40000"))
            .add(new JsonObject().put("index", 2).put("device", "FFFFFFFFFFFFFFFF").put("field", "device")
                .put("error", "is not installed in any room at " + t + " (unknown device?)"))
            .add(new JsonObject().put("index", 3).put("device", "70B3D57ED0000002").put("field", "humidity")
                .put("error", "is missing")));
        assertThat(events("air.reading", "gs-nord/lz")).extracting(e -> data(e).getString("time"))
            .contains(t.toString()).doesNotContain(t.plusSeconds(300).toString(), t.plusSeconds(600).toString());
    }

    /**
     * Uplinks that readers read differently (Jackson alone took each: C0 AE as a dot, the last of two co2, the lone
     * surrogate as text, the first of two values) are refused as the hub's own doors refuse such bodies, naming the
     * field, and nothing of them is stored.
     */
    @Test
    void uplinksThatReadersReadDifferentlyAreRefusedNamingTheFieldAndNothingIsStored(HubClient client) {
        Instant t = NOW.minus(Duration.ofHours(17)); // a time no other test sends
        String reading = plain("70B3D57ED0000002", t, 650);
        byte[] head = (reading.substring(0, reading.length() - 1) + ",\"note\":\"/p").getBytes(StandardCharsets.UTF_8);
        byte[] overlong = java.util.Arrays.copyOf(head, head.length + 4);
        overlong[head.length] = (byte) 0xC0;
        overlong[head.length + 1] = (byte) 0xAE;
        overlong[head.length + 2] = '"';
        overlong[head.length + 3] = '}';

        HubClient.Response illFormed = client.withToken(UPLINK_TOKEN).post(ROOT + "uplinks", "application/json",
            overlong);
        HubClient.Response twice = post(client, reading.replace("}", ",\"co2\":400}"));
        HubClient.Response lone = post(client, tts("70B3D57ED0000002", t, 650)
            .replace("\"device_id\":\"eui-70b3d57ed0000002\"", "\"device_id\":\"lz-\\ud800\""));
        HubClient.Response after = post(client, reading + " " + plain("70B3D57ED0000002", t.plusSeconds(60), 660));

        assertThat(illFormed.status()).as(illFormed.body()).isEqualTo(400);
        assertThat(illFormed.json().getString("field")).isEqualTo("body");
        assertThat(illFormed.json().getString("error")).startsWith("the body is not well-formed UTF-8: C0 AE at byte "
            + head.length + " of the body is an overlong form");
        assertThat(twice.status()).as(twice.body()).isEqualTo(400);
        assertThat(twice.json().getString("field")).isEqualTo("co2");
        assertThat(twice.json().getJsonArray("refused")).isEqualTo(new JsonArray().add(new JsonObject()
            .put("index", 0).put("device", "70B3D57ED0000002").put("field", "co2").put("error", "is given twice; "
                + "each name once in an object (which of the two a reader keeps differs from reader to reader)")));
        assertThat(lone.status()).as(lone.body()).isEqualTo(400);
        assertThat(lone.json().getString("field")).isEqualTo("end_device_ids.device_id");
        assertThat(lone.json().getString("error")).contains("holds the escape \\ud800, an unpaired UTF-16 surrogate");
        assertThat(after.status()).as(after.body()).isEqualTo(400);
        assertThat(after.json()).isEqualTo(new JsonObject().put("error", "the body holds more after its JSON value, "
            + "at line 1, column " + (reading.length() + 2) + ": one value (an uplink or an array of them) is all it "
            + "may hold").put("field", "body"));
        assertThat(events("air.reading", "gs-nord/lz")).extracting(e -> data(e).getString("time"))
            .doesNotContain(t.toString(), t.plusSeconds(60).toString());
    }

    @Test
    void aRoomAboveTwoThousandPpmForMoreThanThirtyMinutesRaisesAndThenClearsAnAlert(HubClient client) {
        Instant t0 = NOW.minus(Duration.ofDays(1));
        StringBuilder body = new StringBuilder("[");
        int[] co2 = {900, 2100, 2300, 2400, 2500, 2600, 2200, 1500, 1000};
        for (int i = 0; i < co2.length; i++) {
            body.append(i == 0 ? "" : ",").append(plain("0101010101010102", t0.plusSeconds(600L * i), co2[i]));
        }
        assertThat(post(client, body.append("]").toString()).status()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(events("air.alert.raised", "gym-sued/mensa")).hasSize(1);
            assertThat(events("air.alert.cleared", "gym-sued/mensa")).hasSize(1);
        });
        JsonObject raised = data(events("air.alert.raised", "gym-sued/mensa").get(0));
        assertThat(raised.getString("since")).isEqualTo(t0.plusSeconds(600).toString());
        assertThat(raised.getString("time")).isEqualTo(t0.plusSeconds(3000).toString());
        JsonObject cleared = data(events("air.alert.cleared", "gym-sued/mensa").get(0));
        assertThat(cleared.getString("time")).isEqualTo(t0.plusSeconds(4200).toString());
        assertThat(cleared.getInteger("peak")).isEqualTo(2600);
        assertThat(cleared.getLong("minutes")).isEqualTo(60);
    }

    /** An air.reading as the ingest puts it on the bus, for a room that may not be in the registry. */
    static NewBusEvent reading(String site, String room, Instant time, int co2) {
        return NewBusEvent.json(Ingest.READING, site + "/" + room, new JsonObject().put("site", site).put("room", room)
            .put("device", "0101010101010101").put("time", time.toString()).put("co2", co2).put("temperature", 21.0)
            .put("humidity", 45.0).encode());
    }

    @Test
    void aReadingOfAnUnknownRoomEndsAloneInTheDeadLettersWhileTheRestOfItsBatchIsProjected(HubClient client) {
        Instant t = NOW.minus(Duration.ofDays(2));
        List<Long> stored = hub.publish("test", List.of(reading("gym-sued", "a.12", t, 800),
            reading("gym-sued", "nowhere", t.plusSeconds(300), 900), reading("gym-sued", "a.12", t.plusSeconds(600), 1100),
            reading("gym-sued", "a.12", t.plusSeconds(900), 1300)));
        long poison = stored.get(1);
        String deadLetters = "/api/v1/admin/dead-letters?subscription=air-quality-projections";

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(client.get(deadLetters).json().getJsonArray("deadLetters").stream()
                .map(d -> ((JsonObject) d).getJsonObject("event").getLong("sequence"))).contains(poison);
            assertThat(client.anonymous().get(ROOT + "sites/gym-sued/rooms/a.12/history?resolution=raw&from="
                + t.minusSeconds(1) + "&to=" + t.plusSeconds(1000)).json().getJsonArray("points")).hasSize(3);
        });
        List<JsonObject> dead = client.get(deadLetters).json().getJsonArray("deadLetters").stream()
            .map(JsonObject.class::cast).toList();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getString("error"))
            .isEqualTo("air.reading #" + poison + " names room gym-sued/nowhere, which is not in the registry");
    }

    @Test
    void publicEndpointsShowSitesRoomsBandsAndHistoryButNoDeviceIds(HubClient client) {
        Instant t = NOW.minus(Duration.ofMinutes(30));
        assertThat(post(client, "[" + plain("70B3D57ED0000002", t, 1500) + ","
            + plain("70B3D57ED0000002", t.plusSeconds(300), 1700) + "]").status()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            HubClient.Response sites = client.anonymous().get(ROOT + "sites?rooms=true");
            assertThat(sites.status()).isEqualTo(200);
            JsonObject room = room(sites.json().getJsonArray("sites").getJsonObject(0), "lz");
            assertThat(room.getString("band")).isEqualTo("yellow");
            assertThat(room.getInteger("co2")).isEqualTo(1700);
            assertThat(sites.body()).doesNotContain("70B3D57ED");
        });

        // without rooms=true: each site's summary, no room lists (the demo's 2,500 rooms are 580 KB with them)
        HubClient.Response summary = client.anonymous().get(ROOT + "sites");
        assertThat(summary.status()).isEqualTo(200);
        JsonObject nord = summary.json().getJsonArray("sites").getJsonObject(0);
        assertThat(nord.getString("id")).isEqualTo("gs-nord");
        int nordRooms = client.anonymous().get(ROOT + "sites?rooms=true").json().getJsonArray("sites")
            .getJsonObject(0).getJsonArray("rooms").size(); // 2 from the CSV, and a third if the PUT test ran first
        assertThat(nord.getInteger("rooms")).isEqualTo(nordRooms).isGreaterThanOrEqualTo(2);
        JsonObject bands = nord.getJsonObject("co2Bands");
        assertThat(bands.fieldNames()).containsExactly("green", "yellow", "red");
        assertThat(bands.getInteger("yellow")).isGreaterThanOrEqualTo(1);
        assertThat(bands.getInteger("green") + bands.getInteger("yellow") + bands.getInteger("red"))
            .isEqualTo(nord.getInteger("roomsWithReadings"));
        assertThat(Instant.parse(nord.getString("latest"))).isAfterOrEqualTo(t.plusSeconds(300));
        assertThat(summary.body()).doesNotContain("Lehrerzimmer", "70B3D57ED");
        HubClient.Response wrong = client.anonymous().get(ROOT + "sites?rooms=yes");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.json().getString("field")).isEqualTo("rooms");

        HubClient.Response site = client.anonymous().get(ROOT + "sites/gs-nord");
        assertThat(site.status()).as(site.body()).isEqualTo(200);
        assertThat(site.body()).doesNotContain("70B3D57ED");
        JsonArray averages = room(site.json(), "lz").getJsonArray("averages");
        assertThat(averages.stream().map(o -> ((JsonObject) o).getInteger("readings")).mapToInt(i -> i).sum())
            .isEqualTo(2);

        HubClient.Response raw = client.anonymous().get(ROOT + "sites/gs-nord/rooms/lz/history?resolution=raw&from="
            + t.minusSeconds(1) + "&to=" + t.plusSeconds(600));
        assertThat(raw.status()).as(raw.body()).isEqualTo(200);
        assertThat(raw.json().getJsonArray("points")).hasSize(2);
        HubClient.Response hourly = client.anonymous().get(ROOT + "sites/gs-nord/rooms/lz/history?resolution=1d");
        assertThat(hourly.status()).isEqualTo(200);
        assertThat(client.anonymous().get(ROOT + "sites/gs-nord/rooms/lz/history?resolution=7m").json()
            .getString("field")).isEqualTo("resolution");
        assertThat(client.anonymous().get(ROOT + "sites/nowhere").status()).isEqualTo(404);
        assertThat(client.anonymous().get(ROOT + "sites/gs-nord/daily").status()).isEqualTo(200);
    }

    @Test
    void aMovedDeviceLeavesItsHistoryInTheOldRoom(HubClient client) {
        assertThat(client.withToken(TOKEN).put(ROOT + "registry/sites/gs-nord/rooms/1.02", "application/json",
            "{\"name\":\"Klasse 1b\"}").status()).isEqualTo(200);
        Instant before = NOW.minus(Duration.ofHours(10));
        Instant move = NOW.minus(Duration.ofHours(9));
        assertThat(post(client, plain("70B3D57ED0000001", before, 800)).status()).isEqualTo(202);

        HubClient.Response moved = client.withToken(TOKEN).post(ROOT + "registry/devices/70B3D57ED0000001/move",
            "application/json", "{\"site\":\"gs-nord\",\"room\":\"1.02\",\"since\":\"" + move + "\"}");
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(moved.json().getJsonArray("installations")).hasSize(2);
        assertThat(post(client, plain("70B3D57ED0000001", move.plusSeconds(60), 900)).status()).isEqualTo(202);
        assertThat(post(client, plain("70B3D57ED0000001", before.plusSeconds(60), 810)).status()).isEqualTo(202);

        assertThat(events("air.reading", "gs-nord/1.02")).extracting(e -> data(e).getInteger("co2"))
            .containsExactly(900);
        assertThat(events("air.reading", "gs-nord/1.01")).extracting(e -> data(e).getInteger("co2"))
            .contains(800, 810).doesNotContain(900);
    }

    @Test
    void theRegistryIsReadByTheOwningMembersViewersAndChangedByItsEditorsOnly(HubClient client) {
        assertThat(client.anonymous().get(ROOT + "registry").status()).isEqualTo(401);
        assertThat(client.withToken("dh_aaaaaaaaaaaa_wrong").get(ROOT + "registry").status()).isEqualTo(401);
        assertThat(client.withToken(VIEWER).get(ROOT + "registry").status()).isEqualTo(200);
        assertThat(client.withToken(OTHER_EDITOR).get(ROOT + "registry").status()).isEqualTo(403);
        assertThat(client.withToken(ELSEWHERE).get(ROOT + "registry").status()).isEqualTo(403);

        HubClient.Response byViewer = client.withToken(VIEWER).put(ROOT + "registry/sites/rs-owned",
            "application/json", "{\"name\":\"Realschule Ost\"}");
        HubClient.Response byOther = client.withToken(OTHER_EDITOR).put(ROOT + "registry/sites/rs-owned",
            "application/json", "{\"name\":\"Realschule Ost\"}");
        HubClient.Response byAnonymous = client.anonymous().put(ROOT + "registry/sites/rs-owned",
            "application/json", "{\"name\":\"Realschule Ost\"}");

        assertThat(byViewer.status()).isEqualTo(403);
        assertThat(byViewer.json().getString("error")).isEqualTo("this endpoint needs the role member-editor of "
            + "member luftblick (or hub-admin)");
        assertThat(byOther.status()).isEqualTo(403);
        assertThat(byAnonymous.status()).isEqualTo(401);
        assertThat(client.withToken(VIEWER).get(ROOT + "registry").json().getJsonArray("sites").stream()
            .map(JsonObject.class::cast).map(j -> j.getString("id"))).doesNotContain("rs-owned");

        HubClient.Response byEditor = client.withToken(TOKEN).put(ROOT + "registry/sites/rs-owned",
            "application/json", "{\"name\":\"Realschule Ost\"}");
        assertThat(byEditor.status()).as(byEditor.body()).isEqualTo(200);
        assertThat(site(client, "rs-owned").getString("name")).isEqualTo("Realschule Ost");
    }

    @Test
    void anotherMembersRefusedRegistryChangeIsInTheHubsAuditLog(HubClient client) {
        client.withToken(OTHER_EDITOR).delete(ROOT + "registry/devices/70B3D57ED0000002");

        JsonArray entries = client.get("/api/v1/admin/audit?member=" + Members.OTHER + "&limit=1000").json()
            .getJsonArray("entries");
        assertThat(entries.stream().map(JsonObject.class::cast).filter(e -> e.getInteger("outcome") == 403
            && e.getString("action").equals("DELETE " + ROOT + "registry/devices/{device}")
            && e.getString("target").equals("{device=70B3D57ED0000002}"))).hasSize(1);
        assertThat(client.withToken(VIEWER).get(ROOT + "registry/devices/70B3D57ED0000002").status()).isEqualTo(200);
    }

    @Test
    void theOwnersAcceptedRegistryChangeIsAuditedWithItsTokenAndOutcome(HubClient client) {
        HubClient.Response put = client.withToken(TOKEN).put(ROOT + "registry/sites/zz-audit", "application/json",
            "{\"name\":\"Grundschule Audit\"}");

        JsonArray entries = client.get("/api/v1/admin/audit?action=PUT%20" + ROOT + "registry/sites/&limit=1000").json()
            .getJsonArray("entries");
        assertThat(put.status()).as(put.body()).isIn(200, 201);
        assertThat(entries.stream().map(JsonObject.class::cast).filter(e -> e.getInteger("outcome") == put.status()
            && e.getString("target").equals("{site=zz-audit}"))).singleElement().satisfies(e -> {
                assertThat(e.getString("principal")).startsWith("token:");
                assertThat(e.getString("member")).isEqualTo("luftblick");
                assertThat(e.encode()).doesNotContain("Grundschule Audit");
            });
    }

    // ---- PUT replaces, PATCH (JSON merge patch, RFC 7396) changes what it names

    private static final String MERGE_PATCH = "application/merge-patch+json";

    private static JsonObject site(HubClient client, String id) {
        return client.withToken(TOKEN).get(ROOT + "registry").json().getJsonArray("sites").stream()
            .map(JsonObject.class::cast).filter(s -> s.getString("id").equals(id)).findFirst().orElseThrow();
    }

    private static void putWestSite(HubClient client, String id) {
        HubClient.Response r = client.withToken(TOKEN).put(ROOT + "registry/sites/" + id, "application/json",
            "{\"name\":\"Realschule West\",\"address\":\"Westweg 2\",\"latitude\":53.86,\"longitude\":10.64}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @Test
    void aPatchOfASiteChangesWhatItNamesAndKeepsItsCoordinates(HubClient client) {
        putWestSite(client, "rs-west");

        HubClient.Response r = client.withToken(TOKEN).patch(ROOT + "registry/sites/rs-west", MERGE_PATCH,
            "{\"name\":\"Realschule am Westpark\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonObject expected = new JsonObject().put("site", "rs-west").put("name", "Realschule am Westpark")
            .put("address", "Westweg 2").put("latitude", 53.86).put("longitude", 10.64);
        assertThat(r.json()).isEqualTo(expected);
        assertThat(site(client, "rs-west").getDouble("latitude")).isEqualTo(53.86);
        assertThat(site(client, "rs-west").getString("name")).isEqualTo("Realschule am Westpark");
    }

    @Test
    void aPatchAsPlainJsonWithNullRemovesTheAddressAndCoordinatesGoOnlyInPairs(HubClient client) {
        putWestSite(client, "rs-null");

        HubClient.Response removed = client.withToken(TOKEN).patch(ROOT + "registry/sites/rs-null",
            "application/json", "{\"address\":null}");
        HubClient.Response half = client.withToken(TOKEN).patch(ROOT + "registry/sites/rs-null", MERGE_PATCH,
            "{\"latitude\":null}");

        assertThat(removed.status()).as(removed.body()).isEqualTo(200);
        assertThat(removed.json().getString("address")).isNull();
        assertThat(removed.json().getDouble("longitude")).isEqualTo(10.64);
        assertThat(half.status()).isEqualTo(400);
        assertThat(half.json()).isEqualTo(new JsonObject().put("error", "latitude and longitude go together: give "
            + "both or neither").put("field", "latitude"));
        assertThat(site(client, "rs-null").getDouble("latitude")).isEqualTo(53.86);
    }

    @Test
    void aPutReplacesTheSiteWholeSoCoordinatesItLeavesOutAreGone(HubClient client) {
        putWestSite(client, "rs-put");

        HubClient.Response r = client.withToken(TOKEN).put(ROOT + "registry/sites/rs-put", "application/json",
            "{\"name\":\"Realschule West\"}");

        assertThat(r.status()).isEqualTo(200);
        assertThat(site(client, "rs-put").fieldNames()).doesNotContain("latitude", "longitude");
        assertThat(site(client, "rs-put").getString("address")).isNull();
    }

    @Test
    void aPatchOfARoomKeepsItsKind(HubClient client) {
        putWestSite(client, "rs-room");
        assertThat(client.withToken(TOKEN).put(ROOT + "registry/sites/rs-room/rooms/b.01", "application/json",
            "{\"name\":\"Physik\",\"kind\":\"lab\"}").status()).isEqualTo(200);

        HubClient.Response r = client.withToken(TOKEN).patch(ROOT + "registry/sites/rs-room/rooms/b.01", MERGE_PATCH,
            "{\"name\":\"Physik und Chemie\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(new JsonObject().put("site", "rs-room").put("room", "b.01")
            .put("name", "Physik und Chemie").put("kind", "lab"));
    }

    @Test
    void aPatchNamingAnUnknownFieldAnotherMediaTypeOrNoSiteIsRefusedAndChangesNothing(HubClient client) {
        putWestSite(client, "rs-bad");

        HubClient.Response typo = client.withToken(TOKEN).patch(ROOT + "registry/sites/rs-bad", MERGE_PATCH,
            "{\"lattitude\":53.9}");
        HubClient.Response form = client.withToken(TOKEN).patch(ROOT + "registry/sites/rs-bad",
            "application/x-www-form-urlencoded", "{\"name\":\"x\"}");
        HubClient.Response none = client.withToken(TOKEN).patch(ROOT + "registry/sites/no-such-site", MERGE_PATCH,
            "{\"name\":\"x\"}");

        assertThat(typo.status()).isEqualTo(400);
        assertThat(typo.json()).isEqualTo(new JsonObject().put("error", "is not a field of a site; its fields: name, "
            + "address, latitude, longitude").put("field", "lattitude"));
        assertThat(form.status()).isEqualTo(415);
        assertThat(form.header("Accept-Patch")).isEqualTo("application/merge-patch+json, application/json");
        assertThat(form.json().getString("field")).isEqualTo("Content-Type");
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.json()).isEqualTo(new JsonObject().put("error", "no site 'no-such-site': create it with PUT")
            .put("field", "site"));
        assertThat(site(client, "rs-bad").getString("name")).isEqualTo("Realschule West");
    }

    @Test
    void anEmptyBodyGetsTheHubsOneAnswerSayingWhatToSend(HubClient client) {
        assertThat(importCsv(client, "").json().getString("error"))
            .isEqualTo("the request body is empty; send the registry as CSV with its header line (site,site_name,"
                + "address,latitude,longitude,room,room_name,kind,device,since), e.g. curl -H 'Content-Type: text/csv' "
                + "--data-binary @rooms.csv");
        assertThat(client.withToken(TOKEN).put(ROOT + "registry/sites/gs-nord", "application/json", "").json())
            .isEqualTo(new JsonObject().put("error", "the request body is empty; send the site as {\"name\", "
                + "\"address\", \"latitude\", \"longitude\"}").put("field", "body"));
        assertThat(client.withToken(TOKEN).patch(ROOT + "registry/sites/gs-nord", MERGE_PATCH, "").status())
            .isEqualTo(400);
        HubClient.Response move = client.withToken(TOKEN).post(ROOT + "registry/devices/70B3D57ED0000002/move",
            "application/json", "");
        assertThat(move.status()).isEqualTo(400);
        assertThat(move.json().getString("error"))
            .isEqualTo("the request body is empty; send {\"site\", \"room\", \"since\"}");
        HubClient.Response ingest = client.withToken(UPLINK_TOKEN).post(ROOT + "uplinks", "application/json", "");
        assertThat(ingest.status()).as(ingest.body()).isEqualTo(400);
        assertThat(ingest.json()).isEqualTo(new JsonObject().put("error", "the request body is empty; send an uplink "
            + "(JSON) or an array of them").put("field", "body"));
        assertThat(site(client, "gs-nord").getString("name")).isEqualTo("Grundschule Nord");
    }

    @Test
    void aSiteOnManyLinesOfACsvTakesTheValuesOfItsLastLineThatNamesIt(HubClient client) {
        HubClient.Response r = importCsv(client, """
            site,site_name,address,room
            hs-ost,Hauptschule Ost,Ostweg 2,r1
            hs-ost,Hauptschule Ost,Ostweg 2,r2
            hs-ost,,,r3
            hs-ost,Hauptschule Ost am Park,Parkweg 9,r4
            hs-ost,Hauptschule Ost am Park,Parkweg 9,r5
            """);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(new JsonObject().put("sites", 1).put("rooms", 5).put("devices", 0));
        JsonObject site = site(client, "hs-ost");
        assertThat(site.getString("name")).isEqualTo("Hauptschule Ost am Park");
        assertThat(site.getString("address")).isEqualTo("Parkweg 9");
    }

    @Test
    void aCsvImportAgainChangesNothingAndLaterOnesMoveDevicesEvenTwiceInOneFile(HubClient client) {
        String first = """
            site,site_name,room,room_name,device,since
            rs-mitte,Realschule Mitte,r1,Raum 1,A1A1A1A1A1A1A1A1,2026-01-01T00:00:00Z
            rs-mitte,,r2,Raum 2,A2A2A2A2A2A2A2A2,2026-01-01T00:00:00Z
            """;
        for (int i = 0; i < 2; i++) {
            HubClient.Response r = importCsv(client, first);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json()).isEqualTo(new JsonObject().put("sites", 1).put("rooms", 2).put("devices", 2));
        }
        assertThat(installations(client, "A1A1A1A1A1A1A1A1")).containsExactly("r1 2026-01-01T00:00:00Z-");

        // A1 to r2 and, later in the same file, back to r1; r2 renamed on the way
        HubClient.Response moved = importCsv(client, """
            site,site_name,room,room_name,device,since
            rs-mitte,,r2,Raum 2 (Musik),A1A1A1A1A1A1A1A1,2026-02-01T00:00:00Z
            rs-mitte,,r1,Raum 1,A1A1A1A1A1A1A1A1,2026-03-01T00:00:00Z
            """);
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(installations(client, "A1A1A1A1A1A1A1A1")).containsExactly(
            "r1 2026-03-01T00:00:00Z-", "r2 2026-02-01T00:00:00Z-2026-03-01T00:00:00Z",
            "r1 2026-01-01T00:00:00Z-2026-02-01T00:00:00Z");
        assertThat(site(client, "rs-mitte").getJsonArray("rooms").stream().map(JsonObject.class::cast)
            .filter(r -> r.getString("id").equals("r2")).findFirst().orElseThrow().getString("name"))
            .isEqualTo("Raum 2 (Musik)");

        // a move to a time not after the device's latest installation refuses the whole file
        HubClient.Response refused = importCsv(client, """
            site,site_name,room,device,since
            rs-mitte,,r3,A2A2A2A2A2A2A2A2,2026-04-01T00:00:00Z
            rs-mitte,,r2,A1A1A1A1A1A1A1A1,2026-03-01T00:00:00Z
            """);
        assertRefused(refused, "since", "line 3: since device A1A1A1A1A1A1A1A1 has an "
            + "installation since 2026-03-01T00:00:00Z");
        assertThat(installations(client, "A2A2A2A2A2A2A2A2")).containsExactly("r2 2026-01-01T00:00:00Z-");
        assertThat(site(client, "rs-mitte").getJsonArray("rooms").stream().map(JsonObject.class::cast)
            .map(r -> r.getString("id"))).containsExactly("r1", "r2");
    }

    @Test
    void aCsvImportChecksADevicesLinesAgainstEachOtherAndAnEndedInstallationAndNamesAnUnknownSite(HubClient client) {
        HubClient.Response first = importCsv(client, """
            site,site_name,room,device,since
            gs-west,Grundschule West,w1,C1C1C1C1C1C1C1C1,2026-01-01T00:00:00Z
            """);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        // the same device twice in one file at the same time: refused at its second line, not by the database
        HubClient.Response twice = importCsv(client, """
            site,site_name,room,device,since
            gs-west,,w2,C1C1C1C1C1C1C1C1,2026-02-01T00:00:00Z
            gs-west,,w3,C1C1C1C1C1C1C1C1,2026-02-01T00:00:00Z
            """);
        assertRefused(twice, "since", "line 3: since device C1C1C1C1C1C1C1C1 has an "
            + "installation since 2026-02-01T00:00:00Z");
        assertThat(installations(client, "C1C1C1C1C1C1C1C1")).containsExactly("w1 2026-01-01T00:00:00Z-");

        // a device taken out, then installed again by an import: its ended installation keeps its end
        assertThat(client.withToken(TOKEN).delete(ROOT + "registry/devices/C1C1C1C1C1C1C1C1?at=2026-03-01T00:00:00Z")
            .status()).isEqualTo(200);
        HubClient.Response again = importCsv(client, """
            site,site_name,room,device,since
            gs-west,,w2,C1C1C1C1C1C1C1C1,2026-04-01T00:00:00Z
            """);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json()).isEqualTo(new JsonObject().put("sites", 1).put("rooms", 1).put("devices", 1));
        assertThat(installations(client, "C1C1C1C1C1C1C1C1")).containsExactly("w2 2026-04-01T00:00:00Z-",
            "w1 2026-01-01T00:00:00Z-2026-03-01T00:00:00Z");

        HubClient.Response unknown = client.withToken(TOKEN).post(ROOT + "registry/import", "text/csv",
            "site,site_name,room\ngs-west,,w4\nnowhere,,r1\n");
        assertRefused(unknown, "site_name", "line 3: site_name is needed for the new site nowhere");
        assertThat(site(client, "gs-west").getJsonArray("rooms").stream().map(JsonObject.class::cast)
            .map(r -> r.getString("id"))).containsExactly("w1", "w2");
    }

    @Test
    void movesAtTimesApartBelowAMicrosecondAreRefusedAsTheSameTimeNotLeftToTheDatabasesKey(HubClient client) {
        String move = ROOT + "registry/devices/D1D1D1D1D1D1D1D1/move";
        assertThat(client.withToken(TOKEN).post(move, "application/json",
            "{\"site\":\"gs-nord\",\"room\":\"lz\",\"since\":\"2026-05-01T00:00:00.0000001Z\"}").status())
            .isEqualTo(200);
        // the database keeps microseconds: 0.4 us and 0.1 us after the second are the same key there
        HubClient.Response again = client.withToken(TOKEN).post(move, "application/json",
            "{\"site\":\"gs-nord\",\"room\":\"1.01\",\"since\":\"2026-05-01T00:00:00.0000004Z\"}");
        assertThat(again.status()).as(again.body()).isEqualTo(409); // as every move not after the latest
        assertThat(again.json()).isEqualTo(new JsonObject().put("error", "device D1D1D1D1D1D1D1D1 has an "
            + "installation since 2026-05-01T00:00:00Z; a move must come after it").put("field", "since"));
        assertThat(installations(client, "D1D1D1D1D1D1D1D1")).containsExactly("lz 2026-05-01T00:00:00Z-");
    }

    @Test
    void aMoveMayNotStartInsideAnEndedInstallationNorAtATimeOutsideTheRegistrysRange(HubClient client) {
        String move = ROOT + "registry/devices/E1E1E1E1E1E1E1E1/move";
        assertThat(client.withToken(TOKEN).post(move, "application/json",
            "{\"site\":\"gs-nord\",\"room\":\"lz\",\"since\":\"2026-05-01T00:00:00Z\"}").status()).isEqualTo(200);
        assertThat(client.withToken(TOKEN).delete(ROOT + "registry/devices/E1E1E1E1E1E1E1E1?at=2026-06-01T00:00:00Z")
            .status()).isEqualTo(200);
        // before, this was taken: the device was then in lz and in 1.01 from 15 May to 1 June
        HubClient.Response inside = client.withToken(TOKEN).post(move, "application/json",
            "{\"site\":\"gs-nord\",\"room\":\"1.01\",\"since\":\"2026-05-15T00:00:00Z\"}");
        assertThat(inside.status()).as(inside.body()).isEqualTo(409);
        assertThat(inside.json()).isEqualTo(new JsonObject().put("error", "device E1E1E1E1E1E1E1E1 was installed "
            + "from 2026-05-01T00:00:00Z until 2026-06-01T00:00:00Z; a move must not start before that end")
            .put("field", "since"));
        assertThat(client.withToken(TOKEN).post(move, "application/json",
            "{\"site\":\"gs-nord\",\"room\":\"1.01\",\"since\":\"2026-06-01T00:00:00Z\"}").status())
            .isEqualTo(200);
        assertThat(installations(client, "E1E1E1E1E1E1E1E1")).containsExactly("1.01 2026-06-01T00:00:00Z-",
            "lz 2026-05-01T00:00:00Z-2026-06-01T00:00:00Z");

        // outside what the database's timestamps take (a 500 before), or a typo far ahead, after which the device
        // could never be moved again
        for (String t : List.of("+999999999-12-31T23:59:59-18:00", "9999-01-01T00:00:00Z", "1999-12-31T23:59:59Z")) {
            HubClient.Response r = client.withToken(TOKEN).post(move, "application/json",
                "{\"site\":\"gs-nord\",\"room\":\"lz\",\"since\":\"" + t + "\"}");
            assertThat(r.status()).as(t + ": " + r.body()).isEqualTo(400);
            assertThat(r.json().getString("field")).isEqualTo("since");
            assertThat(r.json().getString("error")).isEqualTo("since " + t + " is outside 2000-01-01T00:00:00Z to a "
                + "year after now");
        }
        HubClient.Response farEnd = client.withToken(TOKEN).delete(ROOT + "registry/devices/E1E1E1E1E1E1E1E1"
            + "?at=%2B300000-01-01T00:00:00Z");
        assertThat(farEnd.status()).as(farEnd.body()).isEqualTo(400);
        assertThat(farEnd.json().getString("field")).isEqualTo("at");
        // a field a move does not have is refused, not ignored (the device was moved now before)
        HubClient.Response unknown = client.withToken(TOKEN).post(move, "application/json",
            "{\"site\":\"gs-nord\",\"room\":\"lz\",\"time\":\"2026-07-01T00:00:00Z\"}");
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(400);
        assertThat(unknown.json().getString("field")).isEqualTo("time");
        assertThat(installations(client, "E1E1E1E1E1E1E1E1")).hasSize(2);
    }

    @Test
    void movesWithoutATimeThatWaitForTheRegistryTakeTheirTimeWhenTheirTurnComes(HubClient client) throws Exception {
        // an import holds the registry for a while (refused at its last line, so it leaves nothing); moves without
        // a time queue behind it. Their time was taken before the wait, and the lock lets them in in any order: a move
        // stamped earlier than the one let in before it was refused with 409.
        StringBuilder csv = new StringBuilder("site,site_name,room\n");
        for (int i = 0; i < 5_000; i++) {
            csv.append("queue-site,Queue,q").append(i).append('\n');
        }
        csv.append("queue-site,Queue,bad room\n");
        ExecutorService pool = Executors.newFixedThreadPool(9);
        try {
            Future<HubClient.Response> imported = pool.submit(() -> importCsv(client, csv.toString()));
            List<Future<HubClient.Response>> moves = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String room = i % 2 == 0 ? "lz" : "1.01";
                moves.add(pool.submit(() -> client.withToken(TOKEN).post(ROOT + "registry/devices/F1F1F1F1F1F1F1F1"
                    + "/move", "application/json", "{\"site\":\"gs-nord\",\"room\":\"" + room + "\"}")));
            }
            assertRefused(imported.get(60, TimeUnit.SECONDS), "room", "line 5002: room 'bad room'");
            for (Future<HubClient.Response> m : moves) {
                HubClient.Response r = m.get(60, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.body()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(installations(client, "F1F1F1F1F1F1F1F1")).isNotEmpty();
    }

    @Test
    void aCsvImportRefusesWhatItCouldNotKeepAsSentNamingLineAndColumnShortly(HubClient client) {
        // kind is checked as it is kept, lowercased: 40 dotted capital I are 80 characters then (a 500 before)
        assertRefused(importCsv(client, "site,site_name,room,kind\nhs-csv,H,k1," + "\u0130".repeat(40) + "\n"),
            "kind", "line 2: kind has 80 characters; at most 40");
        // a control character in a name, refused naming line and column; a NUL (a 500 on PostgreSQL) is no text at
        // all, refused as the body's byte
        assertRefused(importCsv(client, "site,site_name,room,room_name\nhs-csv,H,k1,a\u0007b\n"),
            "room_name", "line 2: room_name has a control character (U+0007) at character 2");
        assertRefused(importCsv(client, "site,site_name,room,room_name\nhs-csv,H,k1,a\u0000b\n"), "body", "the CSV");
        // coordinates as the registry API takes them: decimals, both or neither
        assertRefused(importCsv(client, "site,site_name,room,latitude,longitude\nhs-csv,H,k1,NaN,NaN\n"),
            "latitude", "line 2: latitude 'NaN' is not a number");
        assertRefused(importCsv(client, "site,site_name,room,latitude,longitude\nhs-csv,H,k1,53.8,0x1p3\n"),
            "longitude", "line 2: longitude '0x1p3' is not a number");
        assertRefused(importCsv(client, "site,site_name,room,latitude\nhs-csv,H,k1,53.8\n"),
            "longitude", "line 2: longitude is missing: latitude and longitude go together");
        assertRefused(importCsv(client, "site,site_name,room,device,since\nhs-csv,H,k1,E2E2E2E2E2E2E2E2,"
            + "9999-01-01T00:00:00Z\n"), "since", "line 2: since 9999-01-01T00:00:00Z is outside 2000-01-01T00:00:00Z");
        // the header: a column named twice (the last won before), an unknown one shown shortened (4 MB before)
        assertRefused(importCsv(client, "site,room,room\nhs-csv,k1,k2\n"), "room", "line 1: room is named twice");
        HubClient.Response longHeader = importCsv(client, "site,room," + "x".repeat(2_000_000) + "\nhs-csv,k1,v\n");
        assertThat(longHeader.status()).isEqualTo(400);
        assertThat(longHeader.body().length()).isLessThan(1_000);
        // a quote never closed: before, the rest of the file was one room's name
        assertRefused(importCsv(client, "site,site_name,room,room_name\nhs-csv,H,k7,\"Klasse 7\nhs-csv,H,k8,"
            + "Klasse 8\n"), "body", "line 2: body has a quote that is not closed");
        // JSON is not read as CSV (refused for its "columns" before)
        HubClient.Response json = client.withToken(TOKEN).post(ROOT + "registry/import", "application/json",
            "{\"site\":\"hs-csv\",\"room\":\"k1\"}");
        assertThat(json.status()).as(json.body()).isEqualTo(415);
        assertThat(json.header("Accept-Post")).isEqualTo("text/csv, text/plain");
        assertThat(json.json().getString("field")).isEqualTo("Content-Type");
        assertThat(client.withToken(TOKEN).get(ROOT + "registry").body()).doesNotContain("hs-csv");

        // a byte order mark, as spreadsheet programs write UTF-8, is not part of the first column's name
        HubClient.Response bom = importCsv(client, "\uFEFFsite,site_name,room\nhs-csv,H,k1\n");
        assertThat(bom.status()).as(bom.body()).isEqualTo(200);
        assertThat(site(client, "hs-csv").getString("name")).isEqualTo("H");
        // the registry API refuses control characters too
        HubClient.Response put = client.withToken(TOKEN).put(ROOT + "registry/sites/hs-csv/rooms/k2",
            "application/json", "{\"name\":\"a\\u001b[2Jb\"}");
        assertThat(put.status()).as(put.body()).isEqualTo(400);
        assertThat(put.json().getString("field")).isEqualTo("name");

        // the attacker's probe: a Latin-1 file's bytes became U+FFFD in names, a lone surrogate was kept (the city
        // page showed "lone ? sur"), and a right-to-left override turned names round on every page
        HubClient.Response latin1 = client.withToken(TOKEN).send("POST", ROOT + "registry/import",
            java.util.Map.of("Content-Type", "text/csv"), "site,site_name,room\nhs-csv,Gr\u00fcn,k1\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThat(latin1.status()).as(latin1.body()).isEqualTo(400);
        assertThat(latin1.json().getString("field")).isEqualTo("body");
        assertThat(latin1.json().getString("error")).startsWith("the CSV");
        HubClient.Response lone = client.withToken(TOKEN).put(ROOT + "registry/sites/hs-csv/rooms/k2",
            "application/json", "{\"name\":\"lone \\ud800 sur\"}");
        assertThat(lone.status()).as(lone.body()).isEqualTo(400);
        assertThat(lone.json().getString("error")).contains("has a lone surrogate (half a character) at character 6");
        assertRefused(importCsv(client, "site,site_name,room,room_name\nhs-csv,H,k1,Raum \u202Efdp.exe\n"),
            "room_name", "line 2: room_name has a bidirectional control character (U+202E) at character 6");
        assertThat(client.withToken(TOKEN).get(ROOT + "registry").body()).doesNotContain("Gr\uFFFDn")
            .doesNotContain("\u202E");
    }

    @Test
    void aChangeThatWouldTakeTheRegistryPastItsRoomLimitIsRefusedWholeAsAConflict(HubClient client) {
        // four imports of 20,000 new rooms each took a hub with -Xmx1g out of memory, through the registry's snapshot
        // and the SensorThings graph made from it
        StringBuilder csv = new StringBuilder("site,site_name,room\n");
        for (int i = 0; i <= Registry.MAX_ROOMS; i++) {
            csv.append("big-site,Big,r").append(i).append('\n');
        }
        HubClient.Response r = importCsv(client, csv.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.json().getString("field")).isEqualTo("rooms");
        assertThat(r.json().getString("error")).endsWith("rooms; it holds at most 10000, so nothing of this change "
            + "was kept");
        assertThat(client.withToken(TOKEN).get(ROOT + "registry").body()).doesNotContain("big-site");
    }

    /** The registry's CSV import, as the owning member's editor. */
    private static HubClient.Response importCsv(HubClient client, String csv) {
        return client.withToken(TOKEN).post(ROOT + "registry/import", "text/csv", csv);
    }

    /** A 400 naming the field, its message starting so. */
    private static void assertRefused(HubClient.Response r, String field, String error) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo(field);
        assertThat(r.json().getString("error")).startsWith(error);
    }

    /** A device's installations, latest first, as "room since-until". */
    private static List<String> installations(HubClient client, String device) {
        HubClient.Response r = client.withToken(TOKEN).get(ROOT + "registry/devices/" + device);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().getJsonArray("installations").stream().map(JsonObject.class::cast)
            .map(i -> i.getString("room") + " " + i.getString("since") + "-" + i.getString("until", ""))
            .toList();
    }

    @Test
    void anImportIsLoggedWithWhoMadeItAndWhatItHeld(HubClient client) {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger("de.datenhafen.plugins.airquality.RegistryConnector");
        log.start();
        logger.addAppender(log);
        try {
            HubClient.Response r = importCsv(client, "site,site_name,room,device\n"
                + "logged-site,Logged School,r1,70B3D57E0000A101\nlogged-site,,r2,\n");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).anySatisfy(m -> assertThat(m)
                .startsWith("Registry import by token ").contains(" of member " + Members.OWNER + ": sites 1, rooms 2, "
                    + "devices 1 (0 KiB of CSV, "));
        } finally {
            logger.detachAppender(log);
        }
    }

    @Test
    void aBadCsvChangesNothingAndNamesLineAndColumn(HubClient client) {
        HubClient.Response r = client.withToken(TOKEN).post(ROOT + "registry/import", "text/csv",
            "site,site_name,room\nnew-site,New,r1\nnew-site,,bad room\n");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("room");
        assertThat(r.json().getString("error")).startsWith("line 3: room 'bad room' must be");
        assertThat(client.anonymous().get(ROOT + "sites").body()).doesNotContain("new-site");
    }
}
