package de.datenhafen.core.plugin;

import de.datenhafen.api.ConflictException;
import de.datenhafen.api.Connector;
import de.datenhafen.api.HubException;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.api.RefusedException;
import de.datenhafen.api.RetryableException;
import de.datenhafen.core.config.HubConfig;
import de.datenhafen.core.store.DataFolder;
import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.PluginDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts the member plugins: loads the archives it installed at start, installs uploaded ones without a restart,
 * starts the enabled ones, and stops, unloads and deletes them on request. Enabled/disabled is kept in the
 * database. A plugin that is refused or fails is recorded with its reason; the hub carries on.
 *
 * <p>Only archives the hub installed are loaded: uploaded through the admin API, admitted by SHA-256
 * ({@value ArchiveInspector#ADMITTED_KEY}), or found in the plugins folder at the first start of the data folder (the
 * plugins the admin unpacked with the distribution). Each is recorded by file name and SHA-256; anything else in the
 * plugins folder, or a recorded file whose bytes changed, is reported (log and admin API, state {@code ignored}) and
 * not loaded, with one exception: a newer admitted archive of an installed plugin is taken over at start as that
 * plugin's upgrade (the plugins a new distribution ships; see {@link ArchiveTakeovers}). Zips are unpacked by the hub
 * at every load, under {@link ArchiveInspector#unpack}'s checks.
 *
 * <p>The database keeps each installed archive's bytes ({@link InstalledArchives}), so that the nodes on one database
 * run the same plugins: an installed archive missing from this node's folder (installed, upgraded or kept on another
 * node) is fetched from the database at start and when another node says it changed, and admitted as an upload
 * would be ({@link #archiveChangedElsewhere}).
 *
 * <p>A plugin whose constructor or start was still running when the hub went down (it called {@code System.exit},
 * or hung until the process was killed) starts disabled next time, with the reason in the admin API; see
 * {@link PluginStateStore#startBegins}.
 *
 * <p>Methods block (they wait for plugin code with a time limit) and are serialized; call them from a worker
 * thread, never from an event loop.
 */
public final class PluginHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

    /** States of archives and plugins that are not loaded, as the admin API names them. */
    static final String REFUSED = "refused";
    static final String IGNORED = "ignored";
    static final String DELETED = "deleted";

    /** Names of the calls the boot-loop guard covers. */
    private static final String START = "start";
    private static final String CONSTRUCT = "loading ";

    private final HubConfig config;
    private final Path pluginsDir;
    private final Path dataPluginsDir;
    private final PluginStateStore states;
    private final InstalledArchives installed;
    private final Set<String> admitted;
    private final ArchiveInspector inspector;
    private final HubPluginManager pf4j;
    // Read without the host's lock (integrations look up connectors while a plugin call holds it), written under it.
    private final Map<String, LoadedPlugin> loaded = new ConcurrentSkipListMap<>();
    /** Files of the plugins folder that are not loaded (refused or ignored), by file name. */
    private final Map<String, PluginView> notLoaded = new LinkedHashMap<>();
    /** Deleted plugins whose threads still run, by id, so the admin keeps seeing them. */
    private final Map<String, Leftover> leftovers = new LinkedHashMap<>();
    private final List<PluginListener> listeners = new CopyOnWriteArrayList<>();
    /** One context per loaded plugin: PF4J's factory and the host must hand out the same one. */
    private final Map<String, PluginContextImpl> contexts = new ConcurrentHashMap<>();
    private final PluginDatabases databases;
    private final BiFunction<String, String, String> ownerOf;
    private final SigningKeys signingKeys;
    private final SignatureCheck signatures;
    /** What admitted each plugin at its last check (or why not), by plugin id, for the console and the API. */
    private final Map<String, PluginAdmission> signatureOf = new ConcurrentHashMap<>();
    private final ArchiveTakeovers takeovers;
    private volatile Consumer<PluginTakeover> takeoverAudit = t -> { };
    /** Plugins whose installed archive this node recorded, replaced or kept the bytes of at start: told to the others. */
    private final Set<String> changedAtStart = new HashSet<>();
    /**
     * Whether {@link #loadAll} began: a change notice read before (the notices are read from the hub's start on) is
     * left to it, as it reads the database afterwards.
     */
    private boolean loading;
    /** Files of installed archives this node refused to fetch from the database, by plugin id (see below). */
    private final Map<String, String> refusedFetches = new LinkedHashMap<>();

    /** What the admin still sees of a deleted plugin whose thread would not stop. */
    private record Leftover(PluginView view, List<LoadedPlugin.StuckCall> calls) {
    }

    /**
     * @param ownerOf the owning member's id of a plugin, from its id and its descriptor's provider (null for none)
     * @param nodeId this hub process's node id (plugins' database logins are per node)
     */
    public PluginHost(HubConfig config, Database db, BiFunction<String, String, String> ownerOf, String nodeId) {
        this.config = config;
        this.ownerOf = ownerOf;
        this.pluginsDir = config.pluginsDir();
        this.dataPluginsDir = config.dataDir().resolve("plugins");
        this.states = new PluginStateStore(db, nodeId);
        this.installed = new InstalledArchives(db, config.maxPluginSize());
        this.admitted = config.pluginAdmitted();
        this.inspector = new ArchiveInspector(config.pluginArchiveLimits(), admitted);
        this.databases = new PluginDatabases(db, config.dbUrl(), nodeId);
        this.signingKeys = new SigningKeys(db);
        this.signatures = new SignatureCheck(config.pluginsRequireSignature(),
            config.pluginsTrustedSigner().orElse(null), config.pluginsTrustedKeys().orElse(null), signingKeys,
            config.pluginArchiveLimits());
        this.takeovers = new ArchiveTakeovers(pluginsDir, inspector, installed, signatures, ownerOf);
        try {
            Files.createDirectories(pluginsDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the plugins folder " + pluginsDir, e);
        }
        this.pf4j = new HubPluginManager(pluginsDir, this::contextFor);
    }

    /** Members' signing keys and the allow-list of unsigned archives. */
    public SigningKeys signingKeys() {
        return signingKeys;
    }

    /** What admitted the plugin at its last check: its signature's member and key, the allow-list, or why not. */
    public Optional<PluginAdmission> signature(String id) {
        return Optional.ofNullable(signatureOf.get(id));
    }

    /** Whether plugin archives must be signed ({@value HubConfig#PLUGINS_REQUIRE_SIGNATURE}). */
    public boolean signaturesRequired() {
        return signatures.required();
    }

    /**
     * Why the signatures this hub checks prove nothing, when a trusted key is one whose private half is public (the
     * repository's test key, as the package ships): for {@code /health/ready}.
     */
    public Optional<String> publicSigningKeyTrusted() {
        return signatures.trustsAPublicKey().map(SignatureCheck::publicKeyTrusted);
    }

    public void addListener(PluginListener listener) {
        listeners.add(listener);
    }

    /**
     * Where {@link #loadAll} reports each archive of an installed plugin it took over at start, or did not take over
     * and why (the hub's audit log). Called on the starting thread, once per archive.
     */
    public void onTakeover(Consumer<PluginTakeover> audit) {
        this.takeoverAudit = audit;
    }

    /**
     * Loads every archive the hub installed and starts those that are enabled (new ones are); reports everything
     * else in the plugins folder. At the first start of a data folder, the archives in the plugins folder are
     * installed (the ones the admin unpacked with the distribution).
     */
    public synchronized void loadAll() {
        loading = true;
        boolean firstStart = !installed.folderTakenOver();
        Map<String, InstalledArchives.Installed> recorded = installed.all();
        List<Path> files = new ArrayList<>();
        List<Path> folders = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(pluginsDir)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (name.startsWith(".upload-")) {
                    ArchiveInspector.deleteQuietly(p); // an upload the hub was receiving when it went down
                } else if (Files.isDirectory(p)) {
                    folders.add(p);
                } else if (!name.startsWith(".")) {
                    files.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the plugins folder " + pluginsDir, e);
        }
        files.sort(Comparator.comparing(Path::toString));
        ArchiveTakeovers.Result taken = firstStart ? new ArchiveTakeovers.Result(Map.of(), Set.of(), List.of())
            : takeovers.decide(files, recorded);
        for (PluginTakeover t : taken.takeovers()) {
            if (t.taken()) {
                LOG.info("{}", t);
                changedAtStart.add(t.pluginId());
            } else {
                LOG.warn("{}", t);
            }
            takeoverAudit.accept(t);
        }
        Map<String, String> fetched = fetchMissing(files, recorded);
        for (Path file : files) {
            String name = file.getFileName().toString();
            ArchiveTakeovers.Decision decision = taken.decisions().get(file);
            if (taken.replaced().contains(file)) {
                // as an admin's delete of the plugin before installing the new version would
                LOG.info("Plugin archive {} was replaced by a newer one; deleting it", ZipReader.quote(name));
                deleteArchiveFile(file);
            } else if (decision == null) {
                loadAtStart(file, recorded.remove(name), firstStart);
            } else if (!decision.load() && IGNORED.equals(decision.state())
                && fetched.containsKey(decision.archive().id())) {
                // an older archive of a plugin upgraded on another node while this one was down (the takeover's guard
                // warned of it above, and never loads it): replaced, as there
                LOG.info("Plugin archive {} was replaced on another node by {}; deleting it", ZipReader.quote(name),
                    fetched.get(decision.archive().id()));
                deleteArchiveFile(file);
            } else {
                recorded.remove(name);
                loadTakenOver(decision);
            }
        }
        recorded.keySet().forEach(name -> {
            LOG.warn("Plugin archive {} was installed but is no longer in the plugins folder; forgetting it", name);
            installed.remove(name);
        });
        Set<Path> unpacked = loaded.values().stream().map(p -> p.archive().loadPath()).collect(Collectors.toSet());
        for (Path folder : folders) {
            if (!unpacked.contains(folder) && Files.isDirectory(folder)) { // not one of a replaced archive
                ignore(folder, "not loaded: a folder the hub did not unpack (plugins are loaded only from archives "
                    + "it installed)");
            }
        }
        installed.markFolderTakenOver();
        removeEmptyDataFolders();
        changedAtStart.forEach(id -> announceArchive(id));
        changedAtStart.clear();
        LOG.info("Plugins: {} loaded, {} started, {} not loaded", loaded.size(),
            loaded.values().stream().filter(p -> p.state().equals(LoadedPlugin.STARTED)).count(), notLoaded.size());
    }

    /** Deletes an archive of the plugins folder that is not loaded, and the folder it was unpacked to, if any. */
    private static void deleteArchiveFile(Path file) {
        ArchiveInspector.deleteQuietly(file);
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
            DataFolder.deleteTree(PluginArchive.unpackFolder(file));
        }
    }

    private void loadAtStart(Path file, InstalledArchives.Installed record, boolean firstStart) {
        String name = file.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (!lower.endsWith(".zip") && !lower.endsWith(".jar")) {
            ignore(file, "not loaded: not a plugin archive (.zip or .jar)");
            return;
        }
        try {
            String sha256 = ArchiveInspector.sha256(file);
            String origin;
            if (record != null && record.sha256().equals(sha256)) {
                origin = record.origin();
                if (record.storedBytes() == null && installed.fillBytes(record, file)) {
                    LOG.info("Plugin archive {}: its bytes are kept in the database now, for the other nodes", name);
                    changedAtStart.add(record.pluginId());
                }
            } else if (record != null) {
                // the folder the hub unpacked it to at an earlier start no longer matches the file either
                DataFolder.deleteTree(PluginArchive.unpackFolder(file));
                ignore(file, "not loaded: the file changed since the hub installed it (SHA-256 " + sha256
                    + ", installed " + record.sha256() + "); install it again through the admin API");
                return;
            } else if (admitted.contains(sha256)) {
                origin = InstalledArchives.ADMITTED;
            } else if (firstStart) {
                origin = InstalledArchives.FIRST_START;
            } else {
                ignore(file, "not loaded: the hub did not install this file (SHA-256 " + sha256 + "); install it "
                    + "through the admin API, or admit it by its SHA-256 (" + ArchiveInspector.ADMITTED_KEY + ")");
                return;
            }
            PluginArchive archive = inspector.inspect(file);
            if (record != null && record.version() == null) {
                installed.noteVersion(name, archive.version()); // recorded before versions were
            }
            loadInstalled(archive, record == null ? origin : null, signatureProblem(archive));
        } catch (HubException | UncheckedIOException | IllegalStateException e) {
            refusedAtStart(name, e);
        }
    }

    private void refusedAtStart(String name, RuntimeException e) {
        LOG.error("Plugin archive {} refused: {}", ZipReader.quote(name), e.getMessage());
        notLoaded.put(name, new PluginView(null, null, null, null, null, REFUSED, e.getMessage(), List.of(), name));
    }

    /** An archive of an installed plugin that {@link ArchiveTakeovers} decided on: loaded as installed, or reported. */
    private void loadTakenOver(ArchiveTakeovers.Decision decision) {
        PluginArchive archive = decision.archive();
        String name = archive.path().getFileName().toString();
        if (!decision.load()) {
            // without its id, as every file that is not loaded: the id names the plugin that runs (connectors, owner)
            notLoaded.put(name, new PluginView(null, null, null, null, null, decision.state(), decision.reason(),
                List.of(), name));
            return;
        }
        if (decision.admittedBy() == null) {
            LOG.info("Plugin {}: {} ({}) was taken over by another node that started at the same time; loading it",
                archive.id(), archive.version(), name);
        }
        try {
            String problem = null;
            if (decision.admittedBy() != null) {
                signatureOf.put(archive.id(), decision.admittedBy()); // checked a moment ago
            } else {
                problem = signatureProblem(archive);
            }
            loadInstalled(archive, null, problem);
        } catch (HubException | UncheckedIOException | IllegalStateException e) {
            refusedAtStart(name, e);
        }
    }

    /**
     * Loads an inspected archive of the plugins folder, recording it if {@code origin} is given, and starts it unless
     * its signature did not pass ({@code signatureProblem}: then it stays disabled with that reason).
     */
    private void loadInstalled(PluginArchive archive, String origin, String signatureProblem) {
        String name = archive.path().getFileName().toString();
        if (!name.toLowerCase(Locale.ROOT).endsWith("." + archive.kind())) {
            throw new RefusedException("a " + archive.kind() + " plugin must be named ." + archive.kind(), "archive");
        }
        if (loaded.containsKey(archive.id())) {
            throw new ConflictException("plugin " + archive.id() + " is also in "
                + loaded.get(archive.id()).archive().path().getFileName() + "; only the first is loaded",
                "Plugin-Id");
        }
        checkIdIsFree(archive.id());
        unpack(archive);
        LoadedPlugin plugin;
        try {
            plugin = load(archive);
        } catch (RuntimeException e) {
            removeUnpacked(archive);
            throw e;
        }
        try {
            databases.claimSchema(archive.id());
            if (origin != null) {
                installed.record(archive, origin);
                changedAtStart.add(archive.id());
                LOG.info("Plugin archive {} installed ({}, SHA-256 {})", name, origin, archive.sha256());
            }
        } catch (RuntimeException e) {
            unload(plugin);
            removeUnpacked(archive);
            throw e;
        }
        if (signatureProblem != null) {
            plugin.disabled("disabled by the hub: " + signatureProblem);
            LOG.error("Plugin {} {}", plugin.id(), plugin.error());
            return;
        }
        startOrKeepDisabled(plugin);
    }

    /** Why the archive's signature does not admit it (see {@link SignatureCheck}), or null if it does. */
    private String signatureProblem(PluginArchive archive) {
        try {
            signatureOf.put(archive.id(), signatures.verify(archive, ownerOf.apply(archive.id(), archive.provider())));
            return null;
        } catch (RefusedException e) {
            signatureOf.put(archive.id(), PluginAdmission.refused(e.getMessage()));
            return e.getMessage();
        }
    }

    /** At start: a plugin whose last start never finished starts disabled; else as the admin left it. */
    private void startOrKeepDisabled(LoadedPlugin plugin) {
        Optional<PluginStateStore.State> state = states.state(plugin.id());
        Instant began = state.map(PluginStateStore.State::startBeganAt).orElse(null);
        if (began != null) {
            String reason = "disabled by the hub: its last start (begun " + began + ") did not finish before the hub "
                + "went down, so it may be what ended the hub (System.exit, a crash, a start that never returned); "
                + "enable it to try again";
            states.disableBecause(plugin.id(), reason);
            plugin.disabled(reason);
            LOG.error("Plugin {} {}", plugin.id(), reason);
        } else if (state.map(PluginStateStore.State::enabled).orElse(true)) {
            start(plugin);
        } else {
            plugin.disabled(state.get().disabledReason());
            LOG.info("Plugin {} {} ({}) is disabled", plugin.id(), plugin.archive().version(), plugin.member());
        }
    }

    private void ignore(Path path, String reason) {
        String name = path.getFileName().toString();
        LOG.warn("Plugins folder: {} {}", ZipReader.quote(name), reason);
        notLoaded.put(name, new PluginView(null, null, null, null, null, IGNORED, reason, List.of(), name));
    }

    /**
     * Installs the archive at {@code upload} (a file in any folder; it is moved, or deleted if refused). The plugin
     * is loaded and, if {@code enable}, started. Either all of this happens or nothing remains of it.
     */
    public synchronized PluginView install(Path upload, boolean enable) {
        return install(upload, enable, null);
    }

    /** The id of the member that owns {@code plugin} (assigned, or named by its descriptor), or null for none. */
    public String ownerOf(LoadedPlugin plugin) {
        return ownerOf.apply(plugin.id(), plugin.member());
    }

    /**
     * {@link #install(Path, boolean)} of a plugin that {@code owner} (a member id) will own, or its provider if null:
     * the signature must be the owner's or the trusted signer's (see {@link SignatureCheck}).
     */
    public synchronized PluginView install(Path upload, boolean enable, String owner) {
        PluginArchive inspected;
        Path target;
        PluginAdmission admittedBy;
        try {
            inspected = inspector.inspect(upload);
            admittedBy = signatures.verify(inspected, owner != null ? owner
                : ownerOf.apply(inspected.id(), inspected.provider()));
            if (loaded.containsKey(inspected.id())) {
                LoadedPlugin existing = loaded.get(inspected.id());
                throw new ConflictException("plugin " + inspected.id() + " is already installed (version "
                    + existing.archive().version() + "); delete it first to install version " + inspected.version(),
                    "Plugin-Id");
            }
            checkIdIsFree(inspected.id());
            target = pluginsDir.resolve(inspected.canonicalFileName());
            if (Files.exists(target)) {
                throw new ConflictException("a file named " + target.getFileName()
                    + " is already in the plugins folder", "Plugin-Id");
            }
            Files.move(upload, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            ArchiveInspector.deleteQuietly(upload);
            throw new UncheckedIOException("cannot store the plugin archive", e);
        } catch (RuntimeException e) {
            ArchiveInspector.deleteQuietly(upload);
            throw e;
        }
        PluginArchive archive = inspected.at(target);
        LoadedPlugin plugin;
        boolean hadDataFolder = Files.exists(dataFolder(archive.id()));
        boolean hadState = states.state(archive.id()).isPresent();
        try {
            unpack(archive);
            plugin = load(archive);
            construct(plugin);
        } catch (RuntimeException e) {
            removeFiles(archive);
            if (!hadDataFolder) {
                removeIfEmpty(dataFolder(archive.id()));
            }
            if (!hadState) {
                states.delete(archive.id());
            }
            throw e;
        }
        try {
            databases.claimSchema(plugin.id());
            installed.record(archive, InstalledArchives.UPLOAD); // with its bytes, for the other nodes
        } catch (RuntimeException e) {
            unload(plugin);
            removeFiles(archive);
            if (!hadState) {
                states.delete(archive.id());
            }
            throw e;
        }
        signatureOf.put(plugin.id(), admittedBy);
        states.setEnabled(plugin.id(), enable);
        refusedFetches.remove(plugin.id());
        announceArchive(plugin.id());
        notLoaded.remove(target.getFileName().toString());
        leftovers.remove(plugin.id());
        LOG.info("Plugin {} {} ({}) installed from {} (SHA-256 {})", plugin.id(), archive.version(), plugin.member(),
            target.getFileName(), archive.sha256());
        if (enable) {
            start(plugin);
            if (!plugin.state().equals(LoadedPlugin.STARTED)) {
                // "Install and enable" is one request: an admin (or a deploy script with curl --fail) reads a 2xx as
                // "it runs". So a start that fails answers 422 and keeps nothing, as a refused archive does, and the
                // same request can be sent again with a fixed archive (a kept, failed plugin would make that a 409
                // "already installed"). To keep a plugin that does not start, e.g. to look at it, install it without
                // enable=true and then enable it.
                String reason = view(plugin).error();
                delete(plugin.id());
                throw new RefusedException("plugin " + archive.id() + " " + archive.version() + " did not start, so it "
                    + "was not installed: " + reason, "archive");
            }
        }
        return view(plugin);
    }

    /** The kind of change notice a plugin's enable or disable leaves for the other nodes. */
    public static final String CHANGE = "plugin";
    /** The kind of change notice an install, upgrade (a takeover at start) or delete of a plugin's archive leaves. */
    public static final String ARCHIVE_CHANGE = "plugin-archive";
    private volatile de.datenhafen.core.node.Changes changes;

    /**
     * Shares plugin changes with the other nodes on the database: an enable or disable made on one node starts or
     * stops the plugin on the others; an archive installed, upgraded or deleted on one is fetched from the database
     * (admitted as an upload would be), replaced or deleted on the others ({@link #archiveChangedElsewhere}).
     */
    public void shareChanges(de.datenhafen.core.node.Changes changes) {
        this.changes = changes;
        changes.on(CHANGE, this::changedElsewhere);
        changes.on(ARCHIVE_CHANGE, this::archiveChangedElsewhere);
    }

    private void announce(String id) {
        announce(CHANGE, id);
    }

    private void announceArchive(String id) {
        announce(ARCHIVE_CHANGE, id);
    }

    private void announce(String kind, String id) {
        de.datenhafen.core.node.Changes c = changes;
        if (c != null) {
            c.announce(kind, id);
        }
    }

    /** Another node enabled or disabled the plugin: this node follows the stored state. */
    public synchronized void changedElsewhere(String id) {
        LoadedPlugin plugin = loaded.get(id);
        Optional<PluginStateStore.State> state = states.state(id);
        if (plugin == null) {
            if (state.isPresent()) {
                archiveChangedElsewhere(id); // installed there, not fetched here yet
            }
            return;
        }
        boolean enabled = state.map(PluginStateStore.State::enabled).orElse(false);
        if (enabled && !plugin.state().equals(LoadedPlugin.STARTED)) {
            LOG.info("Plugin {} enabled on another node: starting it here", id);
            start(plugin);
        } else if (!enabled && plugin.state().equals(LoadedPlugin.STARTED)) {
            LOG.info("Plugin {} {} on another node: stopping it here", id, state.isPresent() ? "disabled" : "deleted");
            stop(plugin);
            plugin.disabled();
        }
    }

    /**
     * Another node installed, upgraded or deleted the archive of plugin {@code id}: this node follows the database.
     * A new archive is fetched from it and admitted as an upload would be (its SHA-256 against the row, the same
     * inspection, the owner's or the trusted signer's signature or the allow-list): a row is not trusted more than
     * an upload. Only then does a running older version stop and go, and the new one load and start as its stored
     * state says. A refusal leaves this node as it was, says why in a WARN and lists the archive as {@code refused}.
     * Called on the change notices' thread.
     */
    public synchronized void archiveChangedElsewhere(String id) {
        if (!loading) {
            return;
        }
        InstalledArchives.Installed row = installed.all().values().stream()
            .filter(r -> r.pluginId().equals(id)).findFirst().orElse(null);
        LoadedPlugin plugin = loaded.get(id);
        if (row == null) {
            forgetRefusedFetch(id);
            if (plugin != null) {
                LOG.info("Plugin {} was deleted on another node: deleting it here", id);
                removeHere(plugin, "deleted on another node");
            }
            return;
        }
        if (plugin != null && plugin.archive().sha256().equals(row.sha256())) {
            changedElsewhere(id); // the same archive: only its state may have changed
            return;
        }
        Fetched fetched;
        try {
            fetched = fetch(row, plugin);
        } catch (HubException | UncheckedIOException | IllegalStateException e) {
            refusedFetch(row, e);
            return;
        }
        if (plugin != null) {
            LOG.info("Plugin {} {} was replaced on another node by {} ({}): replacing it here", id,
                plugin.archive().version(), fetched.archive().version(), row.fileName());
            removeHere(plugin, "replaced on another node by " + fetched.archive().version());
        }
        loadFetched(fetched);
    }

    /** An archive fetched from the database and admitted, still at a hidden temporary name in the plugins folder. */
    private record Fetched(PluginArchive archive, Path target, PluginAdmission admittedBy) {
    }

    /** A file name the hub could have written: no folder, no leading dot, a plugin archive's extension. */
    private static final java.util.regex.Pattern ARCHIVE_NAME =
        java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,200}\\.(zip|jar)");

    /**
     * Fetches the archive of {@code row} into the plugins folder under a temporary name and admits it as an upload
     * ({@code replacing}: the loaded plugin whose file it may replace, or null).
     */
    private Fetched fetch(InstalledArchives.Installed row, LoadedPlugin replacing) {
        String name = row.fileName();
        if (!ARCHIVE_NAME.matcher(name).matches() || name.contains("..")) {
            throw new RefusedException("the installed archive's file name " + ZipReader.quote(name) + " in the "
                + "database is not one the hub writes", "archive");
        }
        Path target = pluginsDir.resolve(name);
        if (Files.exists(target) && (replacing == null || !replacing.archive().path().equals(target))) {
            throw new ConflictException("a file named " + name + " that is not the installed archive is already in "
                + "this node's plugins folder; move it away", "archive");
        }
        Path temporary = pluginsDir.resolve(".upload-" + java.util.UUID.randomUUID() + ".tmp");
        try {
            installed.fetch(row, temporary);
            PluginArchive archive = inspector.inspect(temporary);
            if (!archive.id().equals(row.pluginId()) || !archive.sha256().equals(row.sha256())
                || !name.toLowerCase(Locale.ROOT).endsWith("." + archive.kind())) {
                throw new RefusedException("the archive in the database is plugin " + archive.id() + " ("
                    + archive.kind() + "), not the " + row.pluginId() + " its row names as " + name, "archive");
            }
            return new Fetched(archive, target, signatures.verify(archive, ownerOf.apply(archive.id(),
                archive.provider())));
        } catch (RuntimeException e) {
            ArchiveInspector.deleteQuietly(temporary);
            throw e;
        }
    }

    /** Moves a fetched archive to its name in the plugins folder, then loads and starts it as its state says. */
    private void loadFetched(Fetched fetched) {
        PluginArchive archive;
        try {
            Files.move(fetched.archive().path(), fetched.target(), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
            archive = fetched.archive().at(fetched.target());
        } catch (IOException e) {
            ArchiveInspector.deleteQuietly(fetched.archive().path());
            refusedAtStart(fetched.target().getFileName().toString(), new UncheckedIOException(e));
            return;
        }
        forgetRefusedFetch(archive.id());
        notLoaded.remove(fetched.target().getFileName().toString());
        LOG.info("Plugin {} {}: archive {} fetched from the database (SHA-256 {}, {})", archive.id(),
            archive.version(), fetched.target().getFileName(), archive.sha256(), fetched.admittedBy());
        signatureOf.put(archive.id(), fetched.admittedBy());
        try {
            loadInstalled(archive, null, null);
        } catch (HubException | UncheckedIOException | IllegalStateException e) {
            removeFiles(archive);
            refusedAtStart(fetched.target().getFileName().toString(), e);
        }
    }

    /** Why this node did not take an installed archive from the database: in its log and in the admin API. */
    private void refusedFetch(InstalledArchives.Installed row, RuntimeException e) {
        String reason = "not fetched from the database: " + e.getMessage();
        LOG.warn("Plugin {}: installed archive {} refused on this node: {}", row.pluginId(),
            ZipReader.quote(row.fileName()), e.getMessage());
        forgetRefusedFetch(row.pluginId());
        refusedFetches.put(row.pluginId(), row.fileName());
        notLoaded.put(row.fileName(), new PluginView(null, null, null, null, null, REFUSED, reason, List.of(),
            row.fileName()));
    }

    private void forgetRefusedFetch(String id) {
        String file = refusedFetches.remove(id);
        if (file != null) {
            notLoaded.remove(file);
        }
    }

    /**
     * At start, after the takeovers: fetches each installed archive that is not in the plugins folder but whose bytes
     * the database keeps (installed or upgraded on another node, or a folder replaced by a new distribution's), adds
     * it to {@code files} and {@code recorded}. One that is refused stays installed for the other nodes and is listed
     * as refused here.
     *
     * @return the file names fetched, by plugin id
     */
    private Map<String, String> fetchMissing(List<Path> files, Map<String, InstalledArchives.Installed> recorded) {
        Map<String, String> fetched = new LinkedHashMap<>();
        Set<Path> present = new HashSet<>(files);
        for (InstalledArchives.Installed row : installed.all().values()) {
            Path target = pluginsDir.resolve(row.fileName());
            if (row.storedBytes() == null || present.contains(target) || Files.exists(target)) {
                continue;
            }
            try {
                Fetched f = fetch(row, null);
                Files.move(f.archive().path(), f.target(), StandardCopyOption.ATOMIC_MOVE);
                LOG.info("Plugin {} {}: archive {} fetched from the database (SHA-256 {})", row.pluginId(),
                    f.archive().version(), row.fileName(), row.sha256());
                files.add(f.target());
                recorded.put(row.fileName(), row);
                fetched.put(row.pluginId(), row.fileName());
            } catch (HubException | UncheckedIOException | IllegalStateException | IOException e) {
                recorded.remove(row.fileName()); // not forgotten: installed on the other nodes
                refusedFetch(row, e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e);
            }
        }
        files.sort(Comparator.comparing(Path::toString));
        return fetched;
    }

    /** Stops, unloads and removes a plugin here that another node deleted or replaced (the database is done). */
    private void removeHere(LoadedPlugin plugin, String what) {
        if (plugin.state().equals(LoadedPlugin.STARTED)) {
            stop(plugin);
        }
        unload(plugin);
        removeFiles(plugin.archive());
        removeIfEmpty(dataFolder(plugin.id()));
        signatureOf.remove(plugin.id());
        keepIfStuck(plugin, what);
    }

    public synchronized PluginView enable(String id) {
        LoadedPlugin plugin = require(id);
        if (!plugin.state().equals(LoadedPlugin.STARTED)) {
            // a key revoked or an allow-list entry removed since the start counts now: 422, and nothing changes
            signatureOf.put(id, signatures.verify(plugin.archive(), ownerOf.apply(plugin.id(),
                plugin.archive().provider())));
        }
        states.setEnabled(id, true);
        announce(id);
        if (!plugin.state().equals(LoadedPlugin.STARTED)) {
            start(plugin);
        }
        return view(plugin);
    }

    public synchronized PluginView disable(String id) {
        LoadedPlugin plugin = require(id);
        states.setEnabled(id, false);
        announce(id);
        if (plugin.state().equals(LoadedPlugin.STARTED)) {
            stop(plugin);
        }
        plugin.disabled();
        LOG.info("Plugin {} disabled", id);
        return view(plugin);
    }

    /**
     * Stops the plugin's integrations and the plugin, unloads it, releases its class loader and deletes its files.
     * A thread of it that would not stop runs on (nothing stops a thread safely); the admin sees it as a
     * {@code deleted} plugin until it ends.
     */
    public synchronized void delete(String id) {
        LoadedPlugin plugin = require(id);
        if (plugin.state().equals(LoadedPlugin.STARTED)) {
            stop(plugin);
        }
        unload(plugin);
        removeFiles(plugin.archive());
        removeIfEmpty(dataFolder(id));
        installed.remove(plugin.archive().path().getFileName().toString());
        states.delete(id);
        announceArchive(id);
        if (!keepIfStuck(plugin, "deleted")) {
            LOG.info("Plugin {} deleted", id);
        }
    }

    /** After a plugin is unloaded: if a thread of it still runs, keeps it in view; says whether one does. */
    private boolean keepIfStuck(LoadedPlugin plugin, String what) {
        List<LoadedPlugin.StuckCall> stuck = plugin.stuckCalls();
        if (stuck.isEmpty()) {
            return false;
        }
        PluginView was = view(plugin);
        leftovers.put(plugin.id(), new Leftover(new PluginView(was.id(), was.version(), was.provider(),
            was.description(), was.requires(), DELETED, what, List.of(), was.file()), stuck));
        LOG.error("Plugin {} {}, but {}; it runs until the hub stops", plugin.id(), what, threads(stuck));
        return true;
    }

    public synchronized List<PluginView> list() {
        List<PluginView> out = new ArrayList<>();
        loaded.values().forEach(p -> out.add(view(p)));
        out.addAll(notLoaded.values());
        out.addAll(leftoverViews().values());
        return out;
    }

    public synchronized PluginView get(String id) {
        LoadedPlugin plugin = loaded.get(id);
        if (plugin == null && leftoverViews().containsKey(id)) {
            return leftoverViews().get(id);
        }
        return view(require(id));
    }

    public Optional<LoadedPlugin> plugin(String id) {
        return Optional.ofNullable(loaded.get(id));
    }

    /** The started plugin offering a connector of this name, if any. */
    public Optional<LoadedPlugin> pluginOffering(String connectorName) {
        return loaded.values().stream()
            .filter(p -> p.connectors().stream().anyMatch(c -> c.name().equals(connectorName)))
            .findFirst();
    }

    /** Every plugin that is enabled but not started (failed), for readiness. */
    public Map<String, String> enabledButNotStarted() {
        Map<String, String> out = new LinkedHashMap<>();
        for (LoadedPlugin p : loaded.values()) {
            if (!p.state().equals(LoadedPlugin.STARTED) && states.enabled(p.id()).orElse(true)
                && !neverAdmitted(p.id())) {
                String error = error(p);
                out.put(p.id(), error == null ? p.state() : error);
            }
        }
        return out;
    }

    /**
     * The plugins of the folder the hub refused (their signature, an unknown key) that no admin of this database ever
     * enabled (their error says why): an archive left from an earlier life of the hub (a data folder deleted to begin anew) made the
     * new hub never ready, though nobody had asked it to run there.
     */
    public List<String> notAdmitted() {
        return loaded.values().stream().filter(p -> !p.state().equals(LoadedPlugin.STARTED) && neverAdmitted(p.id()))
            .map(LoadedPlugin::id).toList();
    }

    /** Refused at admission, and never enabled or disabled by anyone in this database. */
    private boolean neverAdmitted(String id) {
        PluginAdmission a = signatureOf.get(id);
        return a != null && a.kind() == PluginAdmission.Kind.REFUSED && states.enabled(id).isEmpty();
    }

    private PluginView view(LoadedPlugin p) {
        PluginArchive a = p.archive();
        return new PluginView(a.id(), a.version(), a.provider(), a.description(), a.requires(), p.state(),
            error(p), p.connectors().stream().map(Connector::name).toList(), a.path().getFileName().toString());
    }

    /** The plugin's error, and any thread of it that would not stop. */
    private static String error(LoadedPlugin p) {
        List<LoadedPlugin.StuckCall> stuck = p.stuckCalls();
        if (stuck.isEmpty()) {
            return p.error();
        }
        return (p.error() == null ? "" : p.error() + "; ") + describe(stuck);
    }

    private static String describe(List<LoadedPlugin.StuckCall> stuck) {
        boolean starting = stuck.stream().anyMatch(c -> c.what().equals(START) || c.what().startsWith(CONSTRUCT));
        return threads(stuck) + (starting ? " (the hub starts the plugin disabled next time)" : "");
    }

    private static String threads(List<LoadedPlugin.StuckCall> stuck) {
        return stuck.stream().map(Object::toString).collect(Collectors.joining(", "));
    }

    private Map<String, PluginView> leftoverViews() {
        Map<String, PluginView> out = new LinkedHashMap<>();
        leftovers.entrySet().removeIf(e -> e.getValue().calls().stream().noneMatch(LoadedPlugin.StuckCall::running));
        leftovers.forEach((id, l) -> {
            List<LoadedPlugin.StuckCall> running = l.calls().stream().filter(LoadedPlugin.StuckCall::running).toList();
            PluginView v = l.view();
            out.put(id, new PluginView(v.id(), v.version(), v.provider(), v.description(), v.requires(), v.state(),
                v.error() + ", but " + threads(running) + "; it runs until the hub stops", List.of(), v.file()));
        });
        return out;
    }

    private LoadedPlugin require(String id) {
        LoadedPlugin plugin = loaded.get(id);
        if (plugin == null) {
            throw new NotFoundException("no plugin with id '" + id + "' is installed", "id");
        }
        return plugin;
    }

    /** What a forgotten node leaves behind of the plugins' databases (its login roles on PostgreSQL), removed. */
    public List<String> forgetNode(String node) {
        return databases.dropLoginsOf(node);
    }

    /** Refuses an id whose database schema belongs to another plugin (see {@link PluginDatabases#checkSchemaFree}). */
    private void checkIdIsFree(String id) {
        String schema = PluginDatabases.schemaOf(id);
        for (LoadedPlugin other : loaded.values()) {
            if (!other.id().equals(id) && PluginDatabases.schemaOf(other.id()).equals(schema)) {
                throw new ConflictException("plugin id '" + id + "' maps to database schema " + schema
                    + ", which belongs to plugin " + other.id() + "; choose another Plugin-Id", "Plugin-Id");
            }
        }
        databases.checkSchemaFree(id);
    }

    /** A zip plugin is unpacked afresh at every load: its folder holds exactly what the inspected archive holds. */
    private void unpack(PluginArchive archive) {
        if (!archive.kind().equals("zip")) {
            return;
        }
        for (LoadedPlugin other : loaded.values()) {
            if (other.archive().loadPath().equals(archive.loadPath())) {
                throw new ConflictException("plugin " + archive.id() + " would be unpacked into "
                    + archive.loadPath().getFileName() + ", the folder of plugin " + other.id(), "archive");
            }
        }
        DataFolder.deleteTree(archive.loadPath());
        inspector.unpack(archive, archive.loadPath());
    }

    private static void removeUnpacked(PluginArchive archive) {
        if (archive.kind().equals("zip")) {
            DataFolder.deleteTree(archive.loadPath());
        }
    }

    /** Loads the plugin's classes; its code runs later (see {@link #construct}). */
    private LoadedPlugin load(PluginArchive archive) {
        String id;
        try {
            id = pf4j.loadPlugin(archive.loadPath());
        } catch (RuntimeException e) {
            throw new RefusedException("plugin " + archive.id() + " cannot be loaded: " + rootMessage(e),
                "archive", e);
        }
        PluginWrapper wrapper = pf4j.getPlugin(id);
        LoadedPlugin plugin = new LoadedPlugin(archive, wrapper, contextFor(wrapper), config.pluginThreads());
        loaded.put(id, plugin);
        return plugin;
    }

    /**
     * Runs the plugin's constructor, on its own pool, so an install refuses a plugin that cannot be made. At start
     * the constructor runs with {@link #start} instead, so a disabled plugin's code does not run at all.
     */
    private void construct(LoadedPlugin plugin) {
        try {
            guarded(plugin, CONSTRUCT + plugin.archive().pluginClass(), () -> plugin.wrapper().getPlugin());
        } catch (RuntimeException e) {
            unload(plugin);
            keepIfStuck(plugin, "refused at install");
            throw new RefusedException("plugin " + plugin.id() + " cannot be loaded: " + rootMessage(e),
                "Plugin-Class", e);
        }
    }

    /**
     * Runs plugin code that the hub waits for while it starts (the constructor, {@code start()}), with the
     * boot-loop note set until the code returns (see {@link PluginStateStore#startBegins}). The note is cleared on the
     * plugin's thread when its code returns, late or not, so a start that overran but ended clears it too.
     */
    private <T> T guarded(LoadedPlugin plugin, String what, Callable<T> code) {
        String id = plugin.id();
        states.startBegins(id);
        try {
            return plugin.call(what, () -> {
                try {
                    return code.call();
                } finally {
                    endStart(id);
                }
            }, config.pluginCallTimeout());
        } catch (RetryableException notRun) {
            endStart(id);
            throw notRun;
        }
    }

    private void endStart(String id) {
        try {
            states.startEnded(id);
        } catch (RuntimeException e) {
            // the hub is stopping (its database closed) while the plugin's code returned; the note stays, rightly
            LOG.warn("Could not note that plugin {} finished starting: {}", id, e.getMessage());
        }
    }

    private PluginContextImpl contextFor(PluginWrapper wrapper) {
        String id = wrapper.getPluginId();
        return contexts.computeIfAbsent(id, k -> {
            Path data = dataFolder(id);
            try {
                Files.createDirectories(data);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the data folder of plugin " + id, e);
            }
            ClassLoader loader = wrapper.getPluginClassLoader();
            return new PluginContextImpl(id, wrapper.getDescriptor().getProvider(),
                wrapper.getDescriptor().getVersion(), data, () -> databases.open(id, loader), ownerOf);
        });
    }

    private Path dataFolder(String id) {
        return dataPluginsDir.resolve(id);
    }

    private void start(LoadedPlugin plugin) {
        List<Connector> offered;
        try {
            offered = guarded(plugin, START, () -> {
                plugin.plugin().start();
                return List.copyOf(plugin.plugin().connectors());
            });
            checkConnectors(plugin, offered);
        } catch (RuntimeException e) {
            String reason = e.getMessage();
            plugin.failed(reason);
            LOG.error("Plugin {} failed to start: {}", plugin.id(), reason);
            bestEffortStop(plugin);
            return;
        }
        plugin.started(offered);
        LOG.info("Plugin {} {} ({}) started, connectors {}", plugin.id(), plugin.archive().version(),
            plugin.member(), offered.stream().map(Connector::name).toList());
        for (PluginListener l : listeners) {
            try {
                l.pluginStarted(plugin);
            } catch (RuntimeException e) {
                LOG.error("After plugin {} started: {}", plugin.id(), e.getMessage(), e);
            }
        }
    }

    private void checkConnectors(LoadedPlugin plugin, List<Connector> offered) {
        Set<String> names = new HashSet<>();
        for (Connector c : offered) {
            if (c == null || c.name() == null || !ArchiveInspector.PLUGIN_ID.matcher(c.name()).matches()) {
                throw new RefusedException("plugin " + plugin.id() + " offers a connector without a valid name "
                    + "(lower case letters, digits, dots, dashes)", "connectors");
            }
            if (!names.add(c.name())) {
                throw new RefusedException("plugin " + plugin.id() + " offers connector " + c.name() + " twice",
                    "connectors");
            }
            Optional<LoadedPlugin> other = pluginOffering(c.name());
            if (other.isPresent() && other.get() != plugin) {
                throw new ConflictException("connector " + c.name() + " is already offered by plugin "
                    + other.get().id(), "connectors");
            }
            if (c.config() == null) {
                throw new RefusedException("connector " + c.name() + " declares no config (use ConfigDef.empty())",
                    "connectors");
            }
        }
    }

    private void stop(LoadedPlugin plugin) {
        for (PluginListener l : listeners) {
            try {
                l.pluginStopping(plugin);
            } catch (RuntimeException e) {
                LOG.error("Before plugin {} stops: {}", plugin.id(), e.getMessage(), e);
            }
        }
        try {
            plugin.call("stop", () -> {
                plugin.plugin().stop();
                return null;
            }, config.pluginCallTimeout());
            plugin.disabled();
            LOG.info("Plugin {} stopped", plugin.id());
        } catch (RuntimeException e) {
            plugin.failed(e.getMessage());
            LOG.error("Plugin {} failed to stop: {}", plugin.id(), e.getMessage());
        }
    }

    private void bestEffortStop(LoadedPlugin plugin) {
        if (plugin.stuckCalls().stream().anyMatch(c -> c.what().equals(START))) {
            return; // its start still runs: stop() would run beside it, on an object that never finished starting
        }
        try {
            plugin.call("stop after failed start", () -> {
                plugin.plugin().stop();
                return null;
            }, Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.debug("Plugin {} also failed to stop: {}", plugin.id(), e.getMessage());
        }
    }

    private void unload(LoadedPlugin plugin) {
        loaded.remove(plugin.id());
        plugin.shutdownExecutor();
        // PF4J would call stop() again on a plugin it thinks is started; the hub already did.
        plugin.wrapper().setPluginState(org.pf4j.PluginState.STOPPED);
        databases.close(plugin.id());
        contexts.remove(plugin.id());
        pf4j.unloadPlugin(plugin.id());
    }

    private static void removeFiles(PluginArchive archive) {
        ArchiveInspector.deleteQuietly(archive.path());
        removeUnpacked(archive);
    }

    /** Empty data folders of plugins that are not installed: left by refusals of earlier versions. */
    private void removeEmptyDataFolders() {
        if (!Files.isDirectory(dataPluginsDir)) {
            return;
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(dataPluginsDir, Files::isDirectory)) {
            for (Path folder : dir) {
                if (!loaded.containsKey(folder.getFileName().toString())) {
                    removeIfEmpty(folder);
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not look through {}: {}", dataPluginsDir, e.getMessage());
        }
    }

    private static void removeIfEmpty(Path folder) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            if (!entries.iterator().hasNext()) {
                Files.delete(folder);
            }
        } catch (IOException e) {
            // not there, or not empty after all: nothing to remove
        }
    }

    /** Stops every started plugin (integrations first) and unloads all. */
    @Override
    public synchronized void close() {
        for (LoadedPlugin plugin : new ArrayList<>(loaded.values())) {
            if (plugin.state().equals(LoadedPlugin.STARTED)) {
                stop(plugin);
            }
            unload(plugin);
        }
        databases.close();
    }

    static String rootMessage(Throwable t) {
        if (t instanceof HubException && t.getMessage() != null) {
            return t.getMessage();
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof HubException)) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
