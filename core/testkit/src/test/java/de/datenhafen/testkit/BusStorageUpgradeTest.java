package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.config.HubConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Chunks became the bus's default storage: a data folder whose bus holds events as rows (written before) keeps its
 * events visible after the upgrade, and its sequences go on; a new data folder stores chunks.
 */
class BusStorageUpgradeTest {

    private static final String BATCH = "application/cloudevents-batch+json";

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().config(HubConfig.BUS_STORAGE, "rows").build();

    @Test
    void aDataFolderWrittenByTheRowStorageKeepsEveryEventAndItsSequencesAfterTheDefaultChanged(HubClient client) {
        List<Long> before = post(client, "before", 250);
        assertThat(hub.hub().eventLog().getClass().getSimpleName()).isEqualTo("H2EventLog");

        Map<String, Object> upgrade = new HashMap<>();
        upgrade.put(HubConfig.BUS_STORAGE, null); // the new default, as after an upgrade
        hub.restart(upgrade);
        HubClient upgraded = hub.client();

        assertThat(hub.hub().eventLog().getClass().getSimpleName()).as("rows kept").isEqualTo("H2EventLog");
        assertThat(hub.hub().config().dbUrl()).contains(";COMPRESS=TRUE;"); // rows take a third of the bytes with it
        assertThat(read(upgraded)).extracting(e -> e.getLong("sequence")).containsExactlyElementsOf(before);
        List<Long> after = post(upgraded, "after", 3);
        assertThat(after).containsExactly(before.get(249) + 1, before.get(249) + 2, before.get(249) + 3);
        // a retry of an event stored before the upgrade is still recognised
        HubClient.Response again = upgraded.post("/api/v1/events", BATCH,
            new JsonArray().add(event("before-7")).encode());
        assertThat(again.json().getJsonArray("events").getJsonObject(0).getBoolean("duplicate")).isTrue();
        assertThat(read(upgraded)).hasSize(253);
    }

    @Test
    void aNewDataFolderStoresChunksByDefault() {
        HubExtension fresh = HubExtension.builder().build();
        try {
            fresh.beforeAll(null);
            assertThat(fresh.hub().eventLog().getClass().getSimpleName()).isEqualTo("ChunkedEventLog");
            List<Long> seqs = post(fresh.client(), "fresh", 5);
            assertThat(read(fresh.client())).extracting(e -> e.getLong("sequence")).containsExactlyElementsOf(seqs);
            // the next start opens the existing file as chunks want it: no page compression (H2's 64 KB pages)
            java.nio.file.Path data = fresh.hub().config().dataDir();
            assertThat(java.nio.file.Files.readString(data.resolve("bus-storage"))).isEqualTo("chunks\n");
            fresh.restart();
            assertThat(fresh.hub().config().dbUrl()).doesNotContain("COMPRESS").contains(";PAGE_SIZE=4096;");
            assertThat(read(fresh.client())).extracting(e -> e.getLong("sequence")).containsExactlyElementsOf(seqs);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            fresh.afterAll(null);
        }
    }

    private static List<Long> post(HubClient client, String prefix, int n) {
        List<Long> seqs = new ArrayList<>();
        for (int from = 0; from < n; from += 100) {
            JsonArray batch = new JsonArray();
            for (int i = from; i < Math.min(n, from + 100); i++) {
                batch.add(event(prefix + "-" + i));
            }
            HubClient.Response r = client.post("/api/v1/events", BATCH, batch.encode());
            assertThat(r.status()).as(r.toString()).isEqualTo(202);
            r.json().getJsonArray("events").forEach(e -> seqs.add(((JsonObject) e).getLong("sequence")));
        }
        return seqs;
    }

    /** Every upgrade.test event through GET /api/v1/events, page by page (a short page is the last). */
    private static List<JsonObject> read(HubClient client) {
        List<JsonObject> out = new ArrayList<>();
        long after = 0;
        while (true) {
            JsonObject page = client.get("/api/v1/events?type=upgrade.test&after=" + after + "&limit=100").json();
            JsonArray events = page.getJsonArray("events");
            events.forEach(e -> out.add((JsonObject) e));
            if (events.size() < 100) {
                return out;
            }
            after = page.getLong("next");
        }
    }

    private static JsonObject event(String id) {
        return new JsonObject().put("specversion", "1.0").put("id", id).put("source", "/upgrade")
            .put("type", "upgrade.test").put("subject", "room-1").put("datacontenttype", "application/json")
            .put("data", new JsonObject().put("co2", 612));
    }
}
