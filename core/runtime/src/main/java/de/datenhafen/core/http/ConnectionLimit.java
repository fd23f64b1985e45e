package de.datenhafen.core.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many HTTP connections the hub keeps open at once ({@code http.max-connections}), and how many of them one client
 * address may have ({@code http.max-connections-per-address}).
 *
 * <p>Vert.x accepts every connection it is offered. Each one costs a file descriptor and about 4 KB of heap (10,000
 * idle keep-alive connections: 38 MiB more heap after a full collection, 69 MiB more RSS), so without a bound anyone
 * could open connections until the process runs out of descriptors (then the hub can open no file, database
 * connection or outgoing request either) or of memory. A connection beyond either bound (the hub's: with none idle,
 * below) is refused: its first request is answered 503 with {@code Retry-After} and {@code Connection: close}, and the
 * connection is closed after that answer, or after {@link #REFUSED_GRACE} if it sends no request. Refused connections do not count, but they are
 * bounded too: at most {@link #refusedAtOnce()} at once, and {@value #REFUSED_PER_ADDRESS} of one address; beyond that
 * a connection is closed at once, without an answer (else a client reconnecting as fast as it can would hold as many
 * descriptors as the bound protects). A counted connection that sends no request within {@link #FIRST_REQUEST} is
 * closed, so connections that only open hold their place for seconds, not for the idle time-out.
 *
 * <p>At the hub's bound, a new connection takes the place of an idle one, as nginx does when it runs out: of the
 * {@value #IDLE_SCAN} connections whose latest request is the oldest, the first whose request and answer are both done
 * is closed (a keep-alive connection between requests, which HTTP lets either side close at any time; its client opens
 * another when it needs one). A connection in the middle of a request or answer (an upload, an event stream) is never
 * closed for it; only when none of them is idle is the new connection refused. One address beyond its own share is
 * refused all the same: its share is what it may hold, idle or not.
 *
 * <p>Under TLS, Vert.x hands a connection on only after its handshake, so a connection is counted from then on; the
 * handshake itself is bounded by the server's handshake time-out ({@code Hub}).
 *
 * <p>An IPv6 client counts by its /64 network ({@link ClientAddress#network}). One address may have a quarter of the
 * bound by default, so a single client cannot take all of it; behind a reverse proxy every client has the proxy's
 * address (its pool of connections to the hub is far smaller than a quarter, but each event stream through it holds
 * one).
 */
public final class ConnectionLimit {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);
    /** How long a refused connection is kept for its first request, to answer it with 503. */
    public static final Duration REFUSED_GRACE = Duration.ofSeconds(2);
    /** How long a counted connection may stay open before its first request. */
    public static final Duration FIRST_REQUEST = Duration.ofSeconds(10);
    /** Refused connections of one address kept at once for their 503; beyond, closed at once. */
    public static final int REFUSED_PER_ADDRESS = 2;
    /** How many of the connections asked least recently are looked at for an idle one to close at the bound. */
    public static final int IDLE_SCAN = 64;
    /** At most one warning this often; the ones in between are counted into the next. */
    private static final long WARN_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

    /**
     * The default bound: 10,000 connections, or half the descriptors the process may open if that is less (the other
     * half for the database, plugin files and outgoing connections).
     */
    public static int defaultLimit() {
        long descriptors = Long.MAX_VALUE;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            descriptors = unix.getMaxFileDescriptorCount();
        }
        return (int) Math.max(64, Math.min(10_000, descriptors / 2));
    }

    private final Vertx vertx;
    private final int limit;
    private final int perAddress;
    private final AtomicInteger open = new AtomicInteger();
    /** Open connections of each address that has any; guarded by itself. */
    private final Map<String, Integer> byAddress = new HashMap<>();
    /** Refused connections waiting for their first request, to answer it 503. */
    private final Set<HttpConnection> refused = ConcurrentHashMap.newKeySet();
    /** Refused connections of each address in {@link #refused}; guarded by {@link #byAddress}. */
    private final Map<String, Integer> refusedByAddress = new HashMap<>();
    /** The sum of {@link #refusedByAddress}; guarded by {@link #byAddress}. */
    private int refusedHeld;
    /** Counted connections that have not sent a request yet, with the timer that closes them. */
    private final Map<HttpConnection, Long> awaitingFirst = new ConcurrentHashMap<>();
    /**
     * Counted connections that have sent a request, the one asked least recently first (access order: each request
     * moves its connection to the end); guarded by {@link #byAddress}.
     */
    private final LinkedHashMap<HttpConnection, Counted> byLastRequest = new LinkedHashMap<>(64, 0.75f, true);
    private final AtomicLong madeRoom = new AtomicLong();
    private final AtomicLong refusedTotal = new AtomicLong();
    private final AtomicLong refusedSinceWarning = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    /** A bound of {@code limit} connections, of which one address may have {@code perAddress}. */
    public ConnectionLimit(Vertx vertx, int limit, int perAddress) {
        if (limit < 1 || perAddress < 1 || perAddress > limit) {
            throw new IllegalArgumentException("the connection limit must be positive and an address's share within "
                + "it, was " + limit + " and " + perAddress);
        }
        this.vertx = vertx;
        this.limit = limit;
        this.perAddress = perAddress;
    }

    /**
     * For {@code HttpServer.connectionHandler}: counts the connection, in place of an idle one at the hub's bound, or
     * refuses it when it is over a bound.
     */
    public void connected(HttpConnection connection) {
        String address = address(connection);
        Counted counted = new Counted(address);
        String over = take(address, connection, counted);
        if (HUB_BOUND.equals(over)) {
            over = takeIdlePlace(address, connection, counted);
        }
        if (over == null) {
            long timer = vertx.setTimer(FIRST_REQUEST.toMillis(), t -> {
                if (awaitingFirst.remove(connection) != null) {
                    connection.close();
                }
            });
            awaitingFirst.put(connection, timer);
            connection.closeHandler(v -> {
                Long pending = awaitingFirst.remove(connection);
                if (pending != null) {
                    vertx.cancelTimer(pending);
                }
                give(connection, counted);
            });
            return;
        }
        refusedTotal.incrementAndGet();
        warn(address, over);
        if (!holdRefused(address)) {
            connection.close();
            return;
        }
        refused.add(connection);
        connection.closeHandler(v -> {
            refused.remove(connection);
            releaseRefused(address);
        });
        vertx.setTimer(REFUSED_GRACE.toMillis(), t -> connection.close());
    }

    /** Answers the requests of refused connections with 503 and hands the others to {@code next}. */
    public Handler<HttpServerRequest> guard(Handler<HttpServerRequest> next) {
        return request -> {
            HttpConnection connection = request.connection();
            if (connection == null || !refused.contains(connection)) {
                if (connection != null) {
                    asked(connection, request);
                }
                next.handle(request);
                return;
            }
            request.response().putHeader("Retry-After", "1");
            Errors.respondUnrouted(request, 503, "the hub has as many connections open as it keeps (at most " + limit
                + ", " + perAddress + " from one address); try again when others have closed", "connection")
                .onComplete(done -> connection.close());
        };
    }

    /** Connections counted as open now. */
    public int open() {
        return open.get();
    }

    /** Refused connections kept open now for their 503 answer. */
    public int refusedWaiting() {
        synchronized (byAddress) {
            return refusedHeld;
        }
    }

    /** Idle connections closed to make room for a new one since the start. */
    public long madeRoom() {
        return madeRoom.get();
    }

    /** Connections refused since the start. */
    public long refusedTotal() {
        return refusedTotal.get();
    }

    public int limit() {
        return limit;
    }

    /** Refused connections kept at once for their 503 answer: a sixteenth of the bound, at least 64. */
    public int refusedAtOnce() {
        return Math.max(64, limit / 16);
    }

    public int perAddress() {
        return perAddress;
    }

    /** Counts a connection of {@code address}; or nothing, and which bound it is over ({@link #HUB_BOUND} the hub's). */
    private String take(String address, HttpConnection connection, Counted counted) {
        synchronized (byAddress) {
            int mine = byAddress.getOrDefault(address, 0);
            if (mine >= perAddress) {
                return "the " + perAddress + " connections one address may have";
            }
            if (open.get() >= limit) {
                return HUB_BOUND;
            }
            count(address, connection, counted);
            return null;
        }
    }

    /** Counts {@code connection} for {@code address}; the caller holds {@link #byAddress} and checked the bounds. */
    private void count(String address, HttpConnection connection, Counted counted) {
        byAddress.merge(address, 1, Integer::sum);
        open.incrementAndGet();
        byLastRequest.put(connection, counted);
    }

    private static final String HUB_BOUND = "the connections the hub keeps open";

    /**
     * At the hub's bound: closes an idle connection among the {@value #IDLE_SCAN} asked least recently and counts
     * {@code connection} in its place; or counts nothing and says which bound it is over.
     */
    private String takeIdlePlace(String address, HttpConnection connection, Counted counted) {
        List<Map.Entry<HttpConnection, Counted>> oldest = new ArrayList<>(IDLE_SCAN);
        synchronized (byAddress) {
            for (Map.Entry<HttpConnection, Counted> e : byLastRequest.entrySet()) {
                if (oldest.size() == IDLE_SCAN) {
                    break;
                }
                oldest.add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        // read outside the lock: the request and answer take their connection's own
        for (Map.Entry<HttpConnection, Counted> candidate : oldest) {
            WeakReference<HttpServerRequest> asked = candidate.getValue().latest;
            HttpServerRequest latest = asked == null ? null : asked.get();
            if (asked == null || latest != null && (!latest.isEnded() || !latest.response().ended())) {
                continue; // no request yet (closed soon, FIRST_REQUEST), or one in progress
            }
            synchronized (byAddress) {
                // still counted, and asked nothing since (a new request would have replaced latest)
                if (candidate.getValue().latest != asked || !candidate.getValue().counted
                    || byAddress.getOrDefault(address, 0) >= perAddress) {
                    continue;
                }
                release(candidate.getKey(), candidate.getValue());
                count(address, connection, counted);
            }
            madeRoom.incrementAndGet();
            candidate.getKey().close();
            return null;
        }
        return "the " + limit + " connections the hub keeps open, none of them idle";
    }

    /** Notes a request on a counted connection: it is no longer waiting for its first, and the latest asked. */
    private void asked(HttpConnection connection, HttpServerRequest request) {
        Long firstRequestTimer = awaitingFirst.remove(connection);
        if (firstRequestTimer != null) {
            vertx.cancelTimer(firstRequestTimer);
        }
        synchronized (byAddress) {
            Counted counted = byLastRequest.get(connection); // moves it to the end
            if (counted != null) {
                counted.latest = new WeakReference<>(request);
            }
        }
    }

    private void give(HttpConnection connection, Counted counted) {
        synchronized (byAddress) {
            if (counted.counted) {
                release(connection, counted);
            }
        }
    }

    /** Takes {@code connection}'s place back (once); the caller holds {@link #byAddress}. */
    private void release(HttpConnection connection, Counted counted) {
        counted.counted = false;
        byLastRequest.remove(connection);
        decrement(byAddress, counted.address);
        open.decrementAndGet();
    }

    /** A counted connection: its address, its latest request, whether it still holds its place. */
    private static final class Counted {
        final String address;
        /**
         * Written under the limit's lock, read without it when looking for an idle connection. Weak: a request no one
         * holds any more is done, and an idle connection does not keep its last request's headers in memory.
         */
        volatile WeakReference<HttpServerRequest> latest;
        /** Guarded by the limit's lock. */
        boolean counted = true;

        Counted(String address) {
            this.address = address;
        }
    }

    /** Takes a place among the refused connections kept for their answer; false when there is none. */
    private boolean holdRefused(String address) {
        synchronized (byAddress) {
            int mine = refusedByAddress.getOrDefault(address, 0);
            if (mine >= REFUSED_PER_ADDRESS || refusedHeld >= refusedAtOnce()) {
                return false;
            }
            refusedByAddress.put(address, mine + 1);
            refusedHeld++;
            return true;
        }
    }

    private void releaseRefused(String address) {
        synchronized (byAddress) {
            decrement(refusedByAddress, address);
            refusedHeld--;
        }
    }

    /** One fewer for {@code address}, which leaves the map at none. */
    private static void decrement(Map<String, Integer> counts, String address) {
        counts.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    private void warn(String address, String over) {
        long count = refusedSinceWarning.incrementAndGet();
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            refusedSinceWarning.addAndGet(-count);
            LOG.warn("Refused {} HTTP connection{} since the last of these warnings (at most one a minute); the latest "
                + "from {}, over {} ({} open)", count,
                count == 1 ? "" : "s", LogText.escape(address), over, open.get());
        }
    }

    private static String address(HttpConnection connection) {
        return connection.remoteAddress() == null ? "?"
            : ClientAddress.network(connection.remoteAddress().hostAddress());
    }
}
