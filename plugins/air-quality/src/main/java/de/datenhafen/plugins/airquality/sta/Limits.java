package de.datenhafen.plugins.airquality.sta;

/**
 * What one public SensorThings request may build: how deep {@code $expand} nests, how many entities an answer holds
 * (every expanded one counted), and how many bytes its JSON has. Past each the request is a 400 naming the option
 * and the limit, before the answer could fill the heap: 50 levels of {@code Datastreams/Thing/...} grow about four
 * times per two levels. {@code maxSkip} is the largest {@code $skip} on Observations: the database walks every row
 * it skips (ordered by {@code result}, it sorts them all first), so a deep offset was seconds of a core for one
 * request; deeper pages come from the nextLinks, which continue after the last Observation of a page
 * ({@code $skiptoken}) where the order allows. From the connector's config ({@code max-expand-depth},
 * {@code max-entities}, {@code max-answer-bytes}, {@code max-skip}); {@code read-cpu-per-second} is the CPU time all
 * reads together may use per second (see {@link Throttle}).
 */
record Limits(int maxExpandDepth, int maxEntities, int maxAnswerBytes, java.time.Duration readCpuPerSecond,
              int maxSkip) {

    /** The connector's defaults; see {@code bench/RESULTS.md} for what the largest answer they allow costs. */
    static final Limits DEFAULT = new Limits(3, 10_000, 8 * 1024 * 1024, java.time.Duration.ofMillis(500), 10_000);

    /**
     * A query option's value at most (after %-decoding). The hub's request line is shorter; this keeps the parsers'
     * work bounded whatever reaches them.
     */
    static final int MAX_OPTION_LENGTH = 8192;

    Limits {
        if (maxExpandDepth < 0 || maxEntities < 1 || maxAnswerBytes < 1024 || readCpuPerSecond.isNegative()
            || readCpuPerSecond.isZero() || maxSkip < 0) {
            throw new IllegalArgumentException("max-expand-depth must be 0 or more, max-entities at least 1, "
                + "max-answer-bytes at least 1024, read-cpu-per-second more than 0 and max-skip 0 or more");
        }
    }
}
