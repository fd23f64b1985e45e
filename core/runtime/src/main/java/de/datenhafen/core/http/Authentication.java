package de.datenhafen.core.http;

import de.datenhafen.core.security.FailedAuthLimiter;
import de.datenhafen.core.security.Identity;
import de.datenhafen.core.security.Principal;
import de.datenhafen.core.security.Sessions;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(Authentication.class);

    private final Identity identity;
    private final WorkerExecutor workers;
    private final FailedAuthLimiter limiter;
    private final AccessRules rules;

    Authentication(Identity identity, WorkerExecutor workers, FailedAuthLimiter limiter, AccessRules rules) {
        this.identity = identity;
        this.workers = workers;
        this.limiter = limiter;
        this.rules = rules;
    }

    static String address(RoutingContext ctx) {
        return ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress();
    }

    /** The principal this request acts as, once {@link #handle} let it on. */
    static Optional<Principal> principal(RoutingContext ctx) {
        return Optional.ofNullable(ctx.get(PRINCIPAL));
    }

    void handle(RoutingContext ctx) {
        String address = address(ctx);
        Duration wait = limiter.retryAfter(address);
        if (!wait.isZero()) {
            LOG.warn("Turned away {} {} from {}: too many wrong tokens", ctx.request().method(),
                LogText.escape(ctx.request().path()), address);
            ctx.fail(new TooManyRequestsException("too many wrong tokens from this address; try again in "
                + Math.max(1, wait.toSeconds()) + " s", wait));
            return;
        }
        String header = ctx.request().getHeader("Authorization");
        Cookie cookie = ctx.request().getCookie(SESSION_COOKIE);
        if (header == null && cookie == null) {
            ctx.fail(new UnauthorizedException("this route needs a token (Authorization: Bearer <token>) or a "
                + "session (sign in with POST /api/v1/auth/login)"));
            return;
        }
        if (header != null && !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.fail(new UnauthorizedException("the Authorization header must be: Bearer <token>"));
            return;
        }
        // Checked on a worker; until then the body must stay unread, or the route behind us (a plugin upload, a JSON
        // body) finds it already gone. Those routes resume the request when they read it.
        if (!ctx.request().isEnded()) {
            ctx.request().pause();
        }
        boolean bearer = header != null;
        String token = bearer ? header.substring(7).trim() : null;
        workers.<Optional<Object>>executeBlocking(() -> bearer ? identity.bearer(token).map(p -> (Object) p)
                : identity.sessions().resolve(cookie.getValue()).map(s -> (Object) s), false)
            .onFailure(err -> {
                ctx.request().resume();
                ctx.fail(err);
            })
            .onSuccess(found -> {
                if (found.isEmpty()) {
                    ctx.request().resume();
                    if (bearer) {
                        limiter.failed(address);
                        LOG.warn("Wrong token for {} {} from {}", ctx.request().method(),
                            LogText.escape(ctx.request().path()), address);
                        ctx.fail(new UnauthorizedException("the bearer token is not valid (unknown, expired, revoked, "
                            + "or its member is suspended)"));
                    } else {
                        ctx.fail(new UnauthorizedException("the session has ended; sign in again"));
                    }
                    return;
                }
                Principal principal;
                if (found.get() instanceof Sessions.Live live) {
                    principal = live.principal();
                    if (!SAFE.contains(ctx.request().method()) && !live.csrfMatches(ctx.request().getHeader(CSRF_HEADER))) {
                        ctx.put(PRINCIPAL, principal);
                        ctx.request().resume();
                        ctx.fail(new ForbiddenException("a write with a session cookie needs the session's CSRF token "
                            + "in " + CSRF_HEADER, CSRF_HEADER));
                        return;
                    }
                } else {
                    principal = (Principal) found.get();
                }
                ctx.put(PRINCIPAL, principal);
                String denied = rules.deny(principal, ctx);
                if (denied != null) {
                    ctx.request().resume();
                    ctx.fail(new ForbiddenException(denied, null));
                    return;
                }
                ctx.next();
            });
    }
}
