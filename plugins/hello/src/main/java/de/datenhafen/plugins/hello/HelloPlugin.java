package de.datenhafen.plugins.hello;

import de.datenhafen.api.Connector;
import de.datenhafen.api.HubPlugin;
import de.datenhafen.api.PluginContext;
import java.util.List;

/** The README tour's sample plugin: one connector, {@link GreeterConnector}. */
public class HelloPlugin extends HubPlugin {

    public HelloPlugin(PluginContext context) {
        super(context);
    }

    @Override
    public List<Connector> connectors() {
        return List.of(new GreeterConnector());
    }
}
