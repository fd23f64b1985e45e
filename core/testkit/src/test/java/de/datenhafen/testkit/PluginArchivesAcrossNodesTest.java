package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import de.datenhafen.core.config.HubConfig;
import de.datenhafen.core.plugin.PluginHost;
import de.datenhafen.core.plugin.PluginSignature;
import de.datenhafen.fixtures.Fixtures;
import de.datenhafen.fixtures.QuietPlugin;
import de.datenhafen.testkit.postgres.PostgresForTests;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Two hubs (in one JVM, each with its own data and plugins folder and port) on one PostgreSQL database, as two nodes:
 * a plugin uploaded on node A is fetched from the database by node B and runs there, an upgrade replaces the running
 * version on B (or, made while B was down, at B's start), a delete removes it from B; a plugin node A installed at its
 * first start runs on B too, and an archive recorded without its bytes (before schema version 13) gets them at the
 * next start of a node that has it. Node B requires signatures (as the packaged hub does) and node A does not,
 * so B admits what it fetches as an upload: an unsigned archive is refused there, and so are bytes in the database
 * that do not hash to their row's SHA-256; B says why in its log and its plugin listing, and keeps running.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PluginArchivesAcrossNodesTest {

    private static final Postgres PG = PostgresForTests.sharedOrNull();
    private static final String DATABASE = database();
    /** One admin token for both: it is kept in the shared database. */
    private static final String TOKEN = "archives-across-nodes-token-0123";
    private static final Path ARCHIVES = TestDirs.create("archives-across-nodes");
    private static final String SIGNER = "association";
    private static final KeyPair KEY = PluginSignatureTest.keyPair();
    private static final Path TRUSTED_KEYS = PluginSignatureTest.write(ARCHIVES.resolve("trusted.pub.pem"),
        PluginSignature.pem("PUBLIC KEY", KEY.getPublic().getEncoded()));
    /** Change notices are read every second: everything here reaches the other node well within this. */
    private static final Duration WITHIN = Duration.ofSeconds(10);
    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();
    /** In node A's plugins folder at its first start, as a distribution ships it; node B's folder has none. */
    private static final Path SHIPPED = signed("shipped", "1.0.0");

    @RegisterExtension
    @Order(1)
    static final HubExtension nodeA = node("node-a", false).plugin(() -> SHIPPED).build();

    @RegisterExtension
    @Order(2)
    static final HubExtension nodeB = node("node-b", true).build();

    private static String database() {
        try {
            return PG == null ? null : PG.createDatabase("archives");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HubExtension.Builder node(String id, boolean requireSignature) {
        HubExtension.Builder b = HubExtension.builder().config(HubConfig.NODE_ID, id)
            .config(HubConfig.ADMIN_TOKEN, TOKEN);
        if (requireSignature) {
            b = b.config(HubConfig.PLUGINS_REQUIRE_SIGNATURE, true).config(HubConfig.PLUGINS_TRUSTED_SIGNER, SIGNER)
                .config(HubConfig.PLUGINS_TRUSTED_KEYS, TRUSTED_KEYS.toAbsolutePath().toString());
        }
        if (PG != null) {
            b = b.config(HubConfig.DB_URL, DATABASE).config(HubConfig.DB_USER, PG.user())
                .config(HubConfig.DB_PASSWORD, PG.password());
        }
        return b;
    }

    @BeforeAll
    static void listen() {
        LOG.start();
        ((Logger) LoggerFactory.getLogger(PluginHost.class)).addAppender(LOG);
    }

    @AfterAll
    static void stopListening() {
        ((Logger) LoggerFactory.getLogger(PluginHost.class)).detachAppender(LOG);
    }

    @Test
    @Order(1)
    void aPluginInstalledAtTheFirstNodesFirstStartIsFetchedByTheSecondAtItsStart() {
        assumeTrue(PG != null, "PostgreSQL is not installed");

        JsonObject onB = client(nodeB).get("/api/v1/admin/plugins/shipped").json();

        assertThat(onB.getString("state")).as(onB.toString()).isEqualTo("started");
        assertThat(pluginsFolder(nodeB)).contains("shipped-1.0.0.zip");
    }

    @Test
    @Order(1)
    void aPluginUploadedOnOneNodeIsFetchedAndStartedOnTheOther() {
        assumeTrue(PG != null, "PostgreSQL is not installed");

        HubClient.Response installed = client(nodeA).installPlugin(signed("relay", "1.0.0"), true);

        assertThat(installed.status()).as(installed.toString()).isEqualTo(201);
        JsonObject onB = awaitPlugin(nodeB, "relay", "1.0.0");
        assertThat(onB.getString("state")).isEqualTo("started");
        assertThat(onB.getString("signature")).as(onB.toString()).contains(SIGNER);
        assertThat(pluginsFolder(nodeB)).contains("relay-1.0.0.zip");
    }

    @Test
    @Order(2)
    void anUpgradeOnOneNodeReplacesTheRunningVersionOnTheOther() {
        assumeTrue(PG != null, "PostgreSQL is not installed");
        awaitPlugin(nodeB, "relay", "1.0.0");

        // through the admin API an upgrade is a delete and an install (an install of an installed id is a 409)
        assertThat(client(nodeA).delete("/api/v1/admin/plugins/relay").status()).isEqualTo(204);
        HubClient.Response newer = client(nodeA).installPlugin(signed("relay", "1.1.0"), true);

        assertThat(newer.status()).as(newer.toString()).isEqualTo(201);
        JsonObject onB = awaitPlugin(nodeB, "relay", "1.1.0");
        assertThat(onB.getString("state")).isEqualTo("started");
        assertThat(pluginsFolder(nodeB)).contains("relay-1.1.0.zip").doesNotContain("relay-1.0.0.zip", "relay-1.0.0");
    }

    @Test
    @Order(3)
    void aNodeThatWasDownDuringAnUpgradeFetchesTheNewVersionAtItsStartAndDeletesTheOld() {
        assumeTrue(PG != null, "PostgreSQL is not installed");
        awaitPlugin(nodeB, "relay", "1.1.0");

        nodeB.restart(home -> {
            assertThat(client(nodeA).delete("/api/v1/admin/plugins/relay").status()).isEqualTo(204);
            assertThat(client(nodeA).installPlugin(signed("relay", "1.2.0"), true).status()).isEqualTo(201);
        });

        JsonObject onB = client(nodeB).get("/api/v1/admin/plugins/relay").json();
        assertThat(onB.getString("version")).isEqualTo("1.2.0");
        assertThat(onB.getString("state")).isEqualTo("started");
        assertThat(pluginsFolder(nodeB)).contains("relay-1.2.0.zip").doesNotContain("relay-1.1.0.zip", "relay-1.1.0");
        assertThat(client(nodeB).get("/api/v1/admin/plugins").jsonArray().stream().map(o -> (JsonObject) o)
            .filter(p -> "relay-1.1.0.zip".equals(p.getString("file")))).isEmpty();
    }

    @Test
    @Order(4)
    void aPluginDeletedOnOneNodeIsGoneFromTheOther() {
        assumeTrue(PG != null, "PostgreSQL is not installed");
        awaitPlugin(nodeB, "relay", "1.2.0");

        assertThat(client(nodeA).delete("/api/v1/admin/plugins/relay").status()).isEqualTo(204);

        await("plugin relay gone from node B").atMost(WITHIN).pollInterval(Duration.ofMillis(100))
            .until(() -> client(nodeB).get("/api/v1/admin/plugins/relay").status() == 404);
        assertThat(pluginsFolder(nodeB)).noneMatch(name -> name.startsWith("relay"));
    }

    @Test
    @Order(5)
    void anArchiveSignedByTheOwnerAssignedAtItsUploadRunsOnTheOtherNode() {
        assumeTrue(PG != null, "PostgreSQL is not installed");
        KeyPair ofMember = PluginSignatureTest.keyPair();
        assertThat(client(nodeA).post("/api/v1/admin/members", new JsonObject().put("id", "netzwerk")
            .put("name", "Quartiersnetzwerk")).status()).isEqualTo(201);
        assertThat(client(nodeA).post("/api/v1/admin/members/netzwerk/keys", new JsonObject().put("name", "ci")
            .put("publicKey", PluginSignature.pem("PUBLIC KEY", ofMember.getPublic().getEncoded()))).status())
            .isEqualTo(201);
        Path archive = PluginSignatureTest.signed(PluginArchiveBuilder.plugin("owned", "1.0.0", Fixtures.MEMBER,
            QuietPlugin.class).writeTo(ARCHIVES.resolve("owned")), "netzwerk", ofMember);

        HubClient.Response installed = client(nodeA).installPlugin(archive, "enable=true&owner=netzwerk");

        assertThat(installed.status()).as(installed.toString()).isEqualTo(201);
        // the owner is assigned after the archive is recorded: node B admits it once it knows the owner too
        JsonObject onB = awaitPlugin(nodeB, "owned", "1.0.0");
        assertThat(onB.getString("owner")).isEqualTo("netzwerk");
        assertThat(onB.getString("signature")).as(onB.toString()).contains("netzwerk");
    }

    @Test
    @Order(6)
    void refusesAnUnsignedArchiveWhereSignaturesAreRequiredAndSaysWhy() {
        assumeTrue(PG != null, "PostgreSQL is not installed");

        HubClient.Response installed = client(nodeA).installPlugin(
            Fixtures.quiet(ARCHIVES.resolve("unsigned"), "plain"), true);

        assertThat(installed.status()).as("node A does not require signatures: " + installed).isEqualTo(201);
        JsonObject refused = awaitFile(nodeB, "plain-1.0.0.zip");
        assertThat(refused.getString("state")).isEqualTo("refused");
        assertThat(refused.getString("error")).startsWith("not fetched from the database: plugin plain 1.0.0 is not "
            + "admitted: it is unsigned");
        assertThat(client(nodeB).get("/api/v1/admin/plugins/plain").status()).isEqualTo(404);
        assertThat(pluginsFolder(nodeB)).noneMatch(name -> name.startsWith("plain"));
        assertThat(warnings()).anyMatch(l -> l.startsWith("Plugin plain: installed archive 'plain-1.0.0.zip' refused "
            + "on this node: plugin plain 1.0.0 is not admitted: it is unsigned"));
        assertThat(client(nodeB).get("/health/live").status()).isEqualTo(200);
    }

    @Test
    @Order(7)
    void refusesBytesInTheDatabaseThatDoNotMatchTheirRowsSha256AndKeepsRunning() throws Exception {
        assumeTrue(PG != null, "PostgreSQL is not installed");
        Path archive = signed("forged", "1.0.0");
        byte[] bytes = Files.readAllBytes(archive);
        String sha256 = java.util.HexFormat.of().formatHex(
            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        bytes[bytes.length / 2] ^= 1; // one bit changed in the database, after the hash was recorded
        try (Connection c = DriverManager.getConnection(DATABASE, PG.user(), PG.password())) {
            c.setAutoCommit(false);
            insert(c, "INSERT INTO plugin_archive (file_name, plugin_id, sha256, origin, installed_at, version, "
                + "stored_bytes) VALUES (?, ?, ?, ?, ?, ?, ?)", "forged-1.0.0.zip", "forged", sha256, "upload",
                Timestamp.from(Instant.now()), "1.0.0", (long) bytes.length);
            insert(c, "INSERT INTO plugin_archive_chunk (sha256, seq, bytes) VALUES (?, ?, ?)", sha256, 0, bytes);
            insert(c, "INSERT INTO hub_change (kind, name, node, made_at) VALUES (?, ?, ?, ?)",
                PluginHost.ARCHIVE_CHANGE, "forged", "node-z", Timestamp.from(Instant.now()));
            c.commit();
        }

        JsonObject refused = awaitFile(nodeB, "forged-1.0.0.zip");

        assertThat(refused.getString("state")).isEqualTo("refused");
        assertThat(refused.getString("error")).startsWith("not fetched from the database: the bytes of plugin archive "
            + "forged-1.0.0.zip in the database do not match its SHA-256 (they hash to ")
            .contains("the row names " + sha256);
        assertThat(pluginsFolder(nodeB)).noneMatch(name -> name.startsWith("forged") || name.startsWith(".upload-"));
        assertThat(client(nodeB).get("/api/v1/admin/plugins/forged").status()).isEqualTo(404);
        assertThat(client(nodeB).get("/health/live").status()).isEqualTo(200);
    }

    @Test
    @Order(7)
    void refusesARowWhoseFileNameWouldLeaveThePluginsFolder() throws Exception {
        assumeTrue(PG != null, "PostgreSQL is not installed");
        Path archive = signed("escape", "1.0.0");
        byte[] bytes = Files.readAllBytes(archive);
        String sha256 = java.util.HexFormat.of().formatHex(
            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        String name = "../../escape-1.0.0.zip";
        try (Connection c = DriverManager.getConnection(DATABASE, PG.user(), PG.password())) {
            c.setAutoCommit(false);
            insert(c, "INSERT INTO plugin_archive (file_name, plugin_id, sha256, origin, installed_at, version, "
                + "stored_bytes) VALUES (?, ?, ?, ?, ?, ?, ?)", name, "escape", sha256, "upload",
                Timestamp.from(Instant.now()), "1.0.0", (long) bytes.length);
            insert(c, "INSERT INTO plugin_archive_chunk (sha256, seq, bytes) VALUES (?, ?, ?)", sha256, 0, bytes);
            insert(c, "INSERT INTO hub_change (kind, name, node, made_at) VALUES (?, ?, ?, ?)",
                PluginHost.ARCHIVE_CHANGE, "escape", "node-z", Timestamp.from(Instant.now()));
            c.commit();
        }

        JsonObject refused = awaitFile(nodeB, name);

        assertThat(refused.getString("state")).isEqualTo("refused");
        assertThat(refused.getString("error")).isEqualTo("not fetched from the database: the installed archive's file "
            + "name '../../escape-1.0.0.zip' in the database is not one the hub writes");
        assertThat(nodeB.hub().config().pluginsDir().resolve(name).normalize()).doesNotExist();
        assertThat(client(nodeB).get("/api/v1/admin/plugins/escape").status()).isEqualTo(404);
    }

    @Test
    @Order(8)
    void anArchiveInstalledBeforeTheDatabaseKeptItsBytesGetsThemAtTheNextStartOfANodeThatHasIt() throws Exception {
        assumeTrue(PG != null, "PostgreSQL is not installed");
        try (Connection c = DriverManager.getConnection(DATABASE, PG.user(), PG.password());
             Statement st = c.createStatement()) {
            // as a hub from before schema version 13 left it
            st.executeUpdate("UPDATE plugin_archive SET stored_bytes = NULL WHERE plugin_id = 'shipped'");
            st.executeUpdate("DELETE FROM plugin_archive_chunk WHERE sha256 NOT IN "
                + "(SELECT sha256 FROM plugin_archive WHERE stored_bytes IS NOT NULL)");
        }

        nodeA.restart();

        try (Connection c = DriverManager.getConnection(DATABASE, PG.user(), PG.password());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT stored_bytes FROM plugin_archive WHERE plugin_id = 'shipped'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(Files.size(SHIPPED));
        }
        assertThat(client(nodeA).get("/api/v1/admin/plugins/shipped").json().getString("state")).isEqualTo("started");
    }

    private static void insert(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            ps.executeUpdate();
        }
    }

    private static Path signed(String id, String version) {
        Path archive = PluginArchiveBuilder.plugin(id, version, Fixtures.MEMBER, QuietPlugin.class)
            .writeTo(ARCHIVES.resolve(id + "-" + version));
        return PluginSignatureTest.signed(archive, SIGNER, KEY);
    }

    private static HubClient client(HubExtension node) {
        return new HubClient(URI.create("http://127.0.0.1:" + node.port()), TOKEN);
    }

    /** The plugin's view on {@code node} once it runs {@code version} there. */
    private static JsonObject awaitPlugin(HubExtension node, String id, String version) {
        return await("plugin " + id + " " + version + " on " + node.hub().config().nodeId())
            .atMost(WITHIN).pollInterval(Duration.ofMillis(100))
            .until(() -> {
                HubClient.Response r = client(node).get("/api/v1/admin/plugins/" + id);
                return r.status() == 200 ? r.json() : new JsonObject();
            }, p -> version.equals(p.getString("version")) && "started".equals(p.getString("state")));
    }

    /** The listing's entry of a file that is not loaded on {@code node}, once there is one. */
    private static JsonObject awaitFile(HubExtension node, String file) {
        return await("entry " + file).atMost(WITHIN).pollInterval(Duration.ofMillis(100))
            .until(() -> client(node).get("/api/v1/admin/plugins").jsonArray().stream().map(o -> (JsonObject) o)
                .filter(p -> file.equals(p.getString("file"))).findFirst(), Optional::isPresent).orElseThrow();
    }

    private static List<String> pluginsFolder(HubExtension node) {
        try (Stream<Path> files = Files.list(node.hub().config().pluginsDir())) {
            return files.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> warnings() {
        return LOG.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
            .toList();
    }
}
