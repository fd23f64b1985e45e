package de.datenhafen.plugins.transit.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.transit.realtime.GtfsRealtime.Alert;
import com.google.transit.realtime.GtfsRealtime.EntitySelector;
import com.google.transit.realtime.GtfsRealtime.FeedEntity;
import com.google.transit.realtime.GtfsRealtime.TranslatedString;
import com.google.transit.realtime.GtfsRealtime.FeedHeader;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import com.google.transit.realtime.GtfsRealtime.Position;
import com.google.transit.realtime.GtfsRealtime.TripDescriptor;
import com.google.transit.realtime.GtfsRealtime.TripUpdate;
import com.google.transit.realtime.GtfsRealtime.VehicleDescriptor;
import com.google.transit.realtime.GtfsRealtime.VehiclePosition;
import de.datenhafen.plugins.transit.GtfsFixture;
import de.datenhafen.plugins.transit.gtfs.GtfsImporter;
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

class RealtimeProcessorTest {

    private static final Instant NOW = LocalDateTime.parse("2026-03-26T08:03").atZone(ZoneId.of("Europe/Berlin"))
        .toInstant();

    @TempDir
    Path dir;
    private RealtimeProcessor processor;
    private LiveState state;

    @BeforeEach
    void load() throws IOException {
        Timetable tt = new GtfsImporter(List.of(), null, true, null).read(GtfsFixture.standard()
            .write(dir.resolve("f.zip")), "t");
        state = new LiveState();
        processor = new RealtimeProcessor("rt", state, () -> tt);
    }

    private static FeedMessage feed(long time, FeedEntity... entities) {
        return FeedMessage.newBuilder().setHeader(FeedHeader.newBuilder().setGtfsRealtimeVersion("2.0")
            .setTimestamp(time)).addAllEntity(List.of(entities)).build();
    }

    private static FeedEntity trip(String id, int delay, long timestamp) {
        return FeedEntity.newBuilder().setId("e-" + id).setTripUpdate(TripUpdate.newBuilder().setTimestamp(timestamp)
            .setTrip(TripDescriptor.newBuilder().setTripId(id).setStartDate("20260326"))
            .addStopTimeUpdate(TripUpdate.StopTimeUpdate.newBuilder().setStopSequence(2)
                .setArrival(TripUpdate.StopTimeEvent.newBuilder().setDelay(delay)))).build();
    }

    private static FeedEntity vehicle(String id, float lat, long timestamp) {
        return FeedEntity.newBuilder().setId("v-" + id).setVehicle(VehiclePosition.newBuilder()
            .setVehicle(VehicleDescriptor.newBuilder().setId(id)).setTimestamp(timestamp)
            .setTrip(TripDescriptor.newBuilder().setTripId("t5-morning"))
            .setPosition(Position.newBuilder().setLatitude(lat).setLongitude(10.68f))).build();
    }

    @Test
    void publishesOnlyWhatChangedSinceTheLastMessage() {
        List<LiveEvent> first = processor.apply(feed(1, trip("t5-morning", 60, 1), vehicle("bus-1", 53.87f, 1)),
            RealtimeProcessor.Kind.TRIP_UPDATES, false, NOW);
        List<LiveEvent> same = processor.apply(feed(2, trip("t5-morning", 60, 2), vehicle("bus-1", 53.87f, 2)),
            RealtimeProcessor.Kind.TRIP_UPDATES, false, NOW);
        List<LiveEvent> moved = processor.apply(feed(3, trip("t5-morning", 120, 3), vehicle("bus-1", 53.88f, 3)),
            RealtimeProcessor.Kind.TRIP_UPDATES, false, NOW);

        assertThat(first).extracting(LiveEvent::type, LiveEvent::subject).containsExactly(
            org.assertj.core.groups.Tuple.tuple(LiveEvent.TRIP_UPDATED, "t5-morning"),
            org.assertj.core.groups.Tuple.tuple(LiveEvent.VEHICLE_POSITION, "bus-1"));
        assertThat(same).isEmpty();
        assertThat(moved).hasSize(2);
        assertThat(moved.get(0).json()).contains("\"delay\":120", "\"line\":\"5\"", "\"matched\":true");
    }

    @Test
    void theSameContentGivesTheSameEventIdSoTheBusCanDropARepeat() {
        LiveEvent a = processor.apply(feed(1, trip("t5-morning", 60, 1)), RealtimeProcessor.Kind.TRIP_UPDATES, false,
            NOW).get(0);
        processor.apply(feed(2), RealtimeProcessor.Kind.TRIP_UPDATES, false, NOW);
        LiveEvent b = processor.apply(feed(3, trip("t5-morning", 60, 9)), RealtimeProcessor.Kind.TRIP_UPDATES, false,
            NOW).get(0);

        assertThat(b.id()).isEqualTo(a.id());
    }

    @Test
    void countsAndPublishesTripsThatMatchNothing() {
        List<LiveEvent> events = processor.apply(feed(1, trip("ghost", 60, 1), trip("t5-morning", 0, 1)),
            RealtimeProcessor.Kind.TRIP_UPDATES, false, NOW);

        RealtimeProcessor.Stats s = processor.stats().get(RealtimeProcessor.Kind.TRIP_UPDATES);
        assertThat(s.entities).isEqualTo(2);
        assertThat(s.matched).isEqualTo(1);
        assertThat(s.unmatched).isEqualTo(1);
        assertThat(s.unmatchedExamples).containsExactly("no trip 'ghost' in the timetable");
        assertThat(events.get(0).json()).contains("\"matched\":false", "\"problem\":\"no trip 'ghost' in the "
            + "timetable\"");
    }

    @Test
    void aVehicleThatNamesItsRouteButNoTripShowsItsLine() {
        FeedEntity between = FeedEntity.newBuilder().setId("v-between").setVehicle(VehiclePosition.newBuilder()
            .setVehicle(VehicleDescriptor.newBuilder().setId("bus-9")).setTimestamp(NOW.getEpochSecond())
            .setTrip(TripDescriptor.newBuilder().setRouteId("r5"))
            .setPosition(Position.newBuilder().setLatitude(53.87f).setLongitude(10.68f))).build();

        processor.apply(feed(NOW.getEpochSecond(), between), null, true, NOW);

        LiveState.Vehicle v = state.vehicles().get("bus-9");
        assertThat(v.routeId()).isEqualTo("r5");
        assertThat(v.line()).isEqualTo("5");
        assertThat(v.tripId()).isNull();
    }

    @Test
    void aFullDataSetReplacesTheTripsAndVehiclesOfTheKindPolled() {
        processor.apply(feed(1, trip("t5-morning", 60, 1)), RealtimeProcessor.Kind.TRIP_UPDATES, false, NOW);
        assertThat(state.trips()).hasSize(1);

        processor.apply(feed(2), RealtimeProcessor.Kind.TRIP_UPDATES, false, NOW);

        assertThat(state.trips()).isEmpty();
    }

    @Test
    void pushedTripsAndVehiclesAreForgottenAnHourAfterTheyEndOnTheFeedsClock() {
        processor.apply(feed(NOW.getEpochSecond(), trip("t5-morning", 60, 1), vehicle("bus-1", 53.87f,
            NOW.getEpochSecond())), null, true, NOW);
        Instant noon = NOW.plusSeconds(4 * 3600);

        processor.apply(feed(noon.getEpochSecond(), vehicle("bus-2", 53.86f, noon.getEpochSecond())), null, true, noon);

        assertThat(state.trips()).isEmpty(); // t5-morning ended at 08:10
        assertThat(state.vehicles()).containsOnlyKeys("bus-2");
    }

    @Test
    void aPushAddsToWhatIsThere() {
        processor.apply(feed(1, vehicle("bus-1", 53.87f, NOW.getEpochSecond())), null, true, NOW);
        processor.apply(feed(2, vehicle("bus-2", 53.86f, NOW.getEpochSecond())), null, true, NOW);

        assertThat(state.vehicles()).containsOnlyKeys("bus-1", "bus-2");
        assertThat(state.vehicles().get("bus-1").line()).isEqualTo("5");
    }

    @Test
    void pushesThatWouldGrowTheLiveStatePastItsLimitAreRefusedWholeAndChangeNothing() {
        processor.maxLive(3);
        processor.apply(feed(100, vehicle("a", 53.87f, 100), vehicle("b", 53.87f, 100)), null, true, NOW);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> processor.apply(feed(101, vehicle("c", 53.87f, 101),
            vehicle("d", 53.87f, 101)), null, true, NOW)).isInstanceOf(FeedMessages.TooLarge.class)
            .hasMessage("the live state would hold more than 3 trips, vehicles or alerts (max-live-entities)");

        assertThat(state.vehicles()).containsOnlyKeys("a", "b");
    }

    @Test
    void manyDeletedEntitiesAreTakenInOnePassNotOncePerKnownEntity() {
        FeedMessage.Builder unknown = FeedMessage.newBuilder().setHeader(FeedHeader.newBuilder()
            .setGtfsRealtimeVersion("2.0").setTimestamp(100));
        FeedMessage.Builder deleted = unknown.clone();
        unknown.addEntity(trip("t5-morning", 60, 100));
        for (int i = 0; i < 30_000; i++) {
            unknown.addEntity(trip("unknown-" + i, 60, 100));
            deleted.addEntity(FeedEntity.newBuilder().setId("gone-" + i).setIsDeleted(true));
        }
        processor.apply(unknown.build(), null, true, NOW);

        // a loop per deleted entity over the 30,000 remembered ones took 9 * 10^8 steps
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
            () -> processor.apply(deleted.build(), null, true, NOW));

        assertThat(state.trips()).hasSize(1);
    }

    private static TranslatedString text(String text) {
        return TranslatedString.newBuilder().addTranslation(TranslatedString.Translation.newBuilder().setText(text)
            .setLanguage("de")).build();
    }

    private static FeedEntity alert(String id, String header, String description, String url) {
        return FeedEntity.newBuilder().setId(id).setAlert(Alert.newBuilder()
            .addInformedEntity(EntitySelector.newBuilder().setStopId("koberg"))
            .setHeaderText(text(header)).setDescriptionText(text(description)).setUrl(text(url))).build();
    }

    @Test
    void alertTextsPastTheirBoundsAreKeptCutAndMarkedAndCountedInTheStatus() {
        processor.apply(feed(1, alert("long", "H".repeat(16_000_000), "D".repeat(20_000), "https://x/" + "u".repeat(3000))),
            null, true, NOW);

        LiveState.Alert kept = state.alerts().get("long");
        assertThat(kept.header()).hasSize(500).endsWith("H…");
        assertThat(kept.description()).hasSize(10_000).endsWith("D…");
        assertThat(kept.url()).hasSize(2_000).startsWith("https://x/").endsWith("u…");
        assertThat(processor.stats().get(RealtimeProcessor.Kind.ALERTS).truncatedTexts).isEqualTo(3);
    }

    @Test
    void aShortAlertIsKeptAsItCame() {
        processor.apply(feed(1, alert("short", "Steig 2 gesperrt", "Bauarbeiten", "https://x/1")), null, true, NOW);

        assertThat(state.alerts().get("short").header()).isEqualTo("Steig 2 gesperrt");
        assertThat(processor.stats().get(RealtimeProcessor.Kind.ALERTS).truncatedTexts).isZero();
    }

    @Test
    void pushesOfAlertsThatWouldMakeTheLiveAlertsHoldTooMuchTextAreRefusedWholeAndChangeNothing() {
        // each push: a new id and a description at its bound; the first 95 fit in 1,000,000 characters
        String description = "D".repeat(RealtimeProcessor.MAX_DESCRIPTION);
        for (int i = 0; i < 95; i++) {
            processor.apply(feed(i, alert("a" + i, "h", description, "u")), null, true, NOW);
        }

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> processor.apply(feed(200,
                alert("b1", "h", description, "u"), alert("b2", "h", description, "u"),
                alert("b3", "h", description, "u"), alert("b4", "h", description, "u"),
                alert("b5", "h", description, "u"), alert("b6", "h", description, "u")), null, true, NOW))
            .isInstanceOf(FeedMessages.TooLarge.class)
            .hasMessage("the live alerts would hold 1011095 characters of text and ids; at most 1000000");
        assertThat(state.alerts()).hasSize(95).doesNotContainKey("b1");
        // an alert replaced by its id counts once
        processor.apply(feed(300, alert("a0", "h", description, "u")), null, true, NOW);
        assertThat(state.alerts()).hasSize(95);
    }
}
