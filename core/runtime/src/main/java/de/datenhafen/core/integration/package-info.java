/**
 * Integrations: admin-made instances of a plugin's connector with a config, each a set of Camel routes whose state
 * (running, paused, failed, stopped), counts and last error the hub tracks and keeps across restarts.
 */
package de.datenhafen.core.integration;
