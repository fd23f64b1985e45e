package de.datenhafen.api;

/**
 * The body's {@code Content-Type} is not one the route takes. Answered with 415; the field is {@code Content-Type}.
 * Thrown by a plugin's route, on its HTTP worker thread.
 *
 * @since 1.1
 */
public class UnsupportedMediaTypeException extends HubException {

    public UnsupportedMediaTypeException(String message) {
        super(message, "Content-Type");
    }
}
