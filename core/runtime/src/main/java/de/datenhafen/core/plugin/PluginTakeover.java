package de.datenhafen.core.plugin;

/**
 * What the hub did at start with an archive in its plugins folder that is of an installed plugin but not the archive
 * it installed for it: took it over as the plugin's upgrade, or kept the installed version, and why. The hub audits
 * each (see {@link PluginHost#onTakeover}).
 *
 * @param pluginId the plugin's id
 * @param owner the owning member's id, or null for none
 * @param installedVersion the installed archive's version (null if not known)
 * @param installedFile the installed archive's file name
 * @param version the archive's version
 * @param file the archive's file name
 * @param outcome as an upload would have been answered: {@code 201} taken over, {@code 409} not newer than the
 *                installed version, {@code 422} not admitted (signature, hub API, inspection)
 * @param detail what admitted it, or why it was not taken over
 */
public record PluginTakeover(String pluginId, String owner, String installedVersion, String installedFile,
                             String version, String file, int outcome, String detail) {

    public static final int TAKEN = 201;
    public static final int NOT_NEWER = 409;
    public static final int NOT_ADMITTED = 422;

    public boolean taken() {
        return outcome == TAKEN;
    }

    /** The one line the log and the audit entry give it. */
    @Override
    public String toString() {
        String installed = (installedVersion == null ? "an unknown version" : installedVersion) + " (" + installedFile
            + ")";
        return taken()
            ? "Plugin " + pluginId + ": taken over from " + installed + " to " + version + " (" + file + "), " + detail
                + "; its state, integrations and data are kept"
            : "Plugin " + pluginId + ": kept " + installed + ", did not take over " + version + " (" + file
                + ") because " + detail;
    }
}
