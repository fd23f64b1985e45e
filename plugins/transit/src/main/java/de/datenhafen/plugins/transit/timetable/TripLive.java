package de.datenhafen.plugins.transit.timetable;

import java.util.Arrays;

/**
 * The live state of one trip on one service day, resolved against one timetable version: cancelled or not, and per
 * stop time of the trip (in trip order) the expected arrival and departure delay in seconds ({@link #UNKNOWN} where
 * the feed says nothing) and whether the stop is skipped. Immutable.
 */
public final class TripLive {

    public static final int UNKNOWN = Integer.MIN_VALUE;

    public final Timetable basis;
    public final int trip;
    public final int serviceDay;
    public final boolean cancelled;
    private final int[] arrivalDelay;
    private final int[] departureDelay;
    private final boolean[] skipped;
    public final String vehicleId;
    public final long timestamp;

    public TripLive(Timetable basis, int trip, int serviceDay, boolean cancelled, int[] arrivalDelay,
                    int[] departureDelay, boolean[] skipped, String vehicleId, long timestamp) {
        this.basis = basis;
        this.trip = trip;
        this.serviceDay = serviceDay;
        this.cancelled = cancelled;
        this.arrivalDelay = arrivalDelay;
        this.departureDelay = departureDelay;
        this.skipped = skipped;
        this.vehicleId = vehicleId;
        this.timestamp = timestamp;
    }

    /** Delay of the departure at the trip's {@code index}-th stop time, or {@link #UNKNOWN}. */
    public int departureDelay(int index) {
        return departureDelay[index];
    }

    public int arrivalDelay(int index) {
        return arrivalDelay[index];
    }

    public boolean skipped(int index) {
        return skipped[index];
    }

    public int stops() {
        return departureDelay.length;
    }

    /** The largest departure delay at any stop; 0 if none is late. */
    public int maxDelay() {
        int m = 0;
        for (int d : departureDelay) {
            if (d != UNKNOWN && d > m) {
                m = d;
            }
        }
        return m;
    }

    /** The latest known departure delay, for a one-number summary; UNKNOWN if none. */
    public int currentDelay(int uptoIndex) {
        int d = UNKNOWN;
        for (int i = 0; i <= uptoIndex && i < departureDelay.length; i++) {
            if (departureDelay[i] != UNKNOWN) {
                d = departureDelay[i];
            }
        }
        return d;
    }

    @Override
    public String toString() {
        return "TripLive[" + basis.tripIds[trip] + " day " + serviceDay + (cancelled ? " cancelled" : "")
            + " dep " + Arrays.toString(departureDelay) + "]";
    }

    /** Finds the live state of a trip on a service day; null when there is none. */
    @FunctionalInterface
    public interface Lookup {
        Lookup NONE = new Lookup() {
            @Override
            public TripLive find(Timetable tt, int trip, int serviceDay) {
                return null;
            }

            @Override
            public int maxDelaySeconds() {
                return 0;
            }
        };

        TripLive find(Timetable tt, int trip, int serviceDay);

        /**
         * The largest departure delay any trip has now: how far before a window departures must be looked for.
         * Without a bound, {@link Departures#LOOKBACK_SECONDS}.
         */
        default int maxDelaySeconds() {
            return Departures.LOOKBACK_SECONDS;
        }
    }
}
