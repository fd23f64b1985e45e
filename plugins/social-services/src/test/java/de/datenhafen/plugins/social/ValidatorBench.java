package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Validator;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Schema validation before and after, in one JVM on the same services: Vert.x's validator with the inlined schema
 * (what the plugin ran before) against networknt's (what it runs now), one thread each, on the services of the
 * generated tabular data package that bench/search-and-import.sh imports. Two rounds, so that the second shows
 * each warm. Then the whole per-service check of an import ({@link HsdsSchemas#check} with the shared location
 * cache: schema and rules), one thread and on all cores. Usage: {@code ValidatorBench [services=20000]}.
 */
public final class ValidatorBench {

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        DataSet generated = DemoData.generate(count / 50, 50, 1, LocalDate.of(2026, 11, 26));
        List<ObjectNode> services = DataSets.fromZip(TabularWriter.zip(TabularWriter.write(generated))).services();
        System.out.printf(Locale.ROOT, "%d services; %d cores; load average %s%n", services.size(),
            Runtime.getRuntime().availableProcessors(), load());

        long t = System.nanoTime();
        Validator vertx = new VertxHsdsValidator().inlined("service");
        System.out.printf(Locale.ROOT, "  Vert.x validator ready in %d ms%n", (System.nanoTime() - t) / 1_000_000);
        t = System.nanoTime();
        HsdsSchemas schemas = HsdsSchemas.get();
        System.out.printf(Locale.ROOT, "  networknt validator (23 files) ready in %d ms%n",
            (System.nanoTime() - t) / 1_000_000);

        for (int round = 1; round <= 2; round++) {
            t = System.nanoTime();
            int invalid = 0;
            for (ObjectNode s : services) {
                if (!Boolean.TRUE.equals(vertx.validate(new JsonObject(Json.MAPPER.convertValue(s, Map.class)))
                    .getValid())) {
                    invalid++;
                }
            }
            report("round " + round + ": Vert.x (inlined schema)", t, services.size(), invalid);
            t = System.nanoTime();
            invalid = 0;
            for (ObjectNode s : services) {
                if (!schemas.errors("service", s).isEmpty()) {
                    invalid++;
                }
            }
            report("round " + round + ": networknt", t, services.size(), invalid);
        }
        Map<JsonNode, List<com.networknt.schema.Error>> locations = new ConcurrentHashMap<>();
        t = System.nanoTime();
        long problems = services.stream().mapToLong(s -> schemas.check("service", s, Map.of(), locations).size()).sum();
        report("whole check (schema, rules, each location once), 1 thread", t, services.size(), problems);
        locations.clear();
        t = System.nanoTime();
        problems = services.parallelStream().mapToLong(s -> schemas.check("service", s, Map.of(), locations).size())
            .sum();
        report("whole check, parallel", t, services.size(), problems);
        System.out.printf(Locale.ROOT, "load average %s%n", load());
    }

    private static void report(String what, long t0, int n, long invalid) {
        double ms = (System.nanoTime() - t0) / 1e6;
        System.out.printf(Locale.ROOT, "%-60s %8.0f ms  %7.1f µs/service  (%d invalid/problems)%n", what, ms,
            ms * 1000 / n, invalid);
    }

    private static String load() throws java.io.IOException {
        String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }
}
