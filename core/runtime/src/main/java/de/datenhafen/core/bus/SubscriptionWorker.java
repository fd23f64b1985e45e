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
 *
 * <p>An admin's replay of a dead letter ({@link #replay}) runs on the admin's thread but under the same lock as the
 * worker's own deliveries, so the consumer still sees one delivery at a time. A seek while an event is being retried
 * ends the retries: the worker reads on from the new position.
 *
 * <p><b>Batches</b> ({@code maxBatch > 1}): the worker hands the consumer up to {@code maxBatch} events at once, in
 * sequence order, taken from what is already in the log (it never waits to fill a batch). The cursor moves past the
 * whole batch only when its delivery succeeded. A failing batch is retried like one event; when its attempts are
 * exhausted, the worker delivers the batch's events one by one, each with the full retry budget, so only the
 * events that fail on their own go to the dead letters and the others are delivered, in order. A replay is a batch of
 * one. Why not dead-letter the whole batch: one poison event would take up to {@code maxBatch - 1} good ones with it.
 *
 * <p><b>Several nodes</b>: the worker delivers only while its {@link Cursor#held()} says this node holds the
 * subscription's lease; otherwise it waits (checking four times a second), and a retry loop ends when the lease is
 * gone, as it ends at a seek.
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

        /**
         * Whether this node may deliver now: with several nodes on one database, whether it holds the subscription's
         * lease (a cursor that gains it reads its position from the database first). Always true for one node.
         */
        default boolean held() {
            return true;
        }

        /** The worker stopped: write the position and let another node take over. */
        default void release() {
        }
    }

    /**
     * Hands a batch of events, in sequence order, to a subscriber. Returning normally means it has all of them;
     * throwing means retry the batch.
     */
    @FunctionalInterface
    public interface BatchDelivery {
        void deliver(List<StoredEvent> events) throws Exception;
    }

    /** Where undeliverable events go. */
    public interface DeadLetters {
        /** {@code firstFailed}: when the first attempt failed, so the dead letter shows how long retries took. */
        void add(String subscription, StoredEvent event, String error, int attempts, java.time.Instant firstFailed);
    }

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionWorker.class);
    private static final int BATCH = 256;

    private final String name;
    private final EventFilter filter;
    private final EventLog log;
    private final Cursor cursor;
    private final DeadLetters deadLetters;
    private final BatchDelivery delivery;
    private final int maxBatch;
    private final RetryPolicy retry;
    private final ReentrantLock lock = new ReentrantLock();
    /** Held around each call of the delivery: the worker's and replays', one at a time. */
    private final ReentrantLock deliveryLock = new ReentrantLock(true);
    private final DeliveryRate rate = new DeliveryRate(System::currentTimeMillis);
    private final Condition wake = lock.newCondition();
    private final LongConsumer listener = this::committed;
    private volatile long committed;
    private volatile boolean running;
    private Thread thread;

    public SubscriptionWorker(String name, EventFilter filter, EventLog log, Cursor cursor, DeadLetters deadLetters,
                              Delivery delivery, RetryPolicy retry) {
        this(name, filter, log, cursor, deadLetters, events -> delivery.deliver(events.get(0)), 1, retry);
    }

    /** A worker that delivers batches of up to {@code maxBatch} events (1: one event at a time). */
    public SubscriptionWorker(String name, EventFilter filter, EventLog log, Cursor cursor, DeadLetters deadLetters,
                              BatchDelivery delivery, int maxBatch, RetryPolicy retry) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
        }
        this.name = name;
        this.filter = filter;
        this.log = log;
        this.cursor = cursor;
        this.deadLetters = deadLetters;
        this.delivery = delivery;
        this.maxBatch = maxBatch;
        this.retry = retry;
    }

    public String name() {
        return name;
    }

    /** Successful deliveries per second over the last minute (replays included). */
    public double rate() {
        return rate.perSecond();
    }

    public boolean isRunning() {
        return running;
    }

    /**
     * Delivers {@code event} once more, now, in between the worker's own deliveries; no retries and no dead letter:
     * the caller (the admin's replay) decides what a failure means. The cursor does not move.
     *
     * @throws IllegalStateException when the worker is not running
     * @throws Exception what the delivery threw
     */
    public void replay(StoredEvent event) throws Exception {
        if (!running) {
            throw new IllegalStateException("the consumer of subscription '" + name + "' is stopping");
        }
        deliverOnce(List.of(event));
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
                if (!cursor.held()) {
                    awaitLease();
                    continue;
                }
                // The head is read before the events: when nothing matches, every event up to it was looked at
                // and the cursor may skip there, so lag reads right even for a narrow filter.
                long head = log.lastSequence();
                long position = cursor.position();
                List<StoredEvent> batch = log.read(filter, position, Math.max(BATCH, maxBatch));
                if (batch.isEmpty()) {
                    if (head > position) {
                        cursor.advance(position, head);
                    }
                    awaitCommitAfter(Math.max(head, position), Math.max(head, position));
                    continue;
                }
                long expected = position;
                for (int i = 0; i < batch.size(); i += maxBatch) {
                    if (!running) {
                        return;
                    }
                    if (cursor.position() != expected) {
                        break; // sought elsewhere: read on from there
                    }
                    List<StoredEvent> chunk = batch.subList(i, Math.min(batch.size(), i + maxBatch));
                    if (!deliverWithRetries(chunk, expected)) {
                        expected = deliverOneByOne(chunk, expected);
                        if (expected < 0) {
                            break;
                        }
                        continue;
                    }
                    long last = chunk.get(chunk.size() - 1).sequence();
                    if (!cursor.advance(expected, last)) {
                        break;
                    }
                    expected = last;
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

    /** Waits for a commit after {@code sequence}, or for a seek that moves the cursor off {@code position}. */
    private void awaitCommitAfter(long sequence, long position) throws InterruptedException {
        lock.lock();
        try {
            while (running && committed <= sequence && cursor.position() == position) {
                wake.await(1, TimeUnit.SECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits a little for this node to hold the subscription's lease (another node delivers meanwhile). */
    private void awaitLease() throws InterruptedException {
        lock.lock();
        try {
            if (running && !cursor.held()) {
                wake.await(250, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the worker up to look at its cursor again (after a seek). */
    public void wake() {
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Delivers a batch that exhausted its attempts one event at a time, each with the full retry budget, moving the
     * cursor after each. Returns the new cursor position, or -1 when a seek took the cursor elsewhere.
     */
    private long deliverOneByOne(List<StoredEvent> events, long expected) throws InterruptedException {
        LOG.info("Subscription {}: batch #{}..#{} failed, delivering its {} events one by one", name,
            events.get(0).sequence(), events.get(events.size() - 1).sequence(), events.size());
        for (StoredEvent event : events) {
            if (!running) {
                throw new InterruptedException("stopping");
            }
            if (cursor.position() != expected) {
                return -1;
            }
            deliverWithRetries(List.of(event), expected);
            if (!cursor.advance(expected, event.sequence())) {
                return -1;
            }
            expected = event.sequence();
        }
        return expected;
    }

    /**
     * Delivers {@code events} with retries. A single event that fails its last attempt goes to the dead letters; a
     * batch is left to the caller to split. A {@link PermanentFailure} ends the retries at once.
     *
     * @return true when delivered, or dead-lettered, or a seek ended the retries (the caller's cursor move then fails
     *     and it reads on from the new position); false when a batch of several exhausted its attempts
     */
    private boolean deliverWithRetries(List<StoredEvent> events, long expected) throws InterruptedException {
        java.time.Instant firstFailed = null;
        String what = events.size() == 1 ? "event #" + events.get(0).sequence()
            : "batch #" + events.get(0).sequence() + "..#" + events.get(events.size() - 1).sequence();
        for (int attempt = 1; ; attempt++) {
            try {
                deliverOnce(events);
                return true;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                String error = e.getMessage() == null ? e.toString() : e.getMessage();
                firstFailed = firstFailed == null ? java.time.Instant.now() : firstFailed;
                if (!running) {
                    throw new InterruptedException("stopping");
                }
                if (cursor.position() != expected || !cursor.held()) {
                    // sought elsewhere while failing, or another node took the subscription over: the seek (or the
                    // other node) wins, the caller's cursor move fails and it reads on from there
                    return true;
                }
                boolean permanent = PermanentFailure.in(e); // another attempt would fail the same way
                if (attempt >= retry.attempts() || permanent) {
                    if (events.size() > 1) {
                        return false;
                    }
                    if (permanent) {
                        LOG.warn("Subscription {}: {} failed in a way another attempt would repeat, moved to dead "
                            + "letters: {}", name, what, error);
                    } else {
                        LOG.warn("Subscription {}: {} failed {} times, moved to dead letters: {}", name, what,
                            attempt, error);
                    }
                    deadLetters.add(name, events.get(0), error, attempt, firstFailed);
                    return true;
                }
                LOG.debug("Subscription {}: {} failed (attempt {}): {}", name, what, attempt, error);
                pause(retry.jitteredDelayAfter(attempt).toMillis());
                if (!running) {
                    throw new InterruptedException("stopping");
                }
            }
        }
    }

    private void deliverOnce(List<StoredEvent> events) throws Exception {
        deliveryLock.lockInterruptibly();
        try {
            delivery.deliver(events);
        } finally {
            deliveryLock.unlock();
        }
        rate.record(events.size());
    }

    /** Waits out a back-off; a stop ends it early, commits do not. */
    private void pause(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        lock.lock();
        try {
            long left;
            while (running && (left = deadline - System.nanoTime()) > 0) {
                wake.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A back-off after a failure (not a wait for a condition); an interrupt ends it and stays set. */
    static void sleepQuietly(long millis) {
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
        cursor.release();
    }
}
