package de.datenhafen.plugins.core;

import de.datenhafen.api.BusHeaders;
import de.datenhafen.api.ConfigCheck;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import org.apache.camel.LoggingLevel;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code log-sink}: follows bus events of some types through a subscription and writes one log line per event.
 * For watching a flow while setting it up.
 */
public final class LogSinkConnector implements Connector {

    @Override
    public String name() {
        return "log-sink";
    }

    @Override
    public String description() {
        return "Writes one log line per bus event of the given types, read through a subscription.";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.builder()
            .define("types", ConfigType.LIST, null, true, "Event types to follow; a type may end in *")
            .check("types", ConfigCheck.eventTypes())
            .define("subscription", ConfigType.STRING, null, false,
                "Name of the subscription; default: log-sink-<integration>")
            // as the sinks' (SinkUri.events): a name the bus refuses was taken, and the start failed
            .check("subscription", SinkUri.SUBSCRIPTION)
            .define("level", ConfigType.STRING, "INFO", false, "Log level: TRACE, DEBUG, INFO, WARN or ERROR")
            // checked when written: "LAUT" was taken, and the integration failed at its start with Camel's exception
            .check("level", ConfigCheck.pattern("(?i)TRACE|DEBUG|INFO|WARN|ERROR", "TRACE, DEBUG, INFO, WARN or ERROR"))
            .build();
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        String subscription = ctx.config().has("subscription") ? ctx.config().getString("subscription")
            : "log-sink-" + ctx.integrationName();
        LoggingLevel level = LoggingLevel.valueOf(ctx.config().getString("level").toUpperCase(java.util.Locale.ROOT));
        String[] types = ctx.config().getList("types").toArray(String[]::new);
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(ctx.busConsumer(types).subscription(subscription).uri())
                    .routeId(ctx.routeId("log"))
                    .log(level, "datenhafen.log-sink." + ctx.integrationName(),
                        "#${header." + BusHeaders.SEQUENCE + "} ${header." + BusHeaders.TYPE + "} subject=${header."
                            + BusHeaders.SUBJECT + "} member=${header." + BusHeaders.MEMBER + "}: ${bodyAs(String)}");
            }
        };
    }
}
