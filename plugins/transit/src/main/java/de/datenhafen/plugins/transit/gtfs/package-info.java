/**
 * Reading GTFS Schedule: a streaming CSV reader, problems with file, line and column, and the importer that turns a
 * zip into an immutable {@link de.datenhafen.plugins.transit.timetable.Timetable}.
 */
package de.datenhafen.plugins.transit.gtfs;
