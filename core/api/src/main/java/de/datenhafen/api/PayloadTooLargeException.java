package de.datenhafen.api;

/**
 * The request body (or what it expands to, e.g. a zip) is larger than the route accepts. Answered with 413.
 *
 * <p>The hub throws it itself for a body past the endpoint's {@code maxBodySize}; a plugin route throws it (on its
 * HTTP worker thread) for limits of its own.
 *
 * @since 1.1 (in the hub's own package before)
 */
public class PayloadTooLargeException extends HubException {

    /** The field is {@code body}. */
    public PayloadTooLargeException(String message) {
        super(message, "body");
    }

    public PayloadTooLargeException(String message, String field) {
        super(message, field);
    }
}
