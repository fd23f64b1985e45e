package de.datenhafen.core.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Statistics for H2's planner, gathered by the hub: its default URL turns H2's own off ({@code ANALYZE_AUTO=0}),
 * because H2 ran them in the session that changed a table, at its commit, and for the bus that is its one writer,
 * which then read 10,000 chunks while every producer waited (see {@code HubConfig}). The hub runs {@code ANALYZE} on
 * every table but the bus's event tables (large rows, only ever read by their keys) once after start and then every
 * hour, on its scheduler; plugins' tables included, whose users may not run {@code ANALYZE} themselves (H2 wants an
 * admin). H2 samples up to 10,000 rows per table. Not on PostgreSQL, which has its own (autovacuum).
 */
public final class TableStatistics {

    private static final Logger LOG = LoggerFactory.getLogger(TableStatistics.class);

    /** Left out: the bus's events, as chunks and as rows. */
    static final Set<String> LEFT_OUT = Set.of("BUS_CHUNK_DATA", "BUS_EVENT");

    private TableStatistics() {
    }

    /**
     * Runs {@code ANALYZE TABLE} on every table of the H2 database but {@link #LEFT_OUT}; a table that fails is logged
     * and skipped. Returns how many were analyzed (0 on other databases).
     *
     * @throws IllegalStateException when the tables cannot be listed
     */
    public static int analyze(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            if (!"H2".equals(c.getMetaData().getDatabaseProductName())) {
                return 0;
            }
            List<String> tables = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT TABLE_SCHEMA, TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
                    + "WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA <> 'INFORMATION_SCHEMA'")) {
                while (rs.next()) {
                    if (!LEFT_OUT.contains(rs.getString(2))) {
                        tables.add(quote(rs.getString(1)) + "." + quote(rs.getString(2)));
                    }
                }
            }
            int analyzed = 0;
            long t0 = System.nanoTime();
            for (String table : tables) {
                try (Statement st = c.createStatement()) {
                    st.execute("ANALYZE TABLE " + table);
                    analyzed++;
                } catch (SQLException e) { // dropped meanwhile (a plugin's migration), or locked: the next run
                    LOG.warn("Statistics for {} not gathered: {}", table, e.getMessage());
                }
            }
            LOG.debug("Statistics gathered for {} tables in {} ms", analyzed, (System.nanoTime() - t0) / 1_000_000);
            return analyzed;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list the database's tables: " + e.getMessage(), e);
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
