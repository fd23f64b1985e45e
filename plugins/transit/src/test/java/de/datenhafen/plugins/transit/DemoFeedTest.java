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
        assertThat(state.vehicles()).hasSizeGreaterThan(10);
        assertThat(state.alerts()).containsKey("alert-building-site");
        List<Departures.Departure> deps = Departures.find(tt, state, tt.stopGroup(tt.stopIndex.get("markt")), noon,
            3600, 30);
        assertThat(deps).anyMatch(d -> d.delay() != null && d.delay() > 0);
    }
}
