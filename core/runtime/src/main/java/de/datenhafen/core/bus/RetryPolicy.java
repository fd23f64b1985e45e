package de.datenhafen.core.bus;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * How a subscription retries a failing delivery: {@code attempts} tries in all, waiting {@code firstDelay} after
 * the first failure and twice as long after each next one, never more than {@code maxDelay}; each wait is then
 * shortened by a random part of up to {@code jitter} of it (0: none, 0.5: up to half).
 *
 * <p>Why jitter that only shortens: many subscriptions that failed together (a receiver that went away for all of
 * them) would otherwise retry in lock-step and meet it again all at once; a wait that only shortens keeps
 * {@code maxDelay} an upper bound that an admin can rely on.
 */
public record RetryPolicy(int attempts, Duration firstDelay, Duration maxDelay, double jitter) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(10), 0.2);

    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
        }
    }

    /** A policy without jitter. */
    public RetryPolicy(int attempts, Duration firstDelay, Duration maxDelay) {
        this(attempts, firstDelay, maxDelay, 0);
    }

    /** The wait after failed attempt number {@code attempt} (1-based), before jitter. */
    public Duration delayAfter(int attempt) {
        long millis = firstDelay.toMillis() << Math.min(30, attempt - 1);
        return Duration.ofMillis(Math.min(millis, maxDelay.toMillis()));
    }

    /** The wait after failed attempt number {@code attempt}, with a random part of the jitter taken off. */
    public Duration jitteredDelayAfter(int attempt) {
        return jitteredDelayAfter(attempt, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** As {@link #jitteredDelayAfter(int)} with {@code random} giving a number in [0, 1). */
    public Duration jitteredDelayAfter(int attempt, DoubleSupplier random) {
        long full = delayAfter(attempt).toMillis();
        return Duration.ofMillis(full - Math.round(full * jitter * random.getAsDouble()));
    }
}
