package de.datenhafen.plugins.transit;

import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.api.web.Html;
import de.datenhafen.api.web.PublicPage;
import de.datenhafen.api.web.PublicRequest;
import de.datenhafen.api.web.PublicSection;
import de.datenhafen.plugins.transit.timetable.Departures;
import de.datenhafen.plugins.transit.timetable.Timetable;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The bus departures on the city's page, registered by the {@code gtfs-schedule} integration whose timetable and live
 * state they show (the same ones as its JSON API): a stop search that forgives umlauts and "ss" (the feed's
 * {@code StopSearch}), a stop's next departures with live delays and cancellations that refresh themselves, and the
 * stops nearest to a place for other sections (a school's page).
 */
final class DeparturesSection implements PublicSection {

    /** How far ahead a stop's page looks, and how many departures it lists. */
    static final long WINDOW_SECONDS = 2 * 3600;
    static final int LIMIT = 12;
    /** How far from a place a stop counts as near. */
    static final double NEAR_METRES = 1000;
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

    private final String id;
    private final FeedState feed;
    private final TransitApi.Limits limits;

    DeparturesSection(String id, FeedState feed, TransitApi.Limits limits) {
        this.id = id;
        this.feed = feed;
        this.limits = limits;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String title(String language) {
        return "en".equals(language) ? "Bus departures" : "Abfahrten";
    }

    @Override
    public int order() {
        return 20;
    }

    @Override
    public PublicPage render(PublicRequest request) {
        FeedState.Loaded loaded = feed.loaded();
        if (loaded == null) {
            return PublicPage.of(title(request.language()), new Html().element("h1", title(request.language()))
                .element("p", request.text("Der Fahrplan wird gerade geladen. Bitte gleich noch einmal versuchen.",
                    "The timetable is being loaded. Please try again in a moment."), "id", "loading",
                    "data-refresh", "10"));
        }
        String path = request.path();
        if (path.isEmpty()) {
            return search(request, loaded);
        }
        Integer stop = loaded.timetable().stopIndex.get(path);
        if (stop == null) {
            throw new NotFoundException("no stop " + path);
        }
        return stop(request, loaded.timetable(), stop);
    }

    @Override
    public Optional<Html> summary(PublicRequest request) {
        FeedState.Loaded loaded = feed.loaded();
        Html h = new Html();
        if (loaded == null) {
            return Optional.of(h.element("p", request.text("Der Fahrplan wird geladen.", "Loading the timetable.")));
        }
        int stops = loaded.timetable().stopIds.length;
        int buses = feed.live().vehicles().size();
        return Optional.of(h.element("p", request.text(stops + (stops == 1 ? " Haltestelle, " : " Haltestellen, ")
            + buses + (buses == 1 ? " Bus gerade unterwegs." : " Busse gerade unterwegs."), stops
            + (stops == 1 ? " stop, " : " stops, ") + buses + (buses == 1 ? " bus on the road now." : " buses on the "
            + "road now."))));
    }

    @Override
    public List<Nearby> near(double lat, double lon, int max, PublicRequest request) {
        FeedState.Loaded loaded = feed.loaded();
        if (loaded == null) {
            return List.of();
        }
        Timetable tt = loaded.timetable();
        List<Nearby> out = new ArrayList<>();
        for (double[] hit : loaded.search().nearest(lat, lon, NEAR_METRES, max)) {
            int s = (int) hit[0];
            List<Departures.Departure> next = Departures.find(tt, feed.live(), tt.stopGroup(s), Instant.now(),
                WINDOW_SECONDS, 2);
            List<String> lines = new ArrayList<>();
            for (Departures.Departure d : next) {
                lines.add(TransitApi.lineName(tt, tt.tripRoute[d.trip()]) + " → " + tt.tripHeadsigns[d.trip()] + " "
                    + HH_MM.format(Instant.ofEpochSecond(d.expected()).atZone(tt.zone)));
            }
            out.add(new Nearby(tt.stopNames[s], request.href(tt.stopIds[s]), (int) Math.round(hit[1]),
                lines.isEmpty() ? null : String.join(", ", lines)));
        }
        return out;
    }

    private PublicPage search(PublicRequest request, FeedState.Loaded loaded) {
        Timetable tt = loaded.timetable();
        String q = request.query().get("q", "").trim();
        if (q.length() > limits.maxQueryLength()) {
            throw new InvalidInputException("q is longer than " + limits.maxQueryLength() + " characters", "q");
        }
        Html h = new Html().element("h1", title(request.language()))
            .open("form", "class", "search", "method", "get", "action", request.href(""), "role", "search")
            .open("div").element("label", request.text("Haltestelle suchen", "Find a stop"), "for", "stop-q")
            .empty("input", "id", "stop-q", "name", "q", "type", "search", "value", q, "autocomplete", "off")
            .close("div").element("button", request.text("Suchen", "Search"), "type", "submit").close("form")
            .element("p", request.text("Umlaute und ß dürfen auch als ae, oe, ue und ss geschrieben werden.",
                "Umlauts and ß may also be typed as ae, oe, ue and ss."), "class", "hint");
        if (!q.isEmpty()) {
            List<Integer> hits = loaded.search().byName(q, 20);
            int n = hits.size();
            h.element("h2", request.text(n + (n == 1 ? " Haltestelle" : " Haltestellen") + " für „" + q + "“", n
                + (n == 1 ? " stop" : " stops") + " for “" + q + "”"));
            h.open("ul", "class", "plain-list");
            for (int s : hits) {
                h.open("li").link(request.href(tt.stopIds[s]), tt.stopNames[s]);
                if (tt.stopPlatforms[s] != null) {
                    h.text(request.text(" (Steig ", " (platform ") + tt.stopPlatforms[s] + ")");
                }
                h.close("li");
            }
            h.close("ul");
        }
        return PublicPage.of(title(request.language()), h).etag("t" + tt.loadedAt.toEpochMilli() + "-"
            + Integer.toHexString(q.hashCode()));
    }

    private PublicPage stop(PublicRequest request, Timetable tt, int stop) {
        Instant now = Instant.now();
        List<Departures.Departure> deps = Departures.find(tt, feed.live(), tt.stopGroup(stop), now, WINDOW_SECONDS,
            LIMIT);
        String name = tt.stopNames[stop];
        Html h = new Html().open("p").link(request.href(""), request.text("Andere Haltestelle suchen",
            "Find another stop")).close("p").element("h1", name);
        h.open("div", "id", "departures", "data-refresh", "30", "aria-live", "polite")
            .element("p", request.text("Stand: ", "As of ") + HH_MM.format(now.atZone(tt.zone))
                + request.text(" Uhr. Die Liste aktualisiert sich selbst.", ". The list updates itself."),
                "class", "updated");
        if (deps.isEmpty()) {
            h.element("p", request.text("In den nächsten zwei Stunden fährt hier kein Bus.",
                "No bus leaves here in the next two hours."));
        } else {
            // a region that scrolls on a narrow screen: focusable and named, so a keyboard can scroll it too (axe)
            h.open("div", "class", "table-scroll", "tabindex", "0", "role", "region", "aria-label",
                    request.text("Abfahrten", "Departures")).open("table").open("thead").open("tr")
                .element("th", request.text("Linie", "Line"), "scope", "col")
                .element("th", request.text("Richtung", "Towards"), "scope", "col")
                .element("th", request.text("Plan", "Scheduled"), "scope", "col")
                .element("th", request.text("Aktuell", "Now"), "scope", "col").close("tr").close("thead")
                .open("tbody");
            for (Departures.Departure d : deps) {
                h.open("tr").element("td", TransitApi.lineName(tt, tt.tripRoute[d.trip()]))
                    .element("td", tt.tripHeadsigns[d.trip()])
                    .element("td", HH_MM.format(Instant.ofEpochSecond(d.scheduled()).atZone(tt.zone)));
                if (d.cancelled() || d.skipped()) {
                    h.open("td").element("span", request.text("fällt aus", "cancelled"), "class", "cancelled")
                        .close("td");
                } else if (d.delay() == null) {
                    h.element("td", request.text("nach Plan (keine Live-Daten)", "as planned (no live data)"),
                        "class", "meta");
                } else if (shownDelay(d.scheduled(), d.expected()) == 0) {
                    h.element("td", request.text("pünktlich", "on time"));
                } else {
                    int minutes = shownDelay(d.scheduled(), d.expected());
                    h.open("td").element("span", HH_MM.format(Instant.ofEpochSecond(d.expected()).atZone(tt.zone)))
                        .text(" ").element("span", minutes > 0
                            ? request.text("+" + minutes + " Min. Verspätung", "+" + minutes + " min late")
                            : request.text(-minutes + " Min. früher", -minutes + " min early"),
                            "class", minutes > 0 ? "late" : "meta").close("td");
                }
                h.close("tr");
            }
            h.close("tbody").close("table").close("div");
        }
        h.close("div");
        // the departures change every minute and with each live update: the page's digest is its validator
        return PublicPage.of(name, h);
    }

    /**
     * A delay as the minutes between the two times the row shows, each cut to its minute: 03:50 and 03:53 are "+3",
     * whatever their seconds (221 s, rounded, said "+4" beside 03:50 and 03:53).
     */
    static int shownDelay(long scheduled, long expected) {
        return (int) (Math.floorDiv(expected, 60) - Math.floorDiv(scheduled, 60));
    }
}
