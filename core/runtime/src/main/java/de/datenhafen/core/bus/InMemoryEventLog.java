package de.datenhafen.core.bus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;

/**
 * An {@link EventLog} kept in memory: ordered, deduplicated, nothing survives a restart. For tests of code above
 * the log, and the reference its durable siblings are compared with.
 */
public final class InMemoryEventLog implements EventLog {

    private final List<StoredEvent> events = new ArrayList<>();
    private final Map<String, Long> bySourceAndId = new HashMap<>();
    private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();
    private boolean closed;

    @Override
    public CompletableFuture<List<AppendResult>> append(List<NewEvent> batch) {
        List<AppendResult> results = new ArrayList<>(batch.size());
        long last;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("the event log is closed"));
            }
            for (NewEvent e : batch) {
                String key = e.event().getSource() + "\n" + e.event().getId();
                Long existing = bySourceAndId.get(key);
                if (existing != null) {
                    results.add(new AppendResult(existing, true));
                    continue;
                }
                long seq = events.size() + 1L;
                events.add(new StoredEvent(seq, e.member(), e.event()));
                bySourceAndId.put(key, seq);
                results.add(new AppendResult(seq, false));
            }
            last = events.size();
        }
        listeners.forEach(l -> l.accept(last));
        return CompletableFuture.completedFuture(results);
    }

    @Override
    public synchronized List<StoredEvent> read(EventFilter filter, long after, int limit) {
        List<StoredEvent> out = new ArrayList<>();
        for (int i = (int) Math.max(0, after); i < events.size() && out.size() < limit; i++) {
            StoredEvent e = events.get(i);
            if (filter.matches(e)) {
                out.add(e);
            }
        }
        return out;
    }

    @Override
    public synchronized long lastSequence() {
        return events.size();
    }

    @Override
    public void onCommit(LongConsumer listener) {
        listeners.add(listener);
    }

    @Override
    public void removeOnCommit(LongConsumer listener) {
        listeners.remove(listener);
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
