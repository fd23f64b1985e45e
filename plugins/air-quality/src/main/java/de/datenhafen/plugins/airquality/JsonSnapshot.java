package de.datenhafen.plugins.airquality;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A JSON answer built at most once per period and served as the same bytes in between, for an answer that is asked
 * for often and costly to build ({@code GET sites?rooms=true}: 2,500 rooms, some 580 KB). A timer calls {@link #refresh} every
 * period; it rebuilds only while the answer is being asked for (within {@code idle}), so a hub nobody looks at builds
 * nothing. A call finds the answer built by the timer and never builds, unless the answer is older than
 * {@code maxAge} (the first call, or the first after an idle spell, or a timer that fell behind), which it then
 * rebuilds itself. So the answer shows the state of at most one period plus one build ago while in use, and never
 * more than {@code maxAge} ago.
 *
 * <p>Thread-safe: calls come from any HTTP worker, {@link #refresh} from the timer's thread; builds are serialised.
 */
final class JsonSnapshot {

    private record Built(long at, byte[] json) {
    }

    private final Supplier<byte[]> build;
    private final LongSupplier nanos;
    private final long maxAge;
    private final long idle;
    private final Object building = new Object();
    private volatile Built current;
    private volatile long lastAsked;
    private volatile boolean asked;

    JsonSnapshot(Supplier<byte[]> build, LongSupplier nanos, long maxAge, long idle, TimeUnit unit) {
        if (maxAge <= 0 || idle <= 0) {
            throw new IllegalArgumentException("maxAge and idle must be positive, not " + maxAge + " and " + idle);
        }
        this.build = build;
        this.nanos = nanos;
        this.maxAge = unit.toNanos(maxAge);
        this.idle = unit.toNanos(idle);
    }

    /** The answer's bytes (shared: do not change them). */
    byte[] get() {
        long now = nanos.getAsLong();
        lastAsked = now;
        asked = true;
        Built b = current;
        if (b != null && now - b.at() <= maxAge) {
            return b.json();
        }
        synchronized (building) {
            b = current;
            if (b != null && nanos.getAsLong() - b.at() <= maxAge) {
                return b.json(); // another caller has just built it
            }
            return rebuild().json();
        }
    }

    /** The timer's tick: rebuilds if the answer was asked for lately. */
    void refresh() {
        if (!asked || nanos.getAsLong() - lastAsked > idle) {
            return;
        }
        synchronized (building) {
            rebuild();
        }
    }

    private Built rebuild() {
        long at = nanos.getAsLong(); // before building: the age counts from the state the build saw
        Built b = new Built(at, build.get());
        current = b;
        return b;
    }
}
