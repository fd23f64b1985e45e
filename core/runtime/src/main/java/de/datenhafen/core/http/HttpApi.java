package de.datenhafen.core.http;

import de.datenhafen.core.bus.HubSubscriptions;
import de.datenhafen.core.bus.EventLog;
import de.datenhafen.core.camel.CamelHost;
import de.datenhafen.core.camel.HubHttpComponent;
import de.datenhafen.core.integration.IntegrationManager;
import de.datenhafen.core.integration.IntegrationView;
import de.datenhafen.core.ops.HealthCheck;
import de.datenhafen.core.ops.HubMetrics;
import de.datenhafen.core.plugin.LoadedPlugin;
import de.datenhafen.core.plugin.PluginHost;
import de.datenhafen.core.security.FailedAuthLimiter;
import de.datenhafen.core.security.Principal;
import de.datenhafen.core.security.Role;
import de.datenhafen.core.security.Secrets;
import de.datenhafen.core.security.AuditLog;
import de.datenhafen.core.security.Identity;
import de.datenhafen.core.web.Assets;
import de.datenhafen.core.web.WebPages;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.MultiMap;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Builds the hub's router: health, metrics, OpenAPI, the admin API behind bearer tokens, and the JSON error
 * handling for everything, including the plugin routes Camel adds later.
 */
public final class HttpApi {

    private final Vertx vertx;
    private final BodyBudget bodies;
    private final Router router;
    private final WorkerExecutor workers;
    private final PasswordHashing passwords;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;
    private volatile AccessRules accessRules;
    private volatile AuditLog audit;
    private EventsApi events;
    private ApiAccess access;
    private volatile String node; // this node's id, in the health answers
    private volatile Supplier<String> publicUrl;
    private final WebPages web = new WebPages(Assets.hub());

    /** What the HTTP layer needs from the rest of the hub. */
    public record Services(PluginHost plugins, IntegrationManager integrations, CamelHost camel, Identity identity,
                           HubMetrics metrics, Supplier<List<HealthCheck>> readiness, Path uploadDir,
                           long maxPluginSize, HubSubscriptions subscriptions, EventLog eventLog,
                           FailedAuthLimiter authLimiter, FailedAuthLimiter accountLimiter,
                           Function<String, String> pluginOwner,
                           Supplier<java.net.URI> localUrl, de.datenhafen.core.flow.FlowManager flows,
                           de.datenhafen.core.node.Nodes nodes, de.datenhafen.core.node.Leases leases,
                           de.datenhafen.core.store.OnlineBackup backup, Supplier<String> publicUrl,
                           String metricsToken) {
    }

    private static final String HEAD_AS_GET = "datenhafen.head";

    /** Set by a route on its request: what the audit log calls the action ("METHOD /route/template"). */
    public static final String AUDIT_ACTION = "datenhafen.action";
    /**
     * Set by a route on its request: what the action was on, as one text, or absent; else the names collected by
     * {@link #auditNames} are the target.
     */
    public static final String AUDIT_TARGET = "datenhafen.target";
    /** The names {@link #auditNames} collected for the audit entry's target (the path's parameters first). */
    private static final String AUDIT_NAMES = "datenhafen.audit.names";
    /**
     * Set by a route on its request: the member an action concerns (its path's member, a member just made), whose
     * people read its entry; else the principal's. Never read out of the target's text: a sign-in with the user name
     * {@code x,member=kulturbuero} was filed under that member, so anyone could write into any member's log (an
     * attacker's probe).
     */
    public static final String AUDIT_MEMBER = "datenhafen.audit.member";
    /** The request's {@link #auditDetail}. */
    private static final String AUDIT_DETAIL = "datenhafen.audit.detail";

    /** What the request's audit entry says beyond its action and target, added to as the request goes. */
    public static AuditDetail auditDetail(RoutingContext ctx) {
        AuditDetail d = ctx.get(AUDIT_DETAIL);
        if (d == null) {
            d = new AuditDetail();
            ctx.put(AUDIT_DETAIL, d);
        }
        return d;
    }
    /** Set (to true) by a plugin route whose writes the audit log keeps, see the {@code audit} endpoint option. */
    public static final String AUDIT_WRITES = "datenhafen.audit.writes";

    /**
     * @param passwordQueue how many password hashes may wait or run at once ({@code auth.password-queue})
     * @param bodies the bytes of request bodies the hub may hold at once ({@code http.body-memory})
     */
    public HttpApi(Vertx vertx, int passwordQueue, BodyBudget bodies) {
        this.vertx = vertx;
        this.bodies = bodies;
        this.router = Router.router(vertx);
        this.workers = vertx.createSharedWorkerExecutor("hub-admin", 8);
        // password hashes apart, one a core at a time: more would only share the cores (IdentityApi says why)
        this.passwords = new PasswordHashing(vertx.createSharedWorkerExecutor("hub-passwords",
            Runtime.getRuntime().availableProcessors()), passwordQueue);
        router.route().handler(this::track);
        // here, before any route with a method: a catch-all after them would turn the router's 405 into a 404
        router.route().handler(this::audited);
    }

    public Router router() {
        return router;
    }

    /** The bytes of request bodies the hub may hold at once, shared with the plugins' routes. */
    public BodyBudget bodies() {
        return bodies;
    }

    public WorkerExecutor workers() {
        return workers;
    }

    /**
     * Whether a browser sent {@code request} from a page of another site ({@link CrossSite}), this hub's origin being
     * its {@code Host} or its public URL; after {@link #mount}.
     */
    public boolean crossSite(HttpServerRequest request) {
        Supplier<String> url = publicUrl;
        java.net.URI uri = null;
        if (url != null) {
            try {
                uri = java.net.URI.create(url.get());
            } catch (IllegalArgumentException e) {
                // the configuration checks the public URL at start; a Host match is left
            }
        }
        return CrossSite.from(request, uri);
    }

    /** The API as the console calls it for a browser's session; after {@link #mount}. */
    public ApiAccess access() {
        return access;
    }

    /** What the web faces share: assets, the language switch, the page headers. */
    public WebPages web() {
        return web;
    }

    /** How a request's credentials are checked, once {@link #mount} set it up (before the server listens). */
    private volatile Authentication authentication;

    /** Mounts the hub's own routes. Call once, before Camel adds plugin routes. */
    public void mount(Services s) {
        node = s.nodes().id();
        router.get("/health/live").handler(this::live);
        // here, before the web faces' routes; its credentials are checked as the rest's once those are set up below
        router.get("/health/ready").handler(ctx -> signedInIfAny(ctx, authentication)).handler(ctx -> ready(ctx, s));
        web.mount(router);

        audit = s.identity().audit();
        // One limiter for every wrong credential, token or password (by default 10 a minute from an address).
        // an integration is its plugin's owner's, a flow its member's (a hub-admin's flow: no member's); a plugin's
        // integration first, as the integrations' manager acts on one of a name before a flow of it
        Function<String, String> integrationOwner = name -> {
            Optional<String> plugin = s.integrations().pluginOf(name);
            return plugin.isPresent() ? s.pluginOwner().apply(plugin.get())
                : s.flows().memberOf(name).filter(member -> !member.isEmpty()).orElse(null);
        };
        AccessRules rules = adminRules(integrationOwner);
        IdentityApi.rules(rules);
        SigningApi.rules(rules);
        FlowsApi.rules(rules, s.flows());
        Authentication auth = new Authentication(s.identity(), workers, s.authLimiter(), rules,
            path -> AllowedMethods.of(router, path));
        authentication = auth;
        accessRules = rules;
        router.get("/metrics").handler(ctx -> metricsAccess(ctx, s, auth)).handler(ctx -> metrics(ctx, s));
        router.get("/api/v1/openapi.json").handler(ctx -> signedInIfAny(ctx, auth)).handler(ctx -> openApi(ctx, s));
        router.route("/api/v1/admin/*").handler(auth::handle);
        new AdminApi(vertx, workers, s.plugins(), s.integrations(), s.identity().pluginOwners(), s.pluginOwner(),
            integrationOwner, s.uploadDir(), s.maxPluginSize()).mount(router, bodies);
        new SubscriptionsApi(workers, s.subscriptions(), s.flows()).mount(router, bodies);
        new NodesApi(workers, s.nodes(), s.leases(), s.subscriptions()).mount(router);
        new BackupApi(workers, s.backup()).mount(router);
        new FlowsApi(workers, vertx.createSharedWorkerExecutor("flow-dry-runs", 1), s.flows()).mount(router, bodies);
        publicUrl = s.publicUrl();
        IdentityApi identityApi = new IdentityApi(s.identity(), workers, passwords, s.authLimiter(),
            s.accountLimiter(), this::crossSite);
        identityApi.mount(router, auth, bodies);
        access = new ApiAccess(vertx, s.identity(), workers, identityApi, s.localUrl());
        new SigningApi(s.plugins().signingKeys(), s.identity().members(), workers).mount(router, bodies);
        events = new EventsApi(vertx, workers, s.eventLog(), auth, bodies);
        events.mount(router);

        router.route().failureHandler(Errors::handle);
        router.errorHandler(400, ctx -> Errors.refusedByRouter(ctx));
        router.errorHandler(404, ctx -> Errors.handle(ctx));
        router.errorHandler(405, ctx -> {
            ctx.response().putHeader("Allow", AllowedMethods.of(router, ctx.normalizedPath()));
            Errors.handle(ctx);
        });
        router.errorHandler(500, ctx -> Errors.handle(ctx));
    }

    /**
     * Who may call the hub's own admin and events routes (the identity routes add theirs in {@link IdentityApi}):
     * reading which plugins and connectors exist is for anyone signed in; a plugin's integrations are its owning
     * member's to read (viewer) and to manage (member-admin), the list and new ones checked against the plugin in
     * {@link AdminApi}; plugins themselves (code in the hub's JVM), subscriptions, dead letters and the bus are the
     * association's (hub-admin).
     *
     * @param integrationOwner the member that owns the plugin of an integration, by the integration's name
     */
    private static AccessRules adminRules(Function<String, String> integrationOwner) {
        String a = "/api/v1/admin";
        AccessRules r = new AccessRules()
            .rule("GET", a + "/plugins", AccessRules.SIGNED_IN)
            .rule("GET", a + "/plugins/:id", AccessRules.SIGNED_IN)
            .rule("GET", a + "/connectors", AccessRules.SIGNED_IN)
            .rule("GET", a + "/integrations", AccessRules.SIGNED_IN)
            .rule("POST", a + "/integrations", AccessRules.MEMBER_ADMIN_OF_ANY)
            .rule("POST", a + "/integrations/validate", AccessRules.MEMBER_ADMIN_OF_ANY)
            .rule("GET", a + "/integrations/:name", AccessRules.ofOwner(Role.VIEWER, integrationOwner))
            .rule("DELETE", a + "/integrations/:name", AccessRules.ofOwner(Role.MEMBER_ADMIN, integrationOwner))
            .rule("PUT", a + "/integrations/:name", AccessRules.ofOwner(Role.MEMBER_ADMIN, integrationOwner));
        for (String action : new String[] {"pause", "resume", "restart", "validate"}) {
            r.rule("POST", a + "/integrations/:name/" + action,
                AccessRules.ofOwner(Role.MEMBER_ADMIN, integrationOwner));
        }
        for (String[] hubAdmin : new String[][] {
            {"POST", "/plugins"}, {"DELETE", "/plugins/:id"}, {"POST", "/plugins/:id/enable"},
            {"POST", "/plugins/:id/disable"}, {"PUT", "/plugins/:id/owner"},
            {"GET", "/subscriptions"}, {"POST", "/subscriptions"}, {"GET", "/subscriptions/:name"},
            {"DELETE", "/subscriptions/:name"}, {"POST", "/subscriptions/:name/seek"}, {"GET", "/dead-letters"},
            {"POST", "/dead-letters/replay"}, {"POST", "/dead-letters/discard"}, {"POST", "/dead-letters/:id/replay"},
            {"DELETE", "/dead-letters/:id"}, {"GET", "/nodes"}, {"DELETE", "/nodes/:id"},
            {"POST", "/backup"}}) {
            r.rule(hubAdmin[0], a + hubAdmin[1], AccessRules.HUB_ADMIN);
        }
        // signed in, /metrics shows the integrations the caller may read; anonymous, the hub's own figures (see metrics)
        r.rule("GET", "/metrics", AccessRules.SIGNED_IN);
        // and the OpenAPI document names a plugin route's integration to a caller who may read it (see openApi)
        r.rule("GET", "/api/v1/openapi.json", AccessRules.SIGNED_IN);
        // and readiness names each integration to a hub-admin (see ready)
        r.rule("GET", "/health/ready", AccessRules.SIGNED_IN);
        return r.rule("GET", "/api/v1/events", AccessRules.HUB_ADMIN)
            .rule("POST", "/api/v1/events", AccessRules.HUB_ADMIN)
            .rule("GET", "/api/v1/events/stream", AccessRules.HUB_ADMIN);
    }

    /** The access rules of the hub's own routes, once mounted (for tests that check every route has one). */
    public List<String> routesWithoutRule() {
        List<String> out = new ArrayList<>();
        for (HttpRoute r : routes()) {
            String path = r.path();
            if (path.startsWith("/health/") || path.equals("/metrics") || path.equals("/api/v1/openapi.json")
                || path.equals("/api/v1/auth/login") || path.equals("/api/v1/auth/setup")) {
                continue; // public by design
            }
            if (accessRules == null || accessRules.rules().stream().noneMatch(rule -> rule.method().equals(r.method())
                && rule.template().equals(path))) {
                out.add(r.method() + " " + path);
            }
        }
        return out;
    }

    /**
     * Records the request in the audit log when it changed or tried to change the hub's state through its admin or
     * sign-in API, and every refusal (401, 403, 429) anywhere, plugin routes included. Built from the route's template
     * and path parameters, never from bodies, query strings or headers, so no secret enters it.
     *
     * <p>The entry is queued when the answer's headers are about to go out, not when the answer has ended: an end
     * handler runs after the bytes were handed to the socket, so a client could read the audit log on another
     * connection before its own request's entry was queued ({@link AuditLog#read} waits only for queued entries). A
     * request whose client went away before any answer (its headers never go out) is recorded when it ends, with
     * status {@value #CLOSED_BEFORE_ANSWER}: an admin change that ran, or a sign-in refused, stays in the log.
     */
    private void audited(RoutingContext ctx) {
        AuditLog audit = this.audit;
        if (audit == null) {
            ctx.next();
            return;
        }
        AtomicBoolean recorded = new AtomicBoolean();
        ctx.addHeadersEndHandler(v -> {
            if (recorded.compareAndSet(false, true)) {
                record(audit, ctx, ctx.response().getStatusCode());
            }
        });
        ctx.addEndHandler(v -> {
            if (recorded.compareAndSet(false, true)) {
                record(audit, ctx, CLOSED_BEFORE_ANSWER);
            }
        });
        ctx.next();
    }

    /**
     * Names what the request's action was on, for its audit entry's target ({@code {member=verein, user=dora}}): the
     * path's parameters (noted by the access rules), and what a creation made (the person invited, the integration
     * created), which the path cannot name. A name given again replaces its value in place (a token's id in the path
     * by its name, which is what people know it by).
     */
    public static void auditNames(RoutingContext ctx, String name, String value) {
        java.util.Map<String, String> names = ctx.get(AUDIT_NAMES);
        if (names == null) {
            names = new java.util.LinkedHashMap<>();
            ctx.put(AUDIT_NAMES, names);
        }
        names.put(name, auditValue(value));
    }

    /**
     * A value from a request as an audit target keeps it: control characters escaped (the log names a lost entry's
     * target), cut short, and the target's own signs ({@code , = { } %}) %-encoded, so that a name written as
     * {@code x, user=vera} reads as one value and names no one else ({@code Audit} in the console decodes them).
     */
    public static String auditValue(String value) {
        if (value == null) {
            return null;
        }
        String cut = value.length() > 200 ? value.substring(0, Character.isHighSurrogate(value.charAt(199)) ? 199
            : 200) + "…" : value;
        StringBuilder out = new StringBuilder(cut.length());
        for (char c : LogText.escape(cut).toCharArray()) {
            switch (c) {
                case '%' -> out.append("%25");
                case ',' -> out.append("%2C");
                case '=' -> out.append("%3D");
                case '{' -> out.append("%7B");
                case '}' -> out.append("%7D");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** The status an audit entry gets when the client went away before any answer (as nginx logs it). */
    static final int CLOSED_BEFORE_ANSWER = 499;

    private static void record(AuditLog audit, RoutingContext ctx, int status) {
        String method = ctx.request().method().name();
        String path;
        try {
            path = ctx.normalizedPath();
        } catch (IllegalArgumentException e) {
            // a malformed %-escape: the router refused the path, and this runs while that refusal is being sent,
            // where an exception would break the answer; the raw path is escaped for the log below
            path = String.valueOf(ctx.request().path());
        }
        boolean write = !method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS");
        boolean hubApi = path.startsWith("/api/v1/admin/") || path.startsWith("/api/v1/auth/");
        // a dry run (POST .../validate) changes nothing: the console's form checks as one types, and each check
        // was an entry that hid the changes (a walk-through counted a dozen for one form); its refusals still are
        boolean dryRun = path.endsWith("/validate");
        boolean auditedWrite = (hubApi || Boolean.TRUE.equals(ctx.get(AUDIT_WRITES))) && !dryRun;
        if (!(write && auditedWrite) && status != 401 && status != 403 && status != 429) {
            return;
        }

        Principal p = ctx.get(Authentication.PRINCIPAL);
        de.datenhafen.api.Caller caller = ctx.get(de.datenhafen.core.camel.CallerResolver.CONTEXT_KEY);
        if (p == null && caller != null) {
            p = new Principal(Principal.Kind.valueOf(caller.kind().toUpperCase(java.util.Locale.ROOT)),
                caller.id(), caller.member(), java.util.Set.of(), caller.scopePlugin(), caller.scopePath());
        }
        String action = ctx.get(AUDIT_ACTION);
        java.util.Map<String, String> names = ctx.get(AUDIT_NAMES);
        String target = ctx.get(AUDIT_TARGET) != null || names == null || names.isEmpty() ? ctx.get(AUDIT_TARGET)
            : names.toString();
        String member = ctx.get(AUDIT_MEMBER) != null ? ctx.get(AUDIT_MEMBER) : p == null ? null : p.member();
        AuditDetail detail = ctx.get(AUDIT_DETAIL) instanceof AuditDetail d ? d : new AuditDetail();
        if (status >= 400) {
            Errors.refusal(ctx, detail);
        }
        audit.append(new AuditLog.Entry(0, java.time.Instant.now(), p == null ? null : p.label(),
            p == null ? null : p.kind().id(), member,
            action != null ? action : method + " " + LogText.escape(path.length() > 250 ? path.substring(0, 250)
                : path), target, status, Authentication.address(ctx), Errors.requestId(ctx), detail.english(),
            AuditDetail.encode(detail.parts()),
            // a person's or token's refused try at another member's, for their own member to see; a hub-admin's
            // actions at members' data are not their member's business (its viewers would read every one)
            p == null || status < 400 || p.isHubAdmin() ? null : p.member()));
    }

    /** One route of the hub's own HTTP surface. */
    public record HttpRoute(String method, String path) {
    }

    /**
     * The method and path of every route that answers requests, as the router has them ({@code :id} for path
     * parameters), without the filters that apply to many (tracking, auth) and without the plugin routes Camel
     * mounts under {@code /api/v1/plugins/} or on integrations' own public paths. What the OpenAPI document must
     * describe.
     */
    public List<HttpRoute> routes() {
        List<HttpRoute> out = new ArrayList<>();
        for (io.vertx.ext.web.Route r : router.getRoutes()) {
            String path = r.getPath();
            if (path == null || r.methods() == null || r.methods().isEmpty() || path.startsWith("/api/v1/plugins/")
                || !(path.startsWith("/api/") || path.startsWith("/health/") || path.equals("/metrics"))) {
                continue;
            }
            r.methods().forEach(m -> out.add(new HttpRoute(m.name(), path)));
        }
        return out;
    }

    /** From now on new requests are answered 503; in-flight ones finish. */
    public void drain() {
        draining = true;
        if (events != null) {
            events.closeStreams(); // open event streams would otherwise count as in flight until the timeout
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    private void track(RoutingContext ctx) {
        if (ctx.request().method() == HttpMethod.HEAD && ctx.get(HEAD_AS_GET) == null) {
            // HEAD wherever GET is (RFC 9110 9.3.2): routed as a GET; the request stays a HEAD, so Vert.x sends the
            // GET's status and headers without its body
            ctx.put(HEAD_AS_GET, Boolean.TRUE);
            ctx.reroute(HttpMethod.GET, ctx.request().uri());
            return;
        }
        String id = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
        ctx.put(Errors.REQUEST_ID, id);
        HttpServerResponse response = ctx.response();
        response.putHeader("X-Request-Id", id);
        // Answers are JSON or text for programs unless a route says otherwise: no sniffing, no framing, no scripts
        // or styles from anywhere (a page of the hub sets its own policy), and nothing that needed a token cached.
        response.putHeader("X-Content-Type-Options", "nosniff");
        ctx.addHeadersEndHandler(v -> {
            MultiMap h = response.headers();
            if (!h.contains("Content-Security-Policy")) {
                h.set("Content-Security-Policy", Errors.NO_CONTENT_POLICY);
            }
            // an answer for a caller who showed credentials (a token, a session cookie) or to a sign-in (it carries
            // the session's CSRF token) is kept by no cache, shared or the browser's own
            if (!h.contains("Cache-Control") && (ctx.request().headers().contains("Authorization")
                || ctx.request().getCookie(Authentication.SESSION_COOKIE) != null
                || ctx.request().path().startsWith("/api/v1/auth/"))) {
                h.set("Cache-Control", "no-store");
            }
        });
        if (draining) {
            ctx.response().setStatusCode(503).putHeader("Retry-After", "5")
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", "the hub is shutting down").encode());
            return;
        }
        inFlight.incrementAndGet();
        ctx.addEndHandler(v -> inFlight.decrementAndGet());
        ctx.next();
    }

    /**
     * Answers a request Netty could not decode (request line or headers too long, a malformed line) with the hub's
     * JSON error instead of an empty body; the server closes the connection afterwards.
     */
    public static void invalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status = cause instanceof TooLongHttpLineException ? 414
            : cause instanceof TooLongHttpHeaderException ? 431 : 400;
        String message = status == 400 ? "the request is not valid HTTP/1.1" : Errors.message(status);
        Errors.respondUnrouted(request, status, message, status == 431 ? "headers" : "request line");
    }

    private void live(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("status", "UP").put("node", node).encode());
    }

    /**
     * Readiness: 200 or 503 with every check. A hub-admin reads each plugin's and each integration's check (its name,
     * and why it failed); anyone else, a probe too, reads them as one check each, {@code plugins} and
     * {@code integrations}, with how many failed: they named every member's plugins and integrations with their
     * errors to anyone (an attacker's probe), and a plugin's reason is its own start's exception message, which may
     * name a host, a path or a database; the plugins and integrations APIs show them to hub-admins and their member
     * only. A plugin that did not start decides readiness as before (503), said without its name. The other checks
     * keep their names and states for anyone, their reasons only where they say nothing of the set-up
     * ({@link #OPEN_REASONS}): Kafka's named its brokers' addresses, the signature checks what this hub admits.
     */
    private void ready(RoutingContext ctx, Services s) {
        Principal p = ctx.get(Authentication.PRINCIPAL);
        boolean inFull = p != null && p.isHubAdmin();
        workers.executeBlocking(s.readiness()::get, false).onFailure(ctx::fail).onSuccess(all -> {
            List<HealthCheck> checks = inFull ? all : withOpenReasons(pluginsAsOne(integrationsAsOne(all))).stream()
                .filter(c -> !ADMINS_ONLY.contains(c.name())).toList();
            boolean up = checks.stream().allMatch(HealthCheck::up);
            JsonArray list = new JsonArray();
            List<String> down = new ArrayList<>();
            for (HealthCheck c : checks) {
                list.add(new JsonObject().put("name", c.name()).put("status", c.status())
                    .put("reason", c.reason()));
                if (!c.up()) {
                    down.add(c.name() + ": " + c.reason());
                }
            }
            JsonObject body = new JsonObject().put("status", up ? "UP" : "DOWN").put("node", node)
                .put("checks", list);
            if (!up) {
                body.put("error", "not ready: " + String.join("; ", down));
            }
            ctx.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json")
                .end(body.encode());
        });
    }

    /**
     * The readiness checks only a hub-admin sees at all: that the README's public admin token opens this hub is not
     * for a scanner to learn from the check's name (it is a warning: the answer's status is the same without it).
     */
    static final java.util.Set<String> ADMINS_ONLY = java.util.Set.of("admin-token");

    /** The readiness checks whose reasons anyone reads: they name nothing of the hub's set-up or its members. */
    static final java.util.Set<String> OPEN_REASONS = java.util.Set.of("database", "camel", "schema", "plugins",
        "integrations", "plugins-folder");

    private static List<HealthCheck> withOpenReasons(List<HealthCheck> checks) {
        List<HealthCheck> out = new ArrayList<>();
        for (HealthCheck c : checks) {
            out.add(c.reason() == null || OPEN_REASONS.contains(c.name()) ? c
                : new HealthCheck(c.name(), c.status(), "a hub-admin reads why"));
        }
        return out;
    }

    private static List<HealthCheck> pluginsAsOne(List<HealthCheck> checks) {
        List<HealthCheck> out = new ArrayList<>();
        int plugins = 0;
        int down = 0;
        for (HealthCheck c : checks) {
            if (c.name().startsWith("plugin:")) {
                plugins++;
                down += c.up() ? 0 : 1;
            } else {
                out.add(c);
            }
        }
        if (down > 0) {
            out.add(HealthCheck.down("plugins", down + " of " + plugins + " enabled plugins did not start; a "
                + "hub-admin reads which and why"));
        } else if (plugins > 0) {
            out.add(HealthCheck.up("plugins"));
        }
        return out;
    }

    private static List<HealthCheck> integrationsAsOne(List<HealthCheck> checks) {
        List<HealthCheck> out = new ArrayList<>();
        int integrations = 0;
        int failed = 0;
        int waiting = 0;
        for (HealthCheck c : checks) {
            if (c.name().startsWith("integration:")) {
                integrations++;
                failed += "FAILED".equals(c.status()) || "DOWN".equals(c.status()) ? 1 : 0;
                waiting += "WARNING".equals(c.status()) ? 1 : 0;
            } else {
                out.add(c);
            }
        }
        if (failed > 0) {
            out.add(HealthCheck.failed("integrations", failed + " of " + integrations + " integrations have failed"
                + (waiting > 0 ? " and " + waiting + " wait for a plugin that is not loaded" : "")
                + "; a hub-admin reads which and why"));
        } else if (waiting > 0) {
            out.add(HealthCheck.warning("integrations", waiting + " of " + integrations + " integrations wait for a "
                + "plugin that is not loaded; a hub-admin reads which"));
        } else if (integrations > 0) {
            out.add(HealthCheck.up("integrations"));
        }
        return out;
    }

    /**
     * Who reads what of {@code /metrics}. Its per-integration series name every member's integrations and how busy
     * they are, which the integrations API shows only to the owning member and the association: so an anonymous
     * caller gets the hub's own figures (HTTP, JVM, the bus), a signed-in caller the series of the integrations it may
     * read (a hub-admin all), and the operator's {@code metrics.token} all of them, for a Prometheus scraper that
     * should hold no other right. Wrong credentials are refused (401) as on any route, not served the anonymous view,
     * so a scraper with a stale token notices.
     */
    private void metricsAccess(RoutingContext ctx, Services s, Authentication auth) {
        // read as every token is: the scheme in any case, the token trimmed
        String token = CredentialCheck.bearerToken(ctx.request().getHeader("Authorization"));
        if (s.metricsToken() != null && token != null
            && Secrets.same(Secrets.sha256(token), Secrets.sha256(s.metricsToken()))) {
            ctx.put(METRICS_IN_FULL, Boolean.TRUE);
            ctx.next();
        } else {
            signedInIfAny(ctx, auth);
        }
    }

    /**
     * A route anyone may call that answers a signed-in caller more: without credentials it goes on anonymous, with
     * them they are checked as on any route (wrong ones 401, not the anonymous view).
     */
    private static void signedInIfAny(RoutingContext ctx, Authentication auth) {
        if (ctx.request().getHeader("Authorization") == null
            && ctx.request().getCookie(Authentication.SESSION_COOKIE) == null) {
            ctx.next();
        } else {
            auth.handle(ctx);
        }
    }

    /**
     * The integrations whose names and figures the caller may read, as the integrations API shows them: a hub-admin
     * all, a member's caller its member's (viewer and up), an anonymous one none.
     */
    private static Predicate<String> readableIntegrations(RoutingContext ctx, Services s) {
        Principal caller = Authentication.principal(ctx).orElse(null);
        if (caller != null && caller.isHubAdmin()) {
            return HubMetrics.EVERY_INTEGRATION;
        }
        if (caller != null) {
            return name -> caller.actsFor(s.integrations().pluginOf(name).map(s.pluginOwner()).orElse(null),
                Role.VIEWER);
        }
        return name -> false;
    }

    /** Set by {@link #metricsAccess} when the request carries the metrics token. */
    private static final String METRICS_IN_FULL = "datenhafen.metrics.full";

    private void metrics(RoutingContext ctx, Services s) {
        Predicate<String> shown = Boolean.TRUE.equals(ctx.get(METRICS_IN_FULL)) ? HubMetrics.EVERY_INTEGRATION
            : readableIntegrations(ctx, s);
        workers.executeBlocking(() -> s.metrics().scrape(s.camel(),
                s.integrations().list().stream().map(IntegrationView::name).toList(), shown), false)
            .onFailure(ctx::fail)
            .onSuccess(text -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text));
    }

    /**
     * The hub's own routes as written in {@code openapi.json}, and every path a plugin serves right now, added from
     * the hub's HTTP consumer (marked {@code x-datenhafen-plugin-routes}, with the plugin and integration) and
     * described by the plugin's own fragment ({@link PluginOpenApi}), so a client generator or the console sees them
     * all.
     */
    private void openApi(RoutingContext ctx, Services s) {
        JsonObject doc = OPENAPI.copy();
        PluginOpenApi.addRoutes(doc, s.camel().httpRoutes(), plugin -> s.plugins().plugin(plugin)
            .map(p -> fragments.computeIfAbsent(p, k -> PluginOpenApi.read(k.id(), k.classLoader())))
            .orElseGet(JsonObject::new));
        Predicate<String> named = readableIntegrations(ctx, s);
        if (named != HubMetrics.EVERY_INTEGRATION) {
            PluginOpenApi.withoutIntegrationsOthersMayNotRead(doc, named);
        }
        ctx.response().putHeader("Content-Type", "application/json").end(doc.toBuffer());
    }

    /** Each loaded plugin's OpenAPI fragment, read once; a plugin installed again is another instance. */
    private final java.util.Map<LoadedPlugin, JsonObject> fragments =
        java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** The hub's own routes as written in the jar's openapi.json, read once; each answer adds to a copy. */
    private static final JsonObject OPENAPI = readOpenApi();

    private static JsonObject readOpenApi() {
        try (InputStream in = HttpApi.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the hub's jar");
            }
            return new JsonObject(Buffer.buffer(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A buffer's bytes: its array itself when that holds them and nothing else, else a copy. Only for a buffer of one
     * request's body, which nobody writes to or reads from after.
     */
    public static byte[] bytesOf(Buffer body) {
        ByteBuf b = body.getByteBuf(); // a duplicate: indexes of its own, the same memory
        if (b.hasArray() && b.arrayOffset() == 0 && b.readerIndex() == 0 && b.readableBytes() == b.array().length) {
            return b.array();
        }
        return body.getBytes();
    }

    /**
     * A time of an API's request, {@code text} read as ISO-8601 with an offset, in the years 1 to 9999: a time far
     * beyond them was read, and wrapped round as the database stored it (a token made to end in the year 999999999
     * ended in the past; an audit filter from then found today's entries). Null for null.
     *
     * @throws InvalidInputException naming {@code field} for any other text
     */
    static java.time.Instant time(String text, String field) {
        if (text == null) {
            return null;
        }
        try {
            java.time.Instant t = java.time.OffsetDateTime.parse(text).toInstant();
            int year = t.atOffset(java.time.ZoneOffset.UTC).getYear(); // as the database keeps it
            if (year >= 1 && year <= 9999) {
                return t;
            }
        } catch (java.time.DateTimeException e) { // unreadable, or beyond what a time in UTC can be
            // answered below
        }
        throw (de.datenhafen.api.InvalidInputException) new de.datenhafen.api.InvalidInputException(field
            + " must be an ISO-8601 time with an offset, in the years 1 to 9999, such as 2024-05-01T12:00:00Z", field)
            .coded("time.offset");
    }
}
