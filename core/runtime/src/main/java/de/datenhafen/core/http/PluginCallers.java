package de.datenhafen.core.http;

import de.datenhafen.api.Caller;
import de.datenhafen.core.camel.CallerResolver;
import de.datenhafen.core.security.ApiTokens;
import de.datenhafen.core.security.FailedAuthLimiter;
import de.datenhafen.core.security.Identity;
import de.datenhafen.core.security.Principal;
import de.datenhafen.core.security.Role;
import de.datenhafen.core.security.Sessions;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;

/** Resolves the caller of a plugin route with the hub's identities: the same rules as for the hub's own routes. */
public final class PluginCallers implements CallerResolver {

    private final Identity identity;
    private final FailedAuthLimiter limiter;

    public PluginCallers(Identity identity, FailedAuthLimiter limiter) {
        this.identity = identity;
        this.limiter = limiter;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Wrong tokens count towards the per-address limit on guarded endpoints, and on public ones when they are the
     * hub's own ({@code dh_...}): a public route that checks its caller itself (a member's edits, a sender list) is no
     * way around the limit, while a token of a plugin's own on its public route is not the hub's to count.
     */
    @Override
    public Optional<Caller> resolve(Credentials c, boolean required) {
        String authorization = c.authorization();
        boolean bearer = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
        String token = bearer ? authorization.substring(7).trim() : null;
        boolean counted = required || token != null && token.startsWith(ApiTokens.PREFIX);
        if (counted) {
            Duration wait = limiter.retryAfter(c.address());
            if (!wait.isZero()) {
                throw new TooManyRequestsException("too many wrong tokens from this address; try again in "
                    + Math.max(1, wait.toSeconds()) + " s", wait);
            }
        }
        if (authorization != null) {
            Optional<Principal> p = bearer ? identity.bearer(token) : Optional.empty();
            if (p.isEmpty() && counted) {
                limiter.failed(c.address());
            }
            if (p.isEmpty() && required) {
                throw new UnauthorizedException("the bearer token is not valid (unknown, expired, revoked, or its "
                    + "member is suspended)");
            }
            return p.map(PluginCallers::caller);
        }
        if (c.sessionCookie() != null) {
            Optional<Sessions.Live> live = identity.sessions().resolve(c.sessionCookie());
            if (live.isEmpty()) {
                if (required) {
                    throw new UnauthorizedException("the session has ended; sign in again");
                }
                return Optional.empty();
            }
            if (c.write() && !live.get().csrfMatches(c.csrfToken())) {
                if (required) {
                    throw new ForbiddenException("a write with a session cookie needs the session's CSRF token in "
                        + Authentication.CSRF_HEADER, Authentication.CSRF_HEADER);
                }
                return Optional.empty();
            }
            return Optional.of(caller(live.get().principal()));
        }
        return Optional.empty();
    }

    static Caller caller(Principal p) {
        return new Caller(p.kind().id(), p.id(), p.member(), p.roles().stream().map(Role::id)
            .collect(Collectors.toSet()), p.scopePlugin(), p.scopePath());
    }
}
