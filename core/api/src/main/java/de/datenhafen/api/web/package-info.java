/**
 * HTML for the hub's web pages, for the hub and for plugins that contribute a section to the city's page:
 * {@link de.datenhafen.api.web.Html} escapes every value by construction and cannot write what the pages'
 * Content-Security-Policy forbids.
 *
 * @since 1.2
 */
package de.datenhafen.api.web;
