package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A section of the city's page ({@code /<id>}: its GETs and HEADs there and below, PublicSection) and a path an
 * integration serves itself outside /api/v1/plugins/ (IntegrationContext.publicEndpoint) cannot take the same URLs for
 * a method both answer, in either order: the second integration's start fails naming the path, the section and the
 * first integration, without retries and with nothing of it left, and the first keeps serving. Each had been
 * accepted: the section answered the path's GETs, and the path's own GETs were never reached. One integration may
 * have both, and a path of another's that answers only what the section does not (a POST) is no clash.
 */
class SectionsAndPublicPathsTest {

    private static final Path ARCHIVES = TestDirs.create("sections-and-public-paths");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .config(HubConfig.INTEGRATION_RETRIES, 2) // a refusal is not retried, whatever this says
        .config(HubConfig.INTEGRATION_BACKOFF, "100ms")
        .plugin(() -> Fixtures.noticeBoard(ARCHIVES))
        .plugin(() -> Fixtures.working(ARCHIVES))
        .build();

    @AfterEach
    void deleteIntegrations(HubClient client) {
        for (String name : new String[] {"air", "luft-api", "luft-data", "inbox"}) {
            client.delete("/api/v1/admin/integrations/" + name);
        }
    }

    @Test
    void aPublicPathOnASectionOfAnotherIntegrationIsRefusedWith409NamingBothAndKeepsNothing(HubClient client) {
        createSection(client, "air", "luft", null);

        HubClient.Response same = postPath(client, "luft-api", "/luft", null);
        HubClient.Response below = postPath(client, "luft-data", "/luft/data", null);

        assertThat(same.status()).as(same.toString()).isEqualTo(409);
        assertThat(same.json()).isEqualTo(new JsonObject().put("error", "path /luft is already served by integration "
            + "air as its public section /luft: choose another path or delete integration air")
            .put("field", "config.path"));
        assertThat(below.status()).as(below.toString()).isEqualTo(409);
        assertThat(below.json().getString("error")).isEqualTo("path /luft/data is already served by integration air "
            + "as its public section /luft: choose another path or delete integration air");
        assertThat(client.get("/api/v1/admin/integrations/luft-api").status()).isEqualTo(404);
        assertThat(client.get("/api/v1/admin/integrations/luft-data").status()).isEqualTo(404);
        // the section keeps serving, and nothing of the refused ones answers another method
        assertThat(client.anonymous().get("/luft").body()).contains("<h1>Aushänge luft</h1>");
        assertThat(client.anonymous().post("/luft/data", "text/plain", "x").status()).isEqualTo(404);
    }

    @Test
    void aSectionOnAPublicPathOfAnotherIntegrationFailsItsStartNamingBothWithoutRetriesAndShowsNothing(
        HubClient client) {
        createPath(client, "luft-api", "/luft", null);

        HubClient.Response created = postSection(client, "air", "luft", null);

        String refused = "public section /luft is refused: path /luft is already served by integration luft-api: "
            + "choose another section id or delete integration luft-api";
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().getString("state")).isEqualTo("failed");
        assertThat(created.json().getJsonObject("lastError").getString("message")).isEqualTo(refused);
        staysFailedWithoutRetries(client, "air");
        // the admin's restart hears the same
        HubClient.Response restart = client.post("/api/v1/admin/integrations/air/restart");
        assertThat(restart.status()).as(restart.toString()).isEqualTo(409);
        assertThat(restart.json().getString("error")).isEqualTo("integration air could not be restarted: " + refused);
        // the path keeps serving its GETs; the section is nowhere, and its integration's routes are stopped
        assertThat(client.anonymous().get("/luft/v1.1/Things").json().getString("integration")).isEqualTo("luft-api");
        assertThat(client.anonymous().get("/").body()).doesNotContain("href=\"/luft\"");
        assertThat(client.anonymous().get("/api/v1/plugins/notice-board/notices/air").status()).isEqualTo(404);
    }

    @Test
    void aPausedSectionThatFindsItsPathTakenFailsItsResumeNamingTheOtherWithoutRetries(HubClient client) {
        createSection(client, "air", "luft", null);
        assertThat(client.post("/api/v1/admin/integrations/air/pause").status()).isEqualTo(200);
        // a paused integration's section is not shown and holds no path (as for two sections)
        createPath(client, "luft-data", "/luft/data", null);

        HubClient.Response resume = client.post("/api/v1/admin/integrations/air/resume");

        assertThat(resume.status()).as(resume.toString()).isEqualTo(409);
        assertThat(resume.json().getString("error")).isEqualTo("integration air could not be resumed: public section "
            + "/luft is refused: path /luft/data is already served by integration luft-data: choose another section "
            + "id or delete integration luft-data");
        staysFailedWithoutRetries(client, "air");
        assertThat(client.anonymous().get("/luft/data/x").json().getString("integration")).isEqualTo("luft-data");
        assertThat(client.anonymous().get("/luft").status()).isEqualTo(404);
        assertThat(client.anonymous().get("/api/v1/plugins/notice-board/notices/air").status()).isEqualTo(404);
    }

    /**
     * One integration that shows a section and serves a path below it is its own business (no other integration's
     * request goes astray): the section answers GET and HEAD there, the integration's route every other method.
     */
    @Test
    void oneIntegrationMayShowASectionAndServeAPathBelowIt(HubClient client) {
        createSection(client, "air", "luft", "/luft/feedback");

        HubClient.Response post = client.anonymous().post("/luft/feedback", "text/plain", "gut");

        assertThat(post.status()).as(post.toString()).isEqualTo(200);
        assertThat(post.json().getString("integration")).isEqualTo("air");
        assertThat(client.anonymous().get("/luft").body()).contains("<h1>Aushänge luft</h1>");
        assertThat(client.anonymous().get("/luft/feedback").status()).as("the section's").isEqualTo(404);
    }

    /** The rule for two paths (a clash is a method both answer) holds for a section and a path as well. */
    @Test
    void aPathOfAnotherIntegrationBelowASectionForMethodsTheSectionDoesNotAnswerIsNoClash(HubClient client) {
        createSection(client, "air", "luft", null);

        createPath(client, "inbox", "/luft/inbox", "POST");

        HubClient.Response post = client.anonymous().post("/luft/inbox", "text/plain", "x");
        assertThat(post.json().getString("integration")).as(post.toString()).isEqualTo("inbox");
        assertThat(client.anonymous().get("/luft").body()).contains("<h1>Aushänge luft</h1>");
    }

    /** Failed after one attempt, and stays so well past the back-off a retry would wait. */
    private static void staysFailedWithoutRetries(HubClient client, String name) {
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
            JsonObject view = client.get("/api/v1/admin/integrations/" + name).json();
            assertThat(view.getString("state")).isEqualTo("failed");
            assertThat(view.getInteger("attempts")).as("no retries").isEqualTo(1);
        });
    }

    private static void createSection(HubClient client, String name, String section, String publicPath) {
        running(postSection(client, name, section, publicPath));
    }

    private static void createPath(HubClient client, String name, String path, String methods) {
        running(postPath(client, name, path, methods));
    }

    private static void running(HubClient.Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().getString("state")).as(r.toString()).isEqualTo("running");
    }

    /** An integration of the notice board, showing {@code section} and, unless null, serving {@code publicPath}. */
    private static HubClient.Response postSection(HubClient client, String name, String section, String publicPath) {
        JsonObject config = new JsonObject().put("section", section);
        return post(client, name, "notice-board", publicPath == null ? config : config.put("public-path", publicPath));
    }

    /** An integration serving {@code path} and below it, for {@code methods} (all if null). */
    private static HubClient.Response postPath(HubClient client, String name, String path, String methods) {
        JsonObject config = new JsonObject().put("path", path);
        return post(client, name, "fixture-public", methods == null ? config : config.put("methods", methods));
    }

    private static HubClient.Response post(HubClient client, String name, String connector, JsonObject config) {
        return client.post("/api/v1/admin/integrations", new JsonObject().put("name", name).put("connector", connector)
            .put("config", config));
    }
}
