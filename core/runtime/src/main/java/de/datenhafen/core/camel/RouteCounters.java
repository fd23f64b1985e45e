package de.datenhafen.core.camel;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Message counts and the last error of one integration's routes. Thread-safe. */
public final class RouteCounters {

    private final AtomicLong in = new AtomicLong();
    private final AtomicLong out = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile String lastError;
    private volatile Instant lastErrorAt;

    public long in() {
        return in.get();
    }

    public long out() {
        return out.get();
    }

    public long failed() {
        return failed.get();
    }

    public String lastError() {
        return lastError;
    }

    public Instant lastErrorAt() {
        return lastErrorAt;
    }

    void received() {
        in.incrementAndGet();
    }

    void sent() {
        out.incrementAndGet();
    }

    void failed(String error) {
        failed.incrementAndGet();
        error(error);
    }

    /** Records an error that is not a failed message (a route that would not start). */
    public void error(String error) {
        this.lastError = error;
        this.lastErrorAt = Instant.now();
    }
}
