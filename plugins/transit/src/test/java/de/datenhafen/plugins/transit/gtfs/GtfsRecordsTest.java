package de.datenhafen.plugins.transit.gtfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GtfsRecordsTest {

    private static List<List<String>> read(String text) throws IOException {
        return read(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<List<String>> read(byte[] bytes) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        try (GtfsRecords r = new GtfsRecords(new ByteArrayInputStream(bytes), "test.txt")) {
            while (r.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 0; i < r.fieldCount(); i++) {
                    row.add(r.get(i));
                }
                row.add("@" + r.line());
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void skipsAByteOrderMarkBeforeTheHeader() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] rest = "stop_id,stop_name\n1,A\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[bom.length + rest.length];
        System.arraycopy(bom, 0, all, 0, 3);
        System.arraycopy(rest, 0, all, 3, rest.length);

        assertThat(read(all).get(0)).containsExactly("stop_id", "stop_name", "@1");
    }

    @Test
    void readsQuotedFieldsWithCommasQuotesAndLineBreaks() throws IOException {
        List<List<String>> rows = read("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nnext,row,3\n");

        assertThat(rows.get(1)).containsExactly("x, y", "say \"hi\"", "two\nlines", "@2");
        assertThat(rows.get(2)).containsExactly("next", "row", "3", "@4");
    }

    @Test
    void acceptsCrLfAndCrLineEndsAndSkipsBlankLines() throws IOException {
        List<List<String>> rows = read("a,b\r\n1,2\r\n\r\n3,4\r5,6");

        assertThat(rows).extracting(r -> r.get(0)).containsExactly("a", "1", "3", "5");
        assertThat(rows.get(2)).containsExactly("3", "4", "@4");
        assertThat(rows.get(3)).containsExactly("5", "6", "@5");
    }

    @Test
    void keepsEmptyFieldsAndTrimsSpacesAroundValues() throws IOException {
        assertThat(read("a,b,c\n , x ,\n").get(1)).containsExactly("", "x", "", "@2");
    }

    @Test
    void parsesTimesPast24HoursAndRejectsMalformedOnes() throws IOException {
        try (GtfsRecords r = new GtfsRecords(new ByteArrayInputStream("25:10:00,7:05:09,,8:5:00,12:60:00\n"
            .getBytes(StandardCharsets.UTF_8)), "test.txt")) {
            r.next();
            assertThat(r.getTime(0)).isEqualTo(25 * 3600 + 600);
            assertThat(r.getTime(1)).isEqualTo(7 * 3600 + 5 * 60 + 9);
            assertThat(r.getTime(2)).isEqualTo(-1);
            assertThat(r.getTime(3)).isEqualTo(Integer.MIN_VALUE);
            assertThat(r.getTime(4)).isEqualTo(Integer.MIN_VALUE);
        }
    }

    @Test
    void parsesCoordinatesExactlyAsDoubleParseDoes() throws IOException {
        String[] values = {"53.8677", "-10.669812", "0.1", "53.86771234567891", "1e-3", "x"};
        try (GtfsRecords r = new GtfsRecords(new ByteArrayInputStream(String.join(",", values)
            .getBytes(StandardCharsets.UTF_8)), "test.txt")) {
            r.next();
            for (int i = 0; i < 5; i++) {
                assertThat(r.getDouble(i)).as(values[i]).isEqualTo(Double.parseDouble(values[i]));
            }
            assertThat(r.getDouble(5)).isNaN();
        }
    }

    @Test
    void reportsAQuoteThatIsNeverClosed() throws IOException {
        try (GtfsRecords r = new GtfsRecords(new ByteArrayInputStream("a,\"open\n".getBytes(StandardCharsets.UTF_8)),
            "test.txt")) {
            assertThat(r.next()).isTrue();
            assertThat(r.unterminatedQuote()).isTrue();
        }
    }
}
