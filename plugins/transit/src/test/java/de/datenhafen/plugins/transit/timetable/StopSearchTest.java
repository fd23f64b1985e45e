package de.datenhafen.plugins.transit.timetable;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.plugins.transit.GtfsFixture;
import de.datenhafen.plugins.transit.gtfs.GtfsImporter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StopSearchTest {

    @TempDir
    Path dir;
    private Timetable tt;
    private StopSearch search;

    @BeforeEach
    void load() throws IOException {
        tt = new GtfsImporter(List.of(), null, true, null).read(GtfsFixture.standard().write(dir.resolve("f.zip")),
            "t");
        search = new StopSearch(tt);
    }

    private List<String> find(String q) {
        return search.byName(q, 10).stream().map(s -> tt.stopIds[s]).toList();
    }

    @Test
    void findsUmlautsWrittenAsPlainVowelsSpelledOutOrAsThemselves() {
        assertThat(find("lübeck")).containsExactly("hbf");
        assertThat(find("LUBECK")).containsExactly("hbf");
        assertThat(find("luebeck hbf")).containsExactly("hbf");
        assertThat(find("travemuende")).containsExactly("travem");
    }

    @Test
    void findsSharpSAsDoubleS() {
        assertThat(find("grosse strasse")).containsExactly("strasse");
        assertThat(find("Große Straße")).containsExactly("strasse");
    }

    @Test
    void showsAStationOnceNotEachPlatform() {
        assertThat(find("hbf")).containsExactly("hbf");
    }

    @Test
    void ranksNamesThatStartWithTheQueryFirst() {
        assertThat(find("r")).first().isEqualTo("dorf"); // "Dorfplatz Ratekau": a word starts with r
        assertThat(find("ko")).containsExactly("koberg");
    }

    @Test
    void findsTheNearestStopsWithinARadius() {
        List<double[]> hits = search.nearest(53.8705, 10.6868, 1000, 5);

        assertThat(hits).extracting(h -> tt.stopIds[(int) h[0]]).containsExactly("koberg", "strasse");
        assertThat(hits.get(0)[1]).isLessThan(30);
    }

    @Test
    void foldsTextForComparison() {
        assertThat(StopSearch.fold("Fährhaus-Straße (Süd)", false)).isEqualTo("fahrhaus strasse sud");
        assertThat(StopSearch.fold("Fährhaus-Straße (Süd)", true)).isEqualTo("faehrhaus strasse sued");
        assertThat(StopSearch.fold("Crème Brûlée", false)).isEqualTo("creme brulee");
    }
}
