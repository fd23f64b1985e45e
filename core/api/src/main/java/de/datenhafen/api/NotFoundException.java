package de.datenhafen.api;

/** The thing asked for does not exist. Answered with 404. */
public class NotFoundException extends HubException {

    public NotFoundException(String message) {
        super(message);
    }
}
