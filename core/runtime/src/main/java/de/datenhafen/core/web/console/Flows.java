package de.datenhafen.core.web.console;

import de.datenhafen.api.web.Html;
import de.datenhafen.core.security.Role;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The flows pages: the flows the API shows the person (state, version, member, messages, last error), and one flow
 * with its current definition (secrets as the API redacts them), its versions and its actions (enable, disable,
 * delete). Flows are written as YAML over the API (docs/flows.md); these pages show and switch them, they do not edit.
 */
final class Flows {

    static final String PATH = Console.BASE + "flows";

    private Flows() {
    }

    static Future<Console.Rendered> list(Console.View v) {
        return v.get("/api/v1/admin/flows").compose(Console::ok).map(reply -> {
            JsonArray items = reply.array();
            Html h = new Html().element("h1", v.t("flows.title")).element("p", v.t("flows.hint"), "class", "hint");
            if (items.isEmpty()) {
                h.element("p", v.t("flows.none"), "id", "no-flows");
                return new Console.Rendered(v.t("flows.title"), h);
            }
            Console.table(v, h, v.t("flows.title"), "flows", "integrations.name", "flows.member",
                "integrations.state", "flows.version", "integrations.in", "integrations.out", "integrations.failed",
                "integrations.lastError");
            for (Object o : items) {
                JsonObject f = (JsonObject) o;
                JsonObject m = f.getJsonObject("messages", new JsonObject());
                JsonObject last = f.getJsonObject("lastError");
                h.open("tr", "data-flow", f.getString("name")).open("th", "scope", "row")
                    .link(PATH + "/" + f.getString("name"), f.getString("name")).close("th")
                    .element("td", f.getString("member") == null ? v.t("flows.hub") : f.getString("member"))
                    .open("td").element("span", v.state(f.getString("state")), "class", "state state-"
                        + f.getString("state")).close("td")
                    .element("td", String.valueOf(f.getValue("version")))
                    .element("td", String.valueOf(m.getLong("in", 0L)))
                    .element("td", String.valueOf(m.getLong("out", 0L)))
                    .element("td", String.valueOf(m.getLong("failed", 0L)));
                v.lastErrorCell(h, last).close("tr");
            }
            Console.endTable(h);
            return new Console.Rendered(v.t("flows.title"), h);
        });
    }

    static Future<Console.Rendered> one(Console.View v) {
        String name = v.ctx().pathParam("name");
        String api = "/api/v1/admin/flows/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
        return v.get(api).compose(Console::ok).compose(one -> v.get(api + "/versions").compose(Console::ok)
            .map(versions -> {
                JsonObject f = one.json();
                JsonObject m = f.getJsonObject("messages", new JsonObject());
                JsonObject last = f.getJsonObject("lastError");
                Html h = v.crumbs(PATH, "nav.flows").element("h1", v.t("flow.title", name))
                    .open("dl", "class", "facts")
                    .element("dt", v.t("integrations.state")).open("dd").element("span", v.state(f.getString("state")),
                        "class", "state state-" + f.getString("state"), "id", "state").close("dd")
                    .element("dt", v.t("flows.version")).element("dd", String.valueOf(f.getValue("version")),
                        "id", "version")
                    .element("dt", v.t("flows.member")).element("dd", f.getString("member") == null ? v.t("flows.hub")
                        : f.getString("member"))
                    .element("dt", v.t("integration.messages")).element("dd", v.t("integration.counts",
                        m.getLong("in", 0L), m.getLong("out", 0L), m.getLong("failed", 0L)), "id", "messages")
                    .element("dt", v.t("integrations.lastError"));
                v.lastError(h, last).close("dl");
                if (v.person().isHubAdmin() || v.person().has(Role.MEMBER_ADMIN)) {
                    h.open("div", "class", "actions");
                    if (f.getBoolean("enabled", false)) {
                        Plugins.button(h, v.t("flow.disable"), "POST", api + "/disable", null,
                            v.t("said.flowDisabled", name), "secondary");
                    } else {
                        Plugins.button(h, v.t("flow.enable"), "POST", api + "/enable", null,
                            v.t("said.flowEnabled", name), "secondary");
                    }
                    h.element("button", v.t("plugins.delete"), "type", "button", "class", "danger", "data-method",
                        "DELETE", "data-path", api, "data-confirm", v.t("flow.confirmDelete", name), "data-then",
                        PATH, "data-said", v.t("said.flowDeleted", name));
                    h.close("div");
                }
                h.element("h2", v.t("flow.definition")).element("pre", f.getString("definition", ""),
                    "id", "definition", "tabindex", "0");
                h.element("h2", v.t("flow.versions"));
                Console.table(v, h, v.t("flow.versions"), "versions", "flows.version", "audit.at", "flow.by",
                    "flow.note");
                for (Object o : versions.array()) {
                    JsonObject ver = (JsonObject) o;
                    h.open("tr").element("td", String.valueOf(ver.getValue("version"))
                            + (ver.getBoolean("current", false) ? " " + v.t("flow.current") : ""))
                        .element("td", ver.getString("createdAt", "")).element("td", ver.getString("createdBy", "–"))
                        .element("td", ver.getString("note", "")).close("tr");
                }
                Console.endTable(h);
                return new Console.Rendered(v.t("flow.title", name), h);
            }));
    }
}
