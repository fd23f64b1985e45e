/**
 * The Camel host: one Camel context for all integrations, serving plugin HTTP routes on the hub's own Vert.x
 * router, with the {@code bus:} component, hub-owned route ids and lifecycle, per-integration counts, and plugin
 * class loaders set as context class loader around plugin processors.
 */
package de.datenhafen.core.camel;
