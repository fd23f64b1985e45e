package de.datenhafen.core.camel;

import java.sql.SQLException;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.ResolveEndpointFailedException;

/**
 * What a failure of a route's making says to an admin ({@code lastError}, the log). Camel's "failed to create route"
 * quotes the whole route, every processor as its {@code toString()}: the hub's and the plugin's class and lambda
 * names, which say nothing to an admin and are the stack's details an answer must not carry. So it is written as the
 * route's id and its cause; an endpoint that was not made by its cause (Camel's words quote the endpoint's whole URI);
 * a failure of the hub's database by what it was, not the database's words (its SQL, tables and columns stay in the
 * hub's log, see {@link #storage}); every other failure as its message.
 */
public final class CamelFailures {

    private CamelFailures() {
    }

    /** What an admin reads of a failure of the hub's database. */
    public static final String STORAGE = "the hub's database refused it; the hub's log has the details";

    /** The failure's words: its message (or its class's name without one), a route that was not made by its cause. */
    public static String message(Throwable t) {
        if (t instanceof FailedToCreateRouteException f && f.getCause() != null) {
            return "route " + f.getRouteId() + " could not be made: " + message(f.getCause());
        }
        if (t instanceof ResolveEndpointFailedException r && r.getCause() != null) {
            return "an endpoint could not be made: " + message(r.getCause());
        }
        if (storage(t)) {
            return STORAGE;
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }

    /** As {@link #message}, with the failure's class name in front (a plugin's own exception says what it was). */
    public static String described(Throwable t) {
        if (t instanceof FailedToCreateRouteException && t.getCause() != null
            || t instanceof ResolveEndpointFailedException && t.getCause() != null || storage(t)) {
            return message(t);
        }
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    /**
     * Whether {@code t} is, or was caused by, a failure of a database (its words carry the SQL statement, the tables
     * and columns, the driver's error code): the caller logs it whole and answers {@link #STORAGE}.
     */
    public static boolean storage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLException) {
                return true;
            }
        }
        return false;
    }
}
