/**
 * The OGC SensorThings API (1.1, and the 1.0 root) of the air-quality plugin, two services on one HTTP layer and one
 * query engine: {@code airquality-sensorthings} serves the plugin's own tables (Things are rooms, Locations sites, a
 * Datastream per quantity and room, Observations the stored readings), {@code sensorthings-store} a general store
 * that starts empty and keeps what members create ({@link de.datenhafen.plugins.airquality.sta.Store}). The query
 * options are parsed into an expression tree ({@link de.datenhafen.plugins.airquality.sta.Parser}); the entities other
 * than Observations are a graph in memory, filtered there ({@link de.datenhafen.plugins.airquality.sta.Eval}),
 * Observations in SQL ({@link de.datenhafen.plugins.airquality.sta.ObservationSql}), with one meaning for both.
 */
package de.datenhafen.plugins.airquality.sta;
