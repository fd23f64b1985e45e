package de.datenhafen.testkit;

import static de.datenhafen.testkit.BusTestSupport.received;
import static de.datenhafen.testkit.BusTestSupport.sequences;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import de.datenhafen.core.Hub;
import de.datenhafen.core.config.HubConfig;
import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.DatabaseLogin;
import de.datenhafen.core.store.NewerSchemaException;
import de.datenhafen.fixtures.Fixtures;
import de.datenhafen.fixtures.SinkPlugin;
import de.datenhafen.testkit.postgres.PostgresForTests;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Upgrades for real, on H2 and on PostgreSQL: a database migrated only up to each earlier migration of the hub (as a
 * hub of that version left it, filled by {@link EarlierHub}), then the current hub started on it, once per case. And
 * what happens when versions mix: a hub refuses a schema a newer version migrated, and nodes that start at once on
 * a new PostgreSQL database migrate it once.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(HubUpgradeTest.Store.class)
class HubUpgradeTest {

    /** Where the hub keeps its data. */
    enum Store { H2, POSTGRESQL }

    private static final Path ARCHIVES = TestDirs.create("upgrade");
    private static final List<String> VERSIONS = EarlierHub.versions();
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final String BATCH = "application/cloudevents-batch+json";
    private static final Duration BOUND = Duration.ofSeconds(30);

    @Parameter
    Store store;

    /** Every migration of the hub but the newest: the schema an earlier version left. */
    static List<String> earlierVersions() {
        return VERSIONS.subList(0, VERSIONS.size() - 1);
    }

    /**
     * The earlier versions tried on PostgreSQL: the first (every migration runs there, on data), the one before the
     * nodes and leases arrived (V9, the migration PostgreSQL's locking matters most for) and the last. The migrations
     * are the same files on both stores, so the others are tried on H2 only, to keep the suite's time in bounds.
     */
    private static boolean triedOnPostgres(String version) {
        List<String> earlier = earlierVersions();
        return version.equals(earlier.get(0)) || version.equals("8") || version.equals(earlier.get(earlier.size() - 1));
    }

    @ParameterizedTest(name = "from schema version {0}")
    @MethodSource("earlierVersions")
    void startsOnTheDatabaseAnEarlierVersionLeftWithEverythingInItStillWorking(String version) {
        assumeTrue(store == Store.H2 || triedOnPostgres(version),
            "from schema version " + version + " tried on H2 only (the same migrations)");
        int v = Integer.parseInt(version);
        AtomicReference<EarlierHub.Left> left = new AtomicReference<>();
        Map<String, Object> database = database();
        HubExtension.Builder builder = HubExtension.builder()
            .plugin(() -> SinkPlugin.archive(ARCHIVES)).plugin(() -> Fixtures.quiet(ARCHIVES, "idle"))
            .beforeFirstStart(home -> {
                DatabaseLogin db = DatabaseLogin.of(HubConfig.load(home, Map.of(), database));
                left.set(EarlierHub.fill(db.url(), db.user(), db.password(), version, home.resolve("plugins")));
            });
        database.forEach(builder::config);
        HubExtension hub = builder.build();
        try {
            hub.beforeAll(null);
            HubClient client = hub.client();
            List<Long> before = left.get().events();

            // the plugins as they were: installed (at this first start, for a version before the archives were
            // recorded), one enabled, one disabled; the integration listed and running again
            assertThat(client.get("/api/v1/admin/plugins/sink").json().getString("state")).isEqualTo("started");
            assertThat(client.get("/api/v1/admin/plugins/idle").json().getString("state")).isEqualTo("disabled");
            JsonObject integration = client.get("/api/v1/admin/integrations/" + EarlierHub.INTEGRATION).json();
            assertThat(integration.getString("state")).as(integration.encode()).isEqualTo("running");

            // the events readable in order, and new ones after them
            List<JsonObject> events = read(client);
            assertThat(events).extracting(e -> e.getLong("sequence")).containsExactlyElementsOf(before);
            assertThat(events).extracting(e -> e.getString("member")).allMatch(EarlierHub.MEMBER::equals);
            assertThat(events).extracting(e -> e.getJsonObject("event").getString("id"))
                .containsExactlyElementsOf(before.isEmpty() ? List.of() : List.of("reading-0", "reading-1",
                    "reading-2", "reading-3", "reading-4", "reading-5"));
            long next = post(client, "reading-after-upgrade");
            // after those six and the sink's records of the ones it had not delivered yet
            assertThat(next).isGreaterThan(before.isEmpty() ? 0 : before.get(before.size() - 1));

            // the subscription resumes after its cursor: the three events it had not finished, then the new one
            List<Long> expected = new ArrayList<>(before.isEmpty() ? List.of() : before.subList(3, 6));
            expected.add(next);
            await().atMost(BOUND).until(() -> received(hub.hub(), EarlierHub.RECORDED).size() >= expected.size());
            assertThat(sequences(received(hub.hub(), EarlierHub.RECORDED))).containsExactlyElementsOf(expected);
            // its cursor moved by this node under a lease whose token never went back: past the one an earlier node
            // held (V9 on)
            long older = v >= 9 ? EarlierHub.OLD_TOKEN : 0;
            await().atMost(BOUND).untilAsserted(() -> {
                JsonObject now = client.get("/api/v1/admin/subscriptions/" + EarlierHub.SUBSCRIPTION).json();
                // at the new event, or past it: the sink's own records do not match the subscription
                assertThat(now.getLong("cursor")).as(now.encode()).isGreaterThanOrEqualTo(next);
                assertThat(now.getString("cursorMovedBy")).as(now.encode()).isEqualTo(now.getString("node"))
                    .isNotEqualTo(EarlierHub.OLD_NODE);
                assertThat(now.getLong("leaseToken")).as(now.encode()).isGreaterThan(older);
            });
            JsonObject subscription = client.get("/api/v1/admin/subscriptions/" + EarlierHub.SUBSCRIPTION).json();
            if (v >= 2) {
                assertThat(subscription.getLong("deadLetters")).isEqualTo(1);
                JsonObject dead = client.get("/api/v1/admin/dead-letters?subscription=" + EarlierHub.SUBSCRIPTION)
                    .json().getJsonArray("deadLetters").getJsonObject(0);
                assertThat(dead.getJsonObject("event").getLong("sequence")).isEqualTo(left.get().deadLetter());
                assertThat(dead.getJsonObject("event").getString("id")).isEqualTo("reading-1");
                assertThat(dead.getString("error")).isEqualTo(EarlierHub.DEAD_LETTER_ERROR);
            }
            if (v >= 5) {
                assertThat(client.get("/api/v1/admin/members/" + EarlierHub.MEMBER).json().getString("name"))
                    .isEqualTo("Stadtwerke Testhausen");
                assertThat(client.get("/api/v1/admin/plugins/sink").json().getString("owner"))
                    .isEqualTo(EarlierHub.MEMBER);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            hub.afterAll(null);
        }
    }

    @Test
    void refusesToStartOnASchemaThatANewerVersionMigrated(@TempDir Path home) throws SQLException {
        Map<String, Object> settings = database();
        settings.put(HubConfig.HTTP_HOST, "127.0.0.1");
        settings.put(HubConfig.HTTP_PORT, 0);
        HubConfig config = HubConfig.load(home, Map.of(), settings);
        DatabaseLogin login = DatabaseLogin.of(config);
        String newer = Integer.toString(Integer.parseInt(VERSIONS.get(VERSIONS.size() - 1)) + 1);
        try (Database db = Database.open(login.url(), login.user(), login.password());
             Connection c = db.connection(); Statement st = c.createStatement()) {
            // what the newer version's migration left: its table and its line in the history
            st.execute("CREATE TABLE plugin_quota (plugin_id VARCHAR(128) NOT NULL PRIMARY KEY, max_rows BIGINT)");
            st.execute("INSERT INTO \"hub_schema_history\" (\"installed_rank\", \"version\", \"description\", "
                + "\"type\", \"script\", \"checksum\", \"installed_by\", \"installed_on\", \"execution_time\", "
                + "\"success\") VALUES (" + (VERSIONS.size() + 1) + ", '" + newer + "', 'plugin quotas', 'SQL', 'V"
                + newer + "__plugin_quotas.sql', 12345, 'hub', CURRENT_TIMESTAMP, 3, TRUE)");
        }

        assertThatThrownBy(() -> Hub.start(config).close()) // closed, should it start after all
            .isInstanceOf(NewerSchemaException.class)
            .hasMessageContaining("has schema version " + newer + " (\"plugin quotas\", applied ")
            .hasMessageContaining("made by a newer version of the hub; this version knows schema versions up to "
                + VERSIONS.get(VERSIONS.size() - 1) + " and does not run on a schema it does not know. Start the "
                + "newer version instead (every node on one database runs the same version), or, to go back to "
                + "this version, restore the backup taken before the upgrade");

        // it did not run on it: no node registered, no admin token stored
        try (Connection c = DriverManager.getConnection(login.url(), login.user(), login.password())) {
            assertThat(count(c, "SELECT COUNT(*) FROM hub_node")).isZero();
            assertThat(count(c, "SELECT COUNT(*) FROM admin_token")).isZero();
        }
    }

    /**
     * A node that runs while a node of a newer version migrates the database (an upgrade that did not stop every node
     * first) stops being ready, so a load balancer takes it out, and says why; it does not go on as if nothing
     * happened.
     */
    @Test
    void aRunningNodeIsNotReadyOnceANewerVersionMigratedTheDatabase() throws Exception {
        HubExtension.Builder builder = HubExtension.builder();
        database().forEach(builder::config);
        HubExtension hub = builder.build();
        hub.beforeAll(null);
        try {
            HubClient client = hub.client();
            assertThat(client.get("/health/ready").status()).isEqualTo(200);
            String newer = Integer.toString(Integer.parseInt(VERSIONS.get(VERSIONS.size() - 1)) + 1);
            try (Connection c = hub.hub().database().connection(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO \"hub_schema_history\" (\"installed_rank\", \"version\", \"description\", "
                    + "\"type\", \"script\", \"checksum\", \"installed_by\", \"installed_on\", \"execution_time\", "
                    + "\"success\") VALUES (" + (VERSIONS.size() + 1) + ", '" + newer + "', 'plugin quotas', 'SQL', 'V"
                    + newer + "__plugin_quotas.sql', 12345, 'hub', CURRENT_TIMESTAMP, 3, TRUE)");
            }

            // the history is read again at most every 2 s
            await().atMost(BOUND).until(() -> client.get("/health/ready").status() == 503);
            JsonObject ready = client.get("/health/ready").json();
            JsonObject schema = ready.getJsonArray("checks").stream().map(o -> (JsonObject) o)
                .filter(o -> o.getString("name").equals("schema")).findFirst().orElseThrow();
            assertThat(schema.getString("status")).isEqualTo("DOWN");
            assertThat(schema.getString("reason")).isEqualTo("another node of a newer version migrated the database "
                + "to schema version " + newer + "; this node knows schema versions up to "
                + VERSIONS.get(VERSIONS.size() - 1) + ": stop it and start the newer version (every node on one "
                + "database runs the same version)");
            assertThat(ready.encode()).doesNotContain("jdbc:");
        } finally {
            hub.afterAll(null);
        }
    }

    @Test
    void nodesStartingAtOnceOnANewDatabaseMigrateItOnce() throws Exception {
        assumeTrue(store == Store.POSTGRESQL, "an H2 file belongs to one process: several nodes need PostgreSQL");
        Map<String, Object> db = database();
        int nodes = 3;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<Database>> opened = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                opened.add(pool.submit(() -> {
                    go.await();
                    return Database.open((String) db.get(HubConfig.DB_URL), (String) db.get(HubConfig.DB_USER),
                        (String) db.get(HubConfig.DB_PASSWORD));
                }));
            }
            go.countDown();
            for (Future<Database> f : opened) {
                f.get(2, TimeUnit.MINUTES).close();
            }
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = DriverManager.getConnection((String) db.get(HubConfig.DB_URL),
            (String) db.get(HubConfig.DB_USER), (String) db.get(HubConfig.DB_PASSWORD))) {
            assertThat(count(c, "SELECT COUNT(*) FROM hub_schema_history WHERE version IS NOT NULL AND success"))
                .isEqualTo(VERSIONS.size());
            assertThat(count(c, "SELECT COUNT(DISTINCT version) FROM hub_schema_history WHERE version IS NOT NULL"))
                .isEqualTo(VERSIONS.size());
            assertThat(count(c, "SELECT COUNT(*) FROM bus_log_state")).as("V2's row, written once").isEqualTo(1);
        }
    }

    /**
     * The script Flyway runs before it takes its lock (PostgreSQL's {@code clob} domain), run by six connections at
     * once, round after round: the nodes' race above made small. A loser of this race sees {@code unique_violation}
     * on PostgreSQL's catalogue, which the script must take as "already there" as it does {@code duplicate_object}.
     */
    @Test
    void theScriptBeforeTheLockSurvivesNodesRunningItAtOnce() throws Exception {
        assumeTrue(store == Store.POSTGRESQL, "the script is PostgreSQL's");
        Map<String, Object> db = database();
        String script;
        try (InputStream in = Database.class.getResourceAsStream("/db/hub-postgresql/beforeMigrate.sql")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int connections = 6;
        List<Connection> open = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            for (int i = 0; i < connections; i++) {
                open.add(DriverManager.getConnection((String) db.get(HubConfig.DB_URL), (String) db.get(HubConfig.DB_USER),
                    (String) db.get(HubConfig.DB_PASSWORD)));
            }
            for (int round = 0; round < 40; round++) {
                try (Statement drop = open.get(0).createStatement()) {
                    drop.execute("DROP DOMAIN IF EXISTS clob");
                }
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> runs = new ArrayList<>();
                for (Connection c : open) {
                    runs.add(pool.submit(() -> {
                        go.await();
                        try (Statement st = c.createStatement()) {
                            st.execute(script);
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> run : runs) {
                    run.get(30, TimeUnit.SECONDS); // throws the script's error, if one of them failed
                }
            }
        } finally {
            pool.shutdownNow();
            for (Connection c : open) {
                c.close();
            }
        }
    }

    /** The hub's database settings for this store: a new database on the shared PostgreSQL, or none (H2's file). */
    private Map<String, Object> database() {
        Map<String, Object> settings = new HashMap<>();
        if (store == Store.POSTGRESQL) {
            Postgres pg = PostgresForTests.sharedOrNull();
            assumeTrue(pg != null, "PostgreSQL is not installed (apt-get install postgresql)");
            pg.hubDatabase("upgrade_" + DATABASES.incrementAndGet()).forEach(settings::put);
        }
        return settings;
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long post(HubClient client, String id) {
        JsonObject event = new JsonObject().put("specversion", "1.0").put("id", id).put("source", "/schools")
            .put("type", EarlierHub.TYPE).put("subject", "room-0").put("datacontenttype", "application/json")
            .put("data", new JsonObject().put("co2", 612));
        HubClient.Response r = client.post("/api/v1/events", BATCH, new JsonArray().add(event).encode());
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        return r.json().getJsonArray("events").getJsonObject(0).getLong("sequence");
    }

    private static List<JsonObject> read(HubClient client) {
        List<JsonObject> out = new ArrayList<>();
        client.get("/api/v1/events?type=" + EarlierHub.TYPE + "&after=0&limit=100").json().getJsonArray("events")
            .forEach(e -> out.add((JsonObject) e));
        return out;
    }
}
