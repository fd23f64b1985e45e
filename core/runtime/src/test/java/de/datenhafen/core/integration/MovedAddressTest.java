package de.datenhafen.core.integration;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.RoutesBuilder;
import org.junit.jupiter.api.Test;

/**
 * Which change of an integration's config moves a secret it keeps somewhere else: a changed, added or removed address
 * (a value {@code scheme://...}), not a change of anything else.
 */
class MovedAddressTest {

    /** As transit's GTFS-realtime connector: several feed URLs, polled with one authorization. */
    private static final Connector FEEDS = new Connector() {
        @Override
        public String name() {
            return "feeds";
        }

        @Override
        public String description() {
            return "polls feeds";
        }

        @Override
        public ConfigDef config() {
            return ConfigDef.builder()
                .define("trip-updates-url", ConfigType.STRING, null, false, "a feed")
                .define("alerts-url", ConfigType.STRING, null, false, "another")
                .define("interval", ConfigType.STRING, "30s", false, "how often")
                .secret("authorization", ConfigType.STRING, null, false, "sent with each poll")
                .build();
        }

        @Override
        public RoutesBuilder routes(IntegrationContext ctx) {
            throw new UnsupportedOperationException("the test checks configs only; it starts no routes");
        }
    };

    private static final Map<String, Object> STORED = Map.of("trip-updates-url", "https://feeds.example.org/tu",
        "interval", "30s", "authorization", "Bearer the-operators-key");

    private static Map<String, Object> given(String key, Object value) {
        Map<String, Object> m = new HashMap<>(STORED);
        m.remove("authorization");
        if (value == null) {
            m.remove(key);
        } else {
            m.put(key, value);
        }
        return m;
    }

    @Test
    void aChangedAddedOrRemovedAddressMovesTheSecretAnythingElseDoesNot() {
        assertThat(IntegrationManager.movedAddress(FEEDS, STORED, given("interval", "10s"))).isNull();
        assertThat(IntegrationManager.movedAddress(FEEDS, STORED,
            given("trip-updates-url", " https://feeds.example.org/tu "))).as("the same, spaced").isNull();
        assertThat(IntegrationManager.movedAddress(FEEDS, STORED,
            given("trip-updates-url", "https://feeds.example.org/tu2"))).isEqualTo("trip-updates-url");
        assertThat(IntegrationManager.movedAddress(FEEDS, STORED,
            given("alerts-url", "https://collector.example.net/a"))).as("a second feed of someone else's")
            .isEqualTo("alerts-url");
        assertThat(IntegrationManager.movedAddress(FEEDS, STORED, given("trip-updates-url", null)))
            .isEqualTo("trip-updates-url");
        assertThat(IntegrationManager.movedAddress(FEEDS, STORED, given("alerts-url", ""))).isNull();
    }
}
