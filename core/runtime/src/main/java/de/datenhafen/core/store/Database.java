package de.datenhafen.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.h2.api.ErrorCode;
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
    private final String user;
    private final String password;
    private volatile long compactAtCloseMax = -1; // file bytes; -1: never
    /** The newest schema version this hub's migrations made, once {@link #open} migrated; null otherwise. */
    private volatile MigrationVersion known;
    /** What {@link #newerSchema} found last, and when (nanoTime); a newer schema, once seen, stays. */
    private volatile Optional<NewerSchemaException> newer = Optional.empty();
    private volatile long newerCheckedAt;
    private static final long NEWER_CHECK_EVERY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);

    private Database(HikariDataSource dataSource, String url, String user, String password) {
        this.dataSource = dataSource;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /**
     * Opens the hub's database with {@code login}; if the database still has the login's former password (an
     * installation from before the hub made its own), sets the new one first.
     */
    public static Database open(DatabaseLogin login) {
        if (login.formerPassword() != null) {
            moveToNewPassword(login);
        }
        return open(login.url(), login.user(), login.password());
    }

    private static void moveToNewPassword(DatabaseLogin login) {
        try (Connection c = DriverManager.getConnection(login.url(), login.user(), login.password())) {
            return; // already set; or a new database, just made with it
        } catch (SQLException e) {
            if (e.getErrorCode() != ErrorCode.WRONG_USER_OR_PASSWORD) {
                throw new IllegalStateException("cannot open the database at " + redactUrl(login.url()) + ": "
                    + e.getMessage(), e);
            }
        }
        try (Connection c = DriverManager.getConnection(login.url(), login.user(), login.formerPassword());
             Statement st = c.createStatement()) {
            // DatabaseLogin admits only letters, digits, '-' and '_' in the password: nothing to escape.
            st.execute("ALTER USER \"" + login.user().toUpperCase(Locale.ROOT).replace("\"", "\"\"")
                + "\" SET PASSWORD '" + login.password() + "'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the database at " + redactUrl(login.url()) + " as "
                + login.user() + ": neither the password in " + DatabaseLogin.KEY_FILE + " nor the configured one "
                + "(db.password) is accepted (" + e.getMessage() + ")", e);
        }
        LOG.warn("The database user {} had the configured password (empty by default), which plugins in this JVM "
            + "could use too; it now has the one the hub made in {} (readable by the hub's OS user only)",
            login.user(), DatabaseLogin.KEY_FILE);
    }

    /**
     * Opens the pool and migrates the hub's schema. Refuses a schema newer than this hub's migrations
     * ({@link NewerSchemaException}): left by a newer version of the hub, it may hold data this version would misread
     * or break (see {@link #refuseNewerSchema}).
     */
    public static Database open(String url, String user, String password) {
        return open(url, user, password, null);
    }

    /**
     * Opens the pool with the hub's schema migrated only up to {@code version}, as a hub of that version left it: for
     * tests of upgrades from an earlier version.
     */
    public static Database openAtVersion(String url, String user, String password, String version) {
        return open(url, user, password, version);
    }

    private static Database open(String url, String user, String password, String target) {
        Database db = pool(url, user, password);
        try {
            FluentConfiguration migrations = Flyway.configure()
                .dataSource(db.dataSource)
                // the same migrations on both; PostgreSQL gets a callback first (see its beforeMigrate.sql)
                .locations(postgres(url) ? new String[] {"classpath:db/hub", "classpath:db/hub-postgresql"}
                    : new String[] {"classpath:db/hub"})
                .table("hub_schema_history");
            if (target != null) {
                migrations.target(target);
            }
            Flyway flyway = migrations.load();
            MigrationVersion known = refuseNewerSchema(flyway, url); // before: nothing it does not know is touched
            var result = flyway.migrate();
            // again, cheaper: a node of a newer version may have migrated between the check and Flyway's lock
            refuseNewerSchema(db, known, url);
            db.known = known;
            LOG.info("Database {} ready at schema version {}", redactUrl(url),
                result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion);
        } catch (NewerSchemaException e) {
            db.close();
            throw e;
        } catch (RuntimeException e) {
            db.close();
            throw new IllegalStateException("cannot migrate the database at " + redactUrl(url) + ": "
                + rootMessage(e), e);
        }
        return db;
    }

    /**
     * Refuses a database whose schema has a migration this hub does not have, and returns the newest version this hub
     * has. Flyway alone would go on (its default {@code ignoreMigrationPatterns} is {@code *:future}: it logs a
     * warning and migrates nothing), and the hub would then run on tables a newer version changed: an old node after
     * another node was upgraded, or a downgrade. Migrations only go forward, so the way back to an older version is
     * the backup taken before the upgrade.
     */
    private static MigrationVersion refuseNewerSchema(Flyway flyway, String url) {
        MigrationInfo newest = null;
        MigrationVersion known = MigrationVersion.EMPTY;
        for (MigrationInfo m : flyway.info().all()) {
            if (m.getVersion() == null) {
                continue;
            }
            if (m.getState().isResolved()) {
                known = m.getVersion().isNewerThan(known) ? m.getVersion() : known;
            } else if (m.getInstalledOn() != null // applied, and not among this hub's migrations
                && (newest == null || m.getVersion().isNewerThan(newest.getVersion()))) {
                newest = m;
            }
        }
        if (newest != null && newest.getVersion().isNewerThan(known)) {
            throw new NewerSchemaException(redactUrl(url), newest.getVersion().getVersion(), newest.getDescription(),
                newest.getInstalledOn().toInstant(), known.getVersion());
        }
        return known;
    }

    /** The check above after the migration, from the history table itself (Flyway's info costs a scan again). */
    private static void refuseNewerSchema(Database db, MigrationVersion known, String url) {
        try (Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT \"version\", \"description\", \"installed_on\" FROM "
                 + "\"hub_schema_history\" WHERE \"version\" IS NOT NULL")) {
            while (rs.next()) {
                MigrationVersion v = MigrationVersion.fromVersion(rs.getString(1));
                if (v.isNewerThan(known)) {
                    throw new NewerSchemaException(redactUrl(url), v.getVersion(), rs.getString(2),
                        rs.getTimestamp(3).toInstant(), known.getVersion());
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the schema history: " + e.getMessage(), e);
        }
    }

    /**
     * While the hub runs: whether another node of a newer version has migrated the database past what this hub knows
     * since it started (at start such a schema is refused, {@link #open}). Read from the schema history at most every
     * 2 s; once seen, it stays. Empty for a database opened without migrating.
     */
    public Optional<NewerSchemaException> newerSchema() {
        MigrationVersion k = known;
        if (k == null || newer.isPresent() || System.nanoTime() - newerCheckedAt < NEWER_CHECK_EVERY_NANOS) {
            return newer;
        }
        try {
            refuseNewerSchema(this, k, url);
        } catch (NewerSchemaException e) {
            newer = Optional.of(e);
        }
        newerCheckedAt = System.nanoTime();
        return newer;
    }

    /**
     * Opens the pool on a database whose schema {@link #open} has migrated in this JVM already, without asking Flyway
     * again (a third of a second on PostgreSQL): for the store and bus suites, which share one migrated PostgreSQL
     * database between their tests.
     */
    static Database openMigrated(String url, String user, String password) {
        return pool(url, user, password);
    }

    private static Database pool(String url, String user, String password) {
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
        return new Database(ds, url, user, password);
    }

    /** Whether {@code url} is a PostgreSQL database's. */
    public static boolean postgres(String url) {
        return url.startsWith("jdbc:postgresql:");
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

    /** Whether this is an H2 database in files this process opened (not in memory, not an H2 server's). */
    public boolean isEmbeddedH2File() {
        return isH2() && !url.startsWith("jdbc:h2:mem:") && !url.startsWith("jdbc:h2:tcp:")
            && !url.startsWith("jdbc:h2:ssl:") && !url.startsWith("jdbc:h2:zip:");
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
        if (!isH2()) {
            dataSource.close();
            LOG.info("Database closed");
            return;
        }
        // The pool closing its connections does not close an H2 file opened with DB_CLOSE_ON_EXIT=FALSE, so the hub
        // sends SHUTDOWN. Not through the pool: Hikari's connection, closed after SHUTDOWN, calls clearWarnings on a
        // closed database, and H2 writes that exception to datenhafen.trace.db at every stop. A connection of our
        // own, opened first, keeps the database open while the pool closes, then shuts it down.
        Connection own = null;
        try {
            own = DriverManager.getConnection(url, user, password);
        } catch (SQLException e) {
            LOG.warn("H2 could not be reached to shut it down cleanly: {}", e.getMessage());
        }
        dataSource.close();
        if (own != null) {
            long before = compactAtCloseMax < 0 ? -1 : fileSize();
            boolean compact = before >= 0 && before <= compactAtCloseMax;
            long t0 = System.nanoTime();
            if (compact) {
                LOG.info("Compacting the database file at stop ({} MB)", before / 1_048_576);
            }
            try (Connection c = own; Statement st = c.createStatement()) {
                st.execute(compact ? "SHUTDOWN COMPACT" : "SHUTDOWN");
            } catch (SQLException e) {
                // 90121 "database is already closed": SHUTDOWN did its work before the statement was closed.
                if (e.getErrorCode() != ErrorCode.DATABASE_CALLED_AT_SHUTDOWN
                    && e.getErrorCode() != ErrorCode.DATABASE_IS_CLOSED) {
                    LOG.warn("H2 did not shut down cleanly: {}", e.getMessage());
                }
            }
            if (compact) {
                LOG.info("Database file compacted at stop: {} -> {} MB in {} ms", before / 1_048_576,
                    fileSize() / 1_048_576, (System.nanoTime() - t0) / 1_000_000);
            }
        }
        LOG.info("Database closed");
    }

    /**
     * Has {@link #close} rewrite an embedded H2 file without its free space ({@code SHUTDOWN COMPACT}) when the file is
     * at most {@code maxFileBytes}. H2 gives the space of old page versions back to new writes while it runs, but the
     * file only shrinks when compacted. Worth it where the live data is small against the file, as for the chunked
     * bus (about 35 against 110 to 580 bytes per event written, see bus/package-info), and bounded by size because
     * the copy takes time a stop may not have; a larger file is compacted offline ({@code --compact}). A kill during
     * the copy leaves the old file, which H2 opens as before.
     */
    public void compactAtClose(long maxFileBytes) {
        this.compactAtCloseMax = maxFileBytes;
    }

    /** The embedded H2 file's size, or -1 when this is not one or it cannot be read. */
    private long fileSize() {
        try {
            Optional<Path> file = h2File(url);
            return file.isPresent() ? Files.size(file.get()) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * The {@code .mv.db} file of an embedded H2 URL that names its files directly ({@code jdbc:h2:file:} or
     * {@code jdbc:h2:async:}, the hub's default, see
     * {@link de.datenhafen.core.config.HubConfig#dbUrl()}), or empty.
     */
    public static Optional<Path> h2File(String url) {
        for (String prefix : H2_FILE_PREFIXES) {
            if (url.startsWith(prefix)) {
                try {
                    return Optional.of(Path.of(PluginDatabases.baseUrl(url).substring(prefix.length()) + ".mv.db"));
                } catch (InvalidPathException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static final List<String> H2_FILE_PREFIXES = List.of("jdbc:h2:file:", "jdbc:h2:async:");

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
