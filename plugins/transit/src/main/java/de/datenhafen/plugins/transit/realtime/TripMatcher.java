package de.datenhafen.plugins.transit.realtime;

import com.google.transit.realtime.GtfsRealtime.TripDescriptor;
import com.google.transit.realtime.GtfsRealtime.TripUpdate;
import com.google.transit.realtime.GtfsRealtime.TripUpdate.StopTimeEvent;
import com.google.transit.realtime.GtfsRealtime.TripUpdate.StopTimeUpdate;
import de.datenhafen.plugins.transit.gtfs.GtfsTime;
import de.datenhafen.plugins.transit.timetable.Timetable;
import de.datenhafen.plugins.transit.timetable.TripLive;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * Matches GTFS-Realtime trip descriptors and trip updates to a timetable, and works out the delay at every stop as
 * the GTFS-Realtime reference says: a stop time update's delay holds for the later stops until the next update; a
 * SKIPPED stop is skipped but passes the delay on; NO_DATA clears it until the next update; stops before the first
 * update have no prediction (unless the trip-level delay gives one); {@code time} is turned into a delay against the
 * scheduled time; an arrival without a departure gives the departure the same delay; a departure is never expected
 * before its arrival. Stateless.
 */
public final class TripMatcher {

    private TripMatcher() {
    }

    /** The outcome of matching: a trip on a service day, or the reason there is none. */
    public record Match(int trip, int serviceDay, String problem) {
        static Match of(int trip, int day) {
            return new Match(trip, day, null);
        }

        static Match none(String problem) {
            return new Match(-1, 0, problem);
        }

        public boolean matched() {
            return problem == null;
        }
    }

    /**
     * Matches a trip descriptor; without start_date, the service day whose run of the trip is nearest to now. A trip of
     * frequencies.txt is matched to the run its start_time names; without start_time, to its run nearest to now.
     */
    public static Match match(Timetable tt, TripDescriptor d, Instant now) {
        if (d.hasScheduleRelationship() && d.getScheduleRelationship() != TripDescriptor.ScheduleRelationship.SCHEDULED
            && d.getScheduleRelationship() != TripDescriptor.ScheduleRelationship.CANCELED) {
            return Match.none("trip " + d.getTripId() + " is " + d.getScheduleRelationship()
                + ": only scheduled and cancelled trips are matched to the timetable");
        }
        if (!d.hasTripId() || d.getTripId().isEmpty()) {
            return Match.none("the trip descriptor has no trip_id (route " + d.getRouteId() + ")");
        }
        Integer trip = tt.tripIndex.get(d.getTripId());
        if (trip == null) {
            return Match.none("no trip '" + d.getTripId() + "' in the timetable");
        }
        int[] candidates = {trip};
        if (tt.tripRuns[trip].length > 0) {
            // a trip of frequencies.txt: start_time names the run (the GTFS-Realtime reference requires it there)
            if (d.hasStartTime() && !d.getStartTime().isEmpty()) {
                int start = GtfsTime.parse(d.getStartTime());
                if (start == Integer.MIN_VALUE) {
                    return Match.none("trip " + d.getTripId() + ": start_time '" + d.getStartTime()
                        + "' is not HH:MM:SS");
                }
                int run = tt.runStartingAt(trip, start);
                if (run < 0) {
                    return Match.none("trip " + d.getTripId() + " has no run starting at " + d.getStartTime());
                }
                trip = run;
                candidates = new int[] {run};
            } else {
                candidates = tt.tripRuns[trip];
            }
        }
        int service = tt.tripService[trip];
        if (d.hasStartDate() && !d.getStartDate().isEmpty() && candidates.length > 1) {
            return Match.none("trip " + d.getTripId() + " runs several times a day: start_time names the run");
        }
        if (d.hasStartDate() && !d.getStartDate().isEmpty()) {
            int day = GtfsTime.parseDate(d.getStartDate());
            if (day == Integer.MIN_VALUE) {
                return Match.none("trip " + d.getTripId() + ": start_date '" + d.getStartDate() + "' is not YYYYMMDD");
            }
            if (!tt.calendar.active(service, day)) {
                return Match.none("trip " + d.getTripId() + " does not run on " + LocalDate.ofEpochDay(day));
            }
            return Match.of(trip, day);
        }
        LocalDate today = now.atZone(tt.zone).toLocalDate();
        long best = Long.MAX_VALUE;
        int bestDay = Integer.MIN_VALUE;
        int bestTrip = trip;
        for (int k = -2; k <= 1; k++) {
            LocalDate day = today.plusDays(k);
            int epochDay = (int) day.toEpochDay();
            if (!tt.calendar.active(service, epochDay)) {
                continue;
            }
            long base = GtfsTime.serviceDayStart(day, tt.zone);
            for (int c : candidates) {
                long start = base + tt.stDeparture[tt.tripFirstStopTime[c]];
                long end = base + tt.stArrival[tt.tripFirstStopTime[c + 1] - 1];
                long t = now.getEpochSecond();
                long distance = t < start ? start - t : t > end ? t - end : 0;
                if (distance < best) {
                    best = distance;
                    bestDay = epochDay;
                    bestTrip = c;
                }
            }
        }
        if (bestDay == Integer.MIN_VALUE) {
            return Match.none("trip " + d.getTripId() + " does not run around " + today);
        }
        return Match.of(bestTrip, bestDay);
    }

    /** The live state of a matched trip; {@code unmatchedStops} receives the count of updates that fit no stop. */
    public static TripLive resolve(Timetable tt, Match m, TripUpdate u, String vehicleId, int[] unmatchedStops) {
        int trip = m.trip();
        int first = tt.tripFirstStopTime[trip];
        int n = tt.tripFirstStopTime[trip + 1] - first;
        int[] arr = new int[n];
        int[] dep = new int[n];
        boolean[] skipped = new boolean[n];
        Arrays.fill(arr, TripLive.UNKNOWN);
        Arrays.fill(dep, TripLive.UNKNOWN);
        boolean cancelled = u.getTrip().getScheduleRelationship() == TripDescriptor.ScheduleRelationship.CANCELED;
        long timestamp = u.hasTimestamp() ? u.getTimestamp() : 0;
        if (cancelled) {
            return new TripLive(tt, trip, m.serviceDay(), true, arr, dep, skipped, vehicleId, timestamp);
        }
        long base = GtfsTime.serviceDayStart(LocalDate.ofEpochDay(m.serviceDay()), tt.zone);

        // place each stop time update at its stop time index
        StopTimeUpdate[] at = new StopTimeUpdate[n];
        int cursor = 0;
        for (StopTimeUpdate s : u.getStopTimeUpdateList()) {
            int index = -1;
            if (s.hasStopSequence()) {
                for (int i = 0; i < n; i++) {
                    if (tt.stSequence[first + i] == s.getStopSequence()) {
                        index = i;
                        break;
                    }
                }
            } else if (s.hasStopId()) {
                Integer stop = tt.stopIndex.get(s.getStopId());
                if (stop != null) {
                    for (int i = cursor; i < n; i++) {
                        if (tt.stStop[first + i] == stop) {
                            index = i;
                            break;
                        }
                    }
                }
            }
            if (index < 0) {
                unmatchedStops[0]++;
                continue;
            }
            at[index] = s;
            cursor = index + 1;
        }

        int carry = u.hasDelay() ? u.getDelay() : TripLive.UNKNOWN;
        for (int i = 0; i < n; i++) {
            StopTimeUpdate s = at[i];
            if (s != null) {
                StopTimeUpdate.ScheduleRelationship rel = s.getScheduleRelationship();
                if (rel == StopTimeUpdate.ScheduleRelationship.NO_DATA) {
                    carry = TripLive.UNKNOWN;
                } else if (rel == StopTimeUpdate.ScheduleRelationship.SKIPPED) {
                    skipped[i] = true;
                } else {
                    int a = delay(s.hasArrival() ? s.getArrival() : null, base + tt.stArrival[first + i]);
                    int d = delay(s.hasDeparture() ? s.getDeparture() : null, base + tt.stDeparture[first + i]);
                    if (a == TripLive.UNKNOWN) {
                        a = d != TripLive.UNKNOWN ? d : carry;
                    }
                    if (d == TripLive.UNKNOWN) {
                        d = a;
                    }
                    arr[i] = a;
                    dep[i] = d;
                    if (a != TripLive.UNKNOWN && d != TripLive.UNKNOWN) {
                        // the bus cannot leave before it arrives
                        int dwell = tt.stDeparture[first + i] - tt.stArrival[first + i];
                        if (d + dwell < a) {
                            dep[i] = a - dwell;
                        }
                    }
                    carry = dep[i];
                    continue;
                }
            }
            arr[i] = carry;
            dep[i] = carry;
        }
        return new TripLive(tt, trip, m.serviceDay(), false, arr, dep, skipped, vehicleId, timestamp);
    }

    private static int delay(StopTimeEvent e, long scheduled) {
        if (e == null) {
            return TripLive.UNKNOWN;
        }
        if (e.hasTime()) {
            return (int) (e.getTime() - scheduled);
        }
        if (e.hasDelay()) {
            return e.getDelay();
        }
        return TripLive.UNKNOWN;
    }
}
