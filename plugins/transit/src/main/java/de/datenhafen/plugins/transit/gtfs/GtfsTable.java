package de.datenhafen.plugins.transit.gtfs;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One GTFS file read row by row, with columns looked up by name once. Extra columns are ignored; a missing required
 * column is fatal; a row with fewer fields than the header reads the missing ones as empty.
 */
final class GtfsTable implements Closeable {

    final String file;
    final GtfsRecords csv;
    private final Problems problems;
    private final Map<String, Integer> columns = new HashMap<>();
    private long rows;

    GtfsTable(String file, InputStream in, Problems problems) throws IOException {
        this.file = file;
        this.csv = new GtfsRecords(in, file);
        this.problems = problems;
        if (!csv.next()) {
            throw problems.fatal(file, 1, "", "the file is empty: a header line is required");
        }
        for (int i = 0; i < csv.fieldCount(); i++) {
            String name = csv.get(i).toLowerCase(Locale.ROOT);
            if (!name.isEmpty() && columns.putIfAbsent(name, i) != null) {
                problems.warning(file, 1, name, "the column appears twice; the first is used");
            }
        }
    }

    /** The index of a required column. */
    int required(String column) {
        Integer i = columns.get(column);
        if (i == null) {
            throw problems.fatal(file, 1, column, "required column is missing (columns: "
                + String.join(",", columns.keySet()) + ")");
        }
        return i;
    }

    /** The index of an optional column, or -1 (then every field reads as empty). */
    int optional(String column) {
        return columns.getOrDefault(column, -1);
    }

    boolean next() throws IOException {
        boolean more = csv.next();
        if (more) {
            rows++;
            if (csv.unterminatedQuote()) {
                problems.error(file, csv.line(), "", "a quoted field is not closed before the end of the file");
            }
        }
        return more;
    }

    long rows() {
        return rows;
    }

    long line() {
        return csv.line();
    }

    /** A required field: its value, or null after recording an error. */
    String requiredValue(int column, String name) {
        if (csv.isEmpty(column)) {
            problems.error(file, csv.line(), name, "required value is empty");
            return null;
        }
        return csv.get(column);
    }

    /**
     * A required field the timetable keeps: its value, null after recording an error when it is empty; past
     * {@code max} characters the import fails ({@link GtfsLimits#MAX_ID_LENGTH} and the others say why).
     */
    String requiredValue(int column, String name, int max) {
        String v = requiredValue(column, name);
        return v == null ? null : bounded(v, name, max);
    }

    /**
     * An optional field the timetable keeps: its value (empty when missing); past {@code max} characters the import
     * fails naming file, line and field.
     */
    String text(int column, String name, int max) {
        return bounded(csv.get(column), name, max);
    }

    private String bounded(String v, String name, int max) {
        if (v.length() > max) {
            throw problems.fatal(file, csv.line(), name, "a " + name + " of " + v.length() + " characters; at most "
                + max);
        }
        return v;
    }

    @Override
    public void close() {
        // the zip entry stream is closed by the importer
    }
}
