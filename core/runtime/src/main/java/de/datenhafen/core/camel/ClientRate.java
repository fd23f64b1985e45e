package de.datenhafen.core.camel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many requests one client may make to a plugin's endpoint (its {@code clientRate} option), for the doors an
 * admin opens to anyone: a token bucket per client ({@code HttpRequests.client}: an IPv4 address, an IPv6 /64) holding
 * {@value #BURST_SECONDS} seconds' worth, refilled at the rate. A request that finds its client's bucket empty is
 * refused before its body is read, with the time until the next one would be taken; the route never sees it. Without
 * it, one address could fill the bus (and the disk) through a door an admin opened to the public.
 *
 * <p>At most {@link #MAX_CLIENTS} buckets are held, the longest unused dropped first, so the memory is bounded
 * whatever the number of addresses; a client whose bucket was dropped starts full again, so a sender with more
 * addresses than that can pass the rate (the hub's connection limits and the bus's back-pressure still hold).
 * Behind a reverse proxy every client is the proxy. Thread-safe.
 */
final class ClientRate {

    /** How many seconds' worth of posts a client may send at once. */
    static final int BURST_SECONDS = 5;
    static final int MAX_CLIENTS = 10_000;

    private final double perSecond;
    private final double burst;
    private final Map<String, double[]> buckets = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
            return size() > MAX_CLIENTS;
        }
    };

    ClientRate(int perSecond) {
        this.perSecond = perSecond;
        this.burst = (double) perSecond * BURST_SECONDS;
    }

    /** Takes one post of {@code client} at {@code nanos} ({@link System#nanoTime}): 0, or the nanoseconds to wait. */
    synchronized long take(String client, long nanos) {
        double[] b = buckets.computeIfAbsent(client, c -> new double[] {burst, nanos}); // tokens, when counted
        b[0] = Math.min(burst, b[0] + (nanos - (long) b[1]) / 1e9 * perSecond);
        b[1] = nanos;
        if (b[0] >= 1) {
            b[0] -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - b[0]) / perSecond * 1e9);
    }
}
