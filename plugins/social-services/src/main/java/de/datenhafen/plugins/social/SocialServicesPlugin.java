package de.datenhafen.plugins.social;

import de.datenhafen.api.Connector;
import de.datenhafen.api.HubPlugin;
import de.datenhafen.api.PluginContext;
import java.time.ZoneId;
import java.util.List;

/**
 * The social services' plugin: offers the {@code hsds-directory} connector. The directory itself (database schema,
 * memory, search index) belongs to the plugin and is opened at the first integration's start; it outlives
 * integrations being restarted.
 */
public class SocialServicesPlugin extends HubPlugin {

    /** The town's zone: opening hours without an offset are wall-clock times here. */
    static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

    private volatile Directory directory;

    public SocialServicesPlugin(PluginContext context) {
        super(context);
    }

    @Override
    public List<Connector> connectors() {
        return List.of(new DirectoryConnector(this::directory));
    }

    synchronized Directory directory() {
        if (directory == null) {
            directory = new Directory(context().database(), ZONE, () -> context().owner().orElse(null)).load();
        }
        return directory;
    }

    @Override
    public void stop() {
        directory = null;
    }
}
