package de.datenhafen.core.http;

import de.datenhafen.api.HubException;

/** The request body is larger than this route accepts. Answered with 413. */
public final class PayloadTooLargeException extends HubException {

    public PayloadTooLargeException(String message) {
        super(message, "body");
    }
}
