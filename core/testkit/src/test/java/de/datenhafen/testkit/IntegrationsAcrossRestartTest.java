package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Integrations come back after a restart in the state they had, and a secret config value is never returned, never
 * logged and not stored readably. The integrations are made, used and taken through one restart before the tests
 * look at the result; the log is captured from the root logger throughout.
 */
class IntegrationsAcrossRestartTest {

    private static final Path ARCHIVES = TestDirs.create("integrations-restart");
    private static final String SECRET = "tok-7c41e9-never-show-me";
    private static final String PATH_MARKER = "guarded-path-5f2d";
    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().plugin(() -> Fixtures.working(ARCHIVES)).build();

    private static JsonObject createdGuarded;

    @BeforeAll
    static void createUseAndRestart() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        LOG.start();
        root.addAppender(LOG);
        try {
            HubClient client = hub.client();
            create(client, "keeps-running", "running-path", null);
            create(client, "keeps-paused", "paused-path", null);
            assertThat(client.post("/api/v1/admin/integrations/keeps-paused/pause").status()).isEqualTo(200);
            createdGuarded = create(client, "guarded", PATH_MARKER, SECRET);
            assertThat(send(client, PATH_MARKER, SECRET).status()).isEqualTo(202);

            hub.restart();

            assertThat(send(hub.client(), PATH_MARKER, SECRET).status()).isEqualTo(202);
            hub.client().post("/api/v1/admin/integrations/guarded/restart");
        } finally {
            root.detachAppender(LOG);
            LOG.stop();
        }
    }

    @AfterAll
    static void forgetLog() {
        LOG.list.clear();
    }

    @Test
    void bringsARunningIntegrationBackRunning() {
        assertThat(state("keeps-running")).isEqualTo("running");
        assertThat(send(hub.client(), "running-path", null).status()).isEqualTo(202);
    }

    @Test
    void bringsAPausedIntegrationBackPaused() {
        assertThat(state("keeps-paused")).isEqualTo("paused");
        assertThat(send(hub.client(), "paused-path", null).status()).isEqualTo(503);
    }

    @Test
    void showsASecretConfigValueMaskedWhenCreatedListedAndRead() {
        assertThat(createdGuarded.getJsonObject("config").getString("token")).isEqualTo("********");
        assertThat(hub.client().get("/api/v1/admin/integrations/guarded").json().getJsonObject("config")
            .getString("token")).isEqualTo("********");
        String list = hub.client().get("/api/v1/admin/integrations").body();
        assertThat(list).contains("guarded").doesNotContain(SECRET);
    }

    @Test
    void stillNeedsTheRightTokenAfterARestart() {
        HubClient.Response wrong = send(hub.client(), PATH_MARKER, "not-the-token");
        HubClient.Response none = send(hub.client(), PATH_MARKER, null);

        assertThat(wrong.status()).isEqualTo(500);
        assertThat(none.status()).isEqualTo(500);
        assertThat(send(hub.client(), PATH_MARKER, SECRET).status()).isEqualTo(202);
    }

    @Test
    void neverWritesTheSecretToTheLog() {
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent e : LOG.list) {
            lines.add(e.getFormattedMessage());
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                lines.add(t.getClassName() + ": " + t.getMessage());
            }
        }
        // the capture saw the hub at work: creating, the restart, the guarded integration's start
        assertThat(lines).anyMatch(l -> l.startsWith("Integration guarded running"));
        assertThat(lines).anyMatch(l -> l.startsWith("Datenhafen ready on"));
        assertThat(lines).noneMatch(l -> l != null && l.contains(SECRET));
    }

    @Test
    void storesTheSecretOnlyEncrypted() throws SQLException {
        JsonObject stored;
        try (Connection c = hub.hub().database().connection();
             PreparedStatement ps = c.prepareStatement("SELECT config_json FROM integration WHERE name = ?")) {
            ps.setString(1, "guarded");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                stored = new JsonObject(rs.getString(1));
            }
        }

        assertThat(stored.getString("path")).isEqualTo(PATH_MARKER);
        assertThat(stored.getString("token")).startsWith("enc:v1:").doesNotContain(SECRET);
    }

    @Test
    void leavesNoPlainSecretInTheDatabaseFile() throws IOException {
        byte[] file = Files.readAllBytes(hub.home().resolve("data/datenhafen.mv.db"));

        assertThat(file.length).isPositive();
        assertThat(new String(file, StandardCharsets.ISO_8859_1).contains(SECRET)).as("secret in the H2 file").isFalse();
    }

    private static JsonObject create(HubClient client, String name, String path, String token) {
        JsonObject config = new JsonObject().put("path", path);
        if (token != null) {
            config.put("token", token);
        }
        HubClient.Response r = client.post("/api/v1/admin/integrations",
            new JsonObject().put("name", name).put("connector", "fixture-ingest").put("config", config));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    private static String state(String name) {
        return hub.client().get("/api/v1/admin/integrations/" + name).json().getString("state");
    }

    private static HubClient.Response send(HubClient client, String path, String token) {
        Map<String, String> headers = token == null
            ? Map.of("Content-Type", "application/json", "X-Subject", "room-1")
            : Map.of("Content-Type", "application/json", "X-Subject", "room-1", "X-Token", token);
        return client.anonymous().post("/api/v1/plugins/fixture/" + path, headers, "{\"co2\":612}");
    }
}
