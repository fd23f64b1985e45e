package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.plugins.airquality.OgcConformanceIT.Outcome;
import de.datenhafen.testkit.HubExtension;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OGC's executable test suite for SensorThings 1.0 (the run of {@link OgcConformanceIT}, the same jar and settings)
 * against the general store ({@code sensorthings-store}) of a fresh hub with {@code open-writes}, seeded with one
 * weather station (Sensing Core reads whatever the service has and needs something in every set; the other two
 * classes delete everything first and make their own): every test and fixture of the three conformance classes
 * passes, except the one in {@link #KNOWN}, which no service that keeps numbers as numbers can pass. A class of its
 * own, so each run of the suite has its own hub and its own time-out.
 */
class OgcConformanceStoreIT {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest().build();

    static Map<String, Outcome> outcomes;

    /**
     * checkQueriesPriorityOrdering asks for {@code Observations?$count=true&$top=1&$skip=2&$orderby=phenomenonTime
     * asc&$filter=result gt '3'} and gets what it asserts (count 6, one Observation, its result 6), but reads that
     * result with org.json's {@code getString}, which since the suite's 1.4 (org.json 20231013 instead of 20090211)
     * throws for anything but a JSON string: the fixture posted {@code "result": 6}, and SensorThings answers a result
     * as it was posted (FROST-Server too). The message below is that refusal, so any other failure of the test fails
     * this IT. The same query is checked in {@code SensorThingsStoreIT}.
     */
    static final Map<String, String> KNOWN = Map.of(OgcConformanceIT.FILTERING + ".checkQueriesPriorityOrdering",
        "JSONObject[\"result\"] is not a string (class java.lang.Integer : 6)");

    @BeforeAll
    static void anEmptyStoreThenTheSuite() throws Exception {
        String base = hub.client().baseUri().toString().replaceAll("/$", "");
        // the suite writes without a token, as against a test installation; links from the URL the suite is given
        AirQualityIT.create(hub.client(), "members-sta", "sensorthings-store", new JsonObject()
            .put("open-writes", true).put("base-url", base + "/sensorthings"));
        SensorThingsStoreIT.Client store = new SensorThingsStoreIT.Client(hub, null);
        long ds = store.station("Rathausmarkt", 10.686, 53.866).getLong("datastream");
        store.observe(ds, "2026-03-01T10:00:00Z", 4.5);
        store.observe(ds, "2026-03-01T10:10:00Z", 4.7);
        outcomes = OgcConformanceIT.runSuite(Path.of("target", "ets-run-store").toAbsolutePath(),
            base + "/sensorthings/v1.0");
    }

    @Test
    void everyTestAndFixtureOfTheThreeConformanceClassesPasses() {
        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        outcomes.values().stream().filter(o -> !o.config()).forEach(o -> counts
            .computeIfAbsent(o.name().substring(0, o.name().lastIndexOf('.')), k -> new TreeMap<>())
            .merge(o.status(), 1, Integer::sum));
        System.out.println("ets-sta10 against the store took " + OgcConformanceIT.took.toSeconds() + " s; per class: "
            + counts);
        List<String> failed = outcomes.values().stream().filter(o -> !o.status().equals("PASS")
            && !(KNOWN.containsKey(o.name()) && o.message().contains(KNOWN.get(o.name()))))
            .map(o -> o.name() + " " + o.status() + ": " + o.message()).toList();

        assertThat(counts).containsOnlyKeys(OgcConformanceIT.SENSING_CORE, OgcConformanceIT.CREATE_UPDATE_DELETE,
            OgcConformanceIT.FILTERING);
        assertThat(failed).isEmpty();
        assertThat(counts.get(OgcConformanceIT.SENSING_CORE)).containsOnly(Map.entry("PASS", 6));
        assertThat(counts.get(OgcConformanceIT.CREATE_UPDATE_DELETE)).containsOnly(Map.entry("PASS", 8));
        assertThat(counts.get(OgcConformanceIT.FILTERING)).containsOnly(Map.entry("PASS", 7), Map.entry("FAIL", 1));
        assertThat(OgcConformanceIT.took).isLessThan(OgcConformanceIT.SUITE_TIME);
    }
}
