package de.datenhafen.core.bus;

import java.util.function.LongSupplier;

/**
 * Successful deliveries per second over the last minute: 60 one-second buckets, written by one worker thread and
 * read by the admin API. Cheap enough to call on every delivery.
 */
final class DeliveryRate {

    static final int WINDOW_SECONDS = 60;

    private final LongSupplier millis;
    private final long[] counts = new long[WINDOW_SECONDS];
    private final long[] seconds = new long[WINDOW_SECONDS];

    DeliveryRate(LongSupplier millis) {
        this.millis = millis;
    }

    synchronized void record() {
        record(1);
    }

    /** Records {@code n} deliveries at once (a batch). */
    synchronized void record(int n) {
        long now = millis.getAsLong() / 1000;
        int slot = (int) (now % WINDOW_SECONDS);
        if (seconds[slot] != now) {
            seconds[slot] = now;
            counts[slot] = 0;
        }
        counts[slot] += n;
    }

    /** Deliveries per second, averaged over the last {@value #WINDOW_SECONDS} seconds (this one included). */
    synchronized double perSecond() {
        long now = millis.getAsLong() / 1000;
        long total = 0;
        for (int i = 0; i < WINDOW_SECONDS; i++) {
            if (now - seconds[i] < WINDOW_SECONDS) {
                total += counts[i];
            }
        }
        return total / (double) WINDOW_SECONDS;
    }
}
