package de.datenhafen.core;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demo set-up for a newcomer's first run: creates the integrations described in {@code conf/demo/*.json} (each
 * {@code {"name", "connector", "config"}}, the same body as {@code POST /api/v1/admin/integrations}) unless they
 * exist. A file that does not fit is logged and skipped; the hub runs on.
 */
final class Demo {

    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

    private Demo() {
    }

    static void createIntegrations(Hub hub, Path folder) {
        if (!Files.isDirectory(folder)) {
            LOG.warn("--demo: no demo folder {}", folder);
            return;
        }
        Set<String> existing = hub.integrations().list().stream().map(i -> i.name()).collect(Collectors.toSet());
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.json")) {
            for (Path file : files) {
                try {
                    JsonObject spec = new JsonObject(Files.readString(file));
                    String name = spec.getString("name");
                    if (existing.contains(name)) {
                        continue;
                    }
                    JsonObject config = spec.getJsonObject("config", new JsonObject());
                    var view = hub.integrations().create(name, spec.getString("connector"), config.getMap());
                    LOG.info("--demo: integration {} ({}) is {}", name, view.connector(), view.state());
                } catch (RuntimeException | IOException e) {
                    LOG.error("--demo: {} skipped: {}", file.getFileName(), e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.error("--demo: cannot read {}: {}", folder, e.getMessage());
        }
    }
}
