package de.datenhafen.core.http;

import de.datenhafen.api.HubException;
import java.time.Duration;

/** The client sent too many wrong credentials; answered 429 with {@code Retry-After}. */
final class TooManyRequestsException extends HubException {

    private final Duration retryAfter;

    TooManyRequestsException(String message, Duration retryAfter) {
        super(message, "Authorization");
        this.retryAfter = retryAfter;
    }

    Duration retryAfter() {
        return retryAfter;
    }
}
