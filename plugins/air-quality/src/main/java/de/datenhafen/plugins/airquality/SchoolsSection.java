package de.datenhafen.plugins.airquality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.api.QueryString;
import de.datenhafen.api.web.Html;
import de.datenhafen.api.web.PublicPage;
import de.datenhafen.api.web.PublicRequest;
import de.datenhafen.api.web.PublicSection;
import java.sql.SQLException;
import java.text.Normalizer;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The schools' air on the city's page ({@code /schulen}), registered by the projections integration whose data it
 * shows, read through the same {@link ReadApi} as the JSON API: every school with a traffic light (the band most of
 * its rooms are in now, and how many rooms are in each), a school's page (its rooms' current 20-minute means, the
 * week's share of school time per band, open alerts, the bus stops nearby from whichever section knows them), a room's
 * page (today's CO2 curve as a server-made SVG with the values as a table too). Rooms by name only: no device ids.
 */
final class SchoolsSection implements PublicSection {

    static final String ID = "schulen";
    /** School time for the week's shares: Monday to Friday, 8:00 to 15:10 (the simulator's long day). */
    static final LocalTime SCHOOL_FROM = LocalTime.of(8, 0);
    static final LocalTime SCHOOL_TO = LocalTime.of(15, 10);
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

    private final ReadApi api;
    private final Projections projections;
    private final Registry registry;
    /** This week's shares per site, see {@link #week}. */
    private final java.util.Map<String, Week> weeks = new java.util.concurrent.ConcurrentHashMap<>();
    static final Duration WEEK_KEPT = Duration.ofMinutes(5);

    SchoolsSection(AirQuality air, ReadApi api) {
        this.api = api;
        this.projections = air.projections;
        this.registry = air.registry;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title(String language) {
        return "en".equals(language) ? "Air in schools" : "Luft in Schulen";
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    public PublicPage render(PublicRequest request) {
        String[] p = request.path().isEmpty() ? new String[0] : request.path().split("/");
        try {
            return switch (p.length) {
                case 0 -> schools(request);
                case 1 -> school(request, p[0]);
                case 2 -> room(request, p[0], p[1]);
                default -> throw new NotFoundException("no page " + request.path());
            };
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the projections: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Html> summary(PublicRequest request) {
        int[] lights = new int[Bands.Co2.values().length];
        int schools = 0;
        for (JsonNode s : sites().path("sites")) {
            Bands.Co2 light = light(s.path("co2Bands"));
            if (light != null) {
                lights[light.ordinal()]++;
                schools++;
            }
        }
        Html h = new Html().element("p", request.text(schools + " Schulen, ihre Ampel jetzt:",
            schools + " schools, their traffic light now:")).open("ul", "class", "plain-list");
        for (Bands.Co2 band : Bands.Co2.values()) {
            h.open("li").append(badge(request, band)).text(" " + lights[band.ordinal()]).close("li");
        }
        return Optional.of(h.close("ul"));
    }

    // ------------------------------------------------------------------------------------------------ the list

    private PublicPage schools(PublicRequest request) {
        ObjectNode all = sites();
        String q = request.query().get("q", "").trim();
        String folded = fold(q);
        Html h = new Html().element("h1", title(request.language())).append(explanation(request))
            .open("form", "class", "search", "method", "get", "action", request.href(""), "role", "search")
            .open("div").element("label", request.text("Schule suchen", "Find a school"), "for", "school-q")
            .empty("input", "id", "school-q", "name", "q", "type", "search", "value", q, "autocomplete", "off")
            .close("div").element("button", request.text("Suchen", "Search"), "type", "submit").close("form");
        h.element("p", request.text("Die Ampel einer Schule zeigt die Stufe, in der die meisten ihrer Räume gerade "
            + "sind; daneben steht, wie viele Räume in jeder Stufe sind.", "A school's light shows the band most of "
            + "its rooms are in now; next to it, how many rooms are in each band."), "class", "hint");
        h.open("ul", "class", "plain-list", "id", "schools", "data-refresh", "60");
        int shown = 0;
        long newest = 0;
        for (JsonNode s : all.path("sites")) {
            if (!s.path("latest").isNull()) {
                newest = Math.max(newest, Instant.parse(s.path("latest").asText()).getEpochSecond());
            }
            if (!folded.isEmpty() && !fold(s.path("name").asText()).contains(folded)) {
                continue;
            }
            shown++;
            JsonNode bands = s.path("co2Bands");
            h.open("li").link(request.href(s.path("id").asText()), s.path("name").asText()).text(" ")
                .append(badge(request, light(bands))).open("span", "class", "meta")
                .text(" " + request.text("Räume: ", "Rooms: ") + bands.path("green").asInt() + " "
                    + word(request, Bands.Co2.GREEN) + ", " + bands.path("yellow").asInt() + " "
                    + word(request, Bands.Co2.YELLOW) + ", " + bands.path("red").asInt() + " "
                    + word(request, Bands.Co2.RED))
                .close("span").close("li");
        }
        h.close("ul");
        if (shown == 0) {
            h.element("p", request.text("Keine Schule gefunden.", "No school found."));
        }
        // no etag of its own: the newest reading changes every few seconds, the lights and counts shown far less
        // often, so the hub's digest of the page is the better validator
        PublicPage page = PublicPage.of(title(request.language()), h);
        return newest > 0 ? page.lastModified(Instant.ofEpochSecond(newest)) : page;
    }

    // ---------------------------------------------------------------------------------------------- one school

    private PublicPage school(PublicRequest request, String siteId) throws SQLException {
        ZoneId zone = projections.zone();
        Instant now = Instant.now();
        // the rooms' newest 20-minute buckets: the last 40 minutes are enough, and cheap
        ObjectNode site = (ObjectNode) api.site(siteId, QueryString.parse("from=" + now.minus(Duration.ofMinutes(40))
            + "&to=" + now));
        String name = site.path("name").asText();
        Html h = new Html().open("p").link(request.href(""), request.text("Alle Schulen", "All schools")).close("p")
            .element("h1", name);
        if (site.hasNonNull("address")) {
            h.element("p", site.path("address").asText(), "class", "meta");
        }
        // the rooms now
        Bands bands = projections.bands();
        h.element("h2", request.text("Räume jetzt (Mittel der letzten 20 Minuten)",
            "Rooms now (mean of the last 20 minutes)"));
        // a region that scrolls on a narrow screen: focusable and named, so a keyboard can scroll it too (axe)
        h.open("div", "class", "table-scroll", "id", "rooms-now", "data-refresh", "60", "tabindex", "0", "role",
                "region", "aria-label", request.text("Räume jetzt", "Rooms now")).open("table")
            .open("thead").open("tr").element("th", request.text("Raum", "Room"), "scope", "col")
            .element("th", "CO₂ (ppm)", "scope", "col").element("th", request.text("Stufe", "Band"), "scope", "col")
            .element("th", request.text("Temperatur", "Temperature"), "scope", "col")
            .element("th", request.text("Luftfeuchte", "Humidity"), "scope", "col").close("tr").close("thead")
            .open("tbody");
        long newest = 0;
        for (JsonNode room : site.path("rooms")) {
            JsonNode averages = room.path("averages");
            JsonNode last = averages.size() == 0 ? null : averages.get(averages.size() - 1);
            boolean current = last != null && Duration.between(Instant.parse(last.path("time").asText()), now)
                .toMinutes() < 40;
            h.open("tr").open("th", "scope", "row")
                .link(request.href(siteId + "/" + room.path("id").asText()), room.path("name").asText()).close("th");
            if (current) {
                double co2 = last.path("co2").asDouble();
                newest = Math.max(newest, Instant.parse(last.path("time").asText()).getEpochSecond());
                h.element("td", String.valueOf(Math.round(co2))).open("td").append(badge(request, bands.co2(co2)))
                    .close("td").element("td", String.format(Locale.GERMANY, "%.1f °C",
                        last.path("temperature").asDouble()))
                    .element("td", String.format(Locale.GERMANY, "%.0f %%", last.path("humidity").asDouble()));
            } else {
                h.element("td", "–").open("td").append(badge(request, null)).close("td").element("td", "–")
                    .element("td", "–");
            }
            h.close("tr");
        }
        int[] minutes = week(siteId, now);
        h.close("tbody").close("table").close("div");
        // the week
        h.element("h2", request.text("Diese Woche: Anteil der Schulzeit je Stufe", "This week: share of school "
            + "time per band"));
        int total = minutes[0] + minutes[1] + minutes[2];
        if (total == 0) {
            h.element("p", request.text("Noch keine Messwerte in der Schulzeit dieser Woche.",
                "No readings in this week's school time yet."));
        } else {
            // a bar of the three shares (SVG: widths as attributes, which the CSP allows, unlike inline styles)
            h.open("svg", "class", "share", "viewbox", "0 0 100 4", "preserveaspectratio", "none", "aria-hidden",
                "true", "xmlns", "http://www.w3.org/2000/svg");
            double x = 0;
            for (Bands.Co2 b : Bands.Co2.values()) {
                double width = 100.0 * minutes[b.ordinal()] / total;
                h.element("rect", "", "class", "share-" + b.name().toLowerCase(Locale.ROOT), "x", fmt(x), "y", "0",
                    "width", fmt(width), "height", "4");
                x += width;
            }
            h.close("svg").open("ul", "class", "plain-list");
            for (Bands.Co2 b : Bands.Co2.values()) {
                h.open("li").append(badge(request, b)).text(" " + Math.round(100f * minutes[b.ordinal()] / total)
                    + " %").close("li");
            }
            h.close("ul").element("p", request.text("Schulzeit: Montag bis Freitag, 8:00 bis 15:10 Uhr, alle Räume, "
                + "nach 20-Minuten-Mitteln.", "School time: Monday to Friday, 8:00 to 15:10, all rooms, by "
                + "20-minute means."), "class", "hint");
        }
        // alerts
        h.element("h2", request.text("Offene Warnungen", "Open alerts"));
        List<JsonNode> alerts = new ArrayList<>();
        for (JsonNode a : ((ObjectNode) api.alerts()).path("alerts")) {
            if (a.path("site").asText().equals(siteId)) {
                alerts.add(a);
            }
        }
        if (alerts.isEmpty()) {
            h.element("p", request.text("Keine: kein Raum liegt seit mehr als 30 Minuten über 2.000 ppm.",
                "None: no room has been above 2,000 ppm for more than 30 minutes."));
        } else {
            h.open("ul", "class", "plain-list");
            for (JsonNode a : alerts) {
                h.open("li").append(badge(request, Bands.Co2.RED)).text(" " + a.path("roomName").asText() + ": "
                    + request.text("über 2.000 ppm seit ", "above 2,000 ppm since ")
                    + HH_MM.format(Instant.parse(a.path("since").asText()).atZone(zone))
                    + request.text(" Uhr, Höchstwert ", ", peak ") + a.path("peak").asInt() + " ppm").close("li");
            }
            h.close("ul");
        }
        // what other sections have nearby
        if (site.hasNonNull("latitude")) {
            for (PublicRequest.NearbyGroup g : request.near(site.path("latitude").asDouble(),
                site.path("longitude").asDouble(), 3)) {
                h.element("h2", request.text("In der Nähe: ", "Nearby: ") + g.sectionTitle()).open("ul",
                    "class", "plain-list");
                for (Nearby n : g.items()) {
                    h.open("li").link(n.href(), n.title()).text(" (" + n.metres() + " m)");
                    if (n.detail() != null) {
                        h.element("span", " " + n.detail(), "class", "meta");
                    }
                    h.close("li");
                }
                h.close("ul");
            }
        }
        h.append(explanation(request));
        PublicPage page = PublicPage.of(name, h).etag("r" + newest + "-" + alerts.size());
        return newest > 0 ? page.lastModified(Instant.ofEpochSecond(newest)) : page;
    }

    /**
     * Minutes of this week's school time per band, all rooms of the site, by their 20-minute means; kept for
     * {@link #WEEK_KEPT} per site, as a week's buckets are many rows and change by one bucket in 20 minutes.
     */
    private int[] week(String siteId, Instant now) throws SQLException {
        Week w = weeks.get(siteId);
        if (w != null && Duration.between(w.at(), now).compareTo(WEEK_KEPT) < 0) {
            return w.minutes();
        }
        ZoneId zone = projections.zone();
        Bands bands = projections.bands();
        Instant weekStart = now.atZone(zone).toLocalDate().minusDays(6).atStartOfDay(zone).toInstant();
        ObjectNode site = (ObjectNode) api.site(siteId, QueryString.parse("from=" + weekStart + "&to=" + now));
        int[] minutes = new int[Bands.Co2.values().length];
        for (JsonNode room : site.path("rooms")) {
            for (JsonNode a : room.path("averages")) {
                if (schoolTime(Instant.parse(a.path("time").asText()).atZone(zone))) {
                    minutes[bands.co2(a.path("co2").asDouble()).ordinal()] += 20;
                }
            }
        }
        weeks.put(siteId, new Week(now, minutes));
        return minutes;
    }

    private record Week(Instant at, int[] minutes) {
    }

    static boolean schoolTime(ZonedDateTime t) {
        DayOfWeek d = t.getDayOfWeek();
        LocalTime time = t.toLocalTime();
        return d != DayOfWeek.SATURDAY && d != DayOfWeek.SUNDAY && !time.isBefore(SCHOOL_FROM)
            && time.isBefore(SCHOOL_TO);
    }

    // ------------------------------------------------------------------------------------------------ one room

    private PublicPage room(PublicRequest request, String siteId, String roomId) throws SQLException {
        ZoneId zone = projections.zone();
        Instant now = Instant.now();
        Instant midnight = now.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
        ObjectNode history = (ObjectNode) api.history(siteId, roomId, QueryString.parse("from=" + midnight + "&to="
            + now.plusSeconds(1) + "&resolution=20m"));
        String schoolName = registryName(siteId);
        String roomName = roomName(siteId, roomId);
        Html h = new Html().open("p").link(request.href(siteId), schoolName).close("p")
            .element("h1", roomName + " – " + schoolName);
        JsonNode points = history.path("points");
        Bands bands = projections.bands();
        JsonNode last = points.size() == 0 ? null : points.get(points.size() - 1);
        h.open("div", "id", "room-now", "data-refresh", "60");
        if (last == null) {
            h.element("p", request.text("Heute noch keine Messwerte.", "No readings today yet."));
        } else {
            double co2 = last.path("co2").asDouble();
            h.open("p", "class", "now").text(request.text("Jetzt (Mittel der letzten 20 Minuten): ",
                    "Now (mean of the last 20 minutes): ") + Math.round(co2) + " ppm CO₂ ")
                .append(badge(request, bands.co2(co2))).close("p");
        }
        h.close("div");
        h.element("h2", request.text("CO₂ heute", "CO₂ today"), "id", "curve-title")
            .append(curve(request, points, midnight, zone, bands));
        h.open("details").element("summary", request.text("Die Werte als Tabelle", "The values as a table"))
            .open("div", "class", "table-scroll", "tabindex", "0", "role", "region", "aria-label",
                request.text("CO₂ heute als Tabelle", "CO₂ today as a table")).open("table").open("thead").open("tr")
            .element("th", request.text("Uhrzeit", "Time"), "scope", "col").element("th", "CO₂ (ppm)", "scope", "col")
            .close("tr").close("thead").open("tbody");
        for (JsonNode p : points) {
            h.open("tr").element("td", HH_MM.format(Instant.parse(p.path("time").asText()).atZone(zone)))
                .element("td", String.valueOf(Math.round(p.path("co2").asDouble()))).close("tr");
        }
        h.close("tbody").close("table").close("div").close("details").append(explanation(request));
        long newest = last == null ? 0 : Instant.parse(last.path("time").asText()).getEpochSecond();
        PublicPage page = PublicPage.of(roomName + " – " + schoolName, h).etag("h" + newest + "-" + points.size());
        return newest > 0 ? page.lastModified(Instant.ofEpochSecond(newest)) : page;
    }

    /** Today's 20-minute means from midnight to midnight, with the bands' limits as dashed lines. */
    private static Html curve(PublicRequest request, JsonNode points, Instant midnight, ZoneId zone, Bands bands) {
        // room for labels of twice the size on a phone (city.css), where the chart is drawn at half its width
        int w = 720;
        int hgt = 260;
        int left = 66;
        int bottom = 34;
        int above = 18; // the top label's upper half
        double max = Math.max(bands.co2RedAbove() + 500, 0);
        for (JsonNode p : points) {
            max = Math.max(max, p.path("co2").asDouble());
        }
        double top = Math.ceil(max / 500) * 500;
        double day = Duration.ofDays(1).toSeconds();
        double plotW = w - left - 8;
        double plotH = hgt - bottom - above;
        Html svg = new Html().open("svg", "class", "chart", "viewbox", "0 0 " + w + " " + hgt, "role", "img",
            "aria-labelledby", "curve-title curve-desc", "xmlns", "http://www.w3.org/2000/svg")
            .element("desc", request.text("Verlauf der CO₂-Werte seit Mitternacht, in 20-Minuten-Mitteln; "
                + "gestrichelt die Grenzen " + Math.round(bands.co2YellowFrom()) + " und "
                + Math.round(bands.co2RedAbove()) + " ppm.", "CO₂ since midnight in 20-minute means; dashed, the "
                + "limits " + Math.round(bands.co2YellowFrom()) + " and " + Math.round(bands.co2RedAbove())
                + " ppm."), "id", "curve-desc");
        for (double v = 0; v <= top; v += 500) {
            double y = above + plotH - plotH * v / top;
            svg.element("line", "", "class", "grid", "x1", fmt(left), "x2", fmt(w - 8), "y1", fmt(y), "y2", fmt(y))
                .element("text", String.valueOf((int) v), "x", fmt(left - 6), "y", fmt(y + 4), "text-anchor", "end");
        }
        for (int hour = 0; hour <= 24; hour += 6) {
            double x = left + plotW * hour / 24;
            svg.element("text", hour + ":00", "x", fmt(hour == 24 ? w - 8 : x), "y", String.valueOf(hgt - 9),
                "text-anchor", hour == 0 ? "start" : hour == 24 ? "end" : "middle");
        }
        for (double limit : new double[] {bands.co2YellowFrom(), bands.co2RedAbove()}) {
            double y = above + plotH - plotH * limit / top;
            svg.element("line", "", "class", "limit", "x1", fmt(left), "x2", fmt(w - 8), "y1", fmt(y), "y2", fmt(y));
        }
        StringBuilder line = new StringBuilder();
        for (JsonNode p : points) {
            double t = Duration.between(midnight, Instant.parse(p.path("time").asText())).toSeconds() + 600;
            double x = left + plotW * Math.min(day, t) / day;
            double y = above + plotH - plotH * p.path("co2").asDouble() / top;
            line.append(line.length() == 0 ? "" : " ").append(fmt(x)).append(',').append(fmt(y));
        }
        if (line.length() > 0) {
            svg.element("polyline", "", "class", "line", "points", line.toString());
        }
        svg.element("line", "", "class", "axis", "x1", fmt(left), "x2", fmt(left), "y1", fmt(above), "y2",
                fmt(above + plotH))
            .element("line", "", "class", "axis", "x1", fmt(left), "x2", fmt(w - 8), "y1", fmt(above + plotH), "y2",
                fmt(above + plotH));
        return svg.close("svg");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    // ----------------------------------------------------------------------------------------------- the bands

    /** What the bands mean, in plain words, after the Umweltbundesamt's guidance on CO2 in classrooms. */
    private Html explanation(PublicRequest request) {
        Bands b = projections.bands();
        long yellow = Math.round(b.co2YellowFrom());
        long red = Math.round(b.co2RedAbove());
        return new Html().open("section", "class", "card", "aria-labelledby", "bands-title")
            .element("h2", request.text("Was die Ampel bedeutet", "What the traffic light means"), "id", "bands-title")
            .open("ul", "class", "plain-list")
            .open("li").append(badge(request, Bands.Co2.GREEN)).text(request.text(" unter " + yellow + " ppm CO₂: "
                + "hygienisch unbedenklich, die Luft ist gut.", " below " + yellow + " ppm CO₂: hygienically "
                + "harmless, the air is good.")).close("li")
            .open("li").append(badge(request, Bands.Co2.YELLOW)).text(request.text(" " + yellow + " bis " + red
                + " ppm: auffällig, bitte lüften.", " " + yellow + " to " + red + " ppm: noticeable, please air the "
                + "room.")).close("li")
            .open("li").append(badge(request, Bands.Co2.RED)).text(request.text(" über " + red + " ppm: "
                + "inakzeptabel, sofort lüften. Bleibt ein Raum über 30 Minuten so, gibt es eine Warnung.", " above "
                + red + " ppm: unacceptable, air the room now. A room that stays there for 30 minutes raises an "
                + "alert.")).close("li")
            .close("ul").element("p", request.text("So empfiehlt es das Umweltbundesamt für Klassenräume: CO₂ "
                + "selbst schadet in diesen Mengen nicht, zeigt aber, wie verbraucht die Luft ist; Stoßlüften alle "
                + "20 Minuten hält sie meist im grünen Bereich.", "This is the Umweltbundesamt's (German Environment "
                + "Agency's) guidance for classrooms: at these levels CO₂ itself does no harm, but it shows how "
                + "stale the air is; opening the windows wide every 20 minutes mostly keeps it green."), "class",
                "hint")
            .close("section");
    }

    /** A band as a badge with its word: colour is never the only sign. Null: no reading. */
    private static Html badge(PublicRequest request, Bands.Co2 band) {
        String cls = band == null ? "none" : band.name().toLowerCase(Locale.ROOT);
        return new Html().element("span", word(request, band), "class", "band band-" + cls);
    }

    private static String word(PublicRequest request, Bands.Co2 band) {
        if (band == null) {
            return request.text("keine Daten", "no data");
        }
        return switch (band) {
            case GREEN -> request.text("grün", "green");
            case YELLOW -> request.text("gelb", "yellow");
            case RED -> request.text("rot", "red");
        };
    }

    /** The band most of a school's rooms are in (a tie goes to the worse band); null without readings. */
    static Bands.Co2 light(JsonNode co2Bands) {
        Bands.Co2 best = null;
        int most = 0;
        for (Bands.Co2 b : Bands.Co2.values()) {
            int n = co2Bands.path(b.name().toLowerCase(Locale.ROOT)).asInt();
            if (n > 0 && n >= most) {
                best = b;
                most = n;
            }
        }
        return best;
    }

    private ObjectNode sites() {
        return (ObjectNode) api.sites(false);
    }

    private String registryName(String siteId) {
        Registry.Site s = registry.snapshot().sites().get(siteId);
        if (s == null) {
            throw new NotFoundException("no site '" + siteId + "'", "site");
        }
        return s.name();
    }

    private String roomName(String siteId, String roomId) {
        Registry.Room r = registry.snapshot().room(siteId, roomId);
        return r == null ? roomId : r.name();
    }

    /** Lower case, umlauts and ß spelled out, accents dropped: "Schüler" finds "Schueler" and the other way. */
    static String fold(String text) {
        String s = text.toLowerCase(Locale.GERMAN).replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
            .replace("ß", "ss");
        return Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
    }
}
