package de.datenhafen.core.plugin;

import de.datenhafen.api.Connector;
import de.datenhafen.api.HubPlugin;
import de.datenhafen.api.PluginContext;
import de.datenhafen.api.RetryableException;
import de.datenhafen.core.camel.CamelFailures;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plugin the hub has loaded: its archive, PF4J wrapper, own worker pool, state and connectors. Every call into
 * its code goes through {@link #call}, which runs it on the plugin's pool with the plugin's class loader as
 * context class loader and a time limit. A call that overruns is interrupted; if its thread goes on anyway (a loop
 * that ignores interrupts), the plugin keeps it in {@link #stuckCalls()} so the admin sees it.
 */
public final class LoadedPlugin {

    private static final Logger LOG = LoggerFactory.getLogger(LoadedPlugin.class);

    /** States as the admin API names them. */
    public static final String STARTED = "started";
    public static final String DISABLED = "disabled";
    public static final String FAILED = "failed";

    /** How long an interrupted call may take to end before it counts as stuck. */
    private static final Duration STUCK_GRACE = Duration.ofMillis(200);

    private final PluginArchive archive;
    private final PluginWrapper wrapper;
    private final PluginContext context;
    private final ThreadPoolExecutor executor;
    private volatile String state = DISABLED;
    private volatile String error;
    private volatile List<Connector> connectors = List.of();
    private final List<StuckCall> stuck = new CopyOnWriteArrayList<>();

    /**
     * A call into the plugin that overran its time limit and did not end when interrupted: its thread still runs
     * plugin code, and nothing in a JVM can stop it safely (it ends when the process does).
     */
    record StuckCall(String what, Thread thread, CountDownLatch ended) {
        boolean running() {
            return ended.getCount() > 0;
        }

        @Override
        public String toString() {
            return "its thread " + thread.getName() + " still runs " + what + " after it was interrupted";
        }
    }

    LoadedPlugin(PluginArchive archive, PluginWrapper wrapper, PluginContext context, int threads) {
        this.archive = archive;
        this.wrapper = wrapper;
        this.context = context;
        AtomicInteger n = new AtomicInteger();
        ClassLoader loader = wrapper.getPluginClassLoader();
        this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(1000), r -> {
                Thread t = new Thread(r, "plugin-" + archive.id() + "-" + n.incrementAndGet());
                t.setDaemon(true);
                t.setContextClassLoader(loader);
                return t;
            });
        this.executor.allowCoreThreadTimeOut(true);
    }

    public String id() {
        return archive.id();
    }

    public String member() {
        return archive.provider();
    }

    public PluginArchive archive() {
        return archive;
    }

    public PluginContext context() {
        return context;
    }

    public ClassLoader classLoader() {
        return wrapper.getPluginClassLoader();
    }

    public String state() {
        return state;
    }

    public String error() {
        return error;
    }

    public List<Connector> connectors() {
        return connectors;
    }

    /** Where a plugin keeps its words in another language: {@code datenhafen/texts_de.properties} (since API 1.12). */
    public static final String TEXTS = "datenhafen/texts_";

    /** The plugin's texts by language, read once each (a plugin loaded again is a new one). */
    private final java.util.Map<String, java.util.Properties> texts = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The plugin's own words for {@code key} in {@code language} ({@code de}), from its {@value #TEXTS}
     * {@code <language>.properties} (UTF-8), or empty: a connector's description ({@code <connector>.description}),
     * its keys' ({@code <connector>.<key>}) and its problems' ({@link PluginProblems}), shown in the console's
     * language. A file that does not read is
     * logged once and taken as none.
     */
    public java.util.Optional<String> text(String language, String key) {
        java.util.Properties words = texts.computeIfAbsent(language, this::readTexts);
        String text = words.getProperty(key);
        return text == null || text.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(text.strip());
    }

    private java.util.Properties readTexts(String language) {
        java.util.Properties words = new java.util.Properties();
        String name = TEXTS + language + ".properties";
        // the plugin's own file: its loader's getResource would also find one of a plugin it depends on
        java.net.URL own = classLoader() instanceof java.net.URLClassLoader loader ? loader.findResource(name)
            : classLoader().getResource(name);
        if (own == null) {
            return words;
        }
        try (java.io.InputStream in = own.openStream()) {
            words.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException | IllegalArgumentException e) {
            LOG.warn("Plugin {}: its {} does not read ({}); its words stay English", id(), name, e.getMessage());
            words.clear();
        }
        return words;
    }

    PluginWrapper wrapper() {
        return wrapper;
    }

    HubPlugin plugin() {
        return (HubPlugin) wrapper.getPlugin();
    }

    void started(List<Connector> offered) {
        this.connectors = List.copyOf(offered);
        this.error = null;
        this.state = STARTED;
    }

    void disabled() {
        disabled(null);
    }

    /** Disabled, with the reason when the hub (not the admin) disabled it. */
    void disabled(String reason) {
        this.connectors = List.of();
        this.error = reason;
        this.state = DISABLED;
    }

    /** The calls whose threads still run plugin code after their time limit and an interrupt. */
    public List<StuckCall> stuckCalls() {
        stuck.removeIf(c -> !c.running());
        return List.copyOf(stuck);
    }

    void failed(String reason) {
        this.connectors = List.of();
        this.error = reason;
        this.state = FAILED;
    }

    /**
     * Runs plugin code on this plugin's pool, with its class loader as context class loader, and waits at most
     * {@code timeout}. A task that overruns is interrupted.
     *
     * @throws PluginCallException wrapping what the plugin threw, or saying that it timed out
     */
    public <T> T call(String what, Callable<T> task, Duration timeout) {
        ClassLoader loader = classLoader();
        Future<T> future;
        AtomicReference<Thread> runner = new AtomicReference<>();
        CountDownLatch ended = new CountDownLatch(1);
        try {
            future = executor.submit(() -> {
                Thread thread = Thread.currentThread();
                runner.set(thread);
                ClassLoader before = thread.getContextClassLoader();
                thread.setContextClassLoader(loader);
                try {
                    return task.call();
                } finally {
                    thread.setContextClassLoader(before);
                    ended.countDown();
                }
            });
        } catch (RejectedExecutionException e) {
            throw new RetryableException("plugin " + id() + " is busy or stopped; " + what + " was not run",
                Duration.ofSeconds(1));
        }
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (CamelFailures.storage(cause)) { // its words are the database's: here in the log, not in an answer
                LOG.warn("Plugin {}: {} failed in the hub's database", id(), what, cause);
            }
            throw new PluginCallException(id() + ": " + what + " failed: " + CamelFailures.described(cause), cause);
        } catch (TimeoutException e) {
            future.cancel(true);
            noteIfStuck(what, runner.get(), ended);
            throw new PluginCallException(id() + ": " + what + " did not finish within " + seconds(timeout), e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new PluginCallException(id() + ": interrupted while waiting for " + what, e);
        }
    }

    /** Gives an interrupted call a moment to end; if it does not, keeps it as stuck. */
    private void noteIfStuck(String what, Thread thread, CountDownLatch ended) {
        if (thread == null) {
            return;
        }
        try {
            if (!ended.await(STUCK_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                stuck.add(new StuckCall(what, thread, ended));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void shutdownExecutor() {
        executor.shutdownNow();
    }

    /** {@code 30 s}, or {@code 300 ms} when whole seconds would round a short limit away to {@code 0 s}. */
    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @Override
    public String toString() {
        return "plugin " + id() + " " + archive.version() + " (" + member() + ", " + state + ")";
    }
}
