package de.datenhafen.api;

/**
 * No valid credentials came with the request. Answered with 401 and {@code WWW-Authenticate: Bearer}; the field is
 * always {@code Authorization}.
 *
 * <p>Thrown by the hub's own credential checks, and by a plugin's route (on its HTTP worker thread) that checks a
 * caller more finely than the endpoint's {@code access} option can, e.g. a public ingest that only some members may
 * post to. Thrown from a route, the hub answers it and does not count it as a failed message.
 *
 * @since 1.1
 */
public class UnauthorizedException extends HubException {

    public UnauthorizedException(String message) {
        super(message, "Authorization");
    }
}
