package de.datenhafen.plugins.transit.gtfs;

/**
 * What one GTFS import may take in: the archive's size as downloaded or read ({@code maxFeedBytes}), how many entries
 * it may have, what they may expand to in all and per byte of an entry ({@code maxRatio}, past its first MiB), and how
 * many rows the timetable may keep: stop times, shape points, and the rows of all other files together. Past any of
 * them the import fails with the limit named, and the timetable in use stays.
 *
 * <p>Expanded bytes are counted as they come out of the inflater, whatever an entry's header says. The row limits are
 * what bounds the heap: a kept stop time costs about 35 bytes once loaded and some 120 while the import runs, a shape
 * point some 8 and 24, any other row up to about 500 (a trip with its id, a service with its calendar rules). The
 * defaults fit the state-wide benchmark feed (5 million stop times, 250,000 trips, 200,000 shape points; 43 MB
 * zipped, 212 MB expanded) in the hub's default heap of 1 GB; a larger feed needs the agency filter or a larger
 * heap and larger limits.
 *
 * @param maxFeedBytes    the largest archive, downloaded or read from the import folder
 * @param maxExpandedBytes what all entries together may expand to
 * @param maxEntries      the most entries the archive may have
 * @param maxRatio        how many times its compressed size an entry may expand to (past its first MiB)
 * @param maxStopTimes    the most stop times kept
 * @param maxShapePoints  the most shape points kept
 * @param maxRows         the most rows kept of all other files together
 */
public record GtfsLimits(long maxFeedBytes, long maxExpandedBytes, int maxEntries, int maxRatio, int maxStopTimes,
                         int maxShapePoints, int maxRows) {

    private static final long MIB = 1024L * 1024L;

    /*
     * The longest text the timetable keeps of each field, in characters (after trimming). Not settings: GTFS fields
     * are short, and what the timetable keeps goes into the public answers (200 stops of a search, 200 departures)
     * and the city's page, which are bounded only if the text is. A record may hold a million characters, so before
     * these a feed of 200 stops named with a million characters each imported fine and made one anonymous stop search
     * answer 200 MB, and the hub ran out of memory (again after each restart, from the kept archive). A field past
     * its bound fails the import naming file, line and field, in strict and tolerant mode alike, as a record past its
     * bound does: it is not a sloppy row to skip but a feed broken or made to harm. Fields the importer reads past
     * (stop_desc, the URLs, ...) keep nothing and are bounded by the record alone.
     */

    /**
     * Ids: agency_id, service_id, route_id, trip_id, stop_id, parent_station, shape_id. Real ones are keys of a few
     * dozen characters at most; 255 is the usual width of a database key.
     */
    public static final int MAX_ID_LENGTH = 255;

    /**
     * Names a rider reads: agency_name, stop_name, trip_headsign, and feed_info's feed_publisher_name and
     * feed_version. A stop's name is what a departure board shows; real ones are a few words.
     */
    public static final int MAX_NAME_LENGTH = 255;

    /** route_short_name: the spec asks for 12 characters at most ("5", "100X", "Green"); some feeds say more. */
    public static final int MAX_SHORT_NAME_LENGTH = 100;

    /** route_long_name: some feeds list a line's main stops in it ("Hbf - Koberg - ... - Travemünde Strand"). */
    public static final int MAX_LONG_NAME_LENGTH = 500;

    /** platform_code: a platform's letter or number ("G", "3", "Steig 12"). */
    public static final int MAX_PLATFORM_CODE_LENGTH = 100;

    public static final GtfsLimits DEFAULTS = new GtfsLimits(256 * MIB, 1024 * MIB, 100, 100, 6_000_000, 10_000_000,
        1_000_000);

    public GtfsLimits {
        if (maxFeedBytes < 1 || maxExpandedBytes < 1 || maxEntries < 1 || maxRatio < 1 || maxStopTimes < 1
            || maxShapePoints < 1 || maxRows < 1) {
            throw new IllegalArgumentException("every GTFS import limit must be 1 or more");
        }
    }
}
