package de.datenhafen.core.web.console;

import de.datenhafen.api.web.Html;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The bus page: the live tail of {@code /api/v1/events/stream} with type and subject filters, pause and resume, an
 * event's whole CloudEvent on click, and a count of the events it skipped when the page cannot keep up
 * ({@code bus.js}: at most {@value #SHOWN} events in the page); and the subscriptions with lag, rate and dead letters,
 * each with a seek by time (the browser's local time, sent as an instant).
 * The filters are a plain form, so the page says what it filters without JavaScript too.
 */
final class Bus {

    /** Events the tail keeps in the page; older ones leave it. */
    static final int SHOWN = 200;

    private Bus() {
    }

    static Future<Console.Rendered> render(Console.View v) {
        String type = v.ctx().request().getParam("type", "");
        String subject = v.ctx().request().getParam("subject", "");
        return v.get("/api/v1/admin/subscriptions").compose(Console::ok).map(reply -> {
            Html h = new Html().element("h1", v.t("bus.title"))
                .open("form", "method", "get", "action", Console.BASE + "bus", "id", "tail-filter", "class", "filters")
                .element("label", v.t("bus.type"), "for", "type")
                .empty("input", "type", "text", "id", "type", "name", "type", "value", type, "aria-describedby",
                    "type-hint", "spellcheck", "false")
                .element("p", v.t("bus.typeHint"), "class", "hint", "id", "type-hint")
                .element("label", v.t("bus.subject"), "for", "subject")
                .empty("input", "type", "text", "id", "subject", "name", "subject", "value", subject, "spellcheck",
                    "false")
                .open("p").element("button", v.t("bus.filter"), "type", "submit", "class", "secondary").close("p")
                .close("form")
                .open("section", "class", "tail", "id", "tail", "aria-labelledby", "tail-title", "data-shown",
                    String.valueOf(SHOWN), "data-paused-label", v.t("bus.resume"), "data-running-label",
                    v.t("bus.pause"))
                .element("h2", v.t("bus.tail"), "id", "tail-title")
                .open("div", "class", "actions")
                .element("button", v.t("bus.pause"), "type", "button", "id", "tail-toggle", "class", "secondary",
                    "aria-pressed", "false")
                // not a live region: the counts change several times a second, and a screen reader read each change
                .open("p", "id", "tail-counts")
                .element("span", "0", "id", "tail-received").text(" " + v.t("bus.received") + ", ")
                .element("span", "0", "id", "tail-skipped").text(" " + v.t("bus.skipped"))
                .close("p").close("div")
                .element("p", v.t("bus.noScript"), "class", "hint", "id", "tail-state")
                .open("ol", "id", "tail-events", "aria-label", v.t("bus.events")).close("ol")
                .close("section")
                .open("section", "id", "event-detail", "aria-labelledby", "detail-title", "hidden", "")
                .element("h2", v.t("bus.detail"), "id", "detail-title")
                .element("pre", "", "id", "detail-json", "tabindex", "0")
                .close("section");
            subscriptions(v, h, reply.array());
            return new Console.Rendered(v.t("bus.title"), h, List.of("console/bus.js"));
        });
    }

    private static void subscriptions(Console.View v, Html h, JsonArray subscriptions) {
        h.element("h2", v.t("overview.subscriptions"));
        if (subscriptions.isEmpty()) {
            h.element("p", v.t("bus.noSubscriptions"));
            return;
        }
        Console.table(v, h, v.t("overview.subscriptions"), "subscriptions", "overview.subscription", "bus.types",
            "bus.consumedBy", "overview.lag", "overview.rate", "overview.deadLetters", "bus.seek");
        int row = 0;
        for (Object o : subscriptions) {
            JsonObject s = (JsonObject) o;
            String seekId = "seek-" + row++;
            long dead = s.getLong("deadLetters", 0L);
            h.open("tr", "data-subscription", s.getString("name")).element("th", s.getString("name"), "scope", "row")
                .element("td", String.join(", ", s.getJsonArray("types", new JsonArray()).stream()
                    .map(String::valueOf).toList()))
                .element("td", s.getString("consumedBy", "–"))
                .element("td", s.getLong("lag", 0L) + (s.getBoolean("lagCapped", false) ? "+" : ""))
                .element("td", v.t("overview.perSecond", s.getDouble("rate", 0.0)))
                .open("td");
            if (dead > 0) {
                h.link(DeadLetters.PATH + "?subscription=" + s.getString("name"), String.valueOf(dead));
            } else {
                h.text("0");
            }
            // seek by time: the subscription delivers again from the first event at or after it (bus.js sends it)
            h.close("td").open("td")
                .open("form", "class", "seek", "data-subscription", s.getString("name"), "data-done",
                    v.t("bus.seekDone"))
                .element("label", v.t("bus.seekTime", s.getString("name")), "for", seekId, "class", "visually-hidden")
                .empty("input", "type", "datetime-local", "id", seekId, "name", "time", "step", "1", "required", "")
                .element("button", v.t("bus.seekButton"), "type", "submit", "class", "secondary")
                .close("form");
            if (s.getString("consumedBy") == null) {
                // no integration or flow reads it (one that was deleted leaves its subscription, so a new one of the
                // same name goes on from its cursor): an admin may delete it here, with its dead letters
                Plugins.button(h, v.t("bus.delete"), "DELETE", "/api/v1/admin/subscriptions/"
                    + java.net.URLEncoder.encode(s.getString("name"), java.nio.charset.StandardCharsets.UTF_8),
                    v.t("bus.confirmDelete", s.getString("name")), v.t("said.subscriptionDeleted", s.getString("name")),
                    "danger");
            }
            h.close("td").close("tr");
        }
        Console.endTable(h);
    }
}
