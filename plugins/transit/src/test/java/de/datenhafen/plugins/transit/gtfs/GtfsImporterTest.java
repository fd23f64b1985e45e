package de.datenhafen.plugins.transit.gtfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.plugins.transit.GtfsFixture;
import de.datenhafen.plugins.transit.timetable.Timetable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GtfsImporterTest {

    @TempDir
    Path dir;

    private Timetable load(GtfsFixture f, List<String> agencies, boolean strict) throws IOException {
        return new GtfsImporter(agencies, null, strict, null).read(f.write(dir.resolve("feed.zip")), "test");
    }

    @Test
    void readsEveryFileIntoTheTimetable() throws IOException {
        Timetable tt = load(GtfsFixture.standard(), List.of(), true);

        assertThat(tt.zone).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(tt.stopIds).hasSize(7);
        assertThat(tt.routeIds).containsExactly("r5", "r30", "r900");
        assertThat(tt.tripIds).hasSize(5);
        assertThat(tt.stopTimeCount()).isEqualTo(13);
        int late = tt.tripIndex.get("t5-late");
        assertThat(tt.stDeparture[tt.tripFirstStopTime[late] + 2]).isEqualTo(24 * 3600 + 15 * 60);
        assertThat(tt.stopChildren[tt.stopIndex.get("hbf")]).hasSize(2);
        assertThat(tt.stopPlatforms[tt.stopIndex.get("hbf-2")]).isEqualTo("2");
    }

    @Test
    void keepsOnlyTheChosenAgenciesWithTheirTripsAndStops() throws IOException {
        Timetable tt = load(GtfsFixture.standard(), List.of("Stadtwerke Lübeck Mobil"), true);

        assertThat(tt.agencyIds).containsExactly("swl");
        assertThat(tt.routeIds).containsExactly("r5", "r30");
        assertThat(tt.tripIndex).doesNotContainKey("t900");
        assertThat(tt.stopIndex).doesNotContainKey("dorf").containsKeys("hbf", "hbf-1", "koberg");
        assertThat(java.util.Arrays.stream(tt.stStop).allMatch(s -> s >= 0 && s < tt.stopIds.length)).isTrue();
    }

    @Test
    void failsWhenNoAgencyMatchesTheFilter() {
        assertThatThrownBy(() -> load(GtfsFixture.standard(), List.of("nobody"), false))
            .isInstanceOf(GtfsImportException.class)
            .hasMessage("agency.txt column agency_id: no agency matches the filter [nobody]");
    }

    @Test
    void failsOnAMissingRequiredFileNamingIt() {
        assertThatThrownBy(() -> load(GtfsFixture.standard().remove("stop_times.txt"), List.of(), false))
            .isInstanceOf(GtfsImportException.class)
            .hasMessage("stop_times.txt: required file is missing from the feed");
    }

    @Test
    void failsOnAMissingRequiredColumnNamingFileLineAndColumn() {
        GtfsFixture f = GtfsFixture.standard().put("routes.txt", "route_id,agency_id,route_short_name\nr5,swl,5\n");

        assertThatThrownBy(() -> load(f, List.of(), false))
            .isInstanceOf(GtfsImportException.class)
            .hasMessageStartingWith("routes.txt line 1 column route_type: required column is missing");
    }

    @Test
    void tolerantModeSkipsABadRowAndReportsFileLineAndColumn() throws IOException {
        GtfsFixture f = GtfsFixture.standard().append("stop_times.txt", "t5-morning,8:1x:00,08:12:00,strasse,4\n");
        GtfsImporter importer = new GtfsImporter(List.of(), null, false, null);

        Timetable tt = importer.read(f.write(dir.resolve("feed.zip")), "test");

        assertThat(tt.stopTimeCount()).isEqualTo(13);
        assertThat(importer.problems().errors()).isEqualTo(1);
        GtfsProblem p = importer.problems().kept().get(0);
        assertThat(p.toString()).isEqualTo("stop_times.txt line 15 column arrival_time: '8:1x:00' is not a time "
            + "HH:MM:SS");
    }

    @Test
    void strictModeStopsAtTheFirstBadRow() {
        GtfsFixture f = GtfsFixture.standard().append("stop_times.txt", "t5-morning,08:11:00,08:12:00,nowhere,4\n");

        assertThatThrownBy(() -> load(f, List.of(), true))
            .isInstanceOf(GtfsImportException.class)
            .hasMessage("strict import stopped at stop_times.txt line 15 column stop_id: no stop 'nowhere'");
    }

    @Test
    void toleratesExtraColumnsQuotesMissingOptionalFilesAndAFolderInTheArchive() throws IOException {
        GtfsFixture f = GtfsFixture.standard()
            .put("routes.txt", "\uFEFFroute_id,agency_id,route_short_name,route_long_name,route_type,extra\r\n"
                + "r5,swl,\"5\",\"Hbf, Koberg\",3,x\r\nr30,swl,30,,3,y\r\nr900,reg,900,,3,z\r\n");
        GtfsImporter importer = new GtfsImporter(List.of(), null, true, null);

        Timetable tt = importer.read(f.write(dir.resolve("feed.zip"), "gtfs/"), "test");

        assertThat(tt.routeLongNames[0]).isEqualTo("Hbf, Koberg");
        assertThat(importer.problems().errors()).isZero();
        assertThat(importer.problems().kept()).extracting(GtfsProblem::toString)
            .contains("agency.txt: found in the sub-folder of gtfs/agency.txt, not at the archive's root");
    }

    @Test
    void interpolatesStopsWithoutTimesBetweenTimepoints() throws IOException {
        GtfsFixture f = GtfsFixture.standard().put("stop_times.txt", """
            trip_id,arrival_time,departure_time,stop_id,stop_sequence
            t5-morning,08:00:00,08:00:00,hbf-1,1
            t5-morning,,,koberg,2
            t5-morning,08:10:00,08:10:00,strasse,3
            """);

        Timetable tt = load(f, List.of(), true);

        int t = tt.tripIndex.get("t5-morning");
        assertThat(tt.stDeparture[tt.tripFirstStopTime[t] + 1]).isEqualTo(8 * 3600 + 300);
    }

    @Test
    void ordersStopTimesBySequenceWhateverTheFileOrder() throws IOException {
        GtfsFixture f = GtfsFixture.standard().put("stop_times.txt", """
            trip_id,arrival_time,departure_time,stop_id,stop_sequence
            t5-morning,08:10:00,08:10:00,strasse,30
            t900,07:30:00,07:30:00,hbf-2,2
            t5-morning,08:00:00,08:00:00,hbf-1,10
            t900,07:00:00,07:00:00,dorf,1
            t5-morning,08:05:00,08:06:00,koberg,20
            """);

        Timetable tt = load(f, List.of(), false);

        int t = tt.tripIndex.get("t5-morning");
        int first = tt.tripFirstStopTime[t];
        assertThat(new int[] {tt.stSequence[first], tt.stSequence[first + 1], tt.stSequence[first + 2]})
            .containsExactly(10, 20, 30);
    }

    @Test
    void resolvesCalendarWeekdaysAndExceptions() throws IOException {
        Timetable tt = load(GtfsFixture.standard(), List.of(), true);
        int wd = List.of(tt.serviceIds).indexOf("wd");
        int holiday = List.of(tt.serviceIds).indexOf("holiday");

        assertThat(tt.calendar.active(wd, day("2026-03-27"))).as("a Friday").isTrue();
        assertThat(tt.calendar.active(wd, day("2026-03-28"))).as("a Saturday").isFalse();
        assertThat(tt.calendar.active(wd, day("2026-03-30"))).as("a Monday removed").isFalse();
        assertThat(tt.calendar.active(wd, day("2026-04-05"))).as("a Sunday added").isTrue();
        assertThat(tt.calendar.active(holiday, day("2026-10-03"))).isTrue();
        assertThat(tt.calendar.active(holiday, day("2026-10-04"))).isFalse();
        assertThat(tt.calendar.active(wd, day("2027-01-04"))).as("after end_date").isFalse();
    }

    @Test
    void reportsProgressPerFileUpToAHundredPercent() throws IOException {
        List<String> seen = new ArrayList<>();
        new GtfsImporter(List.of(), null, true, (file, rows, percent) -> seen.add(file + ":" + rows + ":" + percent))
            .read(GtfsFixture.standard().write(dir.resolve("feed.zip")), "test");

        assertThat(seen).contains("stop_times.txt:13:100", "trips.txt:5:100", "agency.txt:2:100");
    }

    @Test
    void refusesAFileThatIsNotAZip() throws IOException {
        Path notZip = Files.writeString(dir.resolve("feed.zip"), "<html>maintenance</html>");

        assertThatThrownBy(() -> new GtfsImporter(List.of(), null, false, null).read(notZip, "test"))
            .isInstanceOf(GtfsImportException.class)
            .hasMessageStartingWith("feed.zip: not a readable zip archive");
    }

    private static int day(String iso) {
        return (int) LocalDate.parse(iso).toEpochDay();
    }
}
