/**
 * The HTTP surface on one port: the admin API, the bus API, health, metrics, OpenAPI. Handlers never block an
 * event loop: anything that touches the database or plugin code runs on a worker pool. Errors become JSON
 * {@code {"error", "field"}} in exactly one place, {@link de.datenhafen.core.http.Errors}.
 */
package de.datenhafen.core.http;
