package de.datenhafen.plugins.social;

import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC 4180 reader: quoted fields with commas, doubled quotes and line breaks; CRLF or LF; a UTF-8 BOM; blank
 * lines skipped. It reads one record at a time, so a file is never held as a list of rows; a record keeps at most
 * {@code maxCells} cells (the rest are counted) and a cell at most {@link #MAX_CELL} characters, past which the file
 * is refused: no HSDS field is that long (a whole stored service is at most 1,000,000 characters), and a cell built
 * without end would take the heap with it.
 */
final class Csv {

    static final int MAX_CELL = 1_000_000;

    private final PushbackReader in;
    private final int maxCells;
    private final String file;
    private boolean started;
    private int cells;
    private long record;

    Csv(Reader in, int maxCells, String file) {
        this.in = new PushbackReader(in, 1);
        this.maxCells = maxCells;
        this.file = file;
    }

    /** The next record's cells (at most {@code maxCells}), or null at the end. */
    List<String> next() throws IOException {
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        cells = 0;
        record++;
        if (!started) {
            started = true;
            int c = in.read();
            if (c >= 0 && c != '\uFEFF') {
                in.unread(c);
            }
        }
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (any || field.length() > 0) {
                    cell(row, field);
                    return row;
                }
                return null;
            }
            if (quoted) {
                if (c == '"') {
                    int d = in.read();
                    if (d == '"') {
                        append(field, '"');
                    } else {
                        quoted = false;
                        if (d >= 0) {
                            in.unread(d);
                        }
                    }
                } else {
                    append(field, (char) c);
                }
            } else if (c == '"') {
                quoted = true;
                any = true;
            } else if (c == ',') {
                cell(row, field);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r') {
                    int d = in.read();
                    if (d >= 0 && d != '\n') {
                        in.unread(d);
                    }
                }
                if (any || field.length() > 0) {
                    cell(row, field);
                    return row;
                }
            } else {
                append(field, (char) c);
                any = true;
            }
        }
    }

    /** How many cells the last record had, the ones past {@code maxCells} included. */
    int cells() {
        return cells;
    }

    private void append(StringBuilder field, char c) {
        if (field.length() == MAX_CELL) {
            throw new ImportRefused(413, file + ": a cell of record " + record + " is longer than " + MAX_CELL
                + " characters");
        }
        field.append(c);
    }

    private void cell(List<String> row, StringBuilder field) {
        cells++;
        if (row.size() < maxCells) {
            row.add(field.toString());
        }
        field.setLength(0);
    }

    /** Quotes a value for writing when it needs it. */
    static String quote(String v) {
        if (v == null) {
            return "";
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }
}
