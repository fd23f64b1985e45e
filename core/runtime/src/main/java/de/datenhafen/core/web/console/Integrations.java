package de.datenhafen.core.web.console;

import de.datenhafen.core.security.Role;
import de.datenhafen.api.web.Html;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The integrations pages: the list the API shows the person (state, messages in, out and failed, last error), one
 * integration with its config (secrets as the API redacts them) and its actions (pause, resume, restart, delete), and
 * the form that creates one from a connector's JSON Schema ({@link ConfigForm}), checked against {@code /validate} as
 * the person types ({@code integration-form.js}).
 */
final class Integrations {

    static final String PATH = Console.BASE + "integrations";
    /** The form for a new integration: not below {@link #PATH}, where every name (also "new") is an integration's. */
    static final String NEW = Console.BASE + "new/integration";

    private Integrations() {
    }

    static Future<Console.Rendered> list(Console.View v) {
        return v.get("/api/v1/admin/integrations").compose(Console::ok).map(reply -> {
            JsonArray items = reply.array();
            Html h = new Html().element("h1", v.t("integrations.title"));
            if (v.person().has(Role.MEMBER_ADMIN)) {
                h.open("p").link(NEW, v.t("integrations.new"), "class", "button").close("p");
            }
            if (items.isEmpty()) {
                h.element("p", v.t("integrations.none"));
                return new Console.Rendered(v.t("integrations.title"), h);
            }
            Console.table(v, h, v.t("integrations.title"), "integrations", "integrations.name",
                "integrations.connector", "integrations.plugin", "integrations.state", "integrations.in",
                "integrations.out", "integrations.failed", "integrations.lastError");
            for (Object o : items) {
                JsonObject i = (JsonObject) o;
                JsonObject m = i.getJsonObject("messages", new JsonObject());
                JsonObject last = i.getJsonObject("lastError");
                h.open("tr", "data-integration", i.getString("name")).open("th", "scope", "row")
                    .link(PATH + "/" + i.getString("name"), i.getString("name")).close("th")
                    .element("td", i.getString("connector")).element("td", i.getString("plugin"))
                    .open("td").element("span", v.state(i.getString("state")), "class", "state state-"
                        + i.getString("state")).close("td")
                    .element("td", String.valueOf(m.getLong("in", 0L)))
                    .element("td", String.valueOf(m.getLong("out", 0L)))
                    .element("td", String.valueOf(m.getLong("failed", 0L)));
                v.lastErrorCell(h, last).close("tr");
            }
            Console.endTable(h);
            return new Console.Rendered(v.t("integrations.title"), h);
        });
    }

    static Future<Console.Rendered> one(Console.View v) {
        String name = v.ctx().pathParam("name");
        return v.get("/api/v1/admin/integrations/" + URLEncoder.encode(name, StandardCharsets.UTF_8))
            .compose(Console::ok).compose(reply -> schema(v, reply.json().getString("connector"))
            .map(keys -> {
                JsonObject i = reply.json();
                JsonObject m = i.getJsonObject("messages", new JsonObject());
                JsonObject last = i.getJsonObject("lastError");
                String api = "/api/v1/admin/integrations/" + name;
                Html h = v.crumbs(PATH, "nav.integrations").element("h1", v.t("integration.title", name))
                    .open("dl", "class", "facts")
                    .element("dt", v.t("integrations.state")).open("dd").element("span", v.state(i.getString("state")),
                        "class", "state state-" + i.getString("state"), "id", "state").close("dd")
                    .element("dt", v.t("integrations.connector")).element("dd", i.getString("connector"))
                    .element("dt", v.t("integrations.plugin")).element("dd", i.getString("plugin"))
                    .element("dt", v.t("integration.messages")).element("dd", v.t("integration.counts",
                        m.getLong("in", 0L), m.getLong("out", 0L), m.getLong("failed", 0L)), "id", "messages")
                    .element("dt", v.t("integrations.lastError"));
                v.lastError(h, last).close("dl");
                if (v.person().has(Role.MEMBER_ADMIN)) {
                    h.open("div", "class", "actions");
                    if ("paused".equals(i.getString("state"))) {
                        Plugins.button(h, v.t("integration.resume"), "POST", api + "/resume", null,
                            v.t("said.integrationResumed", name), "secondary");
                    } else {
                        Plugins.button(h, v.t("integration.pause"), "POST", api + "/pause", null,
                            v.t("said.integrationPaused", name), "secondary");
                    }
                    Plugins.button(h, v.t("integration.restart"), "POST", api + "/restart", null,
                        v.t("said.integrationRestarted", name), "secondary");
                    h.link(PATH + "/" + name + "/edit", v.t("integration.edit"), "class", "button secondary");
                    h.element("button", v.t("plugins.delete"), "type", "button", "class", "danger", "data-method",
                        "DELETE", "data-path", api, "data-confirm", v.t("integration.confirmDelete", name),
                        "data-then", PATH, "data-said", v.t("said.integrationDeleted", name));
                    h.close("div");
                }
                h.element("h2", v.t("integration.config")).open("dl", "class", "facts", "id", "config");
                JsonObject config = i.getJsonObject("config", new JsonObject());
                for (String key : config.fieldNames()) {
                    Object value = ConfigForm.shown(keys.getJsonObject(key), config.getValue(key));
                    // as a person reads them: "ja", not "true"; 1000, not 1000.0
                    String text = value instanceof JsonArray a ? String.join(", ", a.stream().map(String::valueOf)
                        .toList()) : value instanceof Boolean yes ? v.t(yes ? "integration.yes" : "integration.no")
                        : value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15
                        ? String.valueOf(d.longValue()) : String.valueOf(value);
                    h.element("dt", key).element("dd", text);
                }
                h.close("dl");
                return new Console.Rendered(v.t("integration.title", name), h);
            }));
    }

    /**
     * The schema of each key of {@code connector}'s config ({@code properties} of its JSON Schema); none when its
     * plugin is not started or the connectors cannot be read: the page then shows the values as the API gives them.
     */
    private static Future<JsonObject> schema(Console.View v, String connector) {
        return v.get("/api/v1/admin/connectors").compose(Console::ok).map(all -> all.array().stream()
                .map(JsonObject.class::cast).filter(c -> c.getString("name").equals(connector)).findFirst()
                .map(c -> c.getJsonObject("configSchema", new JsonObject()).getJsonObject("properties", new JsonObject()))
                .orElse(new JsonObject()))
            .otherwise(new JsonObject());
    }

    /**
     * The members a person may name in a key of members' ids (an ingest's senders): every member for a hub-admin (the
     * API lists them to hub-admins alone), the person's own for anyone else; none if the list cannot be read.
     */
    private static Future<List<String>> memberIds(Console.View v) {
        if (!v.person().isHubAdmin()) {
            return Future.succeededFuture(v.person().member() == null ? List.of() : List.of(v.person().member()));
        }
        return v.get("/api/v1/admin/members").map(r -> r.ok() ? r.array().stream()
            .map(o -> ((JsonObject) o).getString("id")).toList() : List.<String>of());
    }

    /** The members and integrations a form's keys may name (see {@link ConfigForm.Known}); none if unreadable. */
    private static Future<ConfigForm.Known> known(Console.View v) {
        return memberIds(v).compose(members -> v.get("/api/v1/admin/integrations").map(r -> {
            java.util.Map<String, List<String>> byConnector = new java.util.TreeMap<>();
            if (r.ok()) {
                for (Object o : r.array()) {
                    JsonObject i = (JsonObject) o;
                    if (i.getString("connector") != null && i.getString("name") != null) {
                        byConnector.computeIfAbsent(i.getString("connector"), c -> new java.util.ArrayList<>())
                            .add(i.getString("name"));
                    }
                }
            }
            return new ConfigForm.Known(members, byConnector);
        }));
    }

    /** The same form for an integration's config, filled in with what the API shows (never a secret). */
    static Future<Console.Rendered> edit(Console.View v) {
        String name = v.ctx().pathParam("name");
        Future<ConfigForm.Known> known = known(v);
        return v.get("/api/v1/admin/integrations/" + URLEncoder.encode(name, StandardCharsets.UTF_8))
            .compose(Console::ok).compose(one -> known.compose(m -> v.get("/api/v1/admin/connectors"))
            .compose(Console::ok).map(all -> {
                JsonObject i = one.json();
                JsonObject connector = all.array().stream().map(o -> (JsonObject) o)
                    .filter(c -> c.getString("name").equals(i.getString("connector"))).findFirst().orElse(null);
                Html h = v.crumbs(PATH + "/" + name, "integration.back")
                    .element("h1", v.t("integration.editTitle", name));
                if (connector == null) {
                    h.element("p", v.t("integration.noConnector", i.getString("connector")), "class", "problem");
                    return new Console.Rendered(v.t("integration.editTitle", name), h);
                }
                h.open("form", "id", "integration-form", "data-connector", connector.getString("name"),
                    "data-integration", name, "novalidate", "", "data-said", v.t("said.integrationSaved", "{name}"));
                ConfigForm.fields(v, h, connector.getJsonObject("configSchema"), i.getJsonObject("config"),
                    known.result());
                h.element("p", "", "class", "field-problem", "id", "problem.config")
                    .open("p").element("button", v.t("integration.save"), "type", "submit").text(" ")
                    .link(PATH + "/" + name, v.t("integration.cancel")).close("p")
                    .element("p", "", "id", "form-result", "role", "status", "data-invalid", v.t("form.invalid"))
                    .close("form");
                return new Console.Rendered(v.t("integration.editTitle", name), h,
                    List.of("console/integration-form.js"));
            }));
    }

    /** The form for a new integration: first the connector, then its config. */
    static Future<Console.Rendered> create(Console.View v) {
        String chosen = v.ctx().request().getParam("connector");
        Future<ConfigForm.Known> known = known(v);
        return known.compose(m -> v.get("/api/v1/admin/connectors")).compose(Console::ok).map(reply -> {
            JsonArray connectors = reply.array();
            Html h = v.crumbs(PATH, "nav.integrations").element("h1", v.t("integrations.new"))
                .open("form", "method", "get", "action", NEW, "id", "choose")
                .element("label", v.t("integrations.connector"), "for", "connector")
                .open("select", "id", "connector", "name", "connector", "required", "");
            JsonObject schema = null;
            JsonObject picked = null;
            for (Object o : connectors) {
                JsonObject c = (JsonObject) o;
                boolean selected = c.getString("name").equals(chosen);
                if (selected) {
                    picked = c;
                    schema = c.getJsonObject("configSchema");
                }
                h.element("option", c.getString("name") + " (" + c.getString("plugin") + ")", "value",
                    c.getString("name"), "selected", selected ? "" : null);
            }
            h.close("select").open("p").element("button", v.t("integrations.choose"), "type", "submit",
                "class", "secondary").close("p").close("form");
            if (picked == null) {
                return new Console.Rendered(v.t("integrations.new"), h);
            }
            h.element("h2", picked.getString("name")).element("p", picked.getString("description", ""), "class", "hint")
                .open("form", "id", "integration-form", "data-connector", picked.getString("name"), "novalidate", "",
                    "data-said", v.t("said.integrationSaved", "{name}"))
                .element("label", v.t("integrations.name"), "for", "name")
                .empty("input", "type", "text", "id", "name", "name", "name", "required", "", "autocomplete", "off",
                    "spellcheck", "false", "aria-describedby", "hint.name problem.name")
                .element("p", v.t("integrations.nameHint"), "class", "hint", "id", "hint.name")
                .element("p", "", "class", "field-problem", "id", "problem.name");
            ConfigForm.fields(v, h, schema, null, known.result());
            h.element("p", "", "class", "field-problem", "id", "problem.config")
                .open("p").element("button", v.t("integrations.create"), "type", "submit").close("p")
                .element("p", "", "id", "form-result", "role", "status", "data-invalid", v.t("form.invalid"))
                .close("form");
            return new Console.Rendered(v.t("integrations.new"), h, List.of("console/integration-form.js"));
        });
    }
}
