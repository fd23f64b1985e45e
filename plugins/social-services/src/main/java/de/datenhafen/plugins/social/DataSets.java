package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.api.csv.CsvLimitException;
import de.datenhafen.api.csv.CsvLimits;
import de.datenhafen.api.csv.CsvRow;
import de.datenhafen.api.csv.CsvRows;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads the two HSDS exchange forms into a {@link DataSet}: a JSON document set, and a tabular data package (CSV
 * files described by {@code datapackage.json}, as a zip or as a map of files). Both end in the same assembly: flat
 * tables joined by their foreign keys into whole service documents.
 *
 * <p>The JSON document set is either an array of service documents (with their nested objects) or an object with
 * arrays named after the HSDS tables, singular or plural ({@code organizations}, {@code services}, {@code
 * locations}, {@code service_at_locations}, {@code schedules}, {@code taxonomy_terms}, ...); nested and flat may be
 * mixed.
 */
final class DataSets {

    /** The HSDS tables this directory reads, in their singular names. */
    static final List<String> TABLES = List.of("organization", "service", "location", "service_at_location",
        "address", "phone", "schedule", "language", "cost_option", "accessibility", "attribute", "taxonomy",
        "taxonomy_term");

    private static final Set<String> NUMBERS = Set.of("latitude", "longitude", "amount", "minimum_age",
        "maximum_age", "interval", "count", "timezone", "year_incorporated", "extension", "priority");

    private static final java.util.regex.Pattern INT = java.util.regex.Pattern.compile("-?\\d{1,9}");
    private static final java.util.regex.Pattern LONG = java.util.regex.Pattern.compile("-?\\d{10,18}");

    private DataSets() {
    }

    static DataSet fromJson(JsonNode doc) {
        Map<String, List<ObjectNode>> tables = new HashMap<>();
        List<Problem> problems = new ProblemList();
        if (doc.isArray()) {
            tables.put("service", objects(doc, "service", problems));
        } else if (doc.isObject() && single(doc, tables)) {
            nestedServices(tables);
        } else if (doc.isObject()) {
            doc.fields().forEachRemaining(e -> {
                String table = singular(e.getKey());
                if (TABLES.contains(table)) {
                    tables.put(table, objects(e.getValue(), table, problems));
                }
            });
            if (tables.isEmpty()) {
                problems.add(new Problem("document", "?", "", "has none of the HSDS tables (services, "
                    + "organizations, ...)"));
            }
            nestedServices(tables);
        } else {
            problems.add(new Problem("document", "?", "", "must be a JSON array of services or an object of tables"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidDataException(problems);
        }
        return assemble(tables, Map.of());
    }

    /** A tabular data package as a zip archive, within the default limits (for tests and the benchmark). */
    static DataSet fromZip(byte[] zip) {
        return fromZip(zip, Limits.DEFAULTS);
    }

    /**
     * A tabular data package as a zip archive, read as it streams (by its local headers, as any unzip would), within
     * the import limits: at most {@code max-import-entries} entries, expanding to at most {@code
     * max-import-expanded-mb} in all and, past the first MiB, to at most {@code max-import-ratio} times the archive's
     * size. The expanded bytes are counted as they come out of the inflater: what an entry's header says about its
     * size is not believed.
     */
    static DataSet fromZip(byte[] zip, Limits limits) {
        Map<String, Chunks> files = new HashMap<>();
        long expanded = 0;
        int entries = 0;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            byte[] buf = new byte[1 << 16];
            while ((e = in.getNextEntry()) != null) {
                if (++entries > limits.maxImportEntries()) {
                    throw new ImportRefused(422, "the zip has more than " + limits.maxImportEntries()
                        + " entries (max-import-entries)");
                }
                Chunks content = new Chunks();
                for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                    expanded += n;
                    if (expanded > limits.maxImportExpandedBytes()) {
                        throw new ImportRefused(413, "the zip expands to more than " + limits.maxImportExpandedMb()
                            + " MiB (max-import-expanded-mb)");
                    }
                    if (expanded > RATIO_GRACE && expanded > (long) limits.maxImportRatio() * zip.length) {
                        throw new ImportRefused(422, "the zip expands to more than " + limits.maxImportRatio()
                            + " times its size of " + zip.length + " bytes (max-import-ratio)");
                    }
                    content.add(buf, n);
                }
                if (!e.isDirectory()) {
                    String name = e.getName().substring(e.getName().lastIndexOf('/') + 1);
                    if (files.put(name, content) != null) {
                        throw new InvalidDataException(List.of(new Problem("datapackage", "?", name,
                            "is in the zip more than once")));
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: an entry name that is not valid in the zip's encoding
            throw new InvalidDataException(List.of(new Problem("datapackage", "?", "body",
                "is not a readable zip archive: " + e.getMessage())));
        }
        return fromPackage(files, limits.maxImportValues());
    }

    /** Below this many expanded bytes the ratio is not checked: small files of empty cells compress very well. */
    private static final long RATIO_GRACE = 1 << 20;

    /** A tabular data package: file name → bytes, with {@code datapackage.json} (for tests and the benchmark). */
    static DataSet fromPackage(Map<String, byte[]> files) {
        Map<String, Chunks> chunks = new HashMap<>();
        files.forEach((name, bytes) -> {
            Chunks c = new Chunks();
            c.add(bytes, bytes.length);
            chunks.put(name, c);
        });
        return fromPackage(chunks, Limits.DEFAULTS.maxImportValues());
    }

    private static DataSet fromPackage(Map<String, Chunks> files, int maxValues) {
        Chunks descriptor = files.get("datapackage.json");
        if (descriptor == null) {
            throw new InvalidDataException(List.of(new Problem("datapackage", "?", "datapackage.json",
                "is missing: a tabular data package needs its descriptor")));
        }
        int[] budget = {maxValues};
        JsonNode dp = Json.parse(descriptor.bytes(), maxValues);
        List<Problem> problems = new ProblemList();
        Map<String, List<ObjectNode>> tables = new HashMap<>();
        Map<String, String> sources = new HashMap<>();
        JsonNode resources = dp.get("resources");
        if (resources == null || !resources.isArray()) {
            throw new InvalidDataException(List.of(new Problem("datapackage", "?", "resources",
                "is required: a list of the package's CSV files")));
        }
        int r = 0;
        for (JsonNode res : resources) {
            String name = Json.str(res, "name");
            String path = Json.str(res, "path");
            String table = name == null ? null : singular(name);
            if (table == null || !TABLES.contains(table) || tables.containsKey(table)) {
                r++;
                continue; // tables this directory does not read (funding, program, ...) are skipped
            }
            String file = path == null ? null : path.substring(path.lastIndexOf('/') + 1);
            Chunks csv = file == null ? null : files.get(file);
            if (csv == null) {
                problems.add(new Problem("datapackage", name, "resources[" + r + "].path",
                    "names " + path + ", which is not in the package"));
                r++;
                continue;
            }
            Map<String, String> types = new HashMap<>();
            JsonNode fields = res.path("schema").path("fields");
            for (JsonNode f : fields) {
                if (Json.str(f, "name") != null && Json.str(f, "type") != null) {
                    types.put(Json.str(f, "name"), Json.str(f, "type"));
                }
            }
            try (CsvRows rows = CsvRows.read(csv.open(), file, CSV_LIMITS)) {
                tables.put(table, rows(table, file, rows, types, problems, sources, budget));
            } catch (CsvLimitException e) {
                throw new ImportRefused(413, e.getMessage());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            r++;
        }
        if (!problems.isEmpty()) {
            throw new InvalidDataException(problems);
        }
        return assemble(tables, sources);
    }

    /**
     * A cell at most 1,000,000 characters (no HSDS field is that long: a whole stored service is at most that), a
     * record at most two of them, and more columns than any HSDS table has, by far. Past one, the import is refused
     * with 413 naming the file and line.
     */
    static final CsvLimits CSV_LIMITS = new CsvLimits(1_000_000, 2_000_000, 1000);

    private static List<ObjectNode> rows(String table, String file, CsvRows csv, Map<String, String> types,
                                         List<Problem> problems, Map<String, String> sources, int[] budget) {
        List<ObjectNode> out = new ArrayList<>();
        CsvRow first = csv.next();
        if (first == null) {
            return out;
        }
        // the export writes a cell that a spreadsheet would run as a formula with a quote before it (CsvFormulas);
        // that one quote comes off here, so that the directory's export imports back as it was
        List<String> header = first.cells().stream().map(CsvFormulas::restore).toList();
        int idColumn = Math.max(0, header.indexOf("id"));
        for (CsvRow line; (line = csv.next()) != null; ) {
            List<String> row = line.cells();
            String at = file + " line " + line.line();
            ObjectNode o = Json.object();
            int values = 1;
            for (int c = 0; c < header.size() && c < row.size(); c++) {
                String col = header.get(c).trim();
                String v = CsvFormulas.restore(row.get(c));
                if (v.isEmpty()) {
                    continue;
                }
                values++;
                String type = types.getOrDefault(col, NUMBERS.contains(col) ? "number" : "string");
                if (type.equals("number") || type.equals("integer")) {
                    try {
                        String n = v.trim();
                        // the same node types Jackson gives when it parses the number in JSON, so both forms compare equal
                        if (INT.matcher(n).matches()) {
                            o.put(col, Integer.parseInt(n));
                        } else if (LONG.matcher(n).matches()) {
                            o.put(col, Long.parseLong(n));
                        } else {
                            o.put(col, Double.parseDouble(n));
                        }
                    } catch (NumberFormatException e) {
                        o.put(col, v);
                        problems.add(new Problem(table, row.get(Math.min(idColumn, row.size() - 1)), col,
                            "must be a number; was '" + v + "'", at));
                    }
                } else if (type.equals("boolean")) {
                    o.put(col, v.equalsIgnoreCase("true") || v.equals("1"));
                } else {
                    o.put(col, v);
                }
            }
            budget[0] -= values;
            if (budget[0] < 0) {
                throw new ImportRefused(413, "the import holds more values than the limit (max-import-values)");
            }
            if (row.size() != header.size()) {
                problems.add(new Problem(table, Json.str(o, "id"), "", "has " + row.size() + " cells, the header "
                    + header.size(), at));
            }
            if (Json.str(o, "id") != null) {
                sources.put(table + "/" + Json.str(o, "id"), at);
            }
            out.add(o);
        }
        return out;
    }

    /** An entry's bytes as they came out of the zip, in blocks: no block is copied into one array again. */
    private static final class Chunks {
        private final List<byte[]> blocks = new ArrayList<>();

        void add(byte[] b, int n) {
            blocks.add(java.util.Arrays.copyOf(b, n));
        }

        InputStream open() {
            return new java.io.SequenceInputStream(java.util.Collections.enumeration(blocks.stream()
                .map(b -> (InputStream) new ByteArrayInputStream(b)).toList()));
        }

        byte[] bytes() {
            try (InputStream in = open()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * The other shapes HSDS 3 publishes: one object as its API answers {@code GET /services/{id}} or {@code
     * /organizations/{id}} (a service may carry its organisation as an object), and a list page {@code {"contents":
     * [...], "total_items", ...}} of services or organisations. Each goes in as that table; a location or a service at
     * location alone is refused with 422 saying why (neither is stored apart from the services at it), as is an object
     * whose kind cannot be told. Returns false for a document set of tables, read by the caller.
     */
    private static boolean single(JsonNode doc, Map<String, List<ObjectNode>> tables) {
        JsonNode contents = doc.get("contents");
        if (contents != null && contents.isArray()) {
            if (contents.isEmpty()) {
                throw new ImportRefused(422, "the list page's contents are empty: nothing to import");
            }
            String kind = contents.get(0) instanceof ObjectNode first ? kind(first) : "?";
            if (!kind.equals("service") && !kind.equals("organization")) {
                throw new ImportRefused(422, "the list page's contents are not services or organizations: "
                    + refusal(kind));
            }
            List<Problem> problems = new ProblemList();
            tables.put(kind, objects(contents, kind, problems));
            if (!problems.isEmpty()) {
                throw new InvalidDataException(problems);
            }
            return true;
        }
        // an object with an id is one HSDS object (a document set of tables has none at its top)
        if (!doc.path("id").isTextual()) {
            return false;
        }
        String kind = kind((ObjectNode) doc);
        if (!kind.equals("service") && !kind.equals("organization")) {
            throw new ImportRefused(422, "this document is one object, " + refusal(kind));
        }
        List<ObjectNode> one = new ArrayList<>();
        one.add((ObjectNode) doc);
        tables.put(kind, one);
        return true;
    }

    /** What kind of HSDS object this is, by the fields only that kind has: service, organization, location, ... */
    private static String kind(ObjectNode o) {
        if (o.has("service_id") && o.has("location_id") || o.has("service") && o.has("location")) {
            return "service_at_location";
        }
        if (o.has("organization_id") || o.has("organization") || o.has("status") || o.has("eligibility_description")
            || o.has("service_areas") || o.has("service_at_locations")) {
            return "service";
        }
        if (o.has("services") || o.has("legal_status") || o.has("year_incorporated") || o.has("tax_id")
            || o.has("website") && !o.has("location_type")) {
            return "organization";
        }
        if (o.has("location_type") || o.has("latitude") || o.has("longitude") || o.has("addresses")) {
            return "location";
        }
        return "?";
    }

    private static String refusal(String kind) {
        return switch (kind) {
            case "location" -> "a location: a location is imported with the services at it (send the services, or "
                + "an organization with its services, whose service_at_locations hold the location)";
            case "service_at_location" -> "a service_at_location: it is imported inside its service (send the "
                + "service with its service_at_locations)";
            default -> "and neither a service nor an organization (no organization_id, status, services, ...): send a "
                + "service, an organization, a list page of them, or a document set of tables";
        };
    }

    /**
     * HSDS 3 publishes an organisation with its services nested ({@code {"organizations": [{..., "services": [...]}]}}):
     * each nested service is read as a service of that organisation (its {@code organization_id} filled in when
     * missing), and the array leaves the organisation, which does not store it.
     */
    private static void nestedServices(Map<String, List<ObjectNode>> tables) {
        List<ObjectNode> organizations = tables.get("organization");
        if (organizations == null) {
            return;
        }
        for (ObjectNode o : organizations) {
            if (o.get("services") instanceof com.fasterxml.jackson.databind.node.ArrayNode nested) {
                List<ObjectNode> services = tables.computeIfAbsent("service", k -> new ArrayList<>());
                for (JsonNode n : nested) {
                    if (n instanceof ObjectNode sv) {
                        if (!sv.hasNonNull("organization_id") && o.hasNonNull("id")) {
                            sv.put("organization_id", o.get("id").asText());
                        }
                        services.add(sv);
                    }
                }
                o.remove("services");
            }
        }
    }

    private static List<ObjectNode> objects(JsonNode arr, String table, List<Problem> problems) {
        List<ObjectNode> out = new ArrayList<>();
        if (!arr.isArray()) {
            problems.add(new Problem(table, "?", "", "must be an array of " + table + " objects"));
            return out;
        }
        for (JsonNode n : arr) {
            if (n instanceof ObjectNode o) {
                out.add(o);
            } else {
                problems.add(new Problem(table, "?", "", "each entry must be a JSON object; found " + n.getNodeType()));
            }
        }
        return out;
    }

    static String singular(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT).replace('-', '_');
        if (n.endsWith(".csv")) {
            n = n.substring(0, n.length() - 4);
        }
        if (n.equals("taxonomies")) {
            return "taxonomy";
        }
        if (n.equals("addresses")) {
            return "address";
        }
        if (n.endsWith("s") && !n.equals("accessibility") && !n.equals("address")) {
            return n.substring(0, n.length() - 1);
        }
        return n;
    }

    /**
     * Joins flat tables into service documents; children already nested are kept. Changes the service objects of
     * {@code t} (callers pass a fresh parse).
     */
    static DataSet assemble(Map<String, List<ObjectNode>> t, Map<String, String> sources) {
        List<Problem> problems = new ProblemList();
        Map<String, ObjectNode> locations = byId(t.get("location"));
        Map<String, List<ObjectNode>> byService = new HashMap<>();
        Map<String, List<ObjectNode>> byLocation = new HashMap<>();
        Map<String, List<ObjectNode>> bySal = new HashMap<>();
        Map<String, List<ObjectNode>> attrs = new HashMap<>();
        Set<String> serviceIds = byId(t.get("service")).keySet();
        Set<String> salIds = byId(t.get("service_at_location")).keySet();
        for (String child : List.of("phone", "schedule", "language", "cost_option", "service_at_location", "address",
            "accessibility")) {
            for (ObjectNode row : t.getOrDefault(child, List.of())) {
                String sal = Json.str(row, "service_at_location_id");
                String svc = Json.str(row, "service_id");
                String loc = Json.str(row, "location_id");
                if (sal != null && !child.equals("service_at_location")) {
                    ref(problems, child, row, "service_at_location_id", sal, salIds, sources);
                    bySal.computeIfAbsent(sal + "/" + child, k -> new ArrayList<>()).add(row);
                } else if (svc != null) {
                    ref(problems, child, row, "service_id", svc, serviceIds, sources);
                    byService.computeIfAbsent(svc + "/" + child, k -> new ArrayList<>()).add(row);
                } else if (loc != null) {
                    ref(problems, child, row, "location_id", loc, locations.keySet(), sources);
                    byLocation.computeIfAbsent(loc + "/" + child, k -> new ArrayList<>()).add(row);
                }
            }
        }
        for (ObjectNode a : t.getOrDefault("attribute", List.of())) {
            String link = Json.str(a, "link_id");
            if (link != null) {
                attrs.computeIfAbsent(link, k -> new ArrayList<>()).add(a);
            }
        }
        for (ObjectNode sch : t.getOrDefault("schedule", List.of())) {
            nest(sch, "attributes", attrs.get(Json.str(sch, "id")));
        }
        for (ObjectNode loc : locations.values()) {
            String id = Json.str(loc, "id");
            nest(loc, "addresses", byLocation.get(id + "/address"));
            nest(loc, "phones", byLocation.get(id + "/phone"));
            nest(loc, "accessibility", byLocation.get(id + "/accessibility"));
            nest(loc, "languages", byLocation.get(id + "/language"));
            nest(loc, "schedules", byLocation.get(id + "/schedule"));
            nest(loc, "attributes", attrs.get(id));
        }
        List<ObjectNode> services = new ArrayList<>();
        for (ObjectNode s : t.getOrDefault("service", List.of())) {
            // nested in place, not in a copy: the tables are a parse of this import's own body, used for nothing
            // else, and a copy of every service doubled what an import holds (the values limit's worst case)
            String id = Json.str(s, "id");
            nest(s, "phones", byService.get(id + "/phone"));
            nest(s, "schedules", byService.get(id + "/schedule"));
            nest(s, "languages", byService.get(id + "/language"));
            nest(s, "cost_options", byService.get(id + "/cost_option"));
            nest(s, "attributes", attrs.get(id));
            List<ObjectNode> sals = byService.get(id + "/service_at_location");
            if (sals != null) {
                List<ObjectNode> copies = new ArrayList<>();
                for (ObjectNode sal0 : sals) {
                    ObjectNode sal = sal0.deepCopy();
                    String salId = Json.str(sal, "id");
                    nest(sal, "schedules", bySal.get(salId + "/schedule"));
                    nest(sal, "phones", bySal.get(salId + "/phone"));
                    nest(sal, "attributes", attrs.get(salId));
                    String locId = Json.str(sal, "location_id");
                    if (locId != null && !(sal.get("location") instanceof ObjectNode) && locations.get(locId) != null) {
                        sal.set("location", locations.get(locId).deepCopy());
                    }
                    copies.add(sal);
                }
                nest(s, "service_at_locations", copies);
            }
            sortNested(s);
            services.add(s);
        }
        if (!problems.isEmpty()) {
            throw new InvalidDataException(problems);
        }
        return new DataSet(t.getOrDefault("organization", List.of()), services, t.getOrDefault("taxonomy", List.of()),
            t.getOrDefault("taxonomy_term", List.of()), sources);
    }

    private static void ref(List<Problem> problems, String kind, ObjectNode row, String field, String value,
                            Set<String> known, Map<String, String> sources) {
        if (!known.contains(value)) {
            problems.add(new Problem(kind, Json.str(row, "id"), field, "names " + field.replace("_id", "") + " " + value
                + ", which is not in this import", sources.get(kind + "/" + Json.str(row, "id"))));
        }
    }

    private static void nest(ObjectNode parent, String field, List<ObjectNode> children) {
        if (children == null || children.isEmpty()) {
            return;
        }
        ArrayNode arr = parent.get(field) instanceof ArrayNode a ? a : parent.putArray(field);
        Set<String> have = new java.util.HashSet<>();
        arr.forEach(n -> have.add(Json.str(n, "id")));
        for (ObjectNode c : children) {
            if (!have.contains(Json.str(c, "id"))) {
                arr.add(c.deepCopy());
            }
        }
    }

    /**
     * Fills in each nested object's key to its parent, as the tabular form needs them to join rows back into a
     * service: {@code service_id} on the service's phones, schedules, languages, cost options and service_at_locations;
     * {@code location_id} on a service_at_location (from its location) and on the location's addresses, phones,
     * accessibility, languages and schedules; {@code service_at_location_id} on its schedules and phones; {@code
     * link_id} on attributes. A key that is given is kept, even if it differs (the references check reports that).
     */
    static void fillKeys(ObjectNode service) {
        String id = Json.str(service, "id");
        for (String f : List.of("phones", "schedules", "languages", "cost_options", "service_at_locations")) {
            Json.objects(service, f).forEach(c -> key(c, "service_id", id));
        }
        links(service, id);
        Json.objects(service, "schedules").forEach(sch -> links(sch, Json.str(sch, "id")));
        for (ObjectNode sal : Json.objects(service, "service_at_locations")) {
            String salId = Json.str(sal, "id");
            links(sal, salId);
            for (String f : List.of("schedules", "phones")) {
                Json.objects(sal, f).forEach(c -> key(c, "service_at_location_id", salId));
            }
            Json.objects(sal, "schedules").forEach(sch -> links(sch, Json.str(sch, "id")));
            if (sal.get("location") instanceof ObjectNode loc) {
                String locId = Json.str(loc, "id");
                key(sal, "location_id", locId);
                links(loc, locId);
                for (String f : List.of("addresses", "phones", "accessibility", "languages", "schedules")) {
                    Json.objects(loc, f).forEach(c -> key(c, "location_id", locId));
                }
                Json.objects(loc, "schedules").forEach(sch -> links(sch, Json.str(sch, "id")));
            }
        }
    }

    private static void links(ObjectNode parent, String parentId) {
        Json.objects(parent, "attributes").forEach(a -> key(a, "link_id", parentId));
    }

    private static void key(ObjectNode child, String field, String value) {
        if (value != null && Json.str(child, field) == null) {
            child.put(field, value);
        }
    }

    /**
     * The canonical form: arrays of objects sorted by id, null fields and empty arrays left out, so that the same
     * data compares equal whatever form and order it came in (a CSV has no empty array).
     */
    static void sortNested(JsonNode n) {
        if (n instanceof ObjectNode o) {
            List<String> drop = new ArrayList<>();
            o.fields().forEachRemaining(e -> {
                if (e.getValue().isNull() || e.getValue().isArray() && e.getValue().isEmpty()) {
                    drop.add(e.getKey());
                }
            });
            o.remove(drop);
            o.fields().forEachRemaining(e -> {
                if (e.getValue() instanceof ArrayNode a && a.size() > 1 && a.get(0).isObject()) {
                    List<JsonNode> items = new ArrayList<>();
                    a.forEach(items::add);
                    items.sort(Comparator.comparing(x -> String.valueOf(Json.str(x, "id"))));
                    a.removeAll();
                    items.forEach(a::add);
                }
                sortNested(e.getValue());
            });
        } else if (n instanceof ArrayNode a) {
            a.forEach(DataSets::sortNested);
        }
    }

    private static Map<String, ObjectNode> byId(List<ObjectNode> rows) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        if (rows != null) {
            for (ObjectNode r : rows) {
                String id = Json.str(r, "id");
                if (id != null) {
                    out.put(id, r);
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unused")
    private static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}
