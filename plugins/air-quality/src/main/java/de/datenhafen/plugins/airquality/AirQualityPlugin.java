package de.datenhafen.plugins.airquality;

import de.datenhafen.api.Connector;
import de.datenhafen.api.HubPlugin;
import de.datenhafen.api.PluginContext;
import java.util.List;

/**
 * The sensor vendor's plugin. On start it opens its schema (migrated from {@code db/plugin/}) and loads the registry;
 * its connectors share both.
 */
public class AirQualityPlugin extends HubPlugin {

    private volatile AirQuality air;

    public AirQualityPlugin(PluginContext context) {
        super(context);
    }

    @Override
    public void start() {
        air = new AirQuality(context().database());
    }

    @Override
    public void stop() {
        air = null;
    }

    @Override
    public List<Connector> connectors() {
        AirQuality a = air;
        return List.of(new HttpIngestConnector(a), new RegistryConnector(a), new ProjectionsConnector(a),
            new SimulatorConnector(a), new MqttIngestConnector(a),
            new de.datenhafen.plugins.airquality.sta.SensorThingsConnector(new SensorThingsBackend(a)),
            new de.datenhafen.plugins.airquality.sta.SensorThingsStoreConnector(a == null ? null : a.db,
                new SensorThingsEvents()));
    }
}
