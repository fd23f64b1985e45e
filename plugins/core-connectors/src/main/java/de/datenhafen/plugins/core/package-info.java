/** The hub's own general-purpose connectors, packaged as a plugin like any member's. */
package de.datenhafen.plugins.core;
