package de.datenhafen.sdk.guide;

import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;

/**
 * The guide's (docs/plugins.md) key that names another integration, compiled by the build so its snippet stays true:
 * live data whose {@code schedule} names the gtfs-schedule integration it belongs to, which the hub checks against its
 * integrations wherever it checks a config (validate included).
 */
public final class LiveDataConnector implements Connector {

    @Override
    public String name() {
        return "live-data";
    }

    @Override
    public String description() {
        return "Takes the live data of a timetable.";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.builder()
            .define("schedule", ConfigType.STRING, null, true, "Name of the gtfs-schedule integration")
            .integrationOf("gtfs-schedule", "schedule")
            .build();
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // the routes that poll the live feed and match it to the named timetable
            }
        };
    }
}
