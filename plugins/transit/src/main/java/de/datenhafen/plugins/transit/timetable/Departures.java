package de.datenhafen.plugins.transit.timetable;

import de.datenhafen.plugins.transit.gtfs.GtfsTime;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Departure boards. A stop time belongs to a service day, and its instant is that day's start ("noon minus 12 h",
 * see {@link GtfsTime#serviceDayStart}) plus its seconds; so a query looks at every service day whose trips can reach
 * the asked window (yesterday's 25:10 is today's 01:10) and asks the calendar whether the trip's service runs on
 * that day. Realtime delays move a departure: one scheduled before the window but expected in it is shown (looking
 * back as far as the largest delay now known, at most {@link #LOOKBACK_SECONDS}); one expected before the window is
 * not.
 *
 * <p>Stateless; safe from any thread. Cost: a binary search per stop and service day, then one step per candidate.
 */
public final class Departures {

    /** How far before the window a delayed departure is looked for. */
    public static final int LOOKBACK_SECONDS = 3600;
    /** The longest window a query may ask for. */
    public static final long MAX_WINDOW_SECONDS = 48 * 3600;

    private Departures() {
    }

    /** One departure of a trip from a stop. Times are epoch seconds; delay is null when not known. */
    public record Departure(int stopTime, int trip, int stop, int serviceDay, long scheduled, long expected,
                            Integer delay, boolean cancelled, boolean skipped, boolean realtime) {

        /** The time that decides order and window: expected if known, else scheduled. */
        public long effective() {
            return expected;
        }

        public LocalDate serviceDate() {
            return LocalDate.ofEpochDay(serviceDay);
        }
    }

    /**
     * The departures from {@code stops} at or after {@code from}, ordered by expected time: at most {@code limit}, and
     * only up to {@code from + windowSeconds}.
     */
    public static List<Departure> find(Timetable tt, TripLive.Lookup live, int[] stops, Instant from,
                                       long windowSeconds, int limit) {
        long t0 = from.getEpochSecond();
        long end = t0 + Math.min(windowSeconds, MAX_WINDOW_SECONDS);
        int lookback = Math.max(0, Math.min(LOOKBACK_SECONDS, live.maxDelaySeconds()));
        List<Departure> out = new ArrayList<>();
        LocalDate firstDay = Instant.ofEpochSecond(t0 - tt.maxTime - lookback).atZone(tt.zone).toLocalDate()
            .minusDays(1);
        LocalDate lastDay = Instant.ofEpochSecond(end).atZone(tt.zone).toLocalDate();
        for (LocalDate day = firstDay; !day.isAfter(lastDay); day = day.plusDays(1)) {
            long base = GtfsTime.serviceDayStart(day, tt.zone);
            long lo = t0 - lookback - base;
            long hi = end - base;
            if (hi < 0 || lo > tt.maxTime) {
                continue;
            }
            int epochDay = (int) day.toEpochDay();
            for (int stop : stops) {
                collect(tt, live, stop, epochDay, base, (int) Math.max(lo, Integer.MIN_VALUE), hi, t0, end, limit,
                    out);
            }
        }
        out.sort(Comparator.comparingLong(Departure::effective).thenComparingLong(Departure::scheduled)
            .thenComparingInt(Departure::trip));
        return out.size() > limit ? new ArrayList<>(out.subList(0, limit)) : out;
    }

    private static void collect(Timetable tt, TripLive.Lookup live, int stop, int epochDay, long base, int lo,
                                long hi, long t0, long end, int limit, List<Departure> out) {
        int from = tt.stopDepFirst[stop];
        int to = tt.stopDepFirst[stop + 1];
        int i = lowerBound(tt.stopDepTime, from, to, lo);
        int accepted = 0;
        for (; i < to && tt.stopDepTime[i] <= hi && accepted < limit; i++) {
            int st = tt.stopDepStopTime[i];
            int trip = tt.tripOfStopTime(st);
            if (!tt.calendar.active(tt.tripService[trip], epochDay)) {
                continue;
            }
            if (tt.stPickup[st] == Timetable.NO_PICKUP || st == tt.tripFirstStopTime[trip + 1] - 1) {
                continue; // no boarding here, or the trip ends here: an arrival, not a departure
            }
            long scheduled = base + tt.stopDepTime[i];
            TripLive l = live.find(tt, trip, epochDay);
            Integer delay = null;
            boolean cancelled = false;
            boolean skipped = false;
            if (l != null) {
                int index = st - tt.tripFirstStopTime[trip];
                cancelled = l.cancelled;
                skipped = l.skipped(index);
                int d = l.departureDelay(index);
                if (d != TripLive.UNKNOWN && !cancelled) {
                    delay = d;
                }
            }
            long expected = delay == null ? scheduled : scheduled + delay;
            if (expected < t0 || expected > end) {
                continue;
            }
            if (scheduled >= t0) {
                accepted++;
            }
            out.add(new Departure(st, trip, stop, epochDay, scheduled, expected, delay, cancelled, skipped,
                l != null));
        }
    }

    /** The first index in [from, to) whose value is at least {@code key}. */
    static int lowerBound(int[] a, int from, int to, long key) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
