package de.datenhafen.core.flow;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the aggregates of flows hold in memory until their collections complete, counted as their events' data in
 * bytes of JSON: at most {@link #PER_OWNER} for one owner's flows (one member's, the hub-admins', the dry runs) and
 * {@link #TOTAL} for all. A collection waits up to an hour, so without a bound a member's flow that split each event
 * into many large parts and collected them took the hub out of heap within seconds, and again after every restart
 * (an attacker's probe); with one bound for all, one member's collecting flow would have every other member's
 * aggregates refused. An event that does not fit fails ({@link Expression.LimitException}: its subscription
 * dead-letters it with the reason) and is not held. Thread-safe.
 */
final class AggregateMemory {

    static final long PER_OWNER = 16L * 1024 * 1024;
    static final long TOTAL = 64L * 1024 * 1024;

    /** The hub's one account. */
    static final AggregateMemory HUB = new AggregateMemory(PER_OWNER, TOTAL);

    private final long perOwner;
    private final long total;
    private final ConcurrentHashMap<String, AtomicLong> owners = new ConcurrentHashMap<>();
    private final AtomicLong all = new AtomicLong();

    AggregateMemory(long perOwner, long total) {
        this.perOwner = perOwner;
        this.total = total;
    }

    /**
     * Counts {@code bytes} more held by {@code owner}'s aggregates (words such as "member kulturbuero's flows"), or
     * throws saying which bound they would pass.
     */
    void take(String owner, long bytes) {
        AtomicLong mine = owners.computeIfAbsent(owner, o -> new AtomicLong());
        long held = mine.addAndGet(bytes);
        if (held > perOwner) {
            mine.addAndGet(-bytes);
            throw refusal("the aggregates of " + owner + " hold " + (held - bytes), perOwner, "for one owner's "
                + "flows", bytes);
        }
        long heldByAll = all.addAndGet(bytes);
        if (heldByAll > total) {
            all.addAndGet(-bytes);
            mine.addAndGet(-bytes);
            throw refusal("the aggregates of all flows hold " + (heldByAll - bytes), total, "together", bytes);
        }
    }

    /** {@code bytes} that {@code owner}'s aggregates held are free again (a collection completed). */
    void release(String owner, long bytes) {
        AtomicLong mine = owners.get(owner);
        if (mine != null) {
            mine.addAndGet(-bytes);
        }
        all.addAndGet(-bytes);
    }

    private static Expression.LimitException refusal(String held, long limit, String scope, long bytes) {
        return new Expression.LimitException(held + " bytes of events' data until their collections are complete, "
            + "at most " + limit + " " + scope + "; this event's " + bytes + " bytes do not fit");
    }
}
