package de.datenhafen.sdk.guide;

import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;

/**
 * The guide's (docs/plugins.md) key that names members, compiled by the build so its snippet stays true: an ingest
 * for a car park's gates whose {@code senders} the hub checks against its members wherever it checks a config.
 */
public final class GateIngestConnector implements Connector {

    @Override
    public String name() {
        return "gate-ingest";
    }

    @Override
    public String description() {
        return "Takes the gates' counts from the members listed in senders.";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.builder()
            .define("senders", ConfigType.LIST, null, false, "Ids of the members whose editors may post")
            .memberIds("senders")
            .build();
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // the route from the gates' posts to the bus, for the editors of the members in senders
            }
        };
    }
}
