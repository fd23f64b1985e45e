/**
 * GTFS-Realtime: matching trip updates, vehicle positions and alerts to the timetable, delay propagation, the live
 * state that departure boards read, and change detection for the events.
 */
package de.datenhafen.plugins.transit.realtime;
