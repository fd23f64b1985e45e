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
 * Demo set-up for a newcomer's first run: first the members of {@code conf/demo/members.json} (the association and
 * the providers of the shipped plugins, so each plugin has its owning member), then the integrations described in the
 * other {@code conf/demo/*.json} (each {@code {"name", "connector", "config"}}, the same body as
 * {@code POST /api/v1/admin/integrations}), each unless it exists. A file that does not fit is logged and skipped;
 * the hub runs on.
 */
final class Demo {

    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

    static final String MEMBERS = "members.json";

    private Demo() {
    }

    private static void createMembers(Hub hub, Path file) {
        if (!Files.exists(file)) {
            return;
        }
        try {
            for (Object o : new JsonObject(Files.readString(file)).getJsonArray("members")) {
                JsonObject m = (JsonObject) o;
                if (!hub.identity().members().exists(m.getString("id"))) {
                    hub.identity().members().create(m.getString("id"), m.getString("name"), m.getString("contact"));
                    LOG.info("--demo: member {} ({})", m.getString("id"), m.getString("name"));
                }
            }
        } catch (RuntimeException | IOException e) {
            LOG.error("--demo: {} skipped: {}", file.getFileName(), e.getMessage());
        }
    }

    static void createIntegrations(Hub hub, Path folder) {
        if (!Files.isDirectory(folder)) {
            LOG.warn("--demo: no demo folder {}", folder);
            return;
        }
        createMembers(hub, folder.resolve(MEMBERS));
        Set<String> existing = hub.integrations().list().stream().map(i -> i.name()).collect(Collectors.toSet());
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.json")) {
            for (Path file : files) {
                if (file.getFileName().toString().equals(MEMBERS)) {
                    continue;
                }
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
