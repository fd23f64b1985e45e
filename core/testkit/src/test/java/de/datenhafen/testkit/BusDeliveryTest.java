package de.datenhafen.testkit;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link BusDeliverySuite} on the hub's database. */
class BusDeliveryTest extends BusDeliverySuite {

    @RegisterExtension
    static final HubExtension hub = builder().build();

    @Override
    HubExtension hub() {
        return hub;
    }
}
