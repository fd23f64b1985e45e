package de.datenhafen.plugins.social;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Locale;

/**
 * The cost of the largest public answers, {@code GET /export}, {@code GET /export.zip} and list pages of the largest
 * size, for a generated directory
 * (default 20,000 services): time, answer size, bytes allocated by the answering thread (reading the whole answer as
 * the HTTP server would) and the heap's peak above what the directory holds. Run with {@code -Xmn32m} so that the
 * peak shows live data rather than uncollected garbage (README, Numbers).
 */
public final class ExportBench {
    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        ZoneId zone = ZoneId.of("Europe/Berlin");
        Directory dir = new Directory(TestDb.create("bench"), zone, () -> Callers.OWNER).load();
        dir.importSet(DemoData.generate(services / 50, 50, 1, LocalDate.now(zone)), null);
        dir.sent(Long.MAX_VALUE);
        Api api = new Api(dir, Limits.DEFAULTS, new TabularExport(java.nio.file.Files.createTempDirectory("export-bench")));
        String[][] requests = {{"export", null}, {"export.zip", null}, {"export", null}, {"export.zip", null},
            {"services", "per_page=500&page=3"}, {"service_at_locations", "per_page=500&page=3"},
            {"search", "q=Beratung&per_page=500"}, {"services", "search=Beratung+Familie&per_page=500"}};
        for (String[] request : requests) {
            String path = request[0] + (request[1] == null ? "" : "?" + request[1]);
            System.gc();
            long base = used();
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long a0 = t.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            Api.Response r = HubAnswers.of(api, new Api.Request("GET", request[0], request[1], null, null, null));
            long size = 0;
            if (r.stream() == null) {
                size = Json.bytes(r.body()).length;
            } else {
                try (java.io.InputStream in = r.stream()) {
                    byte[] buf = new byte[1 << 16];
                    for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                        size += n;
                    }
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long alloc = t.getCurrentThreadAllocatedBytes() - a0;
            long peak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            System.out.printf(Locale.ROOT, "%-52s %5d ms, answer %.1f MB, allocated %.0f MB, heap peak %.0f MB above %.0f MB%n",
                path, ms, size / 1e6, alloc / 1e6, (peak - base) / 1e6, base / 1e6);
        }
    }

    private static long used() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
            .mapToLong(p -> p.getUsage().getUsed()).sum();
    }
}
