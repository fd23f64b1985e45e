package de.datenhafen.core.web.console;

import de.datenhafen.api.web.Html;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The dead letters: browsed by subscription and error text a page at a time (the API's cursor), each with its error, attempts and
 * the event (inspected in a disclosure, no script needed), replayed or discarded one by one, the selected ones, or all
 * of a subscription ({@code dead-letters.js}).
 */
final class DeadLetters {

    static final String PATH = Console.BASE + "dead-letters";
    private static final int PAGE = 50;

    private DeadLetters() {
    }

    static Future<Console.Rendered> render(Console.View v) {
        String subscription = v.ctx().request().getParam("subscription", "");
        String error = v.ctx().request().getParam("errorContains", "");
        String after = v.ctx().request().getParam("after", "0");
        if (!after.matches("\\d{1,18}")) {
            after = "0";
        }
        String filter = param("subscription", subscription) + param("errorContains", error);
        String query = "?limit=" + PAGE + "&after=" + after + filter;
        return v.get("/api/v1/admin/dead-letters" + query).compose(Console::ok).map(reply -> {
            JsonObject page = reply.json();
            JsonArray items = page.getJsonArray("deadLetters", new JsonArray());
            Html h = new Html().element("h1", v.t("dead.title"))
                .open("form", "method", "get", "action", PATH, "class", "filters")
                .element("label", v.t("overview.subscription"), "for", "subscription")
                .empty("input", "type", "text", "id", "subscription", "name", "subscription", "value", subscription,
                    "spellcheck", "false")
                .element("label", v.t("dead.errorContains"), "for", "errorContains")
                .empty("input", "type", "text", "id", "errorContains", "name", "errorContains", "value", error,
                    "spellcheck", "false")
                .open("p").element("button", v.t("bus.filter"), "type", "submit", "class", "secondary").close("p")
                .close("form");
            if (items.isEmpty()) {
                h.element("p", v.t("dead.none"), "id", "no-dead-letters");
                return new Console.Rendered(v.t("dead.title"), h);
            }
            // dead-letters.js says what came of an action with these texts
            h.open("div", "class", "actions", "id", "dead-actions", "data-outcome", v.t("dead.outcome"),
                    "data-outcome-all", v.t("dead.outcomeAll"), "data-discarded", v.t("dead.discarded"),
                    "data-progress", v.t("dead.progress"), "data-working", v.t("dead.working"),
                    "data-none-selected", v.t("dead.noneSelected"))
                .element("button", v.t("dead.replaySelected"), "type", "button", "id", "replay-selected")
                .element("button", v.t("dead.discardSelected"), "type", "button", "id", "discard-selected",
                    "class", "danger", "data-confirm", v.t("dead.confirmDiscard"));
            if (!subscription.isEmpty()) {
                h.element("button", v.t(error.isEmpty() ? "dead.replayAll" : "dead.replayAllMatching", subscription),
                    "type", "button", "id", "replay-all", "data-subscription", subscription, "data-error-contains",
                    error.isEmpty() ? null : error);
            }
            h.close("div").element("p", "", "id", "dead-result", "role", "status")
                .open("ul", "class", "dead-letters", "id", "dead-letters");
            for (Object o : items) {
                JsonObject d = (JsonObject) o;
                long id = d.getLong("id");
                JsonObject event = d.getJsonObject("event", new JsonObject());
                h.open("li", "data-dead-letter", String.valueOf(id))
                    .open("p").empty("input", "type", "checkbox", "id", "select-" + id, "value", String.valueOf(id),
                        "class", "select")
                    .element("label", v.t("dead.item", id, d.getString("subscription"), event.getString("type", "?"),
                        d.getInteger("attempts", 0)), "for", "select-" + id, "class", "inline").close("p")
                    .element("p", d.getString("error", ""), "class", "problem")
                    .open("p", "class", "hint").text(v.t("dead.firstFailed") + " ");
                v.time(h, d.getString("firstFailedAt")).text(", " + v.t("dead.lastFailed") + " ");
                v.time(h, d.getString("lastFailedAt")).close("p")
                    .open("details").element("summary", v.t("dead.inspect"))
                    .element("pre", event.encodePrettily(), "tabindex", "0").close("details")
                    .open("div", "class", "actions");
                h.element("button", v.t("dead.replay"), "type", "button", "class", "secondary replay-one", "data-id",
                        String.valueOf(id))
                    .element("button", v.t("dead.discard"), "type", "button", "class", "danger discard-one", "data-id",
                        String.valueOf(id), "data-confirm", v.t("dead.confirmDiscardOne", id));
                h.close("div").close("li");
            }
            h.close("ul");
            Object next = page.getValue("next");
            if (next != null) {
                h.open("p").link(PATH + "?after=" + next + filter, v.t("dead.next")).close("p");
            }
            return new Console.Rendered(v.t("dead.title"), h, List.of("console/dead-letters.js"));
        });
    }

    /** {@code &name=value} for a filter that is set, else nothing. */
    private static String param(String name, String value) {
        return value.isEmpty() ? "" : "&" + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
