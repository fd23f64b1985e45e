package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.api.BusConsumerEndpoint;
import de.datenhafen.fixtures.BusHelpersPlugin;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The API's bus helpers on a running hub: type per message, publishing outside routes, a built consumer URI. */
class BusHelpersTest {

    private static final Path ARCHIVES = TestDirs.create("bus-helpers");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().plugin(() -> PluginArchiveBuilder.plugin("helpers",
        "1.0.0", Fixtures.MEMBER, BusHelpersPlugin.class).writeTo(ARCHIVES)).build();

    @BeforeAll
    static void integration() {
        HubClient.Response r = hub.client().post("/api/v1/admin/integrations", new JsonObject().put("name", "helped")
            .put("connector", "bus-helpers").put("config", new JsonObject().put("prefix", "helped")));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    @Test
    void eachMessageGoesOnTheBusAsTheTypeItsHeaderNames(HubClient client) {
        assertThat(client.anonymous().post("/api/v1/plugins/helpers/helped/typed?kind=opened", "application/json",
            "{}").status()).isEqualTo(202);
        assertThat(client.anonymous().post("/api/v1/plugins/helpers/helped/typed?kind=closed", "application/json",
            "{}").status()).isEqualTo(202);

        assertThat(events(client, "helped.opened")).hasSize(1);
        assertThat(events(client, "helped.closed")).hasSize(1);
    }

    @Test
    void aBatchPublishedFromAPluginThreadIsCommittedInOrderAndConsumedInBatches(HubClient client) {
        HubClient.Response r = client.anonymous().post("/api/v1/plugins/helpers/helped/batch?n=120",
            "application/json", "{}");
        HubClient.Response again = client.anonymous().post("/api/v1/plugins/helpers/helped/batch?n=120",
            "application/json", "{}");

        assertThat(r.json()).isEqualTo(new JsonObject().put("sequences", 120).put("duplicates", 0));
        assertThat(again.json()).isEqualTo(new JsonObject().put("sequences", 120).put("duplicates", 120));
        JsonArray batched = events(client, "helped.batched");
        assertThat(batched).hasSize(120);
        assertThat(batched.getJsonObject(0).getJsonObject("event").getString("source"))
            .isEqualTo("/plugins/helpers/integrations/helped");
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
            events(client, "helped.seen").stream().mapToInt(e -> ((JsonObject) e).getJsonObject("event")
                .getJsonObject("data").getInteger("batch")).sum()).isEqualTo(120));
        assertThat(events(client, "helped.seen").stream().mapToInt(e -> ((JsonObject) e).getJsonObject("event")
            .getJsonObject("data").getInteger("batch")).max().orElseThrow()).isLessThanOrEqualTo(50);
    }

    @Test
    void aConsumerUriIsBuiltFromTypesSubscriptionAndBatchSize() throws Exception {
        assertThat(BusConsumerEndpoint.of("air.reading", "air.*").subscription("my projections").subjectPrefix("s/")
            .maxBatch(500).uri()).isEqualTo("bus:air.reading,air.*?subscription=RAW(my projections)&subjectPrefix="
            + "RAW(s/)&maxBatch=500");
        // a subject prefix from a config goes as it is: never decoded into an option of its own
        String injected = "x%26exceptionHandler=#class:java.io.FileOutputStream('/tmp/x')&a=(b)";
        String uri = BusConsumerEndpoint.of("air.reading").subscription("s").subjectPrefix(injected).uri();
        String normalized = org.apache.camel.util.URISupport.normalizeUri(uri);
        java.util.Map<String, Object> options = org.apache.camel.util.URISupport.parseQuery(
            normalized.substring(normalized.indexOf('?') + 1), true);
        org.apache.camel.util.URISupport.resolveRawParameterValues(options);
        assertThat(options).containsOnlyKeys("subscription", "subjectPrefix").containsEntry("subjectPrefix", injected);
        assertThatThrownBy(() -> BusConsumerEndpoint.of("air.reading").subjectPrefix("a)}"))
            .hasMessage("a bus consumer's subjectPrefix must not hold both ) and }");
        assertThatThrownBy(() -> BusConsumerEndpoint.of("air.reading").uri())
            .hasMessageContaining("needs a subscription");
        assertThatThrownBy(() -> BusConsumerEndpoint.of("air.reading").subscription("s").maxBatch(0).uri())
            .hasMessageContaining("between 1 and 10000");
    }

    private static JsonArray events(HubClient client, String type) {
        return client.get("/api/v1/events?type=" + type + "&limit=500").json().getJsonArray("events");
    }
}
