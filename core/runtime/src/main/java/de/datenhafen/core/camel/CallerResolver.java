package de.datenhafen.core.camel;

import de.datenhafen.api.Caller;
import java.util.Optional;

/**
 * Who calls a plugin's HTTP route: the hub resolves it from the request's credentials and hands it to the route as
 * {@link de.datenhafen.api.BusHeaders#CALLER}. Runs on the plugin's pool (a session is read from the database).
 */
public interface CallerResolver {

    /** Routing context key of the {@link Caller} of a plugin route, for the audit log. */
    String CONTEXT_KEY = "datenhafen.caller";

    /** What the request presented. */
    record Credentials(String authorization, String sessionCookie, String csrfToken, boolean write, String address) {
        public boolean any() {
            return authorization != null || sessionCookie != null;
        }
    }

    /**
     * The caller, or empty when the request has no credentials the hub knows. With {@code required}, credentials
     * that do not resolve are refused (an exception the hub answers: 401, 403 for a cookie write without its CSRF
     * token, 429 after too many wrong ones); without, they only give no caller, since a route that takes anonymous
     * calls may check a token of its own in the same header.
     */
    Optional<Caller> resolve(Credentials credentials, boolean required);

    /** A hub without identities: nobody is known. */
    CallerResolver NONE = (credentials, required) -> Optional.empty();
}
