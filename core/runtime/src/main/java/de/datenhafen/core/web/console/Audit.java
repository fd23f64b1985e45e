package de.datenhafen.core.web.console;

import de.datenhafen.api.web.Html;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The audit log, filtered (principal, action, target, and the member for hub-admins; the API shows a member's people
 * their own member's entries only) and paged by the API's cursor. A plain GET form: works without JavaScript.
 */
final class Audit {

    static final String PATH = Console.BASE + "audit";
    private static final int PAGE = 50;
    private static final String[] FILTERS = {"principal", "action", "target", "member"};
    /** Days, from the first to the last (both whole), in the hub's time zone. */
    private static final String[] DAYS = {"from", "to"};

    /** The zone the days of the filter are in: the hub's (its JVM's default). */
    private static final java.time.ZoneId ZONE = java.time.ZoneId.systemDefault();

    private Audit() {
    }

    /**
     * An entry's action as a person reads it ("Benutzer eingeladen"), with the method and route the API recorded
     * under it, which the filter finds; an action without words of its own (a refused read, a plugin's route) is
     * shown as recorded.
     */
    static void action(Console.View v, Html h, String action, Object outcome) {
        String key = "audit.do." + action.replace("/api/v1/", "").replace(":", "").replace(' ', '.').replace('/', '.');
        java.util.Optional<String> words = Console.TEXTS.find(v.language(), key);
        boolean refused = outcome instanceof Number n && n.intValue() >= 400;
        if (words.isEmpty() && refused && action.startsWith("GET ")) {
            words = java.util.Optional.of(v.t("audit.readRefused"));
        }
        if (words.isEmpty()) {
            h.element("td", action);
            return;
        }
        h.open("td").text(refused && !action.startsWith("GET ") ? v.t("audit.refused", words.get()) : words.get())
            .element("span", action, "class", "route").close("td");
    }

    static Future<Console.Rendered> render(Console.View v) {
        StringBuilder query = new StringBuilder(); // the API's
        StringBuilder kept = new StringBuilder(); // this page's, for the link to older entries
        for (String f : FILTERS) {
            String value = v.ctx().request().getParam(f);
            if (value != null && !value.isBlank() && (!f.equals("member") || v.person().isHubAdmin())) {
                String pair = "&" + f + "=" + URLEncoder.encode(value.trim(), StandardCharsets.UTF_8);
                query.append(pair);
                kept.append(pair);
            }
        }
        java.util.List<String> notDays = new java.util.ArrayList<>();
        for (String d : DAYS) {
            String value = v.ctx().request().getParam(d);
            if (value == null || value.isBlank()) {
                continue;
            }
            try {
                java.time.LocalDate day = java.time.LocalDate.parse(value.trim());
                if (day.getYear() < 1970 || day.getYear() > 9999) { // what the database's timestamps hold
                    throw new java.time.DateTimeException("out of range");
                }
                // the API's "to" is the first moment not included: the day after the last one asked for
                query.append('&').append(d).append('=').append(URLEncoder.encode((d.equals("to") ? day.plusDays(1)
                    : day).atStartOfDay(ZONE).toInstant().toString(), StandardCharsets.UTF_8));
                kept.append('&').append(d).append('=').append(day);
            } catch (java.time.DateTimeException e) {
                notDays.add(value.length() > 40 ? value.substring(0, 40) + "…" : value);
            }
        }
        // newest first: what happened last is what a person comes to look for; older pages go back from there
        String before = v.ctx().request().getParam("before", String.valueOf(Long.MAX_VALUE));
        try {
            before = String.valueOf(Math.max(0, Long.parseLong(before))); // digits past a long's: from the newest
        } catch (NumberFormatException e) {
            before = String.valueOf(Long.MAX_VALUE);
        }
        String filters = kept.toString();
        return v.get("/api/v1/admin/audit?limit=" + PAGE + "&before=" + before + query).compose(Console::ok)
            .map(reply -> {
                JsonObject page = reply.json();
                JsonArray entries = page.getJsonArray("entries", new JsonArray());
                Html h = new Html().element("h1", v.t("audit.title"))
                    .open("form", "method", "get", "action", PATH, "class", "filters");
                for (String f : FILTERS) {
                    if (f.equals("member") && !v.person().isHubAdmin()) {
                        continue;
                    }
                    h.element("label", v.t("audit." + f), "for", "filter-" + f)
                        .empty("input", "type", "text", "id", "filter-" + f, "name", f, "value",
                            v.ctx().request().getParam(f), "spellcheck", "false");
                }
                for (String d : DAYS) {
                    String value = v.ctx().request().getParam(d);
                    h.element("label", v.t("audit." + d), "for", "filter-" + d)
                        .empty("input", "type", "date", "id", "filter-" + d, "name", d, "value", value == null
                            ? null : value.trim(), "aria-describedby", "filter-zone");
                }
                h.element("p", v.t("audit.zone", ZONE.getId()), "class", "hint", "id", "filter-zone")
                    .open("p").element("button", v.t("bus.filter"), "type", "submit", "class", "secondary").close("p")
                    .close("form");
                for (String notADay : notDays) { // a hand-made address: said, not silently ignored
                    h.element("p", v.t("audit.notADay", notADay), "class", "problem", "role", "alert");
                }
                if (entries.isEmpty()) {
                    h.element("p", v.t("audit.none"), "id", "no-entries");
                    return new Console.Rendered(v.t("audit.title"), h);
                }
                Console.table(v, h, v.t("audit.title"), "audit", "audit.at", "audit.principal", "audit.member",
                    "audit.action", "audit.target", "audit.outcome");
                for (Object o : entries) {
                    JsonObject e = (JsonObject) o;
                    h.open("tr").open("td");
                    v.time(h, e.getString("at")).close("td").element("td", e.getString("principal", "–"))
                        .element("td", e.getString("member", "–"));
                    action(v, h, e.getString("action", ""), e.getValue("outcome"));
                    // what a change did (roles from and to, a state), under what it was done to
                    h.open("td").text(e.getString("target", ""));
                    if (e.getString("detail") != null) {
                        h.element("span", e.getString("detail"), "class", "detail");
                    }
                    h.close("td").element("td", String.valueOf(e.getValue("outcome"))).close("tr");
                }
                Console.endTable(h);
                Object next = page.getValue("next");
                if (next != null && entries.size() == PAGE) {
                    h.open("p").link(PATH + "?before=" + next + filters, v.t("audit.older"), "rel", "next")
                        .close("p");
                }
                return new Console.Rendered(v.t("audit.title"), h);
            });
    }
}
