package de.datenhafen.plugins.core;

import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigCheck;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import java.util.List;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code mqtt-sink}: publishes each bus event of the given types to an MQTT broker as a CloudEvent (JSON), on a topic
 * made from a template, through the hub's {@code mqtt-out:} component. The subscription's cursor moves only when the
 * broker has the message (QoS 1) or it left (QoS 0).
 */
public final class MqttSinkConnector implements Connector {

    static final String NAME = "mqtt-sink";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Publishes bus events to an MQTT broker topic (template from type and subject) as CloudEvents, QoS 0 "
            + "or 1, retained if asked, with TLS and credentials.";
    }

    @Override
    public ConfigDef config() {
        ConfigDef.Builder b = SinkUri.events(ConfigDef.builder(), NAME)
            .define("broker", ConfigType.STRING, null, true, "Broker URI: tcp://host:1883 or ssl://host:8883")
            .check("broker", ConfigCheck.pattern("(?i)(tcp|ssl)://[A-Za-z0-9.\\-\\[\\]:]+:[0-9]{1,5}",
                "tcp://host:port or ssl://host:port"))
            .sinkTarget("broker") // a public address unless the hub's operator allows more: /validate checks it too
            .define("topic", ConfigType.STRING, null, true, "Topic template: {type} and {subject} stand for the "
                + "event's (with + # and NUL replaced by _), for example city/{type}/{subject}")
            .check("topic", ConfigCheck.pattern("[^+#\\x00]+", "a topic without the wildcards + and #"))
            .define("qos", ConfigType.INT, 1, false, "0 (at most once) or 1 (at least once: the broker acknowledges)")
            .check("qos", ConfigCheck.range(0, 1))
            .define("retained", ConfigType.BOOLEAN, false, false, "The broker keeps the last message of each topic "
                + "for new subscribers")
            .define("username", ConfigType.STRING, null, false, "User name at the broker")
            .secret("password", ConfigType.STRING, null, false, "Password at the broker");
        return SinkUri.caCertificate(b, "an ssl:// broker").build();
    }

    @Override
    public List<ConfigProblem> validate(Config config) {
        return SinkUri.problems(config, "broker", "ssl");
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        Config c = ctx.config();
        String from = SinkUri.from(ctx, NAME, 1);
        String to = SinkUri.of("mqtt-out", ctx.integrationName())
            .param("broker", c.getString("broker"))
            .param("topic", c.getString("topic"))
            .param("qos", c.getInt("qos"))
            .param("retained", c.getBoolean("retained"))
            .param("username", SinkUri.value(c, "username"))
            .param("password", SinkUri.value(c, "password"))
            .param("caCertificate", SinkUri.value(c, SinkUri.CA_CERTIFICATE))
            .uri();
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(from).routeId(ctx.routeId("publish")).to(to);
            }
        };
    }
}
