package de.datenhafen.plugins.core;

import de.datenhafen.api.Connector;
import de.datenhafen.api.HubPlugin;
import de.datenhafen.api.PluginContext;
import java.util.List;

/**
 * Offers {@link HttpIngestConnector}, {@link LogSinkConnector}, {@link WebhookSinkConnector}, {@link MqttSinkConnector}
 * and {@link WebhookReceiverConnector}.
 */
public class CoreConnectorsPlugin extends HubPlugin {

    public CoreConnectorsPlugin(PluginContext context) {
        super(context);
    }

    @Override
    public List<Connector> connectors() {
        return List.of(new HttpIngestConnector(), new LogSinkConnector(), new WebhookSinkConnector(),
            new MqttSinkConnector(), new WebhookReceiverConnector());
    }
}
