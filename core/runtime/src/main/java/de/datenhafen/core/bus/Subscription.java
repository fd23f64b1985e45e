package de.datenhafen.core.bus;

import java.time.Instant;
import java.util.Objects;

/**
 * A subscription as it is stored: a named cursor on the log with a filter.
 *
 * @param name unique name
 * @param filter which events it wants
 * @param cursor the last sequence it has finished with; delivery goes on after it
 * @param created when it was made
 * @param updated when it last changed (cursor or filter)
 */
public record Subscription(String name, EventFilter filter, long cursor, Instant created, Instant updated) {

    public Subscription {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(updated, "updated");
    }

    @Override
    public String toString() {
        return "Subscription{" + name + " " + filter + " cursor=" + cursor + "}";
    }
}
