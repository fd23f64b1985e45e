package de.datenhafen.core.sink;

import de.datenhafen.core.camel.EndpointOptions;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code mqtt-out:} component: {@code mqtt-out:<target-name>?broker=tcp://host:1883&topic=city/{type}/{subject}}
 * publishes each bus event of the exchange to the broker as a structured CloudEvent (JSON; the CloudEvents MQTT
 * binding allows only that format on MQTT 3.1.1) and returns when the broker has it (QoS 1: its PUBACK). Anything
 * else throws, so the subscription in front retries, dead-letters and keeps its cursor.
 *
 * <p>Parameters: {@code broker} ({@code tcp://} or {@code ssl://}), {@code topic} (template with {@code {type}} and
 * {@code {subject}}), {@code qos} (0 or 1, default 1), {@code retained} (false), {@code username}, {@code password},
 * {@code caCertificate} (PEM of a private CA for an {@code ssl://} broker), as the air-quality MQTT connector has them.
 *
 * <p>The MQTT client is Eclipse Paho 1.2.5, the library the air-quality plugin already uses (in its own class loader):
 * one MQTT client in the project, small, without dependencies, and with a blocking publish that fits the subscription
 * thread that calls it. vertx-mqtt would be asynchronous for a caller that waits anyway, and has no reconnect.
 *
 * <p>The broker's host must be a public address unless the operator listed it ({@link SinkAddressPolicy}): an address
 * written in the URI is refused when the endpoint is made, and every connection goes to an address checked right before
 * it ({@link PolicySockets}).
 */
public final class MqttOutComponent extends DefaultComponent {

    private final SinkAddressPolicy policy;

    /**
     * What is wrong with {@code broker} as this sink's broker, or null ({@code tcp://host:port} or
     * {@code ssl://host:port}): a flow's {@code mqtt-out} step is checked with it, so a flow is refused for a broker
     * the sink would refuse at start.
     */
    public static String brokerProblem(String broker) {
        return MqttOutTarget.brokerProblem(broker);
    }

    /** @param policy where brokers may be: checked when an endpoint is made and at every connection */
    public MqttOutComponent(SinkAddressPolicy policy) {
        this.policy = policy;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        EndpointOptions.noReferences("mqtt-out", parameters);
        MqttOutTarget target = MqttOutTarget.parse(remaining,
            getAndRemoveParameter(parameters, "broker", String.class),
            getAndRemoveParameter(parameters, "topic", String.class),
            getAndRemoveParameter(parameters, "qos", Integer.class, 1),
            getAndRemoveParameter(parameters, "retained", Boolean.class, false),
            getAndRemoveParameter(parameters, "username", String.class),
            getAndRemoveParameter(parameters, "password", String.class),
            getAndRemoveParameter(parameters, MqttOutTarget.CA_CERTIFICATE, String.class), policy);
        EndpointOptions.onlyOwn("mqtt-out", parameters);
        return new SinkEndpoint(uri, this, target.name(), endpoint -> new MqttOutProducer(endpoint, target, policy));
    }
}
