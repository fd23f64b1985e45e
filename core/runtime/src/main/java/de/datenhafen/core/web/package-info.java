/**
 * What the hub's web faces share (the console at {@code /console/}, the city's page at {@code /}): assets from the
 * jar and from WebJars, the page shell with its navigation and language switch, texts in German and English, an HTML
 * writer that escapes by construction, and the headers of a strict Content-Security-Policy. Pages are rendered on the
 * server from the same services and rules as the JSON API; ES modules add live parts.
 */
package de.datenhafen.core.web;
