/**
 * The PF4J host: inspects, installs, unpacks, starts, stops and unloads member plugins. Archives are inspected as
 * they will be unpacked and loaded (both zip directories, limits, process-ending calls) and only archives the hub
 * installed are loaded at start, each only while its member's signature (or the allow-list) admits it; a newer
 * admitted archive of an installed plugin found there at start is taken over as its upgrade, an older one never.
 * The database keeps the installed archives' bytes, from which the other nodes on it fetch them, admitted as uploads.
 * Plugin code runs only on a plugin's own bounded worker pool with the plugin's class loader as context class loader.
 */
package de.datenhafen.core.plugin;
