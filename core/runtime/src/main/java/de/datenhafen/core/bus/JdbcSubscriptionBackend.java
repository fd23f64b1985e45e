package de.datenhafen.core.bus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscriptions kept in the database: cursors in {@code bus_subscription}, dead letters in {@code bus_dead_letter}.
 *
 * <p>A cursor moves in memory with every delivery and is written to the database every {@code flushInterval} and
 * on close. That keeps a busy subscription from paying one transaction per event; the price is at-least-once in
 * its plain sense: after a crash, the events delivered since the last write are delivered again.
 */
public final class JdbcSubscriptionBackend implements SubscriptionBackend, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSubscriptionBackend.class);

    private final EventLog log;
    private final SubscriptionStore store;
    private final DeadLetterStore deadLetterStore;
    private final Map<String, CachedCursor> cursors = new ConcurrentHashMap<>();
    private final SubscriptionConsumers consumers = new SubscriptionConsumers();
    private final ScheduledExecutorService flusher;
    /** Held by flushes and seeks, so a flush never writes a position a seek has just replaced. */
    private final Object writeLock = new Object();

    public JdbcSubscriptionBackend(DataSource dataSource, EventLog log, Clock clock, Duration flushInterval) {
        this.log = log;
        this.store = new SubscriptionStore(dataSource, clock, log);
        this.deadLetterStore = new DeadLetterStore(dataSource, clock);
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "subscription-cursors");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flushQuietly, flushInterval.toMillis(), flushInterval.toMillis(),
            TimeUnit.MILLISECONDS);
    }

    public SubscriptionStore store() {
        return store;
    }

    public DeadLetterStore deadLetterStore() {
        return deadLetterStore;
    }

    /** The log the subscriptions read. */
    public EventLog log() {
        return log;
    }

    @Override
    public SubscriptionConsumers consumers() {
        return consumers;
    }

    @Override
    public SubscriptionWorker.Cursor cursor(String subscription, EventFilter filter) {
        Subscription s = store.get(subscription)
            .orElseGet(() -> store.create(subscription, filter, log.lastSequence()));
        if (!s.filter().equals(filter)) {
            store.updateFilter(subscription, filter);
        }
        return cursors.compute(subscription, (name, old) -> new CachedCursor(name, s.cursor()));
    }

    /** Where the subscription's delivery stands now, in memory when a consumer is attached, else as stored. */
    public long position(String subscription) {
        CachedCursor c = cursors.get(subscription);
        if (c != null) {
            return c.position();
        }
        return store.get(subscription).map(Subscription::cursor).orElse(0L);
    }

    /**
     * Moves a subscription so that the next event delivered is the first with sequence {@code nextSeq} or more;
     * an attached consumer picks the new position up before its next delivery.
     */
    public Subscription seek(String subscription, long nextSeq) {
        synchronized (writeLock) {
            Subscription s = store.seek(subscription, nextSeq);
            CachedCursor c = cursors.get(subscription);
            if (c != null) {
                c.reset(s.cursor());
            }
            consumers.of(subscription).ifPresent(a -> a.worker().wake());
            return s;
        }
    }

    /** As {@link #seek}, to the first event stored at or after {@code time}. */
    public Subscription seekToTime(String subscription, Instant time) {
        synchronized (writeLock) {
            Subscription s = store.seekToTime(subscription, time);
            CachedCursor c = cursors.get(subscription);
            if (c != null) {
                c.reset(s.cursor());
            }
            consumers.of(subscription).ifPresent(a -> a.worker().wake());
            return s;
        }
    }

    /** Forgets the in-memory cursor of a subscription being deleted. */
    public void forget(String subscription) {
        cursors.remove(subscription);
    }

    @Override
    public SubscriptionWorker.DeadLetters deadLetters() {
        return (subscription, event, error, attempts, firstFailed) ->
            deadLetterStore.add(subscription, event.sequence(), error, attempts, firstFailed);
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
        flusher.shutdown();
        flushQuietly();
    }

    /** A cursor that moves in memory and is written to the store by the flusher. */
    private final class CachedCursor implements SubscriptionWorker.Cursor {
        private final String name;
        private long position;
        private long persisted;

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
            if (position != from) {
                return false;
            }
            position = to;
            return true;
        }

        synchronized void reset(long stored) {
            position = stored;
            persisted = stored;
        }

        void flush() {
            long target;
            synchronized (this) {
                if (position == persisted) {
                    return;
                }
                target = position;
            }
            try {
                // advance() only moves forward; a seek backwards holds writeLock, so it cannot interleave here
                store.advance(name, target);
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
