package de.datenhafen.plugins.airquality.sta;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * The times the service writes sort as text as they sort in time: {@code Instant.toString} leaves the milliseconds
 * out at a whole second, so {@code ...:47Z} came after {@code ...:47.005Z}, and clients that order times as text (OGC's
 * test suite does, for {@code $orderby=time}) saw the service's own order as wrong, once in about a thousand
 * HistoricalLocations (the CI run of f53f0ac).
 */
class StoreTimesTest {

    private static final String BASE = "http://hub/sensorthings/v1.1";

    @Test
    void historicalLocationsInTimeOrderAreInTextOrderWithTheirMillisecondsAtAWholeSecond() throws Exception {
        JdbcDataSource db = StoreDatabase.open();
        Store store = new Store(db, Duration.ofSeconds(30));
        StaService service = new StaService(store, 50, 100, Limits.DEFAULT);
        long thing = create(store, service, "Things", "{\"name\":\"school\",\"description\":\"d\"}");
        // as a client writes them: a whole second without its fraction, and one 5 ms later
        for (String time : List.of("2026-12-05T01:55:47Z", "2026-12-05T01:55:47.005Z", "2026-12-05T01:55:48Z")) {
            create(store, service, "HistoricalLocations", "{\"time\":\"" + time + "\",\"Thing\":{\"@iot.id\":" + thing
                + "}}");
        }
        List<String> times = times(service);

        assertThat(times).containsExactly("2026-12-05T01:55:47.000Z", "2026-12-05T01:55:47.005Z",
            "2026-12-05T01:55:48.000Z");
        assertThat(times).isSorted();
        // another node's store reads them from the database
        assertThat(times(new StaService(new Store(db, Duration.ofSeconds(30)), 50, 100, Limits.DEFAULT)))
            .isEqualTo(times);
    }

    @Test
    void aClientsTimesAreKeptAndAnsweredInUtcWithTheirMilliseconds() throws Exception {
        Store store = new Store(StoreDatabase.open(), Duration.ofSeconds(30));
        StaService service = new StaService(store, 50, 100, Limits.DEFAULT);
        long datastream = create(store, service, "Datastreams", """
            {"name":"CO2","description":"d","observationType":"http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
             "unitOfMeasurement":{"name":"ppm","symbol":"ppm","definition":"http://unitsofmeasure.org/ucum.html#ppm"},
             "phenomenonTime":"2026-12-05T02:55:47+01:00/2026-12-05T01:56:00.5Z",
             "Thing":{"name":"school","description":"d"},
             "Sensor":{"name":"s","description":"d","encodingType":"application/pdf","metadata":"m"},
             "ObservedProperty":{"name":"CO2","definition":"d","description":"d"}}""");
        long observation = create(store, service, "Observations", "{\"result\":612,\"phenomenonTime\":"
            + "\"2026-12-05T02:55:47+01:00\",\"resultTime\":\"2026-12-05T02:55:48+01:00\",\"Datastream\":{\"@iot.id\":"
            + datastream + "},\"FeatureOfInterest\":{\"name\":\"room\",\"description\":\"d\",\"encodingType\":"
            + "\"application/geo+json\",\"feature\":{\"type\":\"Point\",\"coordinates\":[10.68,53.86]}}}");

        JsonNode ds = read(service, "Datastreams(" + datastream + ")");
        JsonNode obs = read(service, "Observations(" + observation + ")");

        assertThat(ds.get("phenomenonTime").asText()).isEqualTo("2026-12-05T01:55:47.000Z/2026-12-05T01:56:00.500Z");
        assertThat(obs.get("phenomenonTime").asText()).isEqualTo("2026-12-05T01:55:47.000Z");
        assertThat(obs.get("resultTime").asText()).isEqualTo("2026-12-05T01:55:48.000Z");
    }

    private static JsonNode read(StaService service, String path) throws Exception {
        return (JsonNode) service.read(service.resolve(List.of(path)), Query.parse(Map.of()), BASE, BASE + "/" + path)
            .body();
    }

    private static List<String> times(StaService service) throws Exception {
        StaService.Answer a = service.read(service.resolve(List.of("HistoricalLocations")),
            Query.parse(Map.of("$orderby", "time")), BASE, BASE + "/HistoricalLocations");
        List<String> times = new ArrayList<>();
        for (JsonNode hl : ((JsonNode) a.body()).get("value")) {
            times.add(hl.get("time").asText());
        }
        return times;
    }

    private static long create(Store store, StaService service, String set, String body) throws Exception {
        StaService.Answer a = new StoreWrites(store, service, null).create(null, null, service.resolve(List.of(set)),
            StaService.JSON.readTree(body), BASE);
        assertThat(a.status()).as(a.body().toString()).isEqualTo(201);
        return ((JsonNode) a.body()).get("@iot.id").asLong();
    }
}
