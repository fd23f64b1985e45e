package de.datenhafen.core.http;

import de.datenhafen.api.Caller;
import de.datenhafen.core.camel.CallerResolver;
import de.datenhafen.core.security.FailedAuthLimiter;
import de.datenhafen.core.security.Identity;
import de.datenhafen.core.security.Principal;
import de.datenhafen.core.security.Role;
import java.util.Optional;
import java.util.stream.Collectors;

/** Resolves the caller of a plugin route with the hub's identities: the same rules as for the hub's own routes. */
public final class PluginCallers implements CallerResolver {

    private final CredentialCheck check;

    public PluginCallers(Identity identity, FailedAuthLimiter limiter) {
        this.check = new CredentialCheck(identity, limiter);
    }

    /** {@inheritDoc} See {@link CredentialCheck#check} for which wrong tokens count towards the limit. */
    @Override
    public Optional<Caller> resolve(Credentials c, boolean required) {
        CredentialCheck.Outcome outcome = check.check(c, required, "a plugin route");
        if (outcome.refusal() != null) {
            throw outcome.refusal();
        }
        return Optional.ofNullable(outcome.principal()).map(PluginCallers::caller);
    }

    static Caller caller(Principal p) {
        return new Caller(p.kind().id(), p.id(), p.member(), p.roles().stream().map(Role::id)
            .collect(Collectors.toSet()), p.scopePlugin(), p.scopePath());
    }
}
