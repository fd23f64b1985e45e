package de.datenhafen.api.csv;

/**
 * How much one record of a CSV file may hold before the file is refused: characters in one cell, characters in one
 * record (its cells, separators and quotes), and cells in one record. They bound the memory a hostile file can take
 * (a zip keeps 300 MB without a line break in a few hundred KB); pick them well above the longest legitimate value.
 *
 * @param maxCell the most characters of one cell, at least 1
 * @param maxRecord the most characters of one record as written, at least 1
 * @param maxCells the most cells of one record, at least 1
 * @since 1.1
 */
public record CsvLimits(int maxCell, int maxRecord, int maxCells) {

    public CsvLimits {
        if (maxCell < 1 || maxRecord < 1 || maxCells < 1) {
            throw new IllegalArgumentException("CSV limits must be at least 1; were maxCell " + maxCell
                + ", maxRecord " + maxRecord + ", maxCells " + maxCells);
        }
    }
}
