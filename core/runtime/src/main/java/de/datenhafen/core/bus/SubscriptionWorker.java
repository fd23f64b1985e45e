package de.datenhafen.core.bus;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the events of one subscription, in sequence order, at least once: reads on from the cursor, hands each
 * matching event to the {@link Delivery}, and moves the cursor only after the delivery succeeded. A failing
 * delivery is retried by the {@link RetryPolicy}; after the last attempt the event goes to the dead letters with
 * the error and the worker carries on. Wakes up on each commit of the log. One thread per subscription.
 */
public final class SubscriptionWorker implements AutoCloseable {

    /** Where a subscription's position is kept. */
    public interface Cursor {
        long position();

        /**
         * Moves the cursor from {@code from} to {@code to}, only if it is still at {@code from}: an admin's seek in
         * the meantime wins over the delivery that was under way.
         *
         * @return whether it moved
         */
        boolean advance(long from, long to);
    }

    /** Where undeliverable events go. */
    public interface DeadLetters {
        void add(String subscription, StoredEvent event, String error, int attempts);
    }

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionWorker.class);
    private static final int BATCH = 256;

    private final String name;
    private final EventFilter filter;
    private final EventLog log;
    private final Cursor cursor;
    private final DeadLetters deadLetters;
    private final Delivery delivery;
    private final RetryPolicy retry;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final LongConsumer listener = this::committed;
    private volatile long committed;
    private volatile boolean running;
    private Thread thread;

    public SubscriptionWorker(String name, EventFilter filter, EventLog log, Cursor cursor, DeadLetters deadLetters,
                              Delivery delivery, RetryPolicy retry) {
        this.name = name;
        this.filter = filter;
        this.log = log;
        this.cursor = cursor;
        this.deadLetters = deadLetters;
        this.delivery = delivery;
        this.retry = retry;
    }

    public String name() {
        return name;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        log.onCommit(listener);
        committed = log.lastSequence();
        thread = new Thread(this::loop, "subscription-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void committed(long sequence) {
        committed = sequence;
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (running) {
            try {
                // The head is read before the events: when nothing matches, every event up to it was looked at
                // and the cursor may skip there, so lag reads right even for a narrow filter.
                long head = log.lastSequence();
                long position = cursor.position();
                List<StoredEvent> batch = log.read(filter, position, BATCH);
                if (batch.isEmpty()) {
                    if (head > position) {
                        cursor.advance(position, head);
                    }
                    awaitCommitAfter(Math.max(head, position));
                    continue;
                }
                long expected = position;
                for (StoredEvent event : batch) {
                    if (!running) {
                        return;
                    }
                    if (cursor.position() != expected) {
                        break; // sought elsewhere: read on from there
                    }
                    deliverWithRetries(event);
                    if (!cursor.advance(expected, event.sequence())) {
                        break;
                    }
                    expected = event.sequence();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("Subscription {} stalled: {}; trying again in 1 s", name, e.getMessage(), e);
                sleepQuietly(1000);
            }
        }
    }

    private void awaitCommitAfter(long sequence) throws InterruptedException {
        lock.lock();
        try {
            while (running && committed <= sequence) {
                wake.await(1, TimeUnit.SECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    private void deliverWithRetries(StoredEvent event) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                delivery.deliver(event);
                return;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                String error = e.getMessage() == null ? e.toString() : e.getMessage();
                if (attempt >= retry.attempts() || !running) {
                    if (!running) {
                        throw new InterruptedException("stopping");
                    }
                    LOG.warn("Subscription {}: event #{} failed {} times, moved to dead letters: {}", name,
                        event.sequence(), attempt, error);
                    deadLetters.add(name, event, error, attempt);
                    return;
                }
                LOG.debug("Subscription {}: event #{} failed (attempt {}): {}", name, event.sequence(), attempt,
                    error);
                Thread.sleep(retry.delayAfter(attempt).toMillis());
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops after the delivery in progress (if any) and waits for the worker thread up to 10 s. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            log.removeOnCommit(listener);
            t = thread;
        }
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            t.join(10_000);
            if (t.isAlive()) {
                t.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
