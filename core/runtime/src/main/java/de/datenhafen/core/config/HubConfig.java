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
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.core.bus.BusStorage;
import de.datenhafen.core.bus.RetentionPolicy;
import de.datenhafen.core.bus.RetryPolicy;
import de.datenhafen.core.plugin.ArchiveLimits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

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
    public static final String DB_CACHE_SIZE = "db.cache-size";
    static final long DEFAULT_DB_CACHE_SIZE = 8L * 1024 * 1024;
    static final long MIN_DB_CACHE_SIZE = 1024L * 1024;
    public static final String DB_PASSWORD = "db.password";
    public static final String ADMIN_TOKEN = "admin.token";
    /**
     * The admin token the README's first command sets for its tour: public, so a hub that runs with it says so (a
     * warning at its start and a {@code WARNING} check {@code admin-token} in {@code /health/ready}).
     */
    public static final String README_ADMIN_TOKEN = "demo-admin-token-please-change";
    public static final String METRICS_TOKEN = "metrics.token";
    /** The shortest {@value #METRICS_TOKEN}: a scraper's key is as guessable as any bearer token. */
    static final int MIN_METRICS_TOKEN = 32;
    public static final String SHUTDOWN_TIMEOUT = "shutdown.timeout";
    public static final String PLUGIN_CALL_TIMEOUT = "plugin.call.timeout";
    public static final String PLUGIN_THREADS = "plugin.threads";
    public static final String INTEGRATION_RETRIES = "integration.retries";
    public static final String INTEGRATION_BACKOFF = "integration.backoff";
    public static final String MAX_PLUGIN_SIZE = "plugin.max.size";
    public static final String MAX_PLUGIN_ENTRIES = "plugin.max.entries";
    public static final String MAX_PLUGIN_EXPANDED = "plugin.max.expanded";
    public static final String MAX_PLUGIN_RATIO = "plugin.max.ratio";
    public static final String PLUGIN_ADMITTED = "plugin.admitted";
    public static final String PLUGINS_REQUIRE_SIGNATURE = "plugins.require-signature";
    public static final String PLUGINS_TRUSTED_SIGNER = "plugins.trusted-signer";
    public static final String PLUGINS_TRUSTED_KEYS = "plugins.trusted-keys";
    public static final String HTTP_WORKERS = "http.workers";
    public static final String HTTP_QUEUE = "http.queue";
    public static final String HTTP_MAX_BODY = "http.max-body";
    public static final String HTTP_BODY_MEMORY = "http.body-memory";
    public static final String HTTP_BODY_MIN_RATE = "http.body-min-rate";
    public static final String HTTP_PUBLIC_URL = "http.public-url";
    public static final String HTTP_IDLE_TIMEOUT = "http.idle-timeout";
    public static final String HTTP_MAX_CONNECTIONS = "http.max-connections";
    public static final String HTTP_MAX_CONNECTIONS_PER_ADDRESS = "http.max-connections-per-address";
    public static final String HTTP_EVENT_LOOPS = "http.event-loops";
    public static final String HTTP_TLS_CERT = "http.tls.cert";
    public static final String HTTP_TLS_KEY = "http.tls.key";
    public static final String HTTP_REDIRECT_PORT = "http.redirect-port";
    public static final String HTTP_HSTS = "http.hsts";
    public static final String AUTH_FAILURES_LIMIT = "auth.failures.limit";
    public static final String AUTH_FAILURES_WINDOW = "auth.failures.window";
    public static final String AUTH_SESSION_IDLE = "auth.session.idle";
    public static final String AUTH_SESSION_ABSOLUTE = "auth.session.absolute";
    public static final String AUTH_ARGON2_MEMORY = "auth.argon2.memory";
    public static final String AUTH_ARGON2_ITERATIONS = "auth.argon2.iterations";
    public static final String AUTH_PASSWORD_QUEUE = "auth.password-queue";
    public static final String AUTH_FIRST_ADMIN = "auth.first-admin";
    public static final String AUDIT_RETENTION = "audit.retention";
    public static final String CITY_RENDER_TIMEOUT = "city.render-timeout";
    public static final String FLOWS_EVENT_CPU = "flows.event-cpu";
    public static final String FLOWS_PER_MEMBER = "flows.per-member";
    public static final String CITY_SECTION_RENDERS = "city.section-renders";
    public static final String BUS_QUEUE_CAPACITY = "bus.queue.capacity";
    public static final String BUS_STORAGE = "bus.storage";
    public static final String BUS_KIND = "bus.kind";
    public static final String BUS_KAFKA_BOOTSTRAP_SERVERS = "bus.kafka.bootstrap-servers";
    public static final String BUS_KAFKA_TOPIC_PREFIX = "bus.kafka.topic-prefix";
    public static final String BUS_KAFKA_CLIENT_CONFIG = "bus.kafka.client-config";
    /** The environment variable issue 19 names for {@value #BUS_KIND}, taken besides {@code DATENHAFEN_BUS_KIND}. */
    public static final String BUS_KIND_ENV_ALIAS = "DATENHAFEN_BUS";
    public static final String BUS_RETENTION = "bus.retention";
    public static final String BUS_RETENTION_INTERVAL = "bus.retention.interval";
    public static final String BUS_CURSOR_FLUSH = "bus.cursor.flush";
    public static final String BUS_RETRY_ATTEMPTS = "bus.retry.attempts";
    public static final String BUS_RETRY_BACKOFF = "bus.retry.backoff";
    public static final String BUS_RETRY_MAX_BACKOFF = "bus.retry.max-backoff";
    public static final String BUS_RETRY_JITTER = "bus.retry.jitter";
    public static final String NODE_ID = "node.id";
    public static final String NODE_LEASE = "node.lease";
    public static final String NODE_LEASE_RENEW = "node.lease.renew";
    public static final String SINKS_ALLOWED_PRIVATE_HOSTS = de.datenhafen.core.sink.SinkAddressPolicy.SETTING;

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
        .define(DB_CACHE_SIZE, ConfigType.LONG, DEFAULT_DB_CACHE_SIZE, false,
            "Bytes of H2's page cache for the default database (H2's CACHE_SIZE; with db.url set, the URL's own "
                + "setting counts). H2 keeps every page it writes in this cache, so under ingest it holds the bus's "
                + "recent pages and the heap grows with it; raise it for plugins with large tables read often")
        .secret(DB_PASSWORD, ConfigType.STRING, "", false, "Database password")
        .secret(ADMIN_TOKEN, ConfigType.STRING, null, false,
            "The admin's bearer token; without it the first start makes one and prints it once")
        .secret(METRICS_TOKEN, ConfigType.STRING, null, false,
            "A bearer token (at least 32 characters) that reads /metrics in full, every integration's series "
                + "included, and nothing else: for a Prometheus scraper. Without it /metrics shows an anonymous "
                + "caller the hub's own figures only")
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
        .define(MAX_PLUGIN_ENTRIES, ConfigType.INT, ArchiveLimits.DEFAULTS.maxEntries(), false,
            "Most entries a plugin archive may hold (and each jar in its lib/ folder)")
        .define(MAX_PLUGIN_EXPANDED, ConfigType.LONG, ArchiveLimits.DEFAULTS.maxExpandedBytes(), false,
            "Most bytes a plugin archive and the jars in it may expand to, together")
        .define(MAX_PLUGIN_RATIO, ConfigType.INT, ArchiveLimits.DEFAULTS.maxRatio(), false,
            "How many times its compressed size an entry of a plugin archive may expand to (entries over 1 MiB)")
        .define(PLUGIN_ADMITTED, ConfigType.LIST, "", false,
            "SHA-256 (hex) of plugin archives the admin vouches for: their code may call System.exit, Runtime.halt "
                + "and the like, and they are installed from the plugins folder at start without an upload")
        .define(PLUGINS_REQUIRE_SIGNATURE, ConfigType.BOOLEAN, true, false,
            "Load only plugin archives signed by their owning member (or the trusted signer) or on the allow-list; "
                + "false is for development installs only, and the hub then says so at start and in /health")
        .define(PLUGINS_TRUSTED_SIGNER, ConfigType.STRING, null, false,
            "The member (the association) whose signature admits any plugin, whoever owns it; default none")
        .define(PLUGINS_TRUSTED_KEYS, ConfigType.STRING, null, false,
            "PEM file of the trusted signer's public keys (BEGIN PUBLIC KEY, Ed25519), relative to the hub's home: "
                + "how the packaged hub trusts the shipped plugins before any member exists")
        .define(HTTP_WORKERS, ConfigType.INT, 16, false,
            "Threads per plugin for its HTTP routes (a route waiting for a commit holds none)")
        .define(HTTP_QUEUE, ConfigType.INT, 2000, false,
            "Requests per plugin that may wait for one of its threads; beyond that the answer is 503")
        .define(HTTP_MAX_BODY, ConfigType.LONG, 16L * 1024 * 1024, false,
            "Largest request body a plugin route accepts unless it sets its own maxBodySize, in bytes (413 beyond)")
        .define(HTTP_BODY_MEMORY, ConfigType.LONG, null, false,
            "Bytes of request bodies the hub holds in memory at once, over all requests (503 with Retry-After beyond); "
                + "default: an eighth of the maximum heap, at least 16 MiB")
        .define(HTTP_BODY_MIN_RATE, ConfigType.INT, de.datenhafen.core.http.BodyBudget.DEFAULT_MIN_RATE, false,
            "Slowest a request body may arrive: bytes a second on average from 5 s after its reading began (408 and "
                + "the connection closed below it); 0 lets a body take as long as the idle time-out")
        .define(AUTH_FAILURES_LIMIT, ConfigType.INT, 10, false,
            "Wrong tokens a client address may send within auth.failures.window before it gets 429")
        .define(AUTH_FAILURES_WINDOW, ConfigType.DURATION, "1m", false,
            "The window for auth.failures.limit")
        .define(AUTH_SESSION_IDLE, ConfigType.DURATION, "30m", false,
            "A browser session without requests for this long ends")
        .define(AUTH_SESSION_ABSOLUTE, ConfigType.DURATION, "12h", false,
            "A browser session ends this long after its login, whatever happens")
        .define(AUTH_ARGON2_MEMORY, ConfigType.INT, 19456, false,
            "Argon2id memory for password hashes, in KiB (OWASP's 19 MiB; docs/benchmarks.md says what a hash costs here)")
        .define(AUTH_ARGON2_ITERATIONS, ConfigType.INT, 3, false, "Argon2id passes for password hashes")
        .define(AUTH_FIRST_ADMIN, ConfigType.BOOLEAN, true, false, "While no active person is a hub-admin, each start "
            + "prints a one-time code with which the console's setup page makes the first (admin of datenhafen); false: "
            + "none (a hub run by its admin token alone)")
        .define(AUTH_PASSWORD_QUEUE, ConfigType.INT, 64, false, "Sign-ins, set-ups and password changes that may "
            + "wait for or run a password hash at once; beyond that the answer is 503 with Retry-After (a hash takes "
            + "a core for 50-100 ms, so 64 on two cores is some 3 s of waiting)")
        .define(CITY_RENDER_TIMEOUT, ConfigType.DURATION, "10s", false, "How long the city's page waits for a "
            + "section to render a page before it answers 503 'try again' (the section's code may still run on)")
        .define(CITY_SECTION_RENDERS, ConfigType.INT, 12, false, "Pages one section of the city's page may render "
            + "at once, of the page's 16 workers; past it 503 with Retry-After, so a slow section cannot hold them all")
        .define(FLOWS_EVENT_CPU, ConfigType.DURATION, "5s", false, "CPU time a running flow's expressions may "
            + "take for one event, all together (each has 1 s of its own); past it the event is dead-lettered with "
            + "the reason, so a flow of many heavy blocks cannot hold a core for minutes per event")
        .define(FLOWS_PER_MEMBER, ConfigType.INT, 20, false, "Flows one member may have (a hub-admin's are not "
            + "counted); each runs on a thread of its own with its subscription. Past it a new flow is 409")
        .define(AUDIT_RETENTION, ConfigType.DURATION, "365d", false,
            "How long audit entries are kept; older ones are deleted once a day")
        .define(HTTP_IDLE_TIMEOUT, ConfigType.DURATION, "5m", false,
            "A connection that neither sends nor receives for this long is closed (event streams send a heartbeat)")
        .define(HTTP_MAX_CONNECTIONS, ConfigType.INT, null, false,
            "HTTP(S) connections the hub keeps open at once; a connection beyond is answered 503 and closed. Default: "
                + "10000, or half the file descriptors the process may open if that is less")
        .define(HTTP_MAX_CONNECTIONS_PER_ADDRESS, ConfigType.INT, null, false,
            "Of http.max-connections, how many one client address may have; default: a quarter of it. Behind a reverse "
                + "proxy every client has the proxy's address")
        .define(HTTP_EVENT_LOOPS, ConfigType.INT, null, false,
            "Event-loop threads that read and answer HTTP(S) connections, each connection on one of them; default: "
                + "one a processor. One loop was the ingest's bottleneck (docs/benchmarks.md)")
        .define(HTTP_PUBLIC_URL, ConfigType.STRING, null, false,
            "The hub's public URL (scheme, host, port, no path), for links in answers; default: "
                + "http://localhost:<port>. The request's Host header is never used for links")
        .define(HTTP_TLS_CERT, ConfigType.STRING, null, false,
            "PEM file with the hub's certificate, then the intermediate certificates of its chain; relative to the "
                + "hub's home. With http.tls.key set too, http.port serves HTTPS only (TLS 1.2 and 1.3)")
        .define(HTTP_TLS_KEY, ConfigType.STRING, null, false,
            "PEM file with the certificate's private key, unencrypted (PKCS#8, or PKCS#1 RSA, or SEC 1 EC); relative "
                + "to the hub's home; readable by the hub's user alone")
        .define(HTTP_REDIRECT_PORT, ConfigType.INT, null, false,
            "With TLS: a plain-HTTP port whose only answer is 308 to the same path and query under http.public-url "
                + "(which must then be set); 0 picks a free one; unset: no plain-HTTP port")
        .define(HTTP_HSTS, ConfigType.DURATION, null, false,
            "With TLS: the max-age of the Strict-Transport-Security header on every HTTPS answer, for example 365d "
                + "(0 makes browsers forget it); unset: no header")
        .define(BUS_QUEUE_CAPACITY, ConfigType.INT, 200_000, false,
            "Events the bus writer may hold before producers get 503 / a retryable failure")
        .define(BUS_STORAGE, ConfigType.STRING, "auto", false,
            "How the bus stores events: 'chunks' (one row per group commit, compact; see bus/package-info), 'rows' "
                + "(one row per event), or 'auto': chunks, unless the bus of this data folder already holds events "
                + "as rows (stored before chunks became the default), which then keeps rows (the start says so in "
                + "the log). Events stored one way are not read the other way")
        .define(BUS_KIND, ConfigType.STRING, "database", false,
            "Where the bus keeps its events: 'database' (the hub's database, H2 or PostgreSQL, as bus.storage says) "
                + "or 'kafka' (a topic <bus.kafka.topic-prefix>events on the Kafka cluster of "
                + "bus.kafka.bootstrap-servers; see docs/operations.md, \"Kafka as the bus\"). Also DATENHAFEN_BUS")
        .define(BUS_KAFKA_BOOTSTRAP_SERVERS, ConfigType.STRING, null, false,
            "With bus.kind=kafka: Kafka's bootstrap servers, host:port[,host:port...]")
        .define(BUS_KAFKA_TOPIC_PREFIX, ConfigType.STRING, "datenhafen.", false,
            "With bus.kind=kafka: put before the bus's topic names, so several hubs can share one Kafka cluster")
        .define(BUS_KAFKA_CLIENT_CONFIG, ConfigType.STRING, null, false,
            "With bus.kind=kafka: a properties file (relative to the hub's home) of further Kafka client settings, "
                + "given as they are to the hub's producer, consumers and admin client: security.protocol, "
                + "sasl.mechanism, sasl.jaas.config, ssl.truststore.location, ...; readable by the hub's user alone "
                + "when it holds a password")
        .define(BUS_RETENTION, ConfigType.LIST, "", false,
            "Retention per event type: entries 'pattern=age', 'pattern=count' or 'pattern=age|count', "
                + "for example air.reading=30d, transit.*=1000000, social.*=365d|100000")
        .define(BUS_RETENTION_INTERVAL, ConfigType.DURATION, "1m", false, "How often retention runs")
        .define(BUS_CURSOR_FLUSH, ConfigType.DURATION, "200ms", false,
            "How often subscription cursors are written to the database (with bus.kind=kafka: committed to "
                + "their consumer groups)")
        .define(BUS_RETRY_ATTEMPTS, ConfigType.INT, 5, false,
            "Delivery attempts per event and subscription before the event goes to the dead letters")
        .define(BUS_RETRY_BACKOFF, ConfigType.DURATION, "200ms", false,
            "Wait after a subscription's first failed delivery; doubles with each next attempt")
        .define(BUS_RETRY_MAX_BACKOFF, ConfigType.DURATION, "10s", false,
            "Longest wait between two delivery attempts")
        .define(BUS_RETRY_JITTER, ConfigType.DOUBLE, 0.2, false,
            "Part of each wait between delivery attempts taken off at random (0 to 1), so that subscriptions that "
                + "failed together do not retry in lock-step")
        .define(NODE_ID, ConfigType.STRING, null, false,
            "This hub process's id among the nodes on one database; default: made at the first start from the host "
                + "name and port, kept in the data folder")
        .define(NODE_LEASE, ConfigType.DURATION, "10s", false,
            "How long a node holds a subscription or timed route without renewing it; after a node dies its work "
                + "moves to another within this time plus a second or two")
        .define(NODE_LEASE_RENEW, ConfigType.DURATION, "3s", false,
            "How often a node renews the leases it holds; well below node.lease")
        .define(SINKS_ALLOWED_PRIVATE_HOSTS, ConfigType.LIST, "", false,
            "Hosts and networks the hub's outbound sinks (webhook steps of flows, webhook-sink, mqtt-out and "
                + "mqtt-sink) may reach besides public addresses: host names (receiver.example.org, *.example.org; a "
                + "host listed by name may have any address), IP addresses and CIDR networks (10.20.0.0/16, fd00::/8). "
                + "Default: none, so loopback, private, link-local (the cloud metadata service), shared and other "
                + "reserved addresses are refused, when a target is configured and again when connecting")
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
        if (env.get(BUS_KIND_ENV_ALIAS) != null) {
            raw.put(BUS_KIND, env.get(BUS_KIND_ENV_ALIAS)); // DATENHAFEN_BUS_KIND, below, wins when both are set
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
        if (!ownH2File()) {
            return config.getString(DB_URL);
        }
        String url = defaultDbUrl;
        if (url == null) {
            // decided once: every connection of this process opens the file with the same settings
            url = defaultDbUrl = "jdbc:h2:async:" + dataDir().resolve("datenhafen").toAbsolutePath()
                + H2_FILE_SETTINGS + (compressPages() ? ";COMPRESS=TRUE" : "") + ";CACHE_SIZE=" + dbCacheKb()
                + ";DB_CLOSE_ON_EXIT=FALSE";
        }
        return url;
    }

    /** Whether the database is the hub's own H2 file in the data folder ({@link #DB_URL} not set). */
    public boolean ownH2File() {
        return !config.has(DB_URL);
    }

    private volatile String defaultDbUrl;

    /**
     * The size past which H2 splits a B-tree page, in bytes: the smallest H2 takes for a file (its default is 16 KB;
     * with {@code COMPRESS=TRUE} H2 uses 64 KB whatever this says). H2's pages are copy-on-write, so every commit
     * writes the rightmost leaf of each table it appended to anew, whole: with 4 KB leaves the bus's small commits
     * write about half the bytes (165 instead of 329 per event at groups of 100), and a chunk of a few tens of KB gets
     * a leaf of its own and is written once (see {@code ChunkedEventLog.insert}; bus/package-info, issue 17).
     */
    static final int H2_PAGE_SIZE = 4096;

    /**
     * The settings of the hub's own H2 file that do not depend on the configuration, as URL options (the tests' H2
     * databases open their files with them too):
     * <ul>
     * <li>{@code WRITE_DELAY=0}: every commit reaches the file at once (the bus's crash promise, bus/package-info).
     * <li>{@code PAGE_SIZE}: {@link #H2_PAGE_SIZE}.
     * <li>{@code ANALYZE_AUTO=0}: H2 otherwise runs ANALYZE on a table after 2,000 changed rows (then after twice as
     * many, and so on), in the session that made the changes, at its commit, sampling up to 10,000 rows. For the bus
     * that session is its one writer, and 10,000 rows of bus_chunk_data are 10,000 chunks of 20 KB or more, read from
     * the file's oldest pages: every acknowledgement waited for it (issue 17: p99 of 130 to 150 ms with it, 58
     * without, three hubs side by side). The hub gathers the statistics itself, for every table but the bus's events,
     * once an hour ({@link de.datenhafen.core.store.TableStatistics}).
     * </ul>
     */
    public static final String H2_FILE_SETTINGS = ";WRITE_DELAY=0;PAGE_SIZE=" + H2_PAGE_SIZE + ";ANALYZE_AUTO=0";

    /**
     * Whether {@code url} opens an H2 file through a file channel that a thread's interrupt closes ({@code file:},
     * {@code nio:}, a bare path): H2 then closes the whole database until the hub restarts (see {@link #dbUrl}'s
     * note on {@code async:}). False for the default URL, for {@code async:} and {@code retry:} (which reopens the
     * channel), for in-memory and server URLs and for every other database.
     */
    public static boolean interruptibleH2File(String url) {
        String prefix = "jdbc:h2:";
        if (url == null || !url.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return false;
        }
        String name = url.substring(prefix.length()).toLowerCase(java.util.Locale.ROOT);
        for (String safe : new String[] {"async:", "retry:", "mem:", "tcp:", "ssl:", "zip:", "memfs:", "memlzf:"}) {
            if (name.startsWith(safe)) {
                return false;
            }
        }
        if (name.startsWith("split:")) { // split:[<n>:]<file system>: look below it
            return interruptibleH2File(prefix + url.substring(prefix.length() + "split:".length())
                .replaceFirst("^\\d+:", ""));
        }
        return true;
    }

    /**
     * {@code async:}: H2's files through {@code AsynchronousFileChannel}, which a thread's interrupt does not close.
     * With {@code file:} an interrupt that reaches any thread inside H2's file access (a plugin's thread stopped with
     * {@code shutdownNow}, Camel stopping a route, a cancelled task) closes the file channel, and H2 then closes the
     * whole database for every connection until the hub is restarted. Same file, same writes and syncs, so the
     * crash promise is unchanged; the thread's interrupt is kept for it to see ({@code H2FilesAndInterruptsTest}).
     * WRITE_DELAY=0: a commit returns only after its data is written (see bus/package-info for why that alone is not
     * the whole story). DB_CLOSE_ON_EXIT=FALSE: the hub closes the database itself, last. COMPRESS=TRUE (LZF on
     * every page H2 writes) only where the bus may store rows: events as rows take about 130 instead of 330 bytes
     * with it, while chunks are deflated already, and compressing their pages again was 25 to 30 % of the ingest's
     * CPU samples for no bytes saved (docs/benchmarks.md, issue 17). So: off for {@code bus.storage=chunks} and for a new data
     * folder under {@code auto} (which stores chunks) and for an existing one whose last start chose chunks
     * ({@link BusStorage#CHOICE_FILE}); on for {@code rows} and for an existing folder under {@code auto} that does
     * not say, whose bus may hold rows (H2 reads pages written either way). Before that file, every restart of a
     * hub storing chunks ran with compression and H2's 64 KB pages. PAGE_SIZE: see {@link #H2_PAGE_SIZE}.
     */
    private boolean compressPages() {
        return busChunks().map(chunks -> !chunks)
            .orElseGet(() -> java.nio.file.Files.exists(dataDir().resolve("datenhafen.mv.db"))
                && !BusStorage.chosenBefore(dataDir()).orElse(false));
    }

    /**
     * {@value #DB_CACHE_SIZE} in KiB, as H2's {@code CACHE_SIZE} takes it. H2's own default is 64 MiB per GiB of
     * maximum heap, and its writer puts every page it writes into that cache: under ingest, the bus's chunk pages
     * lived there long enough to be promoted to G1's old generation, which then grew the heap to its maximum (a GC
     * log at c=64: 329 MB "live" at the remark, 120 MB after the mixed collections). The bus reads its recent events
     * from its own cache, not H2's (docs/benchmarks.md, issue 17).
     */
    long dbCacheKb() {
        long bytes = config.getLong(DB_CACHE_SIZE);
        if (bytes < MIN_DB_CACHE_SIZE) {
            throw new InvalidInputException(DB_CACHE_SIZE + " must be at least " + MIN_DB_CACHE_SIZE + " bytes (1 MiB), "
                + "was " + bytes, DB_CACHE_SIZE);
        }
        return bytes / 1024;
    }

    public String dbUser() {
        return config.getString(DB_USER);
    }

    public String dbPassword() {
        return config.getString(DB_PASSWORD);
    }

    /**
     * The token that reads {@code /metrics} in full ({@value #METRICS_TOKEN}), or null.
     *
     * @throws InvalidInputException naming the key when it is shorter than {@value #MIN_METRICS_TOKEN} characters
     */
    public String metricsToken() {
        if (!config.has(METRICS_TOKEN)) {
            return null;
        }
        String token = config.getString(METRICS_TOKEN);
        if (token.length() < MIN_METRICS_TOKEN) {
            throw new InvalidInputException(METRICS_TOKEN + " is too short: use at least " + MIN_METRICS_TOKEN
                + " characters, e.g. from openssl rand -hex 32", METRICS_TOKEN);
        }
        return token;
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

    /** How far a plugin archive may expand ({@value #MAX_PLUGIN_ENTRIES} and the keys next to it). */
    public ArchiveLimits pluginArchiveLimits() {
        for (String key : List.of(MAX_PLUGIN_ENTRIES, MAX_PLUGIN_EXPANDED, MAX_PLUGIN_RATIO)) {
            if (((Number) config.get(key)).longValue() < 1) {
                throw new InvalidInputException(key + " must be at least 1", key);
            }
        }
        return new ArchiveLimits(config.getInt(MAX_PLUGIN_ENTRIES), config.getLong(MAX_PLUGIN_EXPANDED),
            config.getInt(MAX_PLUGIN_RATIO));
    }

    /** {@value #PLUGINS_REQUIRE_SIGNATURE}: whether only signed or allow-listed plugin archives are loaded. */
    public boolean pluginsRequireSignature() {
        return config.getBoolean(PLUGINS_REQUIRE_SIGNATURE);
    }

    /** {@value #PLUGINS_TRUSTED_SIGNER}: the member whose signature admits any plugin, if set. */
    public java.util.Optional<String> pluginsTrustedSigner() {
        String s = config.has(PLUGINS_TRUSTED_SIGNER) ? config.getString(PLUGINS_TRUSTED_SIGNER) : null;
        return s == null || s.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(s.trim());
    }

    /** {@value #PLUGINS_TRUSTED_KEYS}: the PEM file of the trusted signer's keys, resolved against the home. */
    public java.util.Optional<Path> pluginsTrustedKeys() {
        String s = config.has(PLUGINS_TRUSTED_KEYS) ? config.getString(PLUGINS_TRUSTED_KEYS) : null;
        return s == null || s.isBlank() ? java.util.Optional.empty()
            : java.util.Optional.of(home.resolve(s.trim()).normalize());
    }

    /** The SHA-256 values of {@value #PLUGIN_ADMITTED}, lower case. */
    public Set<String> pluginAdmitted() {
        Set<String> out = new LinkedHashSet<>();
        for (String sha : config.getList(PLUGIN_ADMITTED)) {
            String hex = sha.trim().toLowerCase(Locale.ROOT);
            if (!hex.matches("[0-9a-f]{64}")) {
                throw new InvalidInputException(PLUGIN_ADMITTED + " holds '" + sha + "', which is not a SHA-256 "
                    + "(64 hexadecimal digits)", PLUGIN_ADMITTED);
            }
            out.add(hex);
        }
        return out;
    }

    public int httpWorkers() {
        return config.getInt(HTTP_WORKERS);
    }

    public int authFailuresLimit() {
        return config.getInt(AUTH_FAILURES_LIMIT);
    }

    public Duration authFailuresWindow() {
        return config.getDuration(AUTH_FAILURES_WINDOW);
    }

    public Duration sessionIdle() {
        return config.getDuration(AUTH_SESSION_IDLE);
    }

    public Duration sessionAbsolute() {
        return config.getDuration(AUTH_SESSION_ABSOLUTE);
    }

    public int argon2Memory() {
        return config.getInt(AUTH_ARGON2_MEMORY);
    }

    public int argon2Iterations() {
        return config.getInt(AUTH_ARGON2_ITERATIONS);
    }

    /** Whether a start without a hub-admin person offers a code for the first ({@code auth.first-admin}). */
    public boolean firstAdmin() {
        return config.getBoolean(AUTH_FIRST_ADMIN);
    }

    public int passwordQueue() {
        return config.getInt(AUTH_PASSWORD_QUEUE);
    }

    public Duration cityRenderTimeout() {
        return config.getDuration(CITY_RENDER_TIMEOUT);
    }

    public Duration flowsEventCpu() {
        Duration cpu = config.getDuration(FLOWS_EVENT_CPU);
        if (cpu.isNegative() || cpu.isZero()) {
            throw new InvalidInputException(FLOWS_EVENT_CPU + " must be more than 0, was " + cpu, FLOWS_EVENT_CPU);
        }
        return cpu;
    }

    public int flowsPerMember() {
        int n = config.getInt(FLOWS_PER_MEMBER);
        if (n < 1) {
            throw new InvalidInputException(FLOWS_PER_MEMBER + " must be at least 1, was " + n, FLOWS_PER_MEMBER);
        }
        return n;
    }

    public int citySectionRenders() {
        return config.getInt(CITY_SECTION_RENDERS);
    }

    public Duration auditRetention() {
        return config.getDuration(AUDIT_RETENTION);
    }

    public Duration httpIdleTimeout() {
        return config.getDuration(HTTP_IDLE_TIMEOUT);
    }

    /**
     * {@value #HTTP_MAX_CONNECTIONS}: the HTTP connections the hub keeps open at once, by default
     * {@link de.datenhafen.core.http.ConnectionLimit#defaultLimit()}.
     *
     * @throws InvalidInputException when it is set below 1
     */
    public int httpMaxConnections() {
        if (!config.has(HTTP_MAX_CONNECTIONS)) {
            return de.datenhafen.core.http.ConnectionLimit.defaultLimit();
        }
        int connections = config.getInt(HTTP_MAX_CONNECTIONS);
        if (connections < 1) {
            throw new InvalidInputException(HTTP_MAX_CONNECTIONS + " must be at least 1, was " + connections,
                HTTP_MAX_CONNECTIONS);
        }
        return connections;
    }

    /**
     * {@value #HTTP_MAX_CONNECTIONS_PER_ADDRESS}: of {@link #httpMaxConnections()}, how many one client address may
     * have, by default a quarter (at least 1).
     *
     * @throws InvalidInputException when it is set below 1 or above {@value #HTTP_MAX_CONNECTIONS}
     */
    public int httpMaxConnectionsPerAddress() {
        int all = httpMaxConnections();
        if (!config.has(HTTP_MAX_CONNECTIONS_PER_ADDRESS)) {
            return Math.max(1, all / 4);
        }
        int connections = config.getInt(HTTP_MAX_CONNECTIONS_PER_ADDRESS);
        if (connections < 1 || connections > all) {
            throw new InvalidInputException(HTTP_MAX_CONNECTIONS_PER_ADDRESS + " must be between 1 and "
                + HTTP_MAX_CONNECTIONS + " (" + all + "), was " + connections, HTTP_MAX_CONNECTIONS_PER_ADDRESS);
        }
        return connections;
    }

    /** Most event loops {@value #HTTP_EVENT_LOOPS} may ask for: more threads than this only share the cores. */
    public static final int MAX_HTTP_EVENT_LOOPS = 256;

    /**
     * {@value #HTTP_EVENT_LOOPS}: how many event loops serve HTTP, by default one a processor.
     *
     * @throws InvalidInputException when it is set below 1 or above {@value #MAX_HTTP_EVENT_LOOPS}
     */
    public int httpEventLoops() {
        if (!config.has(HTTP_EVENT_LOOPS)) {
            return Math.max(1, Runtime.getRuntime().availableProcessors());
        }
        int n = config.getInt(HTTP_EVENT_LOOPS);
        if (n < 1 || n > MAX_HTTP_EVENT_LOOPS) {
            throw new InvalidInputException(HTTP_EVENT_LOOPS + " must be from 1 to " + MAX_HTTP_EVENT_LOOPS
                + ", was " + n, HTTP_EVENT_LOOPS);
        }
        return n;
    }

    public int httpQueue() {
        return config.getInt(HTTP_QUEUE);
    }

    public long httpMaxBody() {
        return config.getLong(HTTP_MAX_BODY);
    }

    /**
     * {@value #HTTP_BODY_MEMORY}: the bytes of request bodies the hub holds at once, by default an eighth of the
     * maximum heap and at least 16 MiB.
     *
     * @throws InvalidInputException when it is set below 1 MiB
     */
    public long httpBodyMemory() {
        if (!config.has(HTTP_BODY_MEMORY)) {
            return de.datenhafen.core.http.BodyBudget.defaultLimit();
        }
        long bytes = config.getLong(HTTP_BODY_MEMORY);
        if (bytes < 1024 * 1024) {
            throw new InvalidInputException(HTTP_BODY_MEMORY + " must be at least 1048576 (1 MiB), was " + bytes,
                HTTP_BODY_MEMORY);
        }
        return bytes;
    }

    /**
     * {@value #HTTP_BODY_MIN_RATE}: the lowest average rate of a request body, in bytes a second, once
     * {@link de.datenhafen.core.http.BodyBudget#RATE_GRACE} has passed; 0 for none.
     *
     * @throws InvalidInputException when it is negative
     */
    public int httpBodyMinRate() {
        int rate = config.getInt(HTTP_BODY_MIN_RATE);
        if (rate < 0) {
            throw new InvalidInputException(HTTP_BODY_MIN_RATE + " must be 0 or more bytes a second, was " + rate,
                HTTP_BODY_MIN_RATE);
        }
        return rate;
    }

    /** The configured public URL without a trailing slash, or empty for the default. */
    public java.util.Optional<String> httpPublicUrl() {
        if (!config.has(HTTP_PUBLIC_URL)) {
            return java.util.Optional.empty();
        }
        String url = config.getString(HTTP_PUBLIC_URL).trim();
        return java.util.Optional.of(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    }

    /** The certificate and key files of {@value #HTTP_TLS_CERT} and {@value #HTTP_TLS_KEY}. */
    public record TlsFiles(Path cert, Path key) {
    }

    /**
     * The TLS files, resolved against the home folder; empty when the hub serves plain HTTP.
     *
     * @throws InvalidInputException when only one of the two keys is set
     */
    public java.util.Optional<TlsFiles> httpTls() {
        boolean cert = config.has(HTTP_TLS_CERT) && !config.getString(HTTP_TLS_CERT).isBlank();
        boolean key = config.has(HTTP_TLS_KEY) && !config.getString(HTTP_TLS_KEY).isBlank();
        if (cert != key) {
            String missing = cert ? HTTP_TLS_KEY : HTTP_TLS_CERT;
            throw new InvalidInputException(missing + " must be set too: HTTPS needs both " + HTTP_TLS_CERT
                + " and " + HTTP_TLS_KEY, missing);
        }
        if (!cert) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new TlsFiles(home.resolve(config.getString(HTTP_TLS_CERT).trim()).normalize(),
            home.resolve(config.getString(HTTP_TLS_KEY).trim()).normalize()));
    }

    /**
     * The plain-HTTP port that redirects to HTTPS, or empty for none.
     *
     * @throws InvalidInputException when it is set without TLS or without an https public URL, or out of range
     */
    public java.util.OptionalInt httpRedirectPort() {
        if (!config.has(HTTP_REDIRECT_PORT)) {
            return java.util.OptionalInt.empty();
        }
        int port = config.getInt(HTTP_REDIRECT_PORT);
        if (port < 0 || port > 65535) {
            throw new InvalidInputException(HTTP_REDIRECT_PORT + " must be a port (0 to 65535), was " + port,
                HTTP_REDIRECT_PORT);
        }
        if (httpTls().isEmpty()) {
            throw new InvalidInputException(HTTP_REDIRECT_PORT + " redirects to HTTPS, so it needs " + HTTP_TLS_CERT
                + " and " + HTTP_TLS_KEY, HTTP_REDIRECT_PORT);
        }
        // The target comes from the configuration alone: a default built from http.host would send browsers to
        // localhost, and the request's Host header is the client's to choose.
        if (!httpPublicUrl().map(u -> u.regionMatches(true, 0, "https://", 0, 8)).orElse(false)) {
            throw new InvalidInputException(HTTP_REDIRECT_PORT + " needs " + HTTP_PUBLIC_URL + " set to the hub's "
                + "https:// address, where browsers are sent", HTTP_PUBLIC_URL);
        }
        return java.util.OptionalInt.of(port);
    }

    /**
     * The max-age of the Strict-Transport-Security header, or empty for none.
     *
     * @throws InvalidInputException when it is set without TLS (browsers ignore the header over plain HTTP)
     */
    public java.util.Optional<Duration> httpHsts() {
        if (!config.has(HTTP_HSTS)) {
            return java.util.Optional.empty();
        }
        Duration maxAge = config.getDuration(HTTP_HSTS);
        if (maxAge.isNegative()) {
            throw new InvalidInputException(HTTP_HSTS + " must not be negative, was " + maxAge, HTTP_HSTS);
        }
        if (httpTls().isEmpty()) {
            throw new InvalidInputException(HTTP_HSTS + " is sent on HTTPS answers only, so it needs "
                + HTTP_TLS_CERT + " and " + HTTP_TLS_KEY, HTTP_HSTS);
        }
        return java.util.Optional.of(maxAge);
    }

    public int busQueueCapacity() {
        return config.getInt(BUS_QUEUE_CAPACITY);
    }

    /**
     * {@value #BUS_STORAGE}: true for {@code chunks}, false for {@code rows}, empty for {@code auto} (the database
     * decides, see {@link de.datenhafen.core.bus.BusStorage}).
     */
    public java.util.Optional<Boolean> busChunks() {
        String v = config.getString(BUS_STORAGE).trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "chunks" -> java.util.Optional.of(true);
            case "rows" -> java.util.Optional.of(false);
            case "auto", "" -> java.util.Optional.empty();
            default -> throw new InvalidInputException(BUS_STORAGE + " must be 'auto', 'chunks' or 'rows', was '"
                + v + "'", BUS_STORAGE);
        };
    }

    /**
     * {@value #BUS_KIND}: where the bus lives. Empty for the hub's database; the Kafka cluster and topic prefix for
     * {@code kafka}, which needs {@value #BUS_KAFKA_BOOTSTRAP_SERVERS}.
     */
    public java.util.Optional<de.datenhafen.core.bus.KafkaEventLog.Broker> busKafka() {
        String kind = config.getString(BUS_KIND).trim().toLowerCase(Locale.ROOT);
        switch (kind) {
            case "database", "" -> {
                return java.util.Optional.empty();
            }
            case "kafka" -> {
                String servers = config.has(BUS_KAFKA_BOOTSTRAP_SERVERS)
                    ? config.getString(BUS_KAFKA_BOOTSTRAP_SERVERS).trim() : "";
                if (servers.isEmpty()) {
                    throw new InvalidInputException(BUS_KIND + "=kafka needs " + BUS_KAFKA_BOOTSTRAP_SERVERS
                        + " (host:port of the Kafka cluster)", BUS_KAFKA_BOOTSTRAP_SERVERS);
                }
                String prefix = config.getString(BUS_KAFKA_TOPIC_PREFIX).trim();
                if (!prefix.matches("[A-Za-z0-9._-]*") || prefix.length() > 200) {
                    throw new InvalidInputException(BUS_KAFKA_TOPIC_PREFIX + " may hold letters, digits, '.', '_' "
                        + "and '-' only (a Kafka topic name), was '" + prefix + "'", BUS_KAFKA_TOPIC_PREFIX);
                }
                return java.util.Optional.of(new de.datenhafen.core.bus.KafkaEventLog.Broker(servers, prefix,
                    kafkaClientConfig()));
            }
            default -> throw new InvalidInputException(BUS_KIND + " must be 'database' or 'kafka', was '" + kind
                + "'", BUS_KIND);
        }
    }

    /** The settings of {@value #BUS_KAFKA_CLIENT_CONFIG}'s file, empty without one. */
    private Map<String, String> kafkaClientConfig() {
        if (!config.has(BUS_KAFKA_CLIENT_CONFIG) || config.getString(BUS_KAFKA_CLIENT_CONFIG).isBlank()) {
            return Map.of();
        }
        Path file = home.resolve(config.getString(BUS_KAFKA_CLIENT_CONFIG).trim()).normalize();
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new InvalidInputException(BUS_KAFKA_CLIENT_CONFIG + ": cannot read " + file + " (" + e + ")",
                BUS_KAFKA_CLIENT_CONFIG);
        }
        Map<String, String> out = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    public Duration busRetentionInterval() {
        return config.getDuration(BUS_RETENTION_INTERVAL);
    }

    /**
     * The address policy of the hub's outbound sinks, with {@value #SINKS_ALLOWED_PRIVATE_HOSTS} listed.
     *
     * @throws InvalidInputException naming the key when an entry is not a host name, an address or a network
     */
    public de.datenhafen.core.sink.SinkAddressPolicy sinkAddressPolicy() {
        try {
            return de.datenhafen.core.sink.SinkAddressPolicy.of(config.getList(SINKS_ALLOWED_PRIVATE_HOSTS));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(SINKS_ALLOWED_PRIVATE_HOSTS + ": " + e.getMessage(),
                SINKS_ALLOWED_PRIVATE_HOSTS);
        }
    }

    /** The configured node id ({@value #NODE_ID}), or null for the one kept in the data folder. */
    public String nodeId() {
        return config.has(NODE_ID) ? config.getString(NODE_ID) : null;
    }

    public Duration nodeLease() {
        return config.getDuration(NODE_LEASE);
    }

    public Duration nodeLeaseRenew() {
        return config.getDuration(NODE_LEASE_RENEW);
    }

    public Duration busCursorFlush() {
        return config.getDuration(BUS_CURSOR_FLUSH);
    }

    /** How subscriptions retry a failing delivery ({@value #BUS_RETRY_ATTEMPTS} and the back-off keys). */
    public RetryPolicy busRetry() {
        return new RetryPolicy(config.getInt(BUS_RETRY_ATTEMPTS), config.getDuration(BUS_RETRY_BACKOFF),
            config.getDuration(BUS_RETRY_MAX_BACKOFF), config.getDouble(BUS_RETRY_JITTER));
    }

    /** The retention policies of {@value #BUS_RETENTION}, parsed. */
    public List<RetentionPolicy> busRetention() {
        List<RetentionPolicy> out = new ArrayList<>();
        for (String entry : config.getList(BUS_RETENTION)) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new InvalidInputException("retention entry '" + entry + "' must be pattern=age, pattern=count "
                    + "or pattern=age|count", BUS_RETENTION);
            }
            String pattern = entry.substring(0, eq).trim();
            Duration age = null;
            Long count = null;
            for (String part : entry.substring(eq + 1).split("\\|")) {
                String p = part.trim();
                try {
                    if (p.matches("\\d+")) {
                        count = Long.parseLong(p);
                    } else {
                        age = (Duration) ConfigType.DURATION.parse(p);
                    }
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException("retention entry '" + entry + "': " + e.getMessage(),
                        BUS_RETENTION);
                }
            }
            try {
                out.add(new RetentionPolicy(pattern, age, count));
            } catch (RuntimeException e) {
                throw new InvalidInputException("retention entry '" + entry + "': " + e.getMessage(), BUS_RETENTION);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "HubConfig{home=" + home + ", " + config.redacted() + "}";
    }
}
