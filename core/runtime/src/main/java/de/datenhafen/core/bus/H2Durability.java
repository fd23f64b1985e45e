package de.datenhafen.core.bus;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The start-up check that the event log's database keeps what it commits (promise 1). On H2 the log refuses to start
 * unless {@code WRITE_DELAY} is 0; with H2's default (500 ms) a SIGKILL loses acknowledged events. On PostgreSQL it
 * refuses a server with {@code fsync} off (a crash of the machine could lose committed transactions, and it cannot
 * be set per session), and the log's writer commits with {@code synchronous_commit} on whatever the server's
 * default ({@link #forWriter}): with it off, a commit returns before its WAL is flushed, and a kill of the server
 * loses it.
 */
public final class H2Durability {

    private H2Durability() {
    }

    /**
     * Checks the database behind this data source.
     *
     * @return true when it is H2 (the log then also syncs after each group, see package-info), false otherwise
     * @throws IllegalStateException naming the setting and how to fix it, when H2 would lose committed events
     */
    public static boolean check(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            if (postgres(c)) {
                String fsync = show(c, "fsync");
                if (!"on".equals(fsync)) {
                    throw new IllegalStateException("The PostgreSQL server at " + redact(md.getURL()) + " runs with "
                        + "fsync=" + fsync + ": a crash could lose events it has acknowledged. The bus refuses to "
                        + "start. Set fsync = on in the server's postgresql.conf.");
                }
                return false;
            }
            if (!"H2".equalsIgnoreCase(md.getDatabaseProductName())) {
                return false;
            }
            String writeDelay = setting(c, "WRITE_DELAY");
            if (!"0".equals(writeDelay)) {
                throw new IllegalStateException("The H2 database at " + redact(md.getURL()) + " runs with WRITE_DELAY="
                    + writeDelay + ": it would acknowledge events before they are on disk, and a crash would lose "
                    + "them. The bus refuses to start. Add ;WRITE_DELAY=0 to the JDBC URL (setting db.url, or "
                    + "DATENHAFEN_DB_URL), or leave db.url unset to use the default, which has it.");
            }
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot check the bus's database settings: " + e.getMessage(), e);
        }
    }

    /** Sets up the log writer's own connection: on PostgreSQL, each commit waits for its WAL to be flushed. */
    static void forWriter(Connection c) throws SQLException {
        if (postgres(c)) {
            try (Statement st = c.createStatement()) {
                st.execute("SET synchronous_commit = on");
            }
        }
    }

    private static boolean postgres(Connection c) throws SQLException {
        return "PostgreSQL".equalsIgnoreCase(c.getMetaData().getDatabaseProductName());
    }

    private static String show(Connection c, String name) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW " + name)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static String setting(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String redact(String url) {
        return url == null ? "?" : url.replaceAll("(?i)(password=)[^;&]*", "$1********");
    }
}
