package de.datenhafen.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub's own ANALYZE, with H2's automatic one off as in the hub's URL. */
class TableStatisticsTest {

    @TempDir
    Path dir;

    @Test
    void gathersStatisticsForEveryTableButTheBusEvents() throws Exception {
        try (Database db = TestDatabase.H2.open(dir); Connection c = db.dataSource().getConnection();
             Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA plugin_sample");
            st.execute("CREATE TABLE plugin_sample.reading (id INT PRIMARY KEY, kind INT, \"odd \"\"name\"\"\" INT)");
            st.execute("INSERT INTO plugin_sample.reading SELECT X, MOD(X, 2), X FROM SYSTEM_RANGE(1, 3000)");
            st.execute("INSERT INTO bus_chunk_data (first_seq, data) SELECT X, X'01' FROM SYSTEM_RANGE(1, 3000)");
            assertThat(selectivity(c, "READING", "KIND")).as("no automatic ANALYZE").isEqualTo(50);

            int analyzed = TableStatistics.analyze(db.dataSource());

            assertThat(analyzed).isGreaterThan(10); // the hub's tables and the plugin's
            assertThat(selectivity(c, "READING", "KIND")).as("two values in 3,000 rows").isEqualTo(1);
            assertThat(selectivity(c, "READING", "ID")).isEqualTo(100);
            assertThat(selectivity(c, "BUS_CHUNK_DATA", "DATA")).as("left out").isEqualTo(50);
        }
    }

    private static int selectivity(Connection c, String table, String column) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT SELECTIVITY FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = ? AND COLUMN_NAME = ?")) {
            ps.setString(1, table);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getInt(1);
            }
        }
    }
}
