package de.datenhafen.api;

/**
 * The input is well-formed but the hub will not accept it: a plugin that needs another API version, an archive
 * that escapes its folder. Answered with 422.
 */
public class RefusedException extends HubException {

    public RefusedException(String message, String field) {
        super(message, field);
    }

    public RefusedException(String message, String field, Throwable cause) {
        super(message, field, cause);
    }
}
