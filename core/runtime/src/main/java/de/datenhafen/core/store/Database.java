package de.datenhafen.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's database: a pooled {@link DataSource} over the configured JDBC URL, its schema migrated at open from
 * {@code db/hub}. Closing it closes the pool and, for an embedded H2 file, the database itself.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource dataSource;
    private final String url;

    private Database(HikariDataSource dataSource, String url) {
        this.dataSource = dataSource;
        this.url = url;
    }

    /** Opens the pool and migrates the hub's schema. */
    public static Database open(String url, String user, String password) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setPoolName("hub-db");
        hc.setMaximumPoolSize(8);
        hc.setMinimumIdle(1);
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot open the database at " + redactUrl(url) + ": " + rootMessage(e), e);
        }
        Database db = new Database(ds, url);
        try {
            var result = Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/hub")
                .table("hub_schema_history")
                .load()
                .migrate();
            LOG.info("Database {} ready at schema version {}", redactUrl(url),
                result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion);
        } catch (RuntimeException e) {
            db.close();
            throw new IllegalStateException("cannot migrate the database at " + redactUrl(url) + ": "
                + rootMessage(e), e);
        }
        return db;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    public boolean isH2() {
        return url.startsWith("jdbc:h2:");
    }

    /** A cheap check that the database answers, for readiness. */
    public boolean isUp() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next();
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /** The H2 setting of this name as the open database reports it, or null if it is not H2 or has none. */
    public String h2Setting(String name) {
        if (!isH2()) {
            return null;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                 "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read H2 setting " + name, e);
        }
    }

    @Override
    public void close() {
        if (dataSource.isClosed()) {
            return;
        }
        if (isH2()) {
            // The pool closing its connections does not close an H2 file opened with DB_CLOSE_ON_EXIT=FALSE.
            try (Connection c = dataSource.getConnection(); var st = c.createStatement()) {
                st.execute("SHUTDOWN");
            } catch (SQLException e) {
                // 90121 "database is already closed": SHUTDOWN did its work before the statement was closed.
                if (e.getErrorCode() != 90121) {
                    LOG.warn("H2 did not shut down cleanly: {}", e.getMessage());
                }
            }
        }
        dataSource.close();
        LOG.info("Database closed");
    }

    /** The URL without a password parameter, for log lines. */
    public static String redactUrl(String url) {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1********");
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
