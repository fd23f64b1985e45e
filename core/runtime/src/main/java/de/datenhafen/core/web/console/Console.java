package de.datenhafen.core.web.console;

import de.datenhafen.api.InvalidInputException;
import de.datenhafen.core.http.ApiAccess;
import de.datenhafen.core.http.BodyBudget;
import de.datenhafen.core.http.Errors;
import de.datenhafen.core.http.MediaTypes;
import de.datenhafen.core.http.PercentDecoding;
import de.datenhafen.core.security.Principal;
import de.datenhafen.core.security.Role;
import de.datenhafen.api.web.Html;
import de.datenhafen.core.web.Language;
import de.datenhafen.core.web.Messages;
import de.datenhafen.core.web.Page;
import de.datenhafen.core.web.WebPages;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The web console at {@code /console/} ({@code /admin/} redirects): sign-in and sign-out, and the shell of its pages
 * with a navigation by role. Every page is rendered on the server from the JSON API as the signed-in person
 * ({@link ApiAccess}), so it shows what the API would answer them and nothing more; a refusal is a page without data.
 * ES modules add live parts and actions, calling the API with the page's CSRF token (meta {@code csrf-token}).
 */
public final class Console {

    static final String BASE = "/console/";
    /** Where an invited person sets a password with the setup code ({@code POST /api/v1/auth/setup}). */
    static final String SETUP = BASE + "setup";
    /** The signed-in person's own account: their password changed. */
    static final String ACCOUNT = BASE + "account";
    static final Messages TEXTS = Messages.of(Console.class.getClassLoader(), "web/console/messages");

    /** The largest sign-in or sign-out form the console reads. */
    static final int FORM_MAX = 8 * 1024;
    private static final String FORM = "datenhafen.console.form";

    private final WebPages web;
    private final ApiAccess api;
    private final BodyBudget bodies;
    private final Predicate<HttpServerRequest> crossSite;
    private final java.util.function.BooleanSupplier firstAdminOffered;
    /** Whose texts say a connector's own problems in an audit entry's refusal (the form's and the API's words). */
    private final de.datenhafen.core.plugin.PluginHost plugins;
    /** The hub's own routes, of which the audit's filter offers those it has words for. */
    private final java.util.function.Supplier<List<de.datenhafen.core.http.HttpApi.HttpRoute>> routes;

    /**
     * The console on {@code web}'s pages, asking {@code api}; its forms' bodies are read through {@code bodies}, and
     * a form {@code crossSite} says came from a page of another site is refused. While {@code firstAdminOffered}, the
     * hub has no hub-admin person yet and printed a code for the first (the sign-in page says where to use it).
     */
    public Console(WebPages web, ApiAccess api, BodyBudget bodies, Predicate<HttpServerRequest> crossSite,
                   java.util.function.BooleanSupplier firstAdminOffered,
                   java.util.function.Supplier<List<de.datenhafen.core.http.HttpApi.HttpRoute>> routes,
                   de.datenhafen.core.plugin.PluginHost plugins) {
        this.plugins = plugins;
        this.firstAdminOffered = firstAdminOffered;
        this.routes = routes;
        this.web = web;
        this.api = api;
        this.bodies = bodies;
        this.crossSite = crossSite;
    }

    /** The kinds of refusal {@code console.js}'s {@code refusal} leads in the page's language ({@code refused.*}). */
    private static final List<String> REFUSALS = List.of("invalid", "forbidden", "missing", "conflict", "tooLarge",
        "tooMany", "signedOut", "failed");

    private static final java.time.format.DateTimeFormatter TIMES = java.time.format.DateTimeFormatter
        .ofLocalizedDateTime(java.time.format.FormatStyle.MEDIUM).withZone(java.time.ZoneOffset.UTC);

    /** What a page body gets: who asks, in which language, the API, and where the page is. */
    record View(RoutingContext ctx, Principal person, Language language, String path, ApiAccess api) {
        String t(String key, Object... args) {
            return TEXTS.get(language, key, args);
        }

        /** A state's name in the page's language ({@code running}, {@code UP}, ...), or the state as the API says. */
        String state(String state) {
            return state == null ? "–" : TEXTS.find(language, "state." + state).orElse(state);
        }

        /**
         * A time the API gives (ISO-8601) as a {@code <time>} element: its text in the page's language and in UTC,
         * said so; {@code console.js} shows it in the browser's time zone. Null is "–", a text that is no time is
         * shown as it is.
         */
        /** A time the API gives (ISO-8601) as text in the page's language and UTC; a text that is no time as it is. */
        String timeText(String iso) {
            try {
                return TIMES.withLocale(language.locale()).format(java.time.Instant.parse(iso)) + " UTC";
            } catch (java.time.format.DateTimeParseException e) {
                return iso;
            }
        }

        Html time(Html h, String iso) {
            if (iso == null) {
                return h.text("–");
            }
            String text = timeText(iso); // the time as text, or the API's text when it is no time
            return text.equals(iso) ? h.text(iso) : h.element("time", text, "datetime", iso);
        }

        /**
         * A new page body that begins with the way back to the list a detail page belongs to ({@code nav.*}'s name),
         * a navigation of its own (named for screen readers): a detail page had only the browser's back button.
         */
        Html crumbs(String path, String navKey) {
            return new Html().open("nav", "class", "crumbs", "aria-label", t("crumbs.label"))
                .link(path, t(navKey)).close("nav");
        }

        /** An integration's or a flow's last error ({@code message} and {@code at}, or null) as a {@code dd}. */
        Html lastError(Html h, io.vertx.core.json.JsonObject last) {
            h.open("dd", "id", "last-error");
            if (last == null) {
                h.text("–");
            } else {
                errorAt(h, last);
            }
            return h.close("dd");
        }

        /**
         * A last error in a list's cell: its message and when (beside "läuft", an error of last week read as a
         * failure now), or an empty cell.
         */
        Html lastErrorCell(Html h, io.vertx.core.json.JsonObject last) {
            h.open("td");
            if (last != null) {
                errorAt(h, last);
            }
            return h.close("td");
        }

        private Html errorAt(Html h, io.vertx.core.json.JsonObject last) {
            // an error the hub worded in the page's language by its code; a route's or a plugin's as it says it
            String code = last.getString("code");
            String words = code == null ? null : TEXTS.find(language, "integration.error." + code)
                .map(w -> t("integration.error." + code, last.getJsonArray("values", new io.vertx.core.json.JsonArray())
                    .getList().toArray())).orElse(null);
            return time(h.text((words != null ? words : last.getString("message")) + " ("), last.getString("at"))
                .text(")");
        }

        /** The API's answer to a GET as this person. */
        Future<ApiAccess.Reply> get(String apiPath) {
            return api.get(ctx, apiPath);
        }
    }

    /** A page's content, and its title; a failed future with {@link Refused} becomes a page saying so. */
    interface Body extends Function<View, Future<Rendered>> {
    }

    /** What a body rendered: title, content, the modules it needs. */
    record Rendered(String title, Html main, List<String> modules) {
        Rendered(String title, Html main) {
            this(title, main, List.of());
        }
    }

    /** An API refusal on the way to a page: its status and message become the page. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(ApiAccess.Reply reply) {
            super(reply.error() == null ? "HTTP " + reply.status() : reply.error(), null, false, false);
            this.status = reply.status();
        }
    }

    /**
     * Opens a region for a wide table that scrolls sideways on a narrow screen: focusable, so a keyboard can scroll
     * it, and named for screen readers. Close it with {@code close("div")}.
     */
    static Html scrolling(Html h, String label) {
        return h.open("div", "class", "table-scroll", "tabindex", "0", "role", "region", "aria-label", label);
    }

    /**
     * Opens a table in a {@link #scrolling} region named {@code label}, with a header row of the texts of
     * {@code columns}, up to its open {@code tbody}; {@link #endTable} closes it.
     */
    static Html table(View v, Html h, String label, String id, String... columns) {
        scrolling(h, label).open("table", "id", id).open("thead").open("tr");
        for (String column : columns) {
            h.element("th", v.t(column), "scope", "col");
        }
        return h.close("tr").close("thead").open("tbody");
    }

    static Html endTable(Html h) {
        return h.close("tbody").close("table").close("div");
    }

    /** The reply if the API said yes, else a {@link Refused}. */
    static Future<ApiAccess.Reply> ok(ApiAccess.Reply reply) {
        return reply.ok() ? Future.succeededFuture(reply) : Future.failedFuture(new Refused(reply));
    }

    public void mount(Router router) {
        // Vert.x matches "/console" for "/console/" too: only the exact old paths redirect
        for (String old : new String[] {"/admin", "/console"}) {
            router.get(old).handler(ctx -> {
                String p = ctx.request().path();
                if (p.equals(old) || p.equals("/admin/")) {
                    redirect(ctx, BASE);
                } else {
                    ctx.next();
                }
            });
        }
        // read through the hub's body budget like every other body, then decoded as the browser sends a form
        Handler<RoutingContext> read = bodies.handler(FORM_MAX);
        Handler<RoutingContext> form = Console::formFields;
        router.get(BASE + "sign-in").handler(this::signInPage);
        router.post(BASE + "sign-in").handler(read).handler(form).handler(this::signIn);
        router.post(BASE + "sign-out").handler(read).handler(form).handler(this::signOut);
        router.get(SETUP).handler(ctx -> setupPage(ctx, 200, null, null));
        router.post(SETUP).handler(read).handler(form).handler(this::setUp);
        Overview overview = new Overview();
        router.get(ACCOUNT).handler(ctx -> page(ctx, v -> Future.succeededFuture(account(v, null, null))));
        router.post(ACCOUNT).handler(read).handler(form).handler(this::changePassword);
        router.get(BASE).handler(ctx -> page(ctx, overview::render));
        router.get(Overview.LIVE).handler(ctx -> fragment(ctx, overview::live));
        router.get(BASE + "plugins").handler(ctx -> page(ctx, Plugins::render));
        router.get(Integrations.PATH).handler(ctx -> page(ctx, Integrations::list));
        router.get(Integrations.NEW).handler(ctx -> page(ctx, Integrations::create));
        router.get(Integrations.PATH + "/:name").handler(ctx -> page(ctx, Integrations::one));
        router.get(Integrations.PATH + "/:name/edit").handler(ctx -> page(ctx, Integrations::edit));
        router.get(Flows.PATH).handler(ctx -> page(ctx, Flows::list));
        router.get(Flows.PATH + "/:name").handler(ctx -> page(ctx, Flows::one));
        router.get(BASE + "bus").handler(ctx -> page(ctx, Bus::render));
        router.get(DeadLetters.PATH).handler(ctx -> page(ctx, DeadLetters::render));
        router.get(Members.PATH).handler(ctx -> page(ctx, Members::list));
        router.get(Members.PATH + "/:member").handler(ctx -> page(ctx, Members::one));
        router.get(Members.PATH + "/:member/users/:user").handler(ctx -> page(ctx, Members::person));
        router.get(Audit.PATH).handler(ctx -> page(ctx, v -> Audit.render(v, routes.get(), plugins)));
        router.get(BASE + "*").handler(ctx -> page(ctx, v -> Future.failedFuture(new Refused(
            new ApiAccess.Reply(404, io.vertx.core.buffer.Buffer.buffer()))))); // last: any other console path
    }

    /**
     * Decodes a form's body ({@code application/x-www-form-urlencoded}, as a browser sends the console's forms) for
     * {@link #field}; a body of another type has no fields, and one that is not valid percent-encoding, or whose
     * escaped bytes are not well-formed UTF-8, is 400 ({@link PercentDecoding#form}).
     */
    private static void formFields(RoutingContext ctx) {
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        Map<String, List<String>> fields = Map.of();
        if (MediaTypes.is(type, "application/x-www-form-urlencoded")) {
            try {
                fields = PercentDecoding.form(BodyBudget.bodyOf(ctx).getBytes());
            } catch (InvalidInputException e) {
                Errors.respond(ctx, e);
                return;
            }
        }
        ctx.put(FORM, fields);
        ctx.next();
    }

    /** A field of the form {@code ctx} posted, its first value; null when it has none (or there was no form). */
    static String field(RoutingContext ctx, String name) {
        Map<String, List<String>> fields = ctx.get(FORM);
        List<String> values = fields == null ? null : fields.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    // ---- pages

    /** Renders a page for the signed-in person, or sends them to sign in first. */
    void page(RoutingContext ctx, Body body) {
        page(ctx, 200, body);
    }

    /** The same, with the status a rendered page is sent with (a form's refusal shown on its page). */
    void page(RoutingContext ctx, int status, Body body) {
        Language language = Language.of(ctx);
        String path = ctx.request().uri();
        api.person(ctx).onFailure(ctx::fail).onSuccess(person -> {
            if (person.isEmpty()) {
                // a session cookie that is no session's any more: it ended (idle, its time, a password or role
                // changed, the person disabled), and the sign-in page says so rather than nothing
                redirect(ctx, BASE + "sign-in?" + (api.sessionCookie(ctx) != null ? "ended&" : "") + "next="
                    + URLEncoder.encode(path, StandardCharsets.UTF_8));
                return;
            }
            View view = new View(ctx, person.get(), language, path, api);
            Future<Rendered> rendered;
            try {
                rendered = body.apply(view);
            } catch (RuntimeException e) {
                rendered = Future.failedFuture(e);
            }
            rendered.onComplete(r -> {
                if (ctx.response().ended()) {
                    return;
                }
                if (r.succeeded()) {
                    send(ctx, status, view, r.result());
                } else if (r.cause() instanceof Refused refused) {
                    send(ctx, refused.status, view, refusal(view, refused));
                } else {
                    ctx.fail(r.cause());
                }
            });
        });
    }

    /**
     * A live part of a page, as its module fetches it: the HTML of the part alone, or 401 with no session (the module
     * then reloads the page, which asks to sign in) and the API's status on a refusal.
     */
    void fragment(RoutingContext ctx, Function<View, Future<Html>> part) {
        Language language = Language.of(ctx);
        api.person(ctx).onFailure(ctx::fail).onSuccess(person -> {
            if (person.isEmpty()) {
                WebPages.securityHeaders(ctx.response());
                ctx.response().setStatusCode(401).putHeader("Cache-Control", "no-store").end();
                return;
            }
            part.apply(new View(ctx, person.get(), language, ctx.request().uri(), api)).onComplete(r -> {
                if (ctx.response().ended()) {
                    return;
                }
                int status = r.succeeded() ? 200 : r.cause() instanceof Refused refused ? refused.status : 500;
                WebPages.securityHeaders(ctx.response());
                ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
                    .putHeader("Cache-Control", "no-store").end(r.succeeded() ? r.result().toString() : "");
            });
        });
    }

    private void send(RoutingContext ctx, int status, View view, Rendered r) {
        Page page = shell(view.language(), view.path()).title(r.title())
            .nav(navigation(view), view.t("nav.label"))
            .meta("csrf-token", api.pageToken(ctx))
            .headerEnd(whoAndSignOut(view))
            // the live region the page's scripts speak in (console.js say), there from the start: one made when a
            // message comes is often not read out
            .main(new Html().element("p", "", "id", "console-status", "role", "status", "class", "ok")
                .append(r.main()));
        // the lead of a refusal the page's scripts show, in the page's language, before the API's own words
        REFUSALS.forEach(kind -> page.meta("refused-" + kind, view.t("refused." + kind)));
        r.modules().forEach(page::module);
        WebPages.send(ctx, status, view.language(), page.render());
    }

    private Page shell(Language language, String path) {
        return Page.builder(language, TEXTS, web.assets(), path).brand(TEXTS.get(language, "brand"), BASE)
            .stylesheet("console/console.css").module("console/console.js");
    }

    /** The console's areas the person may open; the API decides what each shows. */
    static List<Page.NavItem> navigation(View v) {
        Principal p = v.person();
        List<Page.NavItem> items = new ArrayList<>();
        String here = v.path().contains("?") ? v.path().substring(0, v.path().indexOf('?')) : v.path();
        item(items, here, BASE, v.t("nav.overview"));
        item(items, here, BASE + "plugins", v.t("nav.plugins"));
        item(items, here, BASE + "integrations", v.t("nav.integrations"));
        item(items, here, Flows.PATH, v.t("nav.flows"));
        if (p.isHubAdmin()) {
            item(items, here, BASE + "bus", v.t("nav.bus"));
            item(items, here, BASE + "dead-letters", v.t("nav.deadLetters"));
            item(items, here, BASE + "members", v.t("nav.members"));
        } else if (p.member() != null && p.has(Role.MEMBER_ADMIN)) {
            item(items, here, BASE + "members/" + p.member(), v.t("nav.member"));
        }
        item(items, here, BASE + "audit", v.t("nav.audit"));
        return items;
    }

    private static void item(List<Page.NavItem> items, String here, String href, String label) {
        boolean current = href.equals(BASE) ? here.equals(BASE) : here.equals(href) || here.startsWith(href + "/");
        items.add(new Page.NavItem(href, label, current));
    }

    private Html whoAndSignOut(View v) {
        return new Html().open("form", "method", "post", "action", BASE + "sign-out", "class", "who")
            .element("span", v.t("signedInAs", v.person().id(), v.person().member() == null ? "–"
                : v.person().member()))
            .text(" ").link(ACCOUNT, v.t("account.link"))
            .empty("input", "type", "hidden", "name", "csrf", "value", api.pageToken(v.ctx()))
            .element("button", v.t("signOut"), "type", "submit", "class", "secondary")
            .close("form");
    }

    // ---- the person's own account

    /**
     * The signed-in person's account: who they are, and their password changed (the current one first). A change
     * ends every session of theirs, this one too; the console signs them in again with the new password, so only
     * their other browsers are signed out. A problem is said at its field, in the page's language.
     */
    private Rendered account(View v, String field, String problem) {
        Principal p = v.person();
        Html h = new Html().element("h1", v.t("account.title"))
            .element("p", v.t("account.who", p.id(), p.member() == null ? "–" : p.member(), String.join(", ",
                p.roles().stream().sorted().map(Role::id).toList())));
        if (v.ctx().request().getParam("changed") != null && problem == null) {
            h.element("p", v.t("account.changed"), "role", "status", "id", "password-changed");
        }
        h.element("h2", v.t("account.password"));
        if (problem != null) {
            h.element("p", problem, "class", "problem", "role", "alert", "id", "password-problem");
        }
        String described = problem == null ? null : "password-problem";
        h.open("form", "method", "post", "action", ACCOUNT, "class", "sign-in")
            .empty("input", "type", "hidden", "name", "csrf", "value", api.pageToken(v.ctx()))
            // a password manager fills the right fields when it knows whose they are
            .empty("input", "type", "text", "name", "username", "value", p.id(), "autocomplete", "username",
                "hidden", "")
            .element("label", v.t("account.current"), "for", "currentPassword")
            .empty("input", "id", "currentPassword", "name", "currentPassword", "type", "password", "autocomplete",
                "current-password", "required", "", "aria-invalid", "currentPassword".equals(field) ? "true" : null,
                "aria-describedby", "currentPassword".equals(field) ? described : null)
            .append(newPassword(v.language(), field, described))
            .open("p").element("button", v.t("account.submit"), "type", "submit").close("p")
            .close("form");
        return new Rendered(v.t("account.title"), h);
    }

    private void changePassword(RoutingContext ctx) {
        String csrf = field(ctx, "csrf");
        if (crossSite(ctx) || csrf == null) {
            page(ctx, 403, v -> Future.succeededFuture(account(v, null, v.t("error.crossSite"))));
            return;
        }
        String current = field(ctx, "currentPassword") == null ? "" : field(ctx, "currentPassword");
        String password = field(ctx, "password") == null ? "" : field(ctx, "password");
        if (!password.equals(field(ctx, "repeat") == null ? "" : field(ctx, "repeat"))) {
            page(ctx, 400, v -> Future.succeededFuture(account(v, "repeat", v.t("setup.differ"))));
            return;
        }
        api.person(ctx).onFailure(ctx::fail).onSuccess(person -> {
            if (person.isEmpty()) {
                redirect(ctx, BASE + "sign-in?next=" + URLEncoder.encode(ACCOUNT, StandardCharsets.UTF_8));
                return;
            }
            String user = person.get().id();
            api.call(ctx, HttpMethod.POST, "/api/v1/auth/password", new io.vertx.core.json.JsonObject()
                .put("currentPassword", current).put("newPassword", password), csrf).onFailure(ctx::fail)
                .onSuccess(reply -> {
                    if (reply.status() == 401) { // the session ended meanwhile
                        redirect(ctx, BASE + "sign-in?next=" + URLEncoder.encode(ACCOUNT, StandardCharsets.UTF_8));
                        return;
                    }
                    if (!reply.ok()) {
                        Language l = Language.of(ctx);
                        String field = fieldOf(reply);
                        String problem = field.equals("currentPassword") ? TEXTS.get(l, "account.wrongCurrent")
                            : "password.same".equals(reply.code()) ? TEXTS.get(l, "account.same")
                            : setupProblem(l, reply);
                        page(ctx, reply.status(), v -> Future.succeededFuture(account(v,
                            field.equals("newPassword") ? "password" : field, problem)));
                        return;
                    }
                    // every session of theirs ended with the change, this browser's too: it signs in anew
                    api.signIn(ctx, user, password).onFailure(ctx::fail).onSuccess(signedIn -> redirect(ctx,
                        signedIn.ok() ? ACCOUNT + "?changed" : BASE + "sign-in"));
                });
        });
    }

    private static Rendered refusal(View v, Refused refused) {
        String key = refused.status == 404 ? "error.notFound" : refused.status == 403 ? "error.forbidden"
            : "error.other";
        return new Rendered(v.t(key + ".title"), new Html().element("h1", v.t(key + ".title"))
            .element("p", v.t(key + ".text", refused.status))
            .open("p").link(BASE, v.t("error.back")).close("p"));
    }

    // ---- sign-in and sign-out

    private void signInPage(RoutingContext ctx) {
        signInPage(ctx, 200, null);
    }

    private void signInPage(RoutingContext ctx, int status, String problem) {
        Language l = Language.of(ctx);
        // the page asked for before: from the address, or from the refused form's own field (it became the overview)
        String asked = ctx.request().getParam("next");
        String next = next(asked != null ? asked : field(ctx, "next"));
        Html main = new Html().element("h1", TEXTS.get(l, "signIn.title"));
        if (problem != null) {
            main.element("p", problem, "class", "problem", "role", "alert", "id", "sign-in-problem");
        } else if (ctx.request().getParam("signed-out") != null) {
            main.element("p", TEXTS.get(l, "signIn.signedOut"), "role", "status", "id", "signed-out");
        } else if (ctx.request().getParam("ended") != null) {
            main.element("p", TEXTS.get(l, "signIn.ended"), "role", "status", "id", "session-ended");
        }
        if (firstAdminOffered.getAsBoolean()) { // a new hub: first of all, how anyone gets in
            main.open("p", "class", "notice", "id", "first-admin").text(TEXTS.get(l, "signIn.firstAdmin") + " ")
                .link(SETUP, TEXTS.get(l, "setup.title")).close("p");
        }
        main.open("form", "method", "post", "action", BASE + "sign-in", "class", "sign-in")
            .empty("input", "type", "hidden", "name", "next", "value", next)
            .element("label", TEXTS.get(l, "signIn.user"), "for", "user")
            .empty("input", "id", "user", "name", "user", "autocomplete", "username", "required", "",
                "autocapitalize", "none", "spellcheck", "false", "aria-describedby", problem == null ? null
                    : "sign-in-problem", "value", field(ctx, "user"))
            .element("label", TEXTS.get(l, "signIn.password"), "for", "password")
            .empty("input", "id", "password", "name", "password", "type", "password", "autocomplete",
                "current-password", "required", "")
            .open("p").element("button", TEXTS.get(l, "signIn.submit"), "type", "submit").close("p")
            .close("form")
            .open("p").text(TEXTS.get(l, "signIn.haveCode") + " ").link(SETUP, TEXTS.get(l, "setup.title"))
            .close("p");
        String html = shell(l, ctx.request().uri()).title(TEXTS.get(l, "signIn.title")).main(main).render();
        WebPages.send(ctx, status, l, html);
    }

    private void signIn(RoutingContext ctx) {
        Language l = Language.of(ctx);
        if (crossSite(ctx)) {
            signInPage(ctx, 403, TEXTS.get(l, "error.crossSite"));
            return;
        }
        String user = field(ctx, "user");
        String password = field(ctx, "password");
        String before = api.sessionCookie(ctx);
        api.signIn(ctx, user == null ? "" : user.trim(), password == null ? "" : password)
            .compose(reply -> endOldSession(before, reply)).onFailure(ctx::fail)
            .onSuccess(reply -> {
                if (reply.ok()) {
                    redirect(ctx, next(field(ctx, "next")));
                    return;
                }
                retryAfter(ctx, reply);
                // the right password of a disabled person or of a suspended member's: said, not "wrong" again
                String code = reply.status() == 403 ? reply.code() : null;
                signInPage(ctx, reply.status(), reply.status() == 401 ? TEXTS.get(l, "signIn.wrong")
                    : reply.status() == 429 ? TEXTS.get(l, "signIn.tooMany", waitSeconds(reply))
                    : "login.disabled".equals(code) || "login.suspended".equals(code)
                    ? TEXTS.get(l, "signIn." + code.substring("login.".length()))
                    : TEXTS.get(l, "error.other.text", reply.status()));
            });
    }

    /**
     * The page where an invited person (or one whose password an admin reset) sets a password with the one-time code
     * the admin passed on; a problem is shown in the page's language at its field ({@code code} or {@code password}).
     */
    private void setupPage(RoutingContext ctx, int status, String field, String problem) {
        Language l = Language.of(ctx);
        Html main = new Html().element("h1", TEXTS.get(l, "setup.title"))
            .element("p", TEXTS.get(l, "setup.intro"));
        if (problem != null) {
            main.element("p", problem, "class", "problem", "role", "alert", "id", "setup-problem");
        }
        String described = problem == null ? null : "setup-problem";
        main.open("form", "method", "post", "action", SETUP, "class", "sign-in")
            .element("label", TEXTS.get(l, "setup.code"), "for", "code")
            .empty("input", "id", "code", "name", "code", "autocomplete", "one-time-code", "required", "",
                "autocapitalize", "none", "spellcheck", "false", "value", field(ctx, "code"),
                "aria-invalid", "code".equals(field) ? "true" : null, "aria-describedby",
                "code".equals(field) ? described : null)
            .append(newPassword(l, field, described))
            .open("p").element("button", TEXTS.get(l, "setup.submit"), "type", "submit").close("p")
            .close("form");
        String html = shell(l, ctx.request().uri()).title(TEXTS.get(l, "setup.title")).main(main).render();
        WebPages.send(ctx, status, l, html);
    }

    /**
     * A new password and its repetition, as the setup and the account pages ask for them; the one {@code field} a
     * refusal names is marked and described by {@code described}.
     */
    private static Html newPassword(Language l, String field, String described) {
        return new Html()
            .element("label", TEXTS.get(l, "setup.password", de.datenhafen.core.security.Passwords.MIN_LENGTH),
                "for", "password")
            .empty("input", "id", "password", "name", "password", "type", "password", "autocomplete",
                "new-password", "required", "", "aria-invalid", "password".equals(field) ? "true" : null,
                "aria-describedby", "password".equals(field) ? described : null)
            .element("label", TEXTS.get(l, "setup.repeat"), "for", "repeat")
            .empty("input", "id", "repeat", "name", "repeat", "type", "password", "autocomplete", "new-password",
                "required", "", "aria-invalid", "repeat".equals(field) ? "true" : null, "aria-describedby",
                "repeat".equals(field) ? described : null);
    }

    /** Sets the password through the API with the code, then signs the person in and opens the console. */
    private void setUp(RoutingContext ctx) {
        Language l = Language.of(ctx);
        if (crossSite(ctx)) {
            setupPage(ctx, 403, null, TEXTS.get(l, "error.crossSite"));
            return;
        }
        String code = field(ctx, "code") == null ? "" : field(ctx, "code").trim();
        String password = field(ctx, "password") == null ? "" : field(ctx, "password");
        if (!password.equals(field(ctx, "repeat") == null ? "" : field(ctx, "repeat"))) {
            setupPage(ctx, 400, "repeat", TEXTS.get(l, "setup.differ"));
            return;
        }
        api.call(ctx, HttpMethod.POST, "/api/v1/auth/setup", new io.vertx.core.json.JsonObject().put("code", code)
            .put("password", password), null).onFailure(ctx::fail).onSuccess(reply -> {
                if (!reply.ok()) {
                    retryAfter(ctx, reply);
                    setupPage(ctx, reply.status(), fieldOf(reply), setupProblem(l, reply));
                    return;
                }
                String user = reply.json().getString("id");
                String before = api.sessionCookie(ctx);
                api.signIn(ctx, user, password).compose(signedIn -> endOldSession(before, signedIn))
                    .onFailure(ctx::fail).onSuccess(signedIn -> redirect(ctx, signedIn.ok() ? BASE : BASE + "sign-in"));
            });
    }

    /**
     * What the API's refusal of a setup says, in the page's language: the code, or which of the password rules
     * ({@link de.datenhafen.core.security.Passwords#check}) it broke; the API's own words for anything else.
     */
    static String setupProblem(Language l, ApiAccess.Reply reply) {
        if (reply.status() == 429) {
            return TEXTS.get(l, "setup.tooMany", waitSeconds(reply));
        }
        String error = reply.error() == null ? "" : reply.error();
        String field = fieldOf(reply);
        if (field.equals("code")) {
            return TEXTS.get(l, "setup.wrongCode");
        }
        if (field.equals("password") || field.equals("newPassword")) { // a setup's, a change's new password
            // by the refusal's code: its words are in the page's language now (the API answers the console so)
            var rule = java.util.Optional.ofNullable(switch (String.valueOf(reply.code())) {
                case "password.tooShort" -> de.datenhafen.core.security.Passwords.Rule.TOO_SHORT;
                case "password.tooLong" -> de.datenhafen.core.security.Passwords.Rule.TOO_LONG;
                case "password.hasName" -> de.datenhafen.core.security.Passwords.Rule.HAS_A_NAME;
                case "password.tooSimple" -> de.datenhafen.core.security.Passwords.Rule.TOO_SIMPLE;
                default -> null;
            }).or(() -> de.datenhafen.core.security.Passwords.Rule.of(error));
            if (rule.isPresent()) {
                return switch (rule.get()) {
                    case TOO_SHORT -> TEXTS.get(l, "setup.short", de.datenhafen.core.security.Passwords.MIN_LENGTH);
                    case TOO_LONG -> TEXTS.get(l, "setup.long", de.datenhafen.core.security.Passwords.MAX_LENGTH);
                    case HAS_A_NAME -> TEXTS.get(l, "setup.name");
                    case TOO_SIMPLE -> TEXTS.get(l, "setup.simple");
                };
            }
        }
        return error.isEmpty() ? TEXTS.get(l, "error.other.text", reply.status()) : error;
    }

    /**
     * Once the browser has signed in with a new session, ends the one it came with, if any: the old one stayed valid,
     * out of the browser's reach to sign out of (an attacker's probe: a hub-admin's session under a setup).
     */
    private Future<ApiAccess.Reply> endOldSession(String before, ApiAccess.Reply signedIn) {
        if (before == null || !signedIn.ok()) {
            return Future.succeededFuture(signedIn);
        }
        return api.endSession(before).map(ended -> signedIn);
    }

    /** A refusal's {@code Retry-After} (the API's limit of sign-ins and setups) on the page that shows it. */
    private static void retryAfter(RoutingContext ctx, ApiAccess.Reply reply) {
        if (reply.status() == 429) {
            ctx.response().putHeader("Retry-After", Long.toString(waitSeconds(reply)));
        }
    }

    /** The seconds a 429 asks to wait: its {@code Retry-After} when it is a number of seconds, else a minute. */
    private static long waitSeconds(ApiAccess.Reply reply) {
        String s = reply.retryAfter();
        return s != null && s.matches("[0-9]{1,9}") ? Long.parseLong(s) : 60;
    }

    /** The field a refusal names, or "" (an answer that is no JSON names none). */
    private static String fieldOf(ApiAccess.Reply reply) {
        try {
            return reply.status() == 400 ? reply.json().getString("field", "") : "";
        } catch (RuntimeException e) {
            return "";
        }
    }

    private void signOut(RoutingContext ctx) {
        String csrf = field(ctx, "csrf");
        if (crossSite(ctx) || csrf == null) {
            page(ctx, v -> Future.failedFuture(new Refused(new ApiAccess.Reply(403, io.vertx.core.buffer.Buffer
                .buffer()))));
            return;
        }
        api.call(ctx, HttpMethod.POST, "/api/v1/auth/logout", null, csrf).onFailure(ctx::fail).onSuccess(reply -> {
            if (!reply.ok() && reply.status() != 401) {
                page(ctx, v -> Future.failedFuture(new Refused(reply)));
                return;
            }
            ctx.response().addCookie(Cookie.cookie(ApiAccess.SESSION_COOKIE, "").setPath("/").setMaxAge(0)
                .setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setSecure(ctx.request().isSSL()));
            redirect(ctx, BASE + "sign-in?signed-out"); // said there, not a bare sign-in page
        });
    }

    /**
     * A form sent from another site (the browser says so in {@code Sec-Fetch-Site}, or its {@code Origin} is not the
     * hub's): refused whatever it carries. The session cookie is {@code SameSite=Strict} and writes need the CSRF
     * token besides; this is the third lock.
     */
    private boolean crossSite(RoutingContext ctx) {
        return crossSite.test(ctx.request());
    }

    /** Where to go after signing in: a console path, else the overview. */
    private static String next(String next) {
        String local = next == null ? BASE : WebPages.localPath(next);
        return local.startsWith(BASE) ? local : BASE;
    }

    static void redirect(RoutingContext ctx, String location) {
        WebPages.securityHeaders(ctx.response());
        ctx.response().setStatusCode(303).putHeader("Location", location).putHeader("Cache-Control", "no-store")
            .end();
    }
}
