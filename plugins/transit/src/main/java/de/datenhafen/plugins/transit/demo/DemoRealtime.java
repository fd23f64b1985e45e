package de.datenhafen.plugins.transit.demo;

import com.google.transit.realtime.GtfsRealtime.Alert;
import com.google.transit.realtime.GtfsRealtime.EntitySelector;
import com.google.transit.realtime.GtfsRealtime.FeedEntity;
import com.google.transit.realtime.GtfsRealtime.FeedHeader;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import com.google.transit.realtime.GtfsRealtime.Position;
import com.google.transit.realtime.GtfsRealtime.TranslatedString;
import com.google.transit.realtime.GtfsRealtime.TripDescriptor;
import com.google.transit.realtime.GtfsRealtime.TripUpdate;
import com.google.transit.realtime.GtfsRealtime.VehicleDescriptor;
import com.google.transit.realtime.GtfsRealtime.VehiclePosition;
import de.datenhafen.plugins.transit.gtfs.GtfsTime;
import de.datenhafen.plugins.transit.timetable.Timetable;
import java.time.Instant;
import java.time.LocalDate;

/**
 * A simulated fleet for any timetable: every trip under way now gets a vehicle whose position is interpolated between
 * its stops, and a delay that grows and shrinks with the clock (so departures move from one poll to the next);
 * about one trip in 25 of the next hour is cancelled and one in 20 skips a stop. Plus one alert on the first stop
 * whose name holds "Mühlentor" (the demo town's building site), or on the first stop. Deterministic for a given
 * instant, so tests and the benchmark can use it too.
 */
public final class DemoRealtime {

    private DemoRealtime() {
    }

    public static FeedMessage feed(Timetable tt, Instant now) {
        FeedMessage.Builder msg = FeedMessage.newBuilder().setHeader(FeedHeader.newBuilder()
            .setGtfsRealtimeVersion("2.0").setIncrementality(FeedHeader.Incrementality.FULL_DATASET)
            .setTimestamp(now.getEpochSecond()));
        long t = now.getEpochSecond();
        LocalDate today = now.atZone(tt.zone).toLocalDate();
        for (int k = -2; k <= 0; k++) {
            LocalDate day = today.plusDays(k);
            int epochDay = (int) day.toEpochDay();
            long base = GtfsTime.serviceDayStart(day, tt.zone);
            for (int trip = 0; trip < tt.tripIds.length; trip++) {
                if (!tt.calendar.active(tt.tripService[trip], epochDay)) {
                    continue;
                }
                int first = tt.tripFirstStopTime[trip];
                int last = tt.tripFirstStopTime[trip + 1] - 1;
                if (last <= first) {
                    continue;
                }
                long start = base + tt.stDeparture[first];
                long end = base + tt.stArrival[last];
                int h = Math.floorMod((tt.tripIds[trip] + epochDay).hashCode(), 1000);
                TripDescriptor.Builder descriptor = TripDescriptor.newBuilder().setTripId(tt.tripIds[trip])
                    .setStartDate(GtfsTime.formatDate(epochDay)).setRouteId(tt.routeIds[tt.tripRoute[trip]]);
                if (tt.tripTemplate[trip] >= 0) {
                    // a run of a frequencies.txt trip: its start time tells it from the trip's other runs
                    descriptor.setStartTime(GtfsTime.format(tt.stDeparture[first]));
                }
                TripDescriptor desc = descriptor.build();
                String entity = tt.tripIds[trip] + (desc.hasStartTime() ? "@" + desc.getStartTime() : "");
                if (h % 25 == 0 && start > t && start < t + 3600) {
                    msg.addEntity(FeedEntity.newBuilder().setId("cancel-" + entity).setTripUpdate(
                        TripUpdate.newBuilder().setTrip(desc.toBuilder()
                            .setScheduleRelationship(TripDescriptor.ScheduleRelationship.CANCELED))));
                    continue;
                }
                int delay = delay(h, t);
                if (t < start || t > end + delay + 60) {
                    continue;
                }
                // where is it: the last stop whose expected departure has passed
                int at = first;
                while (at < last && base + tt.stDeparture[at + 1] + delay <= t) {
                    at++;
                }
                String vehicle = "bus-" + (100 + Math.floorMod(entity.hashCode(), 900));
                TripUpdate.Builder u = TripUpdate.newBuilder().setTrip(desc)
                    .setVehicle(VehicleDescriptor.newBuilder().setId(vehicle)).setTimestamp(t);
                int next = Math.min(at + 1, last);
                u.addStopTimeUpdate(TripUpdate.StopTimeUpdate.newBuilder().setStopSequence(tt.stSequence[next])
                    .setArrival(TripUpdate.StopTimeEvent.newBuilder().setDelay(delay)));
                if (h % 20 == 1 && next + 1 < last) {
                    u.addStopTimeUpdate(TripUpdate.StopTimeUpdate.newBuilder().setStopSequence(tt.stSequence[next + 1])
                        .setScheduleRelationship(TripUpdate.StopTimeUpdate.ScheduleRelationship.SKIPPED));
                }
                msg.addEntity(FeedEntity.newBuilder().setId("trip-" + entity).setTripUpdate(u));
                double f = 0;
                if (at < last) {
                    long leg = (long) tt.stArrival[at + 1] - tt.stDeparture[at];
                    f = leg <= 0 ? 0 : Math.max(0, Math.min(1, (t - delay - base - tt.stDeparture[at]) / (double) leg));
                }
                int s0 = tt.stStop[at];
                int s1 = tt.stStop[Math.min(at + 1, last)];
                double lat = tt.stopLat[s0] + (tt.stopLat[s1] - tt.stopLat[s0]) * f;
                double lon = tt.stopLon[s0] + (tt.stopLon[s1] - tt.stopLon[s0]) * f;
                float bearing = (float) ((Math.toDegrees(Math.atan2((tt.stopLon[s1] - tt.stopLon[s0])
                    * Math.cos(Math.toRadians(lat)), tt.stopLat[s1] - tt.stopLat[s0])) + 360) % 360);
                msg.addEntity(FeedEntity.newBuilder().setId("vehicle-" + vehicle).setVehicle(VehiclePosition
                    .newBuilder().setTrip(desc).setVehicle(VehicleDescriptor.newBuilder().setId(vehicle)
                        .setLabel(vehicle.toUpperCase()))
                    .setPosition(Position.newBuilder().setLatitude((float) lat).setLongitude((float) lon)
                        .setBearing(bearing))
                    .setCurrentStopSequence(tt.stSequence[next])
                    .setCurrentStatus(VehiclePosition.VehicleStopStatus.IN_TRANSIT_TO).setTimestamp(t)));
            }
        }
        int alertStop = 0;
        for (int s = 0; s < tt.stopIds.length; s++) {
            if (tt.stopNames[s].contains("Mühlentor")) {
                alertStop = s;
                break;
            }
        }
        if (tt.stopIds.length > 0) {
            msg.addEntity(FeedEntity.newBuilder().setId("alert-building-site").setAlert(Alert.newBuilder()
                .addInformedEntity(EntitySelector.newBuilder().setStopId(tt.stopIds[alertStop]))
                .setCause(Alert.Cause.CONSTRUCTION).setEffect(Alert.Effect.STOP_MOVED)
                .setHeaderText(text("Baustelle: Haltestelle " + tt.stopNames[alertStop] + " verlegt"))
                .setDescriptionText(text("Bis auf Weiteres halten die Busse 50 m weiter an der Ersatzhaltestelle."))));
        }
        return msg.build();
    }

    /** Seconds late: half the trips run on time, the others drift between about -1 and +7 minutes. */
    static int delay(int hash, long now) {
        if (hash % 2 == 0) {
            return 0;
        }
        double phase = (now / 60.0) / 7.0 + hash;
        return (int) (60 * (2 + (hash % 5) + 3 * Math.sin(phase))) - 60;
    }

    private static TranslatedString text(String s) {
        return TranslatedString.newBuilder().addTranslation(TranslatedString.Translation.newBuilder().setText(s)
            .setLanguage("de")).build();
    }
}
