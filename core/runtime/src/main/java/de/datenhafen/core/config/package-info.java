/** The hub's own configuration: declared once, read from {@code conf/}, overridden by {@code DATENHAFEN_*}. */
package de.datenhafen.core.config;
