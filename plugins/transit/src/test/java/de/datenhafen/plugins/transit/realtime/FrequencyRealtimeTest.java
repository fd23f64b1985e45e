package de.datenhafen.plugins.transit.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.transit.realtime.GtfsRealtime.FeedEntity;
import com.google.transit.realtime.GtfsRealtime.FeedHeader;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import com.google.transit.realtime.GtfsRealtime.TripDescriptor;
import com.google.transit.realtime.GtfsRealtime.TripUpdate;
import de.datenhafen.plugins.transit.gtfs.GtfsImporter;
import de.datenhafen.plugins.transit.timetable.Departures;
import de.datenhafen.plugins.transit.timetable.FrequenciesTest;
import de.datenhafen.plugins.transit.timetable.Timetable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trip updates of runs of a frequencies.txt trip (the shuttle every 10 minutes from 07:00, see FrequenciesTest). */
class FrequencyRealtimeTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Instant NOW = LocalDateTime.parse("2026-03-26T08:55").atZone(BERLIN).toInstant();

    @TempDir
    Path dir;
    private Timetable tt;
    private RealtimeProcessor processor;
    private LiveState state;

    @BeforeEach
    void load() throws IOException {
        tt = new GtfsImporter(List.of(), null, true, null).read(FrequenciesTest.shuttleFeed()
            .write(dir.resolve("f.zip")), "t");
        state = new LiveState();
        processor = new RealtimeProcessor("rt", state, () -> tt);
    }

    private static FeedEntity run(String startTime, int delay) {
        TripDescriptor.Builder d = TripDescriptor.newBuilder().setTripId("shuttle").setStartDate("20260326");
        if (startTime != null) {
            d.setStartTime(startTime);
        }
        return FeedEntity.newBuilder().setId("e-" + startTime).setTripUpdate(TripUpdate.newBuilder().setTrip(d)
            .addStopTimeUpdate(TripUpdate.StopTimeUpdate.newBuilder().setStopSequence(2)
                .setDeparture(TripUpdate.StopTimeEvent.newBuilder().setDelay(delay)))).build();
    }

    private List<LiveEvent> apply(FeedEntity... entities) {
        FeedMessage m = FeedMessage.newBuilder().setHeader(FeedHeader.newBuilder().setGtfsRealtimeVersion("2.0")
            .setTimestamp(1)).addAllEntity(List.of(entities)).build();
        return processor.apply(m, RealtimeProcessor.Kind.TRIP_UPDATES, false, NOW);
    }

    private List<String> board(String from, long window) {
        return Departures.find(tt, state, tt.stopGroup(tt.stopIndex.get("koberg")),
                LocalDateTime.parse(from).atZone(BERLIN).toInstant(), window, 100).stream()
            .map(d -> Instant.ofEpochSecond(d.scheduled()).atZone(BERLIN).toLocalTime() + " "
                + (d.delay() == null ? "-" : d.delay()))
            .toList();
    }

    @Test
    void aTripUpdateWithStartTimeUpdatesThatRunOnly() {
        List<LiveEvent> events = apply(run("09:00:00", 180));

        assertThat(events).hasSize(1);
        assertThat(events.get(0).json()).contains("\"matched\":true", "\"startTime\":\"09:00:00\"");
        assertThat(board("2026-03-26T08:50", 1800)).containsExactly("08:54 -", "09:04 180", "09:14 -");
        assertThat(board("2026-03-26T07:00", 600)).containsExactly("07:04 -");
    }

    @Test
    void twoRunsOfTheSameTripKeepTheirOwnDelays() {
        apply(run("07:00:00", 60), run("09:00:00", 180));

        assertThat(board("2026-03-26T07:00", 900)).containsExactly("07:04 60", "07:14 -");
        assertThat(board("2026-03-26T09:00", 900)).containsExactly("09:04 180", "09:14 -");
    }

    @Test
    void aStartTimeMoreThanHalfAHeadwayFromAnyRunOrNoStartTimeMatchesNoRunAndSaysWhy() {
        List<LiveEvent> events = apply(run("06:54:00", 60), run(null, 60));

        assertThat(events).hasSize(2);
        assertThat(events.get(0).json()).contains("\"matched\":false", "has no run starting at 06:54:00");
        assertThat(events.get(1).json()).contains("\"matched\":false", "start_time names the run");
        assertThat(board("2026-03-26T07:00", 900)).containsExactly("07:04 -", "07:14 -");
    }

    @Test
    void aHeadwayBasedRunMayBeNamedByTheTimeTheVehicleReallyLeft() {
        apply(run("09:03:00", 180));

        assertThat(board("2026-03-26T08:50", 1800)).containsExactly("08:54 -", "09:04 180", "09:14 -");
    }

    @Test
    void aRunOfAnExactTimesTripMustBeNamedByItsExactStart() throws IOException {
        FeedMessage m = FeedMessage.newBuilder().setHeader(FeedHeader.newBuilder().setGtfsRealtimeVersion("2.0")
            .setTimestamp(1)).addEntity(FeedEntity.newBuilder().setId("b").setTripUpdate(TripUpdate.newBuilder()
                .setTrip(TripDescriptor.newBuilder().setTripId("beach").setStartDate("20260328")
                    .setStartTime("15:31:00")))).build();

        List<LiveEvent> events = processor.apply(m, RealtimeProcessor.Kind.TRIP_UPDATES, false, NOW);

        assertThat(events.get(0).json()).contains("\"matched\":false", "has no run starting at 15:31:00");
    }
}
