package de.datenhafen.api;

/**
 * The caller is known but may not do this. Answered with 403 and the reason.
 *
 * <p>Thrown by the hub's own role checks, and by a plugin's route (on its HTTP worker thread) for its finer checks:
 * a member's editor changing another member's record, a token scoped elsewhere. Thrown from a route, the hub answers
 * it and does not count it as a failed message.
 *
 * @since 1.1
 */
public class ForbiddenException extends HubException {

    /**
     * @param message why not, for the caller to read
     * @param field what the answer names as at fault: usually {@code Authorization}, or a path in the body
     */
    public ForbiddenException(String message, String field) {
        super(message, field);
    }

    /** Refused for who the caller is: the field is {@code Authorization}. */
    public ForbiddenException(String message) {
        this(message, "Authorization");
    }
}
