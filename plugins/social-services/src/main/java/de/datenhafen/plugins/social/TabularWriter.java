package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a directory as an HSDS tabular data package: one CSV per table ({@code services.csv}, {@code schedules.csv},
 * ...), nested objects flattened with their foreign keys, and {@code datapackage.json} describing the files and their
 * numeric fields. Used for exports ({@link #zip(Export, Path)}), the benchmark and tests ({@link #write(DataSet)}).
 *
 * <p>Two passes over the services, one document at a time: the first finds each table's columns (a CSV header
 * must come first, and a column is there when some row has it), the second writes the rows, each table into a sink of
 * its own. So an export of the whole directory holds one service in memory, not the package: written to temporary
 * files and zipped from them, 20,000 services take a few MB of heap instead of some 400 (see the README's Numbers).
 */
final class TabularWriter {

    /** The parts of a directory to write; {@code services} may be read twice (each pass once). */
    record Export(List<ObjectNode> organizations, Iterable<ObjectNode> services, List<ObjectNode> taxonomies,
                  List<ObjectNode> terms) {
    }

    private TabularWriter() {
    }

    /** The package in memory: file name → bytes (for tests and the benchmark; an export uses {@link #zip}). */
    static Map<String, byte[]> write(DataSet set) {
        Map<String, ByteArrayOutputStream> sinks = new LinkedHashMap<>();
        byte[] descriptor = write(new Export(set.organizations(), set.services(), set.taxonomies(), set.terms()),
            file -> sinks.computeIfAbsent(file, f -> new ByteArrayOutputStream()));
        Map<String, byte[]> files = new LinkedHashMap<>();
        sinks.forEach((f, b) -> files.put(f, b.toByteArray()));
        files.put("datapackage.json", descriptor);
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

    /**
     * Writes the package as a zip file in {@code folder}: each table first into a temporary CSV file of its own,
     * then the CSV files one after the other into the zip. Returns the zip; the CSV files are gone.
     */
    static Path zip(Export export, Path folder) throws IOException {
        Files.createDirectories(folder);
        Path work = Files.createTempDirectory(folder, "tabular-");
        Map<String, OutputStream> sinks = new LinkedHashMap<>();
        Path zip = Files.createTempFile(folder, "hsds-directory-", ".zip");
        try {
            byte[] descriptor;
            try {
                descriptor = write(export, file -> sinks.computeIfAbsent(file, f -> {
                    try {
                        return new BufferedOutputStream(Files.newOutputStream(work.resolve(f)), 1 << 16);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
            } finally {
                for (OutputStream o : sinks.values()) {
                    o.close();
                }
            }
            try (ZipOutputStream z = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(zip),
                1 << 16))) {
                for (String file : sinks.keySet()) {
                    z.putNextEntry(new ZipEntry(file));
                    try (InputStream in = Files.newInputStream(work.resolve(file))) {
                        in.transferTo(z);
                    }
                    z.closeEntry();
                }
                z.putNextEntry(new ZipEntry("datapackage.json"));
                z.write(descriptor);
                z.closeEntry();
            }
            return zip;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(zip);
            throw e;
        } finally {
            for (String file : sinks.keySet()) {
                Files.deleteIfExists(work.resolve(file));
            }
            Files.deleteIfExists(work);
        }
    }

    /** The two passes: columns, then rows into {@code sink(file)}; returns datapackage.json. */
    private static byte[] write(Export export, java.util.function.Function<String, OutputStream> sink) {
        Map<String, Set<String>> cols = new LinkedHashMap<>();
        Map<String, Set<String>> numeric = new LinkedHashMap<>();
        for (String table : DataSets.TABLES) {
            cols.put(table, new LinkedHashSet<>());
            numeric.put(table, new LinkedHashSet<>());
        }
        forEachRow(export, (table, row) -> row.fields().forEachRemaining(f -> {
            if (f.getValue().isValueNode() && !f.getValue().isNull()) {
                cols.get(table).add(f.getKey());
                if (f.getValue().isNumber()) {
                    numeric.get(table).add(f.getKey());
                }
            }
        }));
        cols.values().forEach(c -> {
            if (c.isEmpty()) {
                c.add("id");
            }
        });
        Map<String, Writer> writers = new LinkedHashMap<>();
        try {
            for (String table : DataSets.TABLES) {
                Writer w = new OutputStreamWriter(sink.apply(plural(table) + ".csv"), StandardCharsets.UTF_8);
                // a field's name is text from outside too (HSDS objects may carry fields of their own)
                w.write(String.join(",", cols.get(table).stream().map(TabularWriter::cell).toList()));
                w.write("\r\n");
                writers.put(table, w);
            }
            forEachRow(export, (table, row) -> {
                List<String> cells = new ArrayList<>();
                for (String c : cols.get(table)) {
                    JsonNode v = row.get(c);
                    cells.add(v == null || v.isNull() || !v.isValueNode() ? "" : cell(v.asText()));
                }
                try {
                    Writer w = writers.get(table);
                    w.write(String.join(",", cells));
                    w.write("\r\n");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            for (Writer w : writers.values()) {
                w.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode dp = Json.object().put("name", "hsds-directory").put("profile", "tabular-data-package");
        ArrayNode resources = dp.putArray("resources");
        for (String table : DataSets.TABLES) {
            String file = plural(table) + ".csv";
            ObjectNode res = resources.addObject().put("name", table).put("path", file)
                .put("profile", "tabular-data-resource").put("format", "csv").put("mediatype", "text/csv");
            ArrayNode fields = res.putObject("schema").putArray("fields");
            for (String c : cols.get(table)) {
                fields.addObject().put("name", c).put("type", numeric.get(table).contains(c) ? "number" : "string");
            }
        }
        return Json.bytes(dp);
    }

    /** Every row of the package with its table: organisations, taxonomies, terms, then each service flattened. */
    private static void forEachRow(Export export, BiConsumer<String, ObjectNode> row) {
        export.organizations().forEach(o -> row.accept("organization", o));
        export.taxonomies().forEach(o -> row.accept("taxonomy", o));
        export.terms().forEach(o -> row.accept("taxonomy_term", o));
        Set<String> seenLocations = new LinkedHashSet<>();
        for (ObjectNode s : export.services()) {
            row.accept("service", s);
            children(row, s, SERVICE_CHILDREN);
            for (ObjectNode sal : Json.objects(s, "service_at_locations")) {
                row.accept("service_at_location", sal);
                children(row, sal, SAL_CHILDREN);
                if (sal.get("location") instanceof ObjectNode loc && seenLocations.add(Json.str(loc, "id"))) {
                    row.accept("location", loc);
                    children(row, loc, LOCATION_CHILDREN);
                }
            }
        }
    }

    /** Nested arrays flattened into tables: field, table; schedules with the attributes nested in them. */
    private static final String[][] SERVICE_CHILDREN = {{"phones", "phone"}, {"languages", "language"},
        {"cost_options", "cost_option"}, {"attributes", "attribute"}, {"schedules", "schedule"}};
    private static final String[][] SAL_CHILDREN = {{"schedules", "schedule"}, {"phones", "phone"},
        {"attributes", "attribute"}};
    private static final String[][] LOCATION_CHILDREN = {{"addresses", "address"}, {"accessibility", "accessibility"},
        {"attributes", "attribute"}, {"languages", "language"}, {"schedules", "schedule"}};

    private static void children(BiConsumer<String, ObjectNode> row, ObjectNode parent, String[][] fields) {
        for (String[] f : fields) {
            for (ObjectNode c : Json.objects(parent, f[0])) {
                row.accept(f[1], c);
                if (f[1].equals("schedule")) {
                    Json.objects(c, "attributes").forEach(a -> row.accept("attribute", a));
                }
            }
        }
    }

    private static String plural(String table) {
        switch (table) {
            case "taxonomy": return "taxonomies";
            case "address": return "addresses";
            case "accessibility": return "accessibility";
            default: return table + "s";
        }
    }

    /**
     * A value as a CSV cell: quoted (RFC 4180) when it holds a comma, a quote or a line break, and with a single quote
     * inside the quoted field when a spreadsheet would take it for a formula ({@link CsvFormulas}).
     */
    static String cell(String v) {
        String text = CsvFormulas.neutralise(v);
        if (text.length() != v.length() || v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0
            || v.indexOf('\r') >= 0) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return v;
    }
}
