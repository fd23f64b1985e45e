package de.datenhafen.plugins.airquality.sta;

import java.time.Instant;
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

        Type(String set, String single, List<String> properties) {
            this.set = set;
            this.single = single;
            this.properties = properties;
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
            return name.equals("id") || properties.contains(name);
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

    /** One entity: its type, id (Long; a String for Locations with string-ids) and properties (JSON-like values). */
    record Entity(Type type, Object id, Map<String, Object> props) {
    }

    /** The registry's entities and their links, built once per registry view. */
    static final class Graph {
        final StaBackend.View view;
        final boolean stringIds;
        final Map<Type, Map<Object, Entity>> byId = new HashMap<>();
        final Map<String, List<Integer>> roomsBySite = new HashMap<>();
        private final Map<Object, String> siteOfLocation = new HashMap<>();
        private final Map<Long, String> siteByNumber = new HashMap<>();

        Graph(StaBackend.View view) {
            this(view, false);
        }

        /** {@code stringIds}: Locations are known by their site ids ('gs-nord'), as before numeric ids. */
        Graph(StaBackend.View view, boolean stringIds) {
            this.view = view;
            this.stringIds = stringIds;
            for (Type t : Type.values()) {
                byId.put(t, new LinkedHashMap<>());
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
                roomsBySite.put(s.id(), new ArrayList<>());
            }
            for (StaBackend.Room r : rooms) {
                StaBackend.Site s = view.sites().get(r.siteId());
                roomsBySite.computeIfAbsent(r.siteId(), k -> new ArrayList<>()).add(r.key());
                put(thing(r, s));
                put(historicalLocation(r, view.firstInstalled().get(r.key())));
                put(feature(r, s));
                for (Quantity q : Quantity.values()) {
                    put(datastream(r, s, q));
                }
            }
            for (Quantity q : Quantity.values()) {
                put(sensor(q));
                put(observedProperty(q));
            }
        }

        private void put(Entity e) {
            byId.get(e.type()).put(e.id(), e);
        }

        List<Entity> all(Type t) {
            return new ArrayList<>(byId.get(t).values());
        }

        Entity get(Type t, Object id) {
            return byId.get(t).get(id);
        }

        /** The id of a site's Location, or null when there is no such site. */
        Object locationId(String siteId) {
            StaBackend.Site s = view.sites().get(siteId);
            return s == null ? null : stringIds ? s.id() : (Object) s.number();
        }

        /** The registry's id of the site a Location stands for. */
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

        /** Follows a navigation property of a small entity; Observations are not here (see ObservationSql). */
        List<Entity> follow(Entity e, String nav) {
            List<Entity> out = new ArrayList<>();
            switch (e.type()) {
                case THING -> {
                    int room = ((Long) e.id()).intValue();
                    switch (nav) {
                        case "Locations" -> add(out, Type.LOCATION, locationId(view.rooms().get(room).siteId()));
                        case "HistoricalLocations" -> add(out, Type.HISTORICAL_LOCATION, (long) room);
                        case "Datastreams" -> datastreams(out, room);
                        default -> {
                        }
                    }
                }
                case LOCATION -> {
                    for (int room : roomsBySite.getOrDefault(siteOf(e), List.of())) {
                        add(out, nav.equals("Things") ? Type.THING : Type.HISTORICAL_LOCATION, (long) room);
                    }
                }
                case HISTORICAL_LOCATION -> {
                    int room = ((Long) e.id()).intValue();
                    if (nav.equals("Thing")) {
                        add(out, Type.THING, (long) room);
                    } else {
                        add(out, Type.LOCATION, locationId(view.rooms().get(room).siteId()));
                    }
                }
                case DATASTREAM -> {
                    long id = (Long) e.id();
                    switch (nav) {
                        case "Thing" -> add(out, Type.THING, id / 4);
                        case "Sensor" -> add(out, Type.SENSOR, id % 4 + 1);
                        case "ObservedProperty" -> add(out, Type.OBSERVED_PROPERTY, id % 4 + 1);
                        default -> {
                        }
                    }
                }
                case SENSOR, OBSERVED_PROPERTY -> {
                    long q = (Long) e.id() - 1;
                    for (Entity t : byId.get(Type.THING).values()) {
                        add(out, Type.DATASTREAM, (Long) t.id() * 4 + q);
                    }
                }
                case OBSERVATION -> {
                    long ds = (Long) e.id() / OBSERVATION_SHIFT;
                    add(out, nav.equals("Datastream") ? Type.DATASTREAM : Type.FEATURE_OF_INTEREST,
                        nav.equals("Datastream") ? ds : ds / 4);
                }
                default -> {
                }
            }
            return out;
        }

        private void datastreams(List<Entity> out, int room) {
            for (int q = 0; q < 4; q++) {
                add(out, Type.DATASTREAM, (long) room * 4 + q);
            }
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
        return new Entity(Type.OBSERVATION, datastream * OBSERVATION_SHIFT + t, p);
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
