package de.datenhafen.core.bus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Cursors and dead letters in memory: nothing survives a restart. For tests. */
public final class InMemorySubscriptionBackend implements SubscriptionBackend {

    /** A dead letter as kept here. */
    public record DeadLetter(String subscription, StoredEvent event, String error, int attempts) {
    }

    private final EventLog log;
    private final Map<String, AtomicLong> cursors = new ConcurrentHashMap<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final SubscriptionConsumers consumers = new SubscriptionConsumers();

    public InMemorySubscriptionBackend(EventLog log) {
        this.log = log;
    }

    @Override
    public SubscriptionWorker.Cursor cursor(String subscription, EventFilter filter) {
        AtomicLong position = cursors.computeIfAbsent(subscription, s -> new AtomicLong(log.lastSequence()));
        return new SubscriptionWorker.Cursor() {
            @Override
            public long position() {
                return position.get();
            }

            @Override
            public boolean advance(long from, long to) {
                return position.compareAndSet(from, to);
            }
        };
    }

    @Override
    public SubscriptionWorker.DeadLetters deadLetters() {
        return (subscription, event, error, attempts, firstFailed) -> {
            synchronized (deadLetters) {
                deadLetters.add(new DeadLetter(subscription, event, error, attempts));
            }
        };
    }

    @Override
    public SubscriptionConsumers consumers() {
        return consumers;
    }

    public List<DeadLetter> deadLetterList() {
        synchronized (deadLetters) {
            return List.copyOf(deadLetters);
        }
    }
}
