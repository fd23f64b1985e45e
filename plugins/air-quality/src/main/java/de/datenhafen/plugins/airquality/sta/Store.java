package de.datenhafen.plugins.airquality.sta;

import com.fasterxml.jackson.databind.JsonNode;
import de.datenhafen.plugins.airquality.TextLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * The general SensorThings store's tables ({@code db/plugin/V4__sensorthings_store.sql}) as a service's source: the
 * entities other than Observations are read into a {@link Model.Graph} and held, Observations stay in the database
 * ({@link StoreObservations}). The graph holds every Thing, Location, Datastream and so on of the store, their JSON
 * objects and arrays as text ({@link Model.RawJson}), so it costs the stored text and a fixed amount per entity, per
 * property and per link, which writes keep under {@link #MAX_STORE_BYTES} in all and under {@link #memberShare} per
 * member; Observations, the many, are never held.
 *
 * <p>Several Stores serve one store: each {@code sensorthings-store} integration has its own, and each node of a hub
 * on one PostgreSQL database its own of each. The database has the store's version ({@code sta_version}, V6), one
 * more after each committed change of entities other than Observations, and each graph is tagged with the version it
 * was read at. A write locks that row first ({@link #lockedGraph}), so writers of all integrations and nodes take
 * turns, reads the graph again when it is of another version, and so checks its links and bounds against every
 * committed write; it adds one to the version in its own transaction. A read after this Store's own write builds the
 * graph again at once (an in-process counter, so a read racing a write never keeps a graph older than the write); a
 * read compares the database's version at most every {@link #RECHECK} (one small SELECT) and reads the graph again
 * when it changed. So what remains stale is another integration's or node's write, for at most that interval plus
 * the time of that check and reload: well within the second in which the hub promises an admin change on every node.
 */
final class Store implements StaService.Source {

    /** The JSON of one entity's own properties, at most (a larger one is refused with 413). */
    static final int MAX_DOC_CHARS = 64 * 1024;

    /**
     * What the graph of all entities other than Observations may take of the hub's heap, in bytes as {@link #bytes}
     * counts them (their JSON's characters, {@link #ENTITY_BYTES} per entity, {@link #PROPERTY_BYTES} per property and
     * {@link #LINK_BYTES} per link entry), at most: the graph holds them in memory, so a write that would pass this is
     * refused with 413 and the hub's heap is not the limit. 64 MiB is some thousand entities with the largest
     * properties, or some 50,000 ordinary Things, Locations and Datastreams with their links. It was 64 Mi
     * characters of JSON alone, and that understated the heap by up to twelve times: a probe's 60,000 Locations of a
     * few characters took 73 MB while counting 5 (the graph alone 36 MB, measured as below), and a Thing relinked
     * to 10,000 Locations counted nothing for the 40,000 links it and its HistoricalLocation got.
     */
    static final long MAX_STORE_BYTES = 64L * 1024 * 1024;

    /*
     * The costs below are measured (StoreCostBench, -Dsta.bench.cost=50000: JDK 17, 64-bit with compressed references;
     * the heap in use after full collections with and without a graph read from 50,000 rows, less the JSON's
     * characters, which a compact String holds in a byte each). Entities without links took beyond their JSON: a
     * Thing with 2 properties 385 bytes, a Location with 4 542, a Sensor with 5 612, so about 229 bytes an entity and
     * 78 a property. An entity's first link adds its map of links, 144 bytes (its entry in its type's map, the boxed
     * id, the map and its table); the first entry of a navigation property (Location -> Things) took 96 with its
     * list, each further one (Thing -> its 50,000th Location) 21, the boxed id and its slot. Counted with the
     * constants, each case's graph comes out 1.09 to 1.37 times what it measured (JSON included): Locations 1.26,
     * Things with a HistoricalLocation and one Location (6 link entries each; 1,584 bytes counted beyond the JSON,
     * 1,411 measured) 1.12, Datastreams with 8 properties and their 6 link entries (1,600, 1,336) 1.18, a Thing linked
     * to 50,000 Locations 1.09; a Thing relinked to a Location counts 384 for the 4 entries, 236 to 380 measured.
     */

    /**
     * What an entity costs beyond its JSON and its properties: its {@link Model.Entity}, its property map, its entry
     * in the graph's map by id (229 bytes measured) and the map of its links (144).
     */
    static final int ENTITY_BYTES = 384;

    /** What each of an entity's own properties costs beyond its JSON: its map entry, its value's object (78). */
    static final int PROPERTY_BYTES = 80;

    /**
     * What each link entry costs: the graph holds a link both ways (a Thing's Locations and a Location's Things), each
     * an entry of the entity's list for that navigation property, with the list itself for its first (96 measured; 21
     * for a further one).
     */
    static final int LINK_BYTES = 96;

    /**
     * A member's share of {@link #MAX_STORE_BYTES} unless the connector's {@code member-share} says otherwise: one
     * member's editor filling the whole store would have every other member's writes refused.
     */
    static final String DEFAULT_MEMBER_SHARE = "25%";

    /** How long a read trusts the graph without asking the database's version (another integration's, node's write). */
    static final Duration RECHECK = Duration.ofMillis(200);

    final DataSource db;
    final long maxBytes;
    /**
     * Bytes of the store's memory ({@link #MAX_STORE_BYTES}) one member's entities and links may hold together, at
     * most; a hub-admin's count in the total only.
     */
    final long memberShare;
    private final StoreObservations observations;
    /** The graph and the write lock, one for all the Stores of a plugin ({@link Shared}). */
    private final Shared shared;
    /** {@link Shared#writing}. */
    final ReentrantLock writing;

    /**
     * What the Stores of one plugin's connector (one per {@code sensorthings-store} integration, all over the plugin's
     * tables) share: one copy of the graph, and one lock of their writes. Each integration held a graph of its own,
     * the same store's, read in full: six integrations over a store of 36 MB took 291 MB of heap, and the bound held
     * for each copy only (an attacker's probe); so more integrations cost no more memory.
     */
    static final class Shared {
        /**
         * Writes one at a time in this hub: a deep insert checks its links and writes them in one transaction, and
         * the graph the next request sees is built after it. Writers of several integrations wait here rather than
         * on the database's lock; writers of other nodes wait on the latter. Reads never wait for it.
         */
        final ReentrantLock writing = new ReentrantLock();
        /** The committed changes through these Stores: a graph read before the last of them is not used again. */
        private final AtomicLong changes = new AtomicLong();
        /** When ({@link System#nanoTime}) a read next asks the database's version; one read at a time asks. */
        private final AtomicLong nextCheck = new AtomicLong(System.nanoTime());
        private volatile Loaded loaded;
        /** The integrations that serve the graph now ({@link #serving}). */
        private int serving;

        /** An integration serves it from now on (its routes were built). */
        synchronized void serving() {
            serving++;
        }

        /**
         * An integration no longer serves it (its routes were removed); after the last, the graph is let go of: it
         * stayed in the heap after its last integration was deleted (as much as the store's bound of memory, {@link
         * #MAX_STORE_BYTES}), with nobody to read it. The next integration to serve reads it again.
         */
        synchronized void stoppedServing() {
            serving = Math.max(0, serving - 1);
            if (serving == 0) {
                loaded = null;
            }
        }

        /** Whether a graph is held (read and not let go of). */
        boolean holdsGraph() {
            return loaded != null;
        }
    }

    /** {@code changes}: {@link #changes} when it was read; {@code version}: the database's version it is of. */
    private record Loaded(long changes, long version, Model.Graph graph) {
    }

    Store(DataSource db, Duration queryTimeout) {
        this(db, queryTimeout, MAX_STORE_BYTES, memberShare(DEFAULT_MEMBER_SHARE, MAX_STORE_BYTES), new Shared());
    }

    /**
     * {@code maxBytes}: {@link #MAX_STORE_BYTES}, smaller in tests; {@code memberShare}: a member's part of it
     * ({@link #memberShare(String, long)}); {@code shared}: the graph and lock of the Stores of one plugin.
     */
    Store(DataSource db, Duration queryTimeout, long maxBytes, long memberShare, Shared shared) {
        this.db = db;
        this.maxBytes = maxBytes;
        this.memberShare = memberShare;
        this.shared = shared;
        this.writing = shared.writing;
        this.observations = new StoreObservations(db, queryTimeout);
    }

    /**
     * A member's share as the connector's {@code member-share} gives it: a percentage of {@code total} ("25%",
     * "12.5%"; more than 0, at most 100) or a number of bytes as {@link #MAX_STORE_BYTES} counts them (1 to
     * {@code total}).
     *
     * @throws IllegalArgumentException saying what the value must be
     */
    static long memberShare(String value, long total) {
        String s = value == null ? "" : value.trim();
        if (s.matches("\\d{1,3}(\\.\\d{1,6})?\\s*%")) {
            double percent = Double.parseDouble(s.substring(0, s.length() - 1).trim());
            if (percent > 0 && percent <= 100) {
                return Math.max(1, (long) (total * percent / 100));
            }
        } else if (s.matches("\\d{1,19}")) {
            try {
                long bytes = Long.parseLong(s);
                if (bytes >= 1 && bytes <= total) {
                    return bytes;
                }
            } catch (NumberFormatException e) {
                // more than a long: past the total, refused below
            }
        }
        throw new IllegalArgumentException("must be a percentage of the store's " + total + " bytes of memory, more "
            + "than 0% and at most 100% (such as 25%), or a number of bytes from 1 to " + total + "; was '"
            + TextLimits.shown(s) + "'");
    }

    @Override
    public Model.Graph graph() {
        Loaded l = shared.loaded;
        if (l != null && l.changes() == shared.changes.get()) {
            long now = System.nanoTime();
            long next = shared.nextCheck.get();
            if (now - next < 0 || !shared.nextCheck.compareAndSet(next, now + RECHECK.toNanos())) {
                return l.graph(); // asked within the interval, or another read is asking now
            }
            try (Connection c = db.getConnection()) {
                if (version(c, false) == l.version()) {
                    return l.graph();
                }
            } catch (SQLException e) {
                throw new IllegalStateException("reading the SensorThings store failed", e);
            }
        }
        synchronized (shared) {
            Loaded again = shared.loaded;
            if (again != l && again != null && again.changes() == shared.changes.get()) {
                return again.graph(); // another read built it meanwhile
            }
            try (Connection c = db.getConnection()) {
                return reload(c, shared.changes.get(), version(c, false)).graph();
            } catch (SQLException e) {
                throw new IllegalStateException("reading the SensorThings store failed", e);
            }
        }
    }

    @Override
    public Observations observations() {
        return observations;
    }

    /**
     * In a write's transaction on {@code c}: locks the store's version row (until the transaction ends) and returns
     * the graph of that version, read again on {@code c} when the one held is of another (another integration's or
     * node's write committed meanwhile). No other writer can commit a change while the lock is held, so the graph is
     * the store as committed and the write's checks see every other write.
     */
    Model.Graph lockedGraph(Connection c) throws SQLException {
        long v = version(c, true);
        synchronized (shared) {
            long now = shared.changes.get();
            Loaded l = shared.loaded;
            if (l != null && l.version() == v && l.changes() == now) {
                return l.graph();
            }
            return reload(c, now, v).graph();
        }
    }

    /** In a write's transaction, after {@link #lockedGraph}: the store has changed; one more when it commits. */
    static void advance(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("UPDATE sta_version SET version = version + 1 WHERE id = 1")) {
            st.executeUpdate();
        }
    }

    /** After a committed change of entities other than Observations: the next read builds the graph again. */
    void changed() {
        shared.changes.incrementAndGet();
    }

    /**
     * The graph read on {@code c}, tagged with {@code changes} and {@code version} read before it: were a write
     * committed while it is read, the graph may hold some of it but is tagged as before it, and is read again.
     */
    private Loaded reload(Connection c, long changes, long version) throws SQLException {
        Loaded l = new Loaded(changes, version, load(c));
        shared.loaded = l;
        shared.nextCheck.set(System.nanoTime() + RECHECK.toNanos());
        return l;
    }

    private static long version(Connection c, boolean lock) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT version FROM sta_version WHERE id = 1"
            + (lock ? " FOR UPDATE" : "")); ResultSet rs = st.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("sta_version has no row (migration V6)");
            }
            return rs.getLong(1);
        }
    }

    private Model.Graph load(Connection c) throws SQLException {
        Model.Graph g = new Model.Graph();
        // a Datastream's and a HistoricalLocation's JSON count as their Thing's member's
        Map<Long, String> thingMember = new HashMap<>();
        Map<Long, String> historyMember = new HashMap<>();
        for (Model.Type t : new Model.Type[] {Model.Type.THING, Model.Type.LOCATION, Model.Type.SENSOR,
            Model.Type.OBSERVED_PROPERTY, Model.Type.FEATURE_OF_INTEREST}) {
            each(c, "SELECT id, member, doc FROM " + table(t) + " ORDER BY id", rs -> {
                long id = rs.getLong(1);
                String member = rs.getString(2);
                if (t == Model.Type.THING && member != null) {
                    thingMember.put(id, member);
                }
                g.put(new Model.Entity(t, id, props(g, t, member, rs.getString(3))));
            });
        }
        // a link counts as its Thing's member's, both of its entries: that member's editor made it
        each(c, "SELECT thing_id, location_id FROM sta_thing_location ORDER BY thing_id, linked, location_id",
            rs -> {
                g.link(Model.Type.THING, rs.getLong(1), "Locations", rs.getLong(2));
                g.link(Model.Type.LOCATION, rs.getLong(2), "Things", rs.getLong(1));
                links(g, thingMember.get(rs.getLong(1)), 2);
            });
        each(c, "SELECT id, thing_id, doc FROM sta_historical_location ORDER BY id", rs -> {
            long id = rs.getLong(1);
            g.put(new Model.Entity(Model.Type.HISTORICAL_LOCATION, id,
                props(g, Model.Type.HISTORICAL_LOCATION, thingMember.get(rs.getLong(2)), rs.getString(3))));
            g.link(Model.Type.HISTORICAL_LOCATION, id, "Thing", rs.getLong(2));
            g.link(Model.Type.THING, rs.getLong(2), "HistoricalLocations", id);
            links(g, thingMember.get(rs.getLong(2)), 2);
            historyMember.put(id, thingMember.get(rs.getLong(2)));
        });
        each(c, "SELECT historical_location_id, location_id FROM sta_historical_location_location "
            + "ORDER BY historical_location_id, location_id", rs -> {
                g.link(Model.Type.HISTORICAL_LOCATION, rs.getLong(1), "Locations", rs.getLong(2));
                g.link(Model.Type.LOCATION, rs.getLong(2), "HistoricalLocations", rs.getLong(1));
                links(g, historyMember.get(rs.getLong(1)), 2);
            });
        each(c, "SELECT id, thing_id, sensor_id, observed_property_id, doc FROM sta_datastream ORDER BY id",
            rs -> {
                long id = rs.getLong(1);
                g.put(new Model.Entity(Model.Type.DATASTREAM, id, props(g, Model.Type.DATASTREAM,
                    thingMember.get(rs.getLong(2)), rs.getString(5))));
                g.link(Model.Type.DATASTREAM, id, "Thing", rs.getLong(2));
                g.link(Model.Type.DATASTREAM, id, "Sensor", rs.getLong(3));
                g.link(Model.Type.DATASTREAM, id, "ObservedProperty", rs.getLong(4));
                g.link(Model.Type.THING, rs.getLong(2), "Datastreams", id);
                g.link(Model.Type.SENSOR, rs.getLong(3), "Datastreams", id);
                g.link(Model.Type.OBSERVED_PROPERTY, rs.getLong(4), "Datastreams", id);
                links(g, thingMember.get(rs.getLong(2)), 6);
            });
        return g;
    }

    /**
     * As {@link #props(Model.Type, String)}, counting what the entity costs ({@link #bytes}) into the graph's
     * {@link Model.Graph#heldBytes} and, when the entity is a member's, into that member's.
     */
    private static Map<String, Object> props(Model.Graph g, Model.Type t, String member, String doc) {
        Map<String, Object> props = props(t, doc);
        count(g, member, ENTITY_BYTES + bytes(doc, props.size()));
        return props;
    }

    /** Counts {@code entries} link entries into the graph's bytes and, when it is a member's, that member's. */
    private static void links(Model.Graph g, String member, int entries) {
        count(g, member, (long) entries * LINK_BYTES);
    }

    private static void count(Model.Graph g, String member, long bytes) {
        g.heldBytes += bytes;
        if (member != null) {
            g.memberBytes.merge(member, bytes, Long::sum);
        }
    }

    /**
     * What an entity's own properties cost of the store's memory as {@link #MAX_STORE_BYTES} counts it: the
     * characters of their JSON {@code doc} (two bytes each when it has one beyond Latin-1, as Java then holds text)
     * and {@link #PROPERTY_BYTES} for each of its {@code properties}; a new
     * entity adds {@link #ENTITY_BYTES}, each link entry {@link #LINK_BYTES}.
     */
    static long bytes(String doc, int properties) {
        return (long) doc.length() * (latin1(doc) ? 1 : 2) + (long) properties * PROPERTY_BYTES;
    }

    /** Whether Java holds {@code s} in a byte a character (compact strings): none beyond Latin-1, else two each. */
    private static boolean latin1(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xFF) {
                return false;
            }
        }
        return true;
    }

    /** Bytes of memory the store holds now as {@link #MAX_STORE_BYTES} counts them (of the graph as committed). */
    long heldBytes() {
        return graph().heldBytes;
    }

    private interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    private static void each(Connection c, String sql, Row row) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                row.accept(rs);
            }
        }
    }

    static String table(Model.Type t) {
        return switch (t) {
            case THING -> "sta_thing";
            case LOCATION -> "sta_location";
            case HISTORICAL_LOCATION -> "sta_historical_location";
            case DATASTREAM -> "sta_datastream";
            case SENSOR -> "sta_sensor";
            case OBSERVED_PROPERTY -> "sta_observed_property";
            case FEATURE_OF_INTEREST -> "sta_feature";
            case OBSERVATION -> "sta_observation";
        };
    }

    /**
     * An entity's properties from its stored JSON: text, numbers and booleans as Jackson reads them, a
     * HistoricalLocation's time, and each object or array as its compact text ({@link Model.RawJson}), so what the
     * graph holds is about the size of the stored text whatever its shape.
     */
    static Map<String, Object> props(Model.Type t, String doc) {
        try {
            JsonNode tree = StaService.JSON.readTree(doc);
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> f : tree.properties()) {
                JsonNode v = f.getValue();
                m.put(f.getKey(), v.isContainerNode() ? new Model.RawJson(v.toString()) : value(v));
            }
            if (t == Model.Type.HISTORICAL_LOCATION && m.get("time") instanceof String s) {
                m.put("time", Instant.parse(s));
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON value as the graph holds it (maps, lists, Integer, Long, Double, String, Boolean, null). */
    static Object value(JsonNode node) {
        return node == null || node.isNull() ? null : StaService.JSON.convertValue(node, Object.class);
    }
}
