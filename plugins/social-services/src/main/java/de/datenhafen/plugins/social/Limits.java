package de.datenhafen.plugins.social;

import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigCheck;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;

/**
 * How much one request may ask of the directory, from the {@code hsds-directory} integration's config: page sizes,
 * search terms and filter lists of the public API, and the size of an import (its body, what its zip expands to, its
 * entries, how far it may expand per byte, how many values it may hold). A request past a limit is refused with a
 * JSON error naming the parameter and the limit (400 for a query, 413 or 422 for an import); nothing is changed.
 *
 * <p>The import defaults admit the 20,000-service benchmark directory with room to spare: its tabular package is an
 * 8.1 MB zip expanding to 26.5 MB (ratio 3.3, 14 entries, 0.9 million values), its JSON export 56 MB with 1.3 million
 * values. What an import may hold is bounded by {@code max-import-values} rather than by bytes alone, because the
 * memory an import takes grows with the values it holds (each one a node of a tree), not with its bytes: a CSV of
 * one-letter cells costs about 50 times its size.
 *
 * <p>Each is hub-admin-only (API 1.6): they keep the hub safe from what the directory lets in, so the member-admins
 * who manage the integration do not raise them.
 */
record Limits(int maxPageSize, int maxSearchLength, int maxSearchWords, int maxFilterValues, int maxImportMb,
              int maxImportExpandedMb, int maxImportEntries, int maxImportRatio, int maxImportValues) {

    static final Limits DEFAULTS = new Limits(500, 200, 10, 20, 64, 128, 64, 100, 2_000_000);

    /*
     * One service's edit (POST /services, PUT /services/{id}) has bounds of its own, far below an import's: any known
     * caller may send one, and with the import's 2 million values ten of them at once took the hub's heap (a tree
     * costs 50 to 100 bytes a value). A service is small. HSDS 3.1's own example of a service with one of every
     * nested object (examples/service_full.json of openreferral/specification, its organisation with locations,
     * contacts and phones included) is 22.7 KB pretty-printed, 449 values, 10 levels deep; the largest service of the
     * demo directory and of the 20,000-service benchmark directory, with its organisation as GET /services/{id}
     * answers it, is 4.9 KB, 120 values, 6 levels. They are not config keys: a larger change is an import.
     */

    /**
     * The largest edit body, in bytes: a service as long as the database stores one ({@link Directory#MAX_DOCUMENT}
     * characters, in ASCII), so that every stored service can be sent back, and no more. The hub reads no more of it
     * (the route's {@code maxBodySize}).
     */
    static final int MAX_EDIT_BYTES = 1 << 20;
    /**
     * The most JSON values of an edit: 22 times HSDS's full example, 83 times the demo's largest service (dozens of
     * locations, schedules and phones fit), and 200 times fewer than an import may hold. A tree of them, within
     * {@link #MAX_EDIT_BYTES}, takes 0.9 to 1.7 MB (measured: empty objects; strings of 100 characters).
     */
    static final int MAX_EDIT_VALUES = 10_000;
    /**
     * The deepest nesting of an edit: twice HSDS's full example, which nests a phone's languages in a contact of a
     * location of the service's organisation (10 levels), room for the attributes and metadata HSDS lets each nested
     * object carry.
     */
    static final int MAX_EDIT_DEPTH = 20;
    /**
     * How many edits are read, checked and stored at once; another is answered 503 with Retry-After at once. The
     * directory stores one change at a time anyway (its writes are serialised), so more would only hold parsed
     * bodies in the heap while they wait. Within the bounds above a refused edit allocates some 2.4 MB, storing a
     * service of a million characters some 24 MB (most of it short-lived copies of its text), so the edits take at
     * most about a hundred MB of the heap at once, where ten bodies of an import's 2 million values took it all.
     */
    static final int EDITS_AT_ONCE = 4;

    /** The most values of an edit: {@link #MAX_EDIT_VALUES}, or {@code max-import-values} when that is lower. */
    int maxEditValues() {
        return Math.min(MAX_EDIT_VALUES, maxImportValues);
    }

    Limits {
        positive(maxPageSize, "max-page-size");
        positive(maxSearchLength, "max-search-length");
        positive(maxSearchWords, "max-search-words");
        positive(maxFilterValues, "max-filter-values");
        positive(maxImportMb, "max-import-mb");
        positive(maxImportExpandedMb, "max-import-expanded-mb");
        positive(maxImportEntries, "max-import-entries");
        positive(maxImportRatio, "max-import-ratio");
        positive(maxImportValues, "max-import-values");
    }

    private static void positive(int v, String key) {
        if (v < 1) {
            throw new IllegalArgumentException(key + " must be 1 or more; was " + v);
        }
    }

    long maxImportBytes() {
        return maxImportMb * 1024L * 1024L;
    }

    long maxImportExpandedBytes() {
        return maxImportExpandedMb * 1024L * 1024L;
    }

    static ConfigDef.Builder define(ConfigDef.Builder b) {
        Limits d = DEFAULTS;
        return b
            .define("max-page-size", ConfigType.INT, d.maxPageSize, false,
                "The largest per_page of a list or search page")
            .define("max-search-length", ConfigType.INT, d.maxSearchLength, false,
                "The longest search text (q, search), in characters")
            .define("max-search-words", ConfigType.INT, d.maxSearchWords, false,
                "The most words a search text may have")
            .define("max-filter-values", ConfigType.INT, d.maxFilterValues, false,
                "The most comma-separated values of one filter (topic, taxonomy_term_id, accessibility)")
            .define("max-import-mb", ConfigType.INT, d.maxImportMb, false,
                "The largest import body (HSDS JSON or zip), in MiB; larger is refused with 413")
            .define("max-import-expanded-mb", ConfigType.INT, d.maxImportExpandedMb, false,
                "What a zipped import may expand to, all entries together, in MiB; more is refused with 413")
            .define("max-import-entries", ConfigType.INT, d.maxImportEntries, false,
                "The most entries a zipped import may have; more is refused with 422")
            .define("max-import-ratio", ConfigType.INT, d.maxImportRatio, false,
                "How many times its own size a zipped import may expand to (past the first MiB); more is refused "
                    + "with 422")
            .define("max-import-values", ConfigType.INT, d.maxImportValues, false,
                "The most values (JSON scalars or non-empty CSV cells) one import may hold; more is refused with 413")
            .check("max-page-size", ConfigCheck.atLeast(1))
            .check("max-search-length", ConfigCheck.atLeast(1))
            .check("max-search-words", ConfigCheck.atLeast(1))
            .check("max-filter-values", ConfigCheck.atLeast(1))
            .check("max-import-mb", ConfigCheck.atLeast(1))
            .check("max-import-expanded-mb", ConfigCheck.atLeast(1))
            .check("max-import-entries", ConfigCheck.atLeast(1))
            .check("max-import-ratio", ConfigCheck.atLeast(1))
            .check("max-import-values", ConfigCheck.atLeast(1))
            // they keep the hub's memory and CPU safe from public queries and from imports: a hub-admin's to raise
            .hubAdminOnly("it bounds what one request (a list, a search, an import) may take of the hub",
                java.util.List.of("max-page-size", "max-search-length", "max-search-words", "max-filter-values",
                    "max-import-mb", "max-import-expanded-mb", "max-import-entries", "max-import-ratio",
                    "max-import-values"));
    }

    static Limits of(Config c) {
        return new Limits(c.getInt("max-page-size"), c.getInt("max-search-length"), c.getInt("max-search-words"),
            c.getInt("max-filter-values"), c.getInt("max-import-mb"), c.getInt("max-import-expanded-mb"),
            c.getInt("max-import-entries"), c.getInt("max-import-ratio"), c.getInt("max-import-values"));
    }
}
