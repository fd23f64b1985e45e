package de.datenhafen.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import de.datenhafen.core.store.Database;
import de.datenhafen.testkit.Postgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hub's schema on a real PostgreSQL (Debian's, started by the test): the same Flyway migrations as on H2 make the
 * same tables, and a server killed with {@code kill -9} keeps every committed row (issue 19's first step).
 */
class PostgresSchemaTest {

    private static Postgres pg;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Postgres.available(), "PostgreSQL is not installed (apt-get install postgresql)");
        pg = Postgres.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void theHubsMigrationsMakeItsTablesOnPostgres() throws Exception {
        String url = pg.createDatabase("schema_test");

        try (Database db = Database.open(url, pg.user(), pg.password());
             Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables "
                 + "WHERE table_schema = 'public' ORDER BY table_name")) {
            List<String> tables = new ArrayList<>();
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
            assertThat(tables).contains("integration", "bus_event", "bus_chunk", "bus_subscription",
                "bus_dead_letter", "hub_schema_history", "audit_entry", "member", "plugin_owner");
        }
    }

    @Test
    void aCommittedRowOutlivesAKillOfTheServer() throws Exception {
        String url = pg.createDatabase("kill_test");
        try (Database db = Database.open(url, pg.user(), pg.password());
             Connection c = db.connection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO hub_setting (name, val) VALUES ('survives', 'yes')");
        }

        pg.kill();
        pg.startServer();

        try (Database db = Database.open(url, pg.user(), pg.password());
             Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT val FROM hub_setting WHERE name = 'survives'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("yes");
        }
    }
}
