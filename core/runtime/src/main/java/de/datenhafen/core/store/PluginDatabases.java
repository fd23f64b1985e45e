package de.datenhafen.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import de.datenhafen.api.ConflictException;
import de.datenhafen.api.HubException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
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
 * the plugin's {@code db/plugin/} resources. On H2 (one hub process) the user logs in itself, with a password set
 * anew at each start and never stored.
 *
 * <p>On PostgreSQL the plugin's schema {@code plugin_<id>} is owned by a role of its own, {@code <database>_plugin_<id>}
 * (roles belong to the whole server, so the database's name keeps two hubs on one server apart), which cannot log in.
 * Each node (hub process) on the database logs in as a role of its own that is a member of it,
 * {@code <database>_plugin_<id>_<8 hex digits of the node's id>}, with a new random password at each of its starts,
 * and its connections act as the owning role ({@code SET ROLE}), so what the plugin makes belongs to that role whichever
 * node made it. So a node's start changes only its own login's password, and the connections of the other nodes keep
 * working (with one role for all, each start set a password the others did not know). The hub takes the rights of
 * {@code PUBLIC} on its database and its own schema away, so a plugin's roles can connect to this database and use
 * its own schema, nothing else (they still see the names of other objects in the system catalogs, as every role
 * does). The hub's database user needs {@code CREATEROLE} for this. Migrations come from {@code db/plugin/},
 * with the files of {@code db/plugin-postgresql/} in place of those of the same version (see
 * {@link PluginMigrations}). Other databases get a clear refusal.
 */
public final class PluginDatabases implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginDatabases.class);
    /** The advisory lock under which one node at a time makes or drops the plugins' roles on PostgreSQL. */
    private static final String ROLES_LOCK = "hashtext('datenhafen plugin roles')";

    private final Database hub;
    private final String hubUrl;
    private final String nodeId;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, HikariDataSource> pools = new ConcurrentHashMap<>();

    /** @param nodeId this hub process's node id: on PostgreSQL, the plugins' login roles are this node's own */
    public PluginDatabases(Database hub, String hubUrl, String nodeId) {
        this.hub = hub;
        this.hubUrl = hubUrl;
        this.nodeId = nodeId;
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
        boolean postgres = Database.postgres(hubUrl);
        if (!hub.isH2() && !postgres) {
            throw new HubException("plugin " + pluginId + " asked for a database, but plugin schemas are available "
                + "on the embedded H2 database and on PostgreSQL only, not on " + Database.redactUrl(hubUrl));
        }
        claimSchema(pluginId);
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        // only letters, digits, '-' and '_': it goes into the statement that sets it, which takes no parameters
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        HikariConfig hc = new HikariConfig();
        String schema;
        try (Connection c = hub.connection(); Statement st = c.createStatement()) {
            if (postgres) {
                schema = schemaOf(pluginId).toLowerCase(Locale.ROOT);
                String role;
                String login;
                // nodes starting at once would make the same role, schema and grants at once, and PostgreSQL answers
                // a concurrent GRANT on one role with "tuple concurrently updated": one node at a time
                st.execute("SELECT pg_advisory_lock(" + ROLES_LOCK + ")");
                try {
                    role = postgresRole(st, pluginId, schema);
                    login = postgresLogin(st, role, nodeId, password);
                } finally {
                    st.execute("SELECT pg_advisory_unlock(" + ROLES_LOCK + ")");
                }
                hc.setJdbcUrl(withoutLogin(hubUrl));
                hc.setUsername(login);
                // what the plugin makes (its migrations' tables) belongs to the owning role, not to this node's login
                hc.setConnectionInitSql("SET ROLE " + quoted(role));
                hc.setSchema(schema);
            } else {
                schema = schemaOf(pluginId);
                st.execute("CREATE USER IF NOT EXISTS \"" + schema + "\" PASSWORD '" + password + "'");
                st.execute("ALTER USER \"" + schema + "\" SET PASSWORD '" + password + "'");
                st.execute("CREATE SCHEMA IF NOT EXISTS \"" + schema + "\" AUTHORIZATION \"" + schema + "\"");
                // The database is open already, with its settings; a plain URL naming the file and the schema is
                // enough, and database-wide settings would need rights the plugin's user does not have.
                hc.setJdbcUrl(baseUrl(hubUrl) + ";SCHEMA=\"" + schema + "\"");
                hc.setUsername(schema);
            }
        } catch (SQLException e) {
            throw new HubException("cannot make the database schema of plugin " + pluginId + ": " + e.getMessage(),
                null, e);
        }
        hc.setPassword(password);
        hc.setPoolName("plugin-db-" + pluginId);
        hc.setMaximumPoolSize(4);
        hc.setMinimumIdle(0);
        HikariDataSource pool = new HikariDataSource(hc);
        try {
            var flyway = Flyway.configure(pluginLoader)
                .dataSource(pool)
                .schemas(schema)
                .defaultSchema(schema)
                .createSchemas(false)
                .locations("classpath:" + PluginMigrations.BASE)
                .table("plugin_schema_history")
                .failOnMissingLocations(false);
            if (postgres) {
                flyway.resourceProvider(PluginMigrations.forPostgres(pluginLoader));
            }
            var result = flyway.load().migrate();
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

    /**
     * Makes (or finds) the plugin's owning role on PostgreSQL, which cannot log in, its schema owned by it, and takes
     * the rights {@code PUBLIC} has by default on the hub's database (connect, temporary tables) and on the hub's
     * schema (use) away, giving the role back only the right to connect. Returns the role's name.
     */
    private static String postgresRole(Statement st, String pluginId, String schema) throws SQLException {
        String database;
        String hubSchema;
        try (ResultSet rs = st.executeQuery("SELECT current_database(), current_schema()")) {
            rs.next();
            database = rs.getString(1);
            hubSchema = rs.getString(2);
        }
        String role = ownerRole(database, schema);
        if (role.getBytes(StandardCharsets.UTF_8).length > 63) {
            throw new HubException("plugin " + pluginId + " would get the database role " + role + ", longer than the "
                + "63 bytes PostgreSQL keeps of a name; a shorter Plugin-Id or database name is needed");
        }
        String r = quoted(role);
        st.execute("DO $$ BEGIN CREATE ROLE " + r + "; "
            + "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$");
        refuseMightyRole(st, role); // before any ALTER, which PostgreSQL refuses on such a role with its own words
        // a role that logged in itself before nodes had logins of their own loses its login and password here
        st.execute("ALTER ROLE " + r + " WITH NOLOGIN NOCREATEDB NOCREATEROLE PASSWORD NULL");
        // a hub user with CREATEROLE but not superuser may only give a schema to a role it is a member of
        st.execute("GRANT " + r + " TO CURRENT_USER");
        st.execute("REVOKE ALL ON DATABASE " + quoted(database) + " FROM PUBLIC");
        st.execute("GRANT CONNECT ON DATABASE " + quoted(database) + " TO " + r);
        if (hubSchema != null) {
            st.execute("REVOKE ALL ON SCHEMA " + quoted(hubSchema) + " FROM PUBLIC");
        }
        st.execute("CREATE SCHEMA IF NOT EXISTS " + quoted(schema) + " AUTHORIZATION " + r);
        adopt(st, schema, role);
        return role;
    }

    /**
     * Refuses a plugin's role that can do more than the hub gives it: superuser, replication or bypassing row security
     * (a role of that name someone made before). The hub's own login, with {@code CREATEROLE} and no more as
     * docs/operations.md makes it, may not even name those attributes in {@code ALTER ROLE} (PostgreSQL 15 refuses
     * "must be superuser to alter superuser roles or change superuser attribute", and every plugin with a database
     * failed to start), and roles it makes never have them: so they are checked, not set.
     */
    private static void refuseMightyRole(Statement st, String role) throws SQLException {
        try (PreparedStatement ps = st.getConnection().prepareStatement(
                 "SELECT rolsuper, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, role);
            ResultSet rs = ps.executeQuery();
            if (rs.next() && (rs.getBoolean(1) || rs.getBoolean(2) || rs.getBoolean(3))) {
                throw new HubException("the database role " + role + " is a superuser, may replicate or bypasses row "
                    + "security; a plugin's role must be none of these: an administrator of the database takes that "
                    + "away (ALTER ROLE " + role + " NOSUPERUSER NOREPLICATION NOBYPASSRLS) or drops the role");
            }
        }
    }

    /** The PostgreSQL role that owns a plugin's {@code schema} (lower case) in {@code database}. */
    private static String ownerRole(String database, String schema) {
        return database + "_" + schema;
    }

    /**
     * Makes (or finds) this node's login for the plugin's owning {@code role}, a member of it, and gives it a new
     * {@code password}. Returns its name.
     */
    private static String postgresLogin(Statement st, String role, String nodeId, String password) throws SQLException {
        String login = loginOf(role, nodeId);
        String l = quoted(login);
        st.execute("DO $$ BEGIN CREATE ROLE " + l + "; "
            + "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$");
        refuseMightyRole(st, login); // before it may log in
        st.execute("ALTER ROLE " + l + " WITH LOGIN INHERIT NOCREATEDB NOCREATEROLE PASSWORD '" + password + "'");
        st.execute("GRANT " + quoted(role) + " TO " + l);
        LOG.info("Node {} reaches the schema of role {} as role {}", nodeId, role, login);
        return login;
    }

    /**
     * The login role of node {@code nodeId} for the owning {@code role}: the role's name, cut to fit PostgreSQL's 63
     * bytes where needed, and 8 hex digits of a hash of both names (node ids are up to 128 signs, and a cut name
     * could be another plugin's).
     */
    static String loginOf(String role, String nodeId) {
        byte[] hash;
        try {
            hash = java.security.MessageDigest.getInstance("SHA-256")
                .digest((role + "\n" + nodeId).getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
        String prefix = role;
        while (prefix.getBytes(StandardCharsets.UTF_8).length > 63 - 9) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return prefix + "_" + java.util.HexFormat.of().formatHex(hash, 0, 4);
    }

    /**
     * Gives the plugin's role its schema and the tables, views and sequences in it where another role owns them: a
     * dump restored with {@code pg_restore --no-owner}, or into a database of another name (whose plugin roles have
     * other names), leaves them to the restoring user, and the plugin could not use its own data.
     */
    private static void adopt(Statement st, String schema, String role) throws SQLException {
        List<String> changes = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT 'SCHEMA ' || quote_ident(n.nspname) FROM pg_namespace n "
            + "WHERE n.nspname = " + literal(schema) + " AND pg_get_userbyid(n.nspowner) <> " + literal(role)
            + " UNION ALL SELECT CASE c.relkind WHEN 'v' THEN 'VIEW ' WHEN 'm' THEN 'MATERIALIZED VIEW ' "
            + "WHEN 'S' THEN 'SEQUENCE ' ELSE 'TABLE ' END || quote_ident(n.nspname) || '.' || quote_ident(c.relname) "
            + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = " + literal(schema)
            + " AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND pg_get_userbyid(c.relowner) <> " + literal(role)
            // a sequence that belongs to a column goes with its table
            + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))")) {
            while (rs.next()) {
                changes.add(rs.getString(1));
            }
        }
        for (String object : changes) {
            st.execute("ALTER " + object + " OWNER TO " + quoted(role));
        }
        if (!changes.isEmpty()) {
            LOG.info("Gave {} objects in schema {} (restored under another owner) to role {}", changes.size(),
                schema, role);
        }
    }

    /** A string literal for PostgreSQL (identifiers here are made of letters, digits and '_'). */
    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /**
     * PostgreSQL: drops the login roles node {@code node} had for the plugins' owning roles (they own nothing: what a
     * plugin makes belongs to its owning role), once that node is forgotten. Returns the roles dropped; nothing on H2,
     * whose plugin users are the hub's one database's and not per node.
     */
    public List<String> dropLoginsOf(String node) {
        if (!Database.postgres(hubUrl)) {
            return List.of();
        }
        List<String> dropped = new ArrayList<>();
        try (Connection c = hub.connection(); Statement st = c.createStatement()) {
            String database;
            List<String> schemas = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT current_database()")) {
                rs.next();
                database = rs.getString(1);
            }
            try (ResultSet rs = st.executeQuery("SELECT schema_name FROM plugin_schema ORDER BY schema_name")) {
                while (rs.next()) {
                    schemas.add(rs.getString(1).toLowerCase(Locale.ROOT));
                }
            }
            st.execute("SELECT pg_advisory_lock(" + ROLES_LOCK + ")");
            try {
                for (String schema : schemas) {
                    String login = loginOf(ownerRole(database, schema), node);
                    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
                        ps.setString(1, login);
                        try (ResultSet rs = ps.executeQuery()) {
                            if (!rs.next()) {
                                continue;
                            }
                        }
                    }
                    st.execute("DROP ROLE " + quoted(login));
                    dropped.add("role " + login);
                }
            } finally {
                st.execute("SELECT pg_advisory_unlock(" + ROLES_LOCK + ")");
            }
        } catch (SQLException e) {
            LOG.warn("Could not drop every login role of forgotten node {} ({} dropped): {}", node, dropped,
                Database.rootMessage(e));
            throw new IllegalStateException("its plugins' login roles could not all be dropped (" + dropped.size()
                + " were): the hub's log says why; drop the rest with DROP ROLE", e);
        }
        LOG.info("Dropped the login roles of node {}: {}", node, dropped);
        return dropped;
    }

    private static String quoted(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** A PostgreSQL URL without {@code user} and {@code password} parameters, which would win over the plugin's. */
    static String withoutLogin(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return url;
        }
        StringBuilder out = new StringBuilder(url.substring(0, q));
        char sep = '?';
        for (String param : url.substring(q + 1).split("&")) {
            String key = param.contains("=") ? param.substring(0, param.indexOf('=')) : param;
            if (!param.isEmpty() && !key.equals("user") && !key.equals("password")) {
                out.append(sep).append(param);
                sep = '&';
            }
        }
        return out.toString();
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

    /** {@code jdbc:h2:async:/x/datenhafen;WRITE_DELAY=0;...} without its settings. */
    static String baseUrl(String url) {
        int semicolon = url.indexOf(';');
        return semicolon < 0 ? url : url.substring(0, semicolon);
    }
}
