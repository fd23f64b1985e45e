package de.datenhafen.core.sink;

import javax.net.ssl.SSLSocketFactory;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the exchange's events, in order, to one broker and returns when the broker has each (QoS 1) or the
 * message left (QoS 0). Connects on the first event and again after a lost connection; a broker that is away fails
 * the delivery, and the subscription retries. A clean session: what is not yet acknowledged is the subscription's to
 * send again, not the client's to keep. Every connection goes to an address the hub's {@link SinkAddressPolicy} allows,
 * checked as it connects ({@link PolicySockets}).
 */
final class MqttOutProducer extends DefaultProducer {

    private static final Logger LOG = LoggerFactory.getLogger(MqttOutProducer.class);
    private static final int TIMEOUT_SECONDS = 10;

    private final MqttOutTarget target;
    private final SinkAddressPolicy policy;
    private MqttClient client;

    MqttOutProducer(Endpoint endpoint, MqttOutTarget target, SinkAddressPolicy policy) {
        super(endpoint);
        this.target = target;
        this.policy = policy;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        for (SinkEvent e : SinkEvent.of(exchange)) {
            String topic = target.topicOf(e.type(), e.subject());
            try {
                byte[] payload = e.structured(e.nextHops("mqtt-out " + target.name()));
                connected().publish(topic, payload, target.qos(), target.retained());
            } catch (MqttException ex) {
                for (Throwable t = ex; t != null; t = t.getCause()) {
                    if (t instanceof PolicySockets.Refused refused) {
                        throw new SinkException("MQTT broker " + target.broker() + " was not contacted for " + e + ": "
                            + refused.getMessage());
                    }
                }
                throw new SinkException("MQTT broker " + target.broker() + " did not take " + e + " on topic " + topic
                    + ": " + ex.getMessage() + " (reason " + ex.getReasonCode() + ")");
            }
        }
    }

    private synchronized MqttClient connected() throws MqttException {
        if (client == null) {
            // Paho is given tcp:// and sockets that connect only to a checked address, and do the TLS of an ssl://
            // broker themselves (PolicySockets)
            String host = MqttOutTarget.host(target.broker());
            client = new MqttClient("tcp://" + host + ":" + MqttOutTarget.port(target.broker()),
                "datenhafen-out-" + target.name(), new MemoryPersistence());
            client.setTimeToWait(TIMEOUT_SECONDS * 1000L);
        }
        if (!client.isConnected()) {
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            options.setConnectionTimeout(TIMEOUT_SECONDS);
            options.setMaxInflight(1000);
            if (target.username() != null) {
                options.setUserName(target.username());
            }
            if (target.password() != null) {
                options.setPassword(target.password().toCharArray());
            }
            options.setSocketFactory(new PolicySockets(policy, MqttOutTarget.host(target.broker()),
                MqttOutTarget.port(target.broker()), !target.tls() ? null : target.trust() != null ? target.trust()
                : (SSLSocketFactory) SSLSocketFactory.getDefault()));
            client.connect(options);
            LOG.info("MQTT sink {} connected", target);
        }
        return client;
    }

    @Override
    protected synchronized void doStop() throws Exception {
        if (client != null) {
            try {
                if (client.isConnected()) {
                    client.disconnect(1000);
                }
                client.close(true);
            } catch (MqttException e) {
                LOG.debug("MQTT sink {}: closing: {}", target.name(), e.getMessage());
            }
            client = null;
        }
        super.doStop();
    }
}
