package de.datenhafen.core.http;

import de.datenhafen.core.security.Principal;
import de.datenhafen.core.security.Role;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who may call which of the hub's own routes: one rule per method and route template, in one table, so a route
 * without a rule is refused (403, fail closed) and a test can list routes that have none. A plugin's routes are the
 * plugin's to guard.
 */
final class AccessRules {

    /** Why a principal may not call a route, or null when it may. */
    interface Policy {
        String deny(Principal p, Map<String, String> params);
    }

    /** One rule: the route it guards and its policy. */
    record Rule(String method, String template, Pattern pattern, List<String> names, Policy policy) {
    }

    private final List<Rule> rules = new ArrayList<>();

    /** Only the association's staff (and the bootstrap admin token). */
    static final Policy HUB_ADMIN = (p, params) -> p.isHubAdmin() ? null : "this needs the role hub-admin";

    /** Anyone signed in with a role (viewer or more), whatever the member. */
    static final Policy SIGNED_IN = (p, params) -> p.has(Role.VIEWER) ? null : "this needs at least the role viewer";

    /** A hub-admin, or a principal of the member named by the path parameter {@code member} with {@code role}. */
    static Policy ofMember(Role role) {
        return (p, params) -> p.actsFor(params.get("member"), role) ? null
            : "this needs the role " + role.id() + " of member " + params.get("member") + " (or hub-admin)";
    }

    /** A member-admin of some member (what it manages is checked against the request's body), or a hub-admin. */
    static final Policy MEMBER_ADMIN_OF_ANY = (p, params) -> p.has(Role.MEMBER_ADMIN) ? null
        : "this needs the role member-admin (of the member that owns the plugin) or hub-admin";

    /**
     * A hub-admin, or a principal with {@code role} of the member that owns what the path's {@code name} names, as
     * {@code ownerOf} finds it (null when nothing is found or it has no owner: then only a hub-admin passes, and
     * others learn no more from a 403 than whether they may).
     */
    static Policy ofOwner(Role role, java.util.function.Function<String, String> ownerOf) {
        return (p, params) -> {
            if (p.isHubAdmin()) {
                return null;
            }
            String owner = ownerOf.apply(params.get("name"));
            return owner != null && p.actsFor(owner, role) ? null
                : "this needs the role " + role.id() + " of the member that owns the integration's plugin (or "
                + "hub-admin)";
        };
    }

    /** A person signed in (a session or a login), not a machine token. */
    static final Policy A_PERSON = (p, params) -> p.kind() == Principal.Kind.USER ? null
        : "this is for a person signed in, not a token";

    AccessRules rule(String method, String template, Policy policy) {
        List<String> names = new ArrayList<>();
        StringBuilder regex = new StringBuilder();
        for (String seg : template.substring(1).split("/")) {
            regex.append('/');
            if (seg.startsWith(":")) {
                names.add(seg.substring(1));
                regex.append("([^/]+)");
            } else {
                regex.append(Pattern.quote(seg));
            }
        }
        rules.add(new Rule(method, template, Pattern.compile(regex.toString()), names, policy));
        return this;
    }

    List<Rule> rules() {
        return List.copyOf(rules);
    }

    /** The rule of a method and path, or null. */
    Rule find(String method, String path) {
        for (Rule r : rules) {
            if (r.method().equals(method) && r.pattern().matcher(path).matches()) {
                return r;
            }
        }
        return null;
    }

    /** How a refusal for a path without a rule begins (its field is the path). */
    static final String NO_RULE = "no access rule covers ";

    /**
     * Why {@code p} may not make this request, or null when it may. Notes the route's template and parameters in
     * the context for the audit log.
     */
    String deny(Principal p, RoutingContext ctx) {
        return deny(p, ctx.request().method().name(), ctx.normalizedPath(), ctx);
    }

    /**
     * Why {@code p} may not make a request of {@code method} on {@code path} now, or null when it may: the same
     * rule, asked again while a long answer (an event stream) runs, without a request's context.
     */
    String denyNow(Principal p, String method, String path) {
        return deny(p, method, path, null);
    }

    private String deny(Principal p, String method, String path, RoutingContext ctx) {
        Rule r = find(method, path);
        if (r == null) {
            return NO_RULE + method + " of this path; the hub refuses what it has no rule for";
        }
        Matcher m = r.pattern().matcher(path);
        m.matches();
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < r.names().size(); i++) {
            params.put(r.names().get(i), m.group(i + 1));
        }
        if (ctx != null) {
            ctx.put(HttpApi.AUDIT_ACTION, method + " " + r.template());
            params.forEach((name, value) -> HttpApi.auditNames(ctx, name, value));
            if (params.containsKey("member")) { // the path's member, whose people read the entry
                ctx.put(HttpApi.AUDIT_MEMBER, params.get("member"));
            }
        }
        if (!p.reaches(path, null)) {
            return "this token is scoped to " + (p.scopePlugin() != null ? "plugin " + p.scopePlugin()
                : "paths under " + p.scopePath());
        }
        return r.policy().deny(p, params);
    }
}
