package de.datenhafen.api.csv;

import java.util.List;

/**
 * One record of a CSV file, its cells as written (not trimmed), and the line of the file where it starts (1-based,
 * physical lines: a quoted line break and a skipped blank line count), for problems that point a user at it.
 *
 * @param line the line where the record starts
 * @param cells the cells, at least one
 * @param unclosedQuote true when the file ended inside a quoted cell of this record (then the cell holds the rest of
 *     the file); the caller decides whether that is an error
 * @since 1.1
 */
public record CsvRow(long line, List<String> cells, boolean unclosedQuote) {

    public CsvRow {
        cells = List.copyOf(cells);
    }

    /** Cell {@code i} as written, or the empty string when the record has no such cell. */
    public String get(int i) {
        return i >= 0 && i < cells.size() ? cells.get(i) : "";
    }

    /** How many cells the record has. */
    public int size() {
        return cells.size();
    }
}
