package de.datenhafen.plugins.transit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The transit plugin across a hub restart, in a hub of its own. */
class TransitRestartIT {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest().build();

    private static final String STATUS = "/api/v1/plugins/transit/status";

    @Test
    void theTimetableComesBackFromTheKeptArchiveWhenTheSourceIsGoneAfterARestart(HubExtension ext) throws IOException {
        Path folder = Files.createTempDirectory("transit-restart-");
        Path feed = GtfsFixture.standard().write(folder.resolve("feed.zip"));
        HubClient.Response created = ext.client().post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "kept").put("connector", "gtfs-schedule")
            .put("config", new JsonObject().put("source", feed.toString())
                .put("import-folder", folder.toString())));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(20)).until(() -> ext.client().get(STATUS).json().getValue("timetable")
            != null);

        Files.delete(feed);
        ext.restart();

        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> assertThat(ext.client().get(STATUS).json()
            .getJsonObject("import").getJsonObject("last").getString("outcome")).isEqualTo("failed"));
        JsonObject status = ext.client().get(STATUS).json();
        assertThat(status.getJsonObject("timetable").getInteger("stopTimes")).isEqualTo(13);
        assertThat(status.getJsonObject("import").getJsonObject("last").getString("error"))
            .isEqualTo("source " + feed + " is not a readable file in the import folder");
        assertThat(ext.client().anonymous().get("/api/v1/plugins/transit/departures?stop=koberg"
            + "&from=2026-03-26T08:00").json().getJsonArray("departures")).isNotEmpty();
    }
}
