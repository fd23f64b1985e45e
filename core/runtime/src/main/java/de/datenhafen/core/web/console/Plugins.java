package de.datenhafen.core.web.console;

import de.datenhafen.api.web.Html;
import de.datenhafen.core.http.ApiAccess;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The plugins page: every plugin the API lists for the person, with provider, owner, version, state, what admitted
 * its signature, and its error. Hub-admins get an upload (file picker or drag and drop; the hub's refusal is shown
 * as it says it) and enable, disable and delete, each confirmed first ({@code plugins.js}, {@code console.js}).
 */
final class Plugins {

    private Plugins() {
    }

    static Future<Console.Rendered> render(Console.View v) {
        boolean admin = v.person().isHubAdmin();
        // a hub-admin's buttons say which integrations disabling or deleting a plugin stops (they said "its
        // integrations", and one learnt which on the integrations' page afterwards)
        Future<java.util.Map<String, List<String>>> integrations = !admin ? Future.succeededFuture(java.util.Map.of())
            : v.get("/api/v1/admin/integrations").compose(Console::ok).map(r -> byPlugin(r.array()))
                .otherwise(java.util.Map.of()); // the list of plugins is shown whatever: the names are an aid
        return Future.all(v.get("/api/v1/admin/plugins").compose(Console::ok), integrations).map(all -> {
            JsonArray plugins = all.<ApiAccess.Reply>resultAt(0).array();
            java.util.Map<String, List<String>> stopping = all.resultAt(1);
            Html h = new Html().element("h1", v.t("plugins.title"));
            if (admin) {
                upload(v, h);
            }
            h.element("h2", v.t("plugins.installed"), "id", "installed");
            if (plugins.isEmpty()) {
                h.element("p", v.t("plugins.none"));
            } else {
                List<String> columns = new java.util.ArrayList<>(List.of("plugins.id", "plugins.version",
                    "plugins.provider", "plugins.owner", "plugins.state", "plugins.signature", "plugins.error"));
                if (admin) {
                    columns.add("plugins.actions");
                }
                Console.table(v, h, v.t("plugins.installed"), "plugins", columns.toArray(String[]::new));
                for (Object o : plugins) {
                    JsonObject p = (JsonObject) o;
                    row(v, h, p, admin, stopping.getOrDefault(p.getString("id"), List.of()));
                }
                Console.endTable(h);
            }
            return new Console.Rendered(v.t("plugins.title"), h, List.of("console/plugins.js"));
        });
    }

    /**
     * What admitted the plugin in the page's language, from the API's {@code admission}: not checked, the
     * allow-list, or whose verified signature (marked when its key is the repository's public test key); a reason it
     * was refused (an English sentence of the hub's) as the hub says it.
     */
    static String signature(Console.View v, JsonObject p) {
        JsonObject a = p.getJsonObject("admission");
        if (a == null) {
            return p.getString("signature", "–");
        }
        return switch (a.getString("kind", "")) {
            case "signed" -> v.t("plugins.signedBy", a.getString("member"), a.getString("key"))
                + (a.getBoolean("publicKey", false) ? " – " + v.t("plugins.publicTestKey") : "");
            case "not-checked" -> v.t("plugins.notChecked");
            case "allow-listed" -> v.t("plugins.allowListed");
            default -> p.getString("signature", "–");
        };
    }

    /** The integrations' names by their plugin, sorted. */
    private static java.util.Map<String, List<String>> byPlugin(JsonArray integrations) {
        java.util.Map<String, List<String>> out = new java.util.HashMap<>();
        for (Object o : integrations) {
            JsonObject i = (JsonObject) o;
            if (i.getString("plugin") != null) {
                out.computeIfAbsent(i.getString("plugin"), k -> new java.util.ArrayList<>()).add(i.getString("name"));
            }
        }
        out.values().forEach(java.util.Collections::sort);
        return out;
    }

    private static void row(Console.View v, Html h, JsonObject p, boolean admin, List<String> integrations) {
        // a confirmation is read whole: the first 10, and how many more
        String named = integrations.size() <= 10 ? String.join(", ", integrations)
            : v.t("plugins.andMore", String.join(", ", integrations.subList(0, 10)), integrations.size() - 10);
        String id = p.getString("id");
        String state = p.getString("state");
        h.open("tr", "data-plugin", id).element("th", id == null ? p.getString("file") : id, "scope", "row")
            .element("td", p.getString("version")).element("td", p.getString("provider"))
            .element("td", p.getString("owner", "–"))
            .open("td").element("span", v.state(state), "class", "state state-" + state).close("td")
            .element("td", signature(v, p)).element("td", p.getString("error", ""));
        if (admin) {
            h.open("td").open("div", "class", "actions");
            if (id != null && "started".equals(state)) {
                button(h, v.t("plugins.disable"), "POST", "/api/v1/admin/plugins/" + id + "/disable",
                    integrations.isEmpty() ? v.t("plugins.confirmDisableNone", id)
                        : v.t("plugins.confirmDisable", id, named), v.t("said.pluginDisabled", id), "secondary");
            } else if (id != null && !"deleted".equals(state)) {
                button(h, v.t("plugins.enable"), "POST", "/api/v1/admin/plugins/" + id + "/enable", null,
                    v.t("said.pluginEnabled", id), "secondary");
            }
            if (id != null && !"deleted".equals(state)) {
                button(h, v.t("plugins.delete"), "DELETE", "/api/v1/admin/plugins/" + id,
                    integrations.isEmpty() ? v.t("plugins.confirmDelete", id)
                        : v.t("plugins.confirmDeleteWith", id, named), v.t("said.pluginDeleted", id), "danger");
            }
            h.close("div").close("td");
        }
        h.close("tr");
    }

    /**
     * A button that calls the API (console.js), after a confirmation when {@code confirm} is set; the page loaded
     * again then says {@code said}.
     */
    static void button(Html h, String label, String method, String path, String confirm, String said,
                       String cssClass) {
        h.element("button", label, "type", "button", "class", cssClass, "data-method", method, "data-path", path,
            "data-confirm", confirm, "data-said", said);
    }

    private static void upload(Console.View v, Html h) {
        h.element("h2", v.t("plugins.upload"))
            // sent by plugins.js: the API takes the archive as the request body, which no plain form sends
            .open("form", "id", "upload", "class", "drop-zone", "data-no-file", v.t("plugins.noFile"), "data-said",
                v.t("said.pluginInstalled", "{id}"))
            .element("label", v.t("plugins.file"), "for", "archive")
            .empty("input", "type", "file", "id", "archive", "name", "archive", "accept", ".zip,.jar",
                "aria-describedby", "drop-hint")
            .element("p", v.t("plugins.dropHint"), "class", "hint", "id", "drop-hint")
            .open("p").empty("input", "type", "checkbox", "id", "enable", "name", "enable", "checked", "")
            .element("label", v.t("plugins.enableAfter"), "for", "enable", "class", "inline").close("p")
            .element("button", v.t("plugins.install"), "type", "submit")
            .element("p", "", "id", "upload-result", "role", "status")
            .close("form");
    }
}
