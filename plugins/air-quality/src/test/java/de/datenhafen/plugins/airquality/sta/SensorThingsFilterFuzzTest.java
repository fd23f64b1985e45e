package de.datenhafen.plugins.airquality.sta;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The SensorThings query options come from anyone: whatever the text, {@code $filter}, {@code $orderby} and
 * {@code $expand} give a parse tree or the parser's 400 ({@link StaException} with status 400 and the option as its
 * field); a parsed filter is then evaluated on a small registry, which answers or refuses the same way. Anything
 * else (a NullPointerException, a StackOverflowError, an OutOfMemoryError, a hang) is a finding.
 */
class SensorThingsFilterFuzzTest {

    private static final Model.Graph GRAPH = new Model.Graph(new StaBackend.View(
        Map.of("gs-nord", new StaBackend.Site(1, "gs-nord", "Grundschule Nord", "Nordweg 1", 53.87, 10.68)),
        Map.of(1, new StaBackend.Room(1, "gs-nord", "1.01", "Klasse 1a", "classroom"),
            2, new StaBackend.Room(2, "gs-nord", "lz", "Lehrerzimmer", "staff room")),
        Map.of(1, Instant.parse("2026-01-01T00:00:00Z"))));

    @FuzzTest(maxDuration = "5s")
    void parsesOrRefusesCleanly(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            Expr filter = Parser.filter(text);
            Eval eval = new Eval(GRAPH, Instant.parse("2026-11-02T12:00:00Z"));
            for (Model.Type type : List.of(Model.Type.THING, Model.Type.DATASTREAM, Model.Type.LOCATION)) {
                try {
                    Eval.check(filter, type, "$filter");
                    for (Model.Entity e : GRAPH.all(type)) {
                        eval.test(filter, e);
                    }
                } catch (StaException refused) {
                    requireClear(refused, "$filter");
                }
            }
        } catch (StaException refused) {
            requireClear(refused, "$filter");
        }
        try {
            Parser.orderBy(text);
        } catch (StaException refused) {
            requireClear(refused, "$orderby");
        }
        try {
            Query.parse(Map.of("$expand", text), Limits.DEFAULT.maxExpandDepth());
        } catch (StaException refused) {
            requireClear(refused, "$expand");
        }
    }

    private static void requireClear(StaException e, String field) {
        if (e.status != 400 || !field.equals(e.field) || e.getMessage() == null || e.getMessage().isEmpty()) {
            throw new AssertionError("not a clear 400 naming " + field + ": " + e.status + " " + e.field + " "
                + e.getMessage(), e);
        }
    }
}
