package de.datenhafen.plugins.transit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.plugins.transit.demo.DemoFeed;
import de.datenhafen.plugins.transit.demo.DemoRealtime;
import de.datenhafen.plugins.transit.gtfs.GtfsImporter;
import de.datenhafen.plugins.transit.realtime.LiveState;
import de.datenhafen.plugins.transit.realtime.RealtimeProcessor;
import de.datenhafen.plugins.transit.timetable.Departures;
import de.datenhafen.plugins.transit.timetable.Timetable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DemoFeedTest {

    @TempDir
    Path dir;

    @Test
    void theDemoFeedImportsStrictlyWithoutProblemsAndTheSameDateGivesTheSameBytes() throws IOException {
        LocalDate today = LocalDate.parse("2026-11-26");
        DemoFeed.write(dir.resolve("a.zip"), today);
        DemoFeed.write(dir.resolve("b.zip"), today);
        GtfsImporter importer = new GtfsImporter(List.of(), null, true, null);

        Timetable tt = importer.read(dir.resolve("a.zip"), "demo");

        assertThat(importer.problems().errors()).isZero();
        assertThat(tt.routeShortNames).containsExactly("1", "2", "3", "N8");
        assertThat(tt.stopTimeCount()).isGreaterThan(5000);
        assertThat(Files.readAllBytes(dir.resolve("a.zip"))).isEqualTo(Files.readAllBytes(dir.resolve("b.zip")));
    }

    @Test
    void theSimulatedFleetMatchesTheDemoTimetableAndDelaysDepartures() throws IOException {
        LocalDate today = LocalDate.parse("2026-11-26");
        DemoFeed.write(dir.resolve("a.zip"), today);
        Timetable tt = new GtfsImporter(List.of(), null, true, null).read(dir.resolve("a.zip"), "demo");
        Instant noon = LocalDateTime.parse("2026-11-26T12:00").atZone(ZoneId.of("Europe/Berlin")).toInstant();
        LiveState state = new LiveState();
        RealtimeProcessor p = new RealtimeProcessor("demo", state, () -> tt);

        p.apply(DemoRealtime.feed(tt, noon), RealtimeProcessor.Kind.TRIP_UPDATES, false, noon);

        assertThat(p.stats().get(RealtimeProcessor.Kind.TRIP_UPDATES).unmatched).isZero();
        // lines 1 to 3 at noon on a weekday keep about ten buses under way; one trip of each hour is cancelled
        assertThat(state.vehicles()).hasSizeGreaterThanOrEqualTo(8);
        assertThat(state.alerts()).containsKey("alert-building-site");
        List<Departures.Departure> deps = Departures.find(tt, state, tt.stopGroup(tt.stopIndex.get("markt")), noon,
            3600, 30);
        assertThat(deps).anyMatch(d -> d.delay() != null && d.delay() > 0);
    }

    /** The demo's live state at a local time in Berlin, the feed generated that day as the hub does. */
    private record Live(Timetable tt, LiveState state, Instant at) {
        List<Departures.Departure> departures(String stop, int seconds, int limit) {
            return Departures.find(tt, state, tt.stopGroup(tt.stopIndex.get(stop)), at, seconds, limit);
        }
    }

    private Live live(Timetable tt, LocalDateTime local) {
        Instant at = local.atZone(BERLIN).toInstant();
        LiveState state = new LiveState();
        RealtimeProcessor p = new RealtimeProcessor("demo", state, () -> tt);
        p.apply(DemoRealtime.feed(tt, at), RealtimeProcessor.Kind.TRIP_UPDATES, false, at);
        assertThat(p.stats().get(RealtimeProcessor.Kind.TRIP_UPDATES).unmatched).as("unmatched at " + local).isZero();
        return new Live(tt, state, at);
    }

    private Timetable timetable(LocalDate today) throws IOException {
        Path zip = dir.resolve(today + ".zip");
        DemoFeed.write(zip, today);
        return new GtfsImporter(List.of(), null, true, null).read(zip, "demo");
    }

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @ParameterizedTest(name = "{0} in Berlin")
    @ValueSource(strings = {"2026-12-03T03:00", "2026-12-03T08:00", "2026-12-05T03:00", "2026-12-06T03:00",
        "2026-12-06T06:40", "2026-12-07T03:00"})
    void atNightAsInTheMorningMarktplatzHasDeparturesWithLiveDelaysVehiclesRunAndATripIsCancelled(String local)
        throws IOException {
        LocalDateTime at = LocalDateTime.parse(local);
        Live live = live(timetable(at.toLocalDate()), at);

        assertThat(live.state().vehicles()).isNotEmpty();
        List<Departures.Departure> nextHour = live.departures("markt", 3600, 30);
        assertThat(nextHour).isNotEmpty();
        assertThat(nextHour).anyMatch(d -> d.realtime() && d.delay() != null && d.delay() != 0);
        assertThat(live.state().trips().values()).anyMatch(t -> t.cancelled);
        // every line passes Marktplatz, so the cancelled trip of the next full hour shows there
        assertThat(live.departures("markt", 3 * 3600, 200)).anyMatch(Departures.Departure::cancelled);
    }

    @Test
    void aWeekendMinuteByMinuteAlwaysHasAVehicleUnderWayAndACancellationAnnounced() throws IOException {
        LocalDate friday = LocalDate.parse("2026-12-04");
        Timetable tt = timetable(friday);
        for (LocalDateTime t = friday.atStartOfDay(); t.isBefore(friday.plusDays(3).atStartOfDay());
             t = t.plusMinutes(7)) {
            Live live = live(tt, t);
            assertThat(live.state().vehicles()).as("vehicles at " + t).isNotEmpty();
            assertThat(live.state().trips().values()).as("a cancellation at " + t).anyMatch(x -> x.cancelled);
            assertThat(live.departures("markt", 3600, 30)).as("departures at " + t).isNotEmpty();
        }
    }
}
