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
 *
 * <p>Nodes that share one database count each other's failures ({@link #shareChanges}): each failure is a change
 * notice the other nodes read within a second, so three nodes behind a load balancer give a client the tries of one,
 * not three. A subject is kept as its SHA-256 only, here and in the notice (an account's name as typed may be a
 * password typed into the wrong field).
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

    /** Tells the other nodes of each failure, as notices of {@code kind}; theirs count here. */
    private volatile java.util.function.Consumer<String> others = digest -> { };

    /**
     * Shares failures with the other nodes of the database through its change notices of {@code kind} (one kind per
     * limiter): each failure noted here is announced, and each announced elsewhere counts here as of when it is read.
     */
    public void shareChanges(de.datenhafen.core.node.Changes changes, String kind) {
        changes.on(kind, this::failedElsewhere);
        others = digest -> changes.announce(kind, digest);
    }

    /** How long the address must wait before it may try again; zero when it may try now. */
    public Duration retryAfter(String address) {
        return retryAfterDigest(digest(address));
    }

    private synchronized Duration retryAfterDigest(String address) {
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

    /** Notes one wrong credential from the address, here and for the other nodes. */
    public void failed(String address) {
        String digest = digest(address);
        note(digest);
        others.accept(digest);
    }

    /** A failure another node noted, by its subject's digest. */
    private void failedElsewhere(String digest) {
        if (digest.length() == 64) { // a notice of this kind is one of ours; anything else is not counted
            note(digest);
        }
    }

    private synchronized void note(String address) {
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

    private static String digest(String subject) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(
                String.valueOf(subject).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    private void expire(Deque<Long> times, long now) {
        long oldest = now - window.toMillis();
        while (!times.isEmpty() && times.peekFirst() <= oldest) {
            times.removeFirst();
        }
    }
}
