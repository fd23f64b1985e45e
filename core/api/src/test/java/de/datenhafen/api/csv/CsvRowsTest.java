package de.datenhafen.api.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvRowsTest {

    private static final CsvLimits LIMITS = new CsvLimits(10, 40, 4);

    private static List<CsvRow> read(InputStream in, CsvLimits limits) throws IOException {
        List<CsvRow> rows = new ArrayList<>();
        try (CsvRows csv = CsvRows.read(in, "test.csv", limits)) {
            for (CsvRow r; (r = csv.next()) != null; ) {
                rows.add(r);
            }
        }
        return rows;
    }

    private static List<CsvRow> read(String text) throws IOException {
        return read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), LIMITS);
    }

    @Test
    void dropsAByteOrderMarkBeforeTheFirstCell() throws IOException {
        assertThat(read("\uFEFFid,name\n1,A\n")).extracting(CsvRow::cells)
            .containsExactly(List.of("id", "name"), List.of("1", "A"));
    }

    @Test
    void readsQuotedCommasQuotesAndLineBreaksAndCountsTheirLines() throws IOException {
        List<CsvRow> rows = read("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\nnext,row,3\n");

        assertThat(rows.get(1).cells()).containsExactly("x, y", "say \"hi\"", "two\r\nlines");
        assertThat(rows).extracting(CsvRow::line).containsExactly(1L, 2L, 4L);
    }

    @Test
    void skipsBlankLinesWhateverTheLineEndsAndKeepsTheLinesOfRecords() throws IOException {
        List<CsvRow> rows = read("a,b\r\n\r\n1,2\n\n\n3,4\r\r5,6");

        assertThat(rows).extracting(r -> r.get(0)).containsExactly("a", "1", "3", "5");
        assertThat(rows).extracting(CsvRow::line).containsExactly(1L, 3L, 6L, 8L);
    }

    @Test
    void keepsARaggedRecordAsWrittenAndReadsMissingCellsAsEmpty() throws IOException {
        List<CsvRow> rows = read("a,b,c\n1\n1,2,3,4\n , x ,\n");

        assertThat(rows.get(1).size()).isEqualTo(1);
        assertThat(rows.get(1).get(2)).isEmpty();
        assertThat(rows.get(2).cells()).containsExactly("1", "2", "3", "4");
        assertThat(rows.get(3).cells()).containsExactly(" ", " x ", "");
    }

    @Test
    void flagsTheRecordInWhichTheFileEndsInsideQuotes() throws IOException {
        List<CsvRow> rows = read("a,b\n1,\"open\nstill");

        assertThat(rows.get(0).unclosedQuote()).isFalse();
        assertThat(rows.get(1).unclosedQuote()).isTrue();
        assertThat(rows.get(1).cells()).containsExactly("1", "open\nstill");
    }

    @Test
    void refusesATooLongCellWithTheLineItsRecordStartsOn() {
        assertThatThrownBy(() -> read("a,b\n\n1,\"12345\n67890x\"\n"))
            .isInstanceOf(CsvLimitException.class)
            .hasMessage("test.csv line 3: a cell longer than 10 characters");
    }

    @Test
    void refusesTooLongRecordsAndRecordsOfTooManyCells() {
        assertThatThrownBy(() -> read("a\n1234567890,1234567890,1234567890,1234567890\n"))
            .hasMessage("test.csv line 2: a record longer than 40 characters");
        assertThatThrownBy(() -> read("a\n1,2,3,4,5\n"))
            .hasMessage("test.csv line 2: a record of more than 4 cells");
    }

    @Test
    void refusesAHugeCellAfterReadingOnlyALittleMoreThanTheLimit() {
        // 100 MB of one quoted cell, produced on demand: a parser that buffered the cell whole would read it all
        CountingInput huge = new CountingInput("id,text\n1,\"".getBytes(StandardCharsets.US_ASCII), 100_000_000);

        assertThatThrownBy(() -> read(huge, new CsvLimits(1_000_000, 2_000_000, 10)))
            .isInstanceOf(CsvLimitException.class)
            .hasMessage("test.csv line 2: a cell longer than 1000000 characters");
        assertThat(huge.served).isLessThan(1_100_000);
    }

    /** A prefix followed by {@code length} letters, made as they are read, counting what was served. */
    private static final class CountingInput extends InputStream {
        private final byte[] prefix;
        private final long length;
        long served;

        CountingInput(byte[] prefix, long length) {
            this.prefix = prefix;
            this.length = prefix.length + length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (served >= length) {
                return -1;
            }
            int n = (int) Math.min(len, length - served);
            for (int i = 0; i < n; i++) {
                long at = served + i;
                b[off + i] = at < prefix.length ? prefix[(int) at] : (byte) 'x';
            }
            served += n;
            return n;
        }
    }
}
