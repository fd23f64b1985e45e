package de.datenhafen.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.Fixtures;
import de.datenhafen.fixtures.NotesPlugin;
import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.PluginArchiveBuilder;
import de.datenhafen.testkit.Postgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two hubs (in one JVM, each with its own data folder and port, sharing the secrets key) on one PostgreSQL database,
 * as two nodes: both are
 * listed with what they run, {@code /health} names each, a flow made on one runs on the other as well without a
 * restart, and an event taken by either node goes through the flow exactly once (its subscription is delivered by the
 * one node that holds its lease, whichever node stored the event). Both run plugin {@code notes}, which has a database
 * schema: each node logs in to it as a role of its own, so a node's start does not lock the other out.
 */
class TwoNodesOnPostgresTest {

    /** The test JVM's server (its other PostgreSQL tests' too), a database of its own: the nodes stop, it does not. */
    private static final Postgres PG = PostgresForTests.sharedOrNull();
    private static final String URL = database();
    /** One admin token for both: it is kept in the shared database, where a second token would replace the first. */
    private static final String TOKEN = "two-nodes-admin-token-0123456789";
    /** One archive of the plugin with a database, deployed to both nodes. */
    private static final Path NOTES = notesArchive();

    @RegisterExtension
    @Order(2)
    static final HubExtension nodeA = node("node-a");

    @RegisterExtension
    @Order(3)
    static final HubExtension nodeB = node("node-b");

    private static String database() {
        try {
            return PG == null ? null : PG.createDatabase("nodes");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path notesArchive() {
        try {
            Path dir = Files.createTempDirectory("two-nodes-plugins-");
            dir.toFile().deleteOnExit();
            Path archive = PluginArchiveBuilder.plugin("notes", "1.0.0", Fixtures.MEMBER, NotesPlugin.class)
                .withEntry("classes/db/plugin/V1__notes.sql", NotesPlugin.MIGRATION)
                .withEntry("classes/db/plugin-postgresql/V1__notes.sql", NotesPlugin.MIGRATION_POSTGRESQL)
                .writeTo(dir);
            archive.toFile().deleteOnExit();
            return archive;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static HubExtension node(String id) {
        return node(id, home -> { });
    }

    private static HubExtension node(String id, java.util.function.Consumer<Path> beforeFirstStart) {
        HubExtension.Builder b = HubExtension.builder().config(HubConfig.NODE_ID, id)
            .beforeFirstStart(beforeFirstStart)
            .config(HubConfig.ADMIN_TOKEN, TOKEN).plugin(() -> NOTES)
            // a test polls a node with a token until it is refused there: those refusals are no attacker's guesses
            .config(HubConfig.AUTH_FAILURES_LIMIT, 1000);
        if (PG != null) {
            b = b.config(HubConfig.DB_URL, URL).config(HubConfig.DB_USER, PG.user())
                .config(HubConfig.DB_PASSWORD, PG.password());
        }
        return b.build();
    }

    private static HubClient client(HubExtension node) {
        return new HubClient(java.net.URI.create("http://127.0.0.1:" + node.port()), TOKEN);
    }

    /**
     * Nodes share the data folder's secrets key (flows and integrations are stored sealed with it). Node B restarts
     * with it while a third node's start of plugin {@code notes} is under way (its boot-loop note, as that node
     * writes it before the plugin's code runs).
     */
    @BeforeAll
    static void shareTheSecretsKey() throws java.io.IOException, SQLException {
        if (PG == null) {
            return;
        }
        java.nio.file.Files.copy(nodeA.hub().config().dataDir().resolve("secret.key"),
            nodeB.hub().config().dataDir().resolve("secret.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (Connection admin = DriverManager.getConnection(URL, PG.user(), PG.password());
             Statement st = admin.createStatement()) {
            st.execute("INSERT INTO plugin_start (plugin_id, node_id, began_at) VALUES ('notes', 'node-c', now())");
        }
        nodeB.restart();
    }

    @Test
    void aPluginStartUnderWayOnAnotherNodeIsNotTakenForOneThatCrashedTheHub() {
        assumeTrue(PG != null, "PostgreSQL is not installed");

        HubClient.Response notes = client(nodeB).get("/api/v1/admin/plugins/notes");

        assertThat(notes.json().getString("state")).as(notes.toString()).isEqualTo("started");
    }

    /**
     * Each node keeps members' states and valid tokens in memory: a member made on one node was unknown to the other
     * (its tokens refused there), and a token revoked or a member suspended on one node was still let in by the other
     * (for ten minutes, or until it restarted). Now a change notice has the other node read it again within seconds.
     */
    @Test
    void aMemberMadeSuspendedOrWithATokenRevokedOnOneNodeIsSoOnTheOtherWithinSeconds() {
        assumeTrue(PG != null, "PostgreSQL is not installed");
        HubClient a = client(nodeA);
        HubClient b = client(nodeB);
        String member = "nodes-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String users = "/api/v1/admin/members/" + member + "/users";
        assertThat(a.post("/api/v1/admin/members", new JsonObject().put("id", member).put("name", "Two Nodes "
            + member).put("contact", "it@nodes.example")).status()).isEqualTo(201);
        JsonObject first = token(a, member, "first");
        HubClient firstOnB = b.withToken(first.getString("token"));
        assertThat(firstOnB.get(users).status()).isEqualTo(200); // read from the database at its first use on B

        assertThat(a.delete("/api/v1/admin/members/" + member + "/tokens/" + first.getString("id")).status())
            .isEqualTo(200);
        await("the token revoked on node A is refused by node B").atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(50)).until(() -> firstOnB.get(users).status() == 401);

        HubClient secondOnB = b.withToken(token(a, member, "second").getString("token"));
        assertThat(secondOnB.get(users).status()).isEqualTo(200);
        assertThat(a.patch("/api/v1/admin/members/" + member, "application/json",
            new JsonObject().put("state", "suspended").encode()).status()).isEqualTo(200);
        await("the member suspended on node A is refused by node B").atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(50)).until(() -> secondOnB.get(users).status() == 401);
        assertThat(b.get("/api/v1/admin/members/" + member).json().getString("state")).isEqualTo("suspended");

        assertThat(a.patch("/api/v1/admin/members/" + member, "application/json",
            new JsonObject().put("state", "active").encode()).status()).isEqualTo(200);
        await("the member active again on node A is let in by node B").atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(50)).until(() -> secondOnB.get(users).status() == 200);
    }

    /**
     * Wrong passwords for one account sent to both nodes count against it at both: after 100 (the account's limit an
     * hour), 50 to each, its right password is turned away at either node within seconds (each node counted its
     * own, so two nodes let 200 guesses through).
     */
    @Test
    void wrongPasswordsSpreadOverBothNodesCountAgainstTheAccountAtBoth() {
        assumeTrue(PG != null, "PostgreSQL is not installed");
        HubClient a = client(nodeA);
        HubClient b = client(nodeB);
        String member = "guess-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        assertThat(a.post("/api/v1/admin/members", new JsonObject().put("id", member).put("name", "Guessed "
            + member)).status()).isEqualTo(201);
        HubClient.Response invited = a.post("/api/v1/admin/members/" + member + "/users", new JsonObject()
            .put("id", member + "-vera").put("name", "Vera").put("roles", new JsonArray().add("viewer")));
        assertThat(invited.status()).as(invited.body()).isEqualTo(201);
        String password = "Am Holstentor weht der Wind";
        assertThat(a.anonymous().post("/api/v1/auth/setup", new JsonObject().put("code", invited.json()
            .getString("setupCode")).put("password", password)).status()).isEqualTo(200);
        for (int i = 0; i < 50; i++) {
            assertThat(signIn(a, member + "-vera", "wrong " + i)).isEqualTo(401);
            assertThat(signIn(b, member + "-vera", "falsch " + i)).isEqualTo(401);
        }
        await("the account turned away at node A").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
            .until(() -> signIn(a, member + "-vera", password) == 429);
        assertThat(signIn(b, member + "-vera", password)).isEqualTo(429);
    }

    private static int signIn(HubClient node, String user, String password) {
        return node.anonymous().post("/api/v1/auth/login", new JsonObject().put("user", user)
            .put("password", password)).status();
    }

    private static JsonObject token(HubClient as, String member, String name) {
        HubClient.Response made = as.post("/api/v1/admin/members/" + member + "/tokens", new JsonObject()
            .put("name", name).put("roles", new JsonArray().add("member-admin")).put("purpose", "test"));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        return made.json(); // with its id and, this once, its secret ("token")
    }

    @Test
    void bothNodesAreListedAndNameThemselvesInTheirHealth() {
        assumeTrue(PG != null, "PostgreSQL is not installed");

        JsonObject listed = client(nodeA).get("/api/v1/admin/nodes").json();
        JsonObject healthB = client(nodeB).get("/health/ready").json();

        assertThat(listed.getString("node")).isEqualTo("node-a");
        assertThat(listed.getJsonArray("nodes").stream().map(n -> ((JsonObject) n).getString("id")).toList())
            .containsExactly("node-a", "node-b");
        assertThat(listed.getJsonArray("nodes").stream().map(n -> ((JsonObject) n).getBoolean("alive")).toList())
            .containsExactly(true, true);
        assertThat(healthB.getString("node")).isEqualTo("node-b");
        assertThat(client(nodeA).get("/health/live").json().getString("node")).isEqualTo("node-a");
    }

    @Test
    void aFlowMadeOnOneNodeRunsOnBothAndHandlesEachEventOnce() {
        assumeTrue(PG != null, "PostgreSQL is not installed");
        HubClient a = client(nodeA);
        HubClient b = client(nodeB);
        HubClient.Response created = a.post("/api/v1/admin/flows", new JsonObject().put("definition", """
            name: relay
            from:
              bus: test.nodes.in
            steps:
              - transform: '{"n": n}'
              - bus: {type: test.nodes.out}
            """));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        await("the flow runs on node B").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
            .until(() -> "running".equals(b.get("/api/v1/admin/flows/relay").json().getString("state")));

        for (int n = 0; n < 10; n++) {
            HubClient to = n % 2 == 0 ? a : b;
            HubClient.Response posted = to.post("/api/v1/events", "application/cloudevents+json", new JsonObject()
                .put("specversion", "1.0").put("id", "in-" + n).put("source", "/test/nodes").put("type", "test.nodes.in")
                .put("subject", "s").put("data", new JsonObject().put("n", n)).encode());
            assertThat(posted.status()).as(posted.toString()).isEqualTo(202);
        }
        // each node reads the log up to the sequence counter it last followed (every 100 ms): wait for both
        await("every event relayed, as both nodes read it").atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(50)).until(() -> out(a).size() >= 10 && out(b).size() >= 10);

        List<Integer> relayed = out(b);
        JsonObject subscription = a.get("/api/v1/admin/subscriptions").jsonArray().stream()
            .map(o -> (JsonObject) o).filter(s -> s.getString("name").contains("relay")).findFirst().orElseThrow();
        assertThat(relayed).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(subscription.getString("node")).isIn("node-a", "node-b");
        assertThat(a.get("/api/v1/admin/nodes").json().getJsonArray("nodes").stream()
            .flatMap(n -> ((JsonObject) n).getJsonArray("runs").stream()).toList())
            .contains("subscription:" + subscription.getString("name"));
    }

    @Test
    void eachNodesPluginStillLogsInToItsSchemaAfterTheOtherNodeStarted() throws SQLException {
        assumeTrue(PG != null, "PostgreSQL is not installed");
        // node B started twice after node A (see shareTheSecretsKey): with one role for all nodes, each start set a
        // password that node A did not know, and A's next new connection failed
        HikariDataSource poolA = notesPool(nodeA);
        HikariDataSource poolB = notesPool(nodeB);

        for (HikariDataSource pool : List.of(poolA, poolB)) {
            try (Connection fresh = DriverManager.getConnection(pool.getJdbcUrl(), pool.getUsername(),
                     pool.getPassword());
                 Statement st = fresh.createStatement();
                 ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM plugin_notes.notes")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).as("the starts of notes on both nodes").isGreaterThanOrEqualTo(2);
            }
            // the plugin's own pool, its connections replaced as after a network break
            pool.getHikariPoolMXBean().softEvictConnections();
            try (Connection c = pool.getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO notes (text) VALUES (?)")) {
                ps.setString(1, "from " + pool.getUsername());
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }

        assertThat(poolA.getUsername()).as("a login per node").isNotEqualTo(poolB.getUsername())
            .startsWith("nodes_plugin_notes_");
        assertThat(count(poolB, "SELECT COUNT(*) FROM notes WHERE text = 'from " + poolA.getUsername() + "'"))
            .as("node A's row, read on node B").isEqualTo(1);
        try (Connection admin = DriverManager.getConnection(URL, PG.user(), PG.password());
             Statement st = admin.createStatement();
             ResultSet rs = st.executeQuery("SELECT tableowner FROM pg_tables WHERE schemaname = 'plugin_notes' "
                 + "AND tablename = 'notes'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).as("the table belongs to the plugin's role, not to a node's login")
                .isEqualTo("nodes_plugin_notes");
        }
    }

    /**
     * A node retired for good is forgotten through the admin API: refused while it looks alive and for the node
     * asked, then its registration and its plugin's login role are gone and a lease it still held is let go at once.
     */
    @Test
    void aNodeGoneForGoodIsForgottenWithItsLoginAndItsWorkLetGo() throws SQLException, java.io.IOException {
        assumeTrue(PG != null, "PostgreSQL is not installed");
        HubClient a = client(nodeA);
        List<String> before = notesLogins();
        HubExtension nodeD = node("node-d", home -> {
            try { // as every node of one database, with the first node's secrets key (see docs/operations.md)
                Path data = HubConfig.load(home, java.util.Map.of(), java.util.Map.of()).dataDir();
                Files.createDirectories(data);
                Files.copy(nodeA.hub().config().dataDir().resolve("secret.key"), data.resolve("secret.key"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        nodeD.beforeAll(null);
        List<String> during;
        try {
            during = notesLogins();
        } finally {
            nodeD.afterAll(null);
        }
        assertThat(during).hasSize(before.size() + 1);
        String login = during.stream().filter(l -> !before.contains(l)).findFirst().orElseThrow();
        try (Connection admin = DriverManager.getConnection(URL, PG.user(), PG.password());
             Statement st = admin.createStatement()) {
            st.execute("INSERT INTO hub_lease (name, holder, token, taken_at, expires_at) VALUES "
                + "('route:forget-test', 'node-d', 7, now(), now() + interval '10 minutes')");
        }

        HubClient.Response alive = a.delete("/api/v1/admin/nodes/node-d");
        HubClient.Response self = a.delete("/api/v1/admin/nodes/node-a");
        HubClient.Response unknown = a.delete("/api/v1/admin/nodes/node-x");

        assertThat(alive.status()).as(alive.toString()).isEqualTo(409);
        assertThat(alive.json().getString("field")).isEqualTo("id");
        assertThat(alive.json().getString("error")).contains("node node-d is alive");
        assertThat(self.status()).as(self.toString()).isEqualTo(409);
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);

        // three heartbeats later, as the node's clock would have it
        try (Connection admin = DriverManager.getConnection(URL, PG.user(), PG.password());
             Statement st = admin.createStatement()) {
            st.execute("UPDATE hub_node SET heartbeat_at = now() - interval '1 minute' WHERE id = 'node-d'");
        }
        HubClient.Response forgotten = a.delete("/api/v1/admin/nodes/node-d");

        assertThat(forgotten.status()).as(forgotten.toString()).isEqualTo(200);
        assertThat(forgotten.json().getJsonArray("released").getList()).containsExactly("route:forget-test");
        assertThat(forgotten.json().getJsonArray("removed").getList()).containsExactly("role " + login);
        assertThat(forgotten.json().getJsonArray("problems").getList()).isEmpty();
        assertThat(notesLogins()).containsExactlyInAnyOrderElementsOf(before);
        assertThat(a.get("/api/v1/admin/nodes").json().getJsonArray("nodes").stream()
            .map(n -> ((JsonObject) n).getString("id")).toList()).doesNotContain("node-d");
        try (Connection admin = DriverManager.getConnection(URL, PG.user(), PG.password());
             Statement st = admin.createStatement();
             ResultSet rs = st.executeQuery("SELECT expires_at <= now() FROM hub_lease WHERE name = 'route:forget-test'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).as("the lease let go at once").isTrue();
            st.execute("DELETE FROM hub_lease WHERE name = 'route:forget-test'");
        }
        assertThat(a.delete("/api/v1/admin/nodes/node-d").status()).as("gone").isEqualTo(404);
    }

    /** The login roles of plugin {@code notes}'s owning role: one per node that ran it. */
    private static List<String> notesLogins() throws SQLException {
        try (Connection admin = DriverManager.getConnection(URL, PG.user(), PG.password());
             Statement st = admin.createStatement();
             ResultSet rs = st.executeQuery("SELECT r.rolname FROM pg_roles r JOIN pg_auth_members m ON m.member = "
                 + "r.oid JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = 'nodes_plugin_notes' AND r.rolcanlogin "
                 + "ORDER BY 1")) {
            List<String> out = new java.util.ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    private static HikariDataSource notesPool(HubExtension node) {
        return (HikariDataSource) node.hub().plugins().plugin("notes").orElseThrow().context().database();
    }

    private static long count(HikariDataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Integer> out(HubClient client) {
        JsonArray events = client.get("/api/v1/events?type=test.nodes.out&limit=1000").json().getJsonArray("events");
        return events.stream().map(e -> ((JsonObject) e).getJsonObject("event").getJsonObject("data").getInteger("n"))
            .toList();
    }
}
