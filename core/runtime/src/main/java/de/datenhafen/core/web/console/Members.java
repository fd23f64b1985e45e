package de.datenhafen.core.web.console;

import de.datenhafen.core.http.ApiAccess;
import de.datenhafen.core.security.Role;
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
            form(v, h, "new-member", "/api/v1/admin/members", null, v.t("members.create"));
            text(h, "new-member", "id", v.t("members.id"), true);
            text(h, "new-member", "name", v.t("members.name"), true);
            text(h, "new-member", "contact", v.t("members.contact"), true);
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
        return keys.map(k -> {
            JsonObject m = member.result().json();
            // a member-admin has no list of members to go back to: "Mein Mitglied" is this page
            Html h = (v.person().isHubAdmin() ? v.crumbs(PATH, "nav.members") : new Html())
                .element("h1", v.t("member.title", m.getString("name"), id))
                .element("p", v.t("member.state", v.state(m.getString("state")), m.getString("contact")));
            if (v.person().isHubAdmin()) {
                // suspending a member (a leaked token, a contract ended) ends its tokens' and people's access at once
                boolean active = "active".equals(m.getString("state"));
                h.open("p", "class", "actions").element("button", v.t(active ? "member.suspend" : "member.activate"),
                    "type", "button", "id", "member-state", "data-method", "PATCH", "data-path", base, "data-body",
                    new JsonObject().put("state", active ? "suspended" : "active").encode(), "data-confirm",
                    v.t(active ? "member.confirmSuspend" : "member.confirmActivate", m.getString("name"))).close("p");
            }
            users(v, h, base, users.result().array());
            tokens(v, h, base, tokens.result().array());
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
            h.open("tr", "data-user", u.getString("id")).element("th", u.getString("id"), "scope", "row")
                .element("td", u.getString("name")).element("td", join(u.getJsonArray("roles")))
                .element("td", v.state(u.getString("state"))).open("td");
            Plugins.button(h, v.t("plugins.delete"), "DELETE", base + "/users/" + u.getString("id"),
                v.t("member.confirmDeleteUser", u.getString("id")), "danger");
            h.close("td").close("tr");
        }
        Console.endTable(h);
        h.element("h3", v.t("member.invite"));
        h.open("p").text(v.t("member.inviteHow") + " ").link(Console.SETUP, v.t("setup.title")).close("p");
        form(v, h, "invite", base + "/users", "setupCode", v.t("member.invite"));
        text(h, "invite", "id", v.t("member.user"), true);
        text(h, "invite", "name", v.t("members.name"), true);
        text(h, "invite", "email", v.t("member.email"), false);
        roles(v, h, "invite");
        endForm(h, "invite", v.t("member.invite"));
    }

    private static void tokens(Console.View v, Html h, String base, JsonArray tokens) {
        h.element("h2", v.t("member.tokens"));
        Console.table(v, h, v.t("member.tokens"), "tokens", "members.name", "member.roles", "member.purpose",
            "member.lastUsed", "integrations.state", "plugins.actions");
        for (Object o : tokens) {
            JsonObject t = (JsonObject) o;
            boolean revoked = t.getString("revokedAt") != null;
            h.open("tr", "data-token", t.getString("name")).element("th", t.getString("name"), "scope", "row")
                .element("td", join(t.getJsonArray("roles"))).element("td", t.getString("purpose", ""))
                .element("td", t.getString("lastUsedAt", "–"))
                .element("td", revoked ? v.t("member.revoked") : v.t("member.active")).open("td");
            if (!revoked) {
                Plugins.button(h, v.t("member.revoke"), "DELETE", base + "/tokens/" + t.getString("id"),
                    v.t("member.confirmRevoke", t.getString("name")), "danger");
            }
            h.close("td").close("tr");
        }
        Console.endTable(h);
        h.element("h3", v.t("member.newToken"));
        form(v, h, "new-token", base + "/tokens", "token", v.t("member.newToken"));
        text(h, "new-token", "name", v.t("members.name"), true);
        text(h, "new-token", "purpose", v.t("member.purpose"), true);
        roles(v, h, "new-token");
        endForm(h, "new-token", v.t("member.newToken"));
    }

    private static void keys(Console.View v, Html h, String base, JsonArray keys) {
        h.element("h2", v.t("member.keys"));
        h.open("ul", "id", "keys");
        for (Object o : keys) {
            JsonObject k = (JsonObject) o;
            h.open("li").text(k.getString("id") + " · " + k.getString("algorithm") + " · "
                + k.getString("name", "") + (k.getString("revokedAt") != null ? " · " + v.t("member.revoked") : ""));
            if (k.getString("revokedAt") == null) {
                h.text(" ");
                Plugins.button(h, v.t("member.revoke"), "DELETE", base + "/keys/" + k.getString("id"),
                    v.t("member.confirmRevoke", k.getString("id")), "danger");
            }
            h.close("li");
        }
        h.close("ul");
        h.element("h3", v.t("member.newKey"));
        form(v, h, "new-key", base + "/keys", null, v.t("member.newKey"));
        text(h, "new-key", "name", v.t("members.name"), false);
        h.element("label", v.t("member.publicKey"), "for", "new-key.publicKey")
            .open("textarea", "id", "new-key.publicKey", "name", "publicKey", "rows", "4", "required", "",
                "spellcheck", "false").close("textarea")
            .element("p", "", "class", "field-problem", "id", "new-key.problem.publicKey");
        endForm(h, "new-key", v.t("member.newKey"));
    }

    private static void form(Console.View v, Html h, String id, String api, String secretField, String label) {
        boolean secret = secretField != null;
        // a setup code goes to a person: whose it is, until when, and where it is used, in a line to pass on with it
        // (the placeholders are filled in by forms.js from the hub's answer)
        String note = "setupCode".equals(secretField) ? v.t("secret.setupNote", "{user}", "{until}", "{address}")
            : secret ? v.t("secret.once") : null;
        h.open("form", "id", id, "data-api", api, "data-secret", secretField, "aria-label", label, "novalidate", "",
            "data-secret-note", note, "data-copy", secret ? v.t("secret.copy") : null,
            "data-copied", secret ? v.t("secret.copied") : null, "data-done", secret ? v.t("secret.done") : null);
    }

    private static void text(Html h, String form, String name, String label, boolean required) {
        String id = form + "." + name;
        h.element("label", label, "for", id)
            .empty("input", "type", name.equals("email") ? "email" : "text", "id", id, "name", name, "required",
                required ? "" : null, "spellcheck", "false", "autocomplete", "off")
            .element("p", "", "class", "field-problem", "id", form + ".problem." + name);
    }

    /** The roles a person may give, as checkboxes; the API refuses any wider than the giver's own. */
    private static void roles(Console.View v, Html h, String form) {
        h.open("fieldset", "data-array", "roles").element("legend", v.t("member.roles"));
        for (Role r : Role.values()) {
            if (r == Role.HUB_ADMIN && !v.person().isHubAdmin()) {
                continue;
            }
            String id = form + ".role." + r.id();
            h.open("p").empty("input", "type", "checkbox", "id", id, "name", "roles", "value", r.id(),
                    "checked", r == Role.VIEWER ? "" : null)
                .element("label", r.id(), "for", id, "class", "inline").close("p");
        }
        h.element("p", "", "class", "field-problem", "id", form + ".problem.roles").close("fieldset");
    }

    private static void endForm(Html h, String form, String submit) {
        h.open("p").element("button", submit, "type", "submit").close("p")
            .element("p", "", "id", form + ".result", "role", "status")
            .close("form");
    }

    private static String join(JsonArray a) {
        return a == null ? "" : String.join(", ", a.stream().map(String::valueOf).toList());
    }
}
