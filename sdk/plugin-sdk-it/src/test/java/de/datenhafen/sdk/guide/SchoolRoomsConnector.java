package de.datenhafen.sdk.guide;

import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import java.util.List;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;

/**
 * The guide's (docs/plugins.md) connector whose own problem across keys is coded, so that the hub says it in the
 * plugin's German ({@code problem.rooms-below-sites} of its texts_de), compiled by the build so its snippet stays
 * true.
 */
public final class SchoolRoomsConnector implements Connector {

    @Override
    public String name() {
        return "school-rooms";
    }

    @Override
    public String description() {
        return "Simulates the rooms of a city's schools.";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.builder()
            .define("sites", ConfigType.INT, 70, false, "Number of school sites")
            .define("rooms", ConfigType.INT, 2500, false, "Number of rooms, spread over the sites")
            .build();
    }

    @Override
    public List<ConfigProblem> validate(Config config) {
        if (config.getInt("rooms") < config.getInt("sites")) {
            return List.of(ConfigProblem.coded("rooms", "must be at least sites (" + config.getInt("sites") + ")",
                "rooms-below-sites", config.getInt("sites")));
        }
        return List.of();
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // the simulated readings of each room onto the bus
            }
        };
    }
}
