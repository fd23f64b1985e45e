package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * OGC's executable test suite for SensorThings 1.0 ({@code org.opengis.cite:ets-sta10}, its all-in-one jar, which
 * the build copies to {@code target/ets}) run as {@code java -jar} in a child JVM against {@code /sta/v1.0} of a real
 * hub with the packaged plugin, three schools' rooms and their readings. Its TestNG results are read back: the
 * Sensing Core class must pass whole; every other test that does not pass must be in {@link #KNOWN} with the reason
 * (so a newly failing test fails the build, and a known one that starts to pass asks to be taken off the list).
 */
class OgcConformanceIT {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest().build();

    static final String ROOT = SensorThingsIT.ROOT;
    /** The suite's own bound: it makes some 3,000 requests; far less than this here. */
    static final Duration SUITE_TIME = Duration.ofMinutes(6);

    static final String SENSING_CORE = "sensingCore.Capability1Tests";
    static final String CREATE_UPDATE_DELETE = "createUpdateDelete.Capability2Tests";
    static final String FILTERING = "filteringExtension.Capability3Tests";

    /** Why the Create-Update-Delete class cannot run here: its fixture deletes everything first. */
    static final String CUD_FIXTURE = "the class's fixture (obtainTestSubject) first DELETEs every entity of the "
        + "service, Observations first, and refuses to run if one stays: Observations are readings and stay (the "
        + "averages, daily statistics and alerts include them), rooms with readings stay, Datastreams, Sensors and "
        + "ObservedProperties follow from rooms and quantities; so its 8 tests are skipped";
    /** Why the Filtering Extension class cannot run here: its fixture deep-inserts a world of its own. */
    static final String FILTERING_FIXTURE = "the class's fixture (obtainTestSubject/createEntities) POSTs Things with "
        + "new Locations, Datastreams, Sensors and ObservedProperties inside (deep insert: Lumen, 'Luminous Flux'), "
        + "then expects the service to hold exactly its own entities (2 Things, 4 Datastreams, 12 Observations in "
        + "2015); here a Thing is a room at an existing site, its four Datastreams follow from the quantities the "
        + "monitors measure, and the service holds the schools' data; so its 8 tests are skipped";

    /**
     * A test or fixture of the suite that does not pass here, by design: the reason, and what the suite's message
     * says when it fails for that reason (so the same test failing for another reason is not taken for it).
     */
    record Known(String reason, String message) {
    }

    /** The CUD fixture's refusal: the first Observation it deletes is answered 405. */
    static final String CUD_MESSAGE = "DELETE does not work properly for OBSERVATION";
    /**
     * The Filtering fixture's refusal: it cuts the id out of the Location header of its first POST, which was a 400
     * (see {@link #theFilteringFixturesDeepInsertIsRefusedWithItsReason}), so there is none.
     */
    static final String FILTERING_MESSAGE = "begin 0, end -1, length 0";

    static final Map<String, Known> KNOWN = known();

    private static Map<String, Known> known() {
        Map<String, Known> m = new LinkedHashMap<>();
        for (String t : List.of("obtainTestSubject", "createEntities", "createEntitiesWithDeepInsert",
            "createInvalidEntitiesWithDeepInsert", "createInvalidEntities", "patchEntities", "invalidPatchEntities",
            "deleteEntities", "deleteNoneexistentEntities", "deleteEverythings")) {
            m.put(CREATE_UPDATE_DELETE + "." + t, new Known(CUD_FIXTURE, CUD_MESSAGE));
        }
        for (String t : List.of("obtainTestSubject", "readEntitiesWithSelectQO", "readEntitiesWithExpandQO",
            "readEntitiesWithTopQO", "readEntitiesWithSkipQO", "readEntitiesWithOrderbyQO", "readEntitiesWithCountQO",
            "readEntitiesWithFilterQO", "checkQueriesPriorityOrdering", "deleteEverythings")) {
            m.put(FILTERING + "." + t, new Known(FILTERING_FIXTURE, FILTERING_MESSAGE));
        }
        return Map.copyOf(m);
    }

    /** One test method's (or fixture's) outcome in the suite's testng-results.xml. */
    record Outcome(String name, String status, boolean config, String message) {
    }

    static Map<String, Outcome> outcomes;
    static Duration took;

    @BeforeAll
    static void schoolsRoomsAndReadingsThenTheSuite() throws Exception {
        HubClient client = hub.client();
        String base = client.baseUri().toString().replaceAll("/$", "");
        AirQualityIT.create(client, "aq-registry", "airquality-registry", new JsonObject());
        AirQualityIT.create(client, "aq-projections", "airquality-projections", new JsonObject());
        AirQualityIT.create(client, "aq-http", "airquality-http", new JsonObject());
        // the suite writes without a token, as against a test installation; links from the URL the suite is given
        AirQualityIT.create(client, "aq-sta", "airquality-sensorthings", new JsonObject().put("open-writes", true)
            .put("base-url", base + "/sta"));
        StringBuilder csv = new StringBuilder("site,site_name,address,latitude,longitude,room,room_name,kind,device,"
            + "since\n");
        List<String> devices = new ArrayList<>();
        String[][] sites = {{"gs-nord", "Grundschule Nord", "Nordweg 1", "53.87", "10.68"},
            {"gym-sued", "Gymnasium Sued", "Suedring 5", "53.84", "10.69"},
            {"rs-west", "Realschule West", "Westweg 3", "53.86", "10.61"}};
        for (int s = 0; s < sites.length; s++) {
            for (int r = 1; r <= 2; r++) {
                String device = String.format("70B3D57ED00%02d%03d", s, r);
                devices.add(device);
                csv.append(String.join(",", sites[s])).append(",").append(r).append(".0").append(r).append(",Raum ")
                    .append(r).append(",classroom,").append(device).append(",2026-01-01T00:00:00Z\n");
            }
        }
        // registry and uplinks with the hub's bootstrap admin token: a hub-admin may write any member's data
        HubClient.Response imported = client.post(ROOT + "registry/import", "text/csv", csv.toString());
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));
        StringBuilder batch = new StringBuilder("[");
        for (int d = 0; d < devices.size(); d++) {
            for (int i = 0; i < 6; i++) {
                batch.append(batch.length() == 1 ? "" : ",").append("{\"device\":\"").append(devices.get(d))
                    .append("\",\"time\":\"").append(start.plus(Duration.ofMinutes(5L * i))).append("\",\"co2\":")
                    .append(500 + 100 * i + d).append(",\"temperature\":21.5,\"humidity\":45,\"pressure\":1013.2}");
            }
        }
        HubClient.Response ingested = client.post(ROOT + "uplinks", "application/json",
            batch.append(']').toString());
        assertThat(ingested.status()).as(ingested.body()).isEqualTo(202);
        int expected = devices.size() * 6 * 4;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(client.anonymous()
            .get("/sta/v1.0/Observations?$count=true&$top=0").json().getLong("@iot.count")).isEqualTo(expected));

        Path run = Path.of("target", "ets-run").toAbsolutePath();
        outcomes = runSuite(run, base + "/sta/v1.0");
    }

    /**
     * Runs the suite as OGC ships it ({@code java -jar ets-sta10-aio.jar props.xml}) with {@code user.home} in
     * {@code dir}, where it writes its results; at most {@link #SUITE_TIME}, then the child JVM is ended and the test
     * fails with the end of its output.
     */
    static Map<String, Outcome> runSuite(Path dir, String iut) throws Exception {
        String jar = System.getProperty("datenhafen.ets-sta10.jar");
        assertThat(jar).as("the build copies the suite's jar (maven-dependency-plugin, execution ets-sta10) and "
            + "names it in datenhafen.ets-sta10.jar").isNotNull();
        assertThat(Path.of(jar)).exists();
        deleteTree(dir);
        Files.createDirectories(dir);
        // a Java XML properties file without its DOCTYPE line: with it the parser fetches the DTD from the network
        Path props = dir.resolve("props.xml");
        Files.writeString(props, """
            <?xml version="1.0" encoding="UTF-8"?>
            <properties version="1.0">
              <comment>ets-sta10 against the air-quality plugin's SensorThings service</comment>
              <entry key="iut">%s</entry>
              <entry key="ics">3</entry>
            </properties>
            """.formatted(iut));
        Path log = dir.resolve("suite-output.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Duser.home=" + dir, "-Xmx512m", "-jar", jar, props.toString())
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long t0 = System.nanoTime();
        boolean done;
        try {
            done = p.waitFor(SUITE_TIME.toSeconds(), TimeUnit.SECONDS);
        } finally {
            // also when this thread is interrupted (JUnit's time-out): no suite outlives the test
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(done).as("the suite ended within " + SUITE_TIME + "; its output ends with:\n" + tail(log)).isTrue();
        Path results;
        try (Stream<Path> files = Files.walk(dir)) {
            results = files.filter(f -> f.getFileName().toString().equals("testng-results.xml")).findFirst()
                .orElse(null);
        }
        assertThat(results).as("testng-results.xml under " + dir + "; the suite's output ends with:\n" + tail(log))
            .isNotNull();
        return parse(results);
    }

    static Map<String, Outcome> parse(Path results) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        var doc = factory.newDocumentBuilder().parse(results.toFile());
        Map<String, Outcome> out = new TreeMap<>();
        NodeList classes = doc.getElementsByTagName("class");
        for (int i = 0; i < classes.getLength(); i++) {
            Element c = (Element) classes.item(i);
            String cls = c.getAttribute("name").replace("org.opengis.cite.sta10.", "");
            NodeList methods = c.getElementsByTagName("test-method");
            for (int k = 0; k < methods.getLength(); k++) {
                Element m = (Element) methods.item(k);
                NodeList messages = m.getElementsByTagName("message");
                String message = messages.getLength() == 0 ? "" : messages.item(0).getTextContent().trim();
                String name = cls + "." + m.getAttribute("name");
                Outcome o = new Outcome(name, m.getAttribute("status"), "true".equals(m.getAttribute("is-config")),
                    message);
                // a fixture runs once per class; keep a failure over a pass
                out.merge(name, o, (a, b) -> a.status().equals("PASS") ? b : a);
            }
        }
        return out;
    }

    @Test
    void theSuiteRanAllThreeConformanceClassesWithinItsTime() {
        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        outcomes.values().stream().filter(o -> !o.config()).forEach(o -> counts
            .computeIfAbsent(o.name().substring(0, o.name().lastIndexOf('.')), k -> new TreeMap<>())
            .merge(o.status(), 1, Integer::sum));
        System.out.println("ets-sta10 took " + took.toSeconds() + " s; per class: " + counts);

        assertThat(counts).containsOnlyKeys(SENSING_CORE, CREATE_UPDATE_DELETE, FILTERING);
        assertThat(took).isLessThan(SUITE_TIME);
    }

    @Test
    void theSensingCoreClassPassesEveryTest() {
        List<Outcome> core = outcomes.values().stream().filter(o -> o.name().startsWith(SENSING_CORE + "."))
            .toList();

        assertThat(core).extracting(Outcome::name).contains(SENSING_CORE + ".readEntitiesAndCheckResponse",
            SENSING_CORE + ".readNonexistentEntity", SENSING_CORE + ".readEntityAndCheckResponse",
            SENSING_CORE + ".readPropertyOfEntityAndCheckResponse", SENSING_CORE + ".checkResourcePaths",
            SENSING_CORE + ".checkServiceRootUri");
        assertThat(core).allSatisfy(o -> assertThat(o.status()).as(o.name() + ": " + o.message()).isEqualTo("PASS"));
    }

    @Test
    void everyTestThatDoesNotPassIsAKnownOneFailingForItsKnownReason() {
        List<String> unexplained = outcomes.values().stream()
            .filter(o -> !o.status().equals("PASS") && !(KNOWN.containsKey(o.name())
                // a skipped fixture (deleteEverythings after a failed obtainTestSubject) has no message of its own
                && (o.message().contains(KNOWN.get(o.name()).message()) || o.config() && o.message().isEmpty())))
            .map(o -> o.name() + " " + o.status() + ": " + o.message()).toList();

        assertThat(unexplained).as("tests that do not pass and are not in KNOWN, or fail for another reason")
            .isEmpty();
    }

    @Test
    void theCreateUpdateDeleteFixturesFirstDeleteIsRefusedWithItsReason() {
        Object first = hub.client().anonymous().get("/sta/v1.0/Observations?$top=1").json().getJsonArray("value")
            .getJsonObject(0).getValue("@iot.id");

        SensorThingsIT.Answer r = SensorThingsIT.send("DELETE", url("/sta/v1.0/Observations(" + first + ")"), null,
            null);

        assertThat(r.status()).isEqualTo(405);
        assertThat(r.json().getString("error")).startsWith("an Observation cannot be deleted one by one");
    }

    @Test
    void theFilteringFixturesDeepInsertIsRefusedWithItsReason() {
        // the shape of the suite's first POST (Capability3Tests.createEntities), shortened to what decides it
        SensorThingsIT.Answer r = SensorThingsIT.send("POST", url("/sta/v1.0/Things"), "{\"name\": \"thing 1\", "
            + "\"description\": \"thing 1\", \"Locations\": [{\"name\": \"location 1\", \"description\": "
            + "\"location 1\", \"location\": {\"type\": \"Point\", \"coordinates\": [-117.05, 51.05]}, "
            + "\"encodingType\": \"application/vnd.geo+json\"}], \"Datastreams\": [{\"name\": \"datastream 1\", "
            + "\"unitOfMeasurement\": {\"name\": \"Lumen\", \"symbol\": \"lm\"}, \"ObservedProperty\": "
            + "{\"name\": \"Luminous Flux\"}, \"Sensor\": {\"name\": \"sensor 1\"}}]}", null);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("Locations");
        assertThat(r.raw().headers().firstValue("Location")).isEmpty();
        assertThat(hub.client().anonymous().get("/sta/v1.0/Things?$count=true&$top=0").json().getLong("@iot.count"))
            .isEqualTo(6);
    }

    @Test
    void idsAndNamesAreTheSameAfterTheHubRestarts() {
        List<String> before = idsAndNames();

        hub.restart();
        await().atMost(Duration.ofSeconds(30)).until(() -> hub.client().anonymous().get("/sta/v1.0").status() == 200);

        assertThat(idsAndNames()).isEqualTo(before).hasSize(6 + 3 + 6 + 24 + 4 + 4 + 6 + 144);
    }

    /** An absolute URL of the hub as it runs now (a restart gives it another port). */
    private static String url(String path) {
        return hub.client().baseUri().resolve(path).toString();
    }

    /** Every entity of every set as "set(id) name", Observations with their time instead. */
    private static List<String> idsAndNames() {
        List<String> out = new ArrayList<>();
        for (String set : List.of("Things", "Locations", "HistoricalLocations", "Datastreams", "Sensors",
            "ObservedProperties", "FeaturesOfInterest", "Observations")) {
            JsonObject page = hub.client().anonymous().get("/sta/v1.0/" + set + "?$top=1000").json();
            for (Object o : page.getJsonArray("value")) {
                JsonObject e = (JsonObject) o;
                out.add(set + "(" + e.getValue("@iot.id") + ") " + e.getValue(set.equals("Observations")
                    ? "phenomenonTime" : set.equals("HistoricalLocations") ? "time" : "name"));
            }
        }
        return out;
    }

    @Test
    void everyKnownFailureStillFailsSoTheListStaysTrue() {
        List<String> passing = KNOWN.keySet().stream()
            .filter(n -> outcomes.containsKey(n) && outcomes.get(n).status().equals("PASS")).sorted().toList();

        assertThat(passing).as("tests in KNOWN that pass now: take them off the list").isEmpty();
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8);
            return s.substring(Math.max(0, s.length() - 4000));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
