package de.datenhafen.plugins.airquality.sta;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SensorThings entity types, their navigation properties, and the mapping from the plugin's registry. Ids are
 * numbers, as SensorThings clients and OGC's test suite expect, each stable across restarts: Thing = room key;
 * Location = the site's number (table site_number; with {@code string-ids} the site id, a string, as before);
 * HistoricalLocation = room key (one per Thing: the room's first
 * device installation); Datastream = room key * 4 + quantity index (CO2 0, temperature 1, humidity 2, pressure 3);
 * Sensor and ObservedProperty = quantity index + 1; FeatureOfInterest = room key (the room, at its site's point);
 * Observation = Datastream id * 2^32 + seconds since 2020-01-01T00:00:00Z.
 */
final class Model {

    static final long OBSERVATION_SHIFT = 1L << 32;
    static final long T0 = 1_577_836_800L;

    private static final DateTimeFormatter MILLIS = new DateTimeFormatterBuilder().appendInstant(3).toFormatter();

    /**
     * A time as the service writes it: in UTC, with its milliseconds also at a whole second. {@code Instant.toString}
     * leaves them out there, so {@code ...:47Z} sorted after {@code ...:47.005Z} as text, and clients that order times
     * as text (OGC's test suite does) saw the service's order as wrong. A time finer than a millisecond keeps its
     * digits (and sorts as text before the millisecond it is in, the one place text and time still disagree).
     */
    static String text(Instant t) {
        return t.getNano() % 1_000_000 == 0 ? MILLIS.format(t) : t.toString();
    }

    /** A navigation property: its name, the type it leads to, and whether it leads to many. */
    record Nav(String name, Type target, boolean many) {
    }

    enum Type {
        THING("Things", "Thing", List.of("name", "description", "properties")),
        LOCATION("Locations", "Location", List.of("name", "description", "encodingType", "location", "properties")),
        HISTORICAL_LOCATION("HistoricalLocations", "HistoricalLocation", List.of("time")),
        DATASTREAM("Datastreams", "Datastream", List.of("name", "description", "observationType",
            "unitOfMeasurement", "properties")),
        SENSOR("Sensors", "Sensor", List.of("name", "description", "encodingType", "metadata", "properties")),
        OBSERVED_PROPERTY("ObservedProperties", "ObservedProperty", List.of("name", "definition", "description",
            "properties")),
        OBSERVATION("Observations", "Observation", List.of("phenomenonTime", "resultTime", "result")),
        FEATURE_OF_INTEREST("FeaturesOfInterest", "FeatureOfInterest", List.of("name", "description",
            "encodingType", "feature", "properties"));

        final String set;
        final String single;
        final List<String> properties;
        /** Properties the spec makes optional: shown only when an entity has them (the general store's). */
        final List<String> optional;

        Type(String set, String single, List<String> properties) {
            this.set = set;
            this.single = single;
            this.properties = properties;
            this.optional = switch (set) {
                case "Observations" -> List.of("resultQuality", "validTime", "parameters");
                case "Datastreams" -> List.of("observedArea", "phenomenonTime", "resultTime");
                default -> List.of();
            };
        }

        /** A property of this type, shown always or when present. */
        boolean property(String name) {
            return properties.contains(name) || optional.contains(name);
        }

        List<Nav> navs() {
            return switch (this) {
                case THING -> List.of(new Nav("Locations", LOCATION, true),
                    new Nav("HistoricalLocations", HISTORICAL_LOCATION, true),
                    new Nav("Datastreams", DATASTREAM, true));
                case LOCATION -> List.of(new Nav("Things", THING, true),
                    new Nav("HistoricalLocations", HISTORICAL_LOCATION, true));
                case HISTORICAL_LOCATION -> List.of(new Nav("Thing", THING, false),
                    new Nav("Locations", LOCATION, true));
                case DATASTREAM -> List.of(new Nav("Thing", THING, false), new Nav("Sensor", SENSOR, false),
                    new Nav("ObservedProperty", OBSERVED_PROPERTY, false),
                    new Nav("Observations", OBSERVATION, true));
                case SENSOR, OBSERVED_PROPERTY -> List.of(new Nav("Datastreams", DATASTREAM, true));
                case OBSERVATION -> List.of(new Nav("Datastream", DATASTREAM, false),
                    new Nav("FeatureOfInterest", FEATURE_OF_INTEREST, false));
                case FEATURE_OF_INTEREST -> List.of(new Nav("Observations", OBSERVATION, true));
            };
        }

        Nav nav(String name) {
            for (Nav n : navs()) {
                if (n.name().equals(name)) {
                    return n;
                }
            }
            return null;
        }

        boolean hasProperty(String name) {
            return name.equals("id") || property(name);
        }

        static Type ofSet(String set) {
            for (Type t : values()) {
                if (t.set.equals(set)) {
                    return t;
                }
            }
            return null;
        }
    }

    /**
     * A JSON object or array of a general store's entity (its {@code properties}, a Location's GeoJSON, a
     * Datastream's unitOfMeasurement...) held as its compact text: as Java maps 64 KiB of {@code [{},{},...]} took
     * 1.3 MB of heap, so the store's graph grew by the shape of what members wrote, not by its size. Answers write the
     * text as it is; {@code $filter} reads it as maps when it looks inside ({@link #value()}), for that answer only.
     */
    record RawJson(String text) {
        /** The value as the registry's graph holds its own (maps, lists, numbers, text). */
        Object value() {
            return Store.value(tree());
        }

        JsonNode tree() {
            try {
                return StaService.JSON.readTree(text);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * One entity: its type, id (Long; a String for Locations with string-ids), properties (JSON-like values), and
     * for an Observation, which is not held in a {@link Graph}, the ids its to-one navigation properties lead to
     * ({@code Datastream}, {@code FeatureOfInterest}).
     */
    record Entity(Type type, Object id, Map<String, Object> props, Map<String, Object> refs) {
        Entity(Type type, Object id, Map<String, Object> props) {
            this(type, id, props, Map.of());
        }
    }

    /**
     * The entities other than Observations and their links, held in memory and never changed once built: the
     * registry's (schools' service, built per registry view) or the general store's (built from its tables after each
     * change of them). Both answer the same questions, so the query engine has one path for both.
     */
    static final class Graph {
        final StaBackend.View view;
        final boolean stringIds;
        final Map<Type, Map<Object, Entity>> byId = new HashMap<>();
        private final Map<Type, Map<Object, Map<String, List<Object>>>> links = new HashMap<>();
        private final Map<Object, String> siteOfLocation = new HashMap<>();
        private final Map<Long, String> siteByNumber = new HashMap<>();
        /**
         * The general store's: what its entities and links take of the heap as {@link Store#MAX_STORE_BYTES} counts
         * it (their JSON's characters, {@link Store#ENTITY_BYTES} per entity, {@link Store#PROPERTY_BYTES} per
         * property, {@link Store#LINK_BYTES} per link entry).
         */
        long heldBytes;
        /**
         * The general store's: of {@link #heldBytes}, each member's (a Datastream's and a HistoricalLocation's count
         * as their Thing's member's, and so do the links of a Thing, its Datastreams and HistoricalLocations; entities
         * without a member are in the total only), for {@link Store#memberShare}.
         */
        final Map<String, Long> memberBytes = new HashMap<>();

        /** Bytes of the store's memory {@code member}'s entities and links hold (0 when it has none). */
        long heldBytes(String member) {
            return memberBytes.getOrDefault(member, 0L);
        }

        /** An empty graph, filled with {@link #put} and {@link #link} (the general store). */
        Graph() {
            this.view = null;
            this.stringIds = false;
            for (Type t : Type.values()) {
                byId.put(t, new LinkedHashMap<>());
                links.put(t, new HashMap<>());
            }
        }

        Graph(StaBackend.View view) {
            this(view, false);
        }

        /** {@code stringIds}: Locations are known by their site ids ('gs-nord'), as before numeric ids. */
        Graph(StaBackend.View view, boolean stringIds) {
            this.view = view;
            this.stringIds = stringIds;
            for (Type t : Type.values()) {
                byId.put(t, new LinkedHashMap<>());
                links.put(t, new HashMap<>());
            }
            List<StaBackend.Room> rooms = new ArrayList<>(view.rooms().values());
            rooms.sort(Comparator.comparingInt(StaBackend.Room::key));
            List<StaBackend.Site> sites = new ArrayList<>(view.sites().values());
            sites.sort(Comparator.comparing(StaBackend.Site::id));
            for (StaBackend.Site s : sites) {
                Entity location = location(s, stringIds);
                put(location);
                siteOfLocation.put(location.id(), s.id());
                siteByNumber.put(s.number(), s.id());
            }
            for (Quantity q : Quantity.values()) {
                put(sensor(q));
                put(observedProperty(q));
            }
            for (StaBackend.Room r : rooms) {
                StaBackend.Site s = view.sites().get(r.siteId());
                long room = r.key();
                put(thing(r, s));
                put(historicalLocation(r, view.firstInstalled().get(r.key())));
                put(feature(r, s));
                link(Type.HISTORICAL_LOCATION, room, "Thing", room);
                Object location = locationId(r.siteId());
                if (location != null && get(Type.LOCATION, location) != null) {
                    link(Type.THING, room, "Locations", location);
                    link(Type.LOCATION, location, "Things", room);
                    link(Type.LOCATION, location, "HistoricalLocations", room);
                    link(Type.HISTORICAL_LOCATION, room, "Locations", location);
                }
                link(Type.THING, room, "HistoricalLocations", room);
                for (Quantity q : Quantity.values()) {
                    Entity ds = datastream(r, s, q);
                    put(ds);
                    link(Type.THING, room, "Datastreams", ds.id());
                    link(Type.DATASTREAM, ds.id(), "Thing", room);
                    link(Type.DATASTREAM, ds.id(), "Sensor", (long) q.ordinal() + 1);
                    link(Type.DATASTREAM, ds.id(), "ObservedProperty", (long) q.ordinal() + 1);
                }
            }
            // a Sensor's (and an ObservedProperty's) Datastreams in id order: room by room
            for (Quantity q : Quantity.values()) {
                for (StaBackend.Room r : rooms) {
                    long ds = (long) r.key() * 4 + q.ordinal();
                    link(Type.SENSOR, (long) q.ordinal() + 1, "Datastreams", ds);
                    link(Type.OBSERVED_PROPERTY, (long) q.ordinal() + 1, "Datastreams", ds);
                }
            }
        }

        void put(Entity e) {
            byId.get(e.type()).put(e.id(), e);
        }

        /** Adds {@code to} to what {@code nav} of the entity {@code type(id)} leads to (after those added before). */
        void link(Type type, Object id, String nav, Object to) {
            // sized for what most hold (a few navigation properties, one entity each): with the defaults (16
            // buckets, room for 10) an entity's first links took a third more of the heap ({@link Store#LINK_BYTES})
            links.get(type).computeIfAbsent(id, k -> new HashMap<>(8)).computeIfAbsent(nav, k -> new ArrayList<>(1))
                .add(to);
        }

        List<Entity> all(Type t) {
            return new ArrayList<>(byId.get(t).values());
        }

        Entity get(Type t, Object id) {
            return byId.get(t).get(id);
        }

        /** The id of a site's Location, or null when there is no such site (schools' service only). */
        Object locationId(String siteId) {
            StaBackend.Site s = view == null ? null : view.sites().get(siteId);
            return s == null ? null : stringIds ? s.id() : (Object) s.number();
        }

        /** The registry's id of the site a Location stands for (schools' service only). */
        String siteOf(Entity location) {
            return siteOfLocation.get(location.id());
        }

        /**
         * The key an id as written in a path or a reference ({@code 42}, {@code '42'}, {@code 'gs-nord'}) stands for
         * in {@link #get}; text that is not a number stays text, so it finds nothing unless the type is known by text
         * (Locations with string-ids, which also take their numbers).
         */
        Object key(Type type, String text, boolean quoted) {
            Long n = null;
            try {
                n = Long.parseLong(text);
            } catch (NumberFormatException e) {
                // text
            }
            if (type == Type.LOCATION && stringIds) {
                if (quoted || n == null) {
                    return text;
                }
                String site = siteByNumber.get(n);
                return site == null ? text : site;
            }
            return n != null ? (Object) n : text;
        }

        /**
         * Follows a navigation property; an Observation's to-one properties by its {@link Entity#refs()}, the others
         * by the links of the graph. The Observations of an entity are not here (see {@link Observations}).
         */
        List<Entity> follow(Entity e, String nav) {
            List<Entity> out = new ArrayList<>();
            Model.Nav n = e.type().nav(nav);
            if (n == null) {
                return out;
            }
            Object ref = e.refs().get(nav);
            if (ref != null) {
                add(out, n.target(), ref);
                return out;
            }
            Map<String, List<Object>> of = links.get(e.type()).get(e.id());
            for (Object id : of == null ? List.of() : of.getOrDefault(nav, List.of())) {
                add(out, n.target(), id);
            }
            return out;
        }

        private void add(List<Entity> out, Type t, Object id) {
            Entity e = id == null ? null : byId.get(t).get(id);
            if (e != null) {
                out.add(e);
            }
        }
    }

    private Model() {
    }

    static Entity thing(StaBackend.Room r, StaBackend.Site s) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", r.name());
        p.put("description", "Room " + r.id() + " (" + r.kind() + ") at " + (s == null ? r.siteId() : s.name()));
        p.put("properties", props("site", r.siteId(), "room", r.id(), "kind", r.kind()));
        return new Entity(Type.THING, (long) r.key(), p);
    }

    static Entity location(StaBackend.Site s, boolean stringIds) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", s.name());
        p.put("description", s.address() == null ? s.name() : s.address());
        p.put("encodingType", "application/geo+json");
        p.put("location", point(s));
        p.put("properties", props("site", s.id(), "address", s.address()));
        return new Entity(Type.LOCATION, stringIds ? s.id() : (Object) s.number(), p);
    }

    static Entity historicalLocation(StaBackend.Room r, Instant since) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("time", since == null ? Instant.ofEpochSecond(T0) : since);
        return new Entity(Type.HISTORICAL_LOCATION, (long) r.key(), p);
    }

    static Entity feature(StaBackend.Room r, StaBackend.Site s) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", r.name() + (s == null ? "" : ", " + s.name()));
        p.put("description", "Room " + r.id() + " at site " + r.siteId());
        p.put("encodingType", "application/geo+json");
        p.put("feature", s == null ? null : point(s));
        p.put("properties", props("site", r.siteId(), "room", r.id()));
        return new Entity(Type.FEATURE_OF_INTEREST, (long) r.key(), p);
    }

    static Entity datastream(StaBackend.Room r, StaBackend.Site s, Quantity q) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", q.label + " in " + r.name() + (s == null ? "" : ", " + s.name()));
        p.put("description", q.propertyDescription + " in room " + r.id() + " at site " + r.siteId());
        p.put("observationType", "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement");
        p.put("unitOfMeasurement", props("name", q.unitName, "symbol", q.unitSymbol, "definition", q.unitDefinition));
        p.put("properties", props("site", r.siteId(), "room", r.id(), "quantity", q.key));
        return new Entity(Type.DATASTREAM, (long) r.key() * 4 + q.ordinal(), p);
    }

    static Entity sensor(Quantity q) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", q.sensorName);
        p.put("description", q.sensorDescription);
        p.put("encodingType", "text/plain");
        p.put("metadata", q.sensorDescription + "; measures " + q.unitName + " (" + q.unitSymbol + ")");
        p.put("properties", props("quantity", q.key));
        return new Entity(Type.SENSOR, (long) q.ordinal() + 1, p);
    }

    static Entity observedProperty(Quantity q) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", q.label);
        p.put("definition", q.propertyDefinition);
        p.put("description", q.propertyDescription);
        p.put("properties", props("quantity", q.key));
        return new Entity(Type.OBSERVED_PROPERTY, (long) q.ordinal() + 1, p);
    }

    static Entity observation(long datastream, int t, double result) {
        Map<String, Object> p = new LinkedHashMap<>();
        Instant time = Instant.ofEpochSecond(T0 + t);
        p.put("phenomenonTime", time);
        p.put("resultTime", time);
        p.put("result", result);
        return new Entity(Type.OBSERVATION, datastream * OBSERVATION_SHIFT + t, p,
            Map.of("Datastream", datastream, "FeatureOfInterest", datastream / 4));
    }

    static Map<String, Object> point(StaBackend.Site s) {
        if (s.latitude() == null || s.longitude() == null) {
            return null;
        }
        return props("type", "Point", "coordinates", List.of(s.longitude(), s.latitude()));
    }

    private static Map<String, Object> props(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }
}
