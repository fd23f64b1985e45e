package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.api.Caller;
import de.datenhafen.api.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The stored directory: organisations, services (whole HSDS documents), taxonomies and terms, in the plugin's own
 * schema, mirrored in memory for the API and the {@link SearchIndex}. Every change (import, edit, withdrawal) is
 * validated first, compared with what is stored, and written in one transaction together with its events in the
 * outbox; only what really changed makes an event.
 *
 * <p>An import merges by default: what it brings is created or updated, nothing it does not mention is touched. Only an
 * import that says it is the complete set ({@link Mode#REPLACE}, {@code mode=replace} over HTTP) is authoritative for
 * the organisations it contains: their stored services missing from it are deleted; services of other organisations
 * stay as they are. Changes are serialised (one writer).
 */
final class Directory {

    static final String CREATED = "social.service.created";
    static final String UPDATED = "social.service.updated";
    static final String DELETED = "social.service.deleted";

    private final DataSource db;
    private final ZoneId zone;
    private final java.util.function.Supplier<String> owner;
    private final Map<String, ObjectNode> organizations = new ConcurrentHashMap<>();
    /** The member each organisation belongs to, where one was set; the others belong to the plugin's owner. */
    private final Map<String, String> members = new ConcurrentHashMap<>();
    private final Map<String, Stored> services = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> taxonomies = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> terms = new ConcurrentHashMap<>();
    private final Map<String, IndexedService.Term> indexTerms = new ConcurrentHashMap<>();
    private final SearchIndex index = new SearchIndex(indexTerms);
    private final NestedOwners owners = new NestedOwners();
    private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.Semaphore importing = new java.util.concurrent.Semaphore(1);
    private final java.util.concurrent.Semaphore editing = new java.util.concurrent.Semaphore(Limits.EDITS_AT_ONCE);

    /** A stored service: its document as bytes (compact), its organisation and when it last changed. */
    record Stored(String id, String organizationId, Instant modified, byte[] doc) {
        ObjectNode json() {
            return (ObjectNode) Json.parse(doc);
        }
    }

    /** What a change did to the objects of one kind (an edit's or a withdrawal's answer: to services). */
    record Report(int created, int updated, int deleted, int unchanged) {
        ObjectNode toJson() {
            return Json.object().put("created", created).put("updated", updated).put("deleted", deleted)
                .put("unchanged", unchanged);
        }

        Report plus(Report o) {
            return new Report(created + o.created, updated + o.updated, deleted + o.deleted, unchanged + o.unchanged);
        }
    }

    /**
     * What an import did, by kind, each object counted once by its id. Its answer's {@code created}, {@code updated},
     * {@code deleted} and {@code unchanged} are the sums over all kinds: an import that brings only an organisation has
     * created one object, not none (they counted services alone, and answered {@code "created":0} for it). Imports
     * delete services only ({@code mode=replace}); organisations, taxonomies and terms are created, updated or left.
     */
    record ImportReport(Report services, Report organizations, Report taxonomies, Report terms) {
        Report total() {
            return services.plus(organizations).plus(taxonomies).plus(terms);
        }

        ObjectNode toJson() {
            ObjectNode out = total().toJson();
            out.set("services", services.toJson());
            out.set("organizations", organizations.toJson());
            out.set("taxonomies", taxonomies.toJson());
            out.set("taxonomy_terms", terms.toJson());
            return out;
        }
    }

    /** An event waiting in the outbox. */
    record OutboxEvent(long seq, String eventId, String type, String subject, String data) {
    }

    /**
     * @param owner the id of the member that owns the plugin, asked on each check (a hub admin may reassign it), or
     *              null while it has none
     */
    Directory(DataSource db, ZoneId zone, java.util.function.Supplier<String> owner) {
        this.db = db;
        this.zone = zone;
        this.owner = owner;
    }

    /** The id of the member that owns the directory (the plugin's owner), or null while there is none. */
    String owner() {
        return owner.get();
    }

    /** Reads the stored directory into memory and makes sure the city taxonomy is there. */
    synchronized Directory load() {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT doc FROM taxonomy")) {
                while (rs.next()) {
                    ObjectNode t = (ObjectNode) Json.parse(rs.getString(1).getBytes(StandardCharsets.UTF_8));
                    taxonomies.put(Json.str(t, "id"), t);
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT doc FROM taxonomy_term")) {
                while (rs.next()) {
                    putTermInMemory((ObjectNode) Json.parse(rs.getString(1).getBytes(StandardCharsets.UTF_8)));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT doc, member_id FROM organization")) {
                while (rs.next()) {
                    ObjectNode o = (ObjectNode) Json.parse(rs.getString(1).getBytes(StandardCharsets.UTF_8));
                    organizations.put(Json.str(o, "id"), o);
                    if (rs.getString(2) != null) {
                        members.put(Json.str(o, "id"), rs.getString(2));
                    }
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT id, organization_id, modified, doc FROM service")) {
                while (rs.next()) {
                    Stored s = new Stored(rs.getString(1), rs.getString(2),
                        rs.getObject(3, java.time.OffsetDateTime.class).toInstant(),
                        rs.getString(4).getBytes(StandardCharsets.UTF_8));
                    services.put(s.id(), s);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the directory: " + e.getMessage(), e);
        }
        services.values().forEach(s -> {
            ObjectNode doc = s.json();
            index.put(indexed(s, doc));
            owners.add(doc, s.organizationId());
        });
        if (!taxonomies.containsKey(CityTaxonomy.TAXONOMY_ID)) {
            importSet(new DataSet(List.of(), List.of(), List.of(CityTaxonomy.taxonomy()), CityTaxonomy.terms()), null);
        }
        return this;
    }

    SearchIndex index() {
        return index;
    }

    ZoneId zone() {
        return zone;
    }

    Collection<ObjectNode> organizations() {
        return organizations.values();
    }

    ObjectNode organization(String id) {
        return organizations.get(id);
    }

    /** The member organisation {@code id} belongs to: the one the admin set, else the directory's owner. */
    String memberOf(String id) {
        String member = members.get(id);
        return member != null ? member : owner();
    }

    /**
     * Gives organisation {@code id} to {@code member} (null: back to the directory's owner). Its services change
     * nothing, so no event: who may edit them is the hub's business, not the directory's published data.
     */
    synchronized void setMember(String id, String member) {
        if (!organizations.containsKey(id)) {
            throw new NotFoundException("organization " + id + " is not in the directory");
        }
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE organization SET member_id = ? WHERE id = ?")) {
            ps.setString(1, member);
            ps.setString(2, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store the organisation's member: " + e.getMessage(), e);
        }
        if (member == null) {
            members.remove(id);
        } else {
            members.put(id, member);
        }
    }

    Collection<Stored> services() {
        return services.values();
    }

    Stored service(String id) {
        return services.get(id);
    }

    Collection<ObjectNode> taxonomies() {
        return taxonomies.values();
    }

    Collection<ObjectNode> terms() {
        return terms.values();
    }

    ObjectNode term(String id) {
        return terms.get(id);
    }

    /** The id of the term with this code or id, or null. */
    String termIdOf(String codeOrId) {
        if (terms.containsKey(codeOrId)) {
            return codeOrId;
        }
        for (ObjectNode t : terms.values()) {
            if (codeOrId.equals(Json.str(t, "code"))) {
                return Json.str(t, "id");
            }
        }
        return null;
    }

    /**
     * Validates, diffs and stores a data set. Throws {@link InvalidDataException} with every problem and changes
     * nothing when the set is not valid. {@code progress} (may be null) gets a line now and then.
     */
    synchronized ImportReport importSet(DataSet set, Consumer<String> progress) {
        return importSet(set, Mode.REPLACE, progress);
    }

    /** How an import treats stored services of its organisations that it does not mention. */
    enum Mode {
        /** Keep them: the import adds and updates only (the HTTP API's default). */
        MERGE,
        /** Delete them: the import is the complete set for its organisations. */
        REPLACE
    }

    /** What an import would do, without doing it: the counts, and the ids it would delete. */
    synchronized Plan plan(DataSet set, Mode mode) {
        return plan(set, mode, s -> { }, System.nanoTime());
    }

    /**
     * The changes an import makes to services, how many it leaves unchanged, and what it does to the organisations,
     * taxonomies and terms it brings.
     */
    record Plan(List<Change> changes, int unchanged, Report organizations, Report taxonomies, Report terms) {
        ImportReport report() {
            int created = (int) changes.stream().filter(c -> c.type.equals(CREATED)).count();
            int updated = (int) changes.stream().filter(c -> c.type.equals(UPDATED)).count();
            return new ImportReport(new Report(created, updated, changes.size() - created - updated, unchanged),
                organizations, taxonomies, terms);
        }

        List<String> deletedIds() {
            return changes.stream().filter(c -> c.type.equals(DELETED)).map(c -> c.old.id()).toList();
        }
    }

    synchronized ImportReport importSet(DataSet set, Mode mode, Consumer<String> progress) {
        return importSet(set, mode, null, progress);
    }

    /**
     * As {@link #importSet(DataSet, Mode, Consumer)}; with {@code member} not null, the organisations the set contains
     * (as objects, on their own or in a service) belong to that member afterwards, in the same transaction.
     */
    synchronized ImportReport importSet(DataSet set, Mode mode, String member, Consumer<String> progress) {
        Consumer<String> say = progress == null ? s -> { } : progress;
        long t0 = System.nanoTime();
        Plan plan = plan(set, mode, say, t0);
        List<Change> changes = plan.changes();
        say.accept(changes.size() + " changes");
        apply(set, changes, member, say);
        ImportReport report = plan.report();
        Report services = report.services();
        Report orgs = report.organizations();
        say.accept("stored in " + ms(t0) + " ms: services " + services.created() + " created, " + services.updated()
            + " updated, " + services.deleted() + " deleted, " + services.unchanged() + " unchanged; organizations "
            + orgs.created() + " created, " + orgs.updated() + " updated, " + orgs.unchanged() + " unchanged");
        return report;
    }

    private Plan plan(DataSet set, Mode mode, Consumer<String> say, long t0) {
        // compare first: a service stored exactly so was valid when it was stored, so only the rest is checked against
        // the schemas (the costly part); references and duplicate ids are checked for all
        Map<String, ObjectNode> incoming = new LinkedHashMap<>();
        Set<String> unchangedIds = new HashSet<>();
        for (ObjectNode s : set.services()) {
            String id = Json.str(s, "id");
            ObjectNode n = normalise(s);
            Stored old = id == null ? null : services.get(id);
            if (old != null && old.json().equals(n)) {
                unchangedIds.add(id);
            }
            if (id != null) {
                incoming.putIfAbsent(id, n);
            }
        }
        say.accept("compared with " + services.size() + " stored services in " + ms(t0) + " ms: "
            + unchangedIds.size() + " unchanged");
        List<Problem> problems = validate(set, unchangedIds);
        incoming.values().forEach(n -> tooLong("service", n, problems));
        set.organizations().forEach(o -> tooLong("organization", o, problems));
        for (ObjectNode sv : set.services()) {
            if (sv.get("organization") instanceof ObjectNode o) {
                tooLong("organization", o, problems); // stored on its own when it has a name (apply)
            }
        }
        set.taxonomies().forEach(t -> tooLong("taxonomy", t, problems));
        set.terms().forEach(t -> tooLong("taxonomy_term", t, problems));
        if (!problems.isEmpty()) {
            throw new InvalidDataException(problems);
        }
        say.accept("validated " + (set.services().size() - unchangedIds.size()) + " new or changed services in "
            + ms(t0) + " ms");
        Set<String> scope = new HashSet<>();
        set.organizations().forEach(o -> scope.add(Json.str(o, "id")));
        set.services().forEach(s -> scope.add(Json.str(s, "organization_id")));
        List<Change> changes = new ArrayList<>();
        for (ObjectNode s : incoming.values()) {
            String id = Json.str(s, "id");
            Stored old = services.get(id);
            if (old == null) {
                changes.add(new Change(CREATED, s, null));
            } else if (!unchangedIds.contains(id)) {
                changes.add(new Change(UPDATED, s, old));
            }
        }
        if (mode == Mode.REPLACE) {
            for (Stored old : services.values()) {
                if (scope.contains(old.organizationId()) && !incoming.containsKey(old.id())) {
                    changes.add(new Change(DELETED, null, old));
                }
            }
        }
        return new Plan(changes, unchangedIds.size(), counted(organizationsOf(set).values(), organizations),
            counted(lastById(set.taxonomies()).values(), taxonomies),
            counted(lastById(set.terms()).values(), terms));
    }

    /**
     * The organisations an import stores, by id: those on their own and those nested in a service with a name (one
     * without is a reference). An id that comes twice is stored as its last copy, in the database and in memory alike.
     */
    private static Map<String, ObjectNode> organizationsOf(DataSet set) {
        Map<String, ObjectNode> out = lastById(set.organizations());
        for (ObjectNode s : set.services()) {
            if (s.get("organization") instanceof ObjectNode o && Json.str(o, "name") != null) {
                out.put(Json.str(o, "id"), o);
            }
        }
        return out;
    }

    /** Objects by their id, the last copy of an id winning, in their order. */
    private static Map<String, ObjectNode> lastById(List<ObjectNode> objects) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        objects.forEach(o -> out.put(Json.str(o, "id"), o));
        return out;
    }

    /** How many of {@code incoming} are new, changed or the same as {@code stored} has them. */
    private static Report counted(Collection<ObjectNode> incoming, Map<String, ObjectNode> stored) {
        int created = 0;
        int updated = 0;
        int unchanged = 0;
        for (ObjectNode o : incoming) {
            String id = Json.str(o, "id");
            ObjectNode old = id == null ? null : stored.get(id);
            if (old == null) {
                created++;
            } else if (old.equals(o)) {
                unchanged++;
            } else {
                updated++;
            }
        }
        return new Report(created, updated, 0, unchanged);
    }

    /**
     * Refuses, before an edit's body is read, a caller who could not make it: for a stored service ({@code PUT} of its
     * id) one who may not change its organisation's services; else one who may change no organisation's services
     * ({@link Access#requireMayEditSomeServices}). {@link #putService} asks again about what the body names.
     */
    void requireMayEditBeforeReading(Caller who, String pathId) {
        Stored old = pathId == null ? null : services.get(pathId);
        if (old != null) {
            Access.requireMayEditServicesOf(who, old.organizationId(), memberOf(old.organizationId()), owner());
        } else {
            Access.requireMayEditSomeServices(who, owner(), members::containsValue);
        }
    }

    /** Creates or replaces one service on behalf of {@code who}; validated like an import. */
    synchronized Report putService(Caller who, ObjectNode service, String pathId) {
        String id = Json.str(service, "id");
        if (pathId != null) {
            if (id == null) {
                service.put("id", pathId);
                id = pathId;
            } else if (!id.equals(pathId)) {
                throw new InvalidDataException(List.of(new Problem("service", id, "id",
                    "differs from the id in the path " + pathId)));
            }
        }
        if (id == null) {
            // not made up here: HSDS ids are the publisher's (a UUID it keeps, as other directories link to it), and
            // with an id of its own a client that sends its POST again after a lost answer changes nothing, where a
            // generated one would make a second copy of the service
            throw new InvalidDataException(List.of(new Problem("service", null, "id", "is required: a UUID chosen "
                + "by the publisher, which identifies the service in every directory that copies it")));
        }
        String org = Json.str(service, "organization_id");
        if (org == null) {
            throw new InvalidDataException(List.of(new Problem("service", id, "organization_id", "is required")));
        }
        Access.requireMayEditServicesOf(who, org, memberOf(org), owner());
        Stored old = services.get(id);
        if (old != null) {
            Access.requireMayEditServicesOf(who, old.organizationId(), memberOf(old.organizationId()), owner());
        }
        requireOwnNestedObjects(who, org, service, old);
        List<Problem> problems = validate(new DataSet(List.of(), List.of(service), List.of(), List.of()));
        if (!problems.isEmpty()) {
            throw new InvalidDataException(problems);
        }
        ObjectNode s = normalise(service);
        tooLong("service", s, problems);
        if (!problems.isEmpty()) {
            throw new InvalidDataException(problems);
        }
        if (old != null && old.json().equals(s)) {
            return new Report(0, 0, 0, 1);
        }
        apply(null, List.of(new Change(old == null ? CREATED : UPDATED, s, old)), null, x -> { });
        return old == null ? new Report(1, 0, 0, 0) : new Report(0, 1, 0, 0);
    }

    /**
     * Asks {@link Access} about each nested object (a location, an address, a phone, a schedule, ...) of an edit whose
     * id another organisation's stored services carry, telling it whether the object comes exactly as the service had
     * it before.
     */
    private void requireOwnNestedObjects(Caller who, String org, ObjectNode service, Stored old) {
        Map<String, ObjectNode> now = byId(normalise(service));
        Map<String, ObjectNode> before = old == null ? Map.of() : byId(old.json());
        for (NestedOwners.Nested n : NestedOwners.nested(service)) {
            Set<String> others = new java.util.LinkedHashSet<>(owners.organizations(n.id()));
            others.remove(org);
            boolean unchanged = now.get(n.id()) != null && now.get(n.id()).equals(before.get(n.id()));
            Access.requireMayCarry(who, org, n, others, unchanged, this::memberOf, owner());
        }
    }

    /** The owned nested objects of a service by id; null for an id that appears with two different contents. */
    private static Map<String, ObjectNode> byId(ObjectNode service) {
        Map<String, ObjectNode> out = new HashMap<>();
        for (NestedOwners.Nested n : NestedOwners.nested(service)) {
            if (out.containsKey(n.id()) && !n.object().equals(out.get(n.id()))) {
                out.put(n.id(), null);
            } else if (!out.containsKey(n.id())) {
                out.put(n.id(), n.object());
            }
        }
        return out;
    }

    /** Withdraws (deletes) one service on behalf of {@code who}. */
    synchronized Report withdrawService(Caller who, String id) {
        Stored old = services.get(id);
        if (old == null) {
            throw new NotFoundException("service " + id + " is not in the directory");
        }
        Access.requireMayEditServicesOf(who, old.organizationId(), memberOf(old.organizationId()), owner());
        apply(null, List.of(new Change(DELETED, null, old)), null, x -> { });
        return new Report(0, 0, 1, 0);
    }

    /** Up to {@code limit} events from the outbox, oldest first. */
    List<OutboxEvent> outbox(int limit) {
        List<OutboxEvent> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
            "SELECT seq, event_id, type, subject, data FROM outbox ORDER BY seq LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new OutboxEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the outbox: " + e.getMessage(), e);
        }
        return out;
    }

    /** Removes events up to and including {@code seq} from the outbox: they are on the bus. */
    void sent(long seq) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
            "DELETE FROM outbox WHERE seq <= ?")) {
            ps.setLong(1, seq);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot clear the outbox: " + e.getMessage(), e);
        }
    }

    record Change(String type, ObjectNode doc, Stored old) {
    }

    /**
     * Problems of a data set: every object against the HSDS JSON Schemas and the rules they cannot express
     * ({@link HsdsSchemas}, {@link HsdsRules}); ids unique; references to organisations, terms and locations
     * resolvable within the import or the store. Services are checked in parallel: the schema validation is the
     * costly part of an import, and each service is checked on its own.
     */
    List<Problem> validate(DataSet set) {
        return validate(set, Set.of());
    }

    private static final int VALIDATION_CHUNK = 2048;

    /** As {@link #validate(DataSet)}, without the schema check of the services in {@code unchangedIds}. */
    List<Problem> validate(DataSet set, Set<String> unchangedIds) {
        HsdsSchemas schemas = HsdsSchemas.get();
        Map<JsonNode, List<com.networknt.schema.Error>> locations = new ConcurrentHashMap<>();
        Map<String, String> sources = set.sources();
        List<Problem> out = new ProblemList();
        set.taxonomies().forEach(t -> out.addAll(schemas.check("taxonomy", t, sources)));
        Set<String> termIds = new HashSet<>(terms.keySet());
        for (ObjectNode t : set.terms()) {
            out.addAll(schemas.check("taxonomy_term", t, sources));
            termIds.add(Json.str(t, "id"));
        }
        Set<String> orgIds = new HashSet<>(organizations.keySet());
        Set<String> seenOrgs = new HashSet<>();
        for (ObjectNode o : set.organizations()) {
            out.addAll(schemas.check("organization", o, sources));
            String id = Json.str(o, "id");
            orgIds.add(id);
            if (id != null && !seenOrgs.add(id)) {
                out.add(new Problem("organization", id, "id", "appears more than once", sources.get("organization/"
                    + id)));
            }
        }
        // in chunks, each in parallel, and no further once a thousand problems are kept: an import of a million empty
        // services would otherwise hold five million problems and validate for minutes to be refused all the same
        List<ObjectNode> all = set.services();
        for (int from = 0; from < all.size(); from += VALIDATION_CHUNK) {
            if (out.size() >= ProblemList.KEPT) {
                ((ProblemList) out).stoppedEarly();
                break;
            }
            all.subList(from, Math.min(all.size(), from + VALIDATION_CHUNK)).parallelStream()
                .map(s -> serviceProblems(schemas, s, !unchanged(s, unchangedIds), orgIds, termIds, sources, locations))
                .toList().forEach(out::addAll);
        }
        Set<String> seen = new HashSet<>();
        for (ObjectNode s : set.services()) {
            String id = Json.str(s, "id");
            if (id != null && !seen.add(id)) {
                out.add(new Problem("service", id, "id", "appears more than once", sources.get("service/" + id)));
            }
        }
        return out;
    }

    private static boolean unchanged(ObjectNode service, Set<String> unchangedIds) {
        String id = Json.str(service, "id");
        return id != null && unchangedIds.contains(id); // Set.of() refuses to look up null
    }

    /**
     * The problems of the organisation nested in a service that is not checked against the schemas (stored exactly
     * so): the comparison leaves the organisation out, and {@link #apply} stores it on its own, so an unchanged
     * service must not bring in an organisation no check has seen. Reported as the service's, as its check would.
     */
    private static List<Problem> nestedOrganizationProblems(HsdsSchemas schemas, ObjectNode s,
                                                            Map<String, String> sources) {
        if (!(s.get("organization") instanceof ObjectNode o)) {
            return List.of();
        }
        String id = Json.str(s, "id");
        return schemas.check("organization", o, sources).stream().map(p -> new Problem("service", id,
            HsdsSchemas.join("organization", p.field()), p.message(), p.source())).toList();
    }

    private static List<Problem> serviceProblems(HsdsSchemas schemas, ObjectNode s, boolean checkSchema,
                                                 Set<String> orgIds, Set<String> termIds, Map<String, String> sources,
                                                 Map<JsonNode, List<com.networknt.schema.Error>> locations) {
        List<Problem> out = new ArrayList<>(checkSchema ? schemas.check("service", s, sources, locations)
            : nestedOrganizationProblems(schemas, s, sources));
        String id = Json.str(s, "id");
        String source = sources.get("service/" + id);
        String org = Json.str(s, "organization_id");
        if (org == null && s.get("organization") != null) {
            org = Json.str(s.get("organization"), "id");
        }
        if (org == null) {
            out.add(new Problem("service", id, "organization_id", "is required: every service belongs to an "
                + "organisation", source));
        } else if (!orgIds.contains(org)) {
            out.add(new Problem("service", id, "organization_id", "names organization " + org
                + ", which is neither in this import nor stored", source));
        }
        schemas.walk("service", s, "", (kind, o, path) -> {
            if (kind.equals("attribute")) {
                String t = Json.str(o, "taxonomy_term_id");
                if (t != null && !termIds.contains(t) && !(o.get("taxonomy_term") instanceof ObjectNode)) {
                    out.add(new Problem("service", id, HsdsSchemas.join(path, "taxonomy_term_id"),
                        "names taxonomy term " + t + ", which is neither in this import nor stored",
                        sources.get("attribute/" + Json.str(o, "id"))));
                }
            } else if (kind.equals("service_at_location") && !(o.get("location") instanceof ObjectNode)) {
                out.add(new Problem("service", id, HsdsSchemas.join(path, "location_id"), "names location "
                    + Json.str(o, "location_id") + ", which is not in this import",
                    sources.get("service_at_location/" + Json.str(o, "id"))));
            }
        });
        return out;
    }

    /**
     * The stored form: organization_id set, the nested organisation left out (kept on its own), each nested object's
     * key to its parent filled in ({@link DataSets#fillKeys}), arrays sorted: the same data is stored the same way
     * whether it came as JSON or as CSV, and an export of it (either form) imports back unchanged.
     */
    private static ObjectNode normalise(ObjectNode s) {
        ObjectNode copy = s.deepCopy();
        if (copy.get("organization") instanceof ObjectNode o && Json.str(copy, "organization_id") == null) {
            copy.put("organization_id", Json.str(o, "id"));
        }
        copy.remove("organization");
        DataSets.fillKeys(copy);
        DataSets.sortNested(copy);
        return copy;
    }

    /**
     * The whole directory as one data set, as stored: organisations, services (each with its nested objects, without
     * the organisation), taxonomies and terms, each sorted by id. What {@code GET /export} serves, in HSDS JSON or as a
     * tabular data package; importing it elsewhere gives the same directory, and importing it here changes nothing.
     */
    DataSet export() {
        Snapshot snap = snapshotForExport();
        List<ObjectNode> docs = new ArrayList<>(snap.services().size());
        snap.services().forEach(x -> docs.add(x.json()));
        return new DataSet(snap.organizations(), docs, snap.taxonomies(), snap.terms());
    }

    /**
     * What an export reads, each sorted by id, without parsing a service: the stored documents are kept as bytes, so an
     * export streams them as they are and parses at most one at a time. {@code version} is the directory's version
     * before the snapshot was taken.
     */
    record Snapshot(long version, List<ObjectNode> organizations, List<Stored> services, List<ObjectNode> taxonomies,
                    List<ObjectNode> terms) {
    }

    Snapshot snapshotForExport() {
        long v = version.get();
        Comparator<ObjectNode> byId = Comparator.comparing(o -> String.valueOf(Json.str(o, "id")));
        List<ObjectNode> orgs = new ArrayList<>(organizations.values());
        orgs.sort(byId);
        List<Stored> stored = new ArrayList<>(services.values());
        stored.sort(Comparator.comparing(Stored::id));
        List<ObjectNode> tax = new ArrayList<>(taxonomies.values());
        tax.sort(byId);
        List<ObjectNode> ts = new ArrayList<>(terms.values());
        ts.sort(byId);
        return new Snapshot(v, orgs, stored, tax, ts);
    }

    /** Held while an import of the API is read, checked and stored: one at a time. */
    java.util.concurrent.Semaphore importing() {
        return importing;
    }

    /** Held while a service's edit is read, checked and stored: {@link Limits#EDITS_AT_ONCE} at a time. */
    java.util.concurrent.Semaphore editing() {
        return editing;
    }

    /** Counts the changes applied since the directory was loaded; an export made at one version serves it again. */
    long version() {
        return version.get();
    }

    private void apply(DataSet set, List<Change> changes, String member, Consumer<String> say) {
        Instant now = Instant.now();
        // the search entries of the new and changed services (words stemmed, boxes, opening hours) are built on the
        // other cores while this thread writes, unless the import changes the terms they read; added after the commit
        boolean termsKept = set == null || set.terms().stream().allMatch(t -> t.equals(terms.get(Json.str(t, "id"))));
        List<ObjectNode> upserts = changes.stream().filter(ch -> ch.doc != null).map(ch -> ch.doc).toList();
        CompletableFuture<List<IndexedService>> entries = termsKept && upserts.size() >= 100
            ? CompletableFuture.supplyAsync(() -> upserts.parallelStream().map(d -> IndexedService.of(d,
                Json.str(d, "organization_id"), now, indexTerms, zone)).toList()) : null;
        List<Stored> stored = new ArrayList<>();
        Map<String, ObjectNode> docs = new HashMap<>();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (set != null) {
                    upsertDocs(c, "taxonomy", set.taxonomies(), null);
                    upsertDocs(c, "taxonomy_term", set.terms(), null);
                    Collection<ObjectNode> orgs = organizationsOf(set).values();
                    List<ObjectNode> changedOrgs = new ArrayList<>();
                    for (ObjectNode o : orgs) {
                        if (!o.equals(organizations.get(Json.str(o, "id")))) {
                            changedOrgs.add(o);
                        }
                    }
                    upsertDocs(c, "organization", changedOrgs, now);
                    if (member != null) {
                        try (PreparedStatement ps = c.prepareStatement(
                                "UPDATE organization SET member_id = ? WHERE id = ?")) {
                            for (ObjectNode o : orgs) {
                                ps.setString(1, member);
                                ps.setString(2, Json.str(o, "id"));
                                ps.addBatch();
                            }
                            ps.executeBatch();
                        }
                    }
                }
                try (PreparedStatement merge = c.prepareStatement(
                        upsert(c, "service", "id", "organization_id", "doc", "modified"));
                     PreparedStatement delete = c.prepareStatement("DELETE FROM service WHERE id = ?");
                     PreparedStatement outbox = c.prepareStatement(
                         "INSERT INTO outbox (event_id, type, subject, data) VALUES (?, ?, ?, ?)")) {
                    int n = 0;
                    for (Change ch : changes) {
                        String id = ch.doc != null ? Json.str(ch.doc, "id") : ch.old.id();
                        ObjectNode data;
                        if (ch.doc != null) {
                            byte[] bytes = Json.bytes(ch.doc);
                            String org = Json.str(ch.doc, "organization_id");
                            merge.setString(1, id);
                            merge.setString(2, org);
                            merge.setString(3, new String(bytes, StandardCharsets.UTF_8));
                            merge.setObject(4, now.atOffset(java.time.ZoneOffset.UTC));
                            merge.addBatch();
                            stored.add(new Stored(id, org, now, bytes));
                            docs.put(id, ch.doc);
                            data = Json.object().put("id", id).put("organization_id", org)
                                .put("name", eventName(ch.doc));
                            if (ch.old != null) {
                                data.set("changed", changedFields(ch.old.json(), ch.doc));
                            }
                            data.put("modified", now.toString());
                        } else {
                            delete.setString(1, id);
                            delete.addBatch();
                            data = Json.object().put("id", id).put("organization_id", ch.old.organizationId())
                                .put("name", eventName(ch.old.json()));
                        }
                        outbox.setString(1, UUID.randomUUID().toString());
                        outbox.setString(2, ch.type);
                        outbox.setString(3, "services/" + id);
                        outbox.setString(4, Json.text(data));
                        outbox.addBatch();
                        if (++n % 1000 == 0) {
                            // commits in chunks: each chunk holds its services and their events together, so a crash
                            // half-way leaves a consistent part that the next import of the same data completes
                            merge.executeBatch();
                            delete.executeBatch();
                            outbox.executeBatch();
                            c.commit();
                            say.accept("written " + n + " of " + changes.size() + " changes");
                        }
                    }
                    merge.executeBatch();
                    delete.executeBatch();
                    outbox.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store the changes: " + e.getMessage(), e);
        }
        // memory follows the committed database
        if (set != null) {
            set.taxonomies().forEach(t -> taxonomies.put(Json.str(t, "id"), t));
            set.terms().forEach(this::putTermInMemory);
            organizationsOf(set).forEach((id, o) -> {
                organizations.put(id, o);
                if (member != null) {
                    members.put(id, member);
                }
            });
        }
        for (Change ch : changes) {
            if (ch.old != null) {
                owners.remove(ch.old.json(), ch.old.organizationId());
            }
            if (ch.doc != null) {
                owners.add(ch.doc, Json.str(ch.doc, "organization_id"));
            } else {
                services.remove(ch.old.id());
                index.remove(ch.old.id());
            }
        }
        List<IndexedService> built = entries != null ? entries.join()
            : stored.stream().map(s -> indexed(s, docs.get(s.id()))).toList();
        for (int i = 0; i < stored.size(); i++) {
            services.put(stored.get(i).id(), stored.get(i));
            index.put(built.get(i));
        }
        version.incrementAndGet();
    }

    /**
     * The longest document the database keeps (its {@code doc} columns are VARCHAR(1000000)). A longer one is refused
     * with the other problems, before anything is written: found by the database, it would fail an import half-way
     * through its chunks.
     */
    static final int MAX_DOCUMENT = 1_000_000;

    private static void tooLong(String kind, ObjectNode doc, List<Problem> out) {
        int n = Json.text(doc).length();
        if (n > MAX_DOCUMENT) {
            out.add(new Problem(kind, Json.str(doc, "id"), "", "is " + n + " characters long as stored; at most "
                + MAX_DOCUMENT));
        }
    }

    /** A service's name as its events carry it: cut at 1,000 characters, so that an event fits its outbox row. */
    private static String eventName(ObjectNode doc) {
        String name = Json.str(doc, "name");
        return name == null || name.length() <= 1000 ? name : name.substring(0, 1000);
    }

    private static com.fasterxml.jackson.databind.node.ArrayNode changedFields(ObjectNode before, ObjectNode after) {
        Set<String> names = new java.util.TreeSet<>();
        before.fieldNames().forEachRemaining(names::add);
        after.fieldNames().forEachRemaining(names::add);
        var out = Json.array();
        for (String f : names) {
            if (!java.util.Objects.equals(before.get(f), after.get(f))) {
                out.add(f);
            }
        }
        return out;
    }

    private void upsertDocs(Connection c, String table, List<ObjectNode> docs, Instant modified) throws SQLException {
        if (docs.isEmpty()) {
            return;
        }
        String sql = modified == null ? upsert(c, table, "id", "doc") : upsert(c, table, "id", "doc", "modified");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (ObjectNode d : docs) {
                ps.setString(1, Json.str(d, "id"));
                ps.setString(2, Json.text(d));
                if (modified != null) {
                    ps.setObject(3, modified.atOffset(java.time.ZoneOffset.UTC));
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * An insert of {@code columns} (the first is the key, {@code id}) that replaces the row with the same key: H2's
     * {@code MERGE ... KEY}, which PostgreSQL does not know; there {@code INSERT ... ON CONFLICT DO UPDATE} (its
     * {@code MERGE}, from version 15 only, may fail on a concurrent insert of the same key, which this cannot).
     */
    static String upsert(Connection c, String table, String... columns) throws SQLException {
        String names = String.join(", ", columns);
        String values = String.join(", ", java.util.Collections.nCopies(columns.length, "?"));
        if ("PostgreSQL".equals(c.getMetaData().getDatabaseProductName())) {
            String set = java.util.Arrays.stream(columns).skip(1).map(col -> col + " = EXCLUDED." + col)
                .collect(java.util.stream.Collectors.joining(", "));
            return "INSERT INTO " + table + " (" + names + ") VALUES (" + values + ") ON CONFLICT (" + columns[0]
                + ") DO UPDATE SET " + set;
        }
        return "MERGE INTO " + table + " (" + names + ") KEY (" + columns[0] + ") VALUES (" + values + ")";
    }

    private void putTermInMemory(ObjectNode t) {
        String id = Json.str(t, "id");
        terms.put(id, t);
        String code = Json.str(t, "code");
        indexTerms.put(id, new IndexedService.Term(code == null ? id : code, Json.str(t, "name"),
            Json.str(t, "description") == null ? "" : Json.str(t, "description")));
    }

    private IndexedService indexed(Stored s, ObjectNode doc) {
        return IndexedService.of(doc, s.organizationId(), s.modified(), indexTerms, zone);
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** For tests: a snapshot of the stored services by id. */
    Map<String, Stored> snapshot() {
        return new HashMap<>(services);
    }

    @SuppressWarnings("unused")
    private static Timestamp ts(Instant i) {
        return Timestamp.from(i);
    }
}
