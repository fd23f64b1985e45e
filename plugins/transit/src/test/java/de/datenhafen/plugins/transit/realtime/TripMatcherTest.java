package de.datenhafen.plugins.transit.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.transit.realtime.GtfsRealtime.TripDescriptor;
import com.google.transit.realtime.GtfsRealtime.TripUpdate;
import com.google.transit.realtime.GtfsRealtime.TripUpdate.StopTimeEvent;
import com.google.transit.realtime.GtfsRealtime.TripUpdate.StopTimeUpdate;
import de.datenhafen.plugins.transit.GtfsFixture;
import de.datenhafen.plugins.transit.gtfs.GtfsImporter;
import de.datenhafen.plugins.transit.timetable.Timetable;
import de.datenhafen.plugins.transit.timetable.TripLive;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TripMatcherTest {

    private static final int U = TripLive.UNKNOWN;
    private static final Instant THURSDAY_8 = LocalDateTime.parse("2026-03-26T08:03").atZone(
        ZoneId.of("Europe/Berlin")).toInstant();

    @TempDir
    Path dir;
    private Timetable tt;

    /** t5-morning with five stops: 08:00, 08:05/08:06, 08:10, 08:15, 08:20. */
    @BeforeEach
    void load() throws IOException {
        GtfsFixture f = GtfsFixture.standard().put("stop_times.txt", """
            trip_id,arrival_time,departure_time,stop_id,stop_sequence
            t5-morning,08:00:00,08:00:00,hbf-1,1
            t5-morning,08:05:00,08:06:00,koberg,2
            t5-morning,08:10:00,08:10:00,strasse,3
            t5-morning,08:15:00,08:15:00,travem,4
            t5-morning,08:20:00,08:20:00,dorf,5
            """);
        tt = new GtfsImporter(List.of(), null, false, null).read(f.write(dir.resolve("f.zip")), "t");
    }

    private static StopTimeUpdate.Builder at(int sequence) {
        return StopTimeUpdate.newBuilder().setStopSequence(sequence);
    }

    private static StopTimeEvent delay(int seconds) {
        return StopTimeEvent.newBuilder().setDelay(seconds).build();
    }

    private TripLive resolve(TripUpdate.Builder u) {
        TripUpdate update = u.setTrip(u.getTrip().toBuilder().setTripId("t5-morning").setStartDate("20260326"))
            .build();
        TripMatcher.Match m = TripMatcher.match(tt, update.getTrip(), THURSDAY_8);
        assertThat(m.problem()).isNull();
        return TripMatcher.resolve(tt, m, update, null, new int[1]);
    }

    private static int[] departures(TripLive l) {
        int[] d = new int[l.stops()];
        for (int i = 0; i < d.length; i++) {
            d[i] = l.departureDelay(i);
        }
        return d;
    }

    @Test
    void aDelayHoldsForLaterStopsButNotEarlierOnes() {
        TripLive l = resolve(TripUpdate.newBuilder().addStopTimeUpdate(at(2).setArrival(delay(120))));

        assertThat(departures(l)).containsExactly(U, 120, 120, 120, 120);
    }

    @Test
    void aLaterUpdateReplacesThePropagatedDelay() {
        TripLive l = resolve(TripUpdate.newBuilder().addStopTimeUpdate(at(2).setArrival(delay(300)))
            .addStopTimeUpdate(at(4).setArrival(delay(60))));

        assertThat(departures(l)).containsExactly(U, 300, 300, 60, 60);
    }

    @Test
    void dwellTimeAbsorbsPartOfADelayButTheBusNeverLeavesBeforeItArrives() {
        // arrives 30 s late at Koberg, where it is scheduled to wait a minute: it still leaves on time... but not
        // before its arrival; with 90 s late it leaves 30 s late
        TripLive onTime = resolve(TripUpdate.newBuilder().addStopTimeUpdate(at(2).setArrival(delay(30))
            .setDeparture(delay(0))));
        TripLive late = resolve(TripUpdate.newBuilder().addStopTimeUpdate(at(2).setArrival(delay(90))
            .setDeparture(delay(0))));

        assertThat(onTime.departureDelay(1)).isEqualTo(0);
        assertThat(late.departureDelay(1)).isEqualTo(30);
    }

    @Test
    void aSkippedStopIsMarkedAndPassesTheDelayOn() {
        TripLive l = resolve(TripUpdate.newBuilder().addStopTimeUpdate(at(2).setArrival(delay(180)))
            .addStopTimeUpdate(at(3).setScheduleRelationship(StopTimeUpdate.ScheduleRelationship.SKIPPED)));

        assertThat(l.skipped(2)).isTrue();
        assertThat(l.skipped(3)).isFalse();
        assertThat(departures(l)).containsExactly(U, 180, 180, 180, 180);
    }

    @Test
    void noDataClearsThePredictionUntilTheNextUpdate() {
        TripLive l = resolve(TripUpdate.newBuilder().addStopTimeUpdate(at(2).setArrival(delay(180)))
            .addStopTimeUpdate(at(3).setScheduleRelationship(StopTimeUpdate.ScheduleRelationship.NO_DATA))
            .addStopTimeUpdate(at(5).setArrival(delay(-30))));

        assertThat(departures(l)).containsExactly(U, 180, U, U, -30);
    }

    @Test
    void anAbsoluteTimeBecomesADelayAgainstTheSchedule() {
        long koberg = LocalDateTime.parse("2026-03-26T08:09").atZone(ZoneId.of("Europe/Berlin")).toEpochSecond();
        TripLive l = resolve(TripUpdate.newBuilder().addStopTimeUpdate(StopTimeUpdate.newBuilder().setStopId("koberg")
            .setDeparture(StopTimeEvent.newBuilder().setTime(koberg))));

        assertThat(departures(l)).containsExactly(U, 180, 180, 180, 180);
    }

    @Test
    void theTripLevelDelayAppliesWhereNoStopSaysOtherwise() {
        TripLive l = resolve(TripUpdate.newBuilder().setDelay(240).addStopTimeUpdate(at(4).setArrival(delay(0))));

        assertThat(departures(l)).containsExactly(240, 240, 240, 0, 0);
    }

    @Test
    void aCancelledTripIsMarked() {
        TripUpdate.Builder u = TripUpdate.newBuilder().setTrip(TripDescriptor.newBuilder()
            .setScheduleRelationship(TripDescriptor.ScheduleRelationship.CANCELED));

        assertThat(resolve(u).cancelled).isTrue();
    }

    @Test
    void aStopUpdateThatFitsNoStopIsCounted() {
        TripUpdate u = TripUpdate.newBuilder().setTrip(TripDescriptor.newBuilder().setTripId("t5-morning"))
            .addStopTimeUpdate(at(99).setArrival(delay(60))).build();
        int[] unmatched = new int[1];

        TripMatcher.resolve(tt, TripMatcher.match(tt, u.getTrip(), THURSDAY_8), u, null, unmatched);

        assertThat(unmatched[0]).isEqualTo(1);
    }

    @Test
    void withoutAStartDateTheRunNearestToNowIsMatched() {
        TripMatcher.Match m = TripMatcher.match(tt, TripDescriptor.newBuilder().setTripId("t5-morning").build(),
            THURSDAY_8);

        assertThat(LocalDate.ofEpochDay(m.serviceDay())).isEqualTo(LocalDate.parse("2026-03-26"));
    }

    @Test
    void saysWhyATripDoesNotMatch() {
        assertThat(TripMatcher.match(tt, TripDescriptor.newBuilder().setTripId("ghost").build(), THURSDAY_8)
            .problem()).isEqualTo("no trip 'ghost' in the timetable");
        assertThat(TripMatcher.match(tt, TripDescriptor.newBuilder().setTripId("t5-morning").setStartDate("20260328")
            .build(), THURSDAY_8).problem()).isEqualTo("trip t5-morning does not run on 2026-03-28");
        assertThat(TripMatcher.match(tt, TripDescriptor.newBuilder().setTripId("x")
            .setScheduleRelationship(TripDescriptor.ScheduleRelationship.ADDED).build(), THURSDAY_8).problem())
            .isEqualTo("trip x is ADDED: only scheduled and cancelled trips are matched to the timetable");
    }
}
