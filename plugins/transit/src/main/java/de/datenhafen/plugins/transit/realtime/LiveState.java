package de.datenhafen.plugins.transit.realtime;

import de.datenhafen.plugins.transit.timetable.Timetable;
import de.datenhafen.plugins.transit.timetable.TripLive;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The live state of one feed: trips, vehicles and alerts, each a map replaced whole when a poll brings a full data
 * set (copy on write: a departures query reads a map that no one changes). Written by the realtime integrations'
 * poll and push routes, one at a time ({@code synchronized} writers); read from any thread.
 */
public final class LiveState implements TripLive.Lookup {

    /** What is known about a vehicle now. */
    public record Vehicle(String id, String label, double lat, double lon, Float bearing, Float speed, String tripId,
                          String routeId, String line, String headsign, Integer delay, String stopId,
                          String status, long timestamp) {
    }

    /** A service alert with what it concerns; active periods as epoch seconds (0 = open). */
    public record Alert(String id, List<long[]> periods, List<String> routeIds, List<String> stopIds,
                        List<String> tripIds, List<String> agencyIds, String cause, String effect, String header,
                        String description, String url) {

        public boolean activeAt(Instant t) {
            if (periods.isEmpty()) {
                return true;
            }
            long s = t.getEpochSecond();
            for (long[] p : periods) {
                if ((p[0] == 0 || p[0] <= s) && (p[1] == 0 || s < p[1])) {
                    return true;
                }
            }
            return false;
        }
    }

    private volatile Map<String, TripLive> trips = Map.of();
    /** The trips of {@code trips} resolved against one timetable, by (trip index, day), for lookups without garbage. */
    private volatile Index index = new Index(null, new long[0], new TripLive[0], 0);
    private volatile Map<String, Vehicle> vehicles = Map.of();
    private volatile Map<String, Alert> alerts = Map.of();
    private volatile Instant updatedAt;

    /** A run of a trip of frequencies.txt shares its trip_id with the other runs: its start time tells it apart. */
    static String key(Timetable tt, int trip, int serviceDay) {
        String id = tt.tripIds[trip] + '|' + serviceDay;
        return tt.tripTemplate[trip] < 0 ? id
            : id + '|' + de.datenhafen.plugins.transit.gtfs.GtfsTime.format(tt.stDeparture[tt.tripFirstStopTime[trip]]);
    }

    private record Index(Timetable basis, long[] keys, TripLive[] values, int maxDelay) {
        static long key(int trip, int day) {
            return ((long) trip << 32) | (day & 0xffffffffL);
        }
    }

    @Override
    public TripLive find(Timetable tt, int trip, int serviceDay) {
        Index ix = index;
        if (ix.basis == tt) {
            int i = java.util.Arrays.binarySearch(ix.keys, Index.key(trip, serviceDay));
            return i < 0 ? null : ix.values[i];
        }
        Map<String, TripLive> t = trips;
        if (t.isEmpty()) {
            return null;
        }
        TripLive l = t.get(key(tt, trip, serviceDay));
        return l == null || l.basis != tt ? null : l;
    }

    @Override
    public int maxDelaySeconds() {
        return index.maxDelay;
    }

    public Map<String, TripLive> trips() {
        return trips;
    }

    public Map<String, Vehicle> vehicles() {
        return vehicles;
    }

    public Map<String, Alert> alerts() {
        return alerts;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    synchronized void setTrips(Map<String, TripLive> t, Timetable basis) {
        Map<String, TripLive> copy = Map.copyOf(t);
        List<TripLive> current = copy.values().stream().filter(l -> l.basis == basis)
            .sorted(java.util.Comparator.comparingLong(l -> Index.key(l.trip, l.serviceDay))).toList();
        long[] keys = new long[current.size()];
        int maxDelay = 0;
        for (int i = 0; i < keys.length; i++) {
            keys[i] = Index.key(current.get(i).trip, current.get(i).serviceDay);
            maxDelay = Math.max(maxDelay, current.get(i).maxDelay());
        }
        // a trip of another timetable version may still be late: then look back the whole way
        int bound = current.size() == copy.size() ? maxDelay : Integer.MAX_VALUE;
        index = new Index(basis, keys, current.toArray(new TripLive[0]), bound);
        trips = copy;
        updatedAt = Instant.now();
    }

    synchronized void setVehicles(Map<String, Vehicle> v) {
        vehicles = Map.copyOf(v);
        updatedAt = Instant.now();
    }

    synchronized void setAlerts(Map<String, Alert> a) {
        alerts = Map.copyOf(a);
        updatedAt = Instant.now();
    }
}
