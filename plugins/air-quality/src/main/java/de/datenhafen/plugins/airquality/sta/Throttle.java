package de.datenhafen.plugins.airquality.sta;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * How much CPU time all public SensorThings reads together may use per second: a token bucket (in nanoseconds) that
 * each read pays into with the CPU time its thread spends (building, the database queries, which H2 runs in that
 * thread, and the JSON). So clients looping the largest allowed queries get that share of one core and no more, and
 * the rest of the hub keeps the others: on two cores the entity and byte limits alone left {@code GET sites}' p99 at
 * more than twice its value (see {@code bench/RESULTS.md}).
 *
 * <p>A read enters while the bucket is not in debt; one that finds it in debt waits on its worker thread until the
 * debt is paid, at most {@link #MAX_WAIT_MILLIS}, and with at most {@link #MAX_WAITING} others; beyond that it is
 * answered 503 with the seconds to wait. A read is charged <em>as it runs</em> (a watcher samples its thread's CPU
 * time every {@link #WATCH_MILLIS} ms), and once it has used more than {@link #SMALL_READ_NANOS} while the bucket is
 * below a reserve (a quarter of the burst), it is stopped: its running statement is cancelled, its in-memory work
 * ends at the next check, and it alone is answered 503. Before, the whole cost was charged after the answer, so one
 * read of seconds (a deep {@code $skip} ordered by {@code result}) put the bucket seconds into debt and every other
 * client got 503 for as long; now one read takes the bucket no lower than the reserve, or than its first 100 ms
 * from where it found it, and a sample's worth, so the next client waits a moment at most.
 *
 * <p>One client ({@code HttpRequests.client}: an IPv4 address, an IPv6 /64) has a bucket of its own besides, as large
 * as the shared one but refilled at {@link #CLIENT_SHARE} of its rate, and charged alike: a read of a client whose own
 * bucket is in debt is answered 503 at once (it does not wait, and takes no place among those waiting for the shared
 * bucket); a running read is stopped once its client's bucket is empty and it has used its first 100 ms, or at once
 * while another read of the same client runs too (many reads at once would otherwise each take their first 100 ms,
 * and together the shared bucket). A read alone is stopped much as before (after about 1.3 s of CPU at the default
 * rate, where the shared bucket's reserve stopped it after about 1.5 s): the answers the size limits allow are not. So one client sending many
 * expensive reads at once, which before drained the shared bucket and filled its waiting places so that every other
 * client got 503, now takes half of the budget at most and the others keep the rest. Many clients together can
 * still use it up, which is this bucket's purpose. Behind a reverse proxy all clients are the proxy (the hub does not
 * read {@code X-Forwarded-For}): then they share one client's half. Thread-safe; one per integration.
 */
final class Throttle {

    static final long MAX_WAIT_MILLIS = 5_000;
    static final int MAX_WAITING = 4;
    /** A read's first CPU time that is never stopped (capped at the burst): an ordinary page is well below. */
    static final long SMALL_READ_NANOS = 100_000_000L;
    /** How often a running read's CPU time is sampled and charged. */
    static final long WATCH_MILLIS = 10;
    /** The share of the rate one client may use (of the burst, all). */
    static final double CLIENT_SHARE = 0.5;
    /** Clients whose buckets are kept; the one seen least recently is forgotten first (its debt with it). */
    static final int MAX_CLIENTS = 4096;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Whether threads' CPU times can be read; else wall time stands in (more than the CPU time, never less). */
    private static final boolean CPU = THREADS.isThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
    /** The read running on this thread, for {@link #checkpoint} and {@link #running}. */
    private static final ThreadLocal<Ticket> CURRENT = new ThreadLocal<>();

    private final double perSecond;
    private final double burst;
    private final double reserve;
    private final long small;
    /** One thread at most, and only while reads run (it ends after a second without one). */
    private final ScheduledThreadPoolExecutor watcher;
    private double tokens;
    private long last;
    private int waiting;
    /** Each client's bucket, in the order they were last seen; guarded by the throttle. */
    private final Map<String, Share> clients = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Share> eldest) {
            return size() > MAX_CLIENTS;
        }
    };

    /** A client's own bucket ({@link #CLIENT_SHARE}); guarded by the throttle. */
    private static final class Share {
        double tokens;
        long last;
        /** The client's reads that have entered and not ended. */
        int running;
    }

    /** {@code perSecond} nanoseconds of CPU a second; a burst of two seconds' worth. */
    Throttle(long perSecond) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("read-cpu-per-second must be more than 0");
        }
        this.perSecond = perSecond;
        this.burst = 2.0 * perSecond;
        this.reserve = burst / 4;
        this.small = (long) Math.min(SMALL_READ_NANOS, burst);
        this.tokens = burst;
        this.last = System.nanoTime();
        this.watcher = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "sensorthings-read-watch");
            t.setDaemon(true);
            return t;
        });
        watcher.setKeepAliveTime(1, TimeUnit.SECONDS);
        watcher.allowCoreThreadTimeOut(true);
        watcher.setRemoveOnCancelPolicy(true);
    }

    /** One read on its worker thread, from {@link Throttle#enter} to {@link Ticket#close}. */
    final class Ticket implements AutoCloseable {
        private final Thread thread = Thread.currentThread();
        /** The client's bucket, or null for a read of no known client. */
        private final Share share;
        private final long start = cpuNow();
        /** CPU time charged to the bucket so far; guarded by the throttle. */
        private long charged;
        private boolean closed;
        private volatile StaException stopped;
        /** The statement this read runs or ran last; guarded by this ticket. */
        private Statement statement;
        private ScheduledFuture<?> watch;

        Ticket(Share share) {
            this.share = share;
            if (share != null) {
                synchronized (Throttle.this) {
                    share.running++;
                }
            }
        }

        /** Ends the read: stops watching it and charges what it used since the last sample. */
        @Override
        public void close() {
            if (watch != null) {
                watch.cancel(false);
            }
            if (CURRENT.get() == this) {
                CURRENT.remove();
            }
            long used = cpuNow() - start;
            synchronized (Throttle.this) {
                if (!closed && share != null) {
                    share.running--;
                }
                closed = true;
                pay(this, used);
            }
        }

        /** Whether the read was stopped for using too much of the budget. */
        StaException stopped() {
            return stopped;
        }

        /** The CPU time the read's thread has used since it entered, read from the watcher; -1 once it ended. */
        private long used() {
            if (!CPU) {
                return System.nanoTime() - start;
            }
            long cpu = THREADS.getThreadCpuTime(thread.getId());
            return cpu < 0 ? -1 : cpu - start;
        }

        private void cancel() {
            Statement st;
            synchronized (this) {
                st = statement;
            }
            if (st != null) {
                try {
                    st.cancel(); // cancels only while it executes; a statement done or closed is left alone
                } catch (SQLException | RuntimeException e) {
                    // closed already: the read checks its ticket before its next statement
                }
            }
        }
    }

    /** {@link #enter(String)} for a read of no known client: the shared bucket alone. */
    Ticket enter() {
        return enter(null);
    }

    /**
     * Before a read of {@code client} (null: none known): refuses with 503 when the client's own bucket is in debt;
     * else returns its ticket at once while the shared bucket is not in debt, or waits for it, or refuses with 503.
     * The caller closes the ticket when the answer is written.
     */
    Ticket enter(String client) {
        long waitMillis;
        Share share;
        synchronized (this) {
            refill();
            share = client == null ? null : share(client);
            if (share != null && share.tokens < 0) {
                long retry = (long) Math.ceil(-share.tokens / (perSecond * CLIENT_SHARE));
                throw new StaException(503, null, -1, "your reads have used their share of the SensorThings "
                    + "service's read budget (one client may use half of read-cpu-per-second): retry in "
                    + Math.max(1, retry) + " s, or ask for less");
            }
            waitMillis = tokens >= 0 ? 0 : (long) Math.ceil(-tokens / perSecond * 1000);
            if (waitMillis > MAX_WAIT_MILLIS || (waitMillis > 0 && waiting >= MAX_WAITING)) {
                throw new StaException(503, null, -1, "the SensorThings service is busy with large answers: retry "
                    + "in " + Math.max(1, (waitMillis + 999) / 1000) + " s, or ask for less");
            }
            if (waitMillis > 0) {
                waiting++;
            }
        }
        if (waitMillis > 0) {
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
        Ticket t = new Ticket(share);
        CURRENT.set(t);
        try {
            t.watch = watcher.scheduleAtFixedRate(() -> watch(t), WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // not watched: charged when it ends, as before
        }
        return t;
    }

    /**
     * The watcher's sample of a running read: charges what it used since the last one; stops it past its share, and
     * cancels its statement at every sample from then on (one that was about to start when the read was stopped is
     * cancelled at the next).
     */
    private void watch(Ticket t) {
        long used = t.used();
        synchronized (this) {
            if (t.closed || used < 0) {
                return;
            }
            pay(t, used);
            if (t.stopped == null && used > small && tokens < reserve) {
                t.stopped = stop("one request may take from the SensorThings service's shared read budget "
                    + "(read-cpu-per-second)");
            } else if (t.stopped == null && t.share != null && t.share.tokens < 0
                && (used > small || t.share.running > 1)) {
                // the first 100 ms are one read's at a time: many at once would take them each
                t.stopped = stop("one client may take from the SensorThings service's read budget (half of "
                    + "read-cpu-per-second)");
            }
            if (t.stopped == null) {
                return;
            }
        }
        t.cancel();
    }

    private static StaException stop(String budget) {
        return new StaException(503, null, -1, "this read was stopped: it needs more CPU time than " + budget
            + "; ask for less ($top, $expand, a simpler $filter or $orderby) or narrow it (Datastreams(<id>)/"
            + "Observations with a phenomenonTime range)");
    }

    /** Charges {@code nanos} of CPU time as if a read had used them (tests). */
    synchronized void charge(long nanos) {
        refill();
        tokens -= nanos;
    }

    /**
     * Charges the bucket of {@code client} alone with {@code nanos} of CPU time, as if its earlier reads had used
     * them and the shared bucket had been refilled since (tests).
     */
    synchronized void charge(String client, long nanos) {
        share(client).tokens -= nanos;
    }

    /**
     * Charges the shared bucket and the read's client's with what the read used ({@code used}, its CPU time since it
     * entered) beyond what was charged before. Holding the throttle.
     */
    private void pay(Ticket t, long used) {
        refill();
        if (used > t.charged) {
            tokens -= used - t.charged;
            if (t.share != null) {
                refill(t.share);
                t.share.tokens -= used - t.charged;
            }
            t.charged = used;
        }
    }

    /** The client's bucket, refilled up to now (a new one full). Holding the throttle. */
    private Share share(String client) {
        Share share = clients.get(client);
        if (share == null) {
            share = new Share();
            share.tokens = burst;
            share.last = System.nanoTime();
            clients.put(client, share);
        }
        refill(share);
        return share;
    }

    private void refill(Share share) {
        long now = System.nanoTime();
        share.tokens = Math.min(burst, share.tokens + (now - share.last) / 1e9 * perSecond * CLIENT_SHARE);
        share.last = now;
    }

    /** Throws the refusal of the read on this thread if it was stopped; a loop's or a step's check. */
    static void checkpoint() {
        Ticket t = CURRENT.get();
        if (t != null && t.stopped != null) {
            throw t.stopped;
        }
    }

    /** The refusal of the read on this thread if it was stopped, else null. */
    static StaException stopped() {
        Ticket t = CURRENT.get();
        return t == null ? null : t.stopped;
    }

    /**
     * Before a statement of the read on this thread runs: it is the one a stop cancels; a read stopped already is
     * refused before its statement starts.
     */
    static void running(Statement st) {
        Ticket t = CURRENT.get();
        if (t == null) {
            return;
        }
        synchronized (t) {
            t.statement = st;
        }
        checkpoint();
    }

    /** The calling thread's CPU time so far, in nanoseconds (its wall time where the JVM cannot tell). */
    static long cpuNow() {
        return CPU ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    private void refill() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
        last = now;
    }
}
