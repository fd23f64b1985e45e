package de.datenhafen.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import de.datenhafen.api.ConflictException;
import de.datenhafen.api.HubException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each plugin a schema of its own in the hub's database: schema {@code PLUGIN_<ID>}, owned by a database
 * user of the same name that has no rights elsewhere, reached through its own small pool, migrated by Flyway from
 * the plugin's {@code db/plugin/} resources. The user's password is set anew at each start and never stored.
 *
 * <p>Implemented for the embedded H2 database, where users and schemas are cheap; other databases get a clear
 * refusal until their counterpart (a PostgreSQL role per plugin) is written.
 */
public final class PluginDatabases implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginDatabases.class);

    private final Database hub;
    private final String hubUrl;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, HikariDataSource> pools = new ConcurrentHashMap<>();

    public PluginDatabases(Database hub, String hubUrl) {
        this.hub = hub;
        this.hubUrl = hubUrl;
    }

    /** The schema (and user) name of a plugin: {@code PLUGIN_} and its id in upper case, other signs as '_'. */
    public static String schemaOf(String pluginId) {
        return "PLUGIN_" + pluginId.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /**
     * Refuses {@code pluginId} if its schema belongs to another plugin: ids that differ only in '-', '.' and '_'
     * ({@code air-quality}, {@code air_quality}) map to one schema and one database user, so the second would read
     * the first one's data and could reset its password. The owner keeps its schema after it is deleted, as the
     * schema keeps its data. (Data folders need no such check: they are named by the id itself, and ids are
     * lower case, so two ids never share one, even on a file system that ignores case.)
     *
     * @throws ConflictException naming the schema and the plugin that owns it
     */
    public void checkSchemaFree(String pluginId) {
        String owner = schemaOwner(schemaOf(pluginId));
        if (owner != null && !owner.equals(pluginId)) {
            throw new ConflictException("plugin id '" + pluginId + "' maps to database schema " + schemaOf(pluginId)
                + ", which belongs to plugin " + owner + "; choose another Plugin-Id", "Plugin-Id");
        }
    }

    /** Records {@code pluginId} as its schema's owner (after {@link #checkSchemaFree}, once it is installed). */
    public void claimSchema(String pluginId) {
        checkSchemaFree(pluginId);
        if (schemaOwner(schemaOf(pluginId)) != null) {
            return;
        }
        try (Connection c = hub.connection();
             PreparedStatement ps = c.prepareStatement(
                 "INSERT INTO plugin_schema (schema_name, plugin_id) VALUES (?, ?)")) {
            ps.setString(1, schemaOf(pluginId));
            ps.setString(2, pluginId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the database schema of plugin " + pluginId, e);
        }
    }

    private String schemaOwner(String schema) {
        try (Connection c = hub.connection();
             PreparedStatement ps = c.prepareStatement("SELECT plugin_id FROM plugin_schema WHERE schema_name = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read who owns database schema " + schema, e);
        }
    }

    /** The plugin's pool, making schema, user and pool and applying migrations on first use. */
    public DataSource open(String pluginId, ClassLoader pluginLoader) {
        HikariDataSource existing = pools.get(pluginId);
        if (existing != null) {
            return existing;
        }
        synchronized (this) {
            existing = pools.get(pluginId);
            if (existing != null) {
                return existing;
            }
            HikariDataSource pool = create(pluginId, pluginLoader);
            pools.put(pluginId, pool);
            return pool;
        }
    }

    private HikariDataSource create(String pluginId, ClassLoader pluginLoader) {
        if (!hub.isH2()) {
            throw new HubException("plugin " + pluginId + " asked for a database, but plugin schemas are only "
                + "available on the embedded H2 database so far, not on " + Database.redactUrl(hubUrl));
        }
        claimSchema(pluginId);
        String schema = schemaOf(pluginId);
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        try (Connection c = hub.connection(); Statement st = c.createStatement()) {
            st.execute("CREATE USER IF NOT EXISTS \"" + schema + "\" PASSWORD '" + password + "'");
            st.execute("ALTER USER \"" + schema + "\" SET PASSWORD '" + password + "'");
            st.execute("CREATE SCHEMA IF NOT EXISTS \"" + schema + "\" AUTHORIZATION \"" + schema + "\"");
        } catch (SQLException e) {
            throw new HubException("cannot make the database schema of plugin " + pluginId + ": " + e.getMessage(),
                null, e);
        }
        HikariConfig hc = new HikariConfig();
        // The database is open already, with its settings; a plain URL naming the file and the schema is enough,
        // and database-wide settings would need rights the plugin's user does not have.
        hc.setJdbcUrl(baseUrl(hubUrl) + ";SCHEMA=\"" + schema + "\"");
        hc.setUsername(schema);
        hc.setPassword(password);
        hc.setPoolName("plugin-db-" + pluginId);
        hc.setMaximumPoolSize(4);
        hc.setMinimumIdle(0);
        HikariDataSource pool = new HikariDataSource(hc);
        try {
            var result = Flyway.configure(pluginLoader)
                .dataSource(pool)
                .schemas(schema)
                .defaultSchema(schema)
                .createSchemas(false)
                .locations("classpath:db/plugin")
                .table("plugin_schema_history")
                .failOnMissingLocations(false)
                .load()
                .migrate();
            String version = result.targetSchemaVersion != null ? result.targetSchemaVersion
                : result.initialSchemaVersion;
            LOG.info("Database schema {} of plugin {} at version {}", schema, pluginId,
                version == null ? "(no migrations)" : version);
        } catch (RuntimeException e) {
            pool.close();
            throw new HubException("the database migration of plugin " + pluginId + " failed: "
                + Database.rootMessage(e), null, e);
        }
        return pool;
    }

    /** Closes the plugin's pool, if it has one; the schema and data stay. */
    public void close(String pluginId) {
        HikariDataSource pool = pools.remove(pluginId);
        if (pool != null) {
            pool.close();
        }
    }

    @Override
    public void close() {
        pools.keySet().forEach(this::close);
    }

    /** {@code jdbc:h2:file:/x/datenhafen;WRITE_DELAY=0;...} without its settings. */
    static String baseUrl(String url) {
        int semicolon = url.indexOf(';');
        return semicolon < 0 ? url : url.substring(0, semicolon);
    }
}
