package de.datenhafen.core.flow;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the aggregates of flows hold in memory until their collections complete, counted as the heap their events'
 * data takes ({@link #estimate}: the parsed values, not their JSON, which is 2 to 20 times smaller: 16 MiB of
 * {@code [{},{},...]} took 322 MB of heap): at most {@link #PER_OWNER} for one owner's flows (one member's, the
 * hub-admins', the dry runs) and {@link #TOTAL} for all. A collection waits up to an hour, so without a bound a member's flow that split each event
 * into many large parts and collected them took the hub out of heap within seconds, and again after every restart
 * (an attacker's probe); with one bound for all, one member's collecting flow would have every other member's
 * aggregates refused. An event that does not fit fails ({@link Expression.LimitException}: its subscription
 * dead-letters it with the reason) and is not held. Thread-safe.
 */
final class AggregateMemory {

    static final long PER_OWNER = 16L * 1024 * 1024;
    /**
     * What one collected event costs besides its data: its place in the collection and its share of the collection's
     * exchange. Data of nothing but {@code true} or {@code null} is counted so too (an attacker's probe held 5,000
     * collections of a thousand {@code true}s, 400 MB, counted as nothing).
     */
    static final long PER_EVENT = 64;
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
     * About how many bytes of heap {@code value} (a flow's data: maps, lists, strings, numbers, booleans, null) takes
     * with all it holds, on a 64-bit JVM with compressed references: a map 64 and 56 an entry besides its key and
     * value, a list 40 and 8 an element, a string 40 and a byte a character (two outside Latin-1), a number 24. An
     * estimate on the safe side of what the JVM needs, walked without recursion (data nests up to 256 levels).
     */
    static long estimate(Object value) {
        long bytes = 0;
        java.util.ArrayDeque<Object> todo = new java.util.ArrayDeque<>();
        if (value != null) {
            todo.push(value);
        }
        while (!todo.isEmpty()) {
            Object v = todo.pop();
            if (v instanceof java.util.Map<?, ?> m) {
                bytes += 64 + 56L * m.size();
                for (java.util.Map.Entry<?, ?> e : m.entrySet()) {
                    if (e.getKey() != null) {
                        todo.push(e.getKey());
                    }
                    if (e.getValue() != null) {
                        todo.push(e.getValue());
                    }
                }
            } else if (v instanceof java.util.Collection<?> c) {
                bytes += 40 + 8L * c.size();
                for (Object o : c) {
                    if (o != null) {
                        todo.push(o);
                    }
                }
            } else if (v instanceof String t) {
                bytes += 40 + (latin1(t) ? t.length() : 2L * t.length());
            } else if (v instanceof Number) {
                bytes += 24;
            } else if (!(v instanceof Boolean)) {
                bytes += 16;
            }
        }
        return bytes;
    }

    private static boolean latin1(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xff) {
                return false;
            }
        }
        return true;
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
        return new Expression.LimitException(held + " bytes of memory (as estimated) until their collections are "
            + "complete, at most " + limit + " " + scope + "; this event's data takes about " + bytes + " bytes and "
            + "does not fit");
    }
}
