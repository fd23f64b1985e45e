package de.datenhafen.plugins.social;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** A fresh in-memory H2 database with the plugin's migrations applied, as the hub's Flyway would. */
final class TestDb {

    private TestDb() {
    }

    /** A directory in a fresh database holding the demo directory of 2026-11-26 (50 services), outbox emptied. */
    static Directory demoDirectory(String name) throws Exception {
        Directory dir = new Directory(create(name), java.time.ZoneId.of("Europe/Berlin"), () -> Callers.OWNER).load();
        dir.importSet(DemoData.demo(java.time.LocalDate.of(2026, 11, 26)), null);
        dir.sent(Long.MAX_VALUE);
        return dir;
    }

    /** The plugin's migrations in the order Flyway applies them. */
    private static final String[] MIGRATIONS = {"V1__directory.sql", "V2__organization_members.sql"};

    static DataSource create(String name) throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + name + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        for (String migration : MIGRATIONS) {
            String sql;
            try (InputStream in = TestDb.class.getResourceAsStream("/db/plugin/" + migration)) {
                sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                for (String part : sql.replaceAll("(?m)^--.*$", "").split(";")) {
                    if (!part.isBlank()) {
                        st.execute(part);
                    }
                }
            }
        }
        return ds;
    }
}
