package de.datenhafen.plugins.transit;

import de.datenhafen.api.Connector;
import de.datenhafen.api.HubPlugin;
import de.datenhafen.api.PluginContext;
import java.util.List;

/**
 * The bus operator's plugin: {@link GtfsScheduleConnector} loads the timetable and serves the API,
 * {@link GtfsRealtimeConnector} brings the live state. They meet in {@link Feeds}, which lives as long as the plugin.
 */
public class TransitPlugin extends HubPlugin {

    private final Feeds feeds = new Feeds();

    public TransitPlugin(PluginContext context) {
        super(context);
    }

    @Override
    public List<Connector> connectors() {
        return List.of(new GtfsScheduleConnector(feeds), new GtfsRealtimeConnector(feeds));
    }

    @Override
    public void stop() {
        feeds.clear();
    }
}
