package de.datenhafen.core;

import de.datenhafen.core.flow.FlowTemplates;
import de.datenhafen.core.integration.ConfigWriter;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demo set-up for a newcomer's first run: first the members of {@code conf/demo/members.json} (the association and
 * the providers of the shipped plugins, so each plugin has its owning member), then the integrations described in the
 * other {@code conf/demo/*.json} (each {@code {"name", "connector", "config"}}, the same body as
 * {@code POST /api/v1/admin/integrations}), each unless it exists; then the CO2 alert of one school leaving the hub
 * as a signed webhook ({@link #createAlertReceiver}). A file that does not fit is logged and skipped; the hub runs on.
 */
final class Demo {

    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

    static final String MEMBERS = "members.json";
    /** The demo's webhook receiver (README tour) and the path it serves below core-connectors' webhooks/. */
    static final String RECEIVER = "alert-inbox";
    static final String RECEIVER_PATH = "alerts";
    /** The demo's flow from the template "CO2 alert in a school to a webhook", and its school. */
    static final String ALERT_FLOW = "school-alerts";
    static final String ALERT_SCHOOL = "sim-01";

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
        java.util.List<Path> pending = new java.util.ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.json")) {
            files.forEach(file -> {
                if (!file.getFileName().toString().equals(MEMBERS)) {
                    pending.add(file);
                }
            });
        } catch (IOException e) {
            LOG.error("--demo: cannot read {}: {}", folder, e.getMessage());
        }
        pending.sort(null);
        // an integration that names another (live data its timetable) waits for a pass after that one is made: the
        // folder's order is the file system's
        boolean made = true;
        while (made && !pending.isEmpty()) {
            made = false;
            for (java.util.Iterator<Path> it = pending.iterator(); it.hasNext(); ) {
                Path file = it.next();
                try {
                    JsonObject spec = new JsonObject(Files.readString(file));
                    String name = spec.getString("name");
                    if (!existing.contains(name)) {
                        JsonObject config = spec.getJsonObject("config", new JsonObject());
                        // the operator's files, as a hub-admin would send them
                        var view = hub.integrations().create(name, spec.getString("connector"), config.getMap(),
                            ConfigWriter.HUB_ADMIN);
                        LOG.info("--demo: integration {} ({}) is {}", name, view.connector(), view.state());
                    }
                    it.remove();
                    made = true;
                } catch (de.datenhafen.api.InvalidInputException e) {
                    if (e.problems().stream().noneMatch(p -> "integration.noIntegration".equals(p.code()))) {
                        LOG.error("--demo: {} skipped: {}", file.getFileName(), e.getMessage());
                        it.remove();
                    }
                } catch (RuntimeException | IOException e) {
                    LOG.error("--demo: {} skipped: {}", file.getFileName(), e.getMessage());
                    it.remove();
                }
            }
        }
        for (Path file : pending) {
            LOG.error("--demo: {} skipped: it names an integration no demo file makes", file.getFileName());
        }
        createAlertReceiver(hub, existing);
    }

    /**
     * So a newcomer sees an alert leave the hub: a {@code webhook-receiver} of core-connectors on this very hub (it
     * checks each delivery's signature and puts it on the bus as {@code <member>.webhook.received}) and a flow from the
     * template "CO2 alert in a school to a webhook" for one simulated school, pointed at it, the two sharing a secret
     * made here (the template makes it; it is never shown). Both or neither: a half left by an earlier start, or one
     * an admin deleted, stays as it is. The URL is the hub's public one ({@code http.public-url}), so under TLS the
     * hub must trust its own certificate for the delivery to arrive.
     */
    private static void createAlertReceiver(Hub hub, Set<String> existing) {
        if (existing.contains(RECEIVER) || existing.contains(ALERT_FLOW)) {
            return;
        }
        try {
            FlowTemplates.Instance flow = FlowTemplates.instantiate("co2-alert-webhook", Map.of("name", ALERT_FLOW,
                "school", ALERT_SCHOOL, "url", hub.publicUrl() + "/api/v1/plugins/core-connectors/webhooks/"
                    + RECEIVER_PATH));
            hub.integrations().create(RECEIVER, "webhook-receiver", Map.<String, Object>of("path", RECEIVER_PATH,
                "secret", flow.generated().get("secret")), ConfigWriter.HUB_ADMIN);
            hub.flows().create(null, null, flow.definition(), "--demo", "the demo's CO2 alerts of " + ALERT_SCHOOL);
            LOG.info("--demo: flow {} sends the CO2 alerts of {} to integration {}", ALERT_FLOW, ALERT_SCHOOL,
                RECEIVER);
        } catch (RuntimeException e) {
            LOG.error("--demo: the CO2 alert receiver and flow skipped: {}", e.getMessage());
        }
    }
}
