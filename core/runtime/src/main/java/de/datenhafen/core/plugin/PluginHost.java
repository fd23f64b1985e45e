package de.datenhafen.core.plugin;

import de.datenhafen.api.ConflictException;
import de.datenhafen.api.Connector;
import de.datenhafen.api.HubException;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.api.RefusedException;
import de.datenhafen.core.config.HubConfig;
import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.PluginDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts the member plugins: loads the archives in the plugins folder at start, installs uploaded ones without a
 * restart, starts the enabled ones, and stops, unloads and deletes them on request. Enabled/disabled is kept in
 * the database. A plugin that is refused or fails is recorded with its reason; the hub carries on.
 *
 * <p>Methods block (they wait for plugin code with a time limit) and are serialized; call them from a worker
 * thread, never from an event loop.
 */
public final class PluginHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

    private final HubConfig config;
    private final Path pluginsDir;
    private final PluginStateStore states;
    private final ArchiveInspector inspector = new ArchiveInspector(ArchiveLimits.DEFAULTS, Set.of());
    private final HubPluginManager pf4j;
    // Read without the host's lock (integrations look up connectors while a plugin call holds it), written under it.
    private final Map<String, LoadedPlugin> loaded = new ConcurrentSkipListMap<>();
    private final Map<String, PluginView> refused = new LinkedHashMap<>();
    private final List<PluginListener> listeners = new CopyOnWriteArrayList<>();
    /** One context per loaded plugin: PF4J's factory and the host must hand out the same one. */
    private final Map<String, PluginContextImpl> contexts = new java.util.concurrent.ConcurrentHashMap<>();
    private final PluginDatabases databases;

    public PluginHost(HubConfig config, Database db) {
        this.config = config;
        this.pluginsDir = config.pluginsDir();
        this.states = new PluginStateStore(db);
        this.databases = new PluginDatabases(db, config.dbUrl());
        try {
            Files.createDirectories(pluginsDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the plugins folder " + pluginsDir, e);
        }
        this.pf4j = new HubPluginManager(pluginsDir, this::contextFor);
    }

    public void addListener(PluginListener listener) {
        listeners.add(listener);
    }

    /** Loads every archive in the plugins folder and starts those that are enabled (new ones are). */
    public synchronized void loadAll() {
        List<Path> archives = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(pluginsDir, p -> Files.isRegularFile(p)
            && !p.getFileName().toString().startsWith(".")
            && (p.toString().endsWith(".zip") || p.toString().endsWith(".jar")))) {
            dir.forEach(archives::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the plugins folder " + pluginsDir, e);
        }
        archives.sort(Comparator.comparing(Path::toString));
        for (Path archive : archives) {
            try {
                PluginArchive inspected = inspector.inspect(archive);
                if (loaded.containsKey(inspected.id())) {
                    throw new ConflictException("plugin " + inspected.id() + " is also in "
                        + loaded.get(inspected.id()).archive().path().getFileName() + "; only the first is loaded",
                        "Plugin-Id");
                }
                LoadedPlugin plugin = load(inspected);
                if (states.enabled(plugin.id()).orElse(true)) {
                    start(plugin);
                } else {
                    LOG.info("Plugin {} {} ({}) is disabled", plugin.id(), inspected.version(), plugin.member());
                }
            } catch (HubException e) {
                LOG.error("Plugin archive {} refused: {}", archive.getFileName(), e.getMessage());
                refused.put(archive.getFileName().toString(), new PluginView(null, null, null, null, null,
                    "refused", e.getMessage(), List.of(), archive.getFileName().toString()));
            }
        }
        LOG.info("Plugins: {} loaded, {} started, {} refused", loaded.size(),
            loaded.values().stream().filter(p -> p.state().equals(LoadedPlugin.STARTED)).count(), refused.size());
    }

    /**
     * Installs the archive at {@code upload} (a file in any folder; it is moved, or deleted if refused). The plugin
     * is loaded and, if {@code enable}, started. Either all of this happens or nothing remains of it.
     */
    public synchronized PluginView install(Path upload, boolean enable) {
        PluginArchive inspected;
        Path target;
        try {
            inspected = inspector.inspect(upload);
            if (loaded.containsKey(inspected.id())) {
                LoadedPlugin existing = loaded.get(inspected.id());
                throw new ConflictException("plugin " + inspected.id() + " is already installed (version "
                    + existing.archive().version() + "); delete it first to install version " + inspected.version(),
                    "Plugin-Id");
            }
            target = pluginsDir.resolve(inspected.canonicalFileName());
            if (Files.exists(target)) {
                throw new ConflictException("a file named " + target.getFileName()
                    + " is already in the plugins folder", "Plugin-Id");
            }
            Files.move(upload, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(upload);
            throw new UncheckedIOException("cannot store the plugin archive", e);
        } catch (RuntimeException e) {
            deleteQuietly(upload);
            throw e;
        }
        PluginArchive archive = inspected.at(target);
        LoadedPlugin plugin;
        try {
            plugin = load(archive);
        } catch (RuntimeException e) {
            removeFiles(archive);
            throw e;
        }
        states.setEnabled(plugin.id(), enable);
        refused.remove(target.getFileName().toString());
        LOG.info("Plugin {} {} ({}) installed from {}", plugin.id(), archive.version(), plugin.member(),
            target.getFileName());
        if (enable) {
            start(plugin);
        }
        return view(plugin);
    }

    public synchronized PluginView enable(String id) {
        LoadedPlugin plugin = require(id);
        states.setEnabled(id, true);
        if (!plugin.state().equals(LoadedPlugin.STARTED)) {
            start(plugin);
        }
        return view(plugin);
    }

    public synchronized PluginView disable(String id) {
        LoadedPlugin plugin = require(id);
        states.setEnabled(id, false);
        if (plugin.state().equals(LoadedPlugin.STARTED)) {
            stop(plugin);
        }
        plugin.disabled();
        LOG.info("Plugin {} disabled", id);
        return view(plugin);
    }

    /** Stops the plugin's integrations and the plugin, unloads it, releases its class loader and deletes its files. */
    public synchronized void delete(String id) {
        LoadedPlugin plugin = require(id);
        if (plugin.state().equals(LoadedPlugin.STARTED)) {
            stop(plugin);
        }
        unload(plugin);
        removeFiles(plugin.archive());
        states.delete(id);
        LOG.info("Plugin {} deleted", id);
    }

    public synchronized List<PluginView> list() {
        List<PluginView> out = new ArrayList<>();
        loaded.values().forEach(p -> out.add(view(p)));
        out.addAll(refused.values());
        return out;
    }

    public synchronized PluginView get(String id) {
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
            if (!p.state().equals(LoadedPlugin.STARTED) && states.enabled(p.id()).orElse(true)) {
                out.put(p.id(), p.error() == null ? p.state() : p.error());
            }
        }
        return out;
    }

    private PluginView view(LoadedPlugin p) {
        PluginArchive a = p.archive();
        return new PluginView(a.id(), a.version(), a.provider(), a.description(), a.requires(), p.state(),
            p.error(), p.connectors().stream().map(Connector::name).toList(), a.path().getFileName().toString());
    }

    private LoadedPlugin require(String id) {
        LoadedPlugin plugin = loaded.get(id);
        if (plugin == null) {
            throw new NotFoundException("no plugin with id '" + id + "' is installed");
        }
        return plugin;
    }

    private LoadedPlugin load(PluginArchive archive) {
        String id;
        try {
            id = pf4j.loadPlugin(archive.path());
        } catch (RuntimeException e) {
            throw new RefusedException("plugin " + archive.id() + " cannot be loaded: " + rootMessage(e),
                "archive", e);
        }
        PluginWrapper wrapper = pf4j.getPlugin(id);
        LoadedPlugin plugin = new LoadedPlugin(archive, wrapper, contextFor(wrapper), config.pluginThreads());
        try {
            // Instantiating the plugin class runs plugin code (its constructor): do it on its own pool.
            plugin.call("loading " + archive.pluginClass(), wrapper::getPlugin, config.pluginCallTimeout());
        } catch (RuntimeException e) {
            contexts.remove(id);
            pf4j.unloadPlugin(id);
            plugin.shutdownExecutor();
            throw new RefusedException("plugin " + archive.id() + " cannot be loaded: " + rootMessage(e),
                "Plugin-Class", e);
        }
        loaded.put(id, plugin);
        return plugin;
    }

    private PluginContextImpl contextFor(PluginWrapper wrapper) {
        String id = wrapper.getPluginId();
        return contexts.computeIfAbsent(id, k -> {
            Path data = config.dataDir().resolve("plugins").resolve(id);
            try {
                Files.createDirectories(data);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the data folder of plugin " + id, e);
            }
            ClassLoader loader = wrapper.getPluginClassLoader();
            return new PluginContextImpl(id, wrapper.getDescriptor().getProvider(),
                wrapper.getDescriptor().getVersion(), data, () -> databases.open(id, loader));
        });
    }

    private void start(LoadedPlugin plugin) {
        Duration timeout = config.pluginCallTimeout();
        List<Connector> offered;
        try {
            offered = plugin.call("start", () -> {
                plugin.plugin().start();
                return List.copyOf(plugin.plugin().connectors());
            }, timeout);
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

    private void removeFiles(PluginArchive archive) {
        deleteQuietly(archive.path());
        if (archive.kind().equals("zip")) {
            // PF4J unpacks a zip into a folder of the same name next to it.
            String name = archive.path().getFileName().toString();
            deleteTree(archive.path().resolveSibling(name.substring(0, name.length() - 4)));
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

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", p, e.getMessage());
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(PluginHost::deleteQuietly);
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", root, e.getMessage());
        }
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
