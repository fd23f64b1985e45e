package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.bus.EventFilter;
import de.datenhafen.core.bus.StoredEvent;
import de.datenhafen.fixtures.BatchPlugin;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A route puts a {@code List<BusEvent>} on the bus as one batch, in list order, with one commit. */
class BusBatchProducerTest {

    private static final Path ARCHIVES = TestDirs.create("bus-batch");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .plugin(() -> PluginArchiveBuilder.plugin("batch", "1.0.0", Fixtures.MEMBER, BatchPlugin.class)
            .writeTo(ARCHIVES))
        .build();

    @BeforeAll
    static void createIntegration() {
        HubClient.Response r = hub.client().post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "batcher").put("connector", "fixture-batch"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    @Test
    void storesTheBatchInListOrderAndAnswersEachSequence(HubClient client) {
        JsonArray items = new JsonArray()
            .add(item("a-1", "room-1", 1)).add(item("b-1", "room-2", 2)).add(item("a-2", "room-1", 3))
            .add(item("b-2", "room-2", 4)).add(item("a-3", "room-1", 5));

        HubClient.Response r = client.anonymous().post("/api/v1/plugins/batch/batch", "application/json",
            items.encode());

        assertThat(r.status()).as(r.body()).isEqualTo(202);
        List<Object> sequences = r.json().getJsonArray("sequences").getList();
        assertThat(sequences).hasSize(5);
        long first = ((Number) sequences.get(0)).longValue();
        assertThat(sequences).extracting(s -> ((Number) s).longValue())
            .containsExactly(first, first + 1, first + 2, first + 3, first + 4);
        List<StoredEvent> stored = hub.hub().eventLog().read(EventFilter.ofTypes("test.batch"), first - 1, 10);
        assertThat(stored).extracting(e -> e.event().getId()).containsExactly("a-1", "b-1", "a-2", "b-2", "a-3");
        assertThat(stored).extracting(e -> e.event().getSubject())
            .containsExactly("room-1", "room-2", "room-1", "room-2", "room-1");
        assertThat(stored).allSatisfy(e -> assertThat(e.member()).isEqualTo(Fixtures.MEMBER));
        assertThat(new String(stored.get(4).event().getData().toBytes(), StandardCharsets.UTF_8))
            .isEqualTo("{\"n\":5}");
        assertThat(stored.get(0).event().getSource().toString()).isEqualTo("/plugins/batch/integrations/batcher");
    }

    @Test
    void aDuplicateInsideTheBatchIsStoredOnceAndAnsweredWithTheFirstSequence(HubClient client) {
        JsonArray items = new JsonArray().add(item("d-1", "room-9", 1)).add(item("d-1", "room-9", 1));

        HubClient.Response r = client.anonymous().post("/api/v1/plugins/batch/batch", "application/json",
            items.encode());

        assertThat(r.status()).as(r.body()).isEqualTo(202);
        List<Object> sequences = r.json().getJsonArray("sequences").getList();
        assertThat(sequences.get(1)).isEqualTo(sequences.get(0));
        assertThat(hub.hub().eventLog().read(new EventFilter(List.of("test.batch"), "room-9"), 0, 10)).hasSize(1);
    }

    private static JsonObject item(String id, String subject, int n) {
        return new JsonObject().put("id", id).put("subject", subject).put("n", n);
    }
}
