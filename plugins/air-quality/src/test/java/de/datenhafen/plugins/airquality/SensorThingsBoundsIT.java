package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.api.Caller;
import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.RawHttp;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an anonymous client cannot do to the public SensorThings services of the packaged plugin in a real hub, and
 * what it sees instead: a deep {@code $skip} over Observations is refused (it made the database walk and sort the
 * whole reading table), one client's expensive reads no longer make everybody else's reads 503 (the read budget is
 * charged as a read runs, and a read that would drain it is stopped), and text with a lone surrogate is not stored.
 * The schools' service at {@code /sta} over a registry of 1,000 rooms (4,000 Datastreams) with a small read budget
 * (a fifth of a core), which the test's expensive read would use up many times over; the general store at
 * {@code /sensorthings} with {@code max-skip} 5, so that paging past it takes a dozen Observations.
 */
class SensorThingsBoundsIT {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest()
        .config("auth.failures.limit", 1000).build();

    static final String ROOT = "/api/v1/plugins/air-quality/";
    static final int ROOMS = 1000;
    /** The schools' service's writer (the owning member's editor); the store's (any member's editor). */
    static String SCHOOLS_EDITOR;
    static SensorThingsStoreIT.Client STORE;

    @BeforeAll
    static void aLargeRegistryTheSchoolsServiceWithASmallReadBudgetAndAShallowStore() {
        HubClient admin = hub.client();
        Members.create(admin);
        SCHOOLS_EDITOR = Members.token(admin, Members.OWNER, "sta-editor", Caller.MEMBER_EDITOR);
        STORE = new SensorThingsStoreIT.Client(hub, Members.token(admin, Members.OTHER, "store-editor",
            Caller.MEMBER_EDITOR));
        AirQualityIT.create(admin, "aq-registry", "airquality-registry", new JsonObject());
        // a fifth of a core for all reads (burst 400 ms): an expensive read is stopped after a fraction of a second,
        // and a wait of up to 5 s pays a debt of up to 1 s
        AirQualityIT.create(admin, "aq-sta", "airquality-sensorthings", new JsonObject()
            .put("read-cpu-per-second", "200ms"));
        AirQualityIT.create(admin, "shallow-store", "sensorthings-store", new JsonObject()
            .put("page-size", 5).put("max-skip", 5));
        // room names in another order than the rooms' keys, so that ordering Datastreams by name is a real sort
        StringBuilder csv = new StringBuilder("site,site_name,address,latitude,longitude,room,room_name,kind\n");
        for (int i = 0; i < ROOMS; i++) {
            int site = i / 100;
            csv.append("s").append(site).append(",Schule ").append(site).append(",Weg ").append(site)
                .append(",53.8").append(site).append(",10.6").append(site).append(",r").append(i)
                .append(",Raum ").append(String.format("%03d", (i * 389) % ROOMS)).append(",classroom\n");
        }
        HubClient.Response imported = admin.post(ROOT + "registry/import", "text/csv", csv.toString());
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
    }

    static SensorThingsIT.Answer get(HubClient client, String path) {
        HubClient.Response r = client.get(path);
        return new SensorThingsIT.Answer(r.status(), r.body(), null);
    }

    @Test
    void aDeepSkipOverObservationsIsRefusedNamingSkipInBothServices() {
        HubClient anyone = hub.client().anonymous();
        // the attacker's request: 5.5 to 7.9 s of a core on the packaged demo's readings, for an empty page
        SensorThingsIT.Answer schools = get(anyone, "/sta/v1.1/Observations?$skip=2000000000&$top=1&$orderby=result");
        SensorThingsIT.Answer store = get(anyone, "/sensorthings/v1.1/Observations?$skip=6");

        assertThat(schools.status()).as(schools.body()).isEqualTo(400);
        assertThat(schools.json().getString("field")).isEqualTo("$skip");
        assertThat(schools.json().getString("error")).isEqualTo("$skip is at most 10000 on Observations (max-skip), "
            + "not 2000000000: page further with @iot.nextLink (in id order, the default, it continues after the "
            + "last Observation without skipping), or narrow the query (a phenomenonTime range)");
        assertThat(store.status()).as(store.body()).isEqualTo(400);
        assertThat(store.json().getString("field")).isEqualTo("$skip");
        assertThat(store.json().getString("error")).startsWith("$skip is at most 5 on Observations (max-skip), not 6");
        // up to the bound: answered
        assertThat(get(anyone, "/sensorthings/v1.1/Observations?$skip=5").status()).isEqualTo(200);
    }

    /**
     * Client A (from 127.0.0.2) sends an expensive read again and again: Datastreams ordered by text functions over
     * 4,000 of them, seconds of a core in all (before, the read ran to its end and put the shared budget that far into
     * debt). Client B's cheap read right after each must be answered.
     */
    @Test
    void oneClientsExpensiveReadsDoNotMakeAnotherClientsCheapRead503() throws Exception {
        HubClient b = hub.client().anonymous();
        String cheap = cheapRead(b);
        assertThat(get(b, cheap).status()).isEqualTo(200); // B's read alone

        List<RawHttp.Answer> theirs = new ArrayList<>();
        List<SensorThingsIT.Answer> mine = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            theirs.add(read(CLIENT_A, EXPENSIVE));
            mine.add(get(b, cheap));
        }

        for (SensorThingsIT.Answer answer : mine) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.json().getJsonArray("value")).isEmpty();
        }
        // A's read is the one stopped, with what to do instead (or, while A is still over its share, refused at once)
        for (RawHttp.Answer answer : theirs) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(503);
            assertThat(new JsonObject(answer.body()).getString("error")).matches("(this read was stopped: it needs "
                + "more CPU time than one (client|request) may take from the SensorThings service's (shared )?read "
                + "budget|your reads have used their share of the SensorThings service's read budget).*");
        }
        assertThat(theirs.get(0).body()).contains("this read was stopped");
    }

    /**
     * Client A sends expensive reads from eight connections at once, again and again, while client B reads a page at a
     * time: before, A's reads together drained the shared budget and filled its four waiting places, and B's reads
     * waited up to 2.2 s for it, or were answered 503 ("busy with large answers") once the places were taken; now A
     * may use half of the budget, its reads past that are refused at once without waiting, and B's are answered at
     * once.
     */
    @Test
    void aClientSendingExpensiveReadsAtOnceTakesHalfTheBudgetAndAnotherClientIsAnswered() throws Exception {
        HubClient b = hub.client().anonymous();
        String cheap = cheapRead(b);
        ExecutorService attackers = Executors.newFixedThreadPool(CONNECTIONS);
        List<Future<List<Integer>>> theirs = new ArrayList<>();
        for (int k = 0; k < CONNECTIONS; k++) {
            theirs.add(attackers.submit(() -> {
                List<Integer> statuses = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    statuses.add(read(CLIENT_A, EXPENSIVE).status());
                }
                return statuses;
            }));
        }
        List<SensorThingsIT.Answer> mine = new ArrayList<>();
        long slowest = 0;
        try {
            while (theirs.stream().anyMatch(f -> !f.isDone()) || mine.size() < 5) {
                long t0 = System.nanoTime();
                mine.add(get(b, cheap));
                slowest = Math.max(slowest, System.nanoTime() - t0);
            }
            System.out.printf("B: %d reads, the slowest %d ms%n", mine.size(), slowest / 1_000_000);
            List<Integer> statuses = new ArrayList<>();
            for (Future<List<Integer>> f : theirs) {
                statuses.addAll(f.get(2, TimeUnit.MINUTES));
            }
            assertThat(statuses).as("A's reads").hasSize(6 * CONNECTIONS).containsOnly(503);
        } finally {
            attackers.shutdownNow();
        }

        assertThat(mine).allSatisfy(answer -> assertThat(answer.status()).as(answer.body()).isEqualTo(200));
        // nor made to wait for A's debt: before, B's reads waited up to 2.2 s for the shared bucket (a read alone
        // takes 5 to 50 ms here; the bound leaves room for a loaded machine)
        assertThat(slowest / 1_000_000).as("B's slowest read, ms").isLessThan(1_000);
    }

    /** How many connections client A sends its reads on at once: twice as many as may wait for the budget. */
    static final int CONNECTIONS = 8;
    /** Client A's address: all of 127/8 is loopback on Linux, and the test's HubClient (B) reads from 127.0.0.1. */
    static final InetAddress CLIENT_A = loopback("127.0.0.2");
    /**
     * A read of the whole of Datastreams ordered by an expression that is the same for every Datastream (-1: no '#'
     * in it), so each comparison of the sort computes all of it; within the hub's request line (4 KB).
     */
    static final String EXPENSIVE = expensive();

    private static String expensive() {
        String costly = "indexof(" + "toupper(tolower(".repeat(20) + "concat(name,'" + "x".repeat(300) + "')"
            + "))".repeat(20) + ",'#')";
        return "/sta/v1.1/Datastreams?$top=1&$orderby="
            + SensorThingsIT.enc(String.join(",", Collections.nCopies(3, costly)) + ",name");
    }

    /** One Datastream's first Observation (none): a cheap read. */
    private static String cheapRead(HubClient client) {
        long datastream = get(client, "/sta/v1.1/Datastreams?$top=1").json().getJsonArray("value").getJsonObject(0)
            .getLong("@iot.id");
        return "/sta/v1.1/Datastreams(" + datastream + ")/Observations?$top=1";
    }

    /** A GET of {@code path} from {@code local}, on a connection of its own. */
    private static RawHttp.Answer read(InetAddress local, String path) {
        return RawHttp.sendFrom(local, hub.port(), ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n"
            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(60));
    }

    private static InetAddress loopback(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no look-up
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void textWithALoneSurrogateIsRefusedNamingItsFieldAndNothingIsStored() {
        // the JSON escapes as a client sends them: a high surrogate without its low half, a low one alone
        SensorThingsIT.Answer schools = SensorThingsIT.send("POST", url("/sta/v1.1/Locations"),
            "{\"name\": \"Au\\uD800enstelle\", \"description\": \"Hofweg 2\", \"encodingType\": "
                + "\"application/geo+json\", \"location\": {\"type\": \"Point\", \"coordinates\": [10.7, 53.9]}}",
            SCHOOLS_EDITOR);
        SensorThingsIT.Answer store = STORE.write("POST", "Things", """
            {"name": "Pegel", "description": "gauge",
             "Locations": [{"name": "Br\\uDC00cke", "description": "east bank", "encodingType": "application/geo+json",
                            "location": {"type": "Point", "coordinates": [10.68, 53.87]}}]}
            """);
        SensorThingsIT.Answer inProperties = STORE.write("POST", "Things",
            "{\"name\": \"Pegel\", \"description\": \"gauge\", \"properties\": {\"owner\": \"x\\uD83D\"}}");

        assertThat(schools.status()).as(schools.body()).isEqualTo(400);
        assertThat(schools.json()).isEqualTo(new JsonObject().put("error", "name holds an unpaired UTF-16 "
            + "surrogate at position 2; text must be valid Unicode").put("field", "name"));
        assertThat(store.status()).as(store.body()).isEqualTo(400);
        assertThat(store.json().getString("field")).isEqualTo("Locations/name");
        assertThat(inProperties.status()).as(inProperties.body()).isEqualTo(400);
        assertThat(inProperties.json().getString("field")).isEqualTo("properties/owner");
        assertThat(get(hub.client(), "/sta/v1.1/Locations?$count=true&$top=0").json().getLong("@iot.count"))
            .isEqualTo(10);
        assertThat(STORE.get("Things?$filter=name%20eq%20'Pegel'&$count=true").json().getLong("@iot.count"))
            .isZero();
        // a pair (an emoji written as two escapes) is text like any other
        assertThat(STORE.write("POST", "Things", "{\"name\": \"Pegel \\uD83C\\uDF0A\", \"description\": \"gauge\"}")
            .status()).isEqualTo(201);
    }

    /**
     * The store's Observations past max-skip (5): the nextLinks skip while they can, then continue after the last
     * Observation ({@code $skiptoken}), so a client following them gets every Observation once, in order.
     */
    @Test
    void nextLinksGoOnPastMaxSkipAfterTheLastObservationInsteadOfSkipping() {
        JsonObject station = STORE.station("Bounds station", 10.7, 53.9);
        long datastream = station.getLong("datastream");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(STORE.observe(datastream, "2026-03-01T10:" + String.format("%02d", i) + ":00Z", i));
        }
        List<Long> descending = new ArrayList<>(ids);
        Collections.reverse(descending);

        List<String> links = new ArrayList<>();
        assertThat(follow("Datastreams(" + datastream + ")/Observations", links)).isEqualTo(ids);
        assertThat(links).hasSize(2);
        assertThat(links.get(0)).contains("$skip=5").doesNotContain("$skiptoken");
        assertThat(links.get(1)).contains("$skiptoken=" + ids.get(9)).doesNotContain("$skip=");
        assertThat(follow("Datastreams(" + datastream + ")/Observations?$orderby=id%20desc", new ArrayList<>()))
            .isEqualTo(descending);

        // an order the store cannot continue after an id: the link past max-skip is refused when followed, saying why
        SensorThingsIT.Answer second = SensorThingsIT.get(STORE.get("Datastreams(" + datastream
            + ")/Observations?$orderby=phenomenonTime").json().getString("@iot.nextLink"));
        String third = second.json().getString("@iot.nextLink");
        assertThat(third).contains("$skip=10");
        SensorThingsIT.Answer refused = SensorThingsIT.get(third);
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().getString("field")).isEqualTo("$skip");
    }

    /** The ids of every Observation from {@code path} on, following the nextLinks (collected in {@code links}). */
    private static List<Long> follow(String path, List<String> links) {
        List<Long> out = new ArrayList<>();
        SensorThingsIT.Answer page = STORE.get(path);
        while (true) {
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            page.value().forEach(o -> out.add(((JsonObject) o).getLong("@iot.id")));
            String next = page.json().getString("@iot.nextLink");
            if (next == null) {
                return out;
            }
            links.add(next);
            page = SensorThingsIT.get(next); // an absolute URL
        }
    }

    private static String url(String path) {
        return hub.client().baseUri().resolve(path).toString();
    }
}
