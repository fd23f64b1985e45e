package de.datenhafen.plugins.transit.timetable;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

/**
 * One complete, immutable version of the timetable, held in columnar arrays so a state-wide feed fits in a few
 * hundred MB: stops, routes and trips are numbered in file order and referenced by index; the stop times of trip
 * {@code t} are {@code [tripFirstStopTime[t], tripFirstStopTime[t+1])}, ordered by stop_sequence; and for each stop an
 * index of its stop times ordered by departure time serves departure boards by binary search.
 *
 * <p>Made by the importer on its own thread and then published whole (see {@code FeedState}); readers never see a
 * half-built one. Nothing in it changes after construction, so any thread may read it without locks.
 */
public final class Timetable {

    /** Pickup not available at this stop time (pickup_type 1): not a departure. */
    public static final byte NO_PICKUP = 1;

    public final ZoneId zone;
    public final Instant loadedAt;
    public final String source;
    public final String feedVersion;
    public final String feedPublisher;

    public final String[] agencyIds;
    public final String[] agencyNames;

    public final String[] stopIds;
    public final String[] stopNames;
    public final String[] stopPlatforms;
    public final double[] stopLat;
    public final double[] stopLon;
    public final int[] stopParent;
    public final byte[] stopLocationType;
    public final Map<String, Integer> stopIndex;
    /** For a station: its child stops; for a stop: empty. */
    public final int[][] stopChildren;

    public final String[] routeIds;
    public final String[] routeShortNames;
    public final String[] routeLongNames;
    public final int[] routeTypes;
    public final int[] routeAgency;
    public final Map<String, Integer> routeIndex;

    public final String[] tripIds;
    public final int[] tripRoute;
    public final int[] tripService;
    public final String[] tripHeadsigns;
    public final byte[] tripDirection;
    public final int[] tripShape;
    public final Map<String, Integer> tripIndex;
    public final int[] tripFirstStopTime;
    /**
     * For a run of a trip of frequencies.txt: the trip it repeats (which has no stop times of its own and keeps the
     * trip_id for realtime matching); -1 for a plain trip.
     */
    public final int[] tripTemplate;
    /** For a run of a headway-based window ({@code exact_times=0}): its headway in seconds; else 0. */
    public final int[] tripHeadway;
    /** For a trip of frequencies.txt: its runs, in order of start; empty for any other trip. */
    public final int[][] tripRuns;

    public final int[] stStop;
    public final int[] stArrival;
    public final int[] stDeparture;
    public final int[] stSequence;
    public final byte[] stPickup;

    /** Per stop: {@code [stopDepFirst[s], stopDepFirst[s+1])} indexes into {@link #stopDepStopTime}. */
    public final int[] stopDepFirst;
    /** Stop time indexes, per stop ordered by departure time. */
    public final int[] stopDepStopTime;
    /** The departure time of {@code stopDepStopTime[i]}, kept alongside for a cache-friendly binary search. */
    public final int[] stopDepTime;

    public final String[] serviceIds;
    public final ServiceCalendar calendar;

    public final String[] shapeIds;
    public final int[] shapeFirstPoint;
    public final float[] shapeLat;
    public final float[] shapeLon;

    /** The latest departure time of any stop time, in seconds of its service day (may pass 24 h). */
    public final int maxTime;

    public Timetable(Parts p) {
        this.zone = p.zone;
        this.loadedAt = p.loadedAt;
        this.source = p.source;
        this.feedVersion = p.feedVersion;
        this.feedPublisher = p.feedPublisher;
        this.agencyIds = p.agencyIds;
        this.agencyNames = p.agencyNames;
        this.stopIds = p.stopIds;
        this.stopNames = p.stopNames;
        this.stopPlatforms = p.stopPlatforms;
        this.stopLat = p.stopLat;
        this.stopLon = p.stopLon;
        this.stopParent = p.stopParent;
        this.stopLocationType = p.stopLocationType;
        this.stopIndex = java.util.Collections.unmodifiableMap(p.stopIndex);
        this.routeIds = p.routeIds;
        this.routeShortNames = p.routeShortNames;
        this.routeLongNames = p.routeLongNames;
        this.routeTypes = p.routeTypes;
        this.routeAgency = p.routeAgency;
        this.routeIndex = java.util.Collections.unmodifiableMap(p.routeIndex);
        this.tripIds = p.tripIds;
        this.tripRoute = p.tripRoute;
        this.tripService = p.tripService;
        this.tripHeadsigns = p.tripHeadsigns;
        this.tripDirection = p.tripDirection;
        this.tripShape = p.tripShape;
        this.tripIndex = java.util.Collections.unmodifiableMap(p.tripIndex);
        this.tripFirstStopTime = p.tripFirstStopTime;
        int trips = tripIds.length;
        this.tripTemplate = p.tripTemplate != null ? p.tripTemplate : filled(trips, -1);
        this.tripHeadway = p.tripHeadway != null ? p.tripHeadway : new int[trips];
        this.tripRuns = runs(tripTemplate, p.tripFirstStopTime, p.stDeparture);
        this.stStop = p.stStop;
        this.stArrival = p.stArrival;
        this.stDeparture = p.stDeparture;
        this.stSequence = p.stSequence;
        this.stPickup = p.stPickup;
        this.serviceIds = p.serviceIds;
        this.calendar = p.calendar;
        this.shapeIds = p.shapeIds;
        this.shapeFirstPoint = p.shapeFirstPoint;
        this.shapeLat = p.shapeLat;
        this.shapeLon = p.shapeLon;

        int stops = stopIds.length;
        int[][] children = new int[stops][];
        int[] childCount = new int[stops];
        for (int s = 0; s < stops; s++) {
            if (stopParent[s] >= 0) {
                childCount[stopParent[s]]++;
            }
        }
        for (int s = 0; s < stops; s++) {
            children[s] = new int[childCount[s]];
            childCount[s] = 0;
        }
        for (int s = 0; s < stops; s++) {
            int parent = stopParent[s];
            if (parent >= 0) {
                children[parent][childCount[parent]++] = s;
            }
        }
        this.stopChildren = children;

        // departures index: counting sort by stop, then by departure time within each stop
        int n = stStop.length;
        int[] first = new int[stops + 1];
        for (int i = 0; i < n; i++) {
            first[stStop[i] + 1]++;
        }
        for (int s = 0; s < stops; s++) {
            first[s + 1] += first[s];
        }
        int[] fill = first.clone();
        int[] byStop = new int[n];
        for (int i = 0; i < n; i++) {
            byStop[fill[stStop[i]]++] = i;
        }
        int[] times = new int[n];
        long[] scratch = new long[0];
        int max = 0;
        for (int s = 0; s < stops; s++) {
            int from = first[s];
            int to = first[s + 1];
            int len = to - from;
            if (scratch.length < len) {
                scratch = new long[Math.max(len, scratch.length * 2)];
            }
            for (int k = 0; k < len; k++) {
                int st = byStop[from + k];
                scratch[k] = ((long) stDeparture[st] << 32) | st;
            }
            java.util.Arrays.sort(scratch, 0, len);
            for (int k = 0; k < len; k++) {
                byStop[from + k] = (int) scratch[k];
                times[from + k] = (int) (scratch[k] >>> 32);
                max = Math.max(max, times[from + k]);
            }
        }
        this.stopDepFirst = first;
        this.stopDepStopTime = byStop;
        this.stopDepTime = times;
        this.maxTime = max;
    }

    private static int[] filled(int n, int value) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, value);
        return a;
    }

    private static int[][] runs(int[] template, int[] first, int[] departure) {
        int[] count = new int[template.length];
        for (int t : template) {
            if (t >= 0) {
                count[t]++;
            }
        }
        int[][] out = new int[template.length][];
        int[] none = new int[0];
        for (int t = 0; t < template.length; t++) {
            out[t] = count[t] == 0 ? none : new int[count[t]];
            count[t] = 0;
        }
        for (int r = 0; r < template.length; r++) {
            if (template[r] >= 0) {
                out[template[r]][count[template[r]]++] = r;
            }
        }
        for (int[] rs : out) {
            if (rs.length > 1) {
                long[] keyed = new long[rs.length];
                for (int i = 0; i < rs.length; i++) {
                    keyed[i] = ((long) departure[first[rs[i]]] << 32) | rs[i];
                }
                java.util.Arrays.sort(keyed);
                for (int i = 0; i < rs.length; i++) {
                    rs[i] = (int) keyed[i];
                }
            }
        }
        return out;
    }

    /**
     * The run of frequency trip {@code trip} that leaves its first stop at {@code startSeconds}, or -1. A headway-based
     * run also answers to a start up to half its headway off: the GTFS-Realtime reference lets a headway-based trip's
     * start_time be the time the vehicle really left, so 09:02 names the 09:00 run of a 10-minute headway.
     */
    public int runStartingAt(int trip, int startSeconds) {
        int best = -1;
        int bestDistance = Integer.MAX_VALUE;
        for (int r : tripRuns[trip]) {
            int distance = Math.abs(stDeparture[tripFirstStopTime[r]] - startSeconds);
            if (distance == 0) {
                return r;
            }
            if (tripHeadway[r] > 0 && 2 * distance <= tripHeadway[r] && distance < bestDistance) {
                best = r;
                bestDistance = distance;
            }
        }
        return best;
    }

    public int stopTimeCount() {
        return stStop.length;
    }

    /** The trip a stop time belongs to (binary search over the trips' first stop times). */
    public int tripOfStopTime(int st) {
        int lo = 0;
        int hi = tripIds.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (tripFirstStopTime[mid] <= st) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** The stop itself, and for a station its platforms; for a platform, its station's other platforms too. */
    public int[] stopGroup(int stop) {
        int station = stopLocationType[stop] == 1 ? stop : stopParent[stop];
        if (station < 0) {
            return new int[] {stop};
        }
        int[] kids = stopChildren[station];
        int[] out = new int[kids.length + 1];
        out[0] = station;
        System.arraycopy(kids, 0, out, 1, kids.length);
        return out;
    }

    /** The mutable parts an importer fills in before making the timetable. */
    public static final class Parts {
        public ZoneId zone;
        public Instant loadedAt;
        public String source;
        public String feedVersion;
        public String feedPublisher;
        public String[] agencyIds;
        public String[] agencyNames;
        public String[] stopIds;
        public String[] stopNames;
        public String[] stopPlatforms;
        public double[] stopLat;
        public double[] stopLon;
        public int[] stopParent;
        public byte[] stopLocationType;
        public Map<String, Integer> stopIndex;
        public String[] routeIds;
        public String[] routeShortNames;
        public String[] routeLongNames;
        public int[] routeTypes;
        public int[] routeAgency;
        public Map<String, Integer> routeIndex;
        public String[] tripIds;
        public int[] tripRoute;
        public int[] tripService;
        public String[] tripHeadsigns;
        public byte[] tripDirection;
        public int[] tripShape;
        public Map<String, Integer> tripIndex;
        public int[] tripFirstStopTime;
        public int[] tripTemplate;
        public int[] tripHeadway;
        public int[] stStop;
        public int[] stArrival;
        public int[] stDeparture;
        public int[] stSequence;
        public byte[] stPickup;
        public String[] serviceIds;
        public ServiceCalendar calendar;
        public String[] shapeIds;
        public int[] shapeFirstPoint;
        public float[] shapeLat;
        public float[] shapeLon;
    }

    @Override
    public String toString() {
        return "Timetable[" + source + ", version " + feedVersion + ", " + stopIds.length + " stops, "
            + routeIds.length + " routes, " + tripIds.length + " trips, " + stStop.length + " stop times]";
    }
}
