package de.datenhafen.plugins.airquality.sta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the general store's graph holds of what members wrote: the text of their JSON, not a tree of it, and at most
 * the store's bound of it, counted with what each entity costs beyond its text (H2 in memory, the real schema). The
 * probe's Datastreams with 64 KiB of {@code [{},{},...]}
 * each took 1.3 MB of heap apiece as maps, and the store had no bound: a few posts of one editor ended the hub.
 */
class StoreMemoryTest {

    /** Just under the 64 KiB a document may have: 21,600 empty objects. */
    static final String EMPTIES = "{\"p\":[" + String.join(",", Collections.nCopies(21_600, "{}")) + "]}";

    private JdbcDataSource db;

    @BeforeEach
    void setUp() throws SQLException {
        db = StoreDatabase.open();
    }

    private static String thing(String name) {
        return "{\"name\":\"" + name + "\",\"description\":\"d\",\"properties\":" + EMPTIES + "}";
    }

    private static StaService.Answer post(StaService service, Store store, String body) throws Exception {
        return new StoreWrites(store, service, null).create(null, null, service.resolve(List.of("Things")),
            StaService.JSON.readTree(body), "http://hub/sensorthings/v1.1");
    }

    private static String get(StaService service, List<String> path, Map<String, String> options) throws Exception {
        StaService.Answer a = service.read(service.resolve(path), Query.parse(options), "http://hub/sensorthings/v1.1",
            "http://hub/sensorthings/v1.1/" + String.join("/", path));
        return StaService.JSON.writeValueAsString(a.body());
    }

    @Test
    void theGraphHoldsAnEntitysPropertiesAsTheirTextAndCountsTheTextItWasReadFromWithWhatTheEntityCosts()
        throws Exception {
        Store store = new Store(db, Duration.ofSeconds(30));
        StaService service = new StaService(store, 50, 100, Limits.DEFAULT);
        post(service, store, thing("bomb"));

        Model.Entity e = store.graph().all(Model.Type.THING).get(0);

        assertThat(e.props().get("properties")).isEqualTo(new Model.RawJson(EMPTIES));
        assertThat(store.heldBytes()).isEqualTo(thing("bomb").length() + Store.ENTITY_BYTES
            + 3 * Store.PROPERTY_BYTES);
    }

    @Test
    void answersAndFiltersOnPropertiesAreWhatWasWritten() throws Exception {
        Store store = new Store(db, Duration.ofSeconds(30));
        StaService service = new StaService(store, 50, 100, Limits.DEFAULT);
        post(service, store, "{\"name\":\"a\",\"description\":\"d\",\"properties\":{\"owner\":\"Stadtwerke\","
            + "\"height\":{\"m\":2.5,\"list\":[1,\"x\",null,true]}}}");
        post(service, store, "{\"name\":\"b\",\"description\":\"d\",\"properties\":{\"owner\":\"Kulturbuero\"}}");

        String selected = get(service, List.of("Things"), Map.of("$select", "name,properties",
            "$filter", "properties/height/m gt 2 and properties/owner eq 'Stadtwerke'"));
        JsonNode one = StaService.JSON.readTree(get(service, List.of("Things"), Map.of("$filter", "name eq 'a'")))
            .path("value").path(0);
        String property = get(service, List.of("Things(" + one.path("@iot.id").asLong() + ")", "properties"),
            Map.of());

        assertThat(selected).isEqualTo("{\"value\":[{\"name\":\"a\",\"properties\":{\"owner\":\"Stadtwerke\","
            + "\"height\":{\"m\":2.5,\"list\":[1,\"x\",null,true]}}}]}");
        assertThat(property).isEqualTo("{\"properties\":{\"owner\":\"Stadtwerke\",\"height\":{\"m\":2.5,"
            + "\"list\":[1,\"x\",null,true]}}}");
    }

    @Test
    void aWritePastTheStoresBoundIsRefusedNamingItAndStoresNothing() throws Exception {
        // room for two of the probe's entities, not three
        long max = 2 * EMPTIES.length() + 2500;
        Store store = new Store(db, Duration.ofSeconds(30), max, max, new Store.Shared());
        StaService service = new StaService(store, 50, 100, Limits.DEFAULT);
        post(service, store, thing("one"));
        post(service, store, thing("two"));

        assertThatThrownBy(() -> post(service, store, thing("three")))
            .isInstanceOfSatisfying(StaException.class, e -> assertThat(e.status).isEqualTo(413))
            .hasMessage(full(max));
        assertThat(store.graph().all(Model.Type.THING)).extracting(t -> t.props().get("name"))
            .containsExactly("one", "two");
        assertThat(post(service, store, "{\"name\":\"small\",\"description\":\"d\"}").status()).isEqualTo(201);
    }

    /**
     * The probe's 60,000 Locations of a few characters took 73 MB of heap while the bound counted 5 MB of JSON: each
     * entity costs its objects and maps whatever its JSON. Counted with them, a store with room for 20,000 bytes
     * takes 26 tiny Locations (767 bytes each), not the 317 their 63 characters would let in.
     */
    @Test
    void manyTinyLocationsAreRefusedOnceWhatTheyCostPassesTheBoundLongBeforeTheirCharactersWould() throws Exception {
        long max = 20_000;
        Store store = new Store(db, Duration.ofSeconds(30), max, max, new Store.Shared());
        StaService service = new StaService(store, 50, 100, Limits.DEFAULT);
        String tiny = "{\"name\":\"l\",\"description\":\"d\",\"encodingType\":\"e\",\"location\":{}}";
        long each = tiny.length() + Store.ENTITY_BYTES + 4 * Store.PROPERTY_BYTES;
        StoreWrites writes = new StoreWrites(store, service, null);
        int created = 0;
        StaException refused = null;
        while (refused == null && created < 1000) {
            try {
                writes.create(null, null, service.resolve(List.of("Locations")), StaService.JSON.readTree(tiny),
                    "http://hub/sensorthings/v1.1");
                created++;
            } catch (StaException e) {
                refused = e;
            }
        }

        assertThat(each).isEqualTo(767);
        assertThat(created).isEqualTo((int) (max / each)).isEqualTo(26);
        assertThat((long) created * tiny.length()).isLessThan(max / 10);
        assertThat(refused).isNotNull();
        assertThat(refused.status).isEqualTo(413);
        assertThat(refused).hasMessage(full(max));
        assertThat(store.graph().all(Model.Type.LOCATION)).hasSize(created);
        // what a Store reading the tables counts is what the writes counted
        assertThat(new Store(db, Duration.ofSeconds(30)).heldBytes()).isEqualTo(created * each);
    }

    static String full(long max) {
        return "the SensorThings store is full: it holds at most " + max + " bytes of memory in its Things, Locations, "
            + "Datastreams, Sensors, ObservedProperties and FeaturesOfInterest together, of all members (counted as "
            + "their JSON, a byte a character or two beyond Latin-1, 384 bytes an entity, 80 a property and 96 a link "
            + "each way), and this write would pass that; delete entities no longer needed, or ask the hub's admin to "
            + "make room";
    }
}
