package de.datenhafen.core.plugin;

import java.util.List;

/**
 * A plugin as the admin API shows it.
 *
 * @param id Plugin-Id, or null for an archive refused before its descriptor could be read
 * @param version Plugin-Version
 * @param provider the member that owns it
 * @param description Plugin-Description
 * @param requires the hub API range it needs
 * @param state {@code started}, {@code disabled}, {@code failed}; for a file of the plugins folder that is not loaded
 *              {@code refused} (it failed inspection) or {@code ignored} (the hub did not install it, or it changed);
 *              {@code deleted} for a deleted plugin whose thread still runs
 * @param error why it failed, was refused or ignored, why the hub disabled it, and any thread of it that would not
 *              stop; else null
 * @param connectors names of the connectors it offers (when started)
 * @param file the archive's file name in the plugins folder
 */
public record PluginView(String id, String version, String provider, String description, String requires,
                         String state, String error, List<String> connectors, String file) {
}
