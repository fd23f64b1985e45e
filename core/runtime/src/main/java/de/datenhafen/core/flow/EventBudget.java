package de.datenhafen.core.flow;

/**
 * The CPU time one event's way through a running flow may take in its expressions, all of them together: each
 * expression has a second of its own ({@link Expression#TIME_LIMIT_MS}), so without a share for the event a flow of a
 * hundred blocks could hold its thread and a core for a hundred seconds per event. An evaluation made with the
 * event's budget is no longer than what is left of it ({@link CpuBudget}); past it the expression fails with
 * {@link Expression.LimitException} and the flow's subscription dead-letters the event with the reason. The parts of
 * a split share their event's budget; an aggregate's completed list starts a budget of its own. Delays, throttles and
 * sinks wait without spending it. One event at a time: not thread-safe.
 */
final class EventBudget {

    /** The default share: five expressions at their whole limit. */
    static final java.time.Duration DEFAULT = java.time.Duration.ofSeconds(5);

    private final long limitNanos;
    private long spentNanos;

    EventBudget(long limitNanos) {
        this.limitNanos = limitNanos;
    }

    long leftNanos() {
        return limitNanos - spentNanos;
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
