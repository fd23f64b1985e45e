package de.datenhafen.plugins.transit.gtfs;

/**
 * One thing wrong with a feed: where (file, 1-based line, column name; line 0 and an empty column for the file as a
 * whole) and what. An error in a row skips the row in tolerant mode and fails the import in strict mode; a warning
 * never does.
 */
public record GtfsProblem(Severity severity, String file, long line, String column, String message) {

    /**
     * The longest file name, column and message a problem keeps; longer ones are cut. The importer quotes values
     * short ({@link Problems#quote}); this bounds what it does not (a header's column name, an entry's name in the
     * archive, a list of columns), since each of the hundred problems kept goes to the status and the log.
     */
    static final int MAX_FILE = 200;
    static final int MAX_COLUMN = 100;
    static final int MAX_MESSAGE = 1000;

    public GtfsProblem {
        file = cut(file, MAX_FILE);
        column = cut(column, MAX_COLUMN);
        message = cut(message, MAX_MESSAGE);
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max) + "...";
    }

    /** How bad a problem is. */
    public enum Severity { ERROR, WARNING }

    @Override
    public String toString() {
        return file + (line > 0 ? " line " + line : "") + (column.isEmpty() ? "" : " column " + column) + ": "
            + message;
    }
}
