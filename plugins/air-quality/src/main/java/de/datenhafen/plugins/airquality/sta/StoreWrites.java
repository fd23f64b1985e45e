package de.datenhafen.plugins.airquality.sta;

import com.fasterxml.jackson.databind.JsonNode;
import de.datenhafen.api.Caller;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import de.datenhafen.plugins.airquality.TextLimits;
import org.apache.camel.Exchange;

/**
 * The write side of the general SensorThings store: create (with deep insert and {@code @iot.id} links), PATCH,
 * PUT and DELETE of every entity type, as SensorThings 1.1 section 10 has them. One request is one transaction:
 * what it cannot do as a whole (a missing required property, a link to nothing, a nested entity that is invalid) is
 * a 400 naming the field, and nothing is written. A Thing whose Locations are set or changed gets a
 * HistoricalLocation; an Observation without a FeatureOfInterest gets the one made from its Thing's newest Location
 * (made once per Location, then reused). Created Observations go on the bus through {@link ObservationEvents}
 * before the transaction commits, so an Observation that is stored is also on the bus.
 *
 * <p>Whose data it is: a Thing, Location, Sensor, ObservedProperty or FeatureOfInterest keeps the member whose editor
 * created it (in a deep insert, all of them the Thing's member); a Datastream and a HistoricalLocation are their
 * Thing's, an Observation its Datastream's Thing's. A write that changes an entity, or adds to or takes from what hangs
 * on a Thing, needs {@link Caller#actsFor} that member with the role member-editor; else it is a 403 and the
 * transaction writes nothing. Linking another member's Location, Sensor, ObservedProperty or FeatureOfInterest is
 * allowed (they are shared vocabulary, and the link changes only the linking member's Thing or Datastream), but
 * deleting one is refused while another member's Things would lose something by the cascade. No check is made when
 * the handler gives no caller (open-writes).
 */
final class StoreWrites implements Writes {

    /** Most entities one request may create (a deep insert counts each nested one). */
    static final int MAX_CREATED = 10_000;

    /**
     * Most Locations one Thing or HistoricalLocation may have: a Thing is where it is, in one place or a few. Without
     * it one PATCH of a body's worth of links ({@code "Locations": [{"@iot.id": 1}, ... 10,000 of them]}) gave the
     * Thing and its new HistoricalLocation 40,000 link entries at once.
     */
    static final int MAX_LOCATIONS = 100;

    /** What JSON a property must be: text, an object, anything, an ISO 8601 time, an interval, or either. */
    private enum Kind { TEXT, OBJECT, ANY, TIME, INTERVAL, TIME_OR_INTERVAL }

    private final Store store;
    private final StaService service;
    private final ObservationEvents events;

    StoreWrites(Store store, StaService service, ObservationEvents events) {
        this.store = store;
        this.service = service;
        this.events = events;
    }

    /** One request's transaction and what it has done so far. */
    private static final class Tx {
        final Connection c;
        /** Who writes; null when nobody checks whose data it is (open-writes). */
        final Caller caller;
        final long now = System.currentTimeMillis();
        final List<ObjectNode> observations = new ArrayList<>();
        int created;
        boolean structural;
        /**
         * Bytes of the store's memory ({@link Store#MAX_STORE_BYTES}) this transaction adds for entities other than
         * Observations: each new entity's, each new link's entries ({@link #linked}), and a PATCHed entity's new
         * properties whole.
         */
        long written;
        /** The store as committed before this transaction, of the version it locked ({@link Store#lockedGraph}). */
        Model.Graph graph;

        Tx(Connection c, Caller caller) {
            this.c = c;
            this.caller = caller;
        }

        /** The member that new entities belong to. */
        String member() {
            return caller == null ? null : caller.member();
        }

        /** {@code links} new links, each two entries of the graph (one each way). */
        void linked(int links) {
            written += 2L * links * Store.LINK_BYTES;
        }

        void count() {
            if (++created > MAX_CREATED) {
                throw new StaException(413, "body", -1, "one request creates at most " + MAX_CREATED
                    + " entities; send them in several");
            }
        }
    }

    private interface Work<T> {
        T run(Tx tx) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction under the store's write lock and the database's ({@link Store#lockedGraph}:
     * writers of other integrations and nodes wait too); on any failure nothing is written. A change of entities other
     * than Observations adds one to the store's version in the same transaction, so every other Store reads them again.
     */
    private <T> T transaction(Exchange origin, Caller caller, Work<T> work) throws Exception {
        store.writing.lock();
        try (Connection c = store.db.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            Tx tx = new Tx(c, caller);
            try {
                tx.graph = store.lockedGraph(c);
                T out = work.run(tx);
                storeHasRoom(tx);
                if (events != null && !tx.observations.isEmpty()) {
                    events.created(origin, tx.observations);
                }
                if (tx.structural) {
                    Store.advance(c);
                }
                c.commit();
                if (tx.structural) {
                    store.changed();
                }
                return out;
            } catch (Exception | Error e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } finally {
            store.writing.unlock();
        }
    }

    /**
     * Refuses the transaction when the writer's member would hold more than its share ({@link Store#memberShare}) of
     * the store's memory with it, or the store more than {@link Store#maxBytes}: the graph of the store is held in
     * memory, so without a bound any member's editor could fill the heap, and without a share one member's could
     * fill the store and have every other member's writes refused. A hub-admin's writes (and open-writes') count
     * against the total only. The sums are of the store as committed ({@link Tx#graph}, every integration's and
     * node's writes). A PATCH counts its whole new properties, and a relink its new links, without subtracting the
     * old ones: near a bound, a change may be refused that would fit.
     */
    private void storeHasRoom(Tx tx) {
        if (tx.written == 0) {
            return;
        }
        String member = tx.member();
        if (member != null && !tx.caller.isHubAdmin()
            && tx.graph.heldBytes(member) + tx.written > store.memberShare) {
            throw new StaException(413, "body", -1, "member " + member + "'s share of the SensorThings store is full: "
                + "a member's Things, Locations, Datastreams, Sensors, ObservedProperties and FeaturesOfInterest hold "
                + "at most " + store.memberShare + " bytes of memory together (member-share; " + MEMORY + "), "
                + member + "'s hold " + tx.graph.heldBytes(member) + " and this write would pass that; delete "
                + member + "'s entities or links no longer needed, or ask the hub's admin for a larger member-share");
        }
        if (tx.graph.heldBytes + tx.written > store.maxBytes) {
            throw new StaException(413, "body", -1, "the SensorThings store is full: it holds at most "
                + store.maxBytes + " bytes of memory in its Things, Locations, Datastreams, Sensors, "
                + "ObservedProperties and FeaturesOfInterest together, of all members (" + MEMORY + "), and this "
                + "write would pass that; delete entities no longer needed, or ask the hub's admin to make room");
        }
    }

    /** How the store's bounds count memory, as the 413s say it. */
    static final String MEMORY = "counted as their JSON, a byte a character or two beyond Latin-1, "
        + Store.ENTITY_BYTES + " bytes an entity, " + Store.PROPERTY_BYTES + " a property and " + Store.LINK_BYTES
        + " a link each way";

    // ---- create

    @Override
    public StaService.Answer create(Exchange origin, Caller caller, StaService.Target t, JsonNode body, String base)
        throws Exception {
        if (!t.collection() || t.ref() || t.property() != null) {
            throw new StaException(405, "path", -1, "POST creates entities in a collection, such as /Things or "
                + "/Datastreams(5)/Observations");
        }
        if (body.has("@iot.id")) {
            throw StaException.badRequest("@iot.id", -1, "ids are given by the service; leave @iot.id out (inside "
                + "a new entity, {\"@iot.id\": <id>} links an existing one)");
        }
        Map<String, Long> context = new LinkedHashMap<>();
        Model.Entity from = t.from();
        String backLink = null;
        if (from != null) {
            // POST to Things(1)/Datastreams: the new Datastream's Thing is 1; to Things(1)/Locations: link both
            backLink = backLink(from.type(), t.type());
            if (backLink == null) {
                throw new StaException(405, "path", -1, "POST to " + from.type().set + "(id)/" + t.type().set
                    + " is not supported; POST to /" + t.type().set + " with a link");
            }
            context.put(backLink, (Long) from.id());
        }
        long id = transaction(origin, caller, tx -> insert(tx, t.type(), body, context, t.type().set));
        Model.Entity created = read(t.type(), id);
        return new StaService.Answer(201, json(created, base), StaService.link(base, created));
    }

    /** The to-one navigation property of {@code child} that a POST below an entity of type {@code parent} sets. */
    private static String backLink(Model.Type parent, Model.Type child) {
        return switch (child) {
            case DATASTREAM -> parent == Model.Type.THING ? "Thing" : parent == Model.Type.SENSOR ? "Sensor"
                : parent == Model.Type.OBSERVED_PROPERTY ? "ObservedProperty" : null;
            case OBSERVATION -> parent == Model.Type.DATASTREAM ? "Datastream"
                : parent == Model.Type.FEATURE_OF_INTEREST ? "FeatureOfInterest" : null;
            case HISTORICAL_LOCATION -> parent == Model.Type.THING ? "Thing" : null;
            case LOCATION -> parent == Model.Type.THING ? "Things" : null;
            case THING -> parent == Model.Type.LOCATION ? "Locations" : null;
            default -> null;
        };
    }

    /**
     * Creates one entity of {@code type} from {@code body} (or, when the body is only {@code {"@iot.id": n}}, checks
     * that entity exists), with its nested entities; {@code context} holds the links its parent implies
     * (navigation property to id). Returns its id. {@code field} names where the body is, for errors.
     */
    private long insert(Tx tx, Model.Type type, JsonNode body, Map<String, Long> context, String field)
        throws SQLException {
        if (!body.isObject()) {
            throw StaException.badRequest(field, -1, field + " must be a JSON object");
        }
        if (body.has("@iot.id")) {
            return existing(tx, type, body, field);
        }
        tx.count();
        ObjectNode doc = properties(type, StaService.JSON.createObjectNode(), body, true, field);
        return switch (type) {
            case THING -> {
                long id = insertOwned(tx, "INSERT INTO sta_thing (member, doc) VALUES (?, ?)", doc);
                List<Long> locations = new ArrayList<>();
                List<JsonNode> given = array(body, "Locations", field);
                atMostLocations(given.size(), field + "/Locations", "Thing");
                for (JsonNode l : given) {
                    locations.add(insert(tx, Model.Type.LOCATION, l, Map.of(), field + "/Locations"));
                }
                if (context.containsKey("Locations")) {
                    locations.add(context.get("Locations"));
                }
                if (!locations.isEmpty()) {
                    setLocations(tx, id, locations);
                }
                for (JsonNode d : array(body, "Datastreams", field)) {
                    insert(tx, Model.Type.DATASTREAM, d, Map.of("Thing", id), field + "/Datastreams");
                }
                for (JsonNode h : array(body, "HistoricalLocations", field)) {
                    insert(tx, Model.Type.HISTORICAL_LOCATION, h, Map.of("Thing", id), field
                        + "/HistoricalLocations");
                }
                yield id;
            }
            case LOCATION -> {
                long id = insertOwned(tx, "INSERT INTO sta_location (member, doc) VALUES (?, ?)", doc);
                List<Long> things = new ArrayList<>();
                for (JsonNode th : array(body, "Things", field)) {
                    things.add(insert(tx, Model.Type.THING, th, Map.of(), field + "/Things"));
                }
                if (context.containsKey("Things")) {
                    things.add(context.get("Things"));
                }
                for (long thing : things) {
                    mayChange(tx, Model.Type.THING, thing);
                    List<Long> now = currentLocations(tx, thing);
                    now.add(id);
                    setLocations(tx, thing, now);
                }
                refuse(body, field, "HistoricalLocations");
                yield id;
            }
            case HISTORICAL_LOCATION -> {
                long thing = link(tx, body, context, "Thing", Model.Type.THING, field);
                mayChange(tx, Model.Type.THING, thing);
                long id = insertDoc(tx, "INSERT INTO sta_historical_location (thing_id, doc) VALUES (?, ?)", doc,
                    thing);
                tx.linked(1);
                List<JsonNode> locations = array(body, "Locations", field);
                atMostLocations(locations.size(), field + "/Locations", "HistoricalLocation");
                for (JsonNode l : locations) {
                    long location = insert(tx, Model.Type.LOCATION, l, Map.of(), field + "/Locations");
                    update(tx, "INSERT INTO sta_historical_location_location (historical_location_id, location_id) "
                        + "VALUES (?, ?)", id, location);
                    tx.linked(1);
                }
                yield id;
            }
            case SENSOR, OBSERVED_PROPERTY -> {
                long id = insertOwned(tx, "INSERT INTO " + Store.table(type) + " (member, doc) VALUES (?, ?)", doc);
                for (JsonNode d : array(body, "Datastreams", field)) {
                    insert(tx, Model.Type.DATASTREAM, d, Map.of(type == Model.Type.SENSOR ? "Sensor"
                        : "ObservedProperty", id), field + "/Datastreams");
                }
                yield id;
            }
            case DATASTREAM -> {
                long thing = link(tx, body, context, "Thing", Model.Type.THING, field);
                mayChange(tx, Model.Type.THING, thing);
                long sensor = link(tx, body, context, "Sensor", Model.Type.SENSOR, field);
                long property = link(tx, body, context, "ObservedProperty", Model.Type.OBSERVED_PROPERTY, field);
                long id = insertDoc(tx, "INSERT INTO sta_datastream (thing_id, sensor_id, observed_property_id, doc) "
                    + "VALUES (?, ?, ?, ?)", doc, thing, sensor, property);
                tx.linked(3);
                for (JsonNode o : array(body, "Observations", field)) {
                    insert(tx, Model.Type.OBSERVATION, o, Map.of("Datastream", id), field + "/Observations");
                }
                yield id;
            }
            case FEATURE_OF_INTEREST -> {
                long id = insertOwned(tx, "INSERT INTO sta_feature (member, doc) VALUES (?, ?)", doc);
                for (JsonNode o : array(body, "Observations", field)) {
                    insert(tx, Model.Type.OBSERVATION, o, Map.of("FeatureOfInterest", id), field + "/Observations");
                }
                yield id;
            }
            case OBSERVATION -> {
                long datastream = link(tx, body, context, "Datastream", Model.Type.DATASTREAM, field);
                mayChange(tx, Model.Type.DATASTREAM, datastream);
                long feature = body.has("FeatureOfInterest") || context.containsKey("FeatureOfInterest")
                    ? link(tx, body, context, "FeatureOfInterest", Model.Type.FEATURE_OF_INTEREST, field)
                    : generatedFeature(tx, datastream, field);
                yield insertObservation(tx, doc, datastream, feature);
            }
        };
    }

    /** The id of an existing entity that {@code {"@iot.id": n}} names; 400 when there is none. */
    private long existing(Tx tx, Model.Type type, JsonNode ref, String field) throws SQLException {
        JsonNode id = ref.get("@iot.id");
        long n;
        if (id.isIntegralNumber() && id.canConvertToLong()) {
            n = id.asLong();
        } else if (id.isTextual() && id.asText().matches("\\d{1,18}")) {
            n = Long.parseLong(id.asText());
        } else {
            throw StaException.badRequest(field, -1, field + ": @iot.id must be a number");
        }
        if (!exists(tx, type, n)) {
            throw StaException.badRequest(field, -1, field + ": there is no " + type.single + " " + n);
        }
        return n;
    }

    private static boolean exists(Tx tx, Model.Type type, long id) throws SQLException {
        try (PreparedStatement st = tx.c.prepareStatement("SELECT 1 FROM " + Store.table(type) + " WHERE id = ?")) {
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * A required to-one link: from the parent (context), or the body's {@code nav} (a link or a new entity); a
     * 400 naming it when both or neither give it.
     */
    private long link(Tx tx, JsonNode body, Map<String, Long> context, String nav, Model.Type target, String field)
        throws SQLException {
        JsonNode given = body.get(nav);
        Long implied = context.get(nav);
        if (implied != null) {
            if (given != null && !(given.has("@iot.id") && given.get("@iot.id").asLong() == implied)) {
                throw StaException.badRequest(field + "/" + nav, -1, nav + " follows from the path or the "
                    + "enclosing entity; leave it out");
            }
            return implied;
        }
        if (given == null || given.isNull()) {
            throw StaException.badRequest(field + "/" + nav, -1, "a " + field(body, field) + " needs its " + nav
                + ": {\"@iot.id\": <id>} or a new " + target.single);
        }
        return insert(tx, target, given, Map.of(), field + "/" + nav);
    }

    private static String field(JsonNode body, String field) {
        int slash = field.lastIndexOf('/');
        return slash < 0 ? field : field.substring(slash + 1);
    }

    /**
     * The FeatureOfInterest made from the newest Location of the Datastream's Thing: made once per Location and member
     * of the Thing, then reused, and that member's. A Location is shared vocabulary that any member may link to its
     * Thing; were its FeatureOfInterest one for all, the first member to post a reading would own what every other
     * member's readings point to, and could rename or move it.
     */
    private long generatedFeature(Tx tx, long datastream, String field) throws SQLException {
        Long location = null;
        String member = null;
        try (PreparedStatement st = tx.c.prepareStatement("SELECT tl.location_id, t.member FROM sta_datastream d JOIN "
            + "sta_thing t ON t.id = d.thing_id JOIN sta_thing_location tl ON tl.thing_id = d.thing_id WHERE d.id = ? "
            + "ORDER BY tl.linked DESC, tl.location_id DESC FETCH FIRST 1 ROW ONLY")) {
            st.setLong(1, datastream);
            try (ResultSet rs = st.executeQuery()) {
                if (rs.next()) {
                    location = rs.getLong(1);
                    member = rs.getString(2);
                }
            }
        }
        if (location == null) {
            throw StaException.badRequest(field + "/FeatureOfInterest", -1, "the Observation needs a "
                + "FeatureOfInterest: its Datastream's Thing has no Location to make one from");
        }
        try (PreparedStatement st = tx.c.prepareStatement("SELECT id FROM sta_feature WHERE location_id = ? "
            + "AND member IS NOT DISTINCT FROM ? ORDER BY id FETCH FIRST 1 ROW ONLY")) {
            st.setLong(1, location);
            st.setString(2, member);
            try (ResultSet rs = st.executeQuery()) {
                if (rs.next()) {
                    return rs.getLong(1);
                }
            }
        }
        Map<String, Object> l = Store.props(Model.Type.LOCATION, text(tx, "SELECT doc FROM sta_location WHERE id = ?",
            location));
        ObjectNode doc = StaService.JSON.createObjectNode();
        doc.set("name", StaService.tree(l.get("name")));
        doc.set("description", StaService.tree(l.get("description")));
        doc.set("encodingType", StaService.tree(l.get("encodingType")));
        doc.set("feature", StaService.tree(l.get("location")));
        tx.count();
        return insertRow(tx, "INSERT INTO sta_feature (location_id, member, doc) VALUES (?, ?, ?)", true, member, doc,
            location);
    }

    private long insertObservation(Tx tx, ObjectNode doc, long datastream, long feature) throws SQLException {
        long[] phenomenon = interval(doc.get("phenomenonTime"), tx.now);
        JsonNode result = doc.get("result");
        try (PreparedStatement st = tx.c.prepareStatement("INSERT INTO sta_observation (datastream_id, feature_id, "
            + "phenomenon_time, phenomenon_end, result_time, result, result_num, result_text, extra) VALUES (?, ?, ?, "
            + "?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            st.setLong(1, datastream);
            st.setLong(2, feature);
            observationColumns(st, 3, doc, phenomenon);
            st.executeUpdate();
            long id = generated(st);
            ObjectNode event = StaService.JSON.createObjectNode().put("@iot.id", id).put("Datastream", datastream)
                .put("FeatureOfInterest", feature);
            event.put("phenomenonTime", phenomenonText(phenomenon));
            event.set("resultTime", doc.path("resultTime").isMissingNode() ? null : doc.get("resultTime"));
            event.set("result", result);
            tx.observations.add(event);
            return id;
        }
    }

    /** Sets the phenomenon, result and extra columns from parameter {@code i} on (7 of them). */
    private static void observationColumns(PreparedStatement st, int i, ObjectNode doc, long[] phenomenon)
        throws SQLException {
        st.setLong(i, phenomenon[0]);
        setLong(st, i + 1, phenomenon[1] == Long.MIN_VALUE ? null : phenomenon[1]);
        JsonNode rt = doc.get("resultTime");
        setLong(st, i + 2, rt == null || rt.isNull() ? null : instant(rt, "resultTime").toEpochMilli());
        JsonNode result = doc.get("result");
        st.setString(i + 3, result.toString());
        if (result.isNumber()) {
            if (!Double.isFinite(result.asDouble())) {
                throw StaException.badRequest("result", -1, "result is beyond the range of numbers (about 1.8e308)");
            }
            st.setDouble(i + 4, result.asDouble());
        } else {
            st.setNull(i + 4, Types.DOUBLE);
        }
        String text = result.isTextual() ? result.asText() : result.isNumber() ? Eval.text(result.numberValue())
            : result.isBoolean() ? result.asText() : null;
        st.setString(i + 5, text);
        ObjectNode extra = StaService.JSON.createObjectNode();
        for (String k : Model.Type.OBSERVATION.optional) {
            if (doc.hasNonNull(k)) {
                extra.set(k, doc.get(k));
            }
        }
        st.setString(i + 6, extra.isEmpty() ? null : extra.toString());
    }

    private static String phenomenonText(long[] p) {
        String start = Model.text(Instant.ofEpochMilli(p[0]));
        return p[1] == Long.MIN_VALUE ? start : start + "/" + Model.text(Instant.ofEpochMilli(p[1]));
    }

    /**
     * A Thing's Locations are now {@code locations}: the links, and a HistoricalLocation of now with them (10.2.1:
     * the service keeps the history when a Thing's Location changes).
     */
    private void setLocations(Tx tx, long thing, List<Long> locations) throws SQLException {
        java.util.Set<Long> distinct = new java.util.LinkedHashSet<>(locations);
        atMostLocations(distinct.size(), "Locations", "Thing");
        List<Long> before = currentLocations(tx, thing);
        update(tx, "DELETE FROM sta_thing_location WHERE thing_id = ?", thing);
        if (distinct.isEmpty()) {
            return; // no Location now: no HistoricalLocation that would place the Thing nowhere
        }
        long order = tx.now;
        for (long l : distinct) {
            update(tx, "INSERT INTO sta_thing_location (thing_id, location_id, linked) VALUES (?, ?, ?)", thing, l,
                order++);
            if (!before.contains(l)) {
                tx.linked(1);
            }
        }
        ObjectNode doc = StaService.JSON.createObjectNode().put("time", Model.text(Instant.ofEpochMilli(tx.now)));
        tx.count();
        long hl = insertDoc(tx, "INSERT INTO sta_historical_location (thing_id, doc) VALUES (?, ?)", doc, thing);
        tx.linked(1 + distinct.size()); // its Thing, its Locations
        for (long l : distinct) {
            update(tx, "INSERT INTO sta_historical_location_location (historical_location_id, location_id) VALUES "
                + "(?, ?)", hl, l);
        }
    }

    /** Refuses (413 naming {@code field}) a {@code type} that would have more than {@link #MAX_LOCATIONS}. */
    private static void atMostLocations(int locations, String field, String type) {
        if (locations > MAX_LOCATIONS) {
            throw new StaException(413, field, -1, "a " + type + " has at most " + MAX_LOCATIONS + " Locations; "
                + "this write would give it " + locations);
        }
    }

    private static List<Long> currentLocations(Tx tx, long thing) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement st = tx.c.prepareStatement("SELECT location_id FROM sta_thing_location WHERE "
            + "thing_id = ? ORDER BY linked, location_id")) {
            st.setLong(1, thing);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    // ---- update

    @Override
    public StaService.Answer update(Caller caller, StaService.Target t, JsonNode body, String base, boolean replace)
        throws Exception {
        if (t.collection() || t.property() != null || t.ref()) {
            throw new StaException(405, "path", -1, (replace ? "PUT" : "PATCH") + " changes one entity, such as "
                + "/Things(12)");
        }
        Model.Type type = t.type();
        long id = (Long) t.entity().id();
        if (body.has("@iot.id") && body.get("@iot.id").asLong() != id) {
            throw StaException.badRequest("@iot.id", -1, "an entity keeps its id");
        }
        transaction(null, caller, tx -> {
            if (!exists(tx, type, id)) {
                throw StaException.notFound("no " + type.set + "(" + id + ") (deleted meanwhile)");
            }
            mayChange(tx, type, id);
            // a PATCH merges into the entity as committed (the locked graph), not as this Store's graph held it when
            // the request came: a change made meanwhile through another integration or node is kept
            Model.Entity current = type == Model.Type.OBSERVATION ? t.entity() : tx.graph.get(type, id);
            ObjectNode old = StaService.JSON.createObjectNode();
            if (!replace) {
                for (Map.Entry<String, Object> p : current.props().entrySet()) {
                    old.set(p.getKey(), StaService.tree(p.getValue()));
                }
            }
            ObjectNode doc = properties(type, old, body, false, type.single);
            switch (type) {
                case THING -> {
                    if (body.has("Locations")) {
                        List<Long> locations = new ArrayList<>();
                        List<JsonNode> given = array(body, "Locations", "Thing");
                        atMostLocations(given.size(), "Locations", "Thing");
                        for (JsonNode l : given) {
                            locations.add(reference(tx, Model.Type.LOCATION, l, "Locations"));
                        }
                        setLocations(tx, id, locations);
                    }
                    linksOnly(body, type, "Locations");
                }
                case HISTORICAL_LOCATION -> {
                    if (body.has("Thing")) {
                        update(tx, "UPDATE sta_historical_location SET thing_id = ? WHERE id = ?",
                            owned(tx, reference(tx, Model.Type.THING, body.get("Thing"), "Thing")), id);
                        tx.linked(1);
                    }
                    if (body.has("Locations")) {
                        update(tx, "DELETE FROM sta_historical_location_location WHERE historical_location_id = ?",
                            id);
                        List<JsonNode> locations = array(body, "Locations", "HistoricalLocation");
                        atMostLocations(locations.size(), "Locations", "HistoricalLocation");
                        for (JsonNode l : locations) {
                            update(tx, "INSERT INTO sta_historical_location_location (historical_location_id, "
                                + "location_id) VALUES (?, ?)", id, reference(tx, Model.Type.LOCATION, l,
                                "Locations"));
                            tx.linked(1);
                        }
                    }
                    linksOnly(body, type, "Thing", "Locations");
                }
                case DATASTREAM -> {
                    for (String[] nav : new String[][] {{"Thing", "thing_id"}, {"Sensor", "sensor_id"},
                        {"ObservedProperty", "observed_property_id"}}) {
                        if (body.has(nav[0])) {
                            long target = reference(tx, type.nav(nav[0]).target(), body.get(nav[0]), nav[0]);
                            update(tx, "UPDATE sta_datastream SET " + nav[1] + " = ? WHERE id = ?",
                                nav[0].equals("Thing") ? owned(tx, target) : target, id);
                            tx.linked(1);
                        }
                    }
                    linksOnly(body, type, "Thing", "Sensor", "ObservedProperty");
                }
                case OBSERVATION -> {
                    linksOnly(body, type, "Datastream", "FeatureOfInterest");
                    long datastream = body.has("Datastream") ? reference(tx, Model.Type.DATASTREAM,
                        body.get("Datastream"), "Datastream") : (Long) t.entity().refs().get("Datastream");
                    mayChange(tx, Model.Type.DATASTREAM, datastream);
                    long feature = body.has("FeatureOfInterest") ? reference(tx, Model.Type.FEATURE_OF_INTEREST,
                        body.get("FeatureOfInterest"), "FeatureOfInterest")
                        : (Long) t.entity().refs().get("FeatureOfInterest");
                    try (PreparedStatement st = tx.c.prepareStatement("UPDATE sta_observation SET datastream_id = ?, "
                        + "feature_id = ?, phenomenon_time = ?, phenomenon_end = ?, result_time = ?, result = ?, "
                        + "result_num = ?, result_text = ?, extra = ? WHERE id = ?")) {
                        st.setLong(1, datastream);
                        st.setLong(2, feature);
                        observationColumns(st, 3, doc, interval(doc.get("phenomenonTime"), tx.now));
                        st.setLong(10, id);
                        st.executeUpdate();
                    }
                    return null;
                }
                default -> linksOnly(body, type);
            }
            String text = json(doc);
            tx.written += Store.bytes(text, doc.size());
            update(tx, "UPDATE " + Store.table(type) + " SET doc = ? WHERE id = ?", text, id);
            tx.structural = true;
            return null;
        });
        Model.Entity changed = read(type, id);
        return new StaService.Answer(200, json(changed, base), null);
    }

    /** A link in a PATCH: {@code {"@iot.id": n}} of an existing entity; a new entity inline is a 400. */
    private long reference(Tx tx, Model.Type type, JsonNode ref, String field) throws SQLException {
        if (!ref.isObject() || !ref.has("@iot.id") || ref.size() != 1) {
            throw StaException.badRequest(field, -1, "an update links existing entities only: " + field + " must be "
                + "{\"@iot.id\": <id>}; create a new " + type.single + " with POST");
        }
        return existing(tx, type, ref, field);
    }

    /** The navigation properties an update may not touch: any but {@code allowed} is a 400. */
    private static void linksOnly(JsonNode body, Model.Type t, String... allowed) {
        for (Model.Nav n : t.navs()) {
            if (body.has(n.name()) && !List.of(allowed).contains(n.name())) {
                throw StaException.badRequest(n.name(), -1, "an update of a " + t.single + " cannot change its "
                    + n.name() + "; create or change those through their own paths");
            }
        }
    }

    // ---- delete

    @Override
    public StaService.Answer delete(Caller caller, StaService.Target t) throws Exception {
        if (t.collection() || t.property() != null || t.ref()) {
            throw new StaException(405, "path", -1, "DELETE removes one entity, such as /Things(12)");
        }
        Model.Type type = t.type();
        long id = (Long) t.entity().id();
        transaction(null, caller, tx -> {
            mayChange(tx, type, id);
            mayCascade(tx, type, id);
            if (type == Model.Type.LOCATION) {
                // a HistoricalLocation that places a Thing at this Location goes with it (10.4)
                update(tx, "DELETE FROM sta_historical_location WHERE id IN (SELECT historical_location_id FROM "
                    + "sta_historical_location_location WHERE location_id = ?)", id);
            }
            if (update(tx, "DELETE FROM " + Store.table(type) + " WHERE id = ?", id) == 0) {
                throw StaException.notFound("no " + type.set + "(" + id + ")");
            }
            tx.structural = type != Model.Type.OBSERVATION;
            return null;
        });
        return new StaService.Answer(200, null, null);
    }

    // ---- whose data

    /** {@code thing}, once the writer may change what hangs on it. */
    private static long owned(Tx tx, long thing) throws SQLException {
        mayChange(tx, Model.Type.THING, thing);
        return thing;
    }

    /**
     * Refuses (403) a writer that may not change entity {@code id} of {@code type}: one that does not act for its
     * member (a Datastream's, HistoricalLocation's or Observation's is its Thing's) as a member-editor. Nothing to
     * check without a writer (open-writes) or when the entity is not there (the write answers that itself).
     */
    private static void mayChange(Tx tx, Model.Type type, long id) throws SQLException {
        if (tx.caller == null) {
            return;
        }
        String sql = switch (type) {
            case DATASTREAM -> "SELECT t.member FROM sta_datastream d JOIN sta_thing t ON t.id = d.thing_id "
                + "WHERE d.id = ?";
            case HISTORICAL_LOCATION -> "SELECT t.member FROM sta_historical_location h JOIN sta_thing t ON "
                + "t.id = h.thing_id WHERE h.id = ?";
            case OBSERVATION -> "SELECT t.member FROM sta_observation o JOIN sta_datastream d ON d.id = "
                + "o.datastream_id JOIN sta_thing t ON t.id = d.thing_id WHERE o.id = ?";
            default -> "SELECT member FROM " + Store.table(type) + " WHERE id = ?";
        };
        try (PreparedStatement st = tx.c.prepareStatement(sql)) {
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                if (rs.next() && !tx.caller.actsFor(rs.getString(1), Caller.MEMBER_EDITOR)) {
                    throw forbidden(type.set + "(" + id + ")" + (switch (type) {
                        case DATASTREAM, HISTORICAL_LOCATION -> " is part of a Thing that";
                        case OBSERVATION -> " is part of a Datastream whose Thing";
                        default -> "";
                    }), rs.getString(1));
                }
            }
        }
    }

    /**
     * Refuses (403) deleting a Location, Sensor, ObservedProperty or FeatureOfInterest that Things the writer may not
     * change would lose something by: their Datastreams (a Sensor's, an ObservedProperty's), Observations (a
     * FeatureOfInterest's), or links and HistoricalLocations (a Location's), which the delete takes with it.
     */
    private static void mayCascade(Tx tx, Model.Type type, long id) throws SQLException {
        if (tx.caller == null) {
            return;
        }
        String things = switch (type) {
            case SENSOR -> "SELECT thing_id FROM sta_datastream WHERE sensor_id = ?";
            case OBSERVED_PROPERTY -> "SELECT thing_id FROM sta_datastream WHERE observed_property_id = ?";
            case FEATURE_OF_INTEREST -> "SELECT d.thing_id FROM sta_observation o JOIN sta_datastream d ON d.id = "
                + "o.datastream_id WHERE o.feature_id = ?";
            case LOCATION -> "SELECT thing_id FROM sta_thing_location WHERE location_id = ? UNION SELECT h.thing_id "
                + "FROM sta_historical_location_location hl JOIN sta_historical_location h ON h.id = "
                + "hl.historical_location_id WHERE hl.location_id = ?";
            default -> null;
        };
        if (things == null) {
            return;
        }
        try (PreparedStatement st = tx.c.prepareStatement("SELECT DISTINCT member FROM sta_thing WHERE id IN ("
            + things + ")")) {
            st.setLong(1, id);
            if (type == Model.Type.LOCATION) {
                st.setLong(2, id);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    if (!tx.caller.actsFor(rs.getString(1), Caller.MEMBER_EDITOR)) {
                        throw forbidden(type.set + "(" + id + ") is used by a Thing that", rs.getString(1));
                    }
                }
            }
        }
    }

    private static StaException forbidden(String what, String member) {
        return new StaException(403, "Authorization", -1, what + " belongs to " + (member == null
            ? "no member (made before members, or with open-writes): only a hub-admin may change it"
            : "member " + member + ": only its member-editors (or a hub-admin) may change it"));
    }

    // ---- properties

    /**
     * {@code base} with the body's own properties of {@code type} set, checked kind by kind; with {@code creating}
     * a navigation property is let through for {@link #insert}, else checked by the update. Unknown names and
     * missing required properties are 400s naming them; a document larger than {@link Store#MAX_DOC_CHARS} a 413.
     */
    private static ObjectNode properties(Model.Type type, ObjectNode base, JsonNode body, boolean creating,
                                         String field) {
        Map<String, Kind> kinds = kinds(type);
        Iterator<Map.Entry<String, JsonNode>> it = body.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = f.getKey();
            if (name.startsWith("@iot.") || name.endsWith("@iot.navigationLink") || type.nav(name) != null) {
                continue;
            }
            Kind kind = kinds.get(name);
            if (kind == null) {
                throw StaException.badRequest(name, -1, type.single + " has no property '" + TextLimits.shown(name)
                    + "'; its properties are " + String.join(", ", kinds.keySet()));
            }
            check(name, kind, f.getValue(), type);
            if (f.getValue().isNull() && !name.equals("result")) {
                base.remove(name);
            } else {
                base.set(name, inUtc(kind, f.getValue(), name));
            }
        }
        for (String required : required(type)) {
            if (!base.hasNonNull(required) && !(type == Model.Type.OBSERVATION && required.equals("result")
                && base.has("result"))) {
                throw StaException.badRequest(required, -1, "a " + type.single + " needs " + required
                    + (creating ? "" : " (PUT replaces the whole entity)"));
            }
        }
        if (type == Model.Type.OBSERVATION && !base.has("phenomenonTime")) {
            base.put("phenomenonTime", Model.text(Instant.now())); // 10.2: the server's time when it is left out
        }
        if (json(base).length() > Store.MAX_DOC_CHARS) {
            throw new StaException(413, field, -1, "the " + type.single + "'s properties have more than "
                + Store.MAX_DOC_CHARS + " characters of JSON");
        }
        return base;
    }

    /** Each type's own properties and their kinds, in the spec's order. */
    private static Map<String, Kind> kinds(Model.Type type) {
        return switch (type) {
            case THING -> kinds("name", Kind.TEXT, "description", Kind.TEXT, "properties", Kind.OBJECT);
            case LOCATION -> kinds("name", Kind.TEXT, "description", Kind.TEXT, "encodingType", Kind.TEXT,
                "location", Kind.ANY, "properties", Kind.OBJECT);
            case FEATURE_OF_INTEREST -> kinds("name", Kind.TEXT, "description", Kind.TEXT, "encodingType", Kind.TEXT,
                "feature", Kind.ANY, "properties", Kind.OBJECT);
            case HISTORICAL_LOCATION -> kinds("time", Kind.TIME);
            case DATASTREAM -> kinds("name", Kind.TEXT, "description", Kind.TEXT, "unitOfMeasurement", Kind.OBJECT,
                "observationType", Kind.TEXT, "observedArea", Kind.OBJECT, "phenomenonTime", Kind.INTERVAL,
                "resultTime", Kind.INTERVAL, "properties", Kind.OBJECT);
            case SENSOR -> kinds("name", Kind.TEXT, "description", Kind.TEXT, "encodingType", Kind.TEXT, "metadata",
                Kind.ANY, "properties", Kind.OBJECT);
            case OBSERVED_PROPERTY -> kinds("name", Kind.TEXT, "definition", Kind.TEXT, "description", Kind.TEXT,
                "properties", Kind.OBJECT);
            case OBSERVATION -> kinds("phenomenonTime", Kind.TIME_OR_INTERVAL, "resultTime", Kind.TIME, "result",
                Kind.ANY, "resultQuality", Kind.ANY, "validTime", Kind.INTERVAL, "parameters", Kind.OBJECT);
        };
    }

    private static Map<String, Kind> kinds(Object... nameKind) {
        Map<String, Kind> k = new LinkedHashMap<>();
        for (int i = 0; i < nameKind.length; i += 2) {
            k.put((String) nameKind[i], (Kind) nameKind[i + 1]);
        }
        return k;
    }

    private static List<String> required(Model.Type type) {
        return switch (type) {
            case THING -> List.of("name", "description");
            case LOCATION -> List.of("name", "description", "encodingType", "location");
            case FEATURE_OF_INTEREST -> List.of("name", "description", "encodingType", "feature");
            case HISTORICAL_LOCATION -> List.of("time");
            case DATASTREAM -> List.of("name", "description", "unitOfMeasurement", "observationType");
            case SENSOR -> List.of("name", "description", "encodingType", "metadata");
            case OBSERVED_PROPERTY -> List.of("name", "definition", "description");
            case OBSERVATION -> List.of("result");
        };
    }

    private static void check(String name, Kind kind, JsonNode v, Model.Type type) {
        if (v.isNull()) {
            if (required(type).contains(name) && !name.equals("result")) {
                throw StaException.badRequest(name, -1, name + " of a " + type.single + " cannot be null");
            }
            return;
        }
        switch (kind) {
            case TEXT -> {
                if (!v.isTextual()) {
                    throw StaException.badRequest(name, -1, name + " must be text");
                }
            }
            case OBJECT -> {
                if (!v.isObject()) {
                    throw StaException.badRequest(name, -1, name + " must be a JSON object");
                }
            }
            case TIME -> instant(v, name);
            case INTERVAL -> interval(v, name);
            case TIME_OR_INTERVAL -> {
                if (v.asText().contains("/")) {
                    interval(v, name);
                } else {
                    instant(v, name);
                }
            }
            case ANY -> {
            }
        }
    }

    /**
     * A time or interval as the store keeps and answers it: in UTC with its milliseconds ({@link Model#text}), as
     * the times the store makes are; a client's {@code +01:00} or {@code ...:47Z} sorted among the others as text
     * where it does not in time. Anything else as given.
     */
    private static JsonNode inUtc(Kind kind, JsonNode v, String field) {
        if (v.isNull() || !(kind == Kind.TIME || kind == Kind.INTERVAL || kind == Kind.TIME_OR_INTERVAL)) {
            return v;
        }
        String s = v.asText();
        int slash = s.indexOf('/');
        String text = slash < 0 ? Model.text(instant(v, field))
            : Model.text(instant(new com.fasterxml.jackson.databind.node.TextNode(s.substring(0, slash)), field)) + "/"
                + Model.text(instant(new com.fasterxml.jackson.databind.node.TextNode(s.substring(slash + 1)), field));
        return new com.fasterxml.jackson.databind.node.TextNode(text);
    }

    private static Instant instant(JsonNode v, String field) {
        if (!v.isTextual()) {
            throw StaException.badRequest(field, -1, field + " must be an ISO 8601 time such as "
                + "2026-01-01T12:00:00Z");
        }
        try {
            return OffsetDateTime.parse(v.asText()).toInstant();
        } catch (DateTimeException e) {
            throw StaException.badRequest(field, -1, "'" + TextLimits.shown(v.asText()) + "' is not an ISO 8601 "
                + "time with an offset, such as 2026-01-01T12:00:00Z");
        }
    }

    /** start/end of an ISO 8601 interval; both are times with offsets. */
    private static long[] interval(JsonNode v, String field) {
        String s = v.isTextual() ? v.asText() : "";
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw StaException.badRequest(field, -1, field + " must be an interval such as "
                + "2026-01-01T00:00:00Z/2026-01-02T00:00:00Z");
        }
        long start = instant(new com.fasterxml.jackson.databind.node.TextNode(s.substring(0, slash)), field)
            .toEpochMilli();
        long end = instant(new com.fasterxml.jackson.databind.node.TextNode(s.substring(slash + 1)), field)
            .toEpochMilli();
        if (end < start) {
            throw StaException.badRequest(field, -1, field + " ends before it starts");
        }
        return new long[] {start, end};
    }

    /** An Observation's phenomenonTime as [start, end] (end Long.MIN_VALUE for an instant); now when absent. */
    private static long[] interval(JsonNode phenomenon, long now) {
        if (phenomenon == null || phenomenon.isNull()) {
            return new long[] {now, Long.MIN_VALUE};
        }
        if (phenomenon.asText().contains("/")) {
            return interval(phenomenon, "phenomenonTime");
        }
        return new long[] {instant(phenomenon, "phenomenonTime").toEpochMilli(), Long.MIN_VALUE};
    }

    private static List<JsonNode> array(JsonNode body, String nav, String field) {
        JsonNode v = body.get(nav);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw StaException.badRequest(field + "/" + nav, -1, nav + " must be an array");
        }
        List<JsonNode> out = new ArrayList<>();
        v.forEach(out::add);
        return out;
    }

    private static void refuse(JsonNode body, String field, String nav) {
        if (body.has(nav)) {
            throw StaException.badRequest(field + "/" + nav, -1, nav + " cannot be created here; they follow from "
                + "the Things' Locations");
        }
    }

    // ---- SQL

    private static String json(JsonNode doc) {
        return doc.toString();
    }

    /** An INSERT whose parameters are the ids {@code more}, then the document; returns the new id. */
    private static long insertDoc(Tx tx, String sql, ObjectNode doc, long... more) throws SQLException {
        return insertRow(tx, sql, false, doc, more);
    }

    /** As {@link #insertDoc}, with the writer's member as a parameter between the ids and the document. */
    private static long insertOwned(Tx tx, String sql, ObjectNode doc, long... more) throws SQLException {
        return insertRow(tx, sql, true, doc, more);
    }

    private static long insertRow(Tx tx, String sql, boolean owned, ObjectNode doc, long... more) throws SQLException {
        return insertRow(tx, sql, owned, tx.member(), doc, more);
    }

    private static long insertRow(Tx tx, String sql, boolean owned, String member, ObjectNode doc, long... more)
        throws SQLException {
        tx.structural = true;
        try (PreparedStatement st = tx.c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            int i = 1;
            for (long m : more) {
                st.setLong(i++, m);
            }
            if (owned) {
                st.setString(i++, member);
            }
            String text = json(doc);
            tx.written += Store.ENTITY_BYTES + Store.bytes(text, doc.size());
            st.setString(i, text);
            st.executeUpdate();
            return generated(st);
        }
    }

    private static long generated(PreparedStatement st) throws SQLException {
        try (ResultSet keys = st.getGeneratedKeys()) {
            keys.next();
            return keys.getLong(1);
        }
    }

    private static int update(Tx tx, String sql, Object... params) throws SQLException {
        try (PreparedStatement st = tx.c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                if (params[i] instanceof String s) {
                    st.setString(i + 1, s);
                } else {
                    st.setLong(i + 1, (Long) params[i]);
                }
            }
            return st.executeUpdate();
        }
    }

    private static String text(Tx tx, String sql, long id) throws SQLException {
        try (PreparedStatement st = tx.c.prepareStatement(sql)) {
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static void setLong(PreparedStatement st, int i, Long v) throws SQLException {
        if (v == null) {
            st.setNull(i, Types.BIGINT);
        } else {
            st.setLong(i, v);
        }
    }

    // ---- answers

    private Model.Entity read(Model.Type type, long id) throws SQLException {
        if (type == Model.Type.OBSERVATION) {
            Model.Graph g = store.graph();
            return store.observations().byId(g, new Eval(g, Instant.now()), id);
        }
        return store.graph().get(type, id);
    }

    private ObjectNode json(Model.Entity e, String base) throws SQLException {
        return service.entity(service.graph(), e, base);
    }

}
