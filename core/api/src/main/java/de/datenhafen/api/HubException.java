package de.datenhafen.api;

/**
 * The root of the hub's errors. Unchecked, carrying the data an API answer needs: the field at fault (if any) and
 * whether a retry may help. The hub maps each kind to an HTTP status in one place.
 */
public class HubException extends RuntimeException {

    private final String field;

    public HubException(String message) {
        this(message, null, null);
    }

    public HubException(String message, String field) {
        this(message, field, null);
    }

    public HubException(String message, String field, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    /** The input field at fault, or null when the error is not about one field. */
    public String field() {
        return field;
    }
}
