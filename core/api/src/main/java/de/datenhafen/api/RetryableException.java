package de.datenhafen.api;

import java.time.Duration;

/**
 * The hub cannot take this now but may soon (the bus writer is full, a plugin is starting). Nothing was changed;
 * retry after {@link #retryAfter()}. Answered with 503 and a {@code Retry-After} header.
 */
public class RetryableException extends HubException {

    private final Duration retryAfter;

    public RetryableException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter == null ? Duration.ofSeconds(1) : retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
