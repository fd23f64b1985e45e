package de.datenhafen.plugins.transit.gtfs;

/**
 * One thing wrong with a feed: where (file, 1-based line, column name; line 0 and an empty column for the file as a
 * whole) and what. An error in a row skips the row in tolerant mode and fails the import in strict mode; a warning
 * never does.
 */
public record GtfsProblem(Severity severity, String file, long line, String column, String message) {

    /** How bad a problem is. */
    public enum Severity { ERROR, WARNING }

    @Override
    public String toString() {
        return file + (line > 0 ? " line " + line : "") + (column.isEmpty() ? "" : " column " + column) + ": "
            + message;
    }
}
