package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two hubs in one JVM, as when a test class starts while an earlier one's hub has not closed yet: each hub's
 * /metrics holds its own HTTP figures. Vert.x's Micrometer support keeps its registries in a static map by name, so
 * hubs that shared a name shared the first one's registry and the second reported no HTTP figures.
 */
class TwoHubsMetricsTest {

    @RegisterExtension
    static final HubExtension first = HubExtension.builder().build();

    @RegisterExtension
    static final HubExtension second = HubExtension.builder().build();

    @Test
    void eachHubCountsTheRequestsItServedItself() {
        assertThat(first.client().anonymous().get("/health/live").status()).isEqualTo(200);
        assertThat(second.client().anonymous().get("/health/live").status()).isEqualTo(200);
        assertThat(second.client().anonymous().get("/health/live").status()).isEqualTo(200);

        assertThat(liveRequests(first)).isEqualTo("1.0");
        assertThat(liveRequests(second)).isEqualTo("2.0");
    }

    private static String liveRequests(HubExtension hub) {
        HubClient.Response r = hub.client().anonymous().get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        return r.body().lines()
            .filter(l -> l.startsWith("vertx_http_server_requests_total{") && l.contains("route=\"/health/live\""))
            .map(l -> l.substring(l.lastIndexOf(' ') + 1))
            .findFirst().orElse("no count for /health/live");
    }
}
