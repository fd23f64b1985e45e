package de.datenhafen.core.plugin;

import de.datenhafen.api.HubException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * At start, before anything is loaded: the archives in the plugins folder that are of an installed plugin but are
 * not the archive the hub installed for it (after an upgrade, the plugins the new distribution ships). One is taken
 * over as the plugin's upgrade when, and only when, an upload of it would be admitted (the same inspection, and its
 * owner's or the trusted signer's signature or the allow-list), its version is newer than the installed one (semantic
 * versioning, as PF4J compares) and this hub offers the API it requires. An older or equal version never is: copying
 * an older signed archive into the folder does not put it back. What the plugin has stays, since it belongs to its
 * id: enabled or not, its integrations, its data and schema (its new migrations run at its first use of the database,
 * as after an upload).
 *
 * <p>The installed archive's row is replaced in one transaction ({@link InstalledArchives#takeOver}): of nodes on one
 * PostgreSQL database that start at once with the same newer archive, one takes it over and is audited; the others
 * find it installed and load it as any installed archive.
 */
final class ArchiveTakeovers {

    /**
     * What becomes of the archive {@code archive}: loaded as installed ({@code load}, with {@code admittedBy}), or
     * not loaded ({@code state} and {@code reason}, as the admin API shows it).
     */
    record Decision(PluginArchive archive, boolean load, PluginAdmission admittedBy, String state,
                    String reason) {
    }

    /**
     * The decisions by file, and the files of installed archives that were replaced (still in the folder: the hub
     * removes them as an admin's delete would).
     */
    record Result(Map<Path, Decision> decisions, Set<Path> replaced, List<PluginTakeover> takeovers) {
    }

    private final Path pluginsDir;
    private final ArchiveInspector inspector;
    private final InstalledArchives installed;
    private final SignatureCheck signatures;
    private final BiFunction<String, String, String> ownerOf;

    ArchiveTakeovers(Path pluginsDir, ArchiveInspector inspector, InstalledArchives installed,
                     SignatureCheck signatures, BiFunction<String, String, String> ownerOf) {
        this.pluginsDir = pluginsDir;
        this.inspector = inspector;
        this.installed = installed;
        this.signatures = signatures;
        this.ownerOf = ownerOf;
    }

    /**
     * Decides for each file of {@code files} that is of an installed plugin but not its installed archive; takes the
     * chosen ones over in the database. A taken-over plugin's installed archive is removed from {@code recorded}.
     */
    Result decide(List<Path> files, Map<String, InstalledArchives.Installed> recorded) {
        Map<String, InstalledArchives.Installed> installedById = new LinkedHashMap<>();
        recorded.values().forEach(r -> installedById.putIfAbsent(r.pluginId(), r));
        Map<String, List<PluginArchive>> candidates = new TreeMap<>();
        for (Path file : files) {
            PluginArchive archive = candidate(file, recorded, installedById);
            if (archive != null) {
                candidates.computeIfAbsent(archive.id(), k -> new ArrayList<>()).add(archive);
            }
        }
        Map<Path, Decision> decisions = new LinkedHashMap<>();
        Set<Path> replaced = new HashSet<>();
        List<PluginTakeover> takeovers = new ArrayList<>();
        candidates.forEach((id, archives) -> {
            InstalledArchives.Installed old = installedById.get(id);
            // the newest first: of two newer archives the newest admitted one is taken, the other is not newer then
            archives.sort((a, b) -> inspector.compareVersions(b.version(), a.version()));
            String installedVersion = versionOf(old);
            String installedFile = old.fileName();
            for (PluginArchive archive : archives) {
                String owner = ownerOf.apply(id, archive.provider());
                Path installedPath = pluginsDir.resolve(installedFile);
                // an archive whose bytes the database keeps is fetched back after the takeovers (PluginHost)
                String absent = Files.isRegularFile(installedPath) || old.storedBytes() != null ? ""
                    : "; the installed archive is not in the "
                    + "plugins folder either, so the plugin is not loaded until an archive the hub takes over is there "
                    + "at a start, or an admin installs one";
                Judged judged = judge(archive, owner, installedVersion, installedFile, absent);
                PluginTakeover outcome = judged.takeover();
                if (outcome.taken() && !installed.takeOver(old, archive)) {
                    Decision elsewhere = takenElsewhere(archive);
                    decisions.put(archive.path(), elsewhere);
                    if (elsewhere.load()) {
                        recorded.remove(installedFile);
                    }
                    continue;
                }
                takeovers.add(outcome);
                if (outcome.taken()) {
                    decisions.put(archive.path(), new Decision(archive, true, judged.admission(), null, null));
                    recorded.remove(installedFile);
                    Path oldFile = pluginsDir.resolve(installedFile);
                    if (Files.exists(oldFile)) {
                        replaced.add(oldFile);
                    }
                    installedVersion = archive.version();
                    installedFile = archive.path().getFileName().toString();
                } else {
                    if (!absent.isEmpty()) {
                        // kept, not forgotten as a file gone from the folder: the guard on versions holds at the next
                        // start too, and an archive refused now (a key not trusted yet) is taken over once it passes
                        recorded.remove(installedFile);
                    }
                    String state = outcome.outcome() == PluginTakeover.NOT_NEWER ? PluginHost.IGNORED
                        : PluginHost.REFUSED;
                    decisions.put(archive.path(), new Decision(archive, false, null, state, "not loaded: kept "
                        + (installedVersion == null ? "the installed version" : installedVersion) + " ("
                        + installedFile + ") because " + outcome.detail()));
                }
            }
        });
        return new Result(decisions, replaced, takeovers);
    }

    /**
     * The archive at {@code file} if it is of an installed plugin and not its installed archive; null for anything
     * else, which loads or is reported as before: installed archives, a file of an installed archive's name whose
     * bytes changed (changed in place: reported as changed, not taken for an upgrade, whose file names carry their
     * version), archives of no installed plugin, files that are no plugin archive.
     */
    private PluginArchive candidate(Path file, Map<String, InstalledArchives.Installed> recorded,
                                    Map<String, InstalledArchives.Installed> installedById) {
        String name = file.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (!lower.endsWith(".zip") && !lower.endsWith(".jar")) {
            return null;
        }
        if (recorded.containsKey(name)) {
            return null;
        }
        try {
            PluginArchive archive = inspector.inspectAnyApi(file);
            InstalledArchives.Installed old = installedById.get(archive.id());
            return old != null && !old.sha256().equals(archive.sha256()) ? archive : null;
        } catch (HubException | UncheckedIOException | IllegalStateException e) {
            return null; // refused or ignored on the ordinary path, with the reason
        }
    }

    /**
     * Whether {@code archive} may replace the installed version, as an upload would be admitted; {@code absent} is
     * added to the reason it may not.
     */
    /** A takeover's outcome, and what admitted the archive when it was taken over. */
    private record Judged(PluginTakeover takeover, PluginAdmission admission) {
    }

    private Judged judge(PluginArchive archive, String owner, String installedVersion, String installedFile,
                         String absent) {
        String file = archive.path().getFileName().toString();
        int outcome;
        String detail;
        PluginAdmission admission = null;
        if (installedVersion == null) {
            outcome = PluginTakeover.NOT_NEWER;
            detail = "the installed archive's version is not known (it was installed before the hub recorded versions, "
                + "and its file name does not tell); install the new archive through the admin API";
        } else if (inspector.compareVersions(archive.version(), installedVersion) <= 0) {
            outcome = PluginTakeover.NOT_NEWER;
            detail = archive.version() + " is not newer than the installed " + installedVersion + ": the hub takes "
                + "over only a newer version at start (to go back to an older one, delete the plugin and install that "
                + "archive through the admin API)";
        } else {
            try {
                inspector.checkApi(archive);
                admission = signatures.verify(archive, owner);
                detail = admission.toString();
                outcome = PluginTakeover.TAKEN;
            } catch (HubException e) {
                outcome = PluginTakeover.NOT_ADMITTED;
                detail = e.getMessage();
            }
        }
        return new Judged(new PluginTakeover(archive.id(), owner, installedVersion, installedFile, archive.version(),
            file, outcome, outcome == PluginTakeover.TAKEN ? detail : detail + absent), admission);
    }

    /**
     * Another node replaced the installed archive first (nodes starting at once): the archive is loaded as installed
     * if that node installed the same one.
     */
    private Decision takenElsewhere(PluginArchive archive) {
        String name = archive.path().getFileName().toString();
        InstalledArchives.Installed now = installed.all().get(name);
        if (now != null && now.sha256().equals(archive.sha256())) {
            return new Decision(archive, true, null, null, null);
        }
        return new Decision(archive, false, null, PluginHost.IGNORED, "not loaded: another node changed the "
            + "installed archive of plugin " + archive.id() + " while this one started; restart this node");
    }

    /**
     * The installed archive's version: as recorded; for one installed before versions were, read from the archive if
     * it is still in the folder, else from its file name: {@code <id>-<version>.zip} (or {@code .jar}) as an upload
     * names it, or with a prefix ending in a dash, as the distribution names the shipped plugins
     * ({@code plugin-transit-0.1.0.zip}). Null if none of these tells.
     */
    private String versionOf(InstalledArchives.Installed old) {
        if (old.version() != null) {
            return old.version();
        }
        Path file = pluginsDir.resolve(old.fileName());
        try {
            if (Files.isRegularFile(file)) {
                PluginArchive archive = inspector.inspectAnyApi(file);
                if (archive.sha256().equals(old.sha256())) {
                    return archive.version();
                }
            }
        } catch (HubException | UncheckedIOException | IllegalStateException e) {
            // no version from the archive; the name may still tell
        }
        return versionInName(old.fileName(), old.pluginId());
    }

    /** The version in {@code fileName} after {@code pluginId} and a dash, if it is one; else null. */
    String versionInName(String fileName, String pluginId) {
        int dot = fileName.lastIndexOf('.');
        String base = dot < 0 ? fileName : fileName.substring(0, dot);
        String marker = pluginId + "-";
        int at = base.lastIndexOf(marker);
        if (at < 0 || at > 0 && base.charAt(at - 1) != '-' || at + marker.length() == base.length()) {
            return null;
        }
        String version = base.substring(at + marker.length());
        try {
            inspector.compareVersions(version, version);
            return version;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
