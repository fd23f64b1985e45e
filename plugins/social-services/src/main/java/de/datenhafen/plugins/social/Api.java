package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.api.Caller;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.api.QueryString;
import de.datenhafen.api.RetryableException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory's HTTP API, apart from Camel so it can be tested as plain Java: one {@link #handle} that maps a
 * request to a handler method, and the one place that maps errors to statuses and JSON bodies.
 */
final class Api {

    private static final Logger LOG = LoggerFactory.getLogger(Api.class);
    static final String HSDS_VERSION = "3.1";
    static final String PROFILE = "https://docs.openreferral.org/en/3.1/";

    /** The plugin's id: the directory's paths are below {@code /api/v1/plugins/<id>/}, as tokens are scoped. */
    static final String PLUGIN = "social-services";
    /** When to send an import again that came while another ran: a large one takes some seconds (README, Numbers). */
    static final java.time.Duration IMPORT_RETRY_AFTER = java.time.Duration.ofSeconds(10);

    private final Directory dir;
    private final Limits limits;
    private final TabularExport exports;

    Api(Directory dir, Limits limits, TabularExport exports) {
        this.dir = dir;
        this.limits = limits;
        this.exports = exports;
    }

    /**
     * One HTTP request: method, path below the directory's root (no leading slash), raw query, the caller as the hub
     * authenticated it (null: anonymous), body.
     */
    record Request(String method, String path, String query, Caller caller, String contentType, byte[] body) {
    }

    /**
     * An answer: JSON, or with {@code stream} set, what it reads as {@code contentType} (the exports, sent while they
     * are made or read; the caller closes it).
     */
    record Response(int status, JsonNode body, java.io.InputStream stream, String contentType) {
        Response(int status, JsonNode body) {
            this(status, body, null, "application/json");
        }
    }

    Response handle(Request r) {
        try {
            QueryString q = QueryString.parse(r.query());
            String[] p = r.path().isEmpty() ? new String[0] : r.path().split("/");
            String m = r.method();
            if (p.length == 0) {
                return ok(root());
            }
            switch (p[0]) {
                case "services":
                    if (p.length == 1 && m.equals("GET")) {
                        return ok(services(q));
                    }
                    if (p.length == 1 && m.equals("POST")) {
                        return editService(r, null);
                    }
                    if (p.length == 2 && m.equals("GET")) {
                        return ok(service(p[1]));
                    }
                    if (p.length == 2 && m.equals("PUT")) {
                        return editService(r, p[1]);
                    }
                    if (p.length == 2 && m.equals("DELETE")) {
                        return ok(dir.withdrawService(editor(r), p[1]).toJson());
                    }
                    break;
                case "organizations":
                    if (p.length == 1 && m.equals("GET")) {
                        return ok(page(sorted(dir.organizations()), q));
                    }
                    if (p.length == 2 && m.equals("GET")) {
                        return ok(organization(p[1]));
                    }
                    if (p.length == 3 && p[2].equals("member") && m.equals("PUT")) {
                        return ok(setMember(r, p[1]));
                    }
                    break;
                case "service_at_locations":
                    if (p.length == 1 && m.equals("GET")) {
                        return ok(serviceAtLocations(q));
                    }
                    if (p.length == 2 && m.equals("GET")) {
                        return ok(serviceAtLocation(p[1]));
                    }
                    break;
                case "taxonomies":
                    if (p.length == 1 && m.equals("GET")) {
                        return ok(page(sorted(dir.taxonomies()), q));
                    }
                    break;
                case "taxonomy_terms":
                    if (p.length == 1 && m.equals("GET")) {
                        String tax = q.get("taxonomy_id");
                        List<ObjectNode> terms = sorted(dir.terms());
                        terms.removeIf(t -> tax != null && !tax.equals(Json.str(t, "taxonomy_id")));
                        return ok(page(terms, q));
                    }
                    break;
                case "search":
                    if (p.length == 1 && m.equals("GET")) {
                        return ok(search(q));
                    }
                    break;
                case "export":
                    if (p.length == 1 && m.equals("GET")) {
                        return export(q);
                    }
                    break;
                case "export.zip":
                    if (p.length == 1 && m.equals("GET")) {
                        return tabular();
                    }
                    break;
                case "import":
                    if (p.length == 1 && m.equals("POST")) {
                        return importData(r, q);
                    }
                    break;
                default:
                    break;
            }
            throw new NotFoundException("no such resource: " + m + " /" + r.path(), "path");
        } catch (InvalidDataException e) {
            Problem first = e.problems().get(0);
            ObjectNode body = Json.object().put("error", first.object() + " " + first.id() + ": " + first.field()
                + " " + first.message()).put("field", first.field());
            ArrayNode all = body.putArray("problems");
            e.problems().forEach(x -> all.add(x.toJson()));
            if (e.total() > e.problems().size() || !e.complete()) {
                body.put("problems_total", e.total());
                if (!e.complete()) {
                    body.put("problems_complete", false); // the check stopped after the first thousand
                }
            }
            return new Response(400, body);
        } catch (ImportRefused e) {
            return error(e.status, e.getMessage(), "body");
        }
    }

    private ObjectNode root() {
        return Json.object().put("version", HSDS_VERSION).put("profile", PROFILE)
            .put("openapi_url", "https://raw.githubusercontent.com/openreferral/specification/3.1/schema/openapi.json")
            .put("services", dir.services().size()).put("organizations", dir.organizations().size());
    }

    /**
     * {@code POST /services}, {@code PUT /services/{id}}. Who may edit is asked before the body is parsed, and the body
     * is held to one service's bounds ({@link Limits#MAX_EDIT_BYTES}, {@link Limits#MAX_EDIT_VALUES},
     * {@link Limits#MAX_EDIT_DEPTH}), not an import's, and at most {@link Limits#EDITS_AT_ONCE} are parsed and stored
     * at once: any known caller reaches this, and a tree of an import's 2 million values takes 150 to 250 MB.
     */
    private Response editService(Request r, String id) {
        Caller who = editor(r);
        dir.requireMayEditBeforeReading(who, id);
        byte[] bytes = body(r, "one HSDS service object with id, organization_id, name and status",
            Limits.MAX_EDIT_BYTES, "the most for one service; a larger change goes through POST /import");
        if (!dir.editing().tryAcquire()) {
            throw new RetryableException("the directory is taking " + Limits.EDITS_AT_ONCE + " edits of services at "
                + "once, its most; send this one again in a moment", java.time.Duration.ofSeconds(1));
        }
        try {
            int values = limits.maxEditValues();
            JsonNode body = Json.parse(bytes, values, Limits.MAX_EDIT_DEPTH, values < Limits.MAX_EDIT_VALUES
                ? "max-import-values" : "the most for one service; a larger change goes through POST /import");
            if (!(body instanceof ObjectNode o)) {
                throw new InvalidDataException(List.of(new Problem("service", id, "body",
                    "must be one HSDS service object")));
            }
            Directory.Report report = dir.putService(who, o, id);
            return new Response(report.created() == 1 ? 201 : 200,
                report.toJson().set("service", service(Json.str(o, "id"))));
        } finally {
            dir.editing().release();
        }
    }

    /**
     * The whole directory in HSDS form, for other directories: {@code GET /export} an HSDS JSON document set (arrays
     * named after the HSDS tables, as {@code POST /import} reads), {@code ?format=tabular} or {@code GET /export.zip}
     * a tabular data package. Public like the rest of the HSDS API: the directory is published data.
     */
    private Response export(QueryString q) {
        String format = q.get("format", "json");
        if (format.equals("tabular")) {
            return tabular();
        }
        if (!format.equals("json")) {
            throw badParameter("format", "must be json or tabular; was '" + shorten(format) + "'");
        }
        return new Response(200, null, new JsonExport(dir.snapshotForExport()), "application/json");
    }

    private Response tabular() {
        return new Response(200, null, exports.open(dir), "application/zip");
    }

    /**
     * One import at a time, reading included: within its limits an import may take some 550 MB of heap while it is
     * read and checked (README, Numbers), so a second one at the same time is answered 503 with Retry-After (as an
     * edit past its own limit is) rather than let run.
     */
    private Response importData(Request r, QueryString q) {
        Access.requireOwnerEditor(r.caller(), dir.owner());
        String member = member(q.get("member"), "member");
        byte[] body = body(r, "an HSDS JSON document set (application/json) or a tabular data package "
            + "(application/zip)");
        if (!dir.importing().tryAcquire()) {
            throw new RetryableException("another import is running; send this one again when it has finished",
                IMPORT_RETRY_AFTER);
        }
        try {
            String type = r.contentType() == null ? "" : r.contentType().toLowerCase(Locale.ROOT);
            DataSet set = type.contains("zip") || (body.length > 1 && body[0] == 'P' && body[1] == 'K')
                ? DataSets.fromZip(body, limits) : DataSets.fromJson(Json.parse(body, limits.maxImportValues()));
            Directory.Mode mode = mode(q.get("mode"));
            if ("true".equals(q.get("dry_run"))) {
                List<Problem> problems = dir.validate(set);
                if (!problems.isEmpty()) {
                    throw new InvalidDataException(problems);
                }
                Directory.Plan plan = dir.plan(set, mode);
                ObjectNode answer = Json.object().put("valid", true).put("services", set.services().size());
                answer.set("would", plan.report().toJson());
                List<String> deleted = plan.deletedIds();
                var ids = answer.putArray("would_delete");
                deleted.stream().limit(1000).forEach(ids::add);
                return ok(answer);
            }
            Directory.ImportReport report = dir.importSet(set, mode, member,
                line -> LOG.info("social-services import: {}", line));
            return ok(report.toJson());
        } finally {
            dir.importing().release();
        }
    }

    /**
     * {@code mode=merge} (the default: nothing the import does not mention is deleted) or {@code mode=replace} (the
     * import is the complete set for its organisations: their stored services missing from it are deleted).
     */
    private static Directory.Mode mode(String value) {
        if (value == null || value.equals("merge")) {
            return Directory.Mode.MERGE;
        }
        if (value.equals("replace")) {
            return Directory.Mode.REPLACE;
        }
        throw badParameter("mode", "must be merge (the default) or replace, was '" + value + "'");
    }

    /** The request's body, refused with 413 past max-import-mb, and with the hub's one answer when empty. */
    private byte[] body(Request r, String expected) {
        byte[] body = body(r, expected, Long.MAX_VALUE, null);
        if (body.length > limits.maxImportBytes()) {
            throw new ImportRefused(413, "the body is " + body.length + " bytes; at most " + limits.maxImportMb()
                + " MiB (max-import-mb)");
        }
        return body;
    }

    /** The request's body, refused with 413 past {@code max} bytes ({@code limit} names it). */
    private static byte[] body(Request r, String expected, long max, String limit) {
        byte[] body = r.body() == null ? new byte[0] : r.body();
        if (body.length == 0) {
            throw new ImportRefused(400, de.datenhafen.api.InvalidInputException.emptyBody(expected).getMessage());
        }
        if (body.length > max) {
            throw new ImportRefused(413, "the body is " + body.length + " bytes; at most " + max + " bytes (" + limit
                + ")");
        }
        return body;
    }

    /** The caller of a service edit: known, and with a token that may reach this path. */
    private static Caller editor(Request r) {
        return Access.requireCaller(r.caller(), "/api/v1/plugins/" + PLUGIN + "/" + r.path(), PLUGIN);
    }

    /**
     * {@code PUT /organizations/{id}/member} with {@code {"member": "<member id>"}}: the organisation's services are
     * then edited by that member's editors; {@code null} gives it back to the directory's owner.
     */
    private ObjectNode setMember(Request r, String id) {
        Access.requireOwnerEditor(r.caller(), dir.owner());
        JsonNode body = Json.parse(body(r, "{\"member\": \"<member id>\"} (null: the directory's owner)"), 100);
        if (!(body instanceof ObjectNode o) || !o.has("member") || !(o.get("member").isTextual()
            || o.get("member").isNull())) {
            throw badParameter("member", "must be a JSON object with member: a member's id, or null for the directory's "
                + "owner " + dir.owner());
        }
        String member = member(o.get("member").isNull() ? null : o.get("member").asText(), "member");
        dir.setMember(id, member);
        // the hub audits refusals but not yet a plugin's data writes: who gave whom editing rights is in the log
        LOG.info("social-services: organization {} now belongs to member {} (set by {} {})", escape(id),
            dir.memberOf(id), r.caller().kind(), r.caller().id());
        return Json.object().put("organization_id", id).put("member", dir.memberOf(id));
    }

    /**
     * A member's id as the hub spells them (null stays null). Whether such a member exists only the hub knows: an
     * unknown one makes the organisation editable by the owner's editors alone, until the member is created.
     */
    private static String member(String value, String field) {
        if (value == null) {
            return null;
        }
        if (!MEMBER_ID.matcher(value).matches()) {
            throw badParameter(field, "must be a member's id (lower case letters, digits and dashes, 2 to 64); was '"
                + shorten(value) + "'");
        }
        return value;
    }

    private static final java.util.regex.Pattern MEMBER_ID = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{1,63}");

    private ObjectNode services(QueryString q) {
        List<Predicate<IndexedService>> filters = new ArrayList<>();
        List<String> terms = values(q, "taxonomy_term_id");
        if (terms != null) {
            Set<String> ids = new LinkedHashSet<>(terms);
            filters.add(s -> s.termIds().containsAll(ids));
        }
        String org = q.get("organization_id");
        if (org != null) {
            filters.add(s -> s.organizationId().equals(org));
        }
        String after = q.get("modified_after");
        if (after != null) {
            Instant t = instant(after, "modified_after");
            filters.add(s -> s.modified().isAfter(t));
        }
        String text = searchText(q, "search");
        Set<String> matching = null;
        if (text != null && !text.isBlank()) {
            matching = new java.util.HashSet<>();
            for (SearchIndex.Hit h : dir.index().search(new SearchIndex.Query(text, null, null, false, null, null,
                null, null, null, 1, Integer.MAX_VALUE)).hits()) {
                matching.add(h.service().id());
            }
        }
        List<Directory.Stored> list = new ArrayList<>();
        for (Directory.Stored s : dir.services()) {
            IndexedService i = dir.index().get(s.id());
            if (i != null && (matching == null || matching.contains(s.id())) && filters.stream().allMatch(f -> f.test(i))) {
                list.add(s);
            }
        }
        list.sort(Comparator.comparing(Directory.Stored::id));
        Paging pg = paging(q);
        List<JsonNode> contents = new ArrayList<>();
        for (Directory.Stored s : pg.of(list)) {
            contents.add(withOrganization(s.json()));
        }
        return pageOf(contents, list.size(), pg);
    }

    private ObjectNode service(String id) {
        Directory.Stored s = dir.service(id);
        if (s == null) {
            throw new NotFoundException("service " + id + " is not in the directory");
        }
        return withOrganization(s.json());
    }

    private ObjectNode withOrganization(ObjectNode doc) {
        ObjectNode org = dir.organization(Json.str(doc, "organization_id"));
        if (org != null) {
            doc.set("organization", org);
        }
        return doc;
    }

    private ObjectNode organization(String id) {
        ObjectNode o = dir.organization(id);
        if (o == null) {
            throw new NotFoundException("organization " + id + " is not in the directory");
        }
        ObjectNode out = o.deepCopy();
        ArrayNode svc = out.putArray("services");
        // the names from the search index: an organisation may have thousands of services, and parsing each stored
        // document only for its name would make this answer cost as much as an export of them
        dir.services().stream().filter(s -> s.organizationId().equals(id)).sorted(Comparator.comparing(Directory.Stored::id))
            .forEach(s -> {
                IndexedService i = dir.index().get(s.id());
                svc.add(Json.object().put("id", s.id()).put("name", i == null ? null : i.name()));
            });
        return out;
    }

    /**
     * The page is chosen from ids before any answer object is made: each service_at_location is answered with a copy
     * of its whole service, so building them all first (as this did) cost some 30 KB per entry of the directory.
     */
    private ObjectNode serviceAtLocations(QueryString q) {
        List<String> terms = values(q, "taxonomy_term_id");
        String org = q.get("organization_id");
        Paging pg = paging(q);
        List<String[]> all = new ArrayList<>(); // {service_at_location id, service id}
        for (Directory.Stored s : dir.services()) {
            IndexedService i = dir.index().get(s.id());
            if (i == null || org != null && !org.equals(s.organizationId())
                || terms != null && !i.termIds().containsAll(terms)) {
                continue;
            }
            for (String salId : i.serviceAtLocationIds()) {
                all.add(new String[] {salId, s.id()});
            }
        }
        all.sort(Comparator.comparing((String[] a) -> a[0]));
        List<JsonNode> contents = new ArrayList<>();
        for (String[] e : pg.of(all)) {
            Directory.Stored s = dir.service(e[1]);
            ObjectNode doc = s == null ? null : s.json();
            for (ObjectNode sal : Json.objects(doc, "service_at_locations")) {
                if (e[0].equals(Json.str(sal, "id"))) {
                    contents.add(salWithService(sal, doc));
                }
            }
        }
        return pageOf(contents, all.size(), pg);
    }

    private ObjectNode serviceAtLocation(String id) {
        for (Directory.Stored s : dir.services()) {
            IndexedService i = dir.index().get(s.id());
            if (i == null || !i.serviceAtLocationIds().contains(id)) {
                continue;
            }
            ObjectNode doc = s.json();
            for (ObjectNode sal : Json.objects(doc, "service_at_locations")) {
                if (id.equals(Json.str(sal, "id"))) {
                    return salWithService(sal, doc);
                }
            }
        }
        throw new NotFoundException("service_at_location " + id + " is not in the directory");
    }

    private ObjectNode salWithService(ObjectNode sal, ObjectNode service) {
        ObjectNode out = sal.deepCopy();
        ObjectNode svc = service.deepCopy();
        svc.remove("service_at_locations");
        out.set("service", withOrganization(svc));
        return out;
    }

    private ObjectNode search(QueryString q) {
        Set<String> topics = null;
        List<String> topicValues = values(q, "topic");
        if (topicValues != null) {
            topics = new LinkedHashSet<>();
            for (String t : topicValues) {
                String id = dir.termIdOf(t.trim());
                if (id == null) {
                    throw badParameter("topic", "names no term '" + shorten(t.trim()) + "' (use a term code such as 'debt' "
                        + "or a term id)");
                }
                topics.add(id);
            }
        }
        List<String> accessValues = values(q, "accessibility");
        Set<String> access = accessValues == null ? null : new LinkedHashSet<>(accessValues);
        Double lat = number(q, "lat", -90, 90);
        Double lon = number(q, "lon", -180, 180);
        if (lat == null ^ lon == null) {
            throw badParameter(lat == null ? "lat" : "lon", "is required with " + (lat == null ? "lon" : "lat"));
        }
        Instant openAt = null;
        if ("true".equals(q.get("open_now"))) {
            // the current minute: opening hours are given in minutes, and all of a minute's "open now" queries then
            // ask the same instant, whose answers per service the index keeps (SearchIndex.openAt)
            openAt = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        } else if (q.get("open_at") != null) {
            openAt = instant(q.get("open_at"), "open_at");
        }
        Paging pg = paging(q);
        SearchIndex.Query query = new SearchIndex.Query(searchText(q, "q"), topics,
            q.get("language") == null ? null : q.get("language").toLowerCase(Locale.ROOT),
            "true".equals(q.get("free")), access, lat, lon, number(q, "radius_km", 0, 20_000), openAt, pg.number(),
            pg.size());
        SearchIndex.Result result = dir.index().search(query);
        List<JsonNode> contents = new ArrayList<>();
        Instant now = openAt != null ? openAt : Instant.now();
        for (SearchIndex.Hit h : result.hits()) {
            IndexedService s = h.service();
            ObjectNode hit = Json.object().put("id", s.id()).put("name", s.name())
                .put("organization_id", s.organizationId());
            ObjectNode org = dir.organization(s.organizationId());
            if (org != null) {
                hit.put("organization_name", Json.str(org, "name"));
            }
            hit.put("score", Math.round(h.score() * 1000) / 1000.0);
            if (!Double.isNaN(h.distanceKm())) {
                hit.put("distance_km", Math.round(h.distanceKm() * 100) / 100.0);
            }
            s.hours().nextOpening(now, 60).ifPresent(t -> hit.put("next_opening", t.toOffsetDateTime().toString()));
            hit.put("reason", h.reason());
            contents.add(hit);
        }
        return pageOf(contents, result.total(), pg);
    }

    private Instant instant(String v, String field) {
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(v).atZone(dir.zone()).toInstant();
            } catch (DateTimeParseException e2) {
                try {
                    return LocalDate.parse(v).atStartOfDay(dir.zone()).toInstant();
                } catch (DateTimeParseException e3) {
                    throw badParameter(field, "must be a date-time such as 2026-11-26T10:00 (Europe/Berlin) or "
                        + "2026-11-26T09:00:00Z; was '" + shorten(v) + "'");
                }
            }
        }
    }

    private static Double number(QueryString q, String field, double min, double max) {
        String v = q.get(field);
        if (v == null) {
            return null;
        }
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw badParameter(field, "must be a number; was '" + shorten(v) + "'");
        }
        if (!(d >= min && d <= max)) {
            throw badParameter(field, "must be between " + fmt(min) + " and " + fmt(max) + "; was " + shorten(v));
        }
        return d;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** A page of a list: which one (from 1) and how long; where it starts is counted in longs, so no page overflows. */
    record Paging(int number, int size) {
        <T> List<T> of(List<T> all) {
            long from = Math.min(all.size(), (number - 1L) * size);
            long to = Math.min(all.size(), from + size);
            return all.subList((int) from, (int) to);
        }
    }

    private Paging paging(QueryString q) {
        int page = integer(q, "page", 1);
        int per = integer(q, "per_page", Math.min(50, limits.maxPageSize()));
        if (page < 1) {
            throw badParameter("page", "must be 1 or more");
        }
        if (per < 1 || per > limits.maxPageSize()) {
            throw badParameter("per_page", "must be between 1 and " + limits.maxPageSize() + " (max-page-size)");
        }
        return new Paging(page, per);
    }

    /** A search text, refused past max-search-length characters or max-search-words words. */
    private String searchText(QueryString q, String field) {
        String v = q.get(field);
        if (v == null) {
            return null;
        }
        if (v.length() > limits.maxSearchLength()) {
            throw badParameter(field, "is longer than " + limits.maxSearchLength() + " characters (max-search-length)");
        }
        // every query word is matched against the index's whole vocabulary, so the words are what a query costs
        int words = GermanText.words(v).size();
        if (words > limits.maxSearchWords()) {
            throw badParameter(field, "has " + words + " words; at most " + limits.maxSearchWords()
                + " (max-search-words)");
        }
        return v;
    }

    /** A comma-separated filter's values (null when absent), refused past max-filter-values of them. */
    private List<String> values(QueryString q, String field) {
        if (!q.has(field)) {
            return null;
        }
        List<String> out = q.all(field);
        if (out.size() > limits.maxFilterValues()) {
            throw badParameter(field, "has more than " + limits.maxFilterValues() + " values (max-filter-values)");
        }
        return out;
    }

    /** Text from outside as a log line shows it: a JSON string literal, so no control character forges a line. */
    static String escape(String s) {
        return Json.MAPPER.getNodeFactory().textNode(s.length() > 300 ? s.substring(0, 300) + "..." : s).toString();
    }

    /** A value from outside, cut for an error message. */
    private static String shorten(String v) {
        return v.length() <= 40 ? v : v.substring(0, 40) + "...";
    }

    private static int integer(QueryString q, String field, int dflt) {
        String v = q.get(field);
        try {
            return v == null ? dflt : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw badParameter(field, "must be a whole number; was '" + shorten(v) + "'");
        }
    }

    private static List<ObjectNode> sorted(java.util.Collection<ObjectNode> c) {
        List<ObjectNode> l = new ArrayList<>(c);
        l.sort(Comparator.comparing(n -> String.valueOf(Json.str(n, "id"))));
        return l;
    }

    private ObjectNode page(List<? extends JsonNode> all, QueryString q) {
        Paging pg = paging(q);
        return pageOf(new ArrayList<>(pg.of(all)), all.size(), pg);
    }

    /** The HSDS paging envelope. */
    private static ObjectNode pageOf(List<? extends JsonNode> contents, int total, Paging pg) {
        int pages = Math.max(1, (total + pg.size() - 1) / pg.size());
        ObjectNode out = Json.object().put("total_items", total).put("total_pages", pages)
            .put("page_number", pg.number()).put("size", contents.size()).put("first_page", pg.number() == 1)
            .put("last_page", pg.number() >= pages)
            .put("empty", contents.isEmpty());
        ArrayNode arr = out.putArray("contents");
        contents.forEach(arr::add);
        return out;
    }

    private static Response ok(JsonNode body) {
        return new Response(200, body);
    }

    private static Response error(int status, String message, String field) {
        ObjectNode b = Json.object().put("error", message);
        if (field != null) {
            b.put("field", field);
        }
        return new Response(status, b);
    }

    /** A query parameter the API cannot take: the message names it first ({@code per_page must be 1 or more}). */
    static InvalidInputException badParameter(String field, String message) {
        return new InvalidInputException(field + " " + message, field);
    }
}
