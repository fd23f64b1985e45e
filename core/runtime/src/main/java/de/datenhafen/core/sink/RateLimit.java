package de.datenhafen.core.sink;

import java.util.concurrent.TimeUnit;

/**
 * At most so many requests a second to one target, spread evenly (no bursts): each caller reserves the next free
 * slot and waits until it comes. Shared by the target's parallel deliveries.
 */
final class RateLimit {

    private long intervalNanos;
    private long next = Long.MIN_VALUE; // nanoTime may be negative

    /** {@code perSecond} 0: no limit. */
    RateLimit(double perSecond) {
        set(perSecond);
    }

    /** Changes the rate (a target's handshake may allow less than configured). */
    synchronized void set(double perSecond) {
        intervalNanos = perSecond <= 0 ? 0 : (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
    }

    synchronized double perSecond() {
        return intervalNanos == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / (double) intervalNanos;
    }

    /** Waits for this caller's slot. */
    void acquire() throws InterruptedException {
        long wait = reserve(System.nanoTime());
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /** Takes the next slot at or after {@code now} and returns how long until it, in nanoseconds. */
    synchronized long reserve(long now) {
        if (intervalNanos == 0) {
            return 0;
        }
        long slot = Math.max(now, next);
        next = slot + intervalNanos;
        return slot - now;
    }
}
