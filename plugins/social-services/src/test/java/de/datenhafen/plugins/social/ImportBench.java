package de.datenhafen.plugins.social;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The cost of the largest imports the limits allow, as dry runs through the API (read, assemble, validate; nothing
 * written): the 20,000-service benchmark directory as JSON and as a tabular package, and the worst shapes within
 * max-import-values (one value per empty service object; a CSV of short cells). Time and the heap's peak above
 * what was held before; run with {@code -Xmn32m} so that the peak shows live data rather than uncollected garbage.
 */
public final class ImportBench {

    public static void main(String[] args) throws Exception {
        ZoneId zone = ZoneId.of("Europe/Berlin");
        Directory dir = new Directory(TestDb.create("import-bench"), zone, () -> Callers.OWNER).load();
        Limits limits = Limits.DEFAULTS;
        DataSet set = DemoData.generate(400, 50, 1, LocalDate.now(zone));
        var doc = Json.object();
        doc.putArray("organizations").addAll(set.organizations());
        doc.putArray("services").addAll(set.services());
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("20,000 services as JSON", Json.bytes(doc));
        cases.put("20,000 services as a tabular zip", TabularWriter.zip(TabularWriter.write(set)));
        set = null;
        doc = null;
        int n = limits.maxImportValues() - 2;
        StringBuilder empty = new StringBuilder(n * 3 + 20).append("{\"services\":[");
        for (int i = 0; i < n; i++) {
            empty.append(i == 0 ? "{}" : ",{}");
        }
        cases.put(n + " empty services as JSON (the values limit)", empty.append("]}").toString()
            .getBytes(StandardCharsets.UTF_8));
        empty = null;
        int rows = limits.maxImportValues() / 3 - 1;
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            z.putNextEntry(new ZipEntry("datapackage.json"));
            z.write("{\"resources\":[{\"name\":\"services\",\"path\":\"services.csv\"}]}".getBytes(StandardCharsets.UTF_8));
            z.putNextEntry(new ZipEntry("services.csv"));
            z.write("id,name\n".getBytes(StandardCharsets.UTF_8));
            // random cells, so that the zip does not expand past max-import-ratio before the values are counted
            java.util.Random rnd = new java.util.Random(1);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < rows; i++) {
                b.append(Integer.toString(rnd.nextInt(1 << 30), 36)).append(',')
                    .append((char) ('a' + rnd.nextInt(26))).append('\n');
            }
            z.write(b.toString().getBytes(StandardCharsets.UTF_8));
        }
        cases.put(rows + " rows of short cells as CSV (the values limit)", zip.toByteArray());
        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            for (int round = 0; round < 2; round++) {
                System.gc();
                long base = used();
                ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
                long t0 = System.nanoTime();
                Api.Response r = HubAnswers.of(new Api(dir, limits, null), new Api.Request("POST", "import",
                    "dry_run=true", Callers.owner(), c.getKey().contains("JSON") ? "application/json"
                    : "application/zip", c.getValue()));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                long peak = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP).mapToLong(p -> p.getPeakUsage().getUsed()).sum();
                String answer = Json.text(r.body());
                System.out.printf(Locale.ROOT, "%-52s %5.1f MB body: %d in %6d ms, heap peak %4.0f MB above %3.0f MB"
                    + " (%s)%n", c.getKey(), c.getValue().length / 1e6, r.status(), ms, (peak - base) / 1e6,
                    base / 1e6, answer.substring(0, Math.min(90, answer.length())));
            }
        }
    }

    private static long used() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
            .mapToLong(p -> p.getUsage().getUsed()).sum();
    }
}
