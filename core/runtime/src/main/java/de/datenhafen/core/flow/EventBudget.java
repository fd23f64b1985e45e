package de.datenhafen.core.flow;

/**
 * The CPU time one event's way through a running flow may take in its expressions, all of them together: each
 * expression has a second of its own ({@link Expression#TIME_LIMIT_MS}), so without a share for the event a flow of a
 * hundred blocks could hold its thread and a core for a hundred seconds per event. An evaluation made with the
 * event's budget is no longer than what is left of it ({@link CpuBudget}); past it the expression fails with
 * {@link Expression.LimitException} and the flow's subscription dead-letters the event with the reason. The parts of
 * a split share their event's budget; an aggregate's completed list starts a budget of its own. Delays, throttles and
 * sinks wait without spending it. One event at a time: not thread-safe. What it counts is the evaluations' own CPU
 * time where it is read, and never more than the thread's CPU time since the event's first evaluation once that is
 * looked at ({@link #begin}), so a loaded machine does not stop an event that did not use its share.
 */
final class EventBudget {

    /** The default share: five expressions at their whole limit. */
    static final java.time.Duration DEFAULT = java.time.Duration.ofSeconds(5);

    private final long limitNanos;
    /** What the evaluations spent: their CPU time, or, for the short ones, their time on the wall (cheaper to read). */
    private long spentNanos;
    /**
     * The thread's CPU time, less what had been charged, when the charges first reached {@link #BASELINE_AFTER_NANOS}
     * (so the CPU clock from there counts the time before as spent: the strict side, by at most that much); -1
     * before, or where the JVM does not measure it. Read once an event's expressions took that long, never for the
     * many light events (reading the CPU clock costs about 1.4 us).
     */
    private long cpuStart = -1;
    private Thread thread;
    static final long BASELINE_AFTER_NANOS = 50_000_000L;

    EventBudget(long limitNanos) {
        this.limitNanos = limitNanos;
    }

    long leftNanos() {
        return limitNanos - spentNanos;
    }

    /**
     * An evaluation begins: once the charges reach {@link #BASELINE_AFTER_NANOS} the thread's CPU time is noted, and
     * after that one near the share's end ({@code nearNanos} or less left) counts what was spent by the CPU clock
     * where that is less. Short evaluations are
     * charged their time on the wall, which a busy machine stretches: a split of a thousand parts with a few blocks of
     * a millisecond each would otherwise pass the share on a loaded machine without using it.
     */
    void begin(long nearNanos) {
        if (thread == null) {
            if (spentNanos >= BASELINE_AFTER_NANOS) {
                thread = Thread.currentThread();
                long cpu = CpuBudget.threadCpuNanos();
                cpuStart = cpu < 0 ? -1 : cpu - spentNanos;
            }
        } else if (leftNanos() <= nearNanos && cpuStart >= 0 && thread == Thread.currentThread()) {
            spentNanos = Math.min(spentNanos, CpuBudget.threadCpuNanos() - cpuStart);
        }
    }

    void spend(long nanos) {
        spentNanos += nanos;
    }

    /** What an expression stopped by this budget says. */
    String why() {
        return "the flow's expressions took more than " + millis(limitNanos) + " of CPU time for this event, all "
            + "together (flows.event-cpu)";
    }

    private static String millis(long nanos) {
        long ms = nanos / 1_000_000;
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
