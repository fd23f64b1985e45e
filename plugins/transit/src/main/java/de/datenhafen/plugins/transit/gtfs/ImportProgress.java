package de.datenhafen.plugins.transit.gtfs;

/**
 * Where a running import is: the file being read, its rows so far and how far through the file it is. The importer
 * calls {@link #update} from its own thread every few thousand rows; implementations must be cheap and thread-safe.
 */
@FunctionalInterface
public interface ImportProgress {

    ImportProgress NONE = (file, rows, percent) -> { };

    /** {@code percent} is of the file's uncompressed size, 0 to 100, or -1 when the size is unknown. */
    void update(String file, long rows, int percent);
}
