package de.datenhafen.core.http;

import de.datenhafen.api.HubException;

/** No valid credentials were presented. Answered with 401. */
public final class UnauthorizedException extends HubException {

    public UnauthorizedException(String message) {
        super(message, "Authorization");
    }
}
