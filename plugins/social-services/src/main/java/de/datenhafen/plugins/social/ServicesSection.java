package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.api.QueryString;
import de.datenhafen.api.web.Html;
import de.datenhafen.api.web.PublicPage;
import de.datenhafen.api.web.PublicRequest;
import de.datenhafen.api.web.PublicSection;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Counselling and culture on the city's page ({@code /beratung}), registered by the directory integration and read
 * through the same {@link Api} as the HSDS JSON API: the German-aware search with its filters (topic, language, free of
 * charge, step-free, open now) as a plain GET form, a service's page (open now or not, opening hours with today first,
 * address, contact, languages), and the upcoming cultural events by date.
 */
final class ServicesSection implements PublicSection {

    static final String ID = "beratung";
    static final String[] TOPICS = {"debt", "migration", "addiction", "family", "housing", "work", "health", "seniors",
        "youth", "disability", "concert", "reading", "exhibition", "theatre", "cinema", "course"};
    static final String[][] TOPIC_NAMES = {{"Schuldnerberatung", "Debt counselling"}, {"Migrationsberatung",
        "Migration advice"}, {"Suchtberatung", "Addiction counselling"}, {"Familienberatung", "Family counselling"},
        {"Wohnungsnotfallhilfe", "Housing emergency help"}, {"Arbeit und Beruf", "Work and jobs"}, {"Gesundheit",
        "Health"}, {"Seniorenberatung", "Advice for older people"}, {"Jugendhilfe", "Youth support"},
        {"Leben mit Behinderung", "Living with a disability"}, {"Konzert", "Concert"}, {"Lesung", "Reading"},
        {"Ausstellung", "Exhibition"}, {"Theater", "Theatre"}, {"Film", "Cinema"}, {"Kurs und Workshop",
        "Course and workshop"}};
    static final String CULTURE = "concert,reading,exhibition,theatre,cinema,course";
    static final String[][] LANGUAGES = {{"de", "Deutsch", "German"}, {"en", "Englisch", "English"}, {"tr", "Türkisch",
        "Turkish"}, {"ar", "Arabisch", "Arabic"}, {"uk", "Ukrainisch", "Ukrainian"}, {"ru", "Russisch", "Russian"},
        {"pl", "Polnisch", "Polish"}, {"fa", "Persisch", "Persian"}};
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

    private final Supplier<Directory> directory;
    private final Limits limits;
    private final TabularExport exports;

    ServicesSection(Supplier<Directory> directory, Limits limits, TabularExport exports) {
        this.directory = directory;
        this.limits = limits;
        this.exports = exports;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title(String language) {
        return "en".equals(language) ? "Counselling and culture" : "Beratung und Kultur";
    }

    @Override
    public int order() {
        return 30;
    }

    @Override
    public PublicPage render(PublicRequest request) {
        String[] p = request.path().split("/");
        if (request.path().isEmpty()) {
            return search(request);
        }
        if (p.length == 1 && p[0].equals("veranstaltungen")) {
            return events(request);
        }
        if (p.length == 2 && p[0].equals("angebot")) {
            return service(request, p[1]);
        }
        throw new NotFoundException("no page " + request.path());
    }

    @Override
    public Optional<Html> summary(PublicRequest request) {
        int services = directory.get().services().size();
        return Optional.of(new Html().element("p", request.text(services + " Angebote: Beratung bei Schulden, "
            + "Sucht, Migration und mehr, dazu Konzerte, Lesungen und Kurse.", services + " offers: advice on debt, "
            + "addiction, migration and more, and concerts, readings and courses."))
            .open("p").link(request.href("veranstaltungen"), request.text("Nächste Veranstaltungen",
                "Upcoming events")).close("p"));
    }

    // ---------------------------------------------------------------------------------------------------- search

    private PublicPage search(PublicRequest request) {
        QueryString in = request.query();
        String q = in.get("q", "").trim();
        String topic = in.get("topic", "");
        String language = in.get("language", "");
        boolean free = "true".equals(in.get("free"));
        boolean stepFree = "step-free".equals(in.get("accessibility"));
        boolean openNow = "true".equals(in.get("open_now"));
        Html h = new Html().element("h1", title(request.language()))
            .open("form", "class", "search", "method", "get", "action", request.href(""), "role", "search")
            .open("div").element("label", request.text("Suchbegriff", "Search for"), "for", "svc-q")
            .empty("input", "id", "svc-q", "name", "q", "type", "search", "value", q).close("div")
            .open("div").element("label", request.text("Thema", "Topic"), "for", "svc-topic")
            .open("select", "id", "svc-topic", "name", "topic")
            .element("option", request.text("alle Themen", "all topics"), "value", "");
        for (int i = 0; i < TOPICS.length; i++) {
            h.element("option", request.text(TOPIC_NAMES[i][0], TOPIC_NAMES[i][1]), "value", TOPICS[i], "selected",
                TOPICS[i].equals(topic) ? "selected" : null);
        }
        h.close("select").close("div").open("div")
            .element("label", request.text("Sprache", "Language"), "for", "svc-language")
            .open("select", "id", "svc-language", "name", "language")
            .element("option", request.text("alle Sprachen", "any language"), "value", "");
        for (String[] l : LANGUAGES) {
            h.element("option", request.text(l[1], l[2]), "value", l[0], "selected", l[0].equals(language)
                ? "selected" : null);
        }
        h.close("select").close("div").open("fieldset")
            .element("legend", request.text("Nur Angebote, die …", "Only offers that …"))
            .append(check("svc-free", "free", "true", free, request.text("kostenlos sind", "are free of charge")))
            .append(check("svc-step-free", "accessibility", "step-free", stepFree, request.text("stufenlos "
                + "erreichbar sind", "have step-free access")))
            .append(check("svc-open", "open_now", "true", openNow, request.text("jetzt geöffnet sind",
                "are open now")))
            .close("fieldset").element("button", request.text("Suchen", "Search"), "type", "submit").close("form");
        boolean asked = !q.isEmpty() || !topic.isEmpty() || !language.isEmpty() || free || stepFree || openNow;
        if (!asked) {
            h.element("p", request.text("Suchen Sie nach einem Wort (z. B. „Schulden“) oder wählen Sie ein Thema.",
                "Search for a word (e.g. “Schulden”, debts) or choose a topic."), "class", "hint")
                .open("p").link(request.href("veranstaltungen"), request.text("Die nächsten Veranstaltungen",
                    "The upcoming events")).close("p");
            return PublicPage.of(title(request.language()), h);
        }
        StringBuilder query = new StringBuilder("per_page=").append(Math.min(20, limits.maxPageSize()));
        param(query, "q", q);
        param(query, "topic", topic);
        param(query, "language", language);
        param(query, "free", free ? "true" : "");
        param(query, "accessibility", stepFree ? "step-free" : "");
        param(query, "open_now", openNow ? "true" : "");
        JsonNode result = get("search", query.toString());
        h.element("h2", request.text(result.path("total_items").asInt() + " Angebote gefunden",
            result.path("total_items").asInt() + " offers found"), "id", "results");
        h.open("ul", "class", "plain-list", "aria-labelledby", "results");
        Directory dir = directory.get();
        for (JsonNode hit : result.path("contents")) {
            h.open("li").link(request.href("angebot/" + hit.path("id").asText()), hit.path("name").asText());
            if (hit.hasNonNull("organization_name")) {
                h.element("div", hit.path("organization_name").asText(), "class", "meta");
            }
            h.append(openState(request, dir, hit.path("id").asText(), hit.path("next_opening").asText(null)));
            h.close("li");
        }
        return PublicPage.of(title(request.language()), h.close("ul"));
    }

    private static Html check(String id, String name, String value, boolean checked, String label) {
        return new Html().open("div", "class", "check")
            .empty("input", "type", "checkbox", "id", id, "name", name, "value", value, "checked",
                checked ? "checked" : null)
            .element("label", label, "for", id, "class", "check").close("div");
    }

    private static void param(StringBuilder query, String name, String value) {
        if (!value.isEmpty()) {
            query.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }

    /** "open now until 13:00", or "closed; opens Wed 14:00". */
    private static Html openState(PublicRequest request, Directory dir, String serviceId, String nextOpening) {
        IndexedService s = dir.index().get(serviceId);
        Html h = new Html();
        if (s == null || !s.hours().hasTimes()) {
            return h;
        }
        OpeningHours.State state = s.hours().state(Instant.now());
        if (state.open()) {
            return h.element("div", request.text("jetzt geöffnet", "open now") + (state.until() == null ? ""
                : request.text(" bis " + HH_MM.format(state.until()) + " Uhr", " until "
                + HH_MM.format(state.until()))), "class", "ok");
        }
        String next = "";
        if (nextOpening != null) {
            ZonedDateTime t = OffsetDateTime.parse(nextOpening).atZoneSameInstant(dir.zone());
            next = request.text("; öffnet ", "; opens ") + t.getDayOfWeek().getDisplayName(TextStyle.SHORT,
                Locale.forLanguageTag(request.language())) + " " + t.toLocalDate().format(
                DateTimeFormatter.ofPattern("d.M.")) + " " + HH_MM.format(t);
        }
        return h.element("div", request.text("jetzt geschlossen", "closed now") + next, "class", "meta");
    }

    // -------------------------------------------------------------------------------------------------- a service

    private PublicPage service(PublicRequest request, String id) {
        JsonNode s = get("services/" + id, null);
        Directory dir = directory.get();
        // titled by its name, as the search and the events list show it (in English it was titled by its other
        // name, so a reader did not find the offer they had clicked); the other name below it
        String name = s.path("name").asText();
        Html h = new Html().open("p").link(request.href(""), request.text("Zur Suche", "Back to the search"))
            .close("p").element("h1", name);
        if (s.hasNonNull("alternate_name") && !s.path("alternate_name").asText().equals(name)) {
            h.element("p", s.path("alternate_name").asText(), "class", "meta");
        }
        if (s.path("organization").hasNonNull("name")) {
            h.element("p", s.path("organization").path("name").asText(), "class", "meta");
        }
        h.element("p", s.path("description").asText(""));
        h.open("div", "id", "open-state", "data-refresh", "60").append(openState(request, dir, id, null))
            .close("div");
        // opening hours, today first
        h.element("h2", request.text("Öffnungszeiten", "Opening hours"));
        LocalDate today = LocalDate.now(dir.zone());
        Map<DayOfWeek, List<String>> byDay = new LinkedHashMap<>();
        List<String> other = new ArrayList<>();
        for (JsonNode sch : s.path("schedules")) {
            String times = times(request, sch);
            if ("WEEKLY".equals(sch.path("freq").asText()) && sch.hasNonNull("byday")
                && !sch.hasNonNull("dtstart")) {
                for (String d : sch.path("byday").asText().split(",")) {
                    DayOfWeek day = day(d.trim());
                    if (day != null) {
                        byDay.computeIfAbsent(day, k -> new ArrayList<>()).add(times);
                    }
                }
            } else {
                String when = sch.hasNonNull("dtstart") ? LocalDate.parse(sch.path("dtstart").asText())
                    .format(DateTimeFormatter.ofPattern("d.M.yyyy")) + ", " : "";
                other.add(when + times + (sch.hasNonNull("description") ? " – " + sch.path("description").asText()
                    : ""));
            }
        }
        if (byDay.isEmpty() && other.isEmpty()) {
            h.element("p", request.text("Keine Öffnungszeiten angegeben.", "No opening hours given."));
        }
        if (!byDay.isEmpty()) {
            h.open("table", "class", "hours").open("tbody");
            for (int i = 0; i < 7; i++) {
                LocalDate d = today.plusDays(i);
                List<String> t = byDay.get(d.getDayOfWeek());
                String label = (i == 0 ? request.text("Heute", "Today") + ", " : "") + d.getDayOfWeek()
                    .getDisplayName(TextStyle.FULL, Locale.forLanguageTag(request.language()));
                h.open("tr").element("th", label, "scope", "row").element("td", t == null
                    ? request.text("geschlossen", "closed") : String.join(", ", t)).close("tr");
            }
            h.close("tbody").close("table");
        }
        if (!other.isEmpty()) {
            h.open("ul", "class", "plain-list");
            other.forEach(o -> h.element("li", o));
            h.close("ul");
        }
        // where
        h.element("h2", request.text("Adresse", "Address"));
        boolean any = false;
        for (JsonNode sal : s.path("service_at_locations")) {
            JsonNode loc = sal.path("location");
            for (JsonNode a : loc.path("addresses")) {
                any = true;
                h.open("p").text(loc.path("name").asText("")).empty("br").text(a.path("address_1")
                    .asText("")).empty("br").text(a.path("postal_code").asText("") + " "
                    + a.path("city").asText("")).close("p");
            }
            if ("virtual".equals(loc.path("location_type").asText())) {
                any = true;
                h.open("p").text(loc.path("name").asText(request.text("online", "online")));
                if (loc.hasNonNull("url")) {
                    webAddress(h.text(" "), loc.path("url").asText());
                }
                h.close("p");
            }
            for (JsonNode acc : loc.path("accessibility")) {
                h.element("p", acc.path("description").asText(""), "class", "meta");
            }
        }
        if (!any) {
            h.element("p", request.text("Keine Adresse angegeben.", "No address given."));
        }
        // contact, languages, cost
        h.element("h2", request.text("Kontakt", "Contact")).open("ul", "class", "plain-list");
        for (JsonNode phone : s.path("phones")) {
            String number = phone.path("number").asText();
            // as text: the hub's pages link http(s) and mailto only, and phones offer to call a number anyway
            h.element("li", request.text("Telefon: ", "Phone: ") + number);
        }
        String email = s.hasNonNull("email") ? s.path("email").asText() : s.path("organization").path("email")
            .asText(null);
        if (email != null) {
            h.open("li").text(request.text("E-Mail: ", "Email: ")).link("mailto:" + email, email).close("li");
        }
        String web = s.path("organization").path("website").asText(null);
        if (web != null) {
            webAddress(h.open("li").text(request.text("Website: ", "Website: ")), web).close("li");
        }
        h.close("ul").element("h2", request.text("Sprachen", "Languages")).open("ul", "class", "plain-list");
        for (JsonNode l : s.path("languages")) {
            h.element("li", l.path("name").asText(), "lang", l.path("code").asText(null));
        }
        h.close("ul");
        for (JsonNode cost : s.path("cost_options")) {
            h.element("p", cost.path("amount").asDouble() == 0 ? request.text("Kostenlos.", "Free of charge.")
                : request.text("Kosten: ", "Cost: ") + cost.path("amount").asText() + " "
                + cost.path("currency").asText(""));
        }
        return PublicPage.of(name, h);
    }

    /**
     * A stored web address: a link when it keeps the directory's rule ({@link WebUrl}), else plain text. Imports and
     * edits refuse any other since the rule exists, but a directory stored before may hold one (a
     * {@code javascript:} URL, a bare {@code www.} name), and the page of its service must still show, not fail.
     */
    private static Html webAddress(Html h, String url) {
        return WebUrl.isWeb(url) ? h.link(url, url) : h.text(url);
    }

    private static String times(PublicRequest request, JsonNode sch) {
        String opens = sch.path("opens_at").asText("");
        String closes = sch.path("closes_at").asText("");
        if (opens.isEmpty()) {
            return sch.path("description").asText("");
        }
        if (opens.equals(closes)) {
            return request.text("rund um die Uhr", "around the clock");
        }
        return opens.substring(0, Math.min(5, opens.length())) + "–" + closes.substring(0, Math.min(5,
            closes.length())) + request.text(" Uhr", "");
    }

    private static DayOfWeek day(String code) {
        return switch (code) {
            case "MO" -> DayOfWeek.MONDAY;
            case "TU" -> DayOfWeek.TUESDAY;
            case "WE" -> DayOfWeek.WEDNESDAY;
            case "TH" -> DayOfWeek.THURSDAY;
            case "FR" -> DayOfWeek.FRIDAY;
            case "SA" -> DayOfWeek.SATURDAY;
            case "SU" -> DayOfWeek.SUNDAY;
            default -> null;
        };
    }

    // ----------------------------------------------------------------------------------------------------- events

    private PublicPage events(PublicRequest request) {
        JsonNode result = get("search", "topic=" + CULTURE + "&per_page=" + limits.maxPageSize());
        Directory dir = directory.get();
        TreeMap<LocalDate, List<String[]>> byDate = new TreeMap<>();
        for (JsonNode hit : result.path("contents")) {
            String next = hit.path("next_opening").asText(null);
            if (next == null) {
                continue;
            }
            ZonedDateTime t = OffsetDateTime.parse(next).atZoneSameInstant(dir.zone());
            byDate.computeIfAbsent(t.toLocalDate(), k -> new ArrayList<>()).add(new String[] {HH_MM.format(t),
                hit.path("id").asText(), hit.path("name").asText(), hit.path("organization_name").asText("")});
        }
        Html h = new Html().element("h1", request.text("Nächste Veranstaltungen", "Upcoming events"))
            .element("p", request.text("Konzerte, Lesungen, Ausstellungen, Theater, Filme und Kurse, nach Datum.",
                "Concerts, readings, exhibitions, theatre, films and courses, by date."), "class", "hint");
        if (byDate.isEmpty()) {
            h.element("p", request.text("Gerade sind keine Veranstaltungen angekündigt.", "No events are announced "
                + "just now."));
        }
        Locale locale = Locale.forLanguageTag(request.language());
        byDate.forEach((date, list) -> {
            list.sort((a, b) -> a[0].compareTo(b[0]));
            h.element("h2", date.getDayOfWeek().getDisplayName(TextStyle.FULL, locale) + ", " + date.format(
                DateTimeFormatter.ofPattern("d.M.yyyy"))).open("ul", "class", "plain-list");
            for (String[] e : list) {
                h.open("li").text(e[0] + request.text(" Uhr ", " ")).link(request.href("angebot/" + e[1]), e[2])
                    .element("div", e[3], "class", "meta").close("li");
            }
            h.close("ul");
        });
        return PublicPage.of(request.text("Nächste Veranstaltungen", "Upcoming events"), h);
    }

    /** A GET of the HSDS API, as the JSON routes answer it (its refusals are the API's exceptions). */
    private JsonNode get(String path, String query) {
        Api.Response r = new Api(directory.get(), limits, exports).handle(new Api.Request("GET", path, query, null,
            null, null));
        if (r.status() != 200) {
            throw new de.datenhafen.api.InvalidInputException(r.body().path("error").asText("bad request"),
                r.body().path("field").asText(null));
        }
        return r.body();
    }
}
