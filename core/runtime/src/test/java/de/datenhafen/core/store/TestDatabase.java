package de.datenhafen.core.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.testkit.Postgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The databases the store and bus suites run on (JUnit's {@code @ParameterizedClass} over this enum): the embedded H2
 * file the hub uses by default, and a real PostgreSQL (testkit's {@link Postgres}, one server for the test JVM). On
 * PostgreSQL the tests share one database, migrated once; a test whose folder is new finds it as the migrations left
 * it: every table but the schema history emptied (ending the sessions earlier tests left behind), identities
 * restarted and the rows the migrations wrote put back, in one transaction (about 0.1 s here, where a fresh database
 * copied from a template took 0.4 s and Flyway's check at each open another 0.3 s). A test uses one folder's
 * database at a time on PostgreSQL.
 */
public enum TestDatabase {

    H2 {
        @Override
        public Database open(Path dir) {
            return Database.open("jdbc:h2:async:" + dir.resolve("hub").toAbsolutePath() // as the hub's default URL
                + HubConfig.H2_FILE_SETTINGS + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "");
        }
    },

    POSTGRESQL {
        @Override
        public Database open(Path dir) {
            assumeTrue(Postgres.available(), "PostgreSQL is not installed (apt-get install postgresql)");
            return Shared.open(dir);
        }
    };

    /** The hub's database for a test whose temporary folder is {@code dir}: the same one again for the same folder. */
    public abstract Database open(Path dir);

    /** The one database of the PostgreSQL suites, reset for each new test folder. */
    private static final class Shared {
        private static final String NAME = "hub_suites";
        private static Postgres server;
        private static Path current;
        private static String reset; // empties every table the migrations made, restarts identities
        private static final Map<String, List<Object[]>> SEEDS = new LinkedHashMap<>(); // rows the migrations wrote

        static synchronized Database open(Path dir) {
            try {
                if (server == null) {
                    Postgres pg = Postgres.shared();
                    try (Database migrated = Database.open(pg.createDatabase(NAME), pg.user(), pg.password());
                         Connection c = migrated.connection()) {
                        remember(c);
                    }
                    server = pg;
                }
                if (!dir.equals(current)) {
                    try (Connection c = DriverManager.getConnection(server.jdbcUrl(NAME), server.user(),
                        server.password())) {
                        restore(c);
                    }
                    current = dir;
                }
                return Database.openMigrated(server.jdbcUrl(NAME), server.user(), server.password());
            } catch (IOException | SQLException e) {
                throw new IllegalStateException("cannot prepare the PostgreSQL database for a test: " + e.getMessage(),
                    e);
            }
        }

        private static void remember(Connection c) throws SQLException {
            List<String> tables = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT table_name FROM "
                + "information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' "
                + "AND table_name <> 'hub_schema_history' ORDER BY table_name")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            StringBuilder sql = new StringBuilder("SET LOCAL session_replication_role = replica;"); // no FK checks
            for (String table : tables) {
                sql.append(" DELETE FROM ").append(table).append(';');
                List<Object[]> rows = new ArrayList<>();
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
                    while (rs.next()) {
                        Object[] row = new Object[rs.getMetaData().getColumnCount()];
                        for (int i = 0; i < row.length; i++) {
                            row[i] = rs.getObject(i + 1);
                        }
                        rows.add(row);
                    }
                }
                SEEDS.put(table, rows);
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT table_name, column_name "
                + "FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'")) {
                while (rs.next()) {
                    sql.append(" ALTER TABLE ").append(rs.getString(1)).append(" ALTER COLUMN ")
                        .append(rs.getString(2)).append(" RESTART;");
                }
            }
            reset = sql.toString();
        }

        private static void restore(Connection c) throws SQLException {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                    + "current_database() AND pid <> pg_backend_pid()").close();
                st.execute(reset);
            }
            for (Map.Entry<String, List<Object[]>> seed : SEEDS.entrySet()) {
                for (Object[] row : seed.getValue()) {
                    String marks = String.join(", ", Collections.nCopies(row.length, "?"));
                    try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO " + seed.getKey() + " VALUES (" + marks + ")")) {
                        for (int i = 0; i < row.length; i++) {
                            ps.setObject(i + 1, row[i]);
                        }
                        ps.executeUpdate();
                    }
                }
            }
            c.commit();
        }
    }
}
