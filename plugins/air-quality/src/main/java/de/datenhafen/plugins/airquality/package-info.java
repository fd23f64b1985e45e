/**
 * The sensor vendor's air-quality plugin: LoRaWAN uplinks (The Things Stack v3, ChirpStack v4, a plain batch form)
 * in over HTTP, MQTT or the simulator, each valid reading an {@code air.reading} event; a registry of sites, rooms
 * and devices; bands, CO2 alerts and projections kept in the plugin's own schema by a bus subscription; a public
 * read API. See the module's README.md.
 */
package de.datenhafen.plugins.airquality;
