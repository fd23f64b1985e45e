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
