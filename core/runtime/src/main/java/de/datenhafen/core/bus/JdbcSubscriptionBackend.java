package de.datenhafen.core.bus;

import de.datenhafen.core.node.Leases;
import de.datenhafen.core.ops.Timers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscriptions kept in the database: cursors in {@code bus_subscription}, dead letters in {@code bus_dead_letter}.
 *
 * <p>A cursor moves in memory with every delivery and is written to the database every {@code flushInterval} and
 * on close. That keeps a busy subscription from paying one transaction per event; the price is at-least-once in
 * its plain sense: after a crash, the events delivered since the last write are delivered again.
 *
 * <p>With {@link Leases} (the hub always has them) a subscription is delivered by the one node that holds its lease
 * {@code subscription:<name>}: a consumer on another node waits. The cursor is written only under the lease's fencing
 * token ({@link SubscriptionStore#advance(String, long, SubscriptionStore.Fence)}), so a node that lost the lease
 * (paused past its end, then resumed) cannot move it; the refused write tells it that it lost the lease, and the
 * node that took over reads the cursor from the database before it delivers.
 */
public final class JdbcSubscriptionBackend implements HubSubscriptions {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSubscriptionBackend.class);

    private final EventLog log;
    private final SubscriptionStore store;
    private final DeadLetterStore deadLetterStore;
    private final Map<String, CachedCursor> cursors = new ConcurrentHashMap<>();
    private final SubscriptionConsumers consumers = new SubscriptionConsumers();
    private final ScheduledExecutorService flusher;
    /** Held by flushes and seeks, so a flush never writes a position a seek has just replaced. */
    private final Object writeLock = new Object();
    private final Leases leases; // null: one node, no leases
    private volatile java.util.function.Consumer<String> seeks = name -> { };

    public JdbcSubscriptionBackend(DataSource dataSource, EventLog log, Clock clock, Duration flushInterval) {
        this(dataSource, log, clock, flushInterval, null);
    }

    /** Subscriptions delivered on one node at a time, by lease (null: this node alone, as in tests of the bus). */
    public JdbcSubscriptionBackend(DataSource dataSource, EventLog log, Clock clock, Duration flushInterval,
                                   Leases leases) {
        this.leases = leases;
        this.log = log;
        this.store = new SubscriptionStore(dataSource, clock, log);
        this.deadLetterStore = new JdbcDeadLetterStore(dataSource, clock);
        this.flusher = Timers.of("subscription-cursors");
        Timers.every(flusher, "Storing the subscriptions' cursors", flushInterval, flushInterval, this::flushQuietly);
    }

    @Override
    public SubscriptionStore store() {
        return store;
    }

    @Override
    public DeadLetterStore deadLetterStore() {
        return deadLetterStore;
    }

    /** The log the subscriptions read. */
    @Override
    public EventLog log() {
        return log;
    }

    @Override
    public SubscriptionConsumers consumers() {
        return consumers;
    }

    @Override
    public SubscriptionWorker.Cursor cursor(String subscription, EventFilter filter) {
        Subscription s = attachable(subscription, filter);
        CachedCursor cursor = new CachedCursor(subscription, s.cursor());
        CachedCursor old = cursors.put(subscription, cursor);
        if (old != null) {
            old.dropLease();
        }
        if (leases != null) {
            cursor.lease = leases.acquire(leaseName(subscription), null);
        }
        return cursor;
    }

    /** The lease a subscription is delivered under. */
    public static String leaseName(String subscription) {
        return "subscription:" + subscription;
    }

    /** The node that delivers the subscription now (holds its lease), if any. */
    @Override
    public Optional<String> deliveredBy(String subscription) {
        return leases == null ? Optional.empty() : Optional.ofNullable(leases.holders().get(leaseName(subscription)));
    }

    /** Where the subscription's delivery stands now: in memory on the node that delivers it, else as stored. */
    @Override
    public long position(String subscription) {
        CachedCursor c = cursors.get(subscription);
        if (c != null && c.held()) {
            return c.position();
        }
        return store.get(subscription).map(Subscription::cursor).orElse(0L);
    }

    @Override
    public Optional<CursorMove> lastMove(String subscription) {
        return store.lastMove(subscription).map(f -> new CursorMove(f.holder(), f.token()));
    }

    /** Who is told of each seek (by name), so that the node delivering the subscription takes the new position. */
    @Override
    public void onSeek(java.util.function.Consumer<String> told) {
        this.seeks = java.util.Objects.requireNonNull(told, "told");
    }

    /**
     * Moves a subscription so that the next event delivered is the first with sequence {@code nextSeq} or more;
     * an attached consumer picks the new position up before its next delivery.
     */
    @Override
    public Subscription seek(String subscription, long nextSeq) {
        synchronized (writeLock) {
            Subscription s = store.seek(subscription, nextSeq);
            CachedCursor c = cursors.get(subscription);
            if (c != null) {
                c.reset(s.cursor());
            }
            consumers.of(subscription).ifPresent(a -> a.worker().wake());
            seeks.accept(subscription);
            return s;
        }
    }

    /** As {@link #seek}, to the first event stored at or after {@code time}. */
    @Override
    public Subscription seekToTime(String subscription, Instant time) {
        synchronized (writeLock) {
            Subscription s = store.seekToTime(subscription, time);
            CachedCursor c = cursors.get(subscription);
            if (c != null) {
                c.reset(s.cursor());
            }
            consumers.of(subscription).ifPresent(a -> a.worker().wake());
            seeks.accept(subscription);
            return s;
        }
    }

    /** Forgets the in-memory cursor of a subscription being deleted. */
    @Override
    public void forget(String subscription) {
        CachedCursor c = cursors.remove(subscription);
        if (c != null) {
            c.dropLease();
        }
    }

    /**
     * Another node moved the subscription (a seek there): the cursor held here takes the stored position, as after a
     * seek on this node.
     */
    @Override
    public void changedElsewhere(String subscription) {
        synchronized (writeLock) {
            CachedCursor c = cursors.get(subscription);
            Optional<Subscription> s = store.get(subscription);
            if (c != null && s.isPresent()) {
                c.reset(s.get().cursor());
                consumers.of(subscription).ifPresent(a -> a.worker().wake());
            }
        }
    }

    /** Writes every cursor that moved since the last write. */
    public void flush() {
        synchronized (writeLock) {
            for (CachedCursor c : cursors.values()) {
                c.flush();
            }
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("Could not write subscription cursors: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        // a flush in progress ends first (see Timers), then the last one writes what moved since
        Timers.stop(flusher, Timers.STOP_GRACE, "subscription cursors");
        flushQuietly();
    }

    /** A cursor that moves in memory and is written to the store by the flusher. */
    private final class CachedCursor implements SubscriptionWorker.Cursor {
        private final String name;
        private long position;
        private long persisted;
        private volatile Leases.Lease lease; // null: no leases
        private long token; // the lease token position was read under (0: as read at attach)

        CachedCursor(String name, long position) {
            this.name = name;
            this.position = position;
            this.persisted = position;
        }

        @Override
        public synchronized long position() {
            return position;
        }

        @Override
        public synchronized boolean advance(long from, long to) {
            if (position != from || !held()) {
                return false;
            }
            position = to;
            return true;
        }

        @Override
        public boolean held() {
            Leases.Lease l = lease;
            if (l == null) {
                return true;
            }
            long now = l.token();
            if (now == 0) {
                return false;
            }
            synchronized (this) {
                if (now != token) {
                    // taken (again): what another node delivered meanwhile is in the database, not here
                    long stored = store.get(name).map(Subscription::cursor).orElse(position);
                    position = stored;
                    persisted = stored;
                    token = now;
                }
            }
            return true;
        }

        @Override
        public void release() {
            Leases.Lease l = lease;
            if (l == null) {
                return;
            }
            synchronized (writeLock) {
                flushQuietlyOne();
            }
            l.release();
        }

        void dropLease() {
            Leases.Lease l = lease;
            if (l != null) {
                l.release();
            }
        }

        private void flushQuietlyOne() {
            try {
                flush();
            } catch (RuntimeException e) {
                LOG.warn("Could not write the cursor of {}: {}", name, e.getMessage());
            }
        }

        synchronized void reset(long stored) {
            position = stored;
            persisted = stored;
        }

        void flush() {
            long target;
            long underToken;
            synchronized (this) {
                if (position == persisted) {
                    return;
                }
                target = position;
                underToken = token;
            }
            Leases.Lease l = lease;
            try {
                // advance() only moves forward; a seek backwards holds writeLock, so it cannot interleave here
                if (l == null) {
                    store.advance(name, target);
                } else {
                    if (underToken == 0) {
                        return; // not moved under a lease yet
                    }
                    SubscriptionStore.Fence fence = new SubscriptionStore.Fence(leaseName(name), l.node(), underToken);
                    if (!store.advance(name, target, fence) && !store.fenceHolds(fence)) {
                        l.lost(underToken); // another node took over: this one's position is stale
                        return;
                    }
                }
            } catch (de.datenhafen.api.NotFoundException e) {
                cursors.remove(name, this);
                return;
            }
            synchronized (this) {
                if (position >= target && persisted < target) {
                    persisted = target;
                }
            }
        }
    }
}
