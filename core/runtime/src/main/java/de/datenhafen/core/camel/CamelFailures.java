package de.datenhafen.core.camel;

import org.apache.camel.FailedToCreateRouteException;

/**
 * What a failure of a route's making says to an admin ({@code lastError}, the log). Camel's "failed to create route"
 * quotes the whole route, every processor as its {@code toString()}: the hub's and the plugin's class and lambda
 * names, which say nothing to an admin and are the stack's details an answer must not carry. So it is written as the
 * route's id and its cause; every other failure as its message.
 */
public final class CamelFailures {

    private CamelFailures() {
    }

    /** The failure's words: its message (or its class's name without one), a route that was not made by its cause. */
    public static String message(Throwable t) {
        if (t instanceof FailedToCreateRouteException f && f.getCause() != null) {
            return "route " + f.getRouteId() + " could not be made: " + message(f.getCause());
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }

    /** As {@link #message}, with the failure's class name in front (a plugin's own exception says what it was). */
    public static String described(Throwable t) {
        if (t instanceof FailedToCreateRouteException && t.getCause() != null) {
            return message(t);
        }
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
