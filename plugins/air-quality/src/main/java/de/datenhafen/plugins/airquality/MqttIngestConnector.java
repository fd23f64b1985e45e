package de.datenhafen.plugins.airquality;

import de.datenhafen.api.BusHeaders;
import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigCheck;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.PayloadTooLargeException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultEndpoint;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code airquality-mqtt}: subscribes to a broker topic where The Things Stack ({@code v3/<app>/devices/+/up}) or
 * ChirpStack ({@code application/<id>/device/+/event/up}) publish uplinks, with the same field mapping as
 * {@code airquality-http}. Two steps, so that nothing is lost and nothing bad is dropped silently:
 * <ol>
 *   <li>each MQTT message is put on the bus as it came ({@code air.uplink}, QoS 1 acknowledged to the broker only
 *   after the commit); a message the bus refuses for what it is (a topic longer than a subject may be, a payload
 *   larger than an event may carry) is acknowledged too, counted as a failed message with the bus's reason as the
 *   integration's last error and logged once at WARN: the broker would otherwise send it first again after every
 *   reconnect, and hold back every later uplink;</li>
 *   <li>a subscription decodes it: valid readings become {@code air.reading}; an invalid one fails the delivery with
 *   the device, field and reason, so the uplink lands in the hub's dead letters with that reason (after the bus's
 *   retries), where an admin can see, fix the registry and replay it.</li>
 * </ol>
 */
final class MqttIngestConnector implements Connector {

    static final String UPLINK = "air.uplink";
    private static final Logger LOG = LoggerFactory.getLogger(MqttIngestConnector.class);

    private final AirQuality air;

    MqttIngestConnector(AirQuality air) {
        this.air = air;
    }

    @Override
    public String name() {
        return "airquality-mqtt";
    }

    @Override
    public String description() {
        return "Subscribes to the uplinks a LoRaWAN network server (The Things Stack, ChirpStack) publishes over "
            + "MQTT; valid readings become air.reading events, invalid ones go to the dead letters with the reason.";
    }

    @Override
    public ConfigDef config() {
        return FieldMapping.declare(ConfigDef.builder()
                .define("broker", ConfigType.STRING, null, true, "Broker URI, for example tcp://localhost:1883 or "
                    + "ssl://eu1.cloud.thethings.network:8883")
                .define("topic", ConfigType.STRING, null, true, "Topic filter, for example v3/my-app@ttn/devices/+/up")
                .define("username", ConfigType.STRING, null, false, "User name at the broker")
                .secret("password", ConfigType.STRING, null, false, "Password (an API key for The Things Stack)")
                .define(MqttTls.CA_CERTIFICATE, ConfigType.STRING, null, false, "For an ssl:// broker whose "
                    + "certificate a private CA signed: that CA's certificate in PEM form, trusted instead of the "
                    + "JVM's trust store")
                .check(MqttTls.CA_CERTIFICATE, ConfigCheck.pemCertificates())
                .define("client-id", ConfigType.STRING, null, false,
                    "MQTT client id; default: datenhafen-<integration>; a persistent session keeps QoS 1 "
                        + "messages while the hub is away")
                .define("max-future", ConfigType.DURATION, "10m", false,
                    "A reading time further ahead of the hub's clock than this is refused"))
            .build();
    }

    /** A CA certificate must be PEM and go with a TLS broker; checked here so that a start never meets a bad one. */
    @Override
    public List<ConfigProblem> validate(Config config) {
        if (config.has(MqttTls.CA_CERTIFICATE)) {
            String broker = config.getString("broker");
            if (!MqttTls.isTls(broker)) {
                return List.of(ConfigProblem.coded(MqttTls.CA_CERTIFICATE, MqttTls.notTls(broker),
                    "ca-certificate-without-tls", broker));
            }
            try {
                MqttTls.trusting(config.getString(MqttTls.CA_CERTIFICATE), broker);
            } catch (IllegalArgumentException e) {
                return List.of(ConfigProblem.coded(MqttTls.CA_CERTIFICATE, e.getMessage(), "ca-certificate-unusable",
                    e.getMessage()));
            }
        }
        return List.of();
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        Ingest ingest = new Ingest(new UplinkParser(FieldMapping.from(ctx.config()),
            ctx.config().getDuration("max-future"), Clock.systemUTC()), air.registry);
        BusPublisher readings = new BusPublisher(Ingest.READING);
        de.datenhafen.api.BusPublisher hub = ctx.publisher();
        String clientId = ctx.config().has("client-id") ? ctx.config().getString("client-id")
            : "datenhafen-" + ctx.integrationName();
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setAutomaticReconnect(true);
        options.setMaxInflight(1000);
        if (ctx.config().has("username")) {
            options.setUserName(ctx.config().getString("username"));
        }
        if (ctx.config().has("password")) {
            options.setPassword(ctx.config().getString("password").toCharArray());
        }
        String broker = ctx.config().getString("broker");
        if (ctx.config().has(MqttTls.CA_CERTIFICATE)) {
            options.setSocketFactory(MqttTls.trusting(ctx.config().getString(MqttTls.CA_CERTIFICATE), broker));
        }
        String topic = ctx.config().getString("topic");
        return new RouteBuilder() {
            @Override
            public void configure() {
                MqttEndpoint in = new MqttEndpoint("airquality-mqtt://" + ctx.integrationName(), broker, topic,
                    clientId, options);
                in.setCamelContext(getContext());
                from(in)
                    .routeId(ctx.routeId("receive"))
                    // MqttConsumer logs each failure once itself, without Camel's ERROR and stack trace for a
                    // message that will never fit; the exchange still fails, so the hub counts it
                    .errorHandler(noErrorHandler())
                    .to(ctx.bus(UPLINK));

                from(ctx.busConsumer(UPLINK).subscription(ctx.integrationName() + "-decode").uri())
                    .routeId(ctx.routeId("decode"))
                    .filter(header(BusHeaders.SOURCE).isEqualTo(source(ctx.integrationName())))
                    .process(e -> decode(e, ingest, readings, hub));
            }
        };
    }

    static String source(String integration) {
        return "/air-quality/mqtt/" + integration;
    }

    private static void decode(Exchange e, Ingest ingest, BusPublisher readings,
                               de.datenhafen.api.BusPublisher hub) {
        Ingest.Outcome out;
        try {
            out = ingest.accept(e.getIn().getBody(byte[].class));
        } catch (UplinkParser.BodyException ex) {
            throw new IllegalArgumentException("uplink refused: " + ex.getMessage());
        }
        readings.publish(hub, out.events());
        if (!out.problems().isEmpty()) {
            StringBuilder why = new StringBuilder("uplink refused (").append(out.events().size())
                .append(" reading(s) of it stored): ");
            String separator = "";
            for (Problem p : out.problems()) {
                why.append(separator).append(p.device() == null ? "" : "device " + p.device() + ", ")
                    .append(p.field()).append(' ').append(p.error());
                separator = "; ";
            }
            throw new IllegalArgumentException(why.toString());
        }
    }

    /** A Camel endpoint for one subscription at one broker (camel-paho is not served here; see stack.md). */
    static final class MqttEndpoint extends DefaultEndpoint {
        private final String broker;
        private final String topic;
        private final String clientId;
        private final MqttConnectOptions options;

        MqttEndpoint(String uri, String broker, String topic, String clientId, MqttConnectOptions options) {
            super(uri, null);
            this.broker = broker;
            this.topic = topic;
            this.clientId = clientId;
            this.options = options;
        }

        @Override
        public Producer createProducer() {
            throw new UnsupportedOperationException("airquality-mqtt only receives");
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            return new MqttConsumer(this, processor);
        }

        @Override
        public boolean isSingleton() {
            return true;
        }
    }

    /**
     * Receives on Paho's callback thread and runs the route there, so a QoS 1 message is acknowledged only after
     * its route (the bus commit) succeeded or the bus refused it for what it is ({@link InvalidInputException},
     * {@link PayloadTooLargeException}: the same message would be refused again). Any other failure (the bus full or
     * stopping, the event log's writer failing, a database error) closes the connection, and the broker sends the
     * message again: acknowledged then, it would be lost.
     */
    static final class MqttConsumer extends DefaultConsumer implements MqttCallbackExtended {
        private MqttClient client;

        MqttConsumer(MqttEndpoint endpoint, Processor processor) {
            super(endpoint, processor);
        }

        private MqttEndpoint ep() {
            return (MqttEndpoint) getEndpoint();
        }

        @Override
        protected void doStart() throws Exception {
            super.doStart();
            client = new MqttClient(ep().broker, ep().clientId, new MemoryPersistence());
            client.setCallback(this);
            try {
                client.connect(ep().options);
            } catch (MqttException e) {
                closeQuietly();
                throw new IllegalStateException("cannot connect to the broker " + ep().broker + " as "
                    + ep().clientId + ": " + e.getMessage() + " (" + e.getReasonCode() + ")"
                    + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()), e);
            }
            try {
                client.subscribe(ep().topic, 1);
            } catch (MqttException e) {
                closeQuietly();
                throw new IllegalStateException("cannot subscribe to " + ep().topic + " at the broker "
                    + ep().broker + ": " + e.getMessage() + " (" + e.getReasonCode() + ")", e);
            }
        }

        private void closeQuietly() {
            try {
                if (client.isConnected()) {
                    client.disconnectForcibly(1000);
                }
                client.close();
            } catch (MqttException e) {
                LOG.debug("closing the client for {}: {}", ep().broker, e.getMessage());
            }
            client = null;
        }

        @Override
        protected void doStop() throws Exception {
            if (client != null) {
                try {
                    if (client.isConnected()) {
                        client.disconnect(2000);
                    }
                } finally {
                    client.close();
                    client = null;
                }
            }
            super.doStop();
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            if (reconnect) {
                try {
                    client.subscribe(ep().topic, 1);
                } catch (Exception e) {
                    LOG.warn("cannot subscribe again to {} at {}: {}", ep().topic, serverURI, e.getMessage());
                }
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            LOG.warn("lost the connection to {}: {}", ep().broker, cause == null ? "" : cause.getMessage());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) throws Exception {
            Exchange exchange = createExchange(false);
            try {
                String integration = getRouteId().substring(0, getRouteId().lastIndexOf('.'));
                exchange.getIn().setHeader(BusHeaders.SOURCE, source(integration));
                // a redelivered message gets a new id; its readings are still stored once (their ids are theirs)
                exchange.getIn().setHeader(BusHeaders.ID, UUID.randomUUID().toString());
                exchange.getIn().setHeader(BusHeaders.SUBJECT, topic);
                exchange.getIn().setHeader(BusHeaders.DATA_CONTENT_TYPE, "application/json");
                exchange.getIn().setBody(message.getPayload());
                getProcessor().process(exchange);
                Exception failure = exchange.getException();
                if (failure instanceof InvalidInputException || failure instanceof PayloadTooLargeException) {
                    // acknowledged: the broker sends an unacknowledged message first again after every reconnect,
                    // so keeping this one would hold back every later uplink
                    LOG.warn("refused an MQTT message on {} ({} bytes) for good, not taking it again: {}",
                        shortened(topic), message.getPayload().length, failure.getMessage());
                    return;
                }
                if (failure != null) {
                    LOG.warn("cannot put an MQTT message on {} on the bus now; the broker sends it again: {}",
                        shortened(topic), failure.toString());
                    throw failure;
                }
            } finally {
                releaseExchange(exchange, false);
            }
        }

        /** A topic for a log line: the one that was refused may be thousands of characters long. */
        static String shortened(String topic) {
            return topic.length() <= 200 ? topic : topic.substring(0, 200) + "... (" + topic.length() + " characters)";
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }
}
