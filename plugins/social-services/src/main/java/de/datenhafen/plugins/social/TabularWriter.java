package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a {@link DataSet} as an HSDS tabular data package: one CSV per table ({@code services.csv},
 * {@code schedules.csv}, ...), nested objects flattened with their foreign keys, and {@code datapackage.json}
 * describing the files and their numeric fields. Used for exports, the benchmark and tests.
 */
final class TabularWriter {

    private TabularWriter() {
    }

    static Map<String, byte[]> write(DataSet set) {
        Map<String, List<ObjectNode>> t = new LinkedHashMap<>();
        for (String table : DataSets.TABLES) {
            t.put(table, new ArrayList<>());
        }
        set.organizations().forEach(o -> t.get("organization").add(o));
        set.taxonomies().forEach(o -> t.get("taxonomy").add(o));
        set.terms().forEach(o -> t.get("taxonomy_term").add(o));
        Set<String> seenLocations = new LinkedHashSet<>();
        for (ObjectNode s : set.services()) {
            t.get("service").add(s);
            children(t, s, "phones", "phone");
            children(t, s, "languages", "language");
            children(t, s, "cost_options", "cost_option");
            children(t, s, "attributes", "attribute");
            schedules(t, s);
            for (ObjectNode sal : Json.objects(s, "service_at_locations")) {
                t.get("service_at_location").add(sal);
                schedules(t, sal);
                children(t, sal, "phones", "phone");
                children(t, sal, "attributes", "attribute");
                if (sal.get("location") instanceof ObjectNode loc && seenLocations.add(Json.str(loc, "id"))) {
                    t.get("location").add(loc);
                    children(t, loc, "addresses", "address");
                    children(t, loc, "accessibility", "accessibility");
                    children(t, loc, "attributes", "attribute");
                    children(t, loc, "languages", "language");
                    schedules(t, loc);
                }
            }
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        ObjectNode dp = Json.object().put("name", "hsds-directory").put("profile", "tabular-data-package");
        ArrayNode resources = dp.putArray("resources");
        for (Map.Entry<String, List<ObjectNode>> e : t.entrySet()) {
            String file = plural(e.getKey()) + ".csv";
            Set<String> cols = new LinkedHashSet<>();
            Set<String> numeric = new LinkedHashSet<>();
            for (ObjectNode row : e.getValue()) {
                row.fields().forEachRemaining(f -> {
                    if (f.getValue().isValueNode() && !f.getValue().isNull()) {
                        cols.add(f.getKey());
                        if (f.getValue().isNumber()) {
                            numeric.add(f.getKey());
                        }
                    }
                });
            }
            if (cols.isEmpty()) {
                cols.add("id");
            }
            StringBuilder b = new StringBuilder(String.join(",", cols)).append("\r\n");
            for (ObjectNode row : e.getValue()) {
                List<String> cells = new ArrayList<>();
                for (String c : cols) {
                    JsonNode v = row.get(c);
                    cells.add(v == null || v.isNull() || !v.isValueNode() ? "" : Csv.quote(v.asText()));
                }
                b.append(String.join(",", cells)).append("\r\n");
            }
            files.put(file, b.toString().getBytes(StandardCharsets.UTF_8));
            ObjectNode res = resources.addObject().put("name", e.getKey()).put("path", file)
                .put("profile", "tabular-data-resource").put("format", "csv").put("mediatype", "text/csv");
            ArrayNode fields = res.putObject("schema").putArray("fields");
            for (String c : cols) {
                fields.addObject().put("name", c).put("type", numeric.contains(c) ? "number" : "string");
            }
        }
        files.put("datapackage.json", Json.bytes(dp));
        return files;
    }

    static byte[] zip(Map<String, byte[]> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void schedules(Map<String, List<ObjectNode>> t, ObjectNode parent) {
        for (ObjectNode sch : Json.objects(parent, "schedules")) {
            t.get("schedule").add(sch);
            children(t, sch, "attributes", "attribute");
        }
    }

    private static void children(Map<String, List<ObjectNode>> t, ObjectNode parent, String field, String table) {
        t.get(table).addAll(Json.objects(parent, field));
    }

    private static String plural(String table) {
        switch (table) {
            case "taxonomy": return "taxonomies";
            case "address": return "addresses";
            case "accessibility": return "accessibility";
            default: return table + "s";
        }
    }
}
