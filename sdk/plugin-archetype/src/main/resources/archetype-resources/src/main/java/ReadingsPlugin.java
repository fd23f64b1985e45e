package ${package};

import de.datenhafen.api.Connector;
import de.datenhafen.api.HubPlugin;
import de.datenhafen.api.PluginContext;
import java.util.List;

/**
 * The plugin: the hub creates it when the plugin is enabled, with a context of its own, and asks it for its
 * connectors. An admin turns a connector into running integrations.
 */
public class ReadingsPlugin extends HubPlugin {

    public ReadingsPlugin(PluginContext context) {
        super(context);
    }

    @Override
    public List<Connector> connectors() {
        return List.of(new ReadingsConnector());
    }
}
