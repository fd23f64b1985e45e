package de.datenhafen.core.bus;

/**
 * What a log that commits appends in groups has committed since it started: groups and the events in them. Their
 * ratio is the average group size, which follows the load (larger groups cost less per event); the metrics show both
 * ({@code datenhafen_bus_groups_total}, {@code datenhafen_bus_events_total}).
 */
public interface GroupCommits {

    /** Groups committed since start. */
    long groupsCommitted();

    /** Events stored by those groups (duplicates left out). */
    long eventsCommitted();
}
