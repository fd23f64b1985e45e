package de.datenhafen.testkit;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SubscriptionsApiSuite} with the bus on Kafka (testkit's {@link Kafka}, in this JVM). */
class KafkaSubscriptionsApiTest extends SubscriptionsApiSuite {

    @RegisterExtension
    static final HubExtension hub = BusTestSupport.onKafka(builder(), "subscriptions-api-test.").build();

    @Override
    HubExtension hub() {
        return hub;
    }
}
