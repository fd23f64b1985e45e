package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryCsvTest {

    private static final String HEADER = "site,site_name,room,room_name\n";

    @Test
    void aFileWithinTheRowLimitIsReadWhole() {
        List<RegistryCsv.Row> rows = RegistryCsv.parse(HEADER + "s,S,r1,a\ns,,r2,b\ns,,r3,c\n", 3 + 1);

        assertThat(rows).hasSize(4);
        assertThat(rows.get(3).cells()).containsExactly("s", "", "r3", "c");
    }

    @Test
    void aLongerFileIsRefusedAtTheFirstLineTooManyNamingTheBody() {
        assertRefused(HEADER + "s,S,r1,a\ns,,r2,b\ns,,r3,c\ns,,r4,d\n", 2 + 1, "body", "line 4: body is longer "
            + "than 2 rows after the header (the integration's max-rows): split the file");
    }

    @Test
    void aQuotedLineBreakIsPartOfItsRowNotAnotherRow() {
        List<RegistryCsv.Row> rows = RegistryCsv.parse(HEADER + "s,S,r1,\"Raum 1\nim Keller\"\ns,,r2,b\n", 2 + 1);

        assertThat(rows).hasSize(3);
        assertThat(rows.get(1).cells().get(3)).isEqualTo("Raum 1\nim Keller");
        // rows are named by the line they start on, as an editor counts lines: r2 is on the fourth
        assertThat(rows.get(2).line()).isEqualTo(4);
    }

    @Test
    void blankLinesAreNeitherRowsNorCountedAgainstTheLimitAndAByteOrderMarkIsSkipped() {
        List<RegistryCsv.Row> rows = RegistryCsv.parse("\uFEFF" + HEADER + "s,S,r1,a\r\n\r\ns,,r2,b\r\r\n\n", 2 + 1);

        assertThat(rows).extracting(RegistryCsv.Row::line).containsExactly(1, 2, 4);
        assertThat(rows.get(0).cells()).containsExactly("site", "site_name", "room", "room_name");
    }

    @Test
    void aQuoteNotClosedByTheEndIsRefusedAtItsLineNotReadAsTheRestOfTheFile() {
        // before, r7's name was "Klasse 7\ngs,G,r8,Klasse 8" and r8 was never made
        assertRefused(HEADER + "gs,G,r7,\"Klasse 7\ngs,G,r8,Klasse 8\n", 10, "body", "line 2: body has a quote that "
            + "is not closed by the end of the file");
    }

    @Test
    void theShippedLimitTakesTheSharedBenchmarksRegistryAndRefusesTenTimesIt() {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 0; i < 25_000; i++) {
            csv.append("s,S,r").append(i).append(",x\n");
        }
        assertThat(RegistryCsv.MAX_ROWS).isLessThan(25_000);
        assertThatThrownBy(() -> RegistryCsv.parse(csv.toString(), RegistryCsv.MAX_ROWS + 1))
            .hasMessageStartingWith("line " + (RegistryCsv.MAX_ROWS + 2) + ": body is longer than 20000 rows");
        assertThat(RegistryCsv.parse(csv.substring(0, csv.indexOf("s,S,r2500,")), RegistryCsv.MAX_ROWS + 1))
            .hasSize(2_501);
    }

    /** {@link RegistryCsv#parse} refuses {@code csv} naming {@code field}, with exactly {@code message}. */
    private static void assertRefused(String csv, int maxRows, String field, String message) {
        assertThatThrownBy(() -> RegistryCsv.parse(csv, maxRows))
            .isInstanceOfSatisfying(RegistryCsv.CsvException.class, e -> {
                assertThat(e.field).isEqualTo(field);
                assertThat(e.getMessage()).isEqualTo(message);
            });
    }
}
