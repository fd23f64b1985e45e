package de.datenhafen.plugins.transit.gtfs;

import de.datenhafen.api.csv.CsvLimitException;
import de.datenhafen.api.csv.CsvLimits;
import de.datenhafen.api.csv.CsvRow;
import de.datenhafen.api.csv.CsvRows;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The records of one GTFS file, read by the plugin API's {@link CsvRows} (RFC 4180, a byte-order mark dropped, blank
 * lines skipped), with the accessors the importer wants: fields trimmed of blanks and tabs, numbers, times and
 * coordinates parsed the GTFS way, a field's hash for the id look-up of {@link IdIndex}.
 */
public final class GtfsRecords implements Closeable {

    /**
     * The longest record, in characters, and the most fields one may have. A GTFS row is a few hundred characters;
     * without a bound, one endless line (a file of 300 MB without a line break, which a zip keeps in a few hundred KB)
     * would take the heap. Past either, the file is refused.
     */
    public static final int MAX_RECORD = 1 << 20;
    public static final int MAX_FIELDS = 1000;
    private static final CsvLimits LIMITS = new CsvLimits(MAX_RECORD, MAX_RECORD, MAX_FIELDS);

    private final CsvRows rows;
    private final String file;
    private List<String> fields = List.of();
    private CsvRow row;

    /** Reads {@code stream} (UTF-8); {@code file} names it in a refusal. */
    public GtfsRecords(InputStream stream, String file) {
        this.rows = CsvRows.read(stream, file, LIMITS);
        this.file = file;
    }

    /** Reads the next non-blank record; false at the end of the input. */
    public boolean next() throws IOException {
        try {
            row = rows.next();
        } catch (CsvLimitException e) {
            GtfsProblem p = new GtfsProblem(GtfsProblem.Severity.ERROR, file, e.line(), "", e.reason()
                + " (the file is not read further)");
            throw new GtfsImportException(p.toString(), List.of(p));
        }
        fields = row == null ? List.of() : row.cells();
        return row != null;
    }

    @Override
    public void close() throws IOException {
        rows.close();
    }

    /** The number of fields in the current record. */
    public int fieldCount() {
        return fields.size();
    }

    /** The line (1-based) where the current record starts. */
    public long line() {
        return row == null ? 0 : row.line();
    }

    /** Whether the current record ended inside a quoted field (a broken file). */
    public boolean unterminatedQuote() {
        return row != null && row.unclosedQuote();
    }

    /** Whether field {@code i} is missing or empty after trimming spaces. */
    public boolean isEmpty(int i) {
        return get(i).isEmpty();
    }

    /** Field {@code i}, trimmed of blanks and tabs; empty string when missing. */
    public String get(int i) {
        String v = raw(i);
        int s = 0;
        int e = v.length();
        while (s < e && isBlank(v.charAt(s))) {
            s++;
        }
        while (e > s && isBlank(v.charAt(e - 1))) {
            e--;
        }
        return v.substring(s, e);
    }

    /** Whether field {@code i} holds exactly the characters of {@code s} (no trimming). */
    public boolean fieldEquals(int i, String s) {
        return raw(i).equals(s);
    }

    /** {@link String#hashCode()} of field {@code i} as {@link #get} returns it. */
    public int fieldHash(int i) {
        return get(i).hashCode();
    }

    /** Whether field {@code i}, trimmed as by {@link #get}, holds exactly {@code str}. */
    public boolean trimmedEquals(int i, String str) {
        return get(i).equals(str);
    }

    /**
     * Field {@code i} as an integer, {@code missing} when empty, or {@link Integer#MIN_VALUE} when it is not a plain
     * integer of at most nine digits.
     */
    public int getInt(int i, int missing) {
        String v = get(i);
        if (v.isEmpty()) {
            return missing;
        }
        int s = v.charAt(0) == '-' || v.charAt(0) == '+' ? 1 : 0;
        if (s >= v.length() || v.length() - s > 9) {
            return Integer.MIN_VALUE;
        }
        int n = 0;
        for (int k = s; k < v.length(); k++) {
            char c = v.charAt(k);
            if (c < '0' || c > '9') {
                return Integer.MIN_VALUE;
            }
            n = n * 10 + (c - '0');
        }
        return v.charAt(0) == '-' ? -n : n;
    }

    /**
     * Field {@code i} as a GTFS time ({@code H:MM:SS} or {@code HH:MM:SS}, hours may pass 24) in seconds after the
     * service day's start; -1 when empty; {@link Integer#MIN_VALUE} when malformed.
     */
    public int getTime(int i) {
        String v = get(i);
        return v.isEmpty() ? -1 : GtfsTime.parse(v.toCharArray(), 0, v.length());
    }

    /** Field {@code i} as a decimal number (coordinates), NaN when empty or malformed. */
    public double getDouble(int i) {
        String v = get(i);
        if (v.isEmpty()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private String raw(int i) {
        return i >= 0 && i < fields.size() ? fields.get(i) : "";
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }
}
