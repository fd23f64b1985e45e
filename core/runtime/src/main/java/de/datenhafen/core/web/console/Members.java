package de.datenhafen.core.web.console;

import de.datenhafen.core.http.ApiAccess;
import de.datenhafen.core.security.Role;
import de.datenhafen.core.security.Users;
import de.datenhafen.api.web.Html;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Members and what belongs to them: the association's members (hub-admins list, create and suspend them), and one
 * member's users (invited with a one-time setup code), API tokens (the secret shown once, with a copy button) and
 * signing keys (hub-admins). Forms post JSON to the API through {@code forms.js}; the API decides who may.
 */
final class Members {

    static final String PATH = Console.BASE + "members";

    private Members() {
    }

    static Future<Console.Rendered> list(Console.View v) {
        return v.get("/api/v1/admin/members").compose(Console::ok).map(reply -> {
            Html h = new Html().element("h1", v.t("members.title"));
            Console.table(v, h, v.t("members.title"), "members", "members.id", "members.name", "members.contact",
                "integrations.state");
            for (Object o : reply.array()) {
                JsonObject m = (JsonObject) o;
                h.open("tr", "data-member", m.getString("id")).open("th", "scope", "row")
                    .link(PATH + "/" + m.getString("id"), m.getString("id")).close("th")
                    .element("td", m.getString("name")).element("td", m.getString("contact"))
                    .element("td", v.state(m.getString("state"))).close("tr");
            }
            Console.endTable(h);
            h.element("h2", v.t("members.create"));
            form(v, h, "new-member", null, "/api/v1/admin/members", null, v.t("members.create"),
                v.t("said.memberCreated", "{id}"));
            text(h, "new-member", "id", v.t("members.id"), true);
            text(h, "new-member", "name", v.t("members.name"), true);
            text(h, "new-member", "contact", v.t("members.contact"), false);
            endForm(h, "new-member", v.t("members.create"));
            return new Console.Rendered(v.t("members.title"), h, List.of("console/forms.js"));
        });
    }

    static Future<Console.Rendered> one(Console.View v) {
        String id = v.ctx().pathParam("member");
        String base = "/api/v1/admin/members/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
        Future<ApiAccess.Reply> member = v.get(base).compose(Console::ok);
        Future<ApiAccess.Reply> users = member.compose(m -> v.get(base + "/users")).compose(Console::ok);
        Future<ApiAccess.Reply> tokens = users.compose(u -> v.get(base + "/tokens")).compose(Console::ok);
        Future<ApiAccess.Reply> keys = tokens.compose(t -> v.person().isHubAdmin() ? v.get(base + "/keys")
            : Future.succeededFuture(null));
        Future<ApiAccess.Reply> plugins = keys.compose(k -> v.get("/api/v1/admin/plugins")); // a new token's scope
        return plugins.map(p -> {
            ApiAccess.Reply k = keys.result();
            JsonObject m = member.result().json();
            // a member-admin has no list of members to go back to: "Mein Mitglied" is this page
            Html h = (v.person().isHubAdmin() ? v.crumbs(PATH, "nav.members") : new Html())
                .element("h1", v.t("member.title", m.getString("name"), id))
                .element("p", v.t("member.state", v.state(m.getString("state")), m.getString("contact") == null
                    ? "–" : m.getString("contact"))); // a member made without a contact said "null"
            if (v.person().isHubAdmin()) {
                // suspending a member (a leaked token, a contract ended) ends its tokens' and people's access at once
                boolean active = "active".equals(m.getString("state"));
                h.open("p", "class", "actions").element("button", v.t(active ? "member.suspend" : "member.activate"),
                    "type", "button", "id", "member-state", "data-method", "PATCH", "data-path", base, "data-body",
                    new JsonObject().put("state", active ? "suspended" : "active").encode(), "data-confirm",
                    v.t(active ? "member.confirmSuspend" : "member.confirmActivate", m.getString("name")),
                    "data-said", v.t(active ? "said.memberSuspended" : "said.memberActivated", m.getString("name")))
                    .close("p");
            }
            users(v, h, base, users.result().array());
            tokens(v, h, base, tokens.result().array(), p.ok() ? p.array().stream().map(JsonObject.class::cast)
                .map(o -> o.getString("id")).filter(java.util.Objects::nonNull).sorted().toList() : List.of());
            if (k != null && k.ok()) {
                keys(v, h, base, k.array());
            }
            return new Console.Rendered(v.t("member.title", m.getString("name"), id), h,
                List.of("console/forms.js"));
        });
    }

    private static void users(Console.View v, Html h, String base, JsonArray users) {
        h.element("h2", v.t("member.users"));
        Console.table(v, h, v.t("member.users"), "users", "member.user", "members.name", "member.roles",
            "integrations.state", "plugins.actions");
        for (Object o : users) {
            JsonObject u = (JsonObject) o;
            h.open("tr", "data-user", u.getString("id")).open("th", "scope", "row")
                .link(base.replace("/api/v1/admin/members", PATH) + "/users/" + enc(u.getString("id")),
                    u.getString("id")).close("th")
                .element("td", u.getString("name")).element("td", join(u.getJsonArray("roles")))
                .element("td", v.state(u.getString("state"))).open("td");
            Plugins.button(h, v.t("plugins.delete"), "DELETE", base + "/users/" + u.getString("id"),
                v.t("member.confirmDeleteUser", u.getString("id")), v.t("said.userDeleted", u.getString("id")),
                "danger");
            h.close("td").close("tr");
        }
        Console.endTable(h);
        if (users.isEmpty()) {
            h.element("p", v.t("member.noUsers"), "id", "no-users");
        }
        h.element("h3", v.t("member.invite"));
        h.open("p").text(v.t("member.inviteHow") + " ").link(Console.SETUP, v.t("setup.title")).close("p");
        form(v, h, "invite", null, base + "/users", "setupCode", v.t("member.invite"), v.t("said.userInvited",
            "{id}"));
        text(h, "invite", "id", v.t("member.user"), true);
        text(h, "invite", "name", v.t("members.name"), true);
        text(h, "invite", "email", v.t("member.email"), false);
        roles(v, h, "invite");
        endForm(h, "invite", v.t("member.invite"));
    }

    /**
     * One person of a member: their roles, name and address changed, a new setup code (a forgotten password, a code
     * that ran out), disabled or enabled again, deleted. Each was the API's alone; the API decides who may.
     */
    static Future<Console.Rendered> person(Console.View v) {
        String member = v.ctx().pathParam("member");
        String user = v.ctx().pathParam("user");
        String memberPage = PATH + "/" + enc(member);
        String path = "/api/v1/admin/members/" + enc(member) + "/users/" + enc(user);
        Future<ApiAccess.Reply> person = v.get(path).compose(Console::ok);
        // the way back names the member as its page does (it said the id)
        Future<String> memberName = person.compose(p -> v.get("/api/v1/admin/members/" + enc(member)))
            .map(m -> m.ok() ? m.json().getString("name", member) : member);
        return memberName.map(memberShown -> {
            JsonObject u = person.result().json();
            String id = u.getString("id");
            String name = u.getString("name");
            String state = u.getString("state");
            Html h = new Html().open("nav", "class", "crumbs", "aria-label", v.t("crumbs.label"))
                .link(memberPage, v.t("person.back", memberShown)).close("nav")
                .element("h1", v.t("person.title", name, id));
            h.open("dl", "class", "facts")
                .element("dt", v.t("integrations.state")).element("dd", v.state(state), "id", "person-state")
                .element("dt", v.t("member.roles")).element("dd", join(u.getJsonArray("roles")), "id", "person-roles")
                .element("dt", v.t("member.email")).element("dd", u.getString("email") == null ? "–"
                    : u.getString("email"))
                .element("dt", v.t("person.passwordChanged")).open("dd");
            v.time(h, u.getString("passwordChangedAt")).close("dd")
                .element("dt", v.t("person.created")).open("dd");
            v.time(h, u.getString("createdAt")).close("dd").close("dl");

            h.open("p", "class", "actions");
            if (!Users.INVITED.equals(state)) {
                // disabling ends the person's sessions at once (someone left, a device was lost); the API says so
                boolean active = Users.ACTIVE.equals(state);
                h.element("button", v.t(active ? "person.disable" : "person.enable"), "type", "button", "id",
                    "person-state-change", "data-method", "PATCH", "data-path", path, "data-body",
                    new JsonObject().put("state", active ? Users.DISABLED : Users.ACTIVE).encode(), "data-confirm",
                    v.t(active ? "person.confirmDisable" : "person.confirmEnable", name), "data-said",
                    v.t(active ? "said.personDisabled" : "said.personEnabled", id)).text(" ");
            }
            h.element("button", v.t("plugins.delete"), "type", "button", "class", "danger", "id", "person-delete",
                "data-method", "DELETE", "data-path", path, "data-then", memberPage, "data-confirm",
                v.t("member.confirmDeleteUser", id), "data-said", v.t("said.userDeleted", id)).close("p");

            h.element("h2", v.t("person.roles"));
            form(v, h, "person-roles-form", "PATCH", path, null, v.t("person.roles"), v.t("said.rolesSaved", id));
            h.element("p", v.t("person.rolesHow"), "class", "hint");
            roles(v, h, "person-roles-form", u.getJsonArray("roles").stream().map(String::valueOf).toList());
            endForm(h, "person-roles-form", v.t("person.saveRoles"));

            h.element("h2", v.t("person.details"));
            form(v, h, "person-details", "PATCH", path, null, v.t("person.details"),
                v.t("said.detailsSaved", id));
            text(h, "person-details", "name", v.t("members.name"), true, name);
            text(h, "person-details", "email", v.t("member.email"), false, u.getString("email"));
            endForm(h, "person-details", v.t("person.saveDetails"));

            h.element("h2", v.t("person.newCode"));
            if (Users.DISABLED.equals(state)) {
                h.element("p", v.t("person.newCodeDisabled"), "class", "hint"); // the setup refuses a disabled person
            } else {
                h.element("p", v.t(Users.INVITED.equals(state) ? "person.newCodeInvited" : "person.newCodeHow"),
                    "class", "hint");
                form(v, h, "new-code", path + "/setup-code", "setupCode", v.t("person.newCode"));
                endForm(h, "new-code", v.t("person.newCode"));
            }
            return new Console.Rendered(v.t("person.title", name, id), h, List.of("console/forms.js"));
        });
    }

    private static void tokens(Console.View v, Html h, String base, JsonArray tokens, List<String> plugins) {
        h.element("h2", v.t("member.tokens"));
        Console.table(v, h, v.t("member.tokens"), "tokens", "members.name", "member.roles", "member.purpose",
            "member.validity", "member.lastUsed", "integrations.state", "plugins.actions");
        for (Object o : tokens) {
            JsonObject t = (JsonObject) o;
            boolean revoked = t.getString("revokedAt") != null;
            String expires = t.getString("expiresAt");
            boolean expired = expires != null && java.time.Instant.parse(expires).isBefore(java.time.Instant.now());
            h.open("tr", "data-token", t.getString("name")).element("th", t.getString("name"), "scope", "row")
                .element("td", join(t.getJsonArray("roles"))).element("td", t.getString("purpose", ""));
            validity(v, h, t.getJsonObject("scope", new JsonObject()), expires);
            h.open("td");
            if (t.getString("lastUsedAt") == null) { // never used
                h.text("–");
            } else {
                v.time(h, t.getString("lastUsedAt"));
            }
            h.close("td")
                .element("td", revoked ? v.t("member.revoked") : expired ? v.t("member.expired")
                    : v.t("member.active")).open("td");
            if (!revoked) {
                Plugins.button(h, v.t("member.revoke"), "DELETE", base + "/tokens/" + t.getString("id"),
                    v.t("member.confirmRevoke", t.getString("name")), v.t("said.tokenRevoked", t.getString("name")),
                    "danger");
            }
            h.close("td").close("tr");
        }
        Console.endTable(h);
        if (tokens.isEmpty()) {
            h.element("p", v.t("member.noTokens"), "id", "no-tokens");
        }
        h.element("h3", v.t("member.newToken"));
        form(v, h, "new-token", null, base + "/tokens", "token", v.t("member.newToken"), v.t("said.tokenCreated",
            "{name}"));
        text(h, "new-token", "name", v.t("members.name"), true);
        text(h, "new-token", "purpose", v.t("member.purpose"), false); // the API takes a token without one
        roles(v, h, "new-token");
        reach(v, h, "new-token", plugins);
        endForm(h, "new-token", v.t("member.newToken"));
    }

    /**
     * What a new token may reach beyond its roles and until when (the API took both, the form neither: a gateway's
     * token reached every route its roles allow, for ever, unless its maker knew the API): one plugin's routes, paths
     * under a prefix, an end in the browser's time, which {@code forms.js} sends as an instant.
     */
    private static void reach(Console.View v, Html h, String form, List<String> plugins) {
        h.open("fieldset").element("legend", v.t("member.reach"));
        String plugin = form + ".scope.plugin";
        h.element("label", v.t("member.scopePlugin"), "for", plugin)
            .open("select", "id", plugin, "name", "scope.plugin", "aria-describedby", form + ".problem.scope.plugin")
            .element("option", v.t("member.scopeAll"), "value", "");
        for (String id : plugins) {
            h.element("option", id, "value", id);
        }
        h.close("select").element("p", "", "class", "field-problem", "id", form + ".problem.scope.plugin");
        String path = form + ".scope.path";
        h.element("label", v.t("member.scopePath"), "for", path)
            .empty("input", "type", "text", "id", path, "name", "scope.path", "spellcheck", "false", "autocomplete",
                "off", "placeholder", "/api/v1/plugins/…", "aria-describedby", path + ".how " + form
                    + ".problem.scope.path")
            .element("p", v.t("member.scopePathHow"), "class", "hint", "id", path + ".how")
            .element("p", "", "class", "field-problem", "id", form + ".problem.scope.path");
        String end = form + ".expiresAt";
        h.element("label", v.t("member.expiresAt"), "for", end)
            .empty("input", "type", "datetime-local", "id", end, "name", "expiresAt", "aria-describedby", end
                + ".how " + form + ".problem.expiresAt")
            .element("p", v.t("member.expiresAtHow"), "class", "hint", "id", end + ".how")
            .element("p", "", "class", "field-problem", "id", form + ".problem.expiresAt").close("fieldset");
    }

    /**
     * What a token may reach and until when, as people read it: only a plugin's routes (or a path), until a time; a
     * dash for a token of its roles without either (a token scoped or ending looked like any other).
     */
    private static void validity(Console.View v, Html h, JsonObject scope, String expires) {
        String only = String.join(" ", java.util.stream.Stream.of(scope.getString("plugin"), scope.getString("path"))
            .filter(java.util.Objects::nonNull).toList());
        h.open("td");
        if (only.isEmpty() && expires == null) {
            h.text("–");
        }
        if (!only.isEmpty()) {
            h.text(v.t("member.onlyFor", only));
        }
        if (expires != null) {
            h.text(only.isEmpty() ? "" : "; ").text(v.t("member.until") + " ");
            v.time(h, expires);
        }
        h.close("td");
    }

    private static void keys(Console.View v, Html h, String base, JsonArray keys) {
        h.element("h2", v.t("member.keys"));
        h.open("ul", "id", "keys");
        for (Object o : keys) {
            JsonObject k = (JsonObject) o;
            // by its name, which people gave it; its id (the key's fingerprint) after it, to compare with the file
            String name = k.getString("name") == null || k.getString("name").isBlank() ? k.getString("id")
                : k.getString("name");
            h.open("li", "data-key", k.getString("id")).text(name + " · " + k.getString("algorithm") + " · "
                + k.getString("id") + (k.getString("revokedAt") != null ? " · " + v.t("member.revoked") : ""));
            if (k.getString("revokedAt") == null) {
                h.text(" ");
                Plugins.button(h, v.t("member.revoke"), "DELETE", base + "/keys/" + k.getString("id"),
                    v.t("member.confirmRevokeKey", name + " (" + k.getString("id").substring(0,
                        Math.min(16, k.getString("id").length())) + "…)"), v.t("said.keyRevoked", name), "danger");
            }
            h.close("li");
        }
        h.close("ul");
        h.element("h3", v.t("member.newKey"));
        form(v, h, "new-key", null, base + "/keys", null, v.t("member.newKey"), v.t("said.keyAdded", "{name|id}"));
        text(h, "new-key", "name", v.t("members.name"), false);
        h.element("label", v.t("member.publicKey"), "for", "new-key.publicKey")
            .open("textarea", "id", "new-key.publicKey", "name", "publicKey", "rows", "4", "required", "",
                "spellcheck", "false").close("textarea")
            .element("p", "", "class", "field-problem", "id", "new-key.problem.publicKey");
        endForm(h, "new-key", v.t("member.newKey"));
    }

    private static void form(Console.View v, Html h, String id, String api, String secretField, String label) {
        form(v, h, id, null, api, secretField, label, null);
    }

    /** A form forms.js sends to {@code api}; the page loaded again after it then says {@code said}. */
    private static void form(Console.View v, Html h, String id, String method, String api, String secretField,
                             String label, String said) {
        boolean secret = secretField != null;
        // a setup code goes to a person: whose it is, until when, and where it is used, in a line to pass on with it
        // (the placeholders are filled in by forms.js from the hub's answer)
        String note = "setupCode".equals(secretField) ? v.t("secret.setupNote", "{user}", "{until}", "{address}")
            : secret ? v.t("secret.once") : null;
        h.open("form", "id", id, "data-api", api, "data-method", method, "data-secret", secretField, "aria-label",
            label, "novalidate", "",
            "data-secret-note", note, "data-copy", secret ? v.t("secret.copy") : null,
            "data-copied", secret ? v.t("secret.copied") : null, "data-done", secret ? v.t("secret.done") : null,
            "data-said", said);
    }

    private static void text(Html h, String form, String name, String label, boolean required) {
        text(h, form, name, label, required, null);
    }

    private static void text(Html h, String form, String name, String label, boolean required, String value) {
        String id = form + "." + name;
        // the field's problem line describes it, so a screen reader says the problem when the field takes the focus
        h.element("label", label, "for", id)
            .empty("input", "type", name.equals("email") ? "email" : "text", "id", id, "name", name, "required",
                required ? "" : null, "spellcheck", "false", "autocomplete", "off", "value", value,
                "aria-describedby", form + ".problem." + name)
            .element("p", "", "class", "field-problem", "id", form + ".problem." + name);
    }

    /** The roles a person may give, as checkboxes; the API refuses any wider than the giver's own. */
    private static void roles(Console.View v, Html h, String form) {
        roles(v, h, form, List.of(Role.VIEWER.id()));
    }

    private static void roles(Console.View v, Html h, String form, List<String> checked) {
        h.open("fieldset", "data-array", "roles").element("legend", v.t("member.roles"));
        for (Role r : Role.values()) {
            if (r == Role.HUB_ADMIN && !v.person().isHubAdmin()) {
                continue;
            }
            // what each role may, beside its id (the checkboxes were ids alone): the id is what the API and the
            // tables say, the words what an admin decides by
            String id = form + ".role." + r.id();
            h.open("p").empty("input", "type", "checkbox", "id", id, "name", "roles", "value", r.id(),
                    "checked", checked.contains(r.id()) ? "" : null, "aria-describedby", id + ".what")
                .element("label", r.id(), "for", id, "class", "inline").text(" ")
                .element("span", v.t("role." + r.id()), "class", "hint", "id", id + ".what").close("p");
        }
        h.element("p", "", "class", "field-problem", "id", form + ".problem.roles").close("fieldset");
    }

    private static void endForm(Html h, String form, String submit) {
        h.open("p").element("button", submit, "type", "submit").close("p")
            .element("p", "", "id", form + ".result", "role", "status")
            .close("form");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String join(JsonArray a) {
        return a == null ? "" : String.join(", ", a.stream().map(String::valueOf).toList());
    }
}
