package de.datenhafen.core.http;

import de.datenhafen.api.RetryableException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where sign-ins, set-ups and password changes hash their password: a few threads of their own (one a core; an
 * Argon2id hash takes a core for 50-100 ms), and a bound on how many may wait or run at once. Past the bound the
 * answer is at once a 503 with {@code Retry-After}, not a place at the end of a queue that a flood of sign-ins from
 * many addresses (each below the per-address limit) would make minutes long for everyone. Called on the event loop;
 * the task runs on a password thread.
 */
final class PasswordHashing {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final WorkerExecutor threads;
    private final int limit;
    private final AtomicInteger pending = new AtomicInteger();

    PasswordHashing(WorkerExecutor threads, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("auth.password-queue must be at least 1, is " + limit);
        }
        this.threads = threads;
        this.limit = limit;
    }

    /** Runs {@code task} on a password thread, or fails with a {@link RetryableException} (503) when too many wait. */
    <T> Future<T> submit(Callable<T> task) {
        if (pending.incrementAndGet() > limit) {
            pending.decrementAndGet();
            return Future.failedFuture(new RetryableException("too many sign-ins and password changes are being "
                + "checked right now; try again in " + RETRY_AFTER.toSeconds() + " s", RETRY_AFTER));
        }
        return threads.executeBlocking(() -> {
            try {
                return task.call();
            } finally {
                pending.decrementAndGet();
            }
        }, false);
    }
}
