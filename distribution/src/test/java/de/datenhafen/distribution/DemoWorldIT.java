package de.datenhafen.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.testkit.HubClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo as a newcomer meets it, at whatever hour the build runs: readings stamped now, buses with live data, an
 * offer open now. The plugins' own tests prove 03:00 and 08:00 with a clock of their choosing ({@code SimulatorTest},
 * {@code DemoFeedTest}, {@code DemoDirectoryTest}); this one proves that the packaged {@code --demo} hub wires them up.
 */
class DemoWorldIT {

    private static DemoHub hub;
    private static HubClient anonymous;

    @BeforeAll
    static void start() throws Exception {
        hub = DemoHub.shared();
        anonymous = hub.client.anonymous();
    }

    private static List<JsonObject> objects(JsonArray a) {
        return a.stream().map(o -> (JsonObject) o).toList();
    }

    @Test
    void everySimulatedSchoolShowsReadingsOfTheLastFiveMinutesNotTwoHoursBehind() {
        await("70 sites with readings of now").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
            .untilAsserted(() -> {
                HubClient.Response sites = anonymous.get("/api/v1/plugins/air-quality/sites");
                assertThat(sites.status()).isEqualTo(200);
                List<JsonObject> all = objects(sites.json().getJsonArray("sites"));
                assertThat(all).hasSize(70).allSatisfy(s -> {
                    assertThat(s.getInteger("roomsWithReadings")).isEqualTo(s.getInteger("rooms"));
                    // the simulator stamps every 5 minutes; the snapshot is at most a few seconds old
                    assertThat(Instant.parse(s.getString("latest")))
                        .isAfter(Instant.now().minus(Duration.ofMinutes(6))).isBeforeOrEqualTo(Instant.now());
                });
            });

        HubClient.Response summary = anonymous.get("/api/v1/plugins/air-quality/sites");
        HubClient.Response rooms = anonymous.get("/api/v1/plugins/air-quality/sites?rooms=true");
        System.out.printf("GET sites: %,d bytes; GET sites?rooms=true: %,d bytes%n", summary.body().length(),
            rooms.body().length());
        assertThat(summary.body().length()).isLessThan(32 * 1024);
        assertThat(objects(rooms.json().getJsonArray("sites")).stream()
            .mapToInt(s -> s.getJsonArray("rooms").size()).sum()).isEqualTo(2500);

        // the README's examples without dates: the last 8 hours of averages, the last 24 hours of a room
        JsonObject site = anonymous.get("/api/v1/plugins/air-quality/sites/sim-01").json();
        assertThat(objects(site.getJsonArray("rooms"))).allSatisfy(r -> assertThat(r.getJsonArray("averages"))
            .isNotEmpty());
        JsonObject history = anonymous.get("/api/v1/plugins/air-quality/sites/sim-01/rooms/r001/history").json();
        assertThat(history.getJsonArray("points")).isNotEmpty();
    }

    @Test
    void busesRunWithLiveDelaysAndEveryDepartureSaysWhetherItIsSkipped() {
        await("vehicles and live departures").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
            .untilAsserted(() -> {
                JsonObject vehicles = anonymous.get("/api/v1/plugins/transit/vehicles").json();
                assertThat(vehicles.getInteger("total")).isPositive();
                JsonArray deps = anonymous.get("/api/v1/plugins/transit/departures?stop=markt&limit=10").json()
                    .getJsonArray("departures");
                assertThat(objects(deps)).isNotEmpty()
                    .allSatisfy(d -> assertThat(d.getValue("skipped")).isInstanceOf(Boolean.class))
                    .anySatisfy(d -> assertThat(d.getBoolean("realtime")).isTrue());
            });
    }

    @Test
    void theCrisisLineIsOpenNowAndTheShowcaseSearchFindsTheDebtCounsellingInTurkish() {
        await("the demo directory loaded").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
            .untilAsserted(() -> {
                JsonObject open = anonymous.get("/api/v1/plugins/social-services/search?q=Krise&open_now=true")
                    .json();
                assertThat(objects(open.getJsonArray("contents"))).extracting(h -> h.getString("name"))
                    .contains("Krisentelefon");
            });
        JsonObject showcase = anonymous.get("/api/v1/plugins/social-services/search?q=Schulden&topic=debt"
            + "&language=tr&free=true&accessibility=step-free&lat=53.87&lon=10.69&radius_km=3").json();
        assertThat(objects(showcase.getJsonArray("contents"))).extracting(h -> h.getString("name"))
            .containsExactly("Schuldnerberatung auf Türkisch");
    }

    @Test
    void aCo2AlertOfTheDemoSchoolLeavesTheHubSignedAndTheDemosReceiverPutsItOnTheBus() {
        // whatever the hour: an alert as the projections raise one (real ones come in school hours), for a room of
        // the demo school that no simulated room has, so a real alert of the same minutes cannot be taken for it
        String since = Instant.now().minus(Duration.ofMinutes(40)).toString();
        HubClient.Response posted = hub.client.post("/api/v1/events", "application/cloudevents+json", new JsonObject()
            .put("specversion", "1.0").put("id", "demo-world-" + since).put("source", "/tests/demo-world")
            .put("type", "air.alert.raised").put("subject", "sim-01/r999").put("datacontenttype", "application/json")
            .put("data", new JsonObject().put("site", "sim-01").put("room", "r999").put("roomName", "Room 999")
                .put("since", since).put("peak", 2310).put("threshold", 2000)).encode());
        assertThat(posted.status()).as(posted.body()).isEqualTo(202);

        JsonObject received = await("the alert at the demo's receiver").atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200)).until(() -> objects(hub.client
                    .get("/api/v1/events?type=datenhafen.webhook.received&subject=sim-01/r999&after=0&limit=100").json()
                    .getJsonArray("events")).stream().map(e -> e.getJsonObject("event"))
                .filter(e -> since.equals(e.getJsonObject("data").getJsonObject("data").getString("since")))
                .findFirst().orElse(null), java.util.Objects::nonNull);
        JsonObject cloudEvent = received.getJsonObject("data");
        assertThat(cloudEvent.getString("type")).isEqualTo("air.alert.raised");
        assertThat(cloudEvent.getString("id")).isEqualTo("demo-world-" + since); // the alert's own id and source
        assertThat(cloudEvent.getString("source")).isEqualTo("/tests/demo-world");
        assertThat(cloudEvent.getJsonObject("data").getMap()).containsEntry("school", "sim-01")
            .containsEntry("room", "r999").containsEntry("peakPpm", 2310).containsEntry("thresholdPpm", 2000);
        assertThat(received.getString("id")).startsWith("msg_");

        JsonObject flow = hub.client.get("/api/v1/admin/integrations/school-alerts").json();
        assertThat(flow.getString("state")).as(flow.encode()).isEqualTo("running");
        JsonObject inbox = hub.client.get("/api/v1/admin/integrations/alert-inbox").json();
        assertThat(inbox.getString("state")).as(inbox.encode()).isEqualTo("running");
        assertThat(inbox.getJsonObject("config").getString("secret")).isEqualTo("********");
    }

    /**
     * Every connector the package ships, and every key of it, has German words for the console (each plugin's
     * datenhafen/texts_de.properties): a German admin read the forms of all four plugins in English.
     */
    @Test
    void everyShippedConnectorAndKeyIsDescribedInGerman() {
        List<JsonObject> english = objects(hub.client.get("/api/v1/admin/connectors").jsonArray());
        List<JsonObject> german = objects(hub.client.get("/api/v1/admin/connectors",
            java.util.Map.of("Accept-Language", "de")).jsonArray());
        assertThat(german).extracting(c -> c.getString("name"))
            .containsExactlyElementsOf(english.stream().map(c -> c.getString("name")).toList())
            .contains("http-ingest", "webhook-sink", "gtfs-schedule", "hsds-directory");
        List<String> untranslated = new java.util.ArrayList<>();
        for (int i = 0; i < english.size(); i++) {
            JsonObject en = english.get(i);
            JsonObject de = german.get(i);
            String name = en.getString("name");
            if (en.getString("description").equals(de.getString("description"))) {
                untranslated.add(name);
            }
            JsonObject enKeys = en.getJsonObject("configSchema").getJsonObject("properties");
            JsonObject deKeys = de.getJsonObject("configSchema").getJsonObject("properties");
            for (String key : enKeys.fieldNames()) {
                if (enKeys.getJsonObject(key).getString("description")
                    .equals(deKeys.getJsonObject(key).getString("description"))) {
                    untranslated.add(name + "." + key);
                }
                // a hub-admin-only key's reason too (the form said it in English after a German start)
                String bounds = enKeys.getJsonObject(key).getString("x-datenhafen-hub-admin-only");
                if (bounds != null && bounds.equals(deKeys.getJsonObject(key)
                    .getString("x-datenhafen-hub-admin-only"))) {
                    untranslated.add(name + "." + key + ".hubAdminOnly");
                }
            }
        }
        assertThat(untranslated).as("connectors and keys still in English only").isEmpty();
    }

    /**
     * Every problem code a shipped plugin gives its connectors' problems ({@code ConfigProblem.coded}, found in its
     * sources) has German words in its texts ({@code problem.<code>}) that read as a pattern; and no problem of a
     * shipped plugin goes without a code, so a German admin reads each in German.
     */
    @Test
    void everyProblemCodeAShippedPluginUsesIsSaidInGerman() throws IOException {
        Set<String> shipped = objects(hub.client.get("/api/v1/admin/connectors").jsonArray()).stream()
            .map(c -> c.getString("plugin")).collect(Collectors.toCollection(TreeSet::new));
        Path root = Path.of(System.getProperty("datenhafen.project.root"));
        Map<String, Path> modules = new HashMap<>();
        try (var poms = Files.list(root.resolve("plugins"))) {
            poms.map(m -> m.resolve("pom.xml")).filter(Files::isRegularFile).forEach(pom -> {
                Matcher id = Pattern.compile("<plugin\\.id>([^<]+)</plugin\\.id>").matcher(read(pom));
                if (id.find()) {
                    modules.put(id.group(1), pom.getParent());
                }
            });
        }
        assertThat(modules.keySet()).containsAll(shipped);
        Set<String> used = new TreeSet<>();
        List<String> unsaid = new ArrayList<>();
        for (String plugin : shipped) {
            Path module = modules.get(plugin);
            Properties texts = new Properties();
            texts.load(new StringReader(read(module.resolve("src/main/resources/datenhafen/texts_de.properties"))));
            try (var files = Files.walk(module.resolve("src/main/java"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String source = read(file);
                    assertThat(source).as(file + ": a problem without a code stays English for a German admin")
                        .doesNotContain("new ConfigProblem(");
                    for (String code : ProblemCodes.in(source, file.toString())) {
                        used.add(plugin + ":" + code);
                        String words = texts.getProperty("problem." + code);
                        if (words == null || words.isBlank()) {
                            unsaid.add(plugin + ": problem." + code + " (" + file.getFileName() + ")");
                        } else {
                            new MessageFormat(words); // a pattern, or the hub falls back to English
                        }
                    }
                }
            }
        }
        // the scan found the codes it must: it cannot pass by finding none
        assertThat(used).contains("air-quality:co2-red-below-yellow", "core-connectors:closed-by-default",
            "transit:source-scheme");
        assertThat(unsaid).as("problem codes without German words").isEmpty();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
