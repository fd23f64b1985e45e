package de.datenhafen.plugins.transit.gtfs;

import java.util.ArrayList;
import java.util.List;

/** Collects problems of one import: all are counted, the first {@link #KEPT} are kept for the status page. */
public final class Problems {

    static final int KEPT = 100;

    private final boolean strict;
    private final List<GtfsProblem> kept = new ArrayList<>();
    private long errors;
    private long warnings;

    public Problems(boolean strict) {
        this.strict = strict;
    }

    /** Records a row error; in strict mode the import stops here. */
    void error(String file, long line, String column, String message) {
        add(new GtfsProblem(GtfsProblem.Severity.ERROR, file, line, column, message));
        errors++;
        if (strict) {
            throw new GtfsImportException("strict import stopped at " + kept.get(kept.size() - 1), kept);
        }
    }

    /** Records a fault that no mode tolerates (missing required file or column, unreadable archive). */
    GtfsImportException fatal(String file, long line, String column, String message) {
        add(new GtfsProblem(GtfsProblem.Severity.ERROR, file, line, column, message));
        errors++;
        return new GtfsImportException(kept.get(kept.size() - 1).toString(), kept);
    }

    void warning(String file, long line, String column, String message) {
        add(new GtfsProblem(GtfsProblem.Severity.WARNING, file, line, column, message));
        warnings++;
    }

    /** The most characters of a value of the feed that a problem quotes. */
    static final int QUOTED = 100;

    /**
     * A value of the feed as a problem's message quotes it: in single quotes, cut after {@value #QUOTED} characters.
     * A problem's text goes to the status, the integration's lastError and the log; a value that filled a record
     * (up to a million characters) would make each of the hundred problems kept as large.
     */
    static String quote(String value) {
        return "'" + (value.length() <= QUOTED ? value : value.substring(0, QUOTED) + "...") + "'";
    }

    private void add(GtfsProblem p) {
        if (kept.size() < KEPT) {
            kept.add(p);
        } else if (p.severity() == GtfsProblem.Severity.ERROR && strict) {
            kept.set(KEPT - 1, p);
        }
    }

    public List<GtfsProblem> kept() {
        return List.copyOf(kept);
    }

    public long errors() {
        return errors;
    }

    public long warnings() {
        return warnings;
    }
}
