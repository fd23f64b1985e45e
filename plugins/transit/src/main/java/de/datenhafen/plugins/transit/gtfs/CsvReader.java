package de.datenhafen.plugins.transit.gtfs;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A streaming reader of RFC 4180 CSV as GTFS uses it: UTF-8 with or without a byte-order mark, CRLF, LF or CR line
 * ends, quoted fields with doubled quotes and embedded line breaks, blank lines skipped. One record at a time; the
 * fields live in a reused buffer, so numeric fields are parsed without making strings.
 *
 * <p>Written here rather than taken from onebusaway-gtfs because a state-wide feed (millions of stop_times) must load
 * in seconds and in a few hundred MB: onebusaway makes one object per row (see bench/README).
 */
public final class CsvReader implements Closeable {

    /**
     * The longest record, in characters, and the most fields one may have. A GTFS row is a few hundred characters;
     * without a bound, one endless line (a file of 300 MB without a line break, which a zip keeps in a few hundred KB)
     * would grow the record buffer until the heap is gone. Past either, the file is refused.
     */
    public static final int MAX_RECORD = 1 << 20;
    public static final int MAX_FIELDS = 1000;

    private final Reader in;
    private final String file;
    private final char[] buf = new char[1 << 16];
    private int pos;
    private int limit;
    private boolean eof;

    private char[] rec = new char[256];
    private int recLen;
    private int[] starts = new int[32];
    private int[] ends = new int[32];
    private int fieldCount;

    private long line = 1;
    private long recordLine;
    private boolean unterminatedQuote;

    /** Reads {@code stream}; {@code file} names it in a refusal. */
    public CsvReader(InputStream stream, String file) {
        this.in = new InputStreamReader(stream, StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE));
        this.file = file;
    }

    /** Reads the next non-blank record; false at the end of the input. */
    public boolean next() throws IOException {
        while (true) {
            if (!fill()) {
                return false;
            }
            recLen = 0;
            fieldCount = 0;
            recordLine = line;
            unterminatedQuote = false;
            boolean blank = readRecord();
            if (!blank) {
                return true;
            }
            if (eof && pos >= limit) {
                return false;
            }
        }
    }

    /** Reads one physical record; true if it was blank (no characters at all). */
    private boolean readRecord() throws IOException {
        int fieldStart = 0;
        boolean any = false;
        while (true) {
            if (pos >= limit && !fill()) {
                endField(fieldStart);
                return !any;
            }
            char c = buf[pos];
            if (c == '"' && recLen == fieldStart) {
                pos++;
                any = true;
                readQuoted();
                continue;
            }
            pos++;
            if (c == ',') {
                any = true;
                endField(fieldStart);
                fieldStart = recLen;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r') {
                    if (pos >= limit) {
                        fill();
                    }
                    if (pos < limit && buf[pos] == '\n') {
                        pos++;
                    }
                }
                line++;
                endField(fieldStart);
                return !any;
            } else {
                if (c == '\uFEFF' && line == 1 && recLen == 0 && fieldCount == 0) {
                    continue; // byte-order mark
                }
                any = true;
                append(c);
            }
        }
    }

    private void readQuoted() throws IOException {
        while (true) {
            if (pos >= limit && !fill()) {
                unterminatedQuote = true;
                return;
            }
            char c = buf[pos++];
            if (c == '"') {
                if (pos >= limit) {
                    fill();
                }
                if (pos < limit && buf[pos] == '"') {
                    pos++;
                    append('"');
                } else {
                    return; // closing quote; anything up to the next comma is kept as written
                }
            } else {
                if (c == '\n') {
                    line++;
                } else if (c == '\r' && !(pos < limit && buf[pos] == '\n')) {
                    line++;
                }
                append(c);
            }
        }
    }

    private void append(char c) {
        if (recLen == rec.length) {
            if (recLen == MAX_RECORD) {
                throw refused("a record longer than " + MAX_RECORD + " characters");
            }
            rec = Arrays.copyOf(rec, Math.min(MAX_RECORD, rec.length * 2));
        }
        rec[recLen++] = c;
    }

    private GtfsImportException refused(String what) {
        GtfsProblem p = new GtfsProblem(GtfsProblem.Severity.ERROR, file, recordLine, "", what + " (the file is not read "
            + "further)");
        return new GtfsImportException(p.toString(), java.util.List.of(p));
    }

    private void endField(int start) {
        if (fieldCount == MAX_FIELDS) {
            throw refused("a record of more than " + MAX_FIELDS + " fields");
        }
        if (fieldCount == starts.length) {
            starts = Arrays.copyOf(starts, fieldCount * 2);
            ends = Arrays.copyOf(ends, fieldCount * 2);
        }
        starts[fieldCount] = start;
        ends[fieldCount] = recLen;
        fieldCount++;
    }

    private boolean fill() throws IOException {
        if (pos < limit) {
            return true;
        }
        if (eof) {
            return false;
        }
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            eof = true;
            pos = limit = 0;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** The number of fields in the current record. */
    public int fieldCount() {
        return fieldCount;
    }

    /** The line (1-based) where the current record starts. */
    public long line() {
        return recordLine;
    }

    /** Whether the current record ended inside a quoted field (a broken file). */
    public boolean unterminatedQuote() {
        return unterminatedQuote;
    }

    /** Whether field {@code i} is missing or empty after trimming spaces. */
    public boolean isEmpty(int i) {
        if (i < 0 || i >= fieldCount) {
            return true;
        }
        for (int k = starts[i]; k < ends[i]; k++) {
            if (rec[k] != ' ' && rec[k] != '\t') {
                return false;
            }
        }
        return true;
    }

    /** Field {@code i}, trimmed; empty string when missing. */
    public String get(int i) {
        if (i < 0 || i >= fieldCount) {
            return "";
        }
        int s = trimmedStart(i);
        int e = trimmedEnd(i, s);
        return new String(rec, s, e - s);
    }

    /** Whether field {@code i} holds exactly the characters of {@code s} (no trimming); allocation-free. */
    public boolean fieldEquals(int i, String s) {
        if (i < 0 || i >= fieldCount) {
            return s.isEmpty();
        }
        int len = ends[i] - starts[i];
        if (len != s.length()) {
            return false;
        }
        int o = starts[i];
        for (int k = 0; k < len; k++) {
            if (rec[o + k] != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** {@link String#hashCode()} of field {@code i} as {@link #get} would return it, without making the string. */
    public int fieldHash(int i) {
        if (i < 0 || i >= fieldCount) {
            return 0;
        }
        int s = trimmedStart(i);
        int e = trimmedEnd(i, s);
        int h = 0;
        for (int k = s; k < e; k++) {
            h = 31 * h + rec[k];
        }
        return h;
    }

    /** Whether field {@code i}, trimmed as by {@link #get}, holds exactly {@code str}. */
    public boolean trimmedEquals(int i, String str) {
        if (i < 0 || i >= fieldCount) {
            return str.isEmpty();
        }
        int s = trimmedStart(i);
        int e = trimmedEnd(i, s);
        if (e - s != str.length()) {
            return false;
        }
        for (int k = 0; k < e - s; k++) {
            if (rec[s + k] != str.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Field {@code i} as a non-negative integer, {@code missing} when empty, or {@link Integer#MIN_VALUE} when it is
     * not a plain integer.
     */
    public int getInt(int i, int missing) {
        if (isEmpty(i)) {
            return missing;
        }
        int s = trimmedStart(i);
        int e = trimmedEnd(i, s);
        boolean negative = rec[s] == '-';
        if (negative || rec[s] == '+') {
            s++;
        }
        if (s >= e || e - s > 9) {
            return Integer.MIN_VALUE;
        }
        int v = 0;
        for (int k = s; k < e; k++) {
            char c = rec[k];
            if (c < '0' || c > '9') {
                return Integer.MIN_VALUE;
            }
            v = v * 10 + (c - '0');
        }
        return negative ? -v : v;
    }

    /**
     * Field {@code i} as a GTFS time ({@code H:MM:SS} or {@code HH:MM:SS}, hours may pass 24) in seconds after the
     * service day's start; -1 when empty; {@link Integer#MIN_VALUE} when malformed.
     */
    public int getTime(int i) {
        if (isEmpty(i)) {
            return -1;
        }
        int s = trimmedStart(i);
        int e = trimmedEnd(i, s);
        return GtfsTime.parse(rec, s, e);
    }
    /**
     * Field {@code i} as a decimal number (coordinates), NaN when empty or malformed. Plain decimals are parsed
     * without making a string; anything else (exponents) goes through {@link Double#parseDouble}.
     */
    public double getDouble(int i) {
        if (isEmpty(i)) {
            return Double.NaN;
        }
        int s = trimmedStart(i);
        int e = trimmedEnd(i, s);
        int k = s;
        boolean negative = rec[k] == '-';
        if (negative || rec[k] == '+') {
            k++;
        }
        long mantissa = 0;
        int digits = 0;
        int scale = 0;
        boolean dot = false;
        for (; k < e; k++) {
            char c = rec[k];
            if (c >= '0' && c <= '9') {
                if (digits == 15) {
                    return slowDouble(s, e); // beyond 2^53 the fast division is no longer exact
                }
                mantissa = mantissa * 10 + (c - '0');
                digits++;
                if (dot) {
                    scale++;
                }
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                return slowDouble(s, e);
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        double v = scale < POW10.length ? mantissa / POW10[scale] : slowDouble(s, e);
        return negative ? -v : v;
    }

    private static final double[] POW10 = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
        1e14, 1e15, 1e16, 1e17};

    private double slowDouble(int s, int e) {
        try {
            return Double.parseDouble(new String(rec, s, e - s));
        } catch (NumberFormatException ex) {
            return Double.NaN;
        }
    }

    /** Where field {@code i} starts once leading blanks and tabs are skipped. */
    private int trimmedStart(int i) {
        int s = starts[i];
        int e = ends[i];
        while (s < e && (rec[s] == ' ' || rec[s] == '\t')) {
            s++;
        }
        return s;
    }

    /** Where field {@code i} ends once trailing blanks and tabs are dropped, not before {@code start}. */
    private int trimmedEnd(int i, int start) {
        int e = ends[i];
        while (e > start && (rec[e - 1] == ' ' || rec[e - 1] == '\t')) {
            e--;
        }
        return e;
    }
}
