package de.datenhafen.core.http;

import de.datenhafen.api.ForbiddenException;
import de.datenhafen.api.HubException;
import de.datenhafen.api.UnauthorizedException;
import de.datenhafen.core.camel.CallerResolver.Credentials;
import de.datenhafen.core.security.ApiTokens;
import de.datenhafen.core.security.FailedAuthLimiter;
import de.datenhafen.core.security.Identity;
import de.datenhafen.core.security.Principal;
import de.datenhafen.core.security.Sessions;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one check of a request's credentials, for the hub's own routes ({@link Authentication}) and plugin routes
 * ({@link PluginCallers}): a bearer token (a member's API token or the bootstrap admin token) or a session cookie,
 * whose writes must carry the session's CSRF token; wrong tokens counted per client address, 429 beyond the limit.
 * Reads the database (a session, a token not yet cached): call it on a worker, never on an event loop.
 */
final class CredentialCheck {

    private static final Logger LOG = LoggerFactory.getLogger(CredentialCheck.class);

    /**
     * What the check found: the principal (null for none) and, when the request is refused, why; a session write
     * without its CSRF token has both, so the refusal is audited under the person who made it.
     */
    record Outcome(Principal principal, HubException refusal) {
    }

    private final Identity identity;
    private final FailedAuthLimiter limiter;

    CredentialCheck(Identity identity, FailedAuthLimiter limiter) {
        this.identity = identity;
        this.limiter = limiter;
    }

    /**
     * Checks {@code c}. With {@code required} (a route that needs a principal), missing or wrong credentials are a
     * refusal; without (a public route), they give no principal, since such a route may check a token of its own in
     * the same header. Wrong tokens count towards the limit when required, and always when they are the hub's own
     * ({@code dh_...}): a public route that checks its caller itself is no way around the limit.
     *
     * @param what the request as the log names it (method and escaped path)
     */
    Outcome check(Credentials c, boolean required, String what) {
        String authorization = c.authorization();
        String token = bearerToken(authorization);
        boolean counted = required || token != null && token.startsWith(ApiTokens.PREFIX);
        String client = counted ? ClientAddress.network(c.address()) : null; // the limiter's key: an IPv6 one's /64
        if (counted) {
            Duration wait = limiter.retryAfter(client);
            if (!wait.isZero()) {
                LOG.warn("Turned away {} from {}: too many wrong tokens", what, c.address());
                return refused(new TooManyRequestsException("too many wrong tokens from this address; try again in "
                    + Math.max(1, wait.toSeconds()) + " s", wait));
            }
        }
        if (authorization != null) {
            if (token == null) {
                return required ? refused(new UnauthorizedException("the Authorization header must be: Bearer <token>"))
                    : new Outcome(null, null);
            }
            Optional<Principal> p = identity.bearer(token);
            if (p.isPresent()) {
                return new Outcome(p.get(), null);
            }
            if (counted) {
                limiter.failed(client);
                LOG.warn("Wrong token for {} from {}", what, c.address());
            }
            return required ? refused(new UnauthorizedException("the bearer token is not valid (unknown, expired, "
                + "revoked, or its member is suspended)")) : new Outcome(null, null);
        }
        if (c.sessionCookie() != null) {
            Optional<Sessions.Live> live = identity.sessions().resolve(c.sessionCookie());
            if (live.isEmpty()) {
                return required ? refused(new UnauthorizedException("the session has ended; sign in again"))
                    : new Outcome(null, null);
            }
            if (c.write() && !live.get().csrfMatches(c.csrfToken())) {
                return required ? new Outcome(live.get().principal(), new ForbiddenException("a write with a session "
                    + "cookie needs the session's CSRF token in " + Authentication.CSRF_HEADER,
                    Authentication.CSRF_HEADER)) : new Outcome(null, null);
            }
            return new Outcome(live.get().principal(), null);
        }
        return required ? refused(new UnauthorizedException("this route needs a token (Authorization: Bearer <token>) "
            + "or a session (sign in with POST /api/v1/auth/login)")) : new Outcome(null, null);
    }

    /**
     * The principal {@code c} stands for now, asked again while a long answer it opened runs (an event stream): its
     * token still valid (not revoked, not expired, its member active), its session not ended (its user and member
     * active). Neither counted as a wrong token nor logged: the answer ends quietly when it is gone.
     */
    Optional<Principal> still(Credentials c) {
        if (c.authorization() != null) {
            String token = bearerToken(c.authorization());
            return token == null ? Optional.empty() : identity.bearer(token);
        }
        return c.sessionCookie() == null ? Optional.empty()
            : identity.sessions().resolve(c.sessionCookie()).map(Sessions.Live::principal);
    }

    /**
     * The token of an {@code Authorization: Bearer <token>} header, the scheme in any case (RFC 9110 11.1) and the
     * token trimmed; null for no header or another scheme.
     */
    static String bearerToken(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
            ? authorization.substring(7).trim() : null;
    }

    private static Outcome refused(HubException why) {
        return new Outcome(null, why);
    }
}
