/**
 * Testing plugins against a real hub: {@link de.datenhafen.testkit.HubExtension} starts one in process (random port,
 * temporary data folder, the plugin under test loaded from its archive) and resolves a
 * {@link de.datenhafen.testkit.HubClient} for test methods; {@link de.datenhafen.testkit.PluginArchiveBuilder}
 * assembles plugin archives for tests.
 */
package de.datenhafen.testkit;
