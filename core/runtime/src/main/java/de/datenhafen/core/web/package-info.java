/**
 * What the hub's web faces share (the console at {@code /console/}, the city's page at {@code /}): assets from the
 * jar and from WebJars, the page shell with its navigation and language switch, texts in German and English, and the
 * headers of a strict Content-Security-Policy. Pages are rendered on the server from the same services and rules as
 * the JSON API; ES modules add live parts. HTML is written with the plugin API's {@link de.datenhafen.api.web.Html},
 * which escapes by construction and which plugins use for their sections too.
 */
package de.datenhafen.core.web;
