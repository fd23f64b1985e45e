package de.datenhafen.plugins.transit.gtfs;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;

/**
 * The GTFS CSV reader takes files from any feed server an admin names: whatever the bytes, it reads records (and
 * every accessor answers for every field, in range or not) or refuses the file with a {@link GtfsImportException},
 * within bounded memory (a record is at most {@link GtfsRecords#MAX_RECORD} characters). The hash of a field must be the
 * hash of its text: the id look-up of five million stop times relies on it.
 */
class GtfsCsvFuzzTest {

    private static final IdIndex STOPS = new IdIndex(Map.of("hbf", 0, "koberg", 1, " ", 2, "", 3));

    @FuzzTest(maxDuration = "5s")
    void readsRecordsOrRefusesTheFile(byte[] file) throws IOException {
        try {
            GtfsTable t = new GtfsTable("stop_times.txt", new ByteArrayInputStream(file), new Problems(false));
            t.optional("stop_id");
            while (t.next()) {
                GtfsRecords c = t.csv;
                check(c.fieldCount() >= 1 && c.fieldCount() <= GtfsRecords.MAX_FIELDS, "field count", c);
                for (int i = -1; i <= c.fieldCount(); i++) {
                    String v = c.get(i);
                    check(c.fieldHash(i) == v.hashCode(), "hash of field " + i, c);
                    check(c.trimmedEquals(i, v), "trimmedEquals of field " + i, c);
                    check(c.isEmpty(i) == v.isEmpty(), "isEmpty of field " + i, c);
                    c.fieldEquals(i, v);
                    c.getInt(i, -1);
                    c.getTime(i);
                    c.getDouble(i);
                    GtfsTime.parseDate(v);
                    int stop = STOPS.find(c, i);
                    check(stop == -1 || stop == 0 || stop == 1 || stop == 3, "stop index " + stop, c);
                }
                t.requiredValue(0, "trip_id");
            }
        } catch (GtfsImportException refused) {
            check(!refused.problems().isEmpty(), "a refusal without problems", null);
        }
    }

    /** Plain checks: AssertJ's objects in this loop would be most of each run's time. */
    private static void check(boolean ok, String what, GtfsRecords c) {
        if (!ok) {
            throw new AssertionError(what + (c == null ? "" : " at line " + c.line()));
        }
    }
}
