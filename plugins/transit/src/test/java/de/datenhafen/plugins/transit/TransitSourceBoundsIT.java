package de.datenhafen.plugins.transit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where a feed may come from is a hub-admin's to say: {@code import-folder} and {@code allowed-hosts} bound what a
 * source may reach, so the member-admin who sets the source does not set them (else {@code import-folder: "/"} reads
 * any file the hub can open). And the anonymous status tells nothing of the hub's file system: not the path of a file
 * source, nor whether it is missing or no zip.
 */
class TransitSourceBoundsIT {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest().build();

    private static final String INTEGRATIONS = "/api/v1/admin/integrations";
    private static final String API = "/api/v1/plugins/transit/";
    /** The owning member's member-admin and viewer (the plugin's provider is that member's name). */
    private static HubClient memberAdmin;
    private static HubClient viewer;

    @BeforeAll
    static void theOwningMember(HubClient admin) {
        HubClient.Response member = admin.post("/api/v1/admin/members", new JsonObject().put("id", "stadtwerke-mobil")
            .put("name", "Stadtwerke Lübeck Mobil"));
        assertThat(member.status()).as(member.body()).isEqualTo(201);
        memberAdmin = admin.withToken(admin.memberToken("stadtwerke-mobil", "admin", "member-admin"));
        viewer = admin.withToken(admin.memberToken("stadtwerke-mobil", "viewer", "viewer"));
    }

    private static JsonObject schedule(String name, JsonObject config) {
        return new JsonObject().put("name", name).put("connector", "gtfs-schedule").put("config", config);
    }

    private static void refused(HubClient.Response r, String key, String reason) {
        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(r.json().getString("field")).isEqualTo("config." + key);
        assertThat(r.json().getString("error")).startsWith("only a hub-admin may set " + key + ": " + reason);
    }

    @Test
    void aMemberAdminSetsNeitherTheImportFolderNorTheAllowedHostsNorTheImportLimits(HubClient admin) {
        JsonObject shadow = new JsonObject().put("source", "/etc/shadow").put("import-folder", "/")
            .put("api-path", "shadow");
        JsonObject loopback = new JsonObject().put("source", "http://localhost:8080/gtfs.zip")
            .put("allowed-hosts", new JsonArray().add("localhost")).put("api-path", "loopback");
        JsonObject bomb = new JsonObject().put("source", "feed.zip").put("max-expanded-mb", 100_000)
            .put("api-path", "bomb");
        JsonObject live = new JsonObject().put("schedule", "shadow").put("trip-updates-url", "/proc/self/environ")
            .put("import-folder", "/");

        refused(memberAdmin.post(INTEGRATIONS, schedule("shadow", shadow)), "import-folder",
            "it bounds what source may reach");
        refused(memberAdmin.post(INTEGRATIONS + "/validate", schedule("shadow", shadow)), "import-folder",
            "it bounds what source may reach");
        refused(memberAdmin.post(INTEGRATIONS, schedule("loopback", loopback)), "allowed-hosts",
            "it bounds what source may reach");
        refused(memberAdmin.post(INTEGRATIONS, schedule("bomb", bomb)), "max-expanded-mb",
            "it bounds the memory and disk an import takes of the hub");
        refused(memberAdmin.post(INTEGRATIONS, new JsonObject().put("name", "live").put("connector", "gtfs-realtime")
            .put("config", live)), "import-folder",
            "it bounds what trip-updates-url, vehicle-positions-url and alerts-url may reach");
        for (String name : new String[] {"shadow", "loopback", "bomb", "live"}) {
            assertThat(admin.get(INTEGRATIONS + "/" + name).status()).as(name).isEqualTo(404);
        }
    }

    @Test
    void theAnonymousStatusOfAFileThatCannotBeReadNamesNoPathAndNoReason(HubClient admin) throws IOException {
        Path folder = Files.createTempDirectory("transit-bounds-");
        Path missing = folder.resolve("missing-feed.zip");
        Path notZip = Files.writeString(folder.resolve("not-a-feed.zip"), "root:x:0:0:root:/root:/bin/bash\n");
        for (String[] feed : new String[][] {{"missing", missing.toString()}, {"notzip", notZip.toString()}}) {
            HubClient.Response created = admin.post(INTEGRATIONS, schedule(feed[0], new JsonObject()
                .put("source", feed[1]).put("import-folder", folder.toString()).put("interval", "0")
                .put("api-path", feed[0])));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
        }
        for (String feed : new String[] {"missing", "notzip"}) {
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> assertThat(admin.anonymous()
                .get(API + feed + "/status").json().getJsonObject("import").getJsonObject("last")
                .getString("outcome")).isEqualTo("failed"));
        }

        HubClient.Response gone = admin.anonymous().get(API + "missing/status");
        HubClient.Response noZip = admin.anonymous().get(API + "notzip/status");

        for (HubClient.Response status : new HubClient.Response[] {gone, noZip}) {
            assertThat(status.status()).as(status.body()).isEqualTo(200);
            JsonObject last = status.json().getJsonObject("import").getJsonObject("last");
            assertThat(last.getString("error")).isEqualTo("the feed could not be read from its file; the "
                + "integration's admins see why (the admin API's integration, the hub's log)");
            assertThat(last.getJsonArray("problems")).isEmpty();
            assertThat(status.body()).doesNotContain(folder.toString(), "missing-feed", "not-a-feed",
                "import folder", "zip archive");
        }
        // missing or no zip: the same answer to anyone
        assertThat(gone.json().getJsonObject("import").getJsonObject("last").getString("error"))
            .isEqualTo(noZip.json().getJsonObject("import").getJsonObject("last").getString("error"));
        // the owning member's people and hub-admins read why
        assertThat(viewer.get(API + "missing/status").json().getJsonObject("import").getJsonObject("last")
            .getString("error")).isEqualTo("source " + missing + " is not a readable file in the import folder");
        assertThat(admin.get(API + "notzip/status").json().getJsonObject("import").getJsonObject("last")
            .getString("error")).contains("not a readable zip archive");
    }
}
