package de.datenhafen.testkit;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link DeadLetterApiSuite} with the bus on Kafka (testkit's {@link Kafka}, in this JVM). */
class KafkaDeadLetterApiTest extends DeadLetterApiSuite {

    @RegisterExtension
    static final HubExtension hub = BusTestSupport.onKafka(builder(), "dead-letter-api-test.").build();

    @Override
    HubExtension hub() {
        return hub;
    }
}
