package de.datenhafen.plugins.airquality.sta;

import com.fasterxml.jackson.databind.JsonNode;
import de.datenhafen.api.Caller;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.EnumMap;
import java.util.Map;
import de.datenhafen.plugins.airquality.TextLimits;
import org.apache.camel.Exchange;

/**
 * The write side: Observations are put on the bus as {@code air.reading} events (so projections, bands and alerts
 * follow as for ingest); Things and Locations change the registry's rooms and sites. What cannot be honoured
 * without changing history or derived data is refused with a reason, and nothing changes.
 */
final class StaWrites implements Writes {

    private final StaBackend backend;
    private final StaService service;
    private final Duration maxFuture;

    StaWrites(StaBackend backend, StaService service, Duration maxFuture) {
        this.backend = backend;
        this.service = service;
        this.maxFuture = maxFuture;
    }

    /** POST to an entity set or a navigation collection ({@code Datastreams(5)/Observations}). */
    @Override
    public StaService.Answer create(Exchange origin, Caller caller, StaService.Target t, JsonNode body, String base)
        throws Exception {
        if (!t.collection() || t.ref() || t.property() != null) {
            throw new StaException(405, "path", -1, "POST creates entities in a collection, such as /Observations "
                + "or /Datastreams(5)/Observations");
        }
        return switch (t.type()) {
            case OBSERVATION -> observation(origin, t, body, base);
            case THING -> thing(body, base);
            case LOCATION -> location(body, base);
            default -> throw derived(t.type());
        };
    }

    private StaService.Answer observation(Exchange origin, StaService.Target t, JsonNode body, String base)
        throws Exception {
        Model.Graph g = service.graph();
        Long ds;
        Model.Entity of = t.from();
        if (of != null && of.type() == Model.Type.DATASTREAM) {
            ds = (Long) of.id();
        } else {
            JsonNode ref = body.path("Datastream").path("@iot.id");
            if (!ref.isIntegralNumber()) {
                throw StaException.badRequest("Datastream", -1, "an Observation needs \"Datastream\": "
                    + "{\"@iot.id\": <id>}, or POST it to /Datastreams(<id>)/Observations");
            }
            ds = ref.asLong();
        }
        if (of != null && of.type() == Model.Type.FEATURE_OF_INTEREST && !of.id().equals(ds / 4)) {
            throw StaException.badRequest("Datastream", -1, "Datastream " + ds + " does not observe this "
                + "FeatureOfInterest");
        }
        if (g.get(Model.Type.DATASTREAM, ds) == null) {
            throw StaException.badRequest("Datastream", -1, "no Datastream " + ds);
        }
        Quantity q = Quantity.values()[(int) (ds % 4)];
        JsonNode result = body.get("result");
        if (result == null || !result.isNumber()) {
            throw StaException.badRequest("result", -1, "result must be a number (" + q.unitSymbol + ")");
        }
        double value = result.asDouble();
        if (!q.range.contains(value)) {
            throw StaException.badRequest("result", -1, value + " is impossible for " + q.key + ": it must be "
                + q.range.bounds() + " " + q.unitSymbol);
        }
        Instant time = time(body, "phenomenonTime", null);
        if (time == null) {
            time = time(body, "resultTime", Instant.now());
        }
        if (time.isAfter(Instant.now().plus(maxFuture))) {
            throw StaException.badRequest("phenomenonTime", -1, time + " is in the future (more than "
                + maxFuture.toSeconds() + " s ahead of the hub's clock)");
        }
        if (time.getEpochSecond() < Model.T0) {
            throw StaException.badRequest("phenomenonTime", -1, time + " is before 2020, which the store does not "
                + "keep");
        }
        for (String unsupported : new String[] {"parameters", "resultQuality", "validTime"}) {
            if (body.hasNonNull(unsupported)) {
                throw StaException.badRequest(unsupported, -1, unsupported + " is not kept by this service; leave "
                    + "it out");
            }
        }
        // readings are stored to the second
        time = Instant.ofEpochSecond(time.getEpochSecond());
        Model.Entity created = Model.observation(ds, (int) (time.getEpochSecond() - Model.T0), value);
        Model.Entity stored = new ObservationSql(backend.database(), g, new Eval(g, Instant.now()),
            Duration.ofSeconds(10)).byId((Long) created.id());
        if (stored != null && !stored.props().get("result").equals(created.props().get("result"))) {
            // the raw row keeps the first value of a quantity at a time; say so rather than answer 201 for nothing
            throw new StaException(409, "phenomenonTime", -1, "Datastream " + ds + " has an Observation at " + time
                + " already (result " + stored.props().get("result") + "): readings are kept as measured");
        }
        StaBackend.Room room = backend.view().rooms().get((int) (ds / 4));
        Map<Quantity, Double> values = new EnumMap<>(Quantity.class);
        values.put(q, value);
        boolean duplicate = backend.publish(origin, room, time, values);
        // the same Observation sent again is stored once: 200 says nothing was created (201 would claim it was)
        return new StaService.Answer(duplicate ? 200 : 201, service.entity(g, created, base),
            StaService.link(base, created));
    }

    private StaService.Answer thing(JsonNode body, String base) {
        JsonNode ref = body.path("Locations").path(0).path("@iot.id");
        String site = ref.isMissingNode() ? body.path("properties").path("site").asText(null)
            : siteOf(service.graph(), ref);
        if (site == null || !backend.view().sites().containsKey(site)) {
            throw StaException.badRequest("Locations", -1, "a Thing (room) needs an existing Location (site): "
                + "\"Locations\": [{\"@iot.id\": <id>}]" + (ref.isMissingNode() ? "" : "; no Location "
                + TextLimits.shown(ref.toString())));
        }
        String roomId = id("properties/room", body.path("properties").path("room").asText(null));
        if (backend.view().rooms().values().stream().anyMatch(r -> r.siteId().equals(site) && r.id().equals(roomId))) {
            throw new StaException(409, "properties/room", -1, "room '" + roomId + "' exists at site '" + site
                + "'; PATCH it instead");
        }
        String name = text("name", required(body, "name"), TextLimits.NAME);
        String kind = text("properties/kind", body.path("properties").path("kind").asText("classroom"),
            TextLimits.KIND);
        int key = backend.upsertRoom(site, roomId, name, kind);
        Model.Graph g = service.graph();
        Model.Entity created = g.get(Model.Type.THING, (long) key);
        return new StaService.Answer(201, entityJson(g, created, base), StaService.link(base, created));
    }

    /** The site a Location reference names ({@code {"@iot.id": 3}}), or null when there is none. */
    private static String siteOf(Model.Graph g, JsonNode ref) {
        if (!ref.isIntegralNumber() && !ref.isTextual()) {
            return null;
        }
        Model.Entity e = g.get(Model.Type.LOCATION, g.key(Model.Type.LOCATION, ref.asText(), ref.isTextual()));
        return e == null ? null : g.siteOf(e);
    }

    /**
     * A new site. Its Location id is a number the service gives; the site's readable id is {@code properties.site}
     * (with {@code string-ids}, also {@code @iot.id} as before), and without either one is made from the name, so a
     * client that knows nothing of sites (OGC's test suite) can create a Location.
     */
    private StaService.Answer location(JsonNode body, String base) {
        Model.Graph g = service.graph();
        JsonNode given = body.path("properties").path("site");
        String field = "properties/site";
        if (body.has("@iot.id")) {
            if (!g.stringIds) {
                throw StaException.badRequest("@iot.id", -1, "Location ids are numbers the service gives; put the "
                    + "site's own id in properties/site");
            }
            given = body.get("@iot.id");
            field = "@iot.id";
        }
        String id = given.isMissingNode() || given.isNull() ? freeSiteId(required(body, "name"))
            : id(field, given.asText(null));
        if (backend.view().sites().containsKey(id)) {
            throw new StaException(409, field, -1, "Location '" + id + "' exists; PATCH it instead");
        }
        backend.upsertSite(site(id, body, null));
        g = service.graph();
        Model.Entity created = g.get(Model.Type.LOCATION, g.locationId(id));
        return new StaService.Answer(201, entityJson(g, created, base), StaService.link(base, created));
    }

    /** A site id made from a name ("West Roof" becomes west-roof, then west-roof-2 if that is taken). */
    private String freeSiteId(String name) {
        String slug = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        slug = slug.isEmpty() ? "site" : slug.substring(0, Math.min(slug.length(), 56));
        String id = slug;
        for (int n = 2; backend.view().sites().containsKey(id); n++) {
            id = slug + "-" + n;
        }
        return id;
    }

    /** PATCH of one entity; PUT is refused (most of an entity here follows from the registry). */
    @Override
    public StaService.Answer update(Caller caller, StaService.Target t, JsonNode body, String base, boolean replace) {
        if (replace) {
            throw new StaException(405, "method", -1, "PUT is not supported by this service: change an entity with "
                + "PATCH");
        }
        if (t.collection() || t.property() != null || t.ref()) {
            throw new StaException(405, "path", -1, "PATCH changes one entity, such as /Things(12)");
        }
        Model.Graph g = service.graph();
        switch (t.type()) {
            case THING -> {
                StaBackend.Room r = backend.view().rooms().get(((Long) t.entity().id()).intValue());
                for (String fixed : new String[] {"site", "room"}) {
                    JsonNode v = body.path("properties").path(fixed);
                    if (!v.isMissingNode() && !v.asText().equals(fixed.equals("site") ? r.siteId() : r.id())) {
                        throw StaException.badRequest("properties/" + fixed, -1, "a room keeps its site and id; "
                            + "create a new Thing instead (its readings stay with this one)");
                    }
                }
                if (body.has("Locations")) {
                    throw StaException.badRequest("Locations", -1, "a room keeps its site (Location)");
                }
                String name = text("name", body.has("name") ? required(body, "name") : r.name(), TextLimits.NAME);
                String kind = text("properties/kind", body.path("properties").path("kind").asText(r.kind()),
                    TextLimits.KIND);
                backend.upsertRoom(r.siteId(), r.id(), name, kind);
            }
            case LOCATION -> {
                StaBackend.Site s = backend.view().sites().get(g.siteOf(t.entity()));
                if (body.has("@iot.id") && !t.entity().id().equals(g.key(Model.Type.LOCATION,
                    body.get("@iot.id").asText(), body.get("@iot.id").isTextual()))) {
                    throw StaException.badRequest("@iot.id", -1, "a Location keeps its id");
                }
                JsonNode site = body.path("properties").path("site");
                if (!site.isMissingNode() && !site.asText().equals(s.id())) {
                    throw StaException.badRequest("properties/site", -1, "a Location keeps its site id");
                }
                backend.upsertSite(site(s.id(), body, s));
            }
            case OBSERVATION -> throw new StaException(405, "path", -1, "an Observation cannot be changed: readings "
                + "are kept as measured, and the 20-minute averages, daily statistics and alerts already include "
                + "it; POST a corrected reading with its own time instead");
            default -> throw derived(t.type());
        }
        g = service.graph();
        return new StaService.Answer(200, entityJson(g, g.get(t.type(), t.entity().id()), base), null);
    }

    /** DELETE of one entity. */
    @Override
    public StaService.Answer delete(Caller caller, StaService.Target t) {
        if (t.collection() || t.property() != null || t.ref()) {
            throw new StaException(405, "path", -1, "DELETE removes one entity, such as /Things(12)");
        }
        String refused = switch (t.type()) {
            case THING -> backend.deleteRoom(((Long) t.entity().id()).intValue());
            case LOCATION -> backend.deleteSite(service.graph().siteOf(t.entity()));
            case OBSERVATION -> throw new StaException(405, "path", -1, "an Observation cannot be deleted one by "
                + "one: the 20-minute averages, daily statistics and alerts already include it (raw readings are "
                + "dropped by age, see raw-retention)");
            default -> throw derived(t.type());
        };
        if (refused != null) {
            throw new StaException(409, "path", -1, refused);
        }
        return new StaService.Answer(200, null, null);
    }

    private com.fasterxml.jackson.databind.node.ObjectNode entityJson(Model.Graph g, Model.Entity e, String base) {
        try {
            return service.entity(g, e, base);
        } catch (java.sql.SQLException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static StaBackend.Site site(String id, JsonNode body, StaBackend.Site old) {
        String name = text("name", body.has("name") ? required(body, "name") : old == null ? required(body, "name")
            : old.name(), TextLimits.NAME);
        String address = text(body.path("properties").has("address") ? "properties/address" : "description",
            body.path("properties").path("address").asText(body.has("description")
                ? body.get("description").asText() : old == null ? null : old.address()), TextLimits.ADDRESS);
        Double lat = old == null ? null : old.latitude();
        Double lon = old == null ? null : old.longitude();
        if (body.has("location")) {
            JsonNode c = body.get("location").path("coordinates");
            if (!"Point".equals(body.get("location").path("type").asText()) || !c.path(0).isNumber()
                || !c.path(1).isNumber() || Math.abs(c.get(0).asDouble()) > 180 || Math.abs(c.get(1).asDouble()) > 90) {
                throw StaException.badRequest("location", -1, "location must be a GeoJSON Point "
                    + "{\"type\": \"Point\", \"coordinates\": [longitude, latitude]}");
            }
            lon = c.get(0).asDouble();
            lat = c.get(1).asDouble();
        }
        String encoding = body.path("encodingType").asText("application/geo+json");
        if (!encoding.equals("application/geo+json") && !encoding.equals("application/vnd.geo+json")) {
            throw StaException.badRequest("encodingType", -1, "only application/geo+json locations are kept");
        }
        return new StaBackend.Site(old == null ? 0 : old.number(), id, name, address, lat, lon);
    }

    private static String required(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw StaException.badRequest(field, -1, field + " is required (text)");
        }
        return v.asText();
    }

    private static String id(String field, String v) {
        if (!TextLimits.isId(v)) {
            throw StaException.badRequest(field, -1, field + " must be " + TextLimits.ID_RULE
                + (v == null ? "" : ", not '" + TextLimits.shown(v) + "'"));
        }
        return v;
    }

    /** Checked before the database, whose error would carry the statement. */
    private static String text(String field, String v, int max) {
        return TextLimits.check(field, v, max, (f, m) -> StaException.badRequest(f, -1, f + " " + m));
    }

    private static Instant time(JsonNode body, String field, Instant otherwise) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        String s = v.asText();
        if (s.contains("/")) {
            throw StaException.badRequest(field, -1, "time intervals are not kept: send one instant");
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeException e) {
            throw StaException.badRequest(field, -1, "'" + TextLimits.shown(s) + "' is not an ISO-8601 time with an "
                + "offset");
        }
    }

    private static StaException derived(Model.Type type) {
        return new StaException(405, "path", -1, type.set + " are derived from the registry (rooms, sites) and "
            + "the four quantities and cannot be written; create or change Things and Locations instead");
    }
}
