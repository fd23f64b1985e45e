package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.Hub;
import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's online backup on its embedded H2 database ({@code POST /api/v1/admin/backup}), taken while two clients
 * post events, and restored as docs/operations.md says: the zip unpacked into an empty data folder, a hub started on
 * it. That hub has every event acknowledged before the backup was asked for, each once, and runs the plugin installed
 * before it, whose archive it fetched from the restored database into its empty plugins folder.
 */
class OnlineBackupTest {

    /** The restored hub's database holds the admin token's hash: both hubs take the same one. */
    private static final String TOKEN = "online-backup-admin-token-0123456789";
    private static final String TYPE = "test.backup.reading";

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().config(HubConfig.ADMIN_TOKEN, TOKEN).build();

    @TempDir
    Path restoreHome;

    @Test
    void aBackupTakenDuringIngestRestoresEveryEventAcknowledgedBeforeIt() throws Exception {
        HubClient client = new HubClient(URI.create("http://127.0.0.1:" + hub.port()), TOKEN);
        HubClient.Response installed = client.installPlugin(Fixtures.quiet(restoreHome.resolve("archives"), "kept"),
            true);
        assertThat(installed.status()).as(installed.toString()).isEqualTo(201);
        Ingest ingest = new Ingest();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            int producer = p;
            Thread t = new Thread(() -> produce(client, producer, ingest, stop), "producer-" + p);
            t.start();
            producers.add(t);
        }
        HubClient.Response backup;
        Set<String> before;
        try {
            await("ingest under way").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> ingest.acked.size() >= 400 || !ingest.failures.isEmpty());
            assertThat(ingest.failures).as("every post answered 202").isEmpty();
            before = new HashSet<>(ingest.acked);
            backup = client.post("/api/v1/admin/backup");
            int atBackup = ingest.acked.size();
            await("ingest goes on after the backup").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> ingest.acked.size() >= atBackup + 200 || !ingest.failures.isEmpty());
        } finally {
            stop.set(true);
            for (Thread t : producers) {
                t.join(30_000);
            }
        }
        assertThat(ingest.failures).as("every post answered 202").isEmpty();
        long lastOfTheOldHub = sequence(client, "after-the-backup");
        // 201 once written; 202 with the name when that takes longer than the call waits (a machine under load)
        assertThat(backup.status()).as(backup.toString()).isIn(201, 202);
        JsonObject answer = backup.json();
        Path zip = hub.home().resolve("data").resolve(answer.getString("folder")).resolve(answer.getString("name"));
        assertThat(answer.getString("name")).matches("datenhafen-\\d{8}-\\d{6}(-\\d+)?\\.zip");
        if (backup.status() == 201) {
            assertThat(Files.size(zip)).isEqualTo(answer.getLong("size"));
        } else {
            await("the zip written").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> Files.exists(zip));
        }
        assertThat(entries(zip)).as("a trace file of H2's may come along")
            .contains("datenhafen.mv.db", "db.key", "secret.key", "node-id", "bus-storage", "from-backup.json");

        unzip(zip, Files.createDirectories(restoreHome.resolve("data")));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(HubConfig.HTTP_HOST, "127.0.0.1");
        settings.put(HubConfig.HTTP_PORT, 0);
        settings.put(HubConfig.ADMIN_TOKEN, TOKEN);
        settings.put(HubConfig.PLUGINS_REQUIRE_SIGNATURE, false);
        try (Hub restored = Hub.start(HubConfig.load(restoreHome, Map.of(), settings))) {
            HubClient restoredClient = new HubClient(URI.create("http://127.0.0.1:" + restored.port()), TOKEN);
            List<String> ids = ids(restoredClient);

            assertThat(restoredClient.get("/health/ready").status()).isEqualTo(200);
            assertThat(ids).as("each event once").doesNotHaveDuplicates();
            assertThat(ids).as("every event acknowledged before the backup").containsAll(before);
            assertThat(ingest.sent).as("nothing the clients did not send").containsAll(ids);
            assertThat(restoredClient.get("/api/v1/admin/plugins/kept").json().getString("state")).isEqualTo("started");
            assertThat(restoreHome.resolve("plugins").resolve("kept-1.0.0.zip")).exists();
            // a client that read the old hub up to its last event reads on from there and misses no new event (the
            // restored hub used to give the numbers the old one handed out after the backup to new events again)
            long first = sequence(restoredClient, "first-after-the-restore");
            assertThat(first).isGreaterThan(lastOfTheOldHub);
            assertThat(restoredClient.get("/api/v1/events?type=" + TYPE + "&after=" + lastOfTheOldHub).json()
                .getJsonArray("events").stream().map(e -> ((JsonObject) e).getJsonObject("event").getString("id"))
                .toList()).containsExactly("first-after-the-restore");
            assertThat(restoreHome.resolve("data").resolve("from-backup.json")).as("a usual start next time")
                .doesNotExist();
        }
    }

    /** Posts one event of {@link #TYPE}; its sequence. */
    private static long sequence(HubClient client, String id) {
        HubClient.Response r = client.post("/api/v1/events", "application/cloudevents+json", new JsonObject()
            .put("specversion", "1.0").put("id", id).put("source", "/test/backup").put("type", TYPE)
            .put("subject", "room-0").put("data", new JsonObject().put("n", 0)).encode());
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        return r.json().getJsonArray("events").getJsonObject(0).getLong("sequence");
    }

    /** What the producers saw: ids whose post was answered 202, everything sent, and other answers. */
    private static final class Ingest {
        final ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
        final Set<String> sent = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    }

    /** Posts batches of 20 events until stopped; records each batch's ids once it is acknowledged. */
    private static void produce(HubClient client, int producer, Ingest out, AtomicBoolean stop) {
        for (int batch = 0; !stop.get(); batch++) {
            JsonArray events = new JsonArray();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String id = "p" + producer + "-" + batch + "-" + i;
                ids.add(id);
                events.add(new JsonObject().put("specversion", "1.0").put("id", id).put("source", "/test/backup")
                    .put("type", TYPE).put("subject", "room-" + i).put("data", new JsonObject().put("n", i)));
            }
            out.sent.addAll(ids);
            HubClient.Response r = client.post("/api/v1/events", "application/cloudevents-batch+json", events.encode());
            if (r.status() == 202) {
                out.acked.addAll(ids);
            } else {
                out.failures.add(r.toString());
                return;
            }
        }
    }

    /** Every event of {@link #TYPE} the hub has, page by page, as a client reads them. */
    private static List<String> ids(HubClient client) {
        List<String> ids = new ArrayList<>();
        long after = 0;
        while (true) {
            HubClient.Response page = client.get("/api/v1/events?type=" + TYPE + "&limit=1000&after=" + after);
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            JsonArray events = page.json().getJsonArray("events");
            if (events.isEmpty()) {
                return ids;
            }
            events.forEach(e -> ids.add(((JsonObject) e).getJsonObject("event").getString("id")));
            after = page.json().getLong("next");
        }
    }

    private static List<String> entries(Path zip) throws IOException {
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            return z.stream().map(ZipEntry::getName).toList();
        }
    }

    private static void unzip(Path zip, Path folder) throws IOException {
        try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
            for (ZipEntry e = entries.getNextEntry(); e != null; e = entries.getNextEntry()) {
                Path file = folder.resolve(e.getName()).normalize();
                assertThat(file.startsWith(folder)).as(e.getName()).isTrue();
                Files.createDirectories(file.getParent());
                Files.copy(entries, file);
            }
        }
    }
}
