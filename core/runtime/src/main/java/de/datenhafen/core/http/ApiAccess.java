package de.datenhafen.core.http;

import de.datenhafen.core.security.Identity;
import de.datenhafen.core.security.Principal;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The JSON API as the web console uses it from the server, so a page shows exactly what the API would answer the
 * same person: a page's data comes from a request to the hub's own API on its own listening address, carrying the
 * browser's session cookie (and nothing else of the browser's request). The API's access rules decide what the person
 * sees; the console only renders it, and a refusal becomes a page that says so without data. Sign-in is the API's
 * own, in process, so its limits count the browser's address.
 */
public final class ApiAccess {

    /** The session cookie's name, as the API sets it at sign-in. */
    public static final String SESSION_COOKIE = Authentication.SESSION_COOKIE;
    /** The header the API wants a session's CSRF token in. */
    public static final String CSRF_HEADER = Authentication.CSRF_HEADER;

    /**
     * What the API answered: status, body, and the seconds its {@code Retry-After} asked to wait (a 429, a 503), or
     * null: a page that passes a refusal on passes that header on too.
     */
    public record Reply(int status, Buffer body, String retryAfter) {
        public Reply(int status, Buffer body) {
            this(status, body, null);
        }

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        public JsonObject json() {
            return body.length() == 0 ? new JsonObject() : new JsonObject(body);
        }

        public JsonArray array() {
            return new JsonArray(body);
        }

        /** The code of the API's error (its catalogue's, {@code HubException.coded}), or null. */
        public String code() {
            try {
                return json().getString("code");
            } catch (RuntimeException e) {
                return null;
            }
        }

        /** The API's error message, or null. */
        public String error() {
            try {
                return json().getString("error");
            } catch (RuntimeException e) {
                return null;
            }
        }

        @Override
        public String toString() {
            return status + " " + (body.length() > 200 ? body.getString(0, 200) + "..." : body.toString());
        }
    }

    private final Identity identity;
    private final WorkerExecutor workers;
    private final IdentityApi identityApi;
    private final Vertx vertx;
    private final Supplier<URI> localUrl;
    private volatile HttpClient client;

    ApiAccess(Vertx vertx, Identity identity, WorkerExecutor workers, IdentityApi identityApi,
              Supplier<URI> localUrl) {
        this.vertx = vertx;
        this.identity = identity;
        this.workers = workers;
        this.identityApi = identityApi;
        this.localUrl = localUrl;
    }

    /** The person the request's session cookie signs in, if the session is live (read on a worker). */
    public Future<Optional<Principal>> person(RoutingContext ctx) {
        Cookie cookie = ctx.request().getCookie(SESSION_COOKIE);
        if (cookie == null) {
            return Future.succeededFuture(Optional.empty());
        }
        String value = cookie.getValue();
        return workers.executeBlocking(() -> identity.sessions().resolve(value).map(l -> l.principal()), false);
    }

    /** The session cookie the request came with (its value), or null. */
    public String sessionCookie(RoutingContext ctx) {
        Cookie cookie = ctx.request().getCookie(SESSION_COOKIE);
        return cookie == null ? null : cookie.getValue();
    }

    /** Ends the session of that cookie value (a console sign-in that replaced it), if it is one. */
    public Future<Void> endSession(String cookie) {
        return workers.executeBlocking(() -> {
            identity.sessions().close(cookie);
            return null;
        }, false);
    }

    /** The CSRF token a page rendered for this request's session carries, or null without a session cookie. */
    public String pageToken(RoutingContext ctx) {
        Cookie cookie = ctx.request().getCookie(SESSION_COOKIE);
        return cookie == null ? null : identity.sessions().pageToken(cookie.getValue());
    }

    /**
     * Signs in with the API's own rules and limits (counting the browser's address): 200 with the session's cookie on
     * {@code ctx}'s response, or 401 (wrong user or password), 403 with the error's {@code code} (the right password of
     * a disabled person or a suspended member's) or 429 (too many failures) with the API's message.
     */
    public Future<Reply> signIn(RoutingContext ctx, String user, String password) {
        return identityApi.signIn(ctx, user, password).map(me -> new Reply(200, me.toBuffer())).recover(err -> {
            // the right password of a disabled person or a suspended member's is a coded 403 the page words itself
            String code = err instanceof de.datenhafen.api.ForbiddenException f ? f.code() : null;
            int status = err instanceof de.datenhafen.api.UnauthorizedException ? 401
                : err instanceof TooManyRequestsException ? 429 : code != null ? 403 : 0;
            String retryAfter = err instanceof TooManyRequestsException tooMany
                ? Errors.retryAfterSeconds(tooMany.retryAfter()) : null;
            return status == 0 ? Future.failedFuture(err) : Future.succeededFuture(new Reply(status,
                new JsonObject().put("error", err.getMessage()).put("code", code).toBuffer(), retryAfter));
        });
    }

    /** A GET of the API as the request's session. */
    public Future<Reply> get(RoutingContext ctx, String path) {
        return call(ctx, HttpMethod.GET, path, null, null);
    }

    /**
     * A request to the API as the request's session: {@code path} under the hub (e.g.
     * {@code /api/v1/admin/plugins}), a JSON body or null, the CSRF token the browser sent for a write, or null.
     */
    public Future<Reply> call(RoutingContext ctx, HttpMethod method, String path, JsonObject body, String csrf) {
        if (!path.startsWith("/api/") && !path.startsWith("/health/")) {
            throw new IllegalArgumentException("the console calls the API only, not " + path);
        }
        URI base = localUrl.get();
        RequestOptions options = new RequestOptions().setMethod(method).setHost(base.getHost())
            .setPort(base.getPort()).setURI(path).setSsl("https".equals(base.getScheme()));
        MultiMap headers = options.getHeaders() == null ? MultiMap.caseInsensitiveMultiMap() : options.getHeaders();
        Cookie cookie = ctx.request().getCookie(SESSION_COOKIE);
        if (cookie != null) {
            headers.set("Cookie", SESSION_COOKIE + "=" + cookie.getValue());
        }
        if (csrf != null) {
            headers.set(CSRF_HEADER, csrf);
        }
        ClientAddress.forward(ctx.request(), headers); // limits and the audit count the browser, not this process
        // the page's language, as console.js says it: the connectors' words and the hub's refusals in it
        headers.set("Accept-Language", de.datenhafen.core.web.Language.of(ctx).code());
        if (body != null) {
            headers.set("Content-Type", "application/json");
        }
        options.setHeaders(headers);
        return client().request(options)
            .compose(req -> body == null ? req.send() : req.send(body.toBuffer()))
            .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b, resp.getHeader("Retry-After"))));
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    // The hub's own listening socket on this machine: under TLS its certificate names the public
                    // host, not this address, and nothing else can answer here.
                    client = vertx.createHttpClient(new HttpClientOptions().setTrustAll(true).setVerifyHost(false)
                        .setKeepAlive(true).setMaxPoolSize(16).setConnectTimeout(5_000));
                }
                c = client;
            }
        }
        return c;
    }
}
