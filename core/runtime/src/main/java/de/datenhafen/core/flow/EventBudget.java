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
    /** The thread that made the first evaluation and its CPU time then; -1 before, or where it is not measured. */
    private long cpuStart = -1;
    private Thread thread;

    EventBudget(long limitNanos) {
        this.limitNanos = limitNanos;
    }

    long leftNanos() {
        return limitNanos - spentNanos;
    }

    /**
     * An evaluation begins: the first one notes the thread's CPU time, and one near the share's end ({@code
     * nearNanos} or less left) counts what was spent by the CPU clock where that is less. Short evaluations are
     * charged their time on the wall, which a busy machine stretches: a split of a thousand parts with a few blocks of
     * a millisecond each would otherwise pass the share on a loaded machine without using it.
     */
    void begin(long nearNanos) {
        if (cpuStart < 0 && thread == null) {
            thread = Thread.currentThread();
            cpuStart = CpuBudget.threadCpuNanos();
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
