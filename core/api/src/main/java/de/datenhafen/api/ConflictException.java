package de.datenhafen.api;

/** The request clashes with what exists (a name taken, a plugin already installed). Answered with 409. */
public class ConflictException extends HubException {

    public ConflictException(String message, String field) {
        super(message, field);
    }
}
