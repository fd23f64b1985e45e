package de.datenhafen.testkit;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SubscriptionsApiSuite} on the hub's database. */
class SubscriptionsApiTest extends SubscriptionsApiSuite {

    @RegisterExtension
    static final HubExtension hub = builder().build();

    @Override
    HubExtension hub() {
        return hub;
    }
}
