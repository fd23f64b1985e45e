package de.datenhafen.core.bus;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of a log's commits ({@link EventLog#onCommit}). Telling is serialized and reads the head inside, so
 * that with two threads telling (the writer, and the follower of other nodes' commits) no listener is told a lower
 * head after a higher one. A listener that throws is logged and the others are still told.
 */
final class CommitListeners {

    private static final Logger LOG = LoggerFactory.getLogger(CommitListeners.class);

    private final CopyOnWriteArrayList<LongConsumer> listeners = new CopyOnWriteArrayList<>();

    void add(LongConsumer listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void remove(LongConsumer listener) {
        listeners.remove(listener);
    }

    /** Tells every listener the head as it stands now. */
    synchronized void tell(LongSupplier head) {
        long h = head.getAsLong();
        for (LongConsumer l : listeners) {
            try {
                l.accept(h);
            } catch (RuntimeException e) {
                LOG.warn("An onCommit listener failed: {}", e.toString());
            }
        }
    }
}
