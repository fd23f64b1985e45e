package de.datenhafen.core.bus;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * An event log for tests of what uses one, where only some of its methods matter: the others take nothing and tell
 * nothing (no commits, an empty log). A test overrides what it needs.
 */
public abstract class QuietEventLog implements EventLog {

    @Override
    public CompletableFuture<List<AppendResult>> append(List<NewEvent> events) {
        throw new UnsupportedOperationException("this test's log takes no events");
    }

    @Override
    public List<StoredEvent> read(EventFilter filter, long after, int limit) {
        return List.of();
    }

    @Override
    public long firstStoredAtOrAfter(Instant time) {
        return 0;
    }

    @Override
    public long lastSequence() {
        return 0;
    }

    @Override
    public int pendingEvents() {
        return 0;
    }

    @Override
    public void onCommit(LongConsumer listener) {
    }

    @Override
    public void removeOnCommit(LongConsumer listener) {
    }

    @Override
    public void close() {
    }
}
