/**
 * The PF4J host: finds, verifies, installs, starts, stops and unloads member plugins. Plugin code runs only on a
 * plugin's own bounded worker pool with the plugin's class loader as context class loader.
 */
package de.datenhafen.core.plugin;
