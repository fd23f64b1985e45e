package de.datenhafen.api;

/** The thing asked for does not exist. Answered with 404. */
public class NotFoundException extends HubException {

    public NotFoundException(String message) {
        super(message);
    }

    /**
     * @param field the input that named the missing thing (a path parameter such as {@code site}), for the answer
     * @since 1.1
     */
    public NotFoundException(String message, String field) {
        super(message, field);
    }
}
