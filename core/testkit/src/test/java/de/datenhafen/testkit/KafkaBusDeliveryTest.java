package de.datenhafen.testkit;

import de.datenhafen.core.config.HubConfig;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link BusDeliverySuite} with the bus on Kafka (testkit's {@link Kafka}, in this JVM). */
class KafkaBusDeliveryTest extends BusDeliverySuite {

    @RegisterExtension
    static final HubExtension hub = builder()
        .config(HubConfig.BUS_KIND, "kafka")
        .config(HubConfig.BUS_KAFKA_BOOTSTRAP_SERVERS, Kafka.shared().bootstrapServers())
        .config(HubConfig.BUS_KAFKA_TOPIC_PREFIX, "delivery-test.")
        .build();

    @Override
    HubExtension hub() {
        return hub;
    }
}
