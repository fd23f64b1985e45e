/**
 * Reading GTFS Schedule: the zip read from its own bytes (what each entry really takes of the archive measured, not
 * taken from its headers), a streaming CSV reader, problems with file, line and column, and the importer that turns a
 * zip into an immutable {@link de.datenhafen.plugins.transit.timetable.Timetable}.
 */
package de.datenhafen.plugins.transit.gtfs;
