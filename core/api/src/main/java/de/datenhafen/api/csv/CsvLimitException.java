package de.datenhafen.api.csv;

import de.datenhafen.api.PayloadTooLargeException;

/**
 * A record passed one of the {@link CsvLimits}: the file is not read further. Its message names the file, the line
 * where the record starts and the limit ({@code stops.txt line 9: a record longer than 1048576 characters}); let it
 * through a route and the hub answers 413, or catch it to report it in the plugin's own terms.
 *
 * @since 1.1
 */
public class CsvLimitException extends PayloadTooLargeException {

    private final String file;
    private final long line;
    private final String reason;

    public CsvLimitException(String file, long line, String reason) {
        super(file + " line " + line + ": " + reason);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    /** The file as the caller named it. */
    public String file() {
        return file;
    }

    /** The line where the refused record starts. */
    public long line() {
        return line;
    }

    /** The limit passed, without file and line ({@code a cell longer than 1000000 characters}). */
    public String reason() {
        return reason;
    }
}
