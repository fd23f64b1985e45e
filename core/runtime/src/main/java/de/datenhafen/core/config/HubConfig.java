package de.datenhafen.core.config;

import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigKey;
import de.datenhafen.api.ConfigType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The hub's configuration, declared once. Values come, last one winning, from the declared defaults, the file
 * {@code conf/datenhafen.properties}, environment variables {@code DATENHAFEN_<KEY>} (key upper-cased, dots and
 * dashes as underscores: {@code http.port} is {@code DATENHAFEN_HTTP_PORT}) and explicit overrides (tests).
 * Relative paths are resolved against the hub's home folder (the one holding {@code bin/} and {@code conf/}).
 */
public final class HubConfig {

    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    public static final String DATA_DIR = "data.dir";
    public static final String PLUGINS_DIR = "plugins.dir";
    public static final String DB_URL = "db.url";
    public static final String DB_USER = "db.user";
    public static final String DB_PASSWORD = "db.password";
    public static final String ADMIN_TOKEN = "admin.token";
    public static final String SHUTDOWN_TIMEOUT = "shutdown.timeout";
    public static final String PLUGIN_CALL_TIMEOUT = "plugin.call.timeout";
    public static final String PLUGIN_THREADS = "plugin.threads";
    public static final String INTEGRATION_RETRIES = "integration.retries";
    public static final String INTEGRATION_BACKOFF = "integration.backoff";
    public static final String MAX_PLUGIN_SIZE = "plugin.max.size";

    public static final ConfigDef DEFINITION = ConfigDef.builder()
        .define(HTTP_HOST, ConfigType.STRING, "0.0.0.0", false, "Address the HTTP server binds to")
        .define(HTTP_PORT, ConfigType.INT, 8080, false, "HTTP port; 0 picks a free one")
        .define(DATA_DIR, ConfigType.STRING, "data", false,
            "Folder for the database and plugin data; relative to the hub's home")
        .define(PLUGINS_DIR, ConfigType.STRING, "plugins", false,
            "Folder of plugin archives (zip or jar); relative to the hub's home")
        .define(DB_URL, ConfigType.STRING, null, false,
            "JDBC URL of the hub's database; default: an H2 file in the data folder")
        .define(DB_USER, ConfigType.STRING, "sa", false, "Database user")
        .secret(DB_PASSWORD, ConfigType.STRING, "", false, "Database password")
        .secret(ADMIN_TOKEN, ConfigType.STRING, null, false,
            "The admin's bearer token; without it the first start makes one and prints it once")
        .define(SHUTDOWN_TIMEOUT, ConfigType.DURATION, "8s", false,
            "How long a stop waits for in-flight work before it closes the database")
        .define(PLUGIN_CALL_TIMEOUT, ConfigType.DURATION, "30s", false,
            "How long a plugin's start or stop may take before the plugin is marked failed")
        .define(PLUGIN_THREADS, ConfigType.INT, 2, false, "Worker threads per plugin for its lifecycle calls")
        .define(INTEGRATION_RETRIES, ConfigType.INT, 5, false,
            "How often a failed integration is restarted before it stays failed")
        .define(INTEGRATION_BACKOFF, ConfigType.DURATION, "1s", false,
            "First wait before restarting a failed integration; doubles with each try")
        .define(MAX_PLUGIN_SIZE, ConfigType.LONG, 200L * 1024 * 1024, false,
            "Largest plugin archive accepted over HTTP, in bytes")
        .build();

    private final Path home;
    private final Config config;

    private HubConfig(Path home, Config config) {
        this.home = home;
        this.config = config;
    }

    /**
     * Loads the configuration of the hub installed at {@code home}.
     *
     * @param env the environment ({@code System.getenv()} outside tests)
     * @param overrides values that win over everything else; may be empty
     * @throws de.datenhafen.api.InvalidInputException naming the key at fault
     */
    public static HubConfig load(Path home, Map<String, String> env, Map<String, ?> overrides) {
        Map<String, Object> raw = new LinkedHashMap<>();
        Path file = home.resolve("conf").resolve("datenhafen.properties");
        if (Files.isRegularFile(file)) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            p.stringPropertyNames().forEach(k -> raw.put(k, p.getProperty(k)));
        }
        for (ConfigKey key : DEFINITION.keys()) {
            String value = env.get(envName(key.name()));
            if (value != null) {
                raw.put(key.name(), value);
            }
        }
        raw.putAll(overrides);
        return new HubConfig(home.toAbsolutePath().normalize(), DEFINITION.parse(raw));
    }

    /** The environment variable that overrides a key: {@code http.port} is {@code DATENHAFEN_HTTP_PORT}. */
    public static String envName(String key) {
        return "DATENHAFEN_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public Path home() {
        return home;
    }

    public Config values() {
        return config;
    }

    public String httpHost() {
        return config.getString(HTTP_HOST);
    }

    public int httpPort() {
        return config.getInt(HTTP_PORT);
    }

    public Path dataDir() {
        return home.resolve(config.getString(DATA_DIR)).normalize();
    }

    public Path pluginsDir() {
        return home.resolve(config.getString(PLUGINS_DIR)).normalize();
    }

    public String dbUrl() {
        if (config.has(DB_URL)) {
            return config.getString(DB_URL);
        }
        // WRITE_DELAY=0: a commit returns only after its data is written (see bus/package-info for why that
        // alone is not the whole story). DB_CLOSE_ON_EXIT=FALSE: the hub closes the database itself, last.
        return "jdbc:h2:file:" + dataDir().resolve("datenhafen").toAbsolutePath()
            + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    }

    public String dbUser() {
        return config.getString(DB_USER);
    }

    public String dbPassword() {
        return config.getString(DB_PASSWORD);
    }

    /** The configured admin token, or null when the hub should make one. */
    public String adminToken() {
        return config.has(ADMIN_TOKEN) ? config.getString(ADMIN_TOKEN) : null;
    }

    public Duration shutdownTimeout() {
        return config.getDuration(SHUTDOWN_TIMEOUT);
    }

    public Duration pluginCallTimeout() {
        return config.getDuration(PLUGIN_CALL_TIMEOUT);
    }

    public int pluginThreads() {
        return config.getInt(PLUGIN_THREADS);
    }

    public int integrationRetries() {
        return config.getInt(INTEGRATION_RETRIES);
    }

    public Duration integrationBackoff() {
        return config.getDuration(INTEGRATION_BACKOFF);
    }

    public long maxPluginSize() {
        return config.getLong(MAX_PLUGIN_SIZE);
    }

    @Override
    public String toString() {
        return "HubConfig{home=" + home + ", " + config.redacted() + "}";
    }
}
