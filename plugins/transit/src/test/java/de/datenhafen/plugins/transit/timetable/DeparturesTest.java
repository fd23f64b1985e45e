package de.datenhafen.plugins.transit.timetable;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.plugins.transit.GtfsFixture;
import de.datenhafen.plugins.transit.gtfs.GtfsImporter;
import de.datenhafen.plugins.transit.gtfs.GtfsTime;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeparturesTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @TempDir
    Path dir;

    private Timetable timetable(GtfsFixture f) throws IOException {
        return new GtfsImporter(List.of(), null, true, null).read(f.write(dir.resolve("feed.zip")), "test");
    }

    private static Instant berlin(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(BERLIN).toInstant();
    }

    private static List<String> board(Timetable tt, String stop, String from, int limit) {
        return Departures.find(tt, TripLive.Lookup.NONE, tt.stopGroup(tt.stopIndex.get(stop)), berlin(from),
                Departures.MAX_WINDOW_SECONDS, limit).stream()
            .map(d -> tt.tripIds[d.trip()] + "@" + Instant.ofEpochSecond(d.scheduled()).atZone(BERLIN)
                .toLocalDateTime())
            .toList();
    }

    @Test
    void serviceDayStartsAtNoonMinusTwelveHours() {
        assertThat(Instant.ofEpochSecond(GtfsTime.serviceDayStart(LocalDate.parse("2026-06-01"), BERLIN)))
            .isEqualTo(berlin("2026-06-01T00:00"));
        // clocks go forward at 02:00 on 2026-03-29: noon is CEST, so the day "starts" at 23:00 CET the evening before
        assertThat(Instant.ofEpochSecond(GtfsTime.serviceDayStart(LocalDate.parse("2026-03-29"), BERLIN)))
            .isEqualTo(berlin("2026-03-28T23:00"));
        // clocks go back at 03:00 on 2026-10-25: noon is CET, so the day starts at 01:00 CEST
        assertThat(Instant.ofEpochSecond(GtfsTime.serviceDayStart(LocalDate.parse("2026-10-25"), BERLIN)))
            .isEqualTo(berlin("2026-10-25T01:00"));
    }

    @Test
    void aTripPastMidnightLeavesOnTheNextCalendarDay() throws IOException {
        Timetable tt = timetable(GtfsFixture.standard());

        // Thursday 2026-03-26's trip t5-late leaves Koberg at 24:05, that is Friday 00:05
        assertThat(board(tt, "koberg", "2026-03-27T00:00", 1)).containsExactly("t5-late@2026-03-27T00:05");
    }

    @Test
    void aTripPastMidnightFollowsItsServiceDayNotTheCalendarDay() throws IOException {
        Timetable tt = timetable(GtfsFixture.standard());

        // Friday's late trip leaves Koberg at Saturday 00:05 though the weekday service does not run on Saturday;
        // Saturday's own first departure there is the weekend trip at 10:05
        assertThat(board(tt, "koberg", "2026-03-28T00:00", 2))
            .containsExactly("t5-late@2026-03-28T00:05", "t5-weekend@2026-03-28T10:05");
    }

    @Test
    void departuresOnTheDayTheClocksGoForwardKeepTheirWallClockTimes() throws IOException {
        Timetable tt = timetable(GtfsFixture.standard().put("calendar_dates.txt", """
            service_id,date,exception_type
            wd,20260329,1
            holiday,20261003,1
            """));

        assertThat(board(tt, "koberg", "2026-03-29T06:00", 1)).containsExactly("t5-morning@2026-03-29T08:06");
        // 24:05 counts from the service day's start, 23:00 CET the evening before: 00:05 CEST, as on any day
        assertThat(board(tt, "koberg", "2026-03-29T20:00", 1)).containsExactly("t5-late@2026-03-30T00:05");
    }

    @Test
    void departuresOnTheDayTheClocksGoBackKeepTheirWallClockTimes() throws IOException {
        Timetable tt = timetable(GtfsFixture.standard().put("calendar_dates.txt", """
            service_id,date,exception_type
            wd,20261025,1
            holiday,20261003,1
            """));

        // a Sunday, so the weekend trip runs too; the late trip's 24:05 counts from the service day's start,
        // 01:00 CEST, and lands on 00:05 CET of the next day
        assertThat(board(tt, "koberg", "2026-10-25T06:00", 3))
            .containsExactly("t5-morning@2026-10-25T08:06", "t5-weekend@2026-10-25T10:05", "t5-late@2026-10-26T00:05");
    }

    @Test
    void aRemovedDateHasNoDeparturesAndAnAddedDateHasThem() throws IOException {
        Timetable tt = timetable(GtfsFixture.standard());

        // Monday 2026-03-30 is removed from the weekday service; the next weekday departure is Tuesday's
        assertThat(board(tt, "koberg", "2026-03-30T07:00", 1)).containsExactly("t5-morning@2026-03-31T08:06");
        // Sunday 2026-04-05 is added to it, next to the weekend trip
        assertThat(board(tt, "koberg", "2026-04-05T07:00", 2))
            .containsExactly("t5-morning@2026-04-05T08:06", "t5-weekend@2026-04-05T10:05");
    }

    @Test
    void aStationShowsTheDeparturesOfAllItsPlatforms() throws IOException {
        Timetable tt = timetable(GtfsFixture.standard());

        assertThat(board(tt, "hbf", "2026-03-26T07:00", 2))
            .containsExactly("t5-morning@2026-03-26T08:00", "t5-late@2026-03-26T23:50");
        assertThat(board(tt, "hbf-1", "2026-03-26T07:00", 1)).containsExactly("t5-morning@2026-03-26T08:00");
    }

    @Test
    void theLastStopOfATripIsNoDeparture() throws IOException {
        Timetable tt = timetable(GtfsFixture.standard());

        // every trip of line 5 ends at Große Straße: no departures there, only arrivals
        assertThat(board(tt, "strasse", "2026-03-26T07:00", 5)).isEmpty();
    }

    @Test
    void aWindowLimitsTheDeparturesToItsEnd() throws IOException {
        Timetable tt = timetable(GtfsFixture.standard());

        List<Departures.Departure> deps = Departures.find(tt, TripLive.Lookup.NONE,
            tt.stopGroup(tt.stopIndex.get("koberg")), berlin("2026-03-26T08:00"), 3600, 100);

        assertThat(deps).hasSize(1);
    }

    @Test
    void aDelayedDepartureScheduledBeforeTheAskedTimeIsShownWithItsExpectedTime() throws IOException {
        Timetable tt = timetable(GtfsFixture.standard());
        int trip = tt.tripIndex.get("t5-morning");
        int day = (int) LocalDate.parse("2026-03-26").toEpochDay();
        int[] delays = {600, 600, 600};
        TripLive live = new TripLive(tt, trip, day, false, delays, delays, new boolean[3], null, 0);
        TripLive.Lookup lookup = (t, tr, d) -> tr == trip && d == day ? live : null;

        List<Departures.Departure> deps = Departures.find(tt, lookup, tt.stopGroup(tt.stopIndex.get("koberg")),
            berlin("2026-03-26T08:10"), 3600, 5);

        assertThat(deps).hasSize(1);
        assertThat(deps.get(0).delay()).isEqualTo(600);
        assertThat(Instant.ofEpochSecond(deps.get(0).expected())).isEqualTo(berlin("2026-03-26T08:16"));
    }
}
