package de.datenhafen.core;

import de.datenhafen.core.config.HubConfig;
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
 * if they do not exist yet.
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Path home = Path.of(System.getProperty("datenhafen.home", ".")).toAbsolutePath().normalize();
        Hub hub;
        try {
            HubConfig config = HubConfig.load(home, System.getenv(), Map.of());
            hub = Hub.start(config);
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
        Runtime.getRuntime().addShutdownHook(new Thread(hub::close, "shutdown"));
        if (List.of(args).contains("--demo")) {
            Demo.createIntegrations(hub, home.resolve("conf").resolve("demo"));
        }
        System.out.println("Datenhafen listening on port " + hub.port());
    }
}
