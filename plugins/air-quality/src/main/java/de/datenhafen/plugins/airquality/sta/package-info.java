/**
 * The OGC SensorThings API (1.1, and the 1.0 root) of the air-quality plugin, served by the
 * {@code airquality-sensorthings} connector straight from the plugin's own tables: Things are rooms, Locations are
 * sites, a Datastream per quantity and room, Observations are the stored readings. The query options are parsed
 * into an expression tree ({@link de.datenhafen.plugins.airquality.sta.Parser}); small entity sets are filtered in
 * memory ({@link de.datenhafen.plugins.airquality.sta.Eval}), Observations in SQL
 * ({@link de.datenhafen.plugins.airquality.sta.ObservationSql}), with one meaning for both.
 */
package de.datenhafen.plugins.airquality.sta;
