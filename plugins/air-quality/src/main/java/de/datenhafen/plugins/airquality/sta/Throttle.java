package de.datenhafen.plugins.airquality.sta;

/**
 * How much CPU time all public SensorThings reads together may use per second: a token bucket (in nanoseconds) that a
 * read pays for after it was answered, with the CPU time its thread spent (building, the database queries, which H2
 * runs in that thread, and the JSON). So a client looping the largest allowed query gets that share of one core and
 * no more, and the rest of the hub keeps the others: on two cores the entity and byte limits alone left {@code GET
 * sites}' p99 at more than twice its value (see {@code bench/RESULTS.md}). A read that finds the bucket in debt waits
 * on its worker thread until the debt is paid, at most {@link #MAX_WAIT_MILLIS}, and with at most
 * {@link #MAX_WAITING} others; beyond that it is answered 503 with the seconds to wait. Thread-safe; one per
 * integration.
 */
final class Throttle {

    static final long MAX_WAIT_MILLIS = 5_000;
    static final int MAX_WAITING = 4;

    private final double perSecond;
    private final double burst;
    private double tokens;
    private long last;
    private int waiting;

    /** {@code perSecond} nanoseconds of CPU a second; a burst of two seconds' worth. */
    Throttle(long perSecond) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("read-cpu-per-second must be more than 0");
        }
        this.perSecond = perSecond;
        this.burst = 2.0 * perSecond;
        this.tokens = burst;
        this.last = System.nanoTime();
    }

    /** Before a read: returns at once while the bucket is not in debt, else waits for it or refuses with 503. */
    void enter() {
        long waitMillis;
        synchronized (this) {
            refill();
            if (tokens >= 0) {
                return;
            }
            waitMillis = (long) Math.ceil(-tokens / perSecond * 1000);
            if (waitMillis > MAX_WAIT_MILLIS || waiting >= MAX_WAITING) {
                throw new StaException(503, null, -1, "the SensorThings service is busy with large answers: retry "
                    + "in " + Math.max(1, (waitMillis + 999) / 1000) + " s, or ask for less");
            }
            waiting++;
        }
        try {
            Thread.sleep(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StaException(503, null, -1, "the SensorThings service is stopping");
        } finally {
            synchronized (this) {
                waiting--;
            }
        }
    }

    /** After a read: the CPU time it used, in nanoseconds. */
    synchronized void charge(long nanos) {
        refill();
        tokens -= nanos;
    }

    /** The calling thread's CPU time so far, in nanoseconds (its wall time where the JVM cannot tell). */
    static long cpuNow() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : System.nanoTime();
    }

    private void refill() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
        last = now;
    }
}
