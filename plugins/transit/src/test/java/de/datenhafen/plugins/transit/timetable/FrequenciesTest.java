package de.datenhafen.plugins.transit.timetable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.plugins.transit.GtfsFixture;
import de.datenhafen.plugins.transit.gtfs.GtfsImportException;
import de.datenhafen.plugins.transit.gtfs.GtfsImporter;
import de.datenhafen.plugins.transit.gtfs.GtfsLimits;
import de.datenhafen.plugins.transit.gtfs.GtfsProblem;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trips of frequencies.txt. The feed: the standard one plus a weekday shuttle Hbf - Koberg - Große Straße whose
 * template in stop_times.txt leaves at 05:00 (4 minutes to Koberg) and that runs every 10 minutes from 07:00 to 24:00
 * and every 30 minutes from 24:00 to 25:30 (headway-based), and a weekend trip Koberg - Travemünde whose template
 * leaves at 08:00 and that runs exactly every hour from 14:30 to 21:30.
 */
public class FrequenciesTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @TempDir
    Path dir;

    public static GtfsFixture shuttleFeed() {
        return GtfsFixture.standard()
            .append("trips.txt", """
                r5,wd,shuttle,Große Straße,0
                r30,we,beach,Travemünde,0
                """)
            .append("stop_times.txt", """
                shuttle,05:00:00,05:00:00,hbf-1,1
                shuttle,05:04:00,05:04:00,koberg,2
                shuttle,05:09:00,05:09:00,strasse,3
                beach,08:00:00,08:00:00,koberg,1
                beach,08:40:00,08:40:00,travem,2
                """)
            .put("frequencies.txt", """
                trip_id,start_time,end_time,headway_secs,exact_times
                shuttle,07:00:00,24:00:00,600,0
                shuttle,24:00:00,25:30:00,1800,
                beach,14:30:00,21:30:00,3600,1
                """);
    }

    private Timetable timetable(GtfsFixture f) throws IOException {
        return new GtfsImporter(List.of(), null, true, null).read(f.write(dir.resolve("feed.zip")), "test");
    }

    private static Instant berlin(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(BERLIN).toInstant();
    }

    private static List<Departures.Departure> departures(Timetable tt, String stop, String from, long window) {
        return Departures.find(tt, TripLive.Lookup.NONE, tt.stopGroup(tt.stopIndex.get(stop)), berlin(from), window,
            1000);
    }

    private static List<String> board(Timetable tt, String stop, String from, long window) {
        return departures(tt, stop, from, window).stream()
            .map(d -> tt.tripIds[d.trip()] + "@" + Instant.ofEpochSecond(d.scheduled()).atZone(BERLIN)
                .toLocalDateTime())
            .toList();
    }

    @Test
    void aHeadwayBasedTripLeavesEveryTenMinutesFromTheWindowsStartWithTheTemplatesOffsets() throws IOException {
        Timetable tt = timetable(shuttleFeed());

        // Thursday 2026-03-26: the run starting at 07:00 at Hbf is at Koberg 4 minutes later
        assertThat(board(tt, "koberg", "2026-03-26T06:55", 3600)).containsExactly(
            "shuttle@2026-03-26T07:04", "shuttle@2026-03-26T07:14", "shuttle@2026-03-26T07:24",
            "shuttle@2026-03-26T07:34", "shuttle@2026-03-26T07:44", "shuttle@2026-03-26T07:54");
        assertThat(board(tt, "hbf", "2026-03-26T06:55", 1500)).containsExactly(
            "shuttle@2026-03-26T07:00", "shuttle@2026-03-26T07:10", "shuttle@2026-03-26T07:20");
    }

    @Test
    void aFrequencyTripNeverLeavesAtItsTemplateTime() throws IOException {
        Timetable tt = timetable(shuttleFeed());

        // the template says 05:00 at Hbf and 05:04 at Koberg; the first real run is 07:00
        assertThat(board(tt, "koberg", "2026-03-26T04:00", 3 * 3600 + 300)).containsExactly("shuttle@2026-03-26T07:04");
        // Saturday: the beach trip's template says 08:00, its window is 14:30 to 21:30
        assertThat(board(tt, "koberg", "2026-03-28T06:00", 8 * 3600)).containsExactly("t5-weekend@2026-03-28T10:05");
    }

    @Test
    void runsAfterMidnightBelongToTheirServiceDayAndStopBeforeTheWindowsEnd() throws IOException {
        Timetable tt = timetable(shuttleFeed());

        // Thursday's window 07:00-24:00 ends with the 23:50 run; 24:00 to 25:30 every 30 minutes: 24:00, 24:30, 25:00
        assertThat(board(tt, "koberg", "2026-03-26T23:40", 3 * 3600)).containsExactly(
            "shuttle@2026-03-26T23:44", "shuttle@2026-03-26T23:54", "shuttle@2026-03-27T00:04",
            "t5-late@2026-03-27T00:05", "shuttle@2026-03-27T00:34", "shuttle@2026-03-27T01:04");
        // Friday's runs after midnight leave on Saturday, though the weekday service does not run on Saturday
        assertThat(board(tt, "hbf", "2026-03-28T00:50", 3600)).containsExactly("shuttle@2026-03-28T01:00");
    }

    @Test
    void headwayBasedRunsSayTheirHeadwayAndExactRunsDoNot() throws IOException {
        Timetable tt = timetable(shuttleFeed());

        List<Departures.Departure> late = departures(tt, "koberg", "2026-03-26T23:50", 900);
        assertThat(late).extracting(d -> tt.tripIds[d.trip()] + " " + tt.tripHeadway[d.trip()])
            .containsExactly("shuttle 600", "shuttle 1800", "t5-late 0");
        List<Departures.Departure> beach = departures(tt, "koberg", "2026-03-28T14:00", 3600);
        assertThat(beach).extracting(d -> tt.tripIds[d.trip()] + " " + tt.tripHeadway[d.trip()])
            .containsExactly("beach 0");
    }

    @Test
    void anExactTimesTripRunsExactlyEveryHourInsideItsWindowOnly() throws IOException {
        Timetable tt = timetable(shuttleFeed());

        assertThat(board(tt, "koberg", "2026-03-28T12:00", 12 * 3600)).containsExactly(
            "beach@2026-03-28T14:30", "beach@2026-03-28T15:30", "beach@2026-03-28T16:30", "beach@2026-03-28T17:30",
            "beach@2026-03-28T18:30", "beach@2026-03-28T19:30", "beach@2026-03-28T20:30");
        // the stop after the first keeps the template's 40 minutes
        assertThat(board(tt, "travem", "2026-03-28T00:00", 24 * 3600)).isEmpty(); // the trip ends there: arrivals
        assertThat(tt.tripRuns[tt.tripIndex.get("beach")]).hasSize(7);
    }

    @Test
    void onTheDayTheClocksGoForwardRunsKeepTheirWallClockTimes() throws IOException {
        Timetable tt = timetable(shuttleFeed().put("calendar_dates.txt", """
            service_id,date,exception_type
            wd,20260329,1
            holiday,20261003,1
            """));

        assertThat(board(tt, "koberg", "2026-03-29T06:55", 3600)).startsWith("shuttle@2026-03-29T07:04")
            .hasSize(6);
        // 25:00 counts from the service day's start (23:00 CET the evening before): 01:00 CEST on Monday
        assertThat(board(tt, "hbf", "2026-03-30T00:50", 3600)).containsExactly("shuttle@2026-03-30T01:00");
    }

    @Test
    void badFrequencyRowsAreReportedWithLineAndColumnAndTheGoodOnesStillRun() throws IOException {
        GtfsImporter importer = new GtfsImporter(List.of(), null, false, null);
        Timetable tt = importer.read(shuttleFeed().put("frequencies.txt", """
            trip_id,start_time,end_time,headway_secs,exact_times
            nobody,07:00:00,08:00:00,600,0
            t5-morning,09:00:00,08:00:00,600,0
            t5-late,07:00:00,08:00:00,0,0
            t900,07:00:00,08:00:00,600,2
            t5-weekend,7:xx:00,08:00:00,600,1
            shuttle,07:00:00,08:00:00,1800,1
            """).write(dir.resolve("feed.zip")), "test");

        assertThat(importer.problems().kept()).extracting(GtfsProblem::toString).containsExactly(
            "frequencies.txt line 2 column trip_id: no trip 'nobody'",
            "frequencies.txt line 3 column end_time: end_time is not after start_time",
            "frequencies.txt line 4 column headway_secs: '0' is not a positive number of seconds",
            "frequencies.txt line 5 column exact_times: expected 0, 1 or empty, found '2'",
            "frequencies.txt line 6 column start_time: '7:xx:00' is not a time (H:MM:SS)");
        assertThat(board(tt, "koberg", "2026-03-26T06:00", 2 * 3600 + 600)).containsExactly(
            "shuttle@2026-03-26T07:04", "shuttle@2026-03-26T07:34", "t5-morning@2026-03-26T08:06");
    }

    /**
     * The probe's freq-overflow: headway_secs 2147483647 is a positive integer, as the spec asks, and longer than
     * any window, so the trip runs once, at start_time. Counted in int, (end - start + headway - 1) passed the largest
     * int: the run went uncounted and the import failed with "Index 0 out of bounds for length 0".
     */
    @Test
    void aHeadwayLongerThanItsWindowIsOneRunAtTheWindowsStart() throws IOException {
        GtfsImporter importer = new GtfsImporter(List.of(), null, false, null);
        Timetable tt = importer.read(shuttleFeed().put("frequencies.txt", """
            trip_id,start_time,end_time,headway_secs,exact_times
            shuttle,07:00:00,99:59:59,2147483647,0
            """).write(dir.resolve("feed.zip")), "test");

        assertThat(importer.problems().errors()).isZero();
        assertThat(tt.tripRuns[tt.tripIndex.get("shuttle")]).hasSize(1);
        assertThat(board(tt, "koberg", "2026-03-26T06:00", 12 * 3600)).containsExactly(
            "shuttle@2026-03-26T07:04", "t5-morning@2026-03-26T08:06");
    }

    @Test
    void runsOfHeadwaysNearTheLargestIntegerCountAgainstMaxStopTimes() {
        // 18 stop times in stop_times.txt; each row below is one run of the shuttle's 3 stops: the 28th passes 100
        GtfsLimits limits = new GtfsLimits(1 << 20, 1 << 20, 100, 100, 100, 100, 1000);
        String rows = "shuttle,07:00:00,08:00:00,2147483000,0\n".repeat(40);

        assertThatThrownBy(() -> new GtfsImporter(List.of(), null, false, null, limits)
            .read(shuttleFeed().put("frequencies.txt", "trip_id,start_time,end_time,headway_secs,exact_times\n" + rows)
                .write(dir.resolve("feed.zip")), "test"))
            .isInstanceOf(GtfsImportException.class)
            .hasMessage("frequencies.txt line 29: more than 100 stop times once the runs of frequencies.txt are "
                + "expanded (max-stop-times)");
    }

    @Test
    void runsThatWouldPassMaxStopTimesRefuseTheImportNamingTheLimit() {
        GtfsLimits limits = new GtfsLimits(1 << 20, 1 << 20, 100, 100, 100, 100, 1000);

        assertThatThrownBy(() -> new GtfsImporter(List.of(), null, false, null, limits)
            .read(shuttleFeed().write(dir.resolve("feed.zip")), "test"))
            .isInstanceOf(GtfsImportException.class)
            .hasMessage("frequencies.txt line 2: more than 100 stop times once the runs of frequencies.txt are "
                + "expanded (max-stop-times)");
    }
}
