package de.datenhafen.core.web.console;

import de.datenhafen.api.web.Html;
import de.datenhafen.core.http.HttpApi;
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
    /**
     * The filters of free text; {@code action} (a part of the route) is the API's, offered as a field only on a page
     * asked with it (a hand-made address): the form chooses actions by their words ({@link #DO}).
     */
    private static final String[] FILTERS = {"principal", "action", "target", "member"};
    /** The filter's parameter naming an action by its words' key ({@code POST.admin.members.member.users}). */
    private static final String DO = "do";
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
        java.util.Optional<String> words = Console.TEXTS.find(v.language(), "audit.do." + key(action));
        boolean refused = outcome instanceof Number n && n.intValue() >= 400;
        if (words.isEmpty() && refused && action.startsWith("GET ")) {
            words = java.util.Optional.of(v.t("audit.readRefused"));
        }
        java.util.regex.Matcher plugin = PLUGIN_ROUTE.matcher(action);
        if (words.isEmpty() && plugin.matches()) { // a plugin's own route: which plugin's, the route under it
            words = java.util.Optional.of(v.t("audit.pluginCall", plugin.group(1)));
        } else if (words.isEmpty() && action.equals(de.datenhafen.core.Hub.TAKEOVER_ACTION)) {
            words = java.util.Optional.of(v.t("audit.takeover"));
        }
        if (words.isEmpty()) {
            h.element("td", action);
            return;
        }
        // a refusal in its own words where "done, refused" would contradict itself ("Angemeldet, abgelehnt")
        java.util.Optional<String> refusedWords = refused ? Console.TEXTS.find(v.language(), "audit.refusedAs."
            + key(action)) : java.util.Optional.empty();
        h.open("td").text(refusedWords.orElse(refused && !action.startsWith("GET ") ? v.t("audit.refused",
                words.get()) : words.get()))
            .element("span", action, "class", "route").close("td");
    }

    /** A write to a plugin's own route: {@code POST /api/v1/plugins/air-quality/uplinks}. */
    private static final java.util.regex.Pattern PLUGIN_ROUTE = java.util.regex.Pattern.compile(
        "[A-Z]+ /api/v1/plugins/([a-z0-9][a-z0-9._-]*)/.*");

    /**
     * The key of an action's words: {@code POST /api/v1/admin/members/:member/users} is
     * {@code POST.admin.members.member.users}.
     */
    private static String key(String action) {
        return action.replace("/api/v1/", "").replace(":", "").replace(' ', '.').replace('/', '.');
    }

    /**
     * The actions the filter offers, by their words in the page's language, sorted so; each with the routes that
     * have these words (a form's check of a new and of an existing integration say the same), under the first one's
     * key.
     */
    private static java.util.List<Action> actions(Console.View v, java.util.List<HttpApi.HttpRoute> routes) {
        java.util.Map<String, Action> byWords = new java.util.HashMap<>();
        for (HttpApi.HttpRoute r : routes) {
            String action = r.method() + " " + r.path();
            String key = key(action);
            Console.TEXTS.find(v.language(), "audit.do." + key).ifPresent(words -> byWords.merge(words,
                new Action(key, words, java.util.List.of(action)), (a, b) -> new Action(a.key().compareTo(b.key()) <= 0
                    ? a.key() : b.key(), words, java.util.stream.Stream.concat(a.routes().stream(),
                    b.routes().stream()).sorted().toList())));
        }
        java.text.Collator order = java.text.Collator.getInstance(v.language().locale());
        return byWords.values().stream().sorted((a, b) -> order.compare(a.words(), b.words())).toList();
    }

    private record Action(String key, String words, java.util.List<String> routes) {
    }

    static Future<Console.Rendered> render(Console.View v, java.util.List<HttpApi.HttpRoute> routes,
                                           de.datenhafen.core.plugin.PluginHost plugins) {
        StringBuilder query = new StringBuilder(); // the API's
        StringBuilder kept = new StringBuilder(); // this page's, for the link to older entries
        for (String f : FILTERS) {
            String value = v.ctx().request().getParam(f);
            if (value != null && !value.isBlank() && (!f.equals("member") || v.person().isHubAdmin())) {
                String pair = "&" + f + "=" + URLEncoder.encode(value.trim(), StandardCharsets.UTF_8);
                // "Wer" finds what it shows: the configuration's admin token by the words it is shown with
                query.append(f.equals("principal") && isBootstrapWords(value) ? "&kind=bootstrap" : pair);
                kept.append(pair);
            }
        }
        java.util.List<Action> actions = actions(v, routes);
        String chosen = v.ctx().request().getParam(DO);
        Action asked = actions.stream().filter(a -> a.key().equals(chosen)).findFirst().orElse(null);
        if (asked != null) {
            for (String route : asked.routes()) {
                query.append("&route=").append(URLEncoder.encode(route, StandardCharsets.UTF_8));
            }
            kept.append('&').append(DO).append('=').append(URLEncoder.encode(asked.key(), StandardCharsets.UTF_8));
        }
        java.util.Map<String, String> notDays = new java.util.LinkedHashMap<>(); // a field's name, what it had
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
                notDays.put(d, value.length() > 40 ? value.substring(0, 40) + "…" : value);
            }
        }
        // newest first: what happened last is what a person comes to look for; older pages go back from there
        String before = v.ctx().request().getParam("before", String.valueOf(Long.MAX_VALUE));
        try {
            before = String.valueOf(Math.max(0, Long.parseLong(before))); // digits past a long's: from the newest
        } catch (NumberFormatException e) {
            before = String.valueOf(Long.MAX_VALUE);
        }
        // or the page just newer than one ("after", from a page's link back): the API's oldest first, shown reversed
        long after = -1;
        try {
            after = Math.max(-1, Long.parseLong(v.ctx().request().getParam("after", "-1")));
        } catch (NumberFormatException e) {
            after = -1;
        }
        boolean newer = after >= 0;
        boolean paged = newer || v.ctx().request().getParam("before") != null;
        String filters = kept.toString();
        // a newer page asks one more than it shows: whether there are newer ones still
        return v.get("/api/v1/admin/audit?limit=" + (newer ? PAGE + 1 : PAGE) + (newer ? "&after=" + after
                : "&before=" + before) + query)
            .compose(Console::ok).map(reply -> {
                JsonObject page = reply.json();
                JsonArray entries = page.getJsonArray("entries", new JsonArray());
                boolean newerStill = newer && entries.size() > PAGE;
                if (newer) {
                    java.util.List<Object> newestFirst = new java.util.ArrayList<>(entries.getList().subList(0,
                        Math.min(PAGE, entries.size())));
                    java.util.Collections.reverse(newestFirst);
                    entries = new JsonArray(newestFirst);
                }
                Html h = new Html().element("h1", v.t("audit.title"))
                    .open("form", "method", "get", "action", PATH, "class", "filters", "id", "audit-filters");
                for (String f : FILTERS) {
                    if (f.equals("member") && !v.person().isHubAdmin()
                        || f.equals("action") && v.ctx().request().getParam(f) == null) {
                        continue;
                    }
                    String label = f.equals("action") ? "audit.actionRoute" : "audit." + f;
                    h.open("div", "class", "field").element("label", v.t(label), "for", "filter-" + f)
                        .empty("input", "type", "text", "id", "filter-" + f, "name", f, "value",
                            v.ctx().request().getParam(f), "spellcheck", "false").close("div");
                }
                h.open("div", "class", "field").element("label", v.t("audit.action"), "for", "filter-do")
                    .open("select", "id", "filter-do", "name", DO)
                    .element("option", v.t("audit.anyAction"), "value", "");
                for (Action a : actions) {
                    if (a == asked) {
                        h.element("option", a.words(), "value", a.key(), "selected", "selected");
                    } else {
                        h.element("option", a.words(), "value", a.key());
                    }
                }
                h.close("select").close("div");
                for (String d : DAYS) {
                    String value = v.ctx().request().getParam(d);
                    h.open("div", "class", "field").element("label", v.t("audit." + d), "for", "filter-" + d)
                        .empty("input", "type", "date", "id", "filter-" + d, "name", d, "value", value == null
                            ? null : value.trim(), "aria-invalid", notDays.containsKey(d) ? "true" : null,
                            "aria-describedby", notDays.containsKey(d) ? "filter-zone filter-" + d + "-problem"
                                : "filter-zone").close("div");
                }
                h.element("p", v.t("audit.zone", ZONE.getId()), "class", "hint", "id", "filter-zone")
                    .open("p").element("button", v.t("bus.filter"), "type", "submit", "class", "secondary").close("p")
                    .close("form");
                notDays.forEach((d, notADay) -> // a hand-made address: said at its field, not silently ignored
                    h.element("p", v.t("audit.notADay", notADay), "class", "problem", "role", "alert", "id",
                        "filter-" + d + "-problem"));
                if (entries.isEmpty()) {
                    h.element("p", v.t("audit.none"), "id", "no-entries");
                    return new Console.Rendered(v.t("audit.title"), h);
                }
                Console.table(v, h, v.t("audit.title"), "audit", "audit.at", "audit.principal", "audit.member",
                    "audit.action", "audit.target", "audit.outcome");
                for (Object o : entries) {
                    JsonObject e = (JsonObject) o;
                    h.open("tr").open("td");
                    v.time(h, e.getString("at")).close("td").element("td", who(v, e))
                        .element("td", e.getString("actorMember") == null ? e.getString("member", "–")
                            // done at another member's by one of this one's: both said
                            : v.t("audit.memberBy", e.getString("member", "–"), e.getString("actorMember")));
                    action(v, h, e.getString("action", ""), e.getValue("outcome"));
                    // what a change did (roles from and to, a state), under what it was done to
                    h.open("td").text(target(v, e.getString("target"))); // null in the JSON: none
                    String detail = detail(v, e, plugins);
                    if (detail != null) {
                        h.element("span", detail, "class", "detail");
                    }
                    h.close("td").element("td", String.valueOf(e.getValue("outcome"))).close("tr");
                }
                Console.endTable(h);
                // pages either way: older below the page's oldest; newer above its newest, unless it is the newest
                long oldest = ((JsonObject) entries.getValue(entries.size() - 1)).getLong("seq");
                long newest = ((JsonObject) entries.getValue(0)).getLong("seq");
                boolean older = newer || entries.size() == PAGE;
                boolean newerThere = newer ? newerStill : paged;
                if (older || newerThere) {
                    h.open("p", "class", "pages");
                    if (newerThere) {
                        h.link(PATH + "?after=" + newest + filters, v.t("audit.newer"), "rel", "prev");
                    }
                    if (older) {
                        h.text(newerThere ? " " : "").link(PATH + "?before=" + oldest + filters, v.t("audit.older"),
                            "rel", "next");
                    }
                    h.close("p");
                }
                return new Console.Rendered(v.t("audit.title"), h);
            });
    }

    /** Whether someone looking for "Wer" typed the words the page shows for the configuration's admin token. */
    private static boolean isBootstrapWords(String typed) {
        String t = typed.strip().toLowerCase(java.util.Locale.ROOT);
        return java.util.Arrays.stream(de.datenhafen.core.web.Language.values())
            .map(l -> Console.TEXTS.get(l, "audit.byBootstrap").toLowerCase(java.util.Locale.ROOT))
            .anyMatch(t::equals);
    }

    /**
     * Who did it as people know them: a person by their id, a token by its name (its id is shown nowhere else), the
     * configuration's admin token so named; no one (a refusal before sign-in) as a dash.
     */
    private static String who(Console.View v, JsonObject e) {
        String principal = e.getString("principal");
        if (principal == null) {
            return "–";
        }
        String id = principal.substring(principal.indexOf(':') + 1);
        String name = e.getString("principalName"); // a JSON null is no default's case
        return switch (String.valueOf(e.getString("kind"))) {
            case "user" -> id;
            case "token" -> v.t("audit.byToken", name != null ? name : id);
            case "bootstrap" -> v.t("audit.byBootstrap");
            default -> principal;
        };
    }

    /** The names the target is kept as ({@code {member=verein, user=dora}}): each a name and a value, no more. */
    private static final java.util.regex.Pattern NAMES = java.util.regex.Pattern.compile(
        "\\{([a-z]+=[^,={}]*)(, [a-z]+=[^,={}]*)*}");

    /**
     * What the entry was on, in words ("Mitglied verein, Benutzer dora"); an id or a name of something the action
     * already names (an integration's, a plugin's) stands alone. A target kept in another form is shown as it is.
     */
    static String target(Console.View v, String target) {
        if (target == null || !NAMES.matcher(target).matches()) {
            return target == null ? "" : target;
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String pair : target.substring(1, target.length() - 1).split(", ")) {
            int eq = pair.indexOf('=');
            // the signs a value's own text had, %-encoded by the hub so that it names nothing else
            String value = pair.substring(eq + 1).replace("%2C", ",").replace("%3D", "=").replace("%7B", "{")
                .replace("%7D", "}").replace("%25", "%");
            out.add(Console.TEXTS.find(v.language(), "audit.name." + pair.substring(0, eq))
                .map(words -> words + " " + value).orElse(value));
        }
        return String.join(", ", out);
    }

    /**
     * What an entry says beyond its target, in the page's language, part by part by its code (a refusal's reason by
     * the hub's error catalogue); a part the console has no words for (a newer hub's) as the API says it in English,
     * and an entry written before the hub kept codes by its English detail.
     */
    static String detail(Console.View v, JsonObject e, de.datenhafen.core.plugin.PluginHost plugins) {
        io.vertx.core.json.JsonArray parts = e.getJsonArray("details");
        if (parts == null || parts.isEmpty()) {
            return e.getString("detail");
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        java.util.List<String> reasons = new java.util.ArrayList<>(); // said once: "Grund: a; b"
        for (Object o : parts) {
            JsonObject part = (JsonObject) o;
            String code = part.getString("code", "");
            java.util.List<String> values = new java.util.ArrayList<>();
            part.getJsonArray("values", new io.vertx.core.json.JsonArray()).forEach(x -> values.add(String.valueOf(x)));
            if (code.equals("refused") && values.size() >= 3) {
                reasons.add(v.language() == de.datenhafen.core.web.Language.DE
                    ? new de.datenhafen.core.http.AuditDetail.Part(code, values).refusalInGerman(plugins)
                    : part.getString("text", "").replaceFirst("^refused: ", ""));
            } else if (Console.TEXTS.find(v.language(), "audit.detail." + code).isPresent()) {
                switch (code) {
                    case "state" -> values.replaceAll(v::state); // the states as the page names them elsewhere
                    case "roles", "granted" -> values.replaceAll(r -> r.replace(",", ", "));
                    case "expires" -> values.replaceAll(t -> v.timeText(t));
                    default -> { }
                }
                out.add(values.isEmpty() ? v.t("audit.detail." + code)
                    : v.t("audit.detail." + code, values.toArray()));
            } else {
                out.add(part.getString("text", code));
            }
        }
        if (!reasons.isEmpty()) {
            out.add(v.t("audit.detail.refused", String.join("; ", reasons)));
        }
        return String.join("; ", out);
    }
}
