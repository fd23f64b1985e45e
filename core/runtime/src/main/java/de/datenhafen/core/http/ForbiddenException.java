package de.datenhafen.core.http;

import de.datenhafen.api.HubException;

/** The principal is known but may not do this: 403 with the reason. */
public final class ForbiddenException extends HubException {

    public ForbiddenException(String message, String field) {
        super(message, field);
    }
}
