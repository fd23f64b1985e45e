package de.datenhafen.plugins.airquality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.api.BusHeaders;
import de.datenhafen.api.Caller;
import de.datenhafen.api.ConfigCheck;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.ConflictException;
import de.datenhafen.api.Connector;
import de.datenhafen.api.HttpRequests;
import de.datenhafen.api.IntegrationContext;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.api.QueryString;
import de.datenhafen.api.UnsupportedMediaTypeException;
import de.datenhafen.api.Utf8;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code airquality-registry}: the admin API of the registry below {@code /api/v1/plugins/air-quality/registry}.
 * Reading it needs the role {@code viewer} of the plugin's owning member, changing it {@code member-editor} (a
 * hub-admin may both); the hub checks the caller and answers 401/403 before this code runs. The registry is the owning
 * member's as a whole, so no finer check is made here.
 * <ul>
 *   <li>{@code GET registry}: sites, rooms and devices with their installation history;</li>
 *   <li>{@code POST registry/import} ({@code text/csv}, see {@link RegistryCsv});</li>
 *   <li>{@code PUT registry/sites/<site>} {@code {"name","address","latitude","longitude"}}: creates or replaces
 *       the site whole (a field left out is empty afterwards);</li>
 *   <li>{@code PATCH registry/sites/<site>}: a JSON merge patch (RFC 7396) of an existing site, which keeps what
 *       the patch does not name;</li>
 *   <li>{@code PUT registry/sites/<site>/rooms/<room>} {@code {"name","kind"}}, and {@code PATCH} of it;</li>
 *   <li>{@code POST registry/devices/<eui>/move} {@code {"site","room","since"}}: install or move a device;</li>
 *   <li>{@code DELETE registry/devices/<eui>?at=}: take a device out of service.</li>
 * </ul>
 */
final class RegistryConnector implements Connector {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryConnector.class);

    private final AirQuality air;

    RegistryConnector(AirQuality air) {
        this.air = air;
    }

    @Override
    public String name() {
        return "airquality-registry";
    }

    @Override
    public String description() {
        return "Admin API of the air-quality registry (sites, rooms, devices; CSV import; moves keep history) "
            + "under /api/v1/plugins/air-quality/registry: reads need the role viewer, changes member-editor of the "
            + "plugin's member.";
    }

    @Override
    public ConfigDef config() {
        return RetiredKey.declare(ConfigDef.builder()
            .define("max-body", ConfigType.INT, 8 * 1024 * 1024, false, "Largest accepted CSV, in bytes")
            .define("max-rows", ConfigType.INT, RegistryCsv.MAX_ROWS, false, "Most lines after the header one CSV "
                + "import takes; a longer file is refused whole (split it)")
            .check("max-rows", ConfigCheck.atLeast(1)),
            "admin-token").build();
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        int maxBody = ctx.config().getInt("max-body");
        int maxRows = ctx.config().getInt("max-rows");
        return new RouteBuilder() {
            @Override
            public void configure() {
                // the hub checks the role of each route (reading: viewer, changing: member-editor) before it runs
                route("GET", "registry", Caller.VIEWER, "registry", e -> Http.answer(e, 200, dump()));
                route("POST", "registry/import", Caller.MEMBER_EDITOR, "registry-import", e -> importCsv(e, maxRows));
                route("PUT", "registry/sites/{site}", Caller.MEMBER_EDITOR, "site-put", e -> putSite(e));
                route("PATCH", "registry/sites/{site}", Caller.MEMBER_EDITOR, "site-patch", e -> patchSite(e));
                route("PUT", "registry/sites/{site}/rooms/{room}", Caller.MEMBER_EDITOR, "room-put", e -> putRoom(e));
                route("PATCH", "registry/sites/{site}/rooms/{room}", Caller.MEMBER_EDITOR, "room-patch",
                    e -> patchRoom(e));
                route("POST", "registry/devices/{device}/move", Caller.MEMBER_EDITOR, "device-move",
                    e -> moveDevice(e));
                route("GET", "registry/devices/{device}", Caller.VIEWER, "device", e -> {
                    String eui = eui(HttpRequests.pathParam(e, "device"));
                    if (!air.registry.snapshot().installations().containsKey(eui)) {
                        throw new NotFoundException("no device " + eui, "device");
                    }
                    Http.answer(e, 200, device(eui));
                });
                route("DELETE", "registry/devices/{device}", Caller.MEMBER_EDITOR, "device-delete",
                    e -> uninstall(e));
            }

            private void route(String method, String path, String access, String id,
                               org.apache.camel.Processor processor) {
                from(ctx.httpEndpoint(path) + "?httpMethodRestrict=" + method + "&access=" + access
                    + "&maxBodySize=" + maxBody)
                    .routeId(ctx.routeId(id))
                    .process(processor);
            }
        };
    }

    private void importCsv(Exchange e, int maxRows) {
        String media = HttpRequests.contentType(e);
        if (media != null && !media.equals("text/csv") && !media.equals("text/plain")) {
            // JSON or a form was read as CSV before, and refused for its "columns"
            throw new UnsupportedMediaTypeException("the import takes CSV: send Content-Type: text/csv, not "
                + TextLimits.shown(media), "text/csv", "text/plain");
        }
        byte[] body = HttpRequests.body(e);
        if (body.length == 0) {
            throw InvalidInputException.emptyBody("the registry as CSV with its header line (site,site_name,address,"
                + "latitude,longitude,room,room_name,kind,device,since), e.g. curl -H 'Content-Type: text/csv' "
                + "--data-binary @rooms.csv");
        }
        // refused where it is no UTF-8 (a file saved as Latin-1): decoded as it came, each bad byte became a U+FFFD
        // kept in a name
        String csv = Utf8.decode(body, "the CSV", "body");
        RegistryCsv.Counts[] counts = new RegistryCsv.Counts[1];
        long t0 = System.nanoTime();
        try {
            air.registry.change(c -> counts[0] = RegistryCsv.importInto(c, csv, Instant.now(), maxRows));
        } catch (RegistryCsv.CsvException ex) {
            throw new InvalidInputException(ex.getMessage(), ex.field);
        }
        // a change to the whole registry at once: the admin's log says who made it and what it held (the caller's id
        // is the hub's own, escaped by the hub's log like every message)
        Caller caller = e.getIn().getHeader(BusHeaders.CALLER, Caller.class);
        LOG.info("Registry import by {}: sites {}, rooms {}, devices {} ({} KiB of CSV, {} ms)",
            caller == null ? "an unknown caller" : caller.kind() + " " + caller.id()
                + (caller.member() == null ? "" : " of member " + caller.member()), counts[0].sites(),
            counts[0].rooms(), counts[0].devices(), body.length >> 10, (System.nanoTime() - t0) / 1_000_000);
        Http.answer(e, 200, Http.JSON.createObjectNode().put("sites", counts[0].sites())
            .put("rooms", counts[0].rooms()).put("devices", counts[0].devices()));
    }

    private void putSite(Exchange e) {
        String site = id("site", HttpRequests.pathParam(e, "site"));
        JsonNode j = json(HttpRequests.body(e), "the site as {\"name\", \"address\", \"latitude\", \"longitude\"}");
        air.registry.change(c -> Registry.upsertSite(c, site(site, j)));
        Http.answer(e, 200, Http.JSON.createObjectNode().put("site", site));
    }

    private void patchSite(Exchange e) {
        String site = id("site", HttpRequests.pathParam(e, "site"));
        JsonNode patch = mergePatch(e, "the fields to change, e.g. {\"name\": \"Grundschule Nord\"}");
        // read, merge and write inside one change: changes are serialised, so no other change falls between
        air.registry.change(c -> {
            Registry.Site now = air.registry.snapshot().sites().get(site);
            if (now == null) {
                throw new NotFoundException("no site '" + site + "': create it with PUT", "site");
            }
            ObjectNode current = Http.JSON.createObjectNode().put("name", now.name())
                .put("address", now.address());
            if (now.latitude() != null) {
                current.put("latitude", now.latitude()).put("longitude", now.longitude());
            }
            Registry.upsertSite(c, site(site, merged(current, patch)));
        });
        Http.answer(e, 200, site(site));
    }

    private void putRoom(Exchange e) {
        String site = HttpRequests.pathParam(e, "site");
        String room = id("room", HttpRequests.pathParam(e, "room"));
        JsonNode j = json(HttpRequests.body(e), "the room as {\"name\", \"kind\"}");
        if (!air.registry.snapshot().sites().containsKey(site)) {
            throw new NotFoundException("no site '" + TextLimits.shown(site) + "': create it first", "site");
        }
        Room values = room(room, j);
        air.registry.change(c -> Registry.upsertRoom(c, site, room, values.name(), values.kind()));
        Http.answer(e, 200, Http.JSON.createObjectNode().put("site", site).put("room", room));
    }

    private void patchRoom(Exchange e) {
        String site = HttpRequests.pathParam(e, "site");
        String room = id("room", HttpRequests.pathParam(e, "room"));
        JsonNode patch = mergePatch(e, "the fields to change, e.g. {\"name\": \"Klasse 1b\"}");
        air.registry.change(c -> {
            Registry.Room now = air.registry.snapshot().room(site, room);
            if (now == null) {
                throw new NotFoundException("no room '" + room + "' at site '" + TextLimits.shown(site)
                    + "': create it with PUT", "room");
            }
            Room values = room(room, merged(Http.JSON.createObjectNode().put("name", now.name())
                .put("kind", now.kind()), patch));
            Registry.upsertRoom(c, site, room, values.name(), values.kind());
        });
        Http.answer(e, 200, room(site, room));
    }

    private void moveDevice(Exchange e) {
        String eui = eui(HttpRequests.pathParam(e, "device"));
        JsonNode j = json(HttpRequests.body(e), "{\"site\", \"room\", \"since\"}");
        known(j, MOVE_FIELDS, "a move");
        String site = required(j, "site");
        String room = required(j, "room");
        Registry.Room r = air.registry.snapshot().room(site, room);
        if (r == null) {
            throw new NotFoundException("no room '" + TextLimits.shown(room) + "' at site '" + TextLimits.shown(site)
                + "'", "room");
        }
        Instant since = j.hasNonNull("since") ? time("since", j.get("since").asText()) : null;
        try {
            // "now" is taken inside the change: taken before it, a request that waited for the registry's lock
            // behind another could move the device to a time before that other's, and was refused
            air.registry.change(c -> Registry.install(c, eui, r.key(), since == null ? Instant.now() : since));
        } catch (IllegalArgumentException ex) {
            throw new ConflictException(ex.getMessage(), "since");
        }
        Http.answer(e, 200, device(eui));
    }

    private void uninstall(Exchange e) {
        String eui = eui(HttpRequests.pathParam(e, "device"));
        QueryString q = QueryString.of(e);
        Instant given = q.has("at") ? time("at", q.get("at")) : null;
        Instant[] at = new Instant[1];
        boolean[] done = new boolean[1];
        air.registry.change(c -> { // "now" inside the change, as for a move
            at[0] = given == null ? Instant.now() : given;
            done[0] = Registry.uninstall(c, eui, at[0]);
        });
        if (!done[0]) {
            throw new NotFoundException("device " + eui + " is not installed anywhere before " + at[0], "device");
        }
        Http.answer(e, 200, device(eui));
    }

    /** The fields a site has; a PUT or PATCH naming another is refused rather than silently ignored. */
    private static final List<String> SITE_FIELDS = List.of("name", "address", "latitude", "longitude");
    private static final List<String> ROOM_FIELDS = List.of("name", "kind");
    /** A move's fields: an unknown one ("time" for "since") was ignored, and the device moved now. */
    private static final List<String> MOVE_FIELDS = List.of("site", "room", "since");

    /** A site as a PUT gives it whole, or as a PATCH leaves it: what is not there is empty afterwards. */
    private static Registry.Site site(String id, JsonNode j) {
        known(j, SITE_FIELDS, "a site");
        String name = text("name", required(j, "name"), TextLimits.NAME);
        String address = text("address", j.hasNonNull("address") ? j.get("address").asText() : null,
            TextLimits.ADDRESS);
        Double lat = number(j, "latitude", -90, 90);
        Double lon = number(j, "longitude", -180, 180);
        String unpaired = Registry.Site.unpaired(lat, lon);
        if (unpaired != null) {
            throw new InvalidInputException(Registry.Site.COORDINATES, unpaired);
        }
        return new Registry.Site(id, name, address, lat, lon);
    }

    private record Room(String name, String kind) {
    }

    /** A room's values as a PUT gives them, or as a PATCH leaves them; a missing name is the room's id. */
    private static Room room(String id, JsonNode j) {
        known(j, ROOM_FIELDS, "a room");
        return new Room(text("name", j.hasNonNull("name") ? j.get("name").asText() : id, TextLimits.NAME),
            text("kind", j.hasNonNull("kind") ? j.get("kind").asText().toLowerCase(Locale.ROOT) : "classroom",
                TextLimits.KIND));
    }

    private static void known(JsonNode j, List<String> fields, String what) {
        j.fieldNames().forEachRemaining(f -> {
            if (!fields.contains(f)) {
                throw new InvalidInputException("is not a field of " + what + "; its fields: "
                    + String.join(", ", fields), TextLimits.shown(f));
            }
        });
    }

    /**
     * A JSON merge patch (RFC 7396) from the body: {@code application/merge-patch+json}, plain JSON, or no content
     * type. A member set to {@code null} removes it (address, or latitude with longitude); others replace.
     */
    private static JsonNode mergePatch(Exchange e, String expected) {
        String media = HttpRequests.contentType(e);
        if (media != null && !media.equals("application/merge-patch+json") && !media.equals("application/json")) {
            throw new UnsupportedMediaTypeException("a PATCH takes a JSON merge patch: send Content-Type: "
                + "application/merge-patch+json (or application/json), not " + TextLimits.shown(media),
                "application/merge-patch+json", "application/json");
        }
        return json(HttpRequests.body(e), expected);
    }

    /** RFC 7396 applied to {@code target}: null members remove, objects merge, anything else replaces. */
    static JsonNode merged(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode out = target != null && target.isObject() ? ((ObjectNode) target).deepCopy()
            : Http.JSON.createObjectNode();
        patch.fields().forEachRemaining(f -> {
            if (f.getValue().isNull()) {
                out.remove(f.getKey());
            } else {
                out.set(f.getKey(), merged(out.get(f.getKey()), f.getValue()));
            }
        });
        return out;
    }

    /** A site as a PATCH answers it: the whole site after the change. */
    private ObjectNode site(String id) {
        Registry.Site s = air.registry.snapshot().sites().get(id);
        ObjectNode out = Http.JSON.createObjectNode().put("site", s.id()).put("name", s.name())
            .put("address", s.address());
        if (s.latitude() != null) {
            out.put("latitude", s.latitude()).put("longitude", s.longitude());
        }
        return out;
    }

    private ObjectNode room(String site, String id) {
        Registry.Room r = air.registry.snapshot().room(site, id);
        return Http.JSON.createObjectNode().put("site", site).put("room", r.id()).put("name", r.name())
            .put("kind", r.kind());
    }

    private ObjectNode dump() {
        Registry.Snapshot reg = air.registry.snapshot();
        ObjectNode out = Http.JSON.createObjectNode();
        ArrayNode sites = out.putArray("sites");
        for (Registry.Site s : Registry.sorted(reg.sites().values())) {
            ObjectNode site = sites.addObject().put("id", s.id()).put("name", s.name()).put("address", s.address());
            if (s.latitude() != null) {
                site.put("latitude", s.latitude()).put("longitude", s.longitude());
            }
            ArrayNode rooms = site.putArray("rooms");
            for (Registry.Room r : reg.roomsOf(s.id())) {
                rooms.addObject().put("id", r.id()).put("name", r.name()).put("kind", r.kind());
            }
        }
        ArrayNode devices = out.putArray("devices");
        reg.installations().keySet().stream().sorted().forEach(eui -> devices.add(device(eui)));
        return out;
    }

    private ObjectNode device(String eui) {
        Registry.Snapshot reg = air.registry.snapshot();
        ObjectNode d = Http.JSON.createObjectNode().put("device", eui);
        ArrayNode history = d.putArray("installations");
        for (Registry.Installation i : reg.installations().getOrDefault(eui, List.of())) {
            Registry.Room r = reg.rooms().get(i.roomKey());
            ObjectNode n = history.addObject().put("site", r.siteId()).put("room", r.id())
                .put("since", i.since().toString());
            if (i.until() != null) {
                n.put("until", i.until().toString());
            }
        }
        return d;
    }

    /** The body as one JSON object; {@code expected} says what to send when it is empty. */
    private static JsonNode json(byte[] body, String expected) {
        if (body == null || body.length == 0) {
            throw InvalidInputException.emptyBody(expected);
        }
        try {
            JsonNode j = Http.JSON.readTree(body);
            if (j == null || !j.isObject()) {
                throw new InvalidInputException("send one JSON object: " + expected, "body");
            }
            return j;
        } catch (IOException ex) {
            throw new InvalidInputException("the body is not JSON: " + ex.getMessage(), "body");
        }
    }

    private static String required(JsonNode j, String field) {
        if (!j.hasNonNull(field) || j.get(field).asText().isBlank()) {
            throw new InvalidInputException("is required", field);
        }
        return j.get(field).asText();
    }

    private static Double number(JsonNode j, String field, double min, double max) {
        if (!j.hasNonNull(field)) {
            return null;
        }
        if (!j.get(field).isNumber() || j.get(field).asDouble() < min || j.get(field).asDouble() > max) {
            throw new InvalidInputException("must be a number from " + min + " to " + max, field);
        }
        return j.get(field).asDouble();
    }

    private static String id(String field, String v) {
        if (!TextLimits.isId(v)) {
            throw new InvalidInputException("'" + TextLimits.shown(v) + "' must be " + TextLimits.ID_RULE, field);
        }
        return v;
    }

    private static String text(String field, String v, int max) {
        return TextLimits.check(field, v, max, (f, m) -> new InvalidInputException(f + " " + m, f));
    }

    private static String eui(String v) {
        String eui = Eui.normalize(v);
        if (eui == null) {
            throw new InvalidInputException("'" + TextLimits.shown(v) + "' is not a 16-digit hex EUI", "device");
        }
        return eui;
    }

    private static Instant time(String field, String v) {
        Instant t;
        try {
            t = OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeException ex) {
            throw new InvalidInputException("'" + TextLimits.shown(v) + "' is not an ISO-8601 time with an "
                + "offset", field);
        }
        String wrong = Registry.outOfRange(t, Instant.now());
        if (wrong != null) {
            throw new InvalidInputException(field + " " + TextLimits.shown(v) + " " + wrong, field);
        }
        return t;
    }
}
