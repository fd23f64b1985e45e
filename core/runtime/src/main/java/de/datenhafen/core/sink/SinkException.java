package de.datenhafen.core.sink;

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
}
