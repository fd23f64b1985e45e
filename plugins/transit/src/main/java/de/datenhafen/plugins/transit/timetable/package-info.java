/**
 * The timetable in memory (columnar, immutable), its service calendar, departure boards across midnight and clock
 * changes, and stop search. Everything here is safe to read from any thread.
 */
package de.datenhafen.plugins.transit.timetable;
