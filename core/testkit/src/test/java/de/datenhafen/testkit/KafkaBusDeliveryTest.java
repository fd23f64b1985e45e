package de.datenhafen.testkit;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link BusDeliverySuite} with the bus on Kafka (testkit's {@link Kafka}, in this JVM). */
class KafkaBusDeliveryTest extends BusDeliverySuite {

    @RegisterExtension
    static final HubExtension hub = BusTestSupport.onKafka(builder(), "delivery-test.").build();

    @Override
    HubExtension hub() {
        return hub;
    }
}
