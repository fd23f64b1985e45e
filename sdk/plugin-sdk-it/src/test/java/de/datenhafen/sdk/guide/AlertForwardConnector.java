package de.datenhafen.sdk.guide;

import de.datenhafen.api.ConfigCheck;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;

/**
 * The guide's (docs/plugins.md) key that names a sink's target, compiled by the build so its snippet stays true: a
 * connector that forwards the member's alerts to a webhook, whose {@code url} the hub checks against its sinks'
 * address policy wherever it checks a config (validate included), and whose {@code ca-certificate} it reads as the
 * hub's sinks do.
 */
public final class AlertForwardConnector implements Connector {

    @Override
    public String name() {
        return "alert-forward";
    }

    @Override
    public String description() {
        return "Forwards the member's alerts to a webhook.";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.builder()
            .define("url", ConfigType.STRING, null, true, "Where events are POSTed")
            .check("url", ConfigCheck.url("https", "http"))
            .sinkTarget("url")
            .define("ca-certificate", ConfigType.STRING, null, false, "That CA's certificate in PEM form")
            .check("ca-certificate", ConfigCheck.pemCertificates())
            .build();
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // the route from the member's alerts on the bus to webhook:<url>
            }
        };
    }
}
