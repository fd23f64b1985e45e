package de.datenhafen.core.http;

import de.datenhafen.api.ForbiddenException;
import de.datenhafen.core.camel.CallerResolver;
import de.datenhafen.core.security.FailedAuthLimiter;
import de.datenhafen.core.security.Identity;
import de.datenhafen.core.security.Principal;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves the request's principal once, from {@code Authorization: Bearer <token>} (a member's API token or the
 * bootstrap admin token) or from the session cookie {@value #SESSION_COOKIE} of a signed-in person; then
 * {@link AccessRules} decide whether it may call the route. A cookie-authenticated write must also send the
 * session's CSRF token in {@value #CSRF_HEADER} (a cookie is sent by the browser on its own; the header only by the
 * console's own code). Wrong tokens count against the client address ({@link FailedAuthLimiter}: 429 beyond).
 */
final class Authentication {

    static final String PRINCIPAL = "datenhafen.principal";
    static final String SESSION_COOKIE = "dh_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final WorkerExecutor workers;
    private final CredentialCheck check;
    private final AccessRules rules;
    private final java.util.function.Function<String, String> allowedAt;

    /**
     * @param allowedAt the methods the router has at a path ({@link AllowedMethods}): a caller who may call the hub
     *                  but uses a method no route of the path has gets the router's 405 with them, not the 403 of a
     *                  missing rule
     */
    Authentication(Identity identity, WorkerExecutor workers, FailedAuthLimiter limiter, AccessRules rules,
                   java.util.function.Function<String, String> allowedAt) {
        this.workers = workers;
        this.check = new CredentialCheck(identity, limiter);
        this.rules = rules;
        this.allowedAt = allowedAt;
    }

    /**
     * The methods of the request's path when it has routes, none of them for its method (the router's 405, not a
     * rule's 403); null otherwise.
     */
    private String wrongMethod(RoutingContext ctx) {
        String allowed = allowedAt.apply(ctx.normalizedPath());
        return !allowed.isEmpty() && !java.util.Arrays.asList(allowed.split(", ")).contains(
            ctx.request().method().name()) ? allowed : null;
    }

    static String address(RoutingContext ctx) {
        return ClientAddress.of(ctx.request());
    }

    /** The client the failed-login limits count {@code ctx}'s request for: its address, an IPv6 one by its /64. */
    static String client(RoutingContext ctx) {
        return ClientAddress.network(address(ctx));
    }

    /** The principal this request acts as, once {@link #handle} let it on. */
    static Optional<Principal> principal(RoutingContext ctx) {
        return Optional.ofNullable(ctx.get(PRINCIPAL));
    }

    /**
     * Asks again whether the request's credentials let it on, for a long answer (an event stream) that must end when
     * they no longer do: its token revoked or expired, its session ended, its user disabled, its member suspended, or
     * its role no longer enough for the path's rule. Reads the database: call the check on a worker.
     */
    java.util.function.BooleanSupplier stillLetOn(RoutingContext ctx) {
        CallerResolver.Credentials credentials = credentials(ctx);
        String method = ctx.request().method().name();
        String path = ctx.normalizedPath();
        return () -> check.still(credentials).map(p -> rules.denyNow(p, method, path) == null).orElse(false);
    }

    private static CallerResolver.Credentials credentials(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Cookie cookie = request.getCookie(SESSION_COOKIE);
        return new CallerResolver.Credentials(request.getHeader("Authorization"),
            cookie == null ? null : cookie.getValue(), request.getHeader(CSRF_HEADER),
            !SAFE.contains(request.method()), address(ctx));
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        CallerResolver.Credentials credentials = credentials(ctx);
        String what = request.method() + " " + LogText.escape(request.path());
        // Checked on a worker; until then the body must stay unread, or the route behind us (a plugin upload, a JSON
        // body) finds it already gone. Those routes resume the request when they read it.
        if (!request.isEnded()) {
            request.pause();
        }
        workers.executeBlocking(() -> check.check(credentials, true, what), false)
            .onFailure(err -> {
                request.resume();
                ctx.fail(err);
            })
            .onSuccess(outcome -> {
                if (outcome.principal() != null) {
                    ctx.put(PRINCIPAL, outcome.principal());
                }
                String denied = outcome.refusal() == null ? rules.deny(outcome.principal(), ctx) : null;
                String allowed = outcome.refusal() == null && denied != null && denied.startsWith(AccessRules.NO_RULE)
                    ? wrongMethod(ctx) : null;
                if (allowed != null) {
                    request.resume();
                    ctx.response().putHeader("Allow", allowed);
                    ctx.fail(405);
                    return;
                }
                if (outcome.refusal() != null || denied != null) {
                    request.resume();
                    ctx.fail(outcome.refusal() != null ? outcome.refusal()
                        : new ForbiddenException(denied, denied.startsWith(AccessRules.NO_RULE) ? "path"
                            // what lacks the right: the token sent, or the signed-in person's session
                            : request.getHeader("Authorization") != null ? "Authorization" : SESSION_COOKIE));
                    return;
                }
                ctx.next();
            });
    }
}
