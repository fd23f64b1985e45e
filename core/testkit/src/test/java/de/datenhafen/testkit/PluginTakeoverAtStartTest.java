package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import de.datenhafen.api.HubApi;
import de.datenhafen.core.Hub;
import de.datenhafen.core.config.HubConfig;
import de.datenhafen.core.plugin.PluginHost;
import de.datenhafen.core.plugin.PluginSignature;
import de.datenhafen.fixtures.Fixtures;
import de.datenhafen.fixtures.FixturePlugin;
import de.datenhafen.fixtures.NotesPlugin;
import de.datenhafen.fixtures.QuietPlugin;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * An upgrade for real: a hub that checks signatures, started on plugins of version 1.0.0 (the association signed them,
 * as it signs the shipped ones), with an integration, a disabled plugin and a plugin's own table; then stopped, its
 * plugins folder replaced by the next distribution's, and started again on the same data. A newer archive of an
 * installed plugin is taken over at that start; an older signed one, an unsigned one and one that needs a newer hub
 * API are not, and the installed version runs on; one signed with a key the hub learns only later is taken over at
 * the start after that.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PluginTakeoverAtStartTest {

    private static final Path ARCHIVES = TestDirs.create("plugin-takeover");
    private static final String SIGNER = "association";
    private static final KeyPair KEY = PluginSignatureTest.keyPair();
    private static final Path TRUSTED_KEYS = PluginSignatureTest.write(ARCHIVES.resolve("trusted.pub.pem"),
        PluginSignature.pem("PUBLIC KEY", KEY.getPublic().getEncoded()));
    private static final String KEY_ID = PluginSignature.keyId(KEY.getPublic());
    /** A key of the signer that no hub knows until a test registers it. */
    private static final KeyPair NEW_KEY = PluginSignatureTest.keyPair();
    private static final String NOTE_TAGS = "CREATE TABLE note_tags (note_id INT NOT NULL, tag VARCHAR(40) NOT NULL);";
    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

    @RegisterExtension
    static final HubExtension hub = firstDistribution(HubExtension.builder()
        .config(HubConfig.PLUGINS_REQUIRE_SIGNATURE, true)
        .config(HubConfig.PLUGINS_TRUSTED_SIGNER, SIGNER)
        .config(HubConfig.PLUGINS_TRUSTED_KEYS, TRUSTED_KEYS.toAbsolutePath().toString())).build();

    /** The plugins of the version before: every one 1.0.0 but {@code downgrade}, which is at 1.1.0 already. */
    private static HubExtension.Builder firstDistribution(HubExtension.Builder builder) {
        Path dir = ARCHIVES.resolve("before");
        // named as the distribution names the shipped plugins: artifact id and version
        builder.plugin(() -> named(signed(notes("1.0.0", false), dir), "plugin-notes-1.0.0.zip"));
        builder.plugin(() -> signed(fixture("1.0.0"), dir));
        for (String id : new String[] {"idle", "unsigned", "api", "later"}) {
            builder.plugin(() -> signed(quiet(id, "1.0.0"), dir));
        }
        builder.plugin(() -> signed(quiet("downgrade", "1.1.0"), dir));
        return builder;
    }

    @BeforeAll
    static void useTheOldVersionThenUpgrade() throws IOException, SQLException {
        HubClient client = hub.client();
        HubClient.Response created = client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "takeover-ingest").put("connector", "fixture-ingest")
            .put("config", new JsonObject().put("path", "readings")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(send(client).status()).isEqualTo(202);
        assertThat(client.post("/api/v1/admin/plugins/idle/disable").json().getString("state")).isEqualTo("disabled");
        assertThat(client.get("/api/v1/admin/plugins/notes").json().getString("state")).isEqualTo("started");

        Path next = ARCHIVES.resolve("next");
        List<Path> nextDistribution = List.of(
            named(signed(notes("1.1.0", true), next), "plugin-notes-1.1.0.zip"),
            signed(fixture("1.1.0"), next),
            signed(quiet("idle", "1.1.0"), next),
            signed(quiet("downgrade", "1.1.0"), next),     // the installed one, the same bytes
            signed(quiet("downgrade", "1.0.0"), next),     // an older signed archive put back beside it
            signed(quiet("unsigned", "1.0.0"), next),
            quiet("unsigned", "1.1.0").writeTo(next),       // newer, but nobody signed it
            signed(quiet("api", "1.0.0"), next),
            signed(quiet("api", "1.1.0").requires(">=2.0.0 & <3.0.0"), next),
            // signed with a key the hub does not know yet, and the installed 1.0.0 is not in the folder any more
            PluginSignatureTest.signed(quiet("later", "1.1.0").writeTo(next), SIGNER, NEW_KEY));
        // the installed downgrade/unsigned/api 1.0.0 archives are carried over byte for byte
        copyBytes(hub.home().resolve("plugins"), nextDistribution, next);
        // as the version before this one recorded its archives: without their versions (the hub reads them from the
        // archive still in the folder, or from the name of the one that is gone)
        try (Connection c = hub.hub().database().connection(); Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("UPDATE plugin_archive SET version = NULL")).isEqualTo(7);
        }

        Logger host = (Logger) LoggerFactory.getLogger(PluginHost.class);
        LOG.start();
        host.addAppender(LOG);
        try {
            hub.restart(home -> replacePlugins(home.resolve("plugins"), nextDistribution));
        } finally {
            host.detachAppender(LOG);
        }
    }

    @Test
    @Order(1)
    void takesOverANewerSignedArchiveAndItsIntegrationRunsAgain() {
        JsonObject fixture = plugin("fixture");
        assertThat(fixture.getString("version")).isEqualTo("1.1.0");
        assertThat(fixture.getString("state")).isEqualTo("started");
        assertThat(fixture.getString("file")).isEqualTo("fixture-1.1.0.zip");
        assertThat(hub.client().get("/api/v1/admin/integrations/takeover-ingest").json().getString("state"))
            .isEqualTo("running");
        assertThat(send(hub.client()).status()).isEqualTo(202);
        // its installed archive was replaced, not forgotten as one gone from the folder
        assertThat(lines(Level.WARN)).noneMatch(l -> l.contains("fixture-1.0.0.zip"));
        assertThat(lines(Level.INFO)).contains("Plugin fixture: taken over from 1.0.0 (fixture-1.0.0.zip) to 1.1.0 "
            + "(fixture-1.1.0.zip), signed by member " + SIGNER + " (key " + KEY_ID + "), verified; its state, "
            + "integrations and data are kept");
    }

    @Test
    @Order(1)
    void keepsADisabledPluginDisabledWhenItTakesItsNewerArchiveOver() {
        JsonObject idle = plugin("idle");
        assertThat(idle.getString("version")).isEqualTo("1.1.0");
        assertThat(idle.getString("state")).isEqualTo("disabled");
        assertThat(idle.getString("error")).isNull();
    }

    @Test
    @Order(1)
    void runsTheNewVersionsOwnMigrationOnThePluginsKeptData() throws SQLException {
        assertThat(plugin("notes").getString("version")).isEqualTo("1.1.0");
        assertThat(plugin("notes").getString("file")).isEqualTo("plugin-notes-1.1.0.zip");
        DataSource notes = hub.hub().plugins().plugin("notes").orElseThrow().context().database();
        // one row from each version's start: the first one's survived the upgrade
        assertThat(PluginDatabaseSuite.count(notes, "SELECT COUNT(*) FROM notes")).isEqualTo(2);
        assertThat(PluginDatabaseSuite.count(notes, "SELECT COUNT(*) FROM note_tags")).isZero();
        assertThat(PluginDatabaseSuite.count(notes,
            "SELECT COUNT(*) FROM \"plugin_schema_history\" WHERE \"version\" IN ('1', '2') AND \"success\""))
            .isEqualTo(2);
    }

    @Test
    @Order(1)
    void refusesAnOlderSignedArchiveAndTheInstalledVersionRunsOn() {
        JsonObject downgrade = plugin("downgrade");
        assertThat(downgrade.getString("version")).isEqualTo("1.1.0");
        assertThat(downgrade.getString("state")).isEqualTo("started");
        JsonObject older = file("downgrade-1.0.0.zip");
        assertThat(older.getString("state")).isEqualTo("ignored");
        assertThat(older.getString("error")).isEqualTo("not loaded: kept 1.1.0 (downgrade-1.1.0.zip) because 1.0.0 "
            + "is not newer than the installed 1.1.0: the hub takes over only a newer version at start (to go back to "
            + "an older one, delete the plugin and install that archive through the admin API)");
        assertThat(lines(Level.WARN)).contains("Plugin downgrade: kept 1.1.0 (downgrade-1.1.0.zip), did not take "
            + "over 1.0.0 (downgrade-1.0.0.zip) because 1.0.0 is not newer than the installed 1.1.0: the hub takes "
            + "over only a newer version at start (to go back to an older one, delete the plugin and install that "
            + "archive through the admin API)");
    }

    @Test
    @Order(1)
    void refusesANewerUnsignedArchiveAndTheInstalledVersionRunsOn() {
        JsonObject installed = plugin("unsigned");
        assertThat(installed.getString("version")).isEqualTo("1.0.0");
        assertThat(installed.getString("state")).isEqualTo("started");
        JsonObject newer = file("unsigned-1.1.0.zip");
        assertThat(newer.getString("state")).isEqualTo("refused");
        assertThat(newer.getString("error")).startsWith("not loaded: kept 1.0.0 (unsigned-1.0.0.zip) because plugin "
            + "unsigned 1.1.0 is not admitted: it is unsigned (no META-INF/datenhafen/signature.json)");
        assertThat(lines(Level.WARN)).anyMatch(l -> l.startsWith("Plugin unsigned: kept 1.0.0 (unsigned-1.0.0.zip), "
            + "did not take over 1.1.0 (unsigned-1.1.0.zip) because plugin unsigned 1.1.0 is not admitted: it is "
            + "unsigned"));
    }

    @Test
    @Order(1)
    void refusesANewerArchiveThatNeedsANewerHubApi() {
        assertThat(plugin("api").getString("version")).isEqualTo("1.0.0");
        assertThat(plugin("api").getString("state")).isEqualTo("started");
        JsonObject newer = file("api-1.1.0.zip");
        assertThat(newer.getString("state")).isEqualTo("refused");
        assertThat(newer.getString("error")).isEqualTo("not loaded: kept 1.0.0 (api-1.0.0.zip) because plugin api "
            + "1.1.0 requires hub API >=2.0.0 & <3.0.0, but this hub offers API " + HubApi.version());
    }

    @Test
    @Order(1)
    void auditsEachArchiveItTookOverOrNotAsTheHubAtItsStart() {
        List<JsonObject> entries = takeoverAudit();
        assertThat(entries).extracting(e -> e.getString("target") + " " + e.getInteger("outcome"))
            .containsExactlyInAnyOrder("{id=api} 422", "{id=downgrade} 409", "{id=fixture} 201", "{id=idle} 201",
                "{id=later} 422", "{id=notes} 201", "{id=unsigned} 422");
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.getString("kind")).isEqualTo("hub");
            assertThat(e.getString("principal")).startsWith("hub:");
        });
    }

    @Test
    @Order(1)
    void refusesANewerArchiveSignedWithAnUnknownKeyAndRunsTheInstalledOneFetchedFromTheDatabase() {
        // the new distribution's folder no longer has later-1.0.0.zip: the database keeps its bytes (V13)
        assertThat(plugin("later").getString("version")).isEqualTo("1.0.0");
        assertThat(plugin("later").getString("state")).isEqualTo("started");
        JsonObject newer = file("later-1.1.0.zip");
        assertThat(newer.getString("state")).isEqualTo("refused");
        assertThat(newer.getString("error")).startsWith("not loaded: kept 1.0.0 (later-1.0.0.zip) because plugin "
            + "later 1.1.0 is not admitted: it is signed with an unknown key")
            .doesNotContain("not in the plugins folder");
        assertThat(lines(Level.INFO)).anyMatch(l -> l.contains("archive later-1.0.0.zip fetched from the database"));
        assertThat(lines(Level.WARN)).noneMatch(l -> l.contains("later-1.0.0.zip was installed but is no longer"));
    }

    @Test
    @Order(2)
    void takesTheRefusedArchiveOverAtALaterStartOnceItsKeyIsRegistered() {
        assertThat(hub.client().post("/api/v1/admin/members", new JsonObject().put("id", SIGNER)
            .put("name", "Smart-City-Verein")).status()).isEqualTo(201);
        assertThat(PluginSignatureTest.register(hub, SIGNER, NEW_KEY).status()).isEqualTo(201);

        hub.restart();

        JsonObject later = plugin("later");
        assertThat(later.getString("version")).isEqualTo("1.1.0");
        assertThat(later.getString("state")).isEqualTo("started");
    }

    @Test
    @Order(3)
    void aLaterStartLoadsTheTakenOverArchivesAsInstalledAndTakesNothingOverAgain() {
        // after the start of the test before: only "later" was taken over then
        assertThat(plugin("fixture").getString("version")).isEqualTo("1.1.0");
        assertThat(plugin("fixture").getString("state")).isEqualTo("started");
        assertThat(takeoverAudit()).filteredOn(e -> e.getInteger("outcome") == 201)
            .extracting(e -> e.getString("target"))
            .containsExactlyInAnyOrder("{id=fixture}", "{id=idle}", "{id=notes}", "{id=later}");
    }

    // ---- helpers

    private static PluginArchiveBuilder notes(String version, boolean withTags) {
        PluginArchiveBuilder b = PluginArchiveBuilder.plugin("notes", version, Fixtures.MEMBER, NotesPlugin.class)
            .withEntry("classes/db/plugin/V1__notes.sql", NotesPlugin.MIGRATION);
        return withTags ? b.withEntry("classes/db/plugin/V2__note_tags.sql", NOTE_TAGS) : b;
    }

    private static PluginArchiveBuilder fixture(String version) {
        return PluginArchiveBuilder.plugin("fixture", version, Fixtures.MEMBER, FixturePlugin.class);
    }

    private static PluginArchiveBuilder quiet(String id, String version) {
        return PluginArchiveBuilder.plugin(id, version, Fixtures.MEMBER, QuietPlugin.class);
    }

    private static Path signed(PluginArchiveBuilder archive, Path dir) {
        return PluginSignatureTest.signed(archive.writeTo(dir), SIGNER, KEY);
    }

    /** The archive under another name, as a distribution may name it (its signature is over its entries). */
    private static Path named(Path archive, String name) {
        try {
            return Files.move(archive, archive.resolveSibling(name), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Overwrites the freshly built archives in {@code next} whose name is installed with the installed bytes. */
    private static void copyBytes(Path plugins, List<Path> archives, Path next) throws IOException {
        for (Path archive : archives) {
            Path installed = plugins.resolve(archive.getFileName());
            if (Files.exists(installed)) {
                Files.copy(installed, next.resolve(archive.getFileName()),
                    StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** What unpacking the next distribution does to the plugins folder: only its archives are there. */
    private static void replacePlugins(Path plugins, List<Path> archives) {
        try (Stream<Path> old = Files.walk(plugins)) {
            old.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(plugins)).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            for (Path archive : archives) {
                Files.copy(archive, plugins.resolve(archive.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HubClient.Response send(HubClient client) {
        return client.anonymous().post("/api/v1/plugins/fixture/readings",
            Map.of("Content-Type", "application/json", "X-Subject", "room-1"), "{\"co2\":612}");
    }

    private static JsonObject plugin(String id) {
        HubClient.Response r = hub.client().get("/api/v1/admin/plugins/" + id);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private static JsonObject file(String name) {
        return all().stream().filter(p -> name.equals(p.getString("file"))).findFirst()
            .orElseThrow(() -> new AssertionError("no plugin file " + name + " in " + all()));
    }

    private static List<JsonObject> all() {
        JsonArray list = hub.client().get("/api/v1/admin/plugins").jsonArray();
        return list.stream().map(JsonObject.class::cast).toList();
    }

    private static List<JsonObject> takeoverAudit() {
        return hub.client().get("/api/v1/admin/audit?limit=1000&action=" + Hub.TAKEOVER_ACTION.replace(" ", "%20"))
            .json().getJsonArray("entries").stream().map(JsonObject.class::cast).toList();
    }

    private static List<String> lines(Level level) {
        return LOG.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }
}
