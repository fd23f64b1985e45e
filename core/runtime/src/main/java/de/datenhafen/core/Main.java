package de.datenhafen.core;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.core.security.FirstAdmin;
import de.datenhafen.core.ops.HeapTrim;
import de.datenhafen.core.ops.NettyArenas;
import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.DatabaseLogin;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Runs a hub in the foreground until the process is told to stop (SIGTERM or SIGINT), then stops it cleanly. The
 * hub's home folder comes from the system property {@code datenhafen.home} (set by {@code bin/datenhafen}), else
 * the working folder. With {@code --demo}, the integrations described in {@code conf/demo/*.json} are created
 * if they do not exist yet; {@code --compact} compacts the stopped hub's database file instead.
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private static final List<String> KNOWN_OPTIONS = List.of("--demo", "--compact", "--help");
    private static final String USAGE = "usage: datenhafen [--demo | --compact | --help | plugin ...]\n"
        + "  (no option)  run the hub in the foreground until SIGTERM or Ctrl-C\n"
        + "  --demo       also create the demo integrations of conf/demo/ that do not exist yet\n"
        + "  --compact    with the hub stopped: rewrite the H2 database file so the space of deleted events\n"
        + "               (retention) is given back to the file system, then exit\n"
        + "  plugin ...   a member's signing tools: plugin keygen, plugin sign (see datenhafen plugin help)";

    private Main() {
    }

    /** Offline compaction of the embedded database; the hub must be stopped (H2 holds a file lock). */
    private static void compact(HubConfig config) {
        Path file = Database.h2File(config.dbUrl()).orElse(null);
        if (file == null || !java.nio.file.Files.exists(file)) {
            System.err.println("--compact works on the embedded H2 file "
                + (file != null ? file : config.dataDir().resolve("datenhafen.mv.db")) + ", which does not exist here");
            System.exit(1);
        }
        try {
            long before = java.nio.file.Files.size(file);
            long t0 = System.nanoTime();
            System.out.printf("Compacting %s (%.1f MB) ...%n", file, before / 1048576.0);
            DatabaseLogin login = DatabaseLogin.of(config);
            try (var c = java.sql.DriverManager.getConnection(login.url(), login.user(), login.password());
                 var st = c.createStatement()) {
                st.execute("SHUTDOWN COMPACT");
            } catch (java.sql.SQLException e) {
                if (e.getErrorCode() != 90121) { // "database is already closed": SHUTDOWN did its work
                    throw e;
                }
            }
            long after = java.nio.file.Files.size(file);
            System.out.printf("Compacted in %.1f s: %.1f MB -> %.1f MB%n", (System.nanoTime() - t0) / 1e9,
                before / 1048576.0, after / 1048576.0);
        } catch (java.sql.SQLException | java.io.IOException e) {
            System.err.println("Compaction failed (is the hub still running? it must be stopped): " + e.getMessage());
            System.exit(1);
        }
    }

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Path home = Path.of(System.getProperty("datenhafen.home", ".")).toAbsolutePath().normalize();
        List<String> options = List.of(args);
        if (!options.isEmpty() && options.get(0).equals("plugin")) {
            System.exit(de.datenhafen.core.plugin.PluginTool.run(options.subList(1, options.size()), System.out,
                System.err));
            return;
        }
        for (String option : options) {
            if (!KNOWN_OPTIONS.contains(option)) {
                System.err.println("unknown option " + option + "\n" + USAGE);
                System.exit(2);
                return;
            }
        }
        if (options.contains("--help")) {
            System.out.println(USAGE);
            return;
        }
        Hub hub;
        try {
            HubConfig config = HubConfig.load(home, System.getenv(), Map.of());
            if (options.contains("--compact")) {
                compact(config);
                return;
            }
            String arenas = NettyArenas.limit(config.httpEventLoops()); // before Vert.x: Netty reads it once
            LOG.info("Netty: {}", NettyArenas.describe(arenas));
            // the demo's integrations exist before the hub answers: ready means they serve
            hub = Hub.start(config, options.contains("--demo")
                ? h -> Demo.createIntegrations(h, home.resolve("conf").resolve("demo")) : h -> { });
        } catch (RuntimeException e) {
            LOG.error("Datenhafen could not start: {}", e.getMessage(), e);
            System.err.println("Datenhafen could not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        hub.initialAdminToken().ifPresent(token -> {
            String banner = "\n=====================================================================\n"
                + " First start: the admin token is\n\n    " + token + "\n\n"
                + " It is shown only this once; only its hash is stored. Use it as\n"
                + "    Authorization: Bearer <token>\n"
                + "=====================================================================\n";
            System.out.println(banner);
        });
        hub.firstAdminCode().ifPresent(code -> System.out.println(
            "\n=====================================================================\n"
            + " Nobody can sign in to the console yet. Open\n\n    " + hub.setupPage() + "\n\n"
            + " and set a password with this one-time setup code:\n\n    " + code.code() + "\n\n"
            + " You are then signed in as \"admin\", a hub-admin of the association\n"
            + " (\"" + FirstAdmin.MEMBER + "\"); invite your colleagues by name from there. The code works once,\n"
            + " at this hub process, until " + code.expires().truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
            + " or until someone is a hub-admin;\n a restart without one prints a new code.\n"
            + "=====================================================================\n"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeWithin(hub, stopDeadline(hub.config())),
            "shutdown"));
        HeapTrim.afterStart();
        hub.trimHeapWhenQuiet();
        System.out.println("Datenhafen listening on port " + hub.port());
    }

    /**
     * How long a stop may take before the process ends without it: the stop's own wait for in-flight work, a
     * plugin's stop call, and ten seconds. A plugin's code that never returns and holds a lock the stop needs (a
     * route's making that ran for ever) kept a stopped hub alive until it was killed; the bus keeps every event it
     * acknowledged through a kill as through a stop.
     */
    static java.time.Duration stopDeadline(HubConfig config) {
        return config.shutdownTimeout().plus(config.pluginCallTimeout()).plusSeconds(10);
    }

    /** Closes {@code hub}; past {@code deadline} halts the process (a shutdown hook cannot {@code exit}). */
    static void closeWithin(Hub hub, java.time.Duration deadline) {
        closeWithin(hub::close, deadline, () -> Runtime.getRuntime().halt(1));
    }

    /** Runs {@code close}; should it not have returned after {@code deadline}, says so and runs {@code halt}. */
    static void closeWithin(Runnable close, java.time.Duration deadline, Runnable halt) {
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        Thread watchdog = new Thread(() -> {
            try {
                if (closed.await(deadline.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException stopped) {
                return;
            }
            // the log may be stopped already: said on the console too
            String why = "The stop did not finish within " + deadline.toSeconds() + " s (a plugin's code that does "
                + "not return?): the process ends without it; every acknowledged event is kept";
            LOG.error(why);
            System.err.println(why);
            halt.run();
        }, "shutdown-deadline");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            close.run();
        } finally {
            closed.countDown();
        }
    }
}
