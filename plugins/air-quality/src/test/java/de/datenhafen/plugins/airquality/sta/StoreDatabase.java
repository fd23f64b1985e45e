package de.datenhafen.plugins.airquality.sta;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;

/** An in-memory H2 database with the general SensorThings store's tables, as the plugin's migrations make them. */
final class StoreDatabase {

    private StoreDatabase() {
    }

    static JdbcDataSource open() throws SQLException {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            for (String v : List.of("V4__sensorthings_store", "V5__sensorthings_members", "V6__sensorthings_version")) {
                st.execute("RUNSCRIPT FROM 'classpath:db/plugin/" + v + ".sql'");
            }
        }
        return db;
    }
}
