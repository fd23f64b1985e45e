package de.datenhafen.plugins.airquality.sta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import de.datenhafen.api.Caller;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One general store served by several {@link Store}s (two integrations, or two nodes on one database: each its own
 * graph, here each its own write lock as on two nodes), and each member's share of it (H2 in memory, the real schema).
 * Each Store held its graph until its own next write, so another's Things were missing, unboundedly, and its bound
 * counted only what it had read; and one member's editor could fill the whole store for every other member.
 */
class StoreSharedTest {

    private static final String BASE = "http://hub/sensorthings/v1.1";

    private JdbcDataSource db;

    @BeforeEach
    void setUp() throws SQLException {
        db = StoreDatabase.open();
    }

    /** A Store and its service, as one integration (or node) has them. */
    private record Node(Store store, StaService service) {

        Node(Store store) {
            this(store, new StaService(store, 50, 100, Limits.DEFAULT));
        }

        StaService.Answer post(Caller caller, String body) throws Exception {
            return new StoreWrites(store, service, null).create(null, caller, service.resolve(List.of("Things")),
                StaService.JSON.readTree(body), BASE);
        }

        StaService.Answer patch(Caller caller, long thing, String body) throws Exception {
            return new StoreWrites(store, service, null).update(caller, service.resolve(List.of("Things(" + thing
                + ")")), StaService.JSON.readTree(body), BASE, false);
        }

        List<Object> names() {
            return store.graph().all(Model.Type.THING).stream().map(t -> t.props().get("name")).toList();
        }

        Object property(long thing, String name) {
            return store.graph().get(Model.Type.THING, thing).props().get(name);
        }
    }

    private Node node(long maxChars, long memberShare) {
        return new Node(new Store(db, Duration.ofSeconds(30), maxChars, memberShare, new Store.Shared()));
    }

    private static Caller editor(String member) {
        return new Caller("token", member + "-editor", member, Set.of(Caller.MEMBER_EDITOR), null, null);
    }

    private static String thing(String name) {
        return "{\"name\":\"" + name + "\",\"description\":\"d\",\"properties\":" + StoreMemoryTest.EMPTIES + "}";
    }

    private static long id(StaService.Answer a) {
        assertThat(a.status()).isEqualTo(201);
        return ((JsonNode) a.body()).get("@iot.id").asLong();
    }

    /**
     * The graph is let go of when the last integration serving it stops (its routes removed, {@code onStop}), and
     * read again, with what was written, by the next one to serve it.
     */
    @Test
    void theGraphIsLetGoOfWhenTheLastIntegrationServingItStopsAndReadAgainByTheNext() throws Exception {
        Store.Shared shared = new Store.Shared();
        Node one = new Node(new Store(db, Duration.ofSeconds(30), Store.MAX_STORE_BYTES, Store.MAX_STORE_BYTES,
            shared));
        shared.serving();
        shared.serving();
        id(one.post(editor("a"), thing("kept")));
        assertThat(one.names()).containsExactly("kept");

        shared.stoppedServing();
        assertThat(shared.holdsGraph()).as("one integration still serves it").isTrue();
        shared.stoppedServing();
        assertThat(shared.holdsGraph()).isFalse();

        shared.serving();
        assertThat(one.names()).containsExactly("kept");
        assertThat(shared.holdsGraph()).isTrue();
    }

    @Test
    void aThingWrittenThroughOneStoreIsReadThroughTheOtherWithinTheRecheckAndAtOnceThroughItsOwn() throws Exception {
        Node one = node(Store.MAX_STORE_BYTES, Store.MAX_STORE_BYTES);
        Node two = node(Store.MAX_STORE_BYTES, Store.MAX_STORE_BYTES);
        assertThat(two.names()).isEmpty();

        one.post(null, "{\"name\":\"Marli\",\"description\":\"weather station\"}");

        assertThat(one.names()).containsExactly("Marli");
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
            .untilAsserted(() -> assertThat(two.names()).containsExactly("Marli"));
    }

    /**
     * The integrations of one hub hold one graph: each held its own copy of the same store, and six of them over a
     * store of 36 MB took 291 MB of heap (an attacker's probe). A write through one is read through the other at once.
     */
    @Test
    void theStoresOfOnePluginHoldOneGraphAndSeeEachOthersWritesAtOnce() throws Exception {
        Store.Shared plugin = new Store.Shared();
        Node one = new Node(new Store(db, Duration.ofSeconds(30), Store.MAX_STORE_BYTES, Store.MAX_STORE_BYTES,
            plugin));
        Node two = new Node(new Store(db, Duration.ofSeconds(30), Store.MAX_STORE_BYTES, Store.MAX_STORE_BYTES,
            plugin));
        one.post(editor("luftblick"), thing("first"));
        assertThat(two.store().graph()).as("one graph for both").isSameAs(one.store().graph());

        two.post(editor("stadtwerke"), thing("second"));

        assertThat(one.names()).as("without waiting for the recheck").containsExactly("first", "second");
        assertThat(two.store().graph()).isSameAs(one.store().graph());
    }

    @Test
    void aWriteThroughAStoreHoldingAnOldGraphIsCheckedAgainstEveryCommittedWrite() throws Exception {
        // room for two of the probe's entities, not three
        long max = 2 * StoreMemoryTest.EMPTIES.length() + 2500;
        Node one = node(max, max);
        Node two = node(max, max);
        assertThat(two.names()).isEmpty(); // its graph: the empty store, until it asks again

        one.post(null, thing("one"));
        one.post(null, thing("two"));

        assertThatThrownBy(() -> two.post(null, thing("three")))
            .isInstanceOfSatisfying(StaException.class, e -> assertThat(e.status).isEqualTo(413))
            .hasMessage(StoreMemoryTest.full(max));
        assertThat(two.names()).containsExactly("one", "two");
    }

    @Test
    void aPatchThroughTheOtherStoreKeepsAChangeMadeMeanwhileThroughTheFirst() throws Exception {
        Node one = node(Store.MAX_STORE_BYTES, Store.MAX_STORE_BYTES);
        Node two = node(Store.MAX_STORE_BYTES, Store.MAX_STORE_BYTES);
        long thing = id(one.post(null, "{\"name\":\"Marli\",\"description\":\"weather station\"}"));
        await().atMost(Duration.ofSeconds(1)).until(() -> two.names().contains("Marli"));

        one.patch(null, thing, "{\"name\":\"Marli-Nord\"}");
        // at once, before two asks the database again: its graph still has the old name
        StaService.Answer patched = two.patch(null, thing, "{\"description\":\"roof of the school\"}");

        assertThat(((JsonNode) patched.body()).get("name").asText()).isEqualTo("Marli-Nord");
        assertThat(((JsonNode) patched.body()).get("description").asText()).isEqualTo("roof of the school");
        await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(one.property(thing, "name")).isEqualTo("Marli-Nord");
            assertThat(one.property(thing, "description")).isEqualTo("roof of the school");
        });
    }

    @Test
    void aMemberPastItsShareIsRefusedNamingTheShareWhileAnotherMemberAndAHubAdminStillWrite() throws Exception {
        long share = 2 * StoreMemoryTest.EMPTIES.length() + 2500;
        Node node = node(10 * share, share);
        Caller admin = new Caller("token", "admin", null, Set.of(Caller.HUB_ADMIN), null, null);
        node.post(editor("luftblick"), thing("a1"));
        node.post(editor("luftblick"), thing("a2"));
        long held = node.store().graph().heldBytes("luftblick");

        assertThatThrownBy(() -> node.post(editor("luftblick"), thing("a3")))
            .isInstanceOfSatisfying(StaException.class, e -> assertThat(e.status).isEqualTo(413))
            .hasMessage(shareFull("luftblick", share, held));
        assertThat(node.post(editor("wetterwerk"), thing("b1")).status()).isEqualTo(201);
        assertThat(node.post(admin, thing("admin1")).status()).isEqualTo(201);
        assertThat(node.post(admin, thing("admin2")).status()).isEqualTo(201);
        assertThat(node.names()).containsExactly("a1", "a2", "b1", "admin1", "admin2");
        assertThat(node.store().graph().heldBytes("luftblick")).isEqualTo(held);
    }

    @Test
    void aMembersShareIsAPercentageOfTheTotalOrCharactersAndAnythingElseSaysWhatItMustBe() {
        assertThat(Store.memberShare("25%", 1000)).isEqualTo(250);
        assertThat(Store.memberShare(" 12.5 %", 1000)).isEqualTo(125);
        assertThat(Store.memberShare("100%", 1000)).isEqualTo(1000);
        assertThat(Store.memberShare("300", 1000)).isEqualTo(300);
        assertThat(Store.memberShare(Store.DEFAULT_MEMBER_SHARE, Store.MAX_STORE_BYTES))
            .isEqualTo(Store.MAX_STORE_BYTES / 4);

        for (String wrong : List.of("0%", "101%", "0", "1001", "a quarter", "-5", "1e3", "99999999999999999999")) {
            assertThatThrownBy(() -> Store.memberShare(wrong, 1000)).as(wrong)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("must be a percentage of the store's 1000 bytes of memory, more than 0% and at most "
                    + "100% (such as 25%), or a number of bytes from 1 to 1000; was '" + wrong + "'");
        }
    }

    /**
     * The probe's PATCH relinked a Thing to 10,000 Locations: 40 characters of a HistoricalLocation, 40,000 link
     * entries (each about 100 bytes of heap), counted as nothing. Now each link counts its entries both ways, into the
     * member's share, and a Thing or HistoricalLocation has at most {@link StoreWrites#MAX_LOCATIONS} Locations.
     */
    @Test
    void aRelinkToManyLocationsIsRefusedNamingTheShareAndTheThingKeepsItsLinks() throws Exception {
        long share = 10_000;
        Node node = node(Store.MAX_STORE_BYTES, share);
        Caller admin = new Caller("token", "admin", null, Set.of(Caller.HUB_ADMIN), null, null);
        List<Long> locations = new java.util.ArrayList<>();
        for (int i = 0; i < StoreWrites.MAX_LOCATIONS + 1; i++) {
            locations.add(id(new StoreWrites(node.store(), node.service(), null).create(null, admin,
                node.service().resolve(List.of("Locations")), StaService.JSON.readTree("{\"name\":\"l" + i
                    + "\",\"description\":\"d\",\"encodingType\":\"e\",\"location\":{}}"), BASE)));
        }
        long thing = id(node.post(editor("luftblick"), "{\"name\":\"t\",\"description\":\"d\",\"Locations\":"
            + "[{\"@iot.id\":" + locations.get(0) + "}]}"));
        long held = node.store().graph().heldBytes("luftblick");
        String sixty = locations.subList(0, 60).stream().map(l -> "{\"@iot.id\":" + l + "}")
            .collect(java.util.stream.Collectors.joining(",", "{\"Locations\":[", "]}"));
        String all = locations.stream().map(l -> "{\"@iot.id\":" + l + "}")
            .collect(java.util.stream.Collectors.joining(",", "{\"Locations\":[", "]}"));

        // the Thing, its HistoricalLocation and their links (2 each way): well within the share
        assertThat(held).isLessThan(share / 4);
        // 60 Locations: 59 new links of the Thing and 61 of its new HistoricalLocation, 23,040 bytes of them
        assertThatThrownBy(() -> node.patch(editor("luftblick"), thing, sixty))
            .isInstanceOfSatisfying(StaException.class, e -> assertThat(e.status).isEqualTo(413))
            .hasMessage(shareFull("luftblick", share, held));
        assertThatThrownBy(() -> node.patch(editor("luftblick"), thing, all))
            .isInstanceOfSatisfying(StaException.class, e -> {
                assertThat(e.status).isEqualTo(413);
                assertThat(e.field).isEqualTo("Locations");
            })
            .hasMessage("a Thing has at most " + StoreWrites.MAX_LOCATIONS + " Locations; this write would give it "
                + (StoreWrites.MAX_LOCATIONS + 1));
        Model.Entity t = node.store().graph().get(Model.Type.THING, thing);
        assertThat(node.store().graph().follow(t, "Locations")).extracting(Model.Entity::id)
            .containsExactly(locations.get(0));
        assertThat(node.store().graph().follow(t, "HistoricalLocations")).hasSize(1);
        assertThat(node.store().graph().heldBytes("luftblick")).isEqualTo(held);
        // a relink that fits is taken
        assertThat(node.patch(editor("luftblick"), thing, "{\"Locations\":[{\"@iot.id\":" + locations.get(1)
            + "}]}").status()).isEqualTo(200);
        assertThat(node.store().graph().follow(node.store().graph().get(Model.Type.THING, thing), "Locations"))
            .extracting(Model.Entity::id).containsExactly(locations.get(1));
    }

    private static String shareFull(String member, long share, long held) {
        return "member " + member + "'s share of the SensorThings store is full: a member's Things, Locations, "
            + "Datastreams, Sensors, ObservedProperties and FeaturesOfInterest hold at most " + share + " bytes of "
            + "memory together (member-share; counted as their JSON, a byte a character or two beyond Latin-1, 384 "
            + "bytes an entity, 80 a property and 96 a link each way), " + member + "'s hold " + held + " and this "
            + "write would pass that; delete " + member + "'s entities or links no longer needed, or ask the hub's "
            + "admin for a larger member-share";
    }
}
