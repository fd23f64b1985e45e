/**
 * The bus operator's plugin: the {@code gtfs-schedule} and {@code gtfs-realtime} connectors, the per-feed state they
 * share ({@link de.datenhafen.plugins.transit.FeedState}) and the transit API below {@code /api/v1/plugins/transit/}.
 */
package de.datenhafen.plugins.transit;
