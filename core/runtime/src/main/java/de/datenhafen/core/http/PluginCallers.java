package de.datenhafen.core.http;

import de.datenhafen.api.Caller;
import de.datenhafen.core.camel.CallerResolver;
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

    @Override
    public Optional<Caller> resolve(Credentials c, boolean required) {
        if (required) {
            Duration wait = limiter.retryAfter(c.address());
            if (!wait.isZero()) {
                throw new TooManyRequestsException("too many wrong tokens from this address; try again in "
                    + Math.max(1, wait.toSeconds()) + " s", wait);
            }
        }
        if (c.authorization() != null) {
            boolean bearer = c.authorization().regionMatches(true, 0, "Bearer ", 0, 7);
            Optional<Principal> p = bearer ? identity.bearer(c.authorization().substring(7).trim()) : Optional.empty();
            if (p.isEmpty() && required) {
                limiter.failed(c.address());
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
