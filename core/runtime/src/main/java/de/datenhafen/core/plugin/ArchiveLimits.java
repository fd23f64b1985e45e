package de.datenhafen.core.plugin;

/**
 * How far a plugin archive may expand, checked from its directory before anything is inflated and again while its
 * entries stream, so a lying directory is caught too.
 *
 * @param maxEntries entries one archive may hold (the plugin archive, and each jar inside it on its own)
 * @param maxExpandedBytes bytes the plugin archive and the jars inside it may expand to, all together
 * @param maxRatio how many times its compressed size an entry may expand to (checked once it passes
 *                 {@link #RATIO_FLOOR}, so small, very compressible files do not count)
 */
public record ArchiveLimits(int maxEntries, long maxExpandedBytes, int maxRatio) {

    /** Entries below this size may have any ratio: a 100 KB file of spaces is no bomb. */
    static final long RATIO_FLOOR = 1024 * 1024;

    /** The config keys that set them, named in refusals so an admin knows what to raise. */
    static final String ENTRIES_KEY = "plugin.max.entries";
    static final String EXPANDED_KEY = "plugin.max.expanded";
    static final String RATIO_KEY = "plugin.max.ratio";

    public static final ArchiveLimits DEFAULTS = new ArchiveLimits(20_000, 512L * 1024 * 1024, 100);

    public ArchiveLimits {
        if (maxEntries < 1 || maxExpandedBytes < 1 || maxRatio < 1) {
            throw new IllegalArgumentException("archive limits must be positive: " + maxEntries + " entries, "
                + maxExpandedBytes + " bytes, ratio " + maxRatio);
        }
    }
}
