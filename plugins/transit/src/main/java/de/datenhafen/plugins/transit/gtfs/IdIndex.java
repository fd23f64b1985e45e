package de.datenhafen.plugins.transit.gtfs;

import java.util.Map;

/**
 * A read-only id → index table that looks up a CSV field where it lies, without making a string of it: for the
 * five million stop_id lookups of a state-wide stop_times.txt. Open addressing with linear probing, filled once.
 */
final class IdIndex {

    private final String[] keys;
    /** The keys' hash codes, beside them: a probe compares ints and touches a String only on a likely match. */
    private final int[] hashes;
    private final int[] values;
    private final int mask;
    private final int shift;

    IdIndex(Map<String, Integer> ids) {
        int cap = Integer.highestOneBit(Math.max(4, ids.size() * 2 - 1)) << 1;
        keys = new String[cap];
        hashes = new int[cap];
        values = new int[cap];
        mask = cap - 1;
        shift = 32 - Integer.numberOfTrailingZeros(cap);
        ids.forEach((k, v) -> {
            int i = slot(k.hashCode());
            while (keys[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = k;
            hashes[i] = k.hashCode();
            values[i] = v;
        });
    }

    /** The index of the id in field {@code column} of the current record (as {@link GtfsRecords#get}), or -1. */
    int find(GtfsRecords csv, int column) {
        int h = csv.fieldHash(column);
        int i = slot(h);
        while (true) {
            String k = keys[i];
            if (k == null) {
                return -1;
            }
            if (hashes[i] == h && csv.trimmedEquals(column, k)) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * Fibonacci hashing: ids such as s1, s2, s3 have consecutive hash codes, which would sit in one long run of a
     * linear-probing table; multiplying by 2^32/phi spreads them over the whole table.
     */
    private int slot(int h) {
        return (h * 0x9E3779B9) >>> shift;
    }
}
