package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import de.datenhafen.testkit.postgres.PostgresForTests;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A plugin's database on PostgreSQL (the testkit's shared server): a role of its own that owns schema
 * {@code plugin_<id>}, with the rights {@code PUBLIC} has by default on the hub's database and schema taken away.
 */
class PluginDatabaseOnPostgresTest extends PluginDatabaseSuite {

    private static final Path ARCHIVES = TestDirs.create("plugin-database-postgres");
    private static final Postgres PG = PostgresForTests.sharedOrNull();

    /** The hub logs in as docs/operations.md makes its role: {@code LOGIN CREATEROLE}, no superuser. */
    @RegisterExtension
    static final HubExtension hub = withNotesAndMemo(asDocumented(HubExtension.builder()), ARCHIVES).build();

    private static HubExtension.Builder asDocumented(HubExtension.Builder builder) {
        if (PG != null) {
            PG.hubDatabaseAsDocumented("plugin_databases").forEach(builder::config);
        }
        return builder;
    }

    /** The hub's own login on its database (what a restore with {@code --no-owner} as that login leaves owning). */
    private static final String HUB_LOGIN = "plugin_databases_hub";

    @BeforeEach
    void needsPostgres() {
        assumeTrue(PG != null, "PostgreSQL is not installed (apt-get install postgresql)");
    }

    @Override
    HubExtension hub() {
        return hub;
    }

    @Override
    String refusalOfTheHubsSchema() {
        return "permission denied for schema public";
    }

    @Override
    String refusalOfAnotherPluginsSchema() {
        return "permission denied for schema plugin_memo";
    }

    @Test
    void takesBackItsSchemaFromAnotherOwnerAsARestoreWithoutOwnersLeavesIt() throws SQLException {
        long before = count(database("memo"), "SELECT COUNT(*) FROM notes");
        try (Connection c = DriverManager.getConnection(PG.jdbcUrl("plugin_databases"), PG.user(), PG.password());
             Statement st = c.createStatement()) {
            st.execute("ALTER SCHEMA plugin_memo OWNER TO " + HUB_LOGIN);
            st.execute("ALTER TABLE plugin_memo.notes OWNER TO " + HUB_LOGIN);
        }

        hub.restart();

        assertThat(count(database("memo"), "SELECT COUNT(*) FROM notes")).isEqualTo(before + 1);
    }

    /**
     * A plugin's role someone made a superuser is refused at the plugin's start, saying how to take that away, where
     * the hub's documented role (no superuser) met PostgreSQL's own refusal of its ALTER ROLE.
     */
    @Test
    void aPluginRoleMadeASuperuserIsRefusedSayingHow() throws SQLException {
        String role = "plugin_databases_plugin_memo";
        alter(role, "SUPERUSER");
        try {
            hub.restart();

            assertThatThrownBy(() -> database("memo")).hasMessageContaining("the database role " + role
                + " is a superuser, may replicate or bypasses row security").hasMessageContaining("ALTER ROLE " + role
                + " NOSUPERUSER NOREPLICATION NOBYPASSRLS");
        } finally {
            alter(role, "NOSUPERUSER");
        }
        hub.restart();
        assertThat(count(database("memo"), "SELECT COUNT(*) FROM notes")).isPositive();
    }

    private static void alter(String role, String attribute) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG.jdbcUrl("plugin_databases"), PG.user(), PG.password());
             Statement st = c.createStatement()) {
            st.execute("ALTER ROLE " + role + " " + attribute);
        }
    }

    @Test
    void givesThePluginNoTemporaryTablesAndNoSchemasOfItsOwnMaking() {
        assertThatThrownBy(() -> count(database("notes"), "CREATE TEMPORARY TABLE scratch AS SELECT 1 AS n"))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("permission denied to create temporary tables");
        assertThatThrownBy(() -> count(database("notes"), "CREATE SCHEMA elsewhere"))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("permission denied for database plugin_databases");
    }
}
