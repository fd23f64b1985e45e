package de.datenhafen.testkit;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link DeadLetterApiSuite} on the hub's database. */
class DeadLetterApiTest extends DeadLetterApiSuite {

    @RegisterExtension
    static final HubExtension hub = builder().build();

    @Override
    HubExtension hub() {
        return hub;
    }
}
