package de.datenhafen.api;

/**
 * The root of the hub's errors. Unchecked, carrying the data an API answer needs: the field at fault (if any) and
 * whether a retry may help. The hub maps each kind to an HTTP status in one place. An error may carry a code of the
 * hub's catalogue ({@link #coded}): the answer names it ({@code "code"}), and a client that asks in another language
 * ({@code Accept-Language}, as the console does) gets the catalogue's words for it; the message stays the English
 * one for everyone else.
 */
public class HubException extends RuntimeException {

    private final String field;
    private String code;
    private Object[] args = new Object[0];

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

    /**
     * Gives this error a code of the hub's catalogue ({@code member.exists}) and the values its words name, in
     * order; returns this, to be thrown.
     */
    public HubException coded(String code, Object... args) {
        this.code = code;
        this.args = args.clone();
        return this;
    }

    /** The catalogue's code, or null. */
    public String code() {
        return code;
    }

    /** The values the code's words name. */
    public Object[] args() {
        return args.clone();
    }
}
