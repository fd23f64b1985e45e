package de.datenhafen.core.http;

import de.datenhafen.core.security.Principal;
import de.datenhafen.core.security.TokenStore;
import de.datenhafen.core.security.FailedAuthLimiter;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a request on only with a valid {@code Authorization: Bearer <token>} whose principal has the role the
 * routes need; puts the principal into the routing context under {@value #PRINCIPAL}.
 */
final class BearerAuth {

    static final String PRINCIPAL = "datenhafen.principal";
    private static final Logger LOG = LoggerFactory.getLogger(BearerAuth.class);

    private final TokenStore tokens;
    private final WorkerExecutor workers;
    private final String role;
    private final FailedAuthLimiter limiter;

    BearerAuth(TokenStore tokens, WorkerExecutor workers, String role, FailedAuthLimiter limiter) {
        this.tokens = tokens;
        this.workers = workers;
        this.role = role;
        this.limiter = limiter;
    }

    void handle(RoutingContext ctx) {
        String address = ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress();
        Duration wait = limiter.retryAfter(address);
        if (!wait.isZero()) {
            LOG.warn("Turned away {} {} from {}: too many wrong tokens", ctx.request().method(),
                LogText.escape(ctx.request().path()), address);
            ctx.fail(new TooManyRequestsException("too many wrong tokens from this address; try again in "
                + Math.max(1, wait.toSeconds()) + " s", wait));
            return;
        }
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.fail(new UnauthorizedException("this route needs an admin token: Authorization: Bearer <token>"));
            return;
        }
        String token = header.substring(7).trim();
        // The token is checked on a worker; until then the body must stay unread, or the route behind us (a
        // plugin upload, a JSON body) finds it already gone. Those routes resume the request when they read it.
        if (!ctx.request().isEnded()) {
            ctx.request().pause();
        }
        workers.<Optional<Principal>>executeBlocking(() -> tokens.authenticate(token), false)
            .onFailure(err -> {
                ctx.request().resume();
                ctx.fail(err);
            })
            .onSuccess(principal -> {
                if (principal.isEmpty() || !role.equals(principal.get().role())) {
                    limiter.failed(address);
                    LOG.warn("Wrong token for {} {} from {}", ctx.request().method(),
                        LogText.escape(ctx.request().path()), address);
                    ctx.request().resume();
                    ctx.fail(new UnauthorizedException("the bearer token is not valid for this route"));
                    return;
                }
                ctx.put(PRINCIPAL, principal.get());
                ctx.next();
            });
    }
}
