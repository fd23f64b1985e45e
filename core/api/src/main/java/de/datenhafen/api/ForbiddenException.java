package de.datenhafen.api;

/**
 * The caller is known but may not do this, for example a member's editor writing another member's data; nothing was
 * changed. Answered with 403. A plugin route throws it when its own rule (finer than the endpoint's {@code access})
 * refuses the caller in {@link BusHeaders#CALLER}.
 */
public class ForbiddenException extends HubException {

    public ForbiddenException(String message, String field) {
        super(message, field);
    }
}
