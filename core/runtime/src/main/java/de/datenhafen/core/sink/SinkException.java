package de.datenhafen.core.sink;

import de.datenhafen.core.bus.PermanentFailure;

/**
 * An event did not arrive at a sink's target; the message says why (status code, time-out, refused connection) and
 * becomes the dead letter's reason when the subscription's retries run out. Never carries a secret.
 */
class SinkException extends RuntimeException {

    SinkException(String message) {
        super(message, null, false, false);
    }

    /** The target answered 410 Gone: it wants no more events, and the sink's integration stops. */
    static final class Gone extends SinkException {
        Gone(String message) {
            super(message);
        }
    }

    /**
     * The event came through {@link de.datenhafen.core.bus.Hops#MAX} webhooks already: not sent, and dead-lettered at
     * once (another attempt would refuse it the same way).
     */
    static final class Loop extends SinkException implements PermanentFailure {
        Loop(String message) {
            super(message);
        }
    }
}
