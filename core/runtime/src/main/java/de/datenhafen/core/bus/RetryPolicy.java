package de.datenhafen.core.bus;

import java.time.Duration;

/**
 * How a subscription retries a failing delivery: {@code attempts} tries in all, waiting {@code firstDelay} after
 * the first failure and twice as long after each next one, never more than {@code maxDelay}.
 */
public record RetryPolicy(int attempts, Duration firstDelay, Duration maxDelay) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(10));

    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
        }
    }

    /** The wait after failed attempt number {@code attempt} (1-based). */
    public Duration delayAfter(int attempt) {
        long millis = firstDelay.toMillis() << Math.min(30, attempt - 1);
        return Duration.ofMillis(Math.min(millis, maxDelay.toMillis()));
    }
}
