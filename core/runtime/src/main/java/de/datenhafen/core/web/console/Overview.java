package de.datenhafen.core.web.console;

import de.datenhafen.core.http.ApiAccess;
import de.datenhafen.api.web.Html;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The console's start page: the hub's health, plugins and integrations by state with their last errors, the bus's
 * rate, the subscriptions' lag and the dead letters. What the person may not read (subscriptions are the
 * association's) is left out, as the API refuses it. The live part is re-rendered on the server every few seconds
 * ({@code live.js} fetches {@value #LIVE} while the tab is visible, one request at a time).
 */
final class Overview {

    static final String LIVE = Console.BASE + "overview/live";

    /** The bus's last sequence and when it was read: the rate is the difference to the next reading. */
    private record Sample(long head, long nanos) {
    }

    /** How many integrations that do not run the card names. */
    private static final int NAMED = 5;

    private Sample previous;
    private double rate = Double.NaN;

    Future<Console.Rendered> render(Console.View v) {
        return live(v).map(live -> new Console.Rendered(v.t("overview.title"), new Html()
            .element("h1", v.t("overview.title"))
            .open("div", "id", "overview-live", "data-live", LIVE, "data-every", "3").append(live).close("div"),
            List.of("console/live.js")));
    }

    /** The live part alone, as {@code live.js} fetches it. */
    Future<Html> live(Console.View v) {
        Future<ApiAccess.Reply> health = v.get("/health/ready");
        Future<ApiAccess.Reply> plugins = v.get("/api/v1/admin/plugins").compose(Console::ok);
        Future<ApiAccess.Reply> integrations = v.get("/api/v1/admin/integrations").compose(Console::ok);
        // the bus's figures are a hub-admin's: asked as anyone else, every refresh (3 s) was a refusal in the audit
        Future<ApiAccess.Reply> subscriptions = v.person().isHubAdmin() ? v.get("/api/v1/admin/subscriptions")
            : Future.succeededFuture(null);
        return Future.all(health, plugins, integrations, subscriptions).map(all -> {
            JsonObject h = health.result().json();
            JsonArray p = plugins.result().array();
            JsonArray i = integrations.result().array();
            JsonArray s = subscriptions.result() != null && subscriptions.result().ok() ? subscriptions.result().array()
                : null;
            return content(v, h, p, i, s);
        });
    }

    private Html content(Console.View v, JsonObject health, JsonArray plugins, JsonArray integrations,
                                JsonArray subscriptions) {
        Html h = new Html().open("div", "class", "cards");
        String status = health.getString("status", "DOWN");
        long warnings = v.person().isHubAdmin() && "UP".equals(status) ? health.getJsonArray("checks", new JsonArray())
            .stream().filter(o -> "WARNING".equals(((JsonObject) o).getString("status"))).count() : 0;
        // ready, but with warnings to read below: said in the card too, not a green "in Ordnung" beside them
        // ("bereit", not "in Ordnung" in amber beside them: a walk-through read the two as disagreeing)
        card(h, v.t("overview.health"), warnings > 0 ? v.t("overview.readyWarned") : v.state(status), "health",
            warnings > 0 ? "WARNING" : status, null);
        if (warnings > 0) {
            h.element("p", v.t("overview.warnings", warnings));
        }
        h.close("div");
        card(h, v.t("overview.plugins"), String.valueOf(plugins.size()), "plugins", null, Console.BASE + "plugins");
        h.open("p").text(byState(v, plugins)).close("p").close("div");
        card(h, v.t("overview.integrations"), String.valueOf(integrations.size()), "integrations", null,
            Integrations.PATH);
        h.open("p").text(byState(v, integrations)).close("p");
        notRunning(v, h, integrations);
        h.close("div");
        if (subscriptions != null) {
            long head = subscriptions.isEmpty() ? 0 : subscriptions.getJsonObject(0).getLong("headSequence", 0L);
            double r = busRate(head);
            card(h, v.t("overview.busRate"), Double.isNaN(r) ? "–" : v.t("overview.perSecond", r), "bus-rate", null,
                Console.BASE + "bus");
            h.open("p").text(v.t("overview.head", head)).close("p").close("div");
            long lag = 0;
            long deadLetters = 0;
            for (Object o : subscriptions) {
                JsonObject sub = (JsonObject) o;
                lag += sub.getLong("lag", 0L);
                deadLetters += sub.getLong("deadLetters", 0L);
            }
            card(h, v.t("overview.lag"), String.valueOf(lag), "lag", null, Console.BASE + "bus").close("div");
            card(h, v.t("overview.deadLetters"), String.valueOf(deadLetters), "dead-letters", null,
                DeadLetters.PATH).close("div");
        }
        h.close("div");
        // every check that is not UP; for a hub-admin a warning too while the hub is ready (it still wants an admin's
        // eye: the test signing key trusted, say), where the health card alone said all was well. A member sees them
        // only while the hub is not ready, as before: the checks name other members' integrations
        List<JsonObject> notUp = new java.util.ArrayList<>();
        if (!"UP".equals(status) || v.person().isHubAdmin()) {
            for (Object o : health.getJsonArray("checks", new JsonArray())) {
                JsonObject c = (JsonObject) o;
                if (!"UP".equals(c.getString("status"))) {
                    notUp.add(c);
                }
            }
        }
        if (!notUp.isEmpty()) {
            h.open("ul", "class", "problems");
            for (JsonObject c : notUp) {
                // what the check means in the page's language, then the hub's own words (its name and reason, as
                // /health/ready and the log say them, which an admin searches for)
                String name = c.getString("name", "");
                int colon = name.indexOf(':');
                // (for a hub-admin: a member sees the checks' names only while the hub is not ready, as the API shows
                // them to anyone, and the words would say what the API's reasons keep to hub-admins)
                java.util.Optional<String> lead = !v.person().isHubAdmin() ? java.util.Optional.empty() : colon > 0
                    ? Console.TEXTS.find(v.language(), "check." + name.substring(0, colon) + "."
                        + c.getString("status", "")).or(() -> Console.TEXTS.find(v.language(), "check."
                        + name.substring(0, colon))).map(t ->
                        new java.text.MessageFormat(t, v.language().locale()).format(new Object[] {
                            name.substring(colon + 1)}))
                    : Console.TEXTS.find(v.language(), "check." + name);
                h.open("li", "class", "WARNING".equals(c.getString("status")) ? "warning" : "problem")
                    .text(v.state(c.getString("status")) + " · " + lead.orElse(name))
                    .element("span", (lead.isPresent() ? name + ": " : "") + c.getString("reason", ""), "class",
                        "detail")
                    .close("li");
            }
            h.close("ul");
        }
        errors(v, h, plugins, integrations);
        if (subscriptions != null && !subscriptions.isEmpty()) {
            h.element("h2", v.t("overview.subscriptions"));
            Console.table(v, h, v.t("overview.subscriptions"), "subscriptions", "overview.subscription",
                "overview.lag", "overview.rate", "overview.deadLetters");
            for (Object o : subscriptions) {
                JsonObject sub = (JsonObject) o;
                h.open("tr").element("td", sub.getString("name"))
                    .element("td", sub.getLong("lag", 0L) + (sub.getBoolean("lagCapped", false) ? "+" : ""))
                    .element("td", v.t("overview.perSecond", sub.getDouble("rate", 0.0)))
                    .element("td", String.valueOf(sub.getLong("deadLetters", 0L))).close("tr");
            }
            Console.endTable(h);
        }
        return h;
    }

    /**
     * A card, its title a link to the area it counts ({@code href}, or none); a figure's state (UP, DOWN, ...) gets
     * its class. Leaves the card open for more lines.
     */
    private static Html card(Html h, String title, String figure, String id, String state, String href) {
        h.open("div", "class", "card", "id", "card-" + id);
        if (href == null) {
            h.element("h2", title);
        } else {
            h.open("h2").link(href, title).close("h2");
        }
        return h.element("p", figure, "class", state == null ? "figure" : "figure state-" + state);
    }

    /** The integrations that are not running, each a link to its page (a count alone said nothing of which). */
    private static void notRunning(Console.View v, Html h, JsonArray integrations) {
        List<JsonObject> stopped = integrations.stream().map(o -> (JsonObject) o)
            .filter(i -> !"running".equals(i.getString("state"))).toList();
        if (stopped.isEmpty()) {
            return;
        }
        h.open("ul", "class", "names", "aria-label", v.t("overview.notRunning"));
        for (JsonObject i : stopped.subList(0, Math.min(NAMED, stopped.size()))) {
            h.open("li").link(Integrations.PATH + "/" + i.getString("name"), i.getString("name"))
                .text(" (" + v.state(i.getString("state")) + ")").close("li");
        }
        if (stopped.size() > NAMED) {
            h.element("li", v.t("overview.more", stopped.size() - NAMED));
        }
        h.close("ul");
    }

    private static String byState(Console.View v, JsonArray items) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Object o : items) {
            counts.merge(((JsonObject) o).getString("state", "?"), 1, Integer::sum);
        }
        StringBuilder s = new StringBuilder();
        // "läuft: 14", not "14 läuft": a state's word is no noun to count in German
        counts.forEach((state, n) -> s.append(s.length() == 0 ? "" : ", ").append(v.state(state)).append(": ")
            .append(n));
        return s.length() == 0 ? v.t("overview.none") : s.toString();
    }

    private static void errors(Console.View v, Html h, JsonArray plugins, JsonArray integrations) {
        Html rows = new Html();
        int n = 0;
        for (Object o : plugins) {
            JsonObject p = (JsonObject) o;
            if (p.getString("error") != null) {
                rows.open("tr").open("td").link(Console.BASE + "plugins", p.getString("id")).close("td")
                    .element("td", v.state(p.getString("state"))).element("td", p.getString("error"))
                    .element("td", "").close("tr");
                n++;
            }
        }
        for (Object o : integrations) {
            JsonObject i = (JsonObject) o;
            JsonObject last = i.getJsonObject("lastError");
            if (last != null) {
                rows.open("tr").open("td").link(Console.BASE + "integrations/" + i.getString("name"),
                        i.getString("name")).close("td")
                    .element("td", v.state(i.getString("state"))).element("td", last.getString("message"))
                    .open("td");
                v.time(rows, last.getString("at")).close("td").close("tr");
                n++;
            }
        }
        h.element("h2", v.t("overview.errors"));
        if (n == 0) {
            h.element("p", v.t("overview.noErrors"), "id", "no-errors");
            return;
        }
        Console.endTable(Console.table(v, h, v.t("overview.errors"), "errors", "overview.what", "overview.state",
            "overview.error", "overview.at").append(rows));
    }

    /** Events a second on the bus since the last reading at least a second ago (NaN before there is one). */
    private synchronized double busRate(long head) {
        long now = System.nanoTime();
        Sample last = previous;
        if (last == null) {
            previous = new Sample(head, now);
        } else if (now - last.nanos() >= 1_000_000_000L) {
            rate = Math.max(0, head - last.head()) / ((now - last.nanos()) / 1e9);
            previous = new Sample(head, now);
        }
        return rate;
    }
}
