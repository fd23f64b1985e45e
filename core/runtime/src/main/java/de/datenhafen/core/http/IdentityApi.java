package de.datenhafen.core.http;

import de.datenhafen.api.ForbiddenException;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.UnauthorizedException;
import de.datenhafen.core.security.ApiTokens;
import de.datenhafen.core.security.AuditLog;
import de.datenhafen.core.security.FailedAuthLimiter;
import de.datenhafen.core.security.FieldChecks;
import de.datenhafen.core.security.Identity;
import de.datenhafen.core.security.Members;
import de.datenhafen.core.security.Principal;
import de.datenhafen.core.security.Role;
import de.datenhafen.core.security.Sessions;
import de.datenhafen.core.security.Users;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Members, their users and tokens, sign-in and the audit log:
 * <ul>
 * <li>{@code /api/v1/admin/members[/{member}]}: the association's members (hub-admins create, change and suspend;
 * a member's principals read their own).</li>
 * <li>{@code /api/v1/admin/members/{member}/users[/{user}]}, {@code .../tokens[/{token}]}: a member's people and
 * machine tokens, for its member-admins and hub-admins. Roles given are never wider than the giver's own.</li>
 * <li>{@code /api/v1/auth/login|logout|setup|me|password}: sessions for browsers.</li>
 * <li>{@code /api/v1/admin/audit}: the audit log, paged; members see their own entries.</li>
 * </ul>
 */
final class IdentityApi {

    private final Identity identity;
    private final WorkerExecutor workers;
    private final PasswordHashing passwords;
    private static final String BODY = "a JSON object with the fields this route takes (see openapi.json)";
    private final FailedAuthLimiter addressLimiter;
    private final FailedAuthLimiter accountLimiter;
    private final java.util.function.Predicate<io.vertx.core.http.HttpServerRequest> crossSite;

    /**
     * @param passwords runs what hashes a password (sign-in, setup, a change): an Argon2id hash takes a core for
     *                  some 50 to 100 ms, so a burst of sign-ins on the shared {@code workers} would hold every one of
     *                  them and stall the token checks of the rest of the API; on their own few threads (one a core)
     *                  sign-ins queue behind each other only, and only so many (then 503)
     */
    IdentityApi(Identity identity, WorkerExecutor workers, PasswordHashing passwords,
                FailedAuthLimiter addressLimiter, FailedAuthLimiter accountLimiter,
                java.util.function.Predicate<io.vertx.core.http.HttpServerRequest> crossSite) {
        this.crossSite = crossSite;
        this.identity = identity;
        this.workers = workers;
        this.passwords = passwords;
        this.addressLimiter = addressLimiter;
        this.accountLimiter = accountLimiter;
    }

    /** The known-device cookie ({@code Sessions.deviceToken}), set at each sign-in. */
    static final String DEVICE_COOKIE = "dh_device";
    static final Duration DEVICE_COOKIE_AGE = Duration.ofDays(365);

    /** The rules of the routes below (see {@link AccessRules}). */
    static void rules(AccessRules r) {
        String m = "/api/v1/admin/members";
        r.rule("GET", m, AccessRules.HUB_ADMIN)
            .rule("POST", m, AccessRules.HUB_ADMIN)
            .rule("GET", m + "/:member", AccessRules.ofMember(Role.VIEWER))
            .rule("PATCH", m + "/:member", AccessRules.HUB_ADMIN)
            .rule("GET", m + "/:member/users", AccessRules.ofMember(Role.MEMBER_ADMIN))
            .rule("POST", m + "/:member/users", AccessRules.ofMember(Role.MEMBER_ADMIN))
            .rule("GET", m + "/:member/users/:user", AccessRules.ofMember(Role.MEMBER_ADMIN))
            .rule("PATCH", m + "/:member/users/:user", AccessRules.ofMember(Role.MEMBER_ADMIN))
            .rule("DELETE", m + "/:member/users/:user", AccessRules.ofMember(Role.MEMBER_ADMIN))
            .rule("POST", m + "/:member/users/:user/setup-code", AccessRules.ofMember(Role.MEMBER_ADMIN))
            .rule("GET", m + "/:member/tokens", AccessRules.ofMember(Role.MEMBER_ADMIN))
            .rule("POST", m + "/:member/tokens", AccessRules.ofMember(Role.MEMBER_ADMIN))
            .rule("DELETE", m + "/:member/tokens/:token", AccessRules.ofMember(Role.MEMBER_ADMIN))
            .rule("GET", "/api/v1/admin/audit", AccessRules.SIGNED_IN)
            .rule("GET", "/api/v1/auth/me", (p, params) -> null)
            .rule("POST", "/api/v1/auth/logout", AccessRules.A_PERSON)
            .rule("POST", "/api/v1/auth/password", AccessRules.A_PERSON);
    }

    void mount(Router router, Authentication auth, BodyBudget bodies) {
        Handler<RoutingContext> json = bodies.handler(64 * 1024);
        String m = "/api/v1/admin/members";
        router.get(m).handler(ctx -> work(ctx, 200, () -> new JsonArray(identity.members().list().stream()
            .map(IdentityApi::member).toList())));
        router.post(m).handler(json).handler(ctx -> withBody(ctx, 201, b -> {
            asked(ctx, "member", b, "id"); // a refusal names what it was asked to make
            Members.Member created = identity.members().create(string(b, "id"), string(b, "name"),
                string(b, "contact"));
            HttpApi.auditNames(ctx, "member", created.id());
            ctx.put(HttpApi.AUDIT_MEMBER, created.id()); // the new member sees its creation audited
            return member(created);
        }));
        router.get(m + "/:member").handler(ctx -> work(ctx, 200, () -> member(identity.members()
            .require(ctx.pathParam("member")))));
        router.patch(m + "/:member").handler(json).handler(ctx -> withBody(ctx, 200, b -> {
            String id = ctx.pathParam("member");
            if ("suspended".equals(string(b, "state"))) {
                keepsAHubAdmin(ctx, null, identity.members().require(id).id());
            }
            Members.Member before = identity.members().require(id);
            identity.members().update(id, string(b, "name"), string(b, "contact"));
            Members.Member after = b.containsKey("state") ? identity.members().state(id, string(b, "state"))
                : identity.members().require(id);
            changes(HttpApi.auditDetail(ctx), before, after);
            return member(after);
        }));

        router.get(m + "/:member/users").handler(ctx -> work(ctx, 200, () -> new JsonArray(identity.users()
            .list(identity.members().require(ctx.pathParam("member")).id()).stream().map(IdentityApi::user).toList())));
        router.post(m + "/:member/users").handler(json).handler(ctx -> withBody(ctx, 201, b -> {
            String member = identity.members().require(ctx.pathParam("member")).id();
            asked(ctx, "user", b, "id"); // a refusal names whom it was asked to invite
            // the roles with the person's fields: every wrong one said at once (no role chosen hid an empty name)
            FieldChecks fields = new FieldChecks();
            Set<Role> roles = fields.check(() -> Role.fromList(list(b, "roles"), "roles"));
            fields.check(() -> identity.users().checkFields(b.getString("id"), b.getString("name"),
                b.getString("email")));
            fields.done();
            mayGive(ctx, member, roles);
            Users.Invited u = identity.users().create(member, b.getString("id"), b.getString("name"),
                b.getString("email"), roles);
            HttpApi.auditNames(ctx, "user", u.user().id());
            HttpApi.auditDetail(ctx).add("granted", Role.format(u.user().roles()));
            return invited(u);
        }));
        router.get(m + "/:member/users/:user").handler(ctx -> work(ctx, 200, () -> user(userOf(ctx))));
        router.patch(m + "/:member/users/:user").handler(json).handler(ctx -> withBody(ctx, 200, b -> {
            Users.User u = manageable(ctx);
            Set<Role> roles = b.containsKey("roles") ? Role.fromList(list(b, "roles"), "roles") : null;
            if (roles != null) {
                mayGive(ctx, u.member(), roles);
            }
            if (Users.DISABLED.equals(string(b, "state"))) {
                notOneself(ctx, u);
                keepsAHubAdmin(ctx, u, null);
            } else if (roles != null && !roles.contains(Role.HUB_ADMIN)) {
                keepsAHubAdmin(ctx, u, null);
            }
            Users.User changed = identity.users().update(u.id(), string(b, "name"), string(b, "email"), roles,
                string(b, "state"));
            if (!Users.ACTIVE.equals(changed.state()) || roles != null) {
                identity.sessions().closeAllOf(u.id());
            }
            changes(HttpApi.auditDetail(ctx), u, changed);
            return user(changed);
        }));
        router.delete(m + "/:member/users/:user").handler(ctx -> work(ctx, 204, () -> {
            Users.User gone = manageable(ctx);
            notOneself(ctx, gone);
            keepsAHubAdmin(ctx, gone, null);
            String id = gone.id();
            identity.users().delete(id);
            identity.sessions().closeAllOf(id);
            return null;
        }));
        router.post(m + "/:member/users/:user/setup-code").handler(ctx -> work(ctx, 200,
            () -> invited(identity.users().newSetupCode(manageable(ctx).id()))));

        router.get(m + "/:member/tokens").handler(ctx -> work(ctx, 200, () -> new JsonArray(identity.tokens()
            .list(identity.members().require(ctx.pathParam("member")).id()).stream().map(IdentityApi::token).toList())));
        router.post(m + "/:member/tokens").handler(json).handler(ctx -> withBody(ctx, 201, b -> {
            String member = identity.members().require(ctx.pathParam("member")).id();
            asked(ctx, "token", b, "name"); // a refusal names what it was asked to make
            // the roles with the token's name, purpose, scope and end: every wrong one said at once
            FieldChecks fields = new FieldChecks();
            Object asked = b.getValue("scope");
            if (asked != null && !(asked instanceof JsonObject)) { // a scope not taken must not widen the token
                fields.refuse((InvalidInputException) new InvalidInputException("scope is an object of plugin and path",
                    "scope").coded("token.scope"));
            }
            JsonObject scope = asked instanceof JsonObject s ? s : new JsonObject();
            for (String key : scope.fieldNames()) {
                if (!key.equals("plugin") && !key.equals("path")) { // "plugins" was left out: a token reaching all
                    fields.refuse((InvalidInputException) new InvalidInputException("scope has plugin and path only, "
                        + "not " + HttpApi.auditValue(key), "scope").coded("token.scope"));
                    break;
                }
            }
            Set<Role> roles = fields.check(() -> Role.fromList(list(b, "roles"), "roles"));
            String plugin = fields.check(() -> string(scope, "plugin", "scope.plugin"));
            String path = fields.check(() -> string(scope, "path", "scope.path"));
            Instant expires = fields.check(() -> instant(b, "expiresAt"));
            fields.check(() -> identity.tokens().checkFields(b.getString("name"), string(b, "purpose"), plugin, path,
                expires));
            fields.done();
            ApiTokens.Created c = identity.tokens().create(member, b.getString("name"), string(b, "purpose"),
                roles, plugin, path, expires, principal(ctx));
            HttpApi.auditNames(ctx, "token", c.token().name()); // its name: people never see its id
            HttpApi.auditDetail(ctx).add("granted", Role.format(c.token().roles()));
            if (c.token().scopePlugin() != null || c.token().scopePath() != null) {
                // a plugin's routes, a path's, or a path of a plugin's ("air-quality /api/v1/plugins/...")
                HttpApi.auditDetail(ctx).add("scope", String.join(" ", java.util.stream.Stream.of(
                    c.token().scopePlugin(), c.token().scopePath()).filter(java.util.Objects::nonNull).toList()));
            }
            if (c.token().expiresAt() != null) {
                HttpApi.auditDetail(ctx).add("expires", c.token().expiresAt().toString());
            }
            return token(c.token()).put("token", c.secret());
        }));
        router.delete(m + "/:member/tokens/:token").handler(ctx -> work(ctx, 200, () -> {
            String member = identity.members().require(ctx.pathParam("member")).id();
            // as a person's: only who may give every role a token holds revokes it (a member-admin of the
            // association's own member revoked its hub-admins' tokens, which stopped the hub's automation)
            ApiTokens.Token token = identity.tokens().require(member, ctx.pathParam("token"));
            Role r = wider(principal(ctx), member, token.roles());
            if (r != null) {
                throw (ForbiddenException) new ForbiddenException("you cannot revoke token " + token.name()
                    + ": it holds the role " + r.id() + ", which is wider than your own", "token")
                    .coded("token.wider", token.name(), r.id());
            }
            ApiTokens.Token revoked = identity.tokens().revoke(member, ctx.pathParam("token"));
            HttpApi.auditNames(ctx, "token", revoked.name()); // the path's id replaced: people know it by name
            return token(revoked);
        }));

        router.get("/api/v1/admin/audit").handler(this::audit);

        router.post("/api/v1/auth/login").handler(json).handler(this::login);
        router.post("/api/v1/auth/setup").handler(json).handler(this::setup);
        router.route("/api/v1/auth/me").handler(auth::handle);
        router.route("/api/v1/auth/logout").handler(auth::handle);
        router.route("/api/v1/auth/password").handler(auth::handle);
        router.get("/api/v1/auth/me").handler(ctx -> {
            Principal p = principal(ctx);
            JsonObject me = new JsonObject().put("kind", p.kind().id()).put("id", p.id()).put("member", p.member())
                .put("roles", new JsonArray(p.roles().stream().sorted().map(Role::id).toList()));
            ctx.response().putHeader("Content-Type", "application/json").end(me.encode());
        });
        router.post("/api/v1/auth/logout").handler(ctx -> work(ctx, 204, () -> {
            identity.sessions().close(ctx.request().getCookie(Authentication.SESSION_COOKIE).getValue());
            ctx.response().addCookie(Cookie.cookie(Authentication.SESSION_COOKIE, "").setPath("/").setMaxAge(0)
                .setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setSecure(ctx.request().isSSL()));
            return null;
        }));
        router.post("/api/v1/auth/password").handler(json).handler(ctx -> {
            JsonObject b = AdminApi.jsonBody(ctx, BODY);
            if (b != null) {
                // wrong current passwords count against the account as wrong sign-ins do: a session left open is not
                // a way to guess its password at the speed of the hashes
                String account = "account:" + principal(ctx).id();
                Duration wait = accountLimiter.retryAfter(account);
                if (!wait.isZero()) {
                    Errors.respond(ctx, new TooManyRequestsException("too many wrong current passwords; try again in "
                        + Math.max(1, wait.toSeconds()) + " s", wait));
                    return;
                }
                JsonReplies.reply(ctx, 200, passwords.submit(() -> {
                    try {
                        Users.User u = identity.users().changePassword(principal(ctx).id(),
                            string(b, "currentPassword"), string(b, "newPassword"));
                        identity.sessions().closeAllOf(u.id());
                        return user(u).put("signedOut", true);
                    } catch (InvalidInputException e) {
                        if ("currentPassword".equals(e.field())) {
                            accountLimiter.failed(account);
                        }
                        throw e;
                    }
                }));
            }
        });
    }

    /**
     * A person does not disable or delete themselves (a member's only admin left it without one, a slip of the
     * mouse): another admin does.
     */
    private static void notOneself(RoutingContext ctx, Users.User target) {
        Principal p = principal(ctx);
        if (p.kind() == Principal.Kind.USER && p.id().equals(target.id())) {
            throw new de.datenhafen.api.ConflictException("you cannot disable or delete yourself: another admin can",
                "user").coded("user.self");
        }
    }

    /**
     * A person's change that would leave no active hub-admin person (the last one disabled, deleted or given less, or
     * the member of all of them suspended) is refused: nobody could sign in to the console to undo it (a German
     * admin's walk-through suspended the association and was shut out). The admin token may: it is the way back.
     */
    private void keepsAHubAdmin(RoutingContext ctx, Users.User user, String member) {
        // a person in the console; the admin token (the break-glass key) or a machine's token may, and has its token
        boolean concerned = principal(ctx).kind() == Principal.Kind.USER && (member != null
            || Users.ACTIVE.equals(user.state()) && user.roles().contains(Role.HUB_ADMIN));
        if (concerned && !identity.firstAdmin().anyActiveHubAdminBut(user == null ? null : user.id(), member)
            && identity.firstAdmin().anyActiveHubAdminBut(null, null)) {
            throw (member != null
                ? new de.datenhafen.api.ConflictException("member " + member + " has the last active hub-admins: "
                    + "suspended, nobody could sign in to the console", "state").coded("member.lastHubAdmins", member)
                : new de.datenhafen.api.ConflictException("user " + user.id() + " is the last active hub-admin: "
                    + "without them nobody could sign in to the console; make another one first", "user")
                    .coded("user.lastHubAdmin", user.id()));
        }
    }

    /** A giver may give only roles it holds for that member; hub-admin only a hub-admin. */
    private static void mayGive(RoutingContext ctx, String member, Set<Role> roles) {
        Role r = wider(principal(ctx), member, roles);
        if (r != null) {
            throw new ForbiddenException("you cannot give the role " + r.id() + ": roles given are no wider than "
                + "your own", "roles").coded("role.cannotGive", r.id());
        }
    }

    /**
     * The first of {@code roles} at {@code member} that {@code p} could not give (a role beyond its own there, or
     * hub-admin by anyone but a hub-admin), or null: who may change a person or revoke a token holding them.
     */
    private static Role wider(Principal p, String member, Set<Role> roles) {
        for (Role r : roles) {
            if (!p.actsFor(member, r) || r == Role.HUB_ADMIN && !p.isHubAdmin()) {
                return r;
            }
        }
        return null;
    }

    /**
     * The path's user of the path's member; 404 alike for a user of another member and for no user at all, so that a
     * member's admins cannot tell which names other members' users have.
     */
    private Users.User userOf(RoutingContext ctx) {
        String member = ctx.pathParam("member");
        return identity.users().get(ctx.pathParam("user")).filter(u -> u.member().equals(member))
            .orElseThrow(() -> new de.datenhafen.api.NotFoundException("member " + member + " has no user "
                + LogText.escape(ctx.pathParam("user")), "user"));
    }

    /**
     * {@link #userOf}, when the caller may change that user: only who may give every role the user holds
     * ({@link #mayGive}) may change, disable, delete or reset it. Without this a member-admin of the association's
     * own member could take over its hub-admins (a new setup code, then their password).
     */
    private Users.User manageable(RoutingContext ctx) {
        Users.User u = userOf(ctx);
        Role r = wider(principal(ctx), u.member(), u.roles());
        if (r != null) {
            throw new ForbiddenException("you cannot change user " + u.id() + ": it holds the role " + r.id()
                + ", which is wider than your own", "user");
        }
        return u;
    }

    /**
     * What a change of a person did, for the audit: roles and state from and to (the words alone said "user changed"
     * for each), that the name or address changed (not to what: the audit is read by more people than the account).
     */
    static AuditDetail changes(AuditDetail out, Users.User before, Users.User after) {
        if (!before.roles().equals(after.roles())) {
            out.add("roles", Role.format(before.roles()), Role.format(after.roles()));
        }
        if (!before.state().equals(after.state())) {
            out.add("state", before.state(), after.state());
        }
        changedText(out, "name", before.name(), after.name());
        changedText(out, "e-mail", before.email(), after.email());
        return out.isEmpty() ? out.add("nothing") : out;
    }

    /** What a change of a member did, for the audit: its state from and to, that its name or contact changed. */
    static AuditDetail changes(AuditDetail out, Members.Member before, Members.Member after) {
        if (!before.state().equals(after.state())) {
            out.add("state", before.state(), after.state());
        }
        changedText(out, "name", before.name(), after.name());
        changedText(out, "contact", before.contact(), after.contact());
        return out.isEmpty() ? out.add("nothing") : out;
    }

    /** That a text changed or was removed, not to what (the audit is read by more people than the account). */
    private static void changedText(AuditDetail out, String what, String before, String after) {
        if (!java.util.Objects.equals(before, after)) {
            out.add(what + (after == null ? ".removed" : ".changed"));
        }
    }

    private void login(RoutingContext ctx) {
        JsonObject b = AdminApi.jsonBody(ctx, "{\"user\", \"password\"}");
        if (b == null) {
            return;
        }
        signIn(ctx, b.getValue("user") instanceof String s ? s : null,
            b.getValue("password") instanceof String s ? s : null)
            .onSuccess(me -> ctx.response().putHeader("Content-Type", "application/json").end(me.encode()))
            .onFailure(err -> Errors.respond(ctx, err));
    }

    /**
     * Signs a person in, for the JSON login and the console's sign-in form alike: failures counted per address and
     * per account (429 beyond), a new session whose cookie goes on {@code ctx}'s response, the session's user with its
     * CSRF token as the result; a wrong user or password fails with {@link UnauthorizedException} and sets no cookie,
     * the right password of a disabled person or of a suspended member's with a coded {@link ForbiddenException}
     * ({@code login.disabled}, {@code login.suspended}), which sets none either.
     */
    Future<JsonObject> signIn(RoutingContext ctx, String user, String password) {
        if (crossSite.test(ctx.request())) {
            // no session yet, so no CSRF token: another site's page could sign the visitor in to its own account
            return Future.failedFuture(new ForbiddenException("a sign-in from a page of another site is refused",
                "Origin"));
        }
        String address = Authentication.address(ctx);
        String client = Authentication.client(ctx);
        // ids are lower case (Users.ID): "Anna" typed at a sign-in page is anna, as an e-mail address's domain is
        String id = user == null ? null : user.strip().toLowerCase(java.util.Locale.ROOT);
        String account = "account:" + id;
        ctx.put(HttpApi.AUDIT_ACTION, "POST /api/v1/auth/login");
        // a sign-in is audited whichever door it came through: the console's form posts to /console/sign-in, outside
        // the API's paths, so only its refusals were recorded
        ctx.put(HttpApi.AUDIT_WRITES, true);
        // the id it is taken as (the audit's filter finds "hanna" whatever was typed), control characters escaped and
        // cut: it is anyone's text
        String taken = id == null ? "" : id;
        HttpApi.auditNames(ctx, "user", taken);
        // the account's limit does not hold for a browser that signed in as this user before: without that, anyone
        // could lock any account by sending its name with wrong passwords from a few addresses
        io.vertx.core.http.Cookie device = ctx.request().getCookie(DEVICE_COOKIE);
        boolean known = device != null && identity.sessions().knownDevice(device.getValue(), id);
        Duration wait = max(addressLimiter.retryAfter(client), known ? Duration.ZERO
            : accountLimiter.retryAfter(account));
        if (!wait.isZero()) {
            return Future.failedFuture(new TooManyRequestsException("too many failed sign-ins; try again in "
                + Math.max(1, wait.toSeconds()) + " s", wait));
        }
        return passwords.submit(() -> {
            var found = identity.users().withPassword(id, password);
            if (found.isEmpty()) {
                // a wrong guess counts; the right password of a disabled or suspended person is no guess, and opens
                // nothing either
                addressLimiter.failed(client);
                accountLimiter.failed(account);
                throw new UnauthorizedException("the user or the password is not right").coded("login.wrong");
            }
            Users.User u = found.get();
            // said only to whoever knows the password: a person an admin disabled was told it was wrong, and tried again
            ctx.put(HttpApi.AUDIT_MEMBER, u.member()); // in the audit of their member, whose admins may want to know
            if (!Users.ACTIVE.equals(u.state())) {
                throw new ForbiddenException("user " + u.id() + " is disabled; an admin of member " + u.member()
                    + " can enable it again", "user").coded("login.disabled", u.member());
            }
            if (!identity.members().active(u.member())) {
                throw new ForbiddenException("member " + u.member() + " is suspended, and its people cannot sign in "
                    + "until a hub-admin activates it again", "user").coded("login.suspended", u.member());
            }
            Sessions.Opened s = identity.sessions().open(u, address);
            ctx.response().addCookie(Cookie.cookie(Authentication.SESSION_COOKIE, s.id()).setPath("/")
                .setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setSecure(ctx.request().isSSL())
                .setMaxAge(identity.sessions().absolute().toSeconds()));
            ctx.response().addCookie(Cookie.cookie(DEVICE_COOKIE, identity.sessions().deviceToken(u.id()))
                .setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setSecure(ctx.request().isSSL())
                .setMaxAge(DEVICE_COOKIE_AGE.toSeconds()));
            ctx.put(Authentication.PRINCIPAL, new Principal(Principal.Kind.USER, u.id(), u.member(), u.roles(), null,
                null));
            return user(u).put("csrf", s.csrf()).put("expiresAt", s.expiresAt().toString());
        });
    }

    private void setup(RoutingContext ctx) {
        JsonObject b = AdminApi.jsonBody(ctx, "{\"code\", \"password\"}: the one-time setup code and a password");
        if (b == null) {
            return;
        }
        String client = Authentication.client(ctx);
        Duration wait = addressLimiter.retryAfter(client);
        ctx.put(HttpApi.AUDIT_ACTION, "POST /api/v1/auth/setup");
        if (!wait.isZero()) {
            Errors.respond(ctx, new TooManyRequestsException("too many failed attempts; try again in "
                + Math.max(1, wait.toSeconds()) + " s", wait));
            return;
        }
        JsonReplies.reply(ctx, 200, passwords.submit(() -> {
            try {
                // the code a hub without a hub-admin person printed at its start makes the first one
                boolean first = identity.firstAdmin().is(string(b, "code"));
                Users.User u = first ? identity.firstAdmin().take(string(b, "code"), string(b, "password"))
                    : identity.users().setUp(string(b, "code"), string(b, "password"));
                // in the audit of the person's member, whose admins invited them (it was in no member's)
                ctx.put(HttpApi.AUDIT_MEMBER, u.member());
                if (first) {
                    HttpApi.auditDetail(ctx).add("firstAdmin", u.id(), u.member());
                }
                HttpApi.auditNames(ctx, "user", u.id());
                // a new password ends every session of the user, as a changed one does: a reset locks out whoever
                // signed in with the old one
                identity.sessions().closeAllOf(u.id());
                return user(u);
            } catch (InvalidInputException e) {
                if ("code".equals(e.field())) {
                    addressLimiter.failed(client);
                }
                throw e;
            }
        }));
    }

    private void audit(RoutingContext ctx) {
        work(ctx, 200, () -> {
            Principal p = principal(ctx);
            String asked = ctx.queryParams().get("member");
            // ids are lower case: "Luftblick" is luftblick
            String member = asked == null || asked.isBlank() ? null : asked.trim().toLowerCase(java.util.Locale.ROOT);
            if (!p.isHubAdmin()) {
                if (member != null && !member.equals(p.member())) {
                    throw new ForbiddenException("you read your own member's audit entries only", "member");
                }
                member = p.member();
            }
            int limit = (int) Math.min(longParam(ctx, "limit", 100), Integer.MAX_VALUE); // 2^32 + 1 was 1
            List<String> routes = ctx.queryParams().getAll("route");
            if (routes.size() > 100) { // an IN list of the hub's routes, not of a request's making
                throw new InvalidInputException("at most 100 routes in one filter", "route");
            }
            String principal = ctx.queryParams().get("principal");
            String kind = ctx.queryParams().get("kind");
            if (kind != null && !kind.isBlank() && !kind.trim().matches("[A-Za-z-]{1,16}")) {
                throw new InvalidInputException("kind is a principal's kind: user, token, bootstrap or hub", "kind");
            }
            AuditLog.Filter filter = new AuditLog.Filter(member, principal, kind, p.isHubAdmin() ? null : p.member(),
                ctx.queryParams().get("action"), routes, ctx.queryParams().get("target"), instantParam(ctx, "from"),
                instantParam(ctx, "to"));
            if (ctx.queryParams().contains("after") && ctx.queryParams().contains("before")) {
                throw new InvalidInputException("give after (oldest first) or before (newest first), not both",
                    "before");
            }
            // before: newest first below it (next: the page's oldest, for the next page back); else oldest first
            List<AuditLog.Entry> entries = ctx.queryParams().contains("before")
                ? identity.audit().readBefore(filter, longParam(ctx, "before", Long.MAX_VALUE), limit)
                : identity.audit().read(filter, longParam(ctx, "after", 0), limit);
            JsonArray out = new JsonArray();
            Map<String, String> tokenNames = tokenNames(entries, p);
            for (AuditLog.Entry e : entries) {
                out.add(new JsonObject().put("seq", e.seq()).put("at", e.at().toString())
                    .put("principal", e.principal()).put("principalName", tokenNames.get(e.principal()))
                    .put("kind", e.principalKind()).put("member", e.member()).put("actorMember", e.actorMember())
                    .put("action", e.action()).put("target", e.target()).put("outcome", e.outcome())
                    .put("client", e.client()).put("requestId", e.requestId()).put("detail", e.detail())
                    .put("details", details(e)));
            }
            return new JsonObject().put("entries", out)
                .put("next", entries.isEmpty() ? null : entries.get(entries.size() - 1).seq());
        });
    }

    /**
     * An entry's detail part by part, each its code, values and English words (the console says them in its page's
     * language); null for an entry written before the hub kept them.
     */
    private static JsonArray details(AuditLog.Entry e) {
        List<AuditDetail.Part> parts = AuditDetail.decode(e.detailParts());
        if (parts.isEmpty()) {
            return null;
        }
        JsonArray out = new JsonArray();
        for (AuditDetail.Part p : parts) {
            out.add(new JsonObject().put("code", p.code()).put("values", new JsonArray(new ArrayList<>(p.values())))
                .put("text", p.english()));
        }
        return out;
    }

    /**
     * The names people know the page's tokens by (their ids are never shown to them), also of tokens revoked since,
     * looked up at once: for a hub-admin every token's, for others their own member's tokens' (a hub-admin's token
     * acting on a member's path is filed under that member, and its name is not the member's to read).
     */
    private Map<String, String> tokenNames(List<AuditLog.Entry> entries, Principal reader) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (AuditLog.Entry e : entries) {
            if (e.principal() != null && e.principal().startsWith("token:")) {
                ids.add(e.principal().substring("token:".length()));
            }
        }
        Map<String, String> names = new HashMap<>();
        for (ApiTokens.Token t : identity.tokens().byIds(ids)) {
            if (reader.isHubAdmin() || t.member().equals(reader.member())) {
                names.put("token:" + t.id(), t.name());
            }
        }
        return names;
    }

    private static long longParam(RoutingContext ctx, String name, long otherwise) {
        String v = ctx.queryParams().get(name);
        if (v == null) {
            return otherwise;
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidInputException(name + " must be a whole number of 0 or more", name);
        }
    }

    private static Instant instantParam(RoutingContext ctx, String name) {
        String v = ctx.queryParams().get(name);
        return HttpApi.time(v, name);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    static Principal principal(RoutingContext ctx) {
        return Authentication.principal(ctx).orElseThrow(() -> new UnauthorizedException("not signed in"));
    }

    /** Names what a creation was asked to make in its audit entry's target, if the body gives it as a text. */
    private static void asked(RoutingContext ctx, String name, JsonObject b, String field) {
        if (b.getValue(field) instanceof String value) {
            HttpApi.auditNames(ctx, name, value);
        }
    }

    private static String string(JsonObject b, String field) {
        return string(b, field, field);
    }

    /** {@code b}'s text {@code key}, refused as {@code field} (a key of a nested object, "scope.path"). */
    private static String string(JsonObject b, String key, String field) {
        Object v = b.getValue(key);
        if (v != null && !(v instanceof String)) {
            throw new InvalidInputException(field + " must be a string", field);
        }
        return (String) v;
    }

    private static List<?> list(JsonObject b, String field) {
        Object v = b.getValue(field);
        if (v != null && !(v instanceof JsonArray)) {
            throw new InvalidInputException(field + " must be a list", field);
        }
        return v == null ? null : ((JsonArray) v).getList();
    }

    private static Instant instant(JsonObject b, String field) {
        String v = string(b, field);
        return HttpApi.time(v, field);
    }

    static JsonObject member(Members.Member m) {
        return new JsonObject().put("id", m.id()).put("name", m.name()).put("contact", m.contact())
            .put("state", m.state()).put("createdAt", m.createdAt().toString())
            .put("updatedAt", m.updatedAt().toString());
    }

    static JsonObject user(Users.User u) {
        return new JsonObject().put("id", u.id()).put("member", u.member()).put("name", u.name())
            .put("email", u.email()).put("roles", new JsonArray(u.roles().stream().sorted().map(Role::id).toList()))
            .put("state", u.state()).put("passwordChangedAt", Json.time(u.passwordChangedAt()))
            .put("createdAt", u.createdAt().toString());
    }

    private static JsonObject invited(Users.Invited i) {
        return user(i.user()).put("setupCode", i.setupCode()).put("setupExpiresAt", i.setupExpires().toString());
    }

    static JsonObject token(ApiTokens.Token t) {
        return new JsonObject().put("id", t.id()).put("member", t.member()).put("name", t.name())
            .put("purpose", t.purpose()).put("roles", new JsonArray(t.roles().stream().sorted().map(Role::id).toList()))
            .put("scope", new JsonObject().put("plugin", t.scopePlugin()).put("path", t.scopePath()))
            .put("createdBy", t.createdBy()).put("createdAt", t.createdAt().toString())
            .put("expiresAt", Json.time(t.expiresAt())).put("lastUsedAt", Json.time(t.lastUsedAt()))
            .put("revokedAt", Json.time(t.revokedAt()));
    }

    private interface BodyTask {
        Object run(JsonObject body) throws Exception;
    }

    private void withBody(RoutingContext ctx, int status, BodyTask task) {
        JsonObject b = AdminApi.jsonBody(ctx, BODY);
        if (b != null) {
            JsonReplies.work(workers, ctx, status, () -> task.run(b));
        }
    }

    private void work(RoutingContext ctx, int status, Callable<Object> task) {
        JsonReplies.work(workers, ctx, status, task);
    }
}
