package de.datenhafen.core.security;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows down guessing: a client address that sent {@code limit} wrong credentials within {@code window} is turned
 * away (429) until the oldest of them is older than the window. Right credentials from other addresses keep working.
 * Memory is bounded: at most {@code maxAddresses} addresses are tracked; when more arrive, the longest-quiet ones are
 * forgotten first (an attacker spreading over that many addresses is a job for the network's own rate limits).
 *
 * <p>Addresses are the TCP peer's, an IPv6 peer's counted as its /64 network (the HTTP layer's {@code
 * ClientAddress.network}: a subscriber has a whole /64 to send from): behind a reverse proxy every client shares the
 * proxy's address, so such a deployment must limit at the proxy (README).
 */
public final class FailedAuthLimiter {

    private final int limit;
    private final Duration window;
    private final int maxAddresses;
    private final Clock clock;
    private final LinkedHashMap<String, Deque<Long>> failures = new LinkedHashMap<>(64, 0.75f, true);

    public FailedAuthLimiter(int limit, Duration window, int maxAddresses, Clock clock) {
        if (limit < 1 || window.isNegative() || window.isZero() || maxAddresses < 1) {
            throw new IllegalArgumentException("limit, window and maxAddresses must be positive");
        }
        this.limit = limit;
        this.window = window;
        this.maxAddresses = maxAddresses;
        this.clock = clock;
    }

    /** How long the address must wait before it may try again; zero when it may try now. */
    public synchronized Duration retryAfter(String address) {
        Deque<Long> times = failures.get(address);
        if (times == null) {
            return Duration.ZERO;
        }
        long now = clock.millis();
        expire(times, now);
        if (times.isEmpty()) {
            failures.remove(address);
            return Duration.ZERO;
        }
        if (times.size() < limit) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(times.peekFirst() + window.toMillis() - now);
    }

    /** Notes one wrong credential from the address. */
    public synchronized void failed(String address) {
        long now = clock.millis();
        Deque<Long> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
        expire(times, now);
        times.addLast(now);
        while (times.size() > limit) {
            times.removeFirst();
        }
        if (failures.size() > maxAddresses) {
            Iterator<Map.Entry<String, Deque<Long>>> it = failures.entrySet().iterator();
            it.next();
            it.remove();
        }
    }

    private void expire(Deque<Long> times, long now) {
        long oldest = now - window.toMillis();
        while (!times.isEmpty() && times.peekFirst() <= oldest) {
            times.removeFirst();
        }
    }
}
