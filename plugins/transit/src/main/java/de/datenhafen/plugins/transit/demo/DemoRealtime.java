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
import java.util.HashMap;
import java.util.Map;

/**
 * A simulated fleet for any timetable: every trip under way now gets a vehicle whose position is interpolated between
 * its stops, and a delay that drifts with the clock (so departures move from one poll to the next); a trip that starts
 * within the next half hour is announced with its delay at its first stop. Disruptions: in every hour of every service
 * day the trip starting in it with the lowest hash is cancelled (plus about one in 25 others), so a cancellation lies
 * in the next two hours whenever the timetable runs at all, at night too; the hour's trip with the highest hash (and
 * about one in 20 others) skips a stop. Plus one alert on the first stop whose name holds "Mühlentor" (the demo town's
 * building site), or on the first stop. Deterministic for a given instant, so tests and the benchmark can use it too.
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
            Map<Integer, int[]> hours = hourExtremes(tt, epochDay);
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
                int h = hash(tt, trip, epochDay);
                int[] hour = hours.get(tt.stDeparture[first] / 3600);
                TripDescriptor.Builder descriptor = TripDescriptor.newBuilder().setTripId(tt.tripIds[trip])
                    .setStartDate(GtfsTime.formatDate(epochDay)).setRouteId(tt.routeIds[tt.tripRoute[trip]]);
                if (tt.tripTemplate[trip] >= 0) {
                    // a run of a frequencies.txt trip: its start time tells it from the trip's other runs
                    descriptor.setStartTime(GtfsTime.format(tt.stDeparture[first]));
                }
                TripDescriptor desc = descriptor.build();
                String entity = tt.tripIds[trip] + (desc.hasStartTime() ? "@" + desc.getStartTime() : "");
                if (h % 25 == 0 || hour[0] == trip) {
                    // announced from two hours before its start until its scheduled end; it never runs
                    if (start < t + 7200 && t <= end) {
                        msg.addEntity(FeedEntity.newBuilder().setId("cancel-" + entity).setTripUpdate(
                            TripUpdate.newBuilder().setTrip(desc.toBuilder()
                                .setScheduleRelationship(TripDescriptor.ScheduleRelationship.CANCELED))));
                    }
                    continue;
                }
                int delay = delay(h, t);
                String vehicle = "bus-" + (100 + Math.floorMod(entity.hashCode(), 900));
                if (t < start) {
                    if (start < t + 1800) {
                        // the next half hour's trips, announced: a bus does not leave its first stop early
                        msg.addEntity(FeedEntity.newBuilder().setId("trip-" + entity).setTripUpdate(TripUpdate
                            .newBuilder().setTrip(desc).setTimestamp(t).addStopTimeUpdate(TripUpdate.StopTimeUpdate
                                .newBuilder().setStopSequence(tt.stSequence[first])
                                .setDeparture(TripUpdate.StopTimeEvent.newBuilder().setDelay(Math.max(0, delay))))));
                    }
                    continue;
                }
                if (t > end + delay + 60) {
                    continue;
                }
                // where is it: the last stop whose expected departure has passed
                int at = first;
                while (at < last && base + tt.stDeparture[at + 1] + delay <= t) {
                    at++;
                }
                TripUpdate.Builder u = TripUpdate.newBuilder().setTrip(desc)
                    .setVehicle(VehicleDescriptor.newBuilder().setId(vehicle)).setTimestamp(t);
                int next = Math.min(at + 1, last);
                u.addStopTimeUpdate(TripUpdate.StopTimeUpdate.newBuilder().setStopSequence(tt.stSequence[next])
                    .setArrival(TripUpdate.StopTimeEvent.newBuilder().setDelay(delay)));
                if ((h % 20 == 1 || hour[1] == trip) && next + 1 < last) {
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

    /**
     * Seconds late, never still for long: half the trips drift between half a minute early and a minute and a half
     * late, the others between about -1 and +7 minutes.
     */
    static int delay(int hash, long now) {
        double phase = (now / 60.0) / 7.0 + hash;
        if (hash % 2 == 0) {
            return (int) (30 + 60 * Math.sin(phase));
        }
        return (int) (60 * (2 + (hash % 5) + 3 * Math.sin(phase))) - 60;
    }

    private static int hash(Timetable tt, int trip, int epochDay) {
        return Math.floorMod((tt.tripIds[trip] + epochDay).hashCode(), 1000);
    }

    /**
     * Per hour of the service day (by first departure): the trips of that hour running on the day with the lowest and
     * the highest hash, {lowest, highest} (the same trip when it is the hour's only one).
     */
    private static Map<Integer, int[]> hourExtremes(Timetable tt, int epochDay) {
        Map<Integer, int[]> out = new HashMap<>();
        Map<Integer, int[]> hashes = new HashMap<>();
        for (int trip = 0; trip < tt.tripIds.length; trip++) {
            int first = tt.tripFirstStopTime[trip];
            if (tt.tripFirstStopTime[trip + 1] - 1 <= first || !tt.calendar.active(tt.tripService[trip], epochDay)) {
                continue;
            }
            int hour = tt.stDeparture[first] / 3600;
            int h = hash(tt, trip, epochDay);
            int[] ex = out.get(hour);
            if (ex == null) {
                out.put(hour, new int[] {trip, trip});
                hashes.put(hour, new int[] {h, h});
                continue;
            }
            int[] hx = hashes.get(hour);
            if (h < hx[0]) {
                ex[0] = trip;
                hx[0] = h;
            }
            if (h > hx[1]) {
                ex[1] = trip;
                hx[1] = h;
            }
        }
        return out;
    }

    private static TranslatedString text(String s) {
        return TranslatedString.newBuilder().addTranslation(TranslatedString.Translation.newBuilder().setText(s)
            .setLanguage("de")).build();
    }
}
