package de.datenhafen.api.csv;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A CSV file read one record at a time, the one way for every plugin: RFC 4180 (comma, double quotes, {@code ""} for
 * a quote, line breaks inside quotes; CR, LF or CRLF), UTF-8 with or without a byte-order mark (malformed bytes read
 * as U+FFFD), blank lines skipped, a closing quote followed by more text kept as written, a file that ends inside
 * quotes read to its end and flagged ({@link CsvRow#unclosedQuote()}). A record past the {@link CsvLimits} refuses the
 * file with a {@link CsvLimitException} naming the file and line, before the record is held in memory whole.
 *
 * <p>Parsed by Apache Commons CSV, which the hub provides: it is a dependency of this API, so a plugin that reads
 * CSV bundles nothing, and since no API type names a Commons CSV class, the hub's copy is the only one a plugin
 * could ever load. A library rather than a third hand-written parser; the bounds, the BOM and the lines of records
 * are what this class adds to it.
 *
 * <p>Not thread-safe: one thread reads one file, typically a plugin's import on an HTTP worker or a timer thread.
 * Memory is the current record plus the parser's buffer, whatever the file's size.
 *
 * @since 1.1
 */
public final class CsvRows implements Closeable {

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
        .setIgnoreEmptyLines(true)
        .setLenientEof(true)
        .setTrailingData(true)
        .get();

    private final BoundedCsvReader reader;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;

    private CsvRows(BoundedCsvReader reader) throws IOException {
        this.reader = reader;
        this.parser = FORMAT.parse(reader);
        this.records = parser.iterator();
    }

    /**
     * Starts reading {@code in} (UTF-8); {@code file} names it in refusals. Closing the result closes {@code in}.
     */
    public static CsvRows read(InputStream in, String file, CsvLimits limits) {
        try {
            return new CsvRows(new BoundedCsvReader(new InputStreamReader(in, StandardCharsets.UTF_8), file, limits));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The next record, or null at the end of the file.
     *
     * @throws CsvLimitException when a record passes the limits (the file is not read further)
     * @throws UncheckedIOException when the stream fails
     */
    public CsvRow next() {
        if (!records.hasNext()) {
            return null;
        }
        CSVRecord r = records.next();
        long line = reader.nextRecordLine();
        return new CsvRow(line, r.toList(), line == reader.unclosedQuoteLine());
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
