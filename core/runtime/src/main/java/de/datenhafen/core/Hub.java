package de.datenhafen.core;

import de.datenhafen.core.bus.EventLog;
import de.datenhafen.core.bus.EventRetention;
import de.datenhafen.core.bus.BusStorage;
import de.datenhafen.core.bus.ChunkedEventLog;
import de.datenhafen.core.bus.GroupCommits;
import de.datenhafen.core.bus.H2EventLog;
import de.datenhafen.core.bus.RestoredBackup;
import de.datenhafen.core.bus.KafkaEventLog;
import de.datenhafen.core.bus.HubSubscriptions;
import de.datenhafen.core.bus.JdbcSubscriptionBackend;
import de.datenhafen.core.bus.KafkaSubscriptionBackend;
import de.datenhafen.core.bus.RetentionPolicy;
import de.datenhafen.core.camel.CamelHost;
import de.datenhafen.core.city.CityPage;
import de.datenhafen.core.city.PublicSections;
import de.datenhafen.core.config.HubConfig;
import de.datenhafen.core.camel.HubHttpComponent;
import de.datenhafen.core.http.BodyBudget;
import de.datenhafen.core.http.ConnectionLimit;
import de.datenhafen.core.http.HttpApi;
import de.datenhafen.core.http.RequestFraming;
import de.datenhafen.core.ops.Timers;
import de.datenhafen.core.web.console.Console;
import de.datenhafen.core.http.HttpsRedirect;
import de.datenhafen.core.http.ServerTls;
import de.datenhafen.core.security.FailedAuthLimiter;
import de.datenhafen.core.flow.FlowManager;
import de.datenhafen.core.integration.IntegrationManager;
import de.datenhafen.core.node.Changes;
import de.datenhafen.core.security.PluginOwners;
import de.datenhafen.core.node.Leases;
import de.datenhafen.core.node.Nodes;
import de.datenhafen.core.ops.HeapTrim;
import de.datenhafen.core.ops.HealthCheck;
import de.datenhafen.core.ops.BoundedMethodMetrics;
import de.datenhafen.core.ops.HubMetrics;
import de.datenhafen.core.plugin.PluginHost;
import de.datenhafen.core.plugin.PluginTakeover;
import de.datenhafen.core.security.AuditLog;
import de.datenhafen.core.security.SecretBox;
import de.datenhafen.core.http.PluginCallers;
import de.datenhafen.core.security.Identity;
import de.datenhafen.core.security.Passwords;
import de.datenhafen.core.security.FirstAdmin;
import de.datenhafen.core.security.TokenStore;
import de.datenhafen.core.store.DataFolder;
import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.DatabaseLogin;
import de.datenhafen.core.store.NewerSchemaException;
import de.datenhafen.core.store.OnlineBackup;
import de.datenhafen.core.store.TableStatistics;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import io.vertx.micrometer.Label;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running hub: database, bus, Camel, plugins, integrations and the HTTP server, started in that order and
 * stopped in reverse. {@link #start} returns when the server listens and every enabled plugin has been started
 * (or has failed with its reason).
 */
public final class Hub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);
    /** Largest database file compacted at a clean stop when the bus stores chunks (see Database.compactAtClose). */
    private static final long COMPACT_AT_STOP_MAX_BYTES = 256L * 1024 * 1024;
    private static final AtomicLong METRICS_REGISTRIES = new AtomicLong();
    /** The audit log's action for a plugin archive the hub took over (or not) at its start. */
    public static final String TAKEOVER_ACTION = "take over plugin archive at start";

    private final HubConfig config;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private Database db;
    private Vertx vertx;
    private DataFolder.FileCache fileCache;
    private HttpApi http;
    private volatile List<String> ownPaths = List.of();
    private HttpServer server;
    /** The deployment of the HTTP(S) server's instances, one an event loop (see {@link #listen}). */
    private String httpDeployment;
    private HttpServer redirectServer;
    private ServerTls tls;
    private EventLog eventLog;
    private HubSubscriptions subscriptions;
    private EventRetention retention;
    private CamelHost camel;
    private PluginHost plugins;
    private IntegrationManager integrations;
    private FlowManager flows;
    private TokenStore tokens;
    private Identity identity;
    private HubMetrics metrics;
    /** Both HTTP servers' connections (the API's and the redirect to HTTPS): they take from the same descriptors. */
    private ConnectionLimit connections;
    private ScheduledExecutorService scheduler;
    private Nodes nodes;
    private Leases leases;
    private Changes changes;
    private String initialAdminToken;
    private FirstAdmin.Code firstAdminCode;
    private volatile boolean closed;
    /** The database URL is an H2 file a thread's interrupt closes; decided at start, before the server listens. */
    private boolean interruptibleFile;
    /** Whether the README's public admin token opens this hub (set now, or once and kept in the store). */
    private boolean readmeAdminToken() {
        return tokens.authenticate(HubConfig.README_ADMIN_TOKEN).isPresent();
    }

    private static final String README_TOKEN = "anyone who read it can administer this hub; for a tour on this "
        + "computer only. Set DATENHAFEN_ADMIN_TOKEN to a secret of your own (e.g. openssl rand -base64 32) and restart";

    private Hub(HubConfig config) {
        this.config = config;
    }

    /**
     * Starts a hub. On failure everything started so far is stopped again and the exception says what failed.
     */
    public static Hub start(HubConfig config) {
        return start(config, hub -> { });
    }

    /**
     * Starts a hub and runs {@code beforeListening} (for example the demo's set-up) once everything but the HTTP
     * server runs: the hub answers, and so is ready, only after it.
     */
    public static Hub start(HubConfig config, java.util.function.Consumer<Hub> beforeListening) {
        Hub hub = new Hub(config);
        try {
            hub.doStart(beforeListening);
            return hub;
        } catch (RuntimeException e) {
            hub.close();
            throw e;
        }
    }

    private void doStart(java.util.function.Consumer<Hub> beforeListening) {
        long t0 = System.nanoTime();
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
        DataFolder.makePrivate(config.dataDir());
        // TLS settings and files first: a wrong one should stop the start at once, not after the plugins started
        tls = config.httpTls().map(files -> ServerTls.load(files, Clock.systemUTC())).orElse(null);
        Optional<String> hsts = config.httpHsts().map(maxAge -> "max-age=" + maxAge.toSeconds());
        OptionalInt redirectPort = config.httpRedirectPort();
        // where the sinks may connect: public addresses, what the operator listed, and the hub's own public URL
        de.datenhafen.core.sink.SinkAddressPolicy sinkPolicy = config.sinkAddressPolicy().withOwnUrl(this::publicUrl);
        String metricsToken = config.metricsToken(); // a wrong one stops the start here, before anything is opened
        LOG.info("Starting Datenhafen in {} (data {}, plugins {})", config.home(), config.dataDir(),
            config.pluginsDir());
        interruptibleFile = HubConfig.interruptibleH2File(config.dbUrl());
        if (interruptibleFile) {
            LOG.warn("The database URL opens H2's file so that a thread's interrupt closes it: {}", INTERRUPTIBLE_FILE);
        }

        db = Database.open(DatabaseLogin.of(config));
        tokens = new TokenStore(db);
        initialAdminToken = tokens.ensureAdmin(config.adminToken()).orElse(null);
        // the store, not the setting: a hub that once ran the tour and then started without the variable keeps the
        // token's hash, and takes it still
        if (readmeAdminToken()) {
            LOG.warn("The admin token is the README's ({}): {}", HubConfig.README_ADMIN_TOKEN, README_TOKEN);
        }
        SecretBox secrets = SecretBox.open(config.dataDir());
        identity = new Identity(db, tokens, new Passwords(config.argon2Memory(), config.argon2Iterations()),
            config.sessionIdle(), config.sessionAbsolute(), secrets.derive("console page csrf"));
        // again, for the files just made (the database file of a first start) under a permissive umask
        DataFolder.makePrivate(config.dataDir());

        // several nodes may share a PostgreSQL database: each registers, and holds leases on the work it runs (on H2
        // the one node holds them all)
        String nodeId = Nodes.resolveId(config.nodeId(), config.dataDir(), config.httpPort());
        nodes = Nodes.register(db.dataSource(), nodeId, Clock.systemUTC(), Nodes.HEARTBEAT);
        leases = new Leases(db.dataSource(), nodeId, Clock.systemUTC(), config.nodeLease(), config.nodeLeaseRenew());
        changes = new Changes(db.dataSource(), nodeId, Clock.systemUTC(), Duration.ofSeconds(1));
        identity.shareChanges(changes);

        H2EventLog.Settings busSettings = H2EventLog.Settings.DEFAULTS.withQueueCapacity(config.busQueueCapacity());
        Optional<KafkaEventLog.Broker> kafka = config.busKafka();
        // on Kafka the events live in a topic, subscriptions are consumer groups and dead letters a topic; subscriptions'
        // names and filters stay in the database (see docs/operations.md, "Kafka as the bus")
        if (kafka.isEmpty()) {
            // a folder unpacked from a backup: no sequence the old hub handed out after it is given again
            RestoredBackup.apply(db.dataSource(), config.dataDir(), Clock.systemUTC());
        } else {
            RestoredBackup.discard(config.dataDir());
        }
        boolean chunks = kafka.isEmpty() && BusStorage.chunks(db.dataSource(), config.busChunks());
        if (kafka.isEmpty() && config.ownH2File()) {
            BusStorage.remember(config.dataDir(), chunks); // for the next start's database URL
        }
        ChunkedEventLog chunkLog = chunks ? ChunkedEventLog.start(db.dataSource(), busSettings) : null;
        if (chunkLog != null) {
            // chunks leave little live data in a file H2 fills with old page versions (see bus/package-info): compact
            // it at a clean stop while the copy is quick (about 1 s per 40 MB on a loaded machine, within the stop's
            // bound); a larger file is compacted offline (--compact)
            db.compactAtClose(COMPACT_AT_STOP_MAX_BYTES);
        }
        if (kafka.isPresent()) {
            eventLog = KafkaEventLog.start(kafka.get(), busSettings);
        } else {
            eventLog = chunkLog != null ? chunkLog : H2EventLog.start(db.dataSource(), busSettings);
        }
        // on Kafka each subscription is a consumer group whose member on one node holds the partition (instead of a
        // lease), its cursor the group's committed offset
        subscriptions = kafka.isPresent()
            ? new KafkaSubscriptionBackend(kafka.get(), db.dataSource(), eventLog, Clock.systemUTC(), nodeId,
                KafkaSubscriptionBackend.Settings.DEFAULTS.withCommitInterval(config.busCursorFlush()))
            : new JdbcSubscriptionBackend(db.dataSource(), eventLog, Clock.systemUTC(), config.busCursorFlush(), leases);
        subscriptions.onSeek(name -> changes.announce(HubSubscriptions.CHANGE, name));
        changes.on(HubSubscriptions.CHANGE, subscriptions::changedElsewhere);
        List<RetentionPolicy> policies = config.busRetention();
        if (!policies.isEmpty() && kafka.isPresent()) {
            LOG.warn("{} is not applied to a bus on Kafka: the topic keeps events as its own retention.ms and "
                + "retention.bytes say (set them on the topic)", HubConfig.BUS_RETENTION);
        } else if (!policies.isEmpty()) {
            retention = chunkLog != null ? new EventRetention(chunkLog, policies, Clock.systemUTC())
                : new EventRetention(db.dataSource(), policies, Clock.systemUTC(), 10_000);
            retention.start(config.busRetentionInterval(), leases.acquire("bus-retention", null)::held);
        }
        long tDb = System.nanoTime();

        metrics = new HubMetrics();
        // Plugin routes run on their plugins' own pools (HubHttpComponent); Vert.x's workers serve the hub's own
        // blocking calls only.
        // Vert.x keeps metrics registries in a static map by name: under the default name a second hub in the JVM
        // (tests, or a hub whose predecessor has not closed yet) would count its HTTP figures in the first one's.
        int eventLoops = config.httpEventLoops();
        // Vert.x's default pool (two loops a processor) holds the HTTP loops unless more are asked for; the hub's other
        // contexts (timers, the console's client) take loops from the same pool
        fileCache = DataFolder.fileCache(config.dataDir());
        vertx = Vertx.vertx(new VertxOptions()
            .setEventLoopPoolSize(Math.max(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE, eventLoops))
            .setFileSystemOptions(new FileSystemOptions()
                .setFileCacheDir(fileCache.base().toAbsolutePath().toString()))
            .setMetricsOptions(
            new MicrometerMetricsOptions().setEnabled(true).setMicrometerRegistry(metrics.registry())
                .setRegistryName("datenhafen-" + METRICS_REGISTRIES.incrementAndGet())
                .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.POOL_TYPE,
                    Label.POOL_NAME))
                // a request's method is any token the client likes: methods outside HTTP's are labelled OTHER, or
                // each new one would add series to /metrics (and memory) for good
                .setFactory(new BoundedMethodMetrics())));
        metrics.bindJvmMetrics();
        if (eventLog instanceof GroupCommits commits) {
            metrics.bindBus(commits);
        }
        long bodyMemory = config.httpBodyMemory();
        http = new HttpApi(vertx, config.passwordQueue(), new BodyBudget(bodyMemory, BodyBudget.defaultShare(bodyMemory),
            config.httpBodyMinRate(), BodyBudget.RATE_GRACE));
        connections = new ConnectionLimit(vertx, config.httpMaxConnections(), config.httpMaxConnectionsPerAddress());
        metrics.bindConnections(connections);
        scheduler = Timers.of("hub-scheduler");

        FailedAuthLimiter authLimiter = new FailedAuthLimiter(config.authFailuresLimit(), config.authFailuresWindow(),
            100_000, Clock.systemUTC());
        // a sign-in's account: 100 wrong passwords an hour, whichever address they come from
        FailedAuthLimiter accountLimiter = new FailedAuthLimiter(100, Duration.ofHours(1), 100_000, Clock.systemUTC());
        // the nodes of one database count each other's wrong credentials (each counted its own: n nodes, n times)
        authLimiter.shareChanges(changes, "auth.failed.address");
        accountLimiter.shareChanges(changes, "auth.failed.account");
        // the city page's sections hold their paths against plugin routes, and plugin routes theirs against sections
        PublicSections publicSections = new PublicSections();
        camel = new CamelHost(new HubHttpComponent.Settings(vertx, http.router(), http.bodies(), config.httpMaxBody(),
            config.httpWorkers(), config.httpQueue(), this::publicUrl, new PluginCallers(identity, authLimiter),
            this::ownerOf, publicSections::routes), eventLog, subscriptions, config.busRetry(), sinkPolicy);
        camel.leaseTimedRoutes(leases);
        camel.waitForRoutesAtMost(config.pluginCallTimeout());
        plugins = new PluginHost(config, db, identity.pluginOwners()::ownerOf, nodeId);
        nodes.onForget(plugins::forgetNode);
        plugins.shareChanges(changes);
        // an owner assigned at an upload on another node may be what admits its archive here (a member's signature)
        identity.pluginOwners().announceWith(id -> changes.announce(PluginOwners.CHANGE, id));
        changes.on(PluginOwners.CHANGE, id -> {
            identity.pluginOwners().changedElsewhere(id);
            plugins.archiveChangedElsewhere(id);
        });
        plugins.onTakeover(t -> auditTakeover(t, nodeId));
        integrations = new IntegrationManager(config, db, plugins, camel, secrets, scheduler, publicSections);
        integrations.shareChanges(changes);
        plugins.addListener(integrations);
        camel.stopIntegrationsWith(integrations::stopSoon);
        flows = new FlowManager(db, secrets, camel, subscriptions, name -> integrations.pluginOf(name).isPresent(),
            sinkPolicy, config.flowsEventCpu(), config.flowsPerMember());
        integrations.hubIntegrations(flows);
        integrations.memberExists(identity.members()::exists); // an ingest's senders name members that exist
        flows.shareChanges(changes);

        Duration auditRetention = config.auditRetention();
        Timers.every(scheduler, "Housekeeping", Duration.ofMinutes(1), Duration.ofDays(1),
            () -> housekeeping(auditRetention));
        // H2's automatic ANALYZE is off in the default URL (it ran inside the bus writer's commit): the hub's instead
        Timers.every(scheduler, "Table statistics", Duration.ofMinutes(5), Duration.ofHours(1),
            () -> TableStatistics.analyze(db.dataSource()));
        // the JIT's freed compiler memory stays with the C library until trimmed (see HeapTrim); a few ms a minute
        Timers.every(scheduler, "Trimming the C heap", Duration.ofMinutes(1), Duration.ofMinutes(1),
            HeapTrim::trimNativeHeap);
        http.mount(new HttpApi.Services(plugins, integrations, camel, identity, metrics, this::readiness,
            config.pluginsDir(), config.maxPluginSize(), subscriptions, eventLog, authLimiter, accountLimiter,
            this::ownerOf,
            this::localUrl, flows, nodes, leases, new OnlineBackup(db, config.dataDir(), Clock.systemUTC()),
            this::publicUrl, metricsToken));
        new CityPage(vertx, publicSections, http.web().assets(), config.cityRenderTimeout(),
            config.citySectionRenders()).mount(http.router());
        new Console(http.web(), http.access(), http.bodies(), http::crossSite, identity.firstAdmin()::offered,
            http::routes, plugins).mount(http.router());
        long tVertx = System.nanoTime();
        // what the hub serves itself, before Camel adds the plugins' and integrations' routes to the same router
        ownPaths = http.router().getRoutes().stream().map(io.vertx.ext.web.Route::getPath)
            .filter(java.util.Objects::nonNull).toList();
        camel.start();
        long tCamel = System.nanoTime();
        integrations.restore();
        plugins.loadAll();
        flows.restore(); // after the plugins: a flow's sink may be a component a plugin brings
        beforeListening.accept(this);
        long tPlugins = System.nanoTime();

        HttpServerOptions options = new HttpServerOptions().setHost(config.httpHost())
            .setPort(config.httpPort()).setCompressionSupported(true)
            // HTTP/1.1 only (the hub never offered HTTP/2 over TLS either: no ALPN). Without this, to tell an h2c
            // preface from HTTP/1.1 Vert.x waits for a connection's first bytes before it hands the connection on,
            // so a connection that sent nothing was not counted against http.max-connections until the idle time-out.
            .setHttp2ClearTextEnabled(false)
            .setIdleTimeout((int) Math.max(1, config.httpIdleTimeout().toSeconds())).setIdleTimeoutUnit(TimeUnit.SECONDS);
        if (tls != null) {
            // A connection is counted against http.max-connections once its handshake is done (Vert.x hands it on
            // only then); until then it is bounded by this time-out alone (half of Vert.x's default of 10 s)
            tls.applyTo(options).setSslHandshakeTimeout(5).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
        }
        Handler<HttpServerRequest> requests = connections.guard(RequestFraming.guard(http.router()));
        if (hsts.isPresent()) {
            String value = hsts.get();
            Handler<HttpServerRequest> guarded = requests;
            // Set before routing, so every answer has it (errors, plugin routes, the console, a refused connection's
            // 503), and on this server only: RFC 6797 has browsers ignore it over plain HTTP, so the redirect listener
            // does not send it.
            requests = request -> {
                request.response().putHeader("Strict-Transport-Security", value);
                guarded.handle(request);
            };
        }
        String scheme = tls != null ? "https" : "http";
        // nobody can sign in to the console yet: a code for the first hub-admin, printed by Main (FirstAdmin)
        firstAdminCode = config.firstAdmin() ? identity.firstAdmin().offer(nodeId).orElse(null) : null;
        server = listen(options, requests, eventLoops, "start the " + scheme.toUpperCase(Locale.ROOT) + " server on "
            + config.httpHost() + ":" + config.httpPort());
        if (redirectPort.isPresent()) {
            redirectServer = await(vertx.createHttpServer(new HttpServerOptions().setHost(config.httpHost())
                    .setPort(redirectPort.getAsInt()).setHttp2ClearTextEnabled(false)
                    .setIdleTimeout((int) Math.max(1, config.httpIdleTimeout().toSeconds()))
                    .setIdleTimeoutUnit(TimeUnit.SECONDS))
                .connectionHandler(connections::connected)
                .requestHandler(connections.guard(new HttpsRedirect(publicUrl())))
                .listen(), "start the HTTP redirect to HTTPS on " + config.httpHost() + ":" + redirectPort.getAsInt());
        }
        nodes.address(localUrl().toString());
        watchSchema();
        long tEnd = System.nanoTime();
        LOG.info("Datenhafen ready on {}://{}:{} in {} ms (database and bus {} ms, Vert.x {} ms, Camel {} ms, "
                + "plugins and integrations {} ms, HTTP {} ms), node {}, HTTP on {} event loop{}", scheme,
            config.httpHost(), server.actualPort(), ms(tEnd - t0), ms(tDb - t0), ms(tVertx - tDb), ms(tCamel - tVertx),
            ms(tPlugins - tCamel), ms(tEnd - tPlugins), nodeId, eventLoops, eventLoops == 1 ? "" : "s");
        if (tls != null) {
            LOG.info("HTTPS with {} (TLS 1.2 and 1.3{}){}", tls, hsts.map(h -> ", HSTS " + h).orElse(""),
                redirectServer == null ? "" : "; plain HTTP on port " + redirectServer.actualPort()
                    + " redirects to " + publicUrl());
        }
    }

    /**
     * Listens with {@code eventLoops} server instances on one socket, each on an event loop of its own: Vert.x shares
     * the listening socket between servers of one host and port and hands each new connection to the next instance's
     * loop, so the connections' reading, routing and answering is spread over the loops (one loop was a quarter of
     * all CPU under ingest, and the ceiling, docs/benchmarks.md). Port 0 would give each instance a port of its own;
     * a negative port is Vert.x's way to share one random port. The instances are one deployment, so that each gets
     * a context (an event loop) of its own whatever thread starts the hub, and undeploying it closes them all.
     *
     * @return the first instance, whose {@link HttpServer#actualPort()} is the shared socket's port
     */
    private HttpServer listen(HttpServerOptions options, Handler<HttpServerRequest> requests, int eventLoops,
                              String what) {
        if (options.getPort() == 0) {
            options.setPort(-1);
        }
        List<HttpServer> started = java.util.Collections.synchronizedList(new ArrayList<>());
        httpDeployment = await(vertx.deployVerticle(() -> new io.vertx.core.AbstractVerticle() {
            @Override
            public void start(io.vertx.core.Promise<Void> listening) {
                vertx.createHttpServer(options)
                    .connectionHandler(connections::connected)
                    .requestHandler(requests)
                    .invalidRequestHandler(HttpApi::invalidRequest)
                    .listen()
                    .onSuccess(started::add)
                    .<Void>mapEmpty()
                    .onComplete(listening);
            }
        }, new DeploymentOptions().setInstances(eventLoops)), what);
        return started.get(0);
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    /**
     * The hub's public URL for links in answers: configured, or else the address it listens on (localhost when that is
     * every address), never a request's Host header.
     */
    /** Where this hub listens, as a client on this machine reaches it (the console's calls to the API). */
    private java.net.URI localUrl() {
        String host = config.httpHost();
        host = host.equals("0.0.0.0") ? "127.0.0.1" : host.equals("::") ? "[::1]" : host.contains(":") ? "[" + host
            + "]" : host;
        return java.net.URI.create((tls != null ? "https://" : "http://") + host + ":" + server.actualPort());
    }

    String publicUrl() {
        return config.httpPublicUrl().orElseGet(() -> {
            String host = config.httpHost();
            host = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host.contains(":") ? "[" + host + "]" : host;
            return (tls != null ? "https://" : "http://") + host + ":"
                + (server != null ? server.actualPort() : config.httpPort());
        });
    }

    /**
     * Gives the heap back once the hub is quiet after a load ({@link HeapTrim.WhenQuiet}), checked every 10 s, and
     * trims the C heap once more after the start-up's compilations ({@link HeapTrim#afterStartCompilations}); the
     * packaged hub calls this once after start, in-process hubs (tests) do not: they share one JVM.
     */
    public void trimHeapWhenQuiet() {
        HeapTrim.WhenQuiet watch = new HeapTrim.WhenQuiet();
        scheduler.schedule(HeapTrim::afterStartCompilations, HeapTrim.AFTER_START_COMPILATIONS.toMillis(),
            TimeUnit.MILLISECONDS);
        Timers.every(scheduler, "Trimming the heap when quiet", HeapTrim.WhenQuiet.CHECK, HeapTrim.WhenQuiet.CHECK,
            watch::check);
    }

    /** The port the HTTP server listens on (HTTPS when TLS is configured). */
    public int port() {
        return server.actualPort();
    }

    /** The port of the plain-HTTP listener that redirects to HTTPS, if {@value HubConfig#HTTP_REDIRECT_PORT} is set. */
    public OptionalInt redirectPort() {
        return redirectServer == null ? OptionalInt.empty() : OptionalInt.of(redirectServer.actualPort());
    }

    public HubConfig config() {
        return config;
    }

    /** The admin token made at this first start, to show once; empty on later starts or when configured. */
    public Optional<String> initialAdminToken() {
        return Optional.ofNullable(initialAdminToken);
    }

    /**
     * The one-time code for the first hub-admin person, when this start found none, to be shown once: the hub
     * forgets it at this call (it keeps the hash alone).
     */
    public synchronized Optional<FirstAdmin.Code> firstAdminCode() {
        FirstAdmin.Code code = firstAdminCode;
        firstAdminCode = null;
        return Optional.ofNullable(code);
    }

    /** The console's setup page, at the address the hub is reached at ({@code http.public-url}, else its own). */
    public String setupPage() {
        return publicUrl().replaceAll("/+$", "") + "/console/setup";
    }

    public PluginHost plugins() {
        return plugins;
    }

    public IntegrationManager integrations() {
        return integrations;
    }

    /** The flows (routes defined as data); null before start. */
    public FlowManager flows() {
        return flows;
    }

    /** Members, users, tokens, sessions and the audit log. */
    public Identity identity() {
        return identity;
    }

    /** The bound on open HTTP connections ({@code http.max-connections}). */
    public ConnectionLimit connections() {
        return connections;
    }

    /** The HTTP API (its routes and their access rules). */
    public HttpApi httpApi() {
        return http;
    }

    public EventLog eventLog() {
        return eventLog;
    }

    public HubSubscriptions subscriptions() {
        return subscriptions;
    }

    public CamelHost camel() {
        return camel;
    }

    /** This process among the nodes on its database. */
    public Nodes nodes() {
        return nodes;
    }

    /** The leases this node holds or waits for. */
    public Leases leases() {
        return leases;
    }

    /** The hub's database, for tests and tools that look at what is stored. */
    public Database database() {
        return db;
    }

    /**
     * The paths of every route the hub serves itself, pages and assets included (not the plugins' or integrations'),
     * for the test that keeps integrations' public paths off them.
     */
    public List<String> ownPaths() {
        return ownPaths;
    }

    /** The hub's own HTTP routes (not the plugins'), for the test that keeps the OpenAPI document true. */
    public List<HttpApi.HttpRoute> httpRoutes() {
        return http.routes();
    }

    /** Why a node that runs on a schema another node has migrated past it is not ready (no database details). */
    private static String newerSchemaReason(NewerSchemaException newer) {
        return "another node of a newer version migrated the database to schema version " + newer.schemaVersion()
            + "; this node knows schema versions up to " + newer.knownVersion() + ": stop it and start the newer "
            + "version (every node on one database runs the same version)";
    }

    /**
     * Every 10 s while the hub runs: says once, in the log, that another node has migrated the database past this
     * hub's schema (readiness then answers 503, see {@link #readiness}).
     */
    private void watchSchema() {
        java.util.concurrent.atomic.AtomicBoolean said = new java.util.concurrent.atomic.AtomicBoolean();
        vertx.setPeriodic(10_000, id -> vertx.executeBlocking(db::newerSchema, false).onSuccess(newer -> {
            if (newer.isPresent() && said.compareAndSet(false, true)) {
                LOG.error("Not ready: {}", newerSchemaReason(newer.get()));
                vertx.cancelTimer(id);
            }
        }));
    }

    /** What an H2 URL with {@code file:} (or none) risks, and what to use instead. */
    static final String INTERRUPTIBLE_FILE = "jdbc:h2:file: (or a bare path) lets a thread's interrupt (a plugin's "
        + "thread stopped, a route stopped with a time-out) close the database for every connection until a restart; "
        + "use jdbc:h2:async: with the same path (docs/operations.md)";

    private List<HealthCheck> readiness() {
        List<HealthCheck> checks = new ArrayList<>();
        checks.add(db.isUp() ? HealthCheck.up("database") : HealthCheck.down("database", "does not answer"));
        db.newerSchema().ifPresent(newer -> checks.add(HealthCheck.down("schema", newerSchemaReason(newer))));
        checks.add(camel.isStarted() ? HealthCheck.up("camel") : HealthCheck.down("camel", "not started"));
        if (eventLog instanceof KafkaEventLog kafka) {
            // the head follower asks Kafka every 100 ms and each append is acknowledged: 10 s of silence is an outage
            checks.add(kafka.silence(Duration.ofSeconds(10)).map(why -> HealthCheck.down("kafka", why))
                .orElse(HealthCheck.up("kafka")));
        }
        if (interruptibleFile) {
            // up, but a stopped plugin thread or route can close the database for everyone: said where admins look
            checks.add(HealthCheck.warning("database-file", INTERRUPTIBLE_FILE));
        }
        if (readmeAdminToken()) {
            // up (the tour's hub is ready), but said where every operator looks, as the token is anyone's
            checks.add(HealthCheck.warning("admin-token", "the README's admin token: " + README_TOKEN));
        }
        if (!plugins.signaturesRequired()) {
            // up (a development hub is ready), but said where every operator looks
            checks.add(HealthCheck.warning("plugin-signatures", "not checked (" + HubConfig.PLUGINS_REQUIRE_SIGNATURE
                + "=false): any archive an admin installs is loaded; for development installs only"));
        }
        // up (the demo's package is), but while anyone can sign what it admits, said where every operator looks
        plugins.publicSigningKeyTrusted().ifPresent(why -> checks.add(HealthCheck.warning("plugin-signing-key", why)));
        plugins.list().forEach(p -> {
            if (p.id() != null && p.state().equals("started")) {
                checks.add(HealthCheck.up("plugin:" + p.id()));
            }
        });
        plugins.enabledButNotStarted().forEach((id, reason) -> checks.add(HealthCheck.down("plugin:" + id, reason)));
        // up (nobody asked them to run here), but archives of the folder the hub did not admit are said
        int refused = plugins.notAdmitted().size();
        if (refused > 0) {
            checks.add(HealthCheck.warning("plugins-not-admitted", refused + " plugin(s) of the plugins folder not "
                + "admitted (their signature); GET /api/v1/admin/plugins says which and why"));
        }
        // up (the rest of the hub serves), but an archive left in the plugins folder unloaded (changed since it was
        // installed, never installed) is something an admin meant to run: the start's log said so once
        java.util.Set<String> installed = new java.util.HashSet<>();
        long notLoaded = 0;
        for (var p : plugins.list()) {
            if (p.id() == null) {
                notLoaded++; // refused or ignored: a file of the folder
            } else if (!"deleted".equals(p.state())) {
                installed.add(p.id()); // a deleted plugin whose threads still run is no plugin to wait for
            }
        }
        if (notLoaded > 0) {
            checks.add(HealthCheck.warning("plugins-folder", notLoaded + " file(s) of the plugins folder not loaded; "
                + "GET /api/v1/admin/plugins says which and why"));
        }
        // Every configured integration has been started by now (before the server listened); one that failed is
        // shown with its reason without holding the rest of the hub back, one whose plugin is not there at all (not
        // installed, its archive not loaded) as a warning: it will not run until an admin installs it.
        integrations.list().forEach(i -> {
            if (i.state().equals(IntegrationManager.FAILED)) {
                checks.add(HealthCheck.failed("integration:" + i.name(), i.lastError()));
            } else if (i.state().equals(IntegrationManager.RUNNING)) {
                checks.add(HealthCheck.up("integration:" + i.name()));
            } else if (!installed.contains(i.plugin())) {
                checks.add(HealthCheck.warning("integration:" + i.name(), "waiting for plugin " + i.plugin()
                    + ", which is not loaded"));
            }
        });
        return checks;
    }

    /**
     * Stops the hub: new requests get 503, in-flight requests finish (up to the shutdown timeout), integrations and
     * plugins stop, the bus drains and the database closes last.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        Duration timeout = config.shutdownTimeout();
        LOG.info("Stopping Datenhafen");
        if (http != null) {
            http.drain();
            long deadline = System.nanoTime() + timeout.toNanos() / 2;
            while (http.inFlight() > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        quietly("change notices", changes);
        quietly("flows", flows);
        quietly("integrations", integrations);
        quietly("plugins", plugins);
        quietly("camel", camel);
        quietly("retention", retention);
        quietly("subscriptions", subscriptions);
        quietly("leases", leases); // after their work stopped: what is still held goes to another node at once
        quietly("node heartbeat", nodes);
        quietly("event log", eventLog);
        if (redirectServer != null) {
            quietly("http redirect", () -> await(redirectServer.close(), "close the HTTP redirect"));
        }
        if (httpDeployment != null) {
            // undeploying closes every server instance of the deployment, and the shared socket with the last
            quietly("http server", () -> await(vertx.undeploy(httpDeployment), "close the HTTP server"));
        }
        if (scheduler != null) {
            // housekeeping or an integration's stop in progress ends first: see Timers
            Timers.stop(scheduler, Timers.STOP_GRACE, "the hub's scheduler");
        }
        if (vertx != null) {
            quietly("vert.x", () -> await(vertx.close(), "close Vert.x"));
        }
        quietly("file cache lock", fileCache);
        quietly("metrics", metrics);
        quietly("audit log", identity);
        quietly("database", db);
        LOG.info("Datenhafen stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
    }

    /** The member that owns a plugin (see {@link de.datenhafen.core.security.PluginOwners}); null for none. */
    private String ownerOf(String pluginId) {
        return plugins == null || pluginId == null ? null : plugins.plugin(pluginId)
            .map(p -> identity.pluginOwners().ownerOf(p.id(), p.member()))
            .orElseGet(() -> identity.pluginOwners().assigned(pluginId).orElse(null));
    }

    /**
     * A plugin archive taken over at start (or not) is audited as an admin's upgrade would be, by the hub itself: the
     * principal {@code hub:<node id>}, under the plugin's owning member so that the member sees it too.
     */
    private void auditTakeover(PluginTakeover t, String nodeId) {
        String installed = (t.installedVersion() == null ? "?" : t.installedVersion()) + " (" + t.installedFile() + ")";
        de.datenhafen.core.http.AuditDetail detail = new de.datenhafen.core.http.AuditDetail()
            .add(t.taken() ? "takeover.taken" : "takeover.kept", installed, t.version(), t.file(), t.detail());
        identity.audit().append(new AuditLog.Entry(0, Instant.now(), "hub:" + nodeId, "hub", t.owner(),
            TAKEOVER_ACTION, "{id=" + t.pluginId() + "}", t.outcome(), null, null, detail.english(),
            de.datenhafen.core.http.AuditDetail.encode(detail.parts())));
    }

    /** Once a day: audit entries past their retention, and sessions that ended, go. */
    private void housekeeping(Duration auditRetention) {
        try {
            int audits = identity.audit().retain(auditRetention);
            int sessions = identity.sessions().purge();
            if (audits > 0 || sessions > 0) {
                LOG.info("Housekeeping: {} audit entries older than {} and {} ended sessions deleted", audits,
                    auditRetention, sessions);
            }
        } catch (RuntimeException e) {
            LOG.warn("Housekeeping failed: {}", e.getMessage(), e);
        }
    }

    private static void quietly(String what, AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("Stopping {} failed: {}", what, e.getMessage(), e);
        }
    }

    private static <T> T await(io.vertx.core.Future<T> future, String what) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("could not " + what + ": " + cause.getMessage(), cause);
        }
    }
}
