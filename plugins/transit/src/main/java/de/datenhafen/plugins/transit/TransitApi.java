package de.datenhafen.plugins.transit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.api.BoundedOutput;
import de.datenhafen.api.BusHeaders;
import de.datenhafen.api.Caller;
import de.datenhafen.api.ConfigCheck;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.api.QueryString;
import de.datenhafen.api.RetryableException;
import de.datenhafen.plugins.transit.gtfs.GtfsProblem;
import de.datenhafen.plugins.transit.realtime.LiveState;
import de.datenhafen.plugins.transit.realtime.RealtimeProcessor;
import de.datenhafen.plugins.transit.timetable.Departures;
import de.datenhafen.plugins.transit.timetable.Timetable;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.camel.Exchange;

/**
 * The transit API's handlers, one per endpoint, each a Camel processor on the platform-http worker thread. They read
 * the feed's current timetable and live state once per request (two volatile reads), so an answer is never made from
 * two timetable versions. Errors are JSON {@code {"error", "field"}} like the hub's.
 */
final class TransitApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TransitApi.class);

    /**
     * What the status says to anyone else of a failed import from a file on the hub: not which file, nor whether it
     * is missing, outside the import folder, no zip or too large, which would tell them of the hub's file system.
     */
    static final String UNREADABLE = "the feed could not be read from its file; the integration's admins see why (the "
        + "admin API's integration, the hub's log)";

    private final FeedState feed;
    private final Limits limits;
    private final Predicate<Caller> insider;

    /**
     * @param insider whether a caller ({@link BusHeaders#CALLER}, null for none) is one of the owning member's people
     *                (or a hub-admin), who read in the status why an import from a file failed
     */
    TransitApi(FeedState feed, Limits limits, Predicate<Caller> insider) {
        this.feed = feed;
        this.limits = limits;
        this.insider = insider;
    }

    /**
     * What one request may ask, from the {@code gtfs-schedule} integration's config: the most entries of a list
     * (stops, departures, alerts; vehicles have their own, as a map shows the whole fleet), the longest departures
     * window, the widest radius and the longest search text. A request past one is a 400 naming the parameter and the
     * limit. The largest answer they allow: an entry is about 300 bytes of a real feed, so 200 departures or stops
     * make some 60 KB and 1,000 vehicles of about 250 bytes 250 KB. What a feed may make of one entry is bounded by
     * the import's text limits ({@link de.datenhafen.plugins.transit.gtfs.GtfsLimits#MAX_ID_LENGTH} and the others):
     * a stop at most 610 characters of text (id, name, platform), a departure 1,620 (line, route, headsign, trip,
     * stop, platform), which JSON's escapes may make six bytes each, so 200 stops stay under 750 KB and 200
     * departures about 2 MB. Every answer is written into a buffer that stops at {@link #MAX_ANSWER_BYTES} all the
     * same: a hub-admin may raise max-limit, and the live state's texts come from GTFS-Realtime, not the import.
     */
    record Limits(int maxLimit, int maxVehicles, Duration maxWindow, int maxRadius, int maxQueryLength) {

        static final Limits DEFAULTS = new Limits(200, 1000, Duration.ofHours(48), 50_000, 100);

        Limits {
            if (maxLimit < 1 || maxVehicles < 1 || maxRadius < 1 || maxQueryLength < 1) {
                throw new IllegalArgumentException("max-limit, max-vehicles, max-radius and max-query-length must be "
                    + "1 or more");
            }
            if (maxWindow.isNegative() || maxWindow.isZero()
                || maxWindow.getSeconds() > Departures.MAX_WINDOW_SECONDS) {
                throw new IllegalArgumentException("max-window must be between 1s and 48h");
            }
        }

        static de.datenhafen.api.ConfigDef.Builder define(de.datenhafen.api.ConfigDef.Builder b) {
            Limits d = DEFAULTS;
            return b
                .define("max-limit", de.datenhafen.api.ConfigType.INT, d.maxLimit, false,
                    "The largest limit of stops, departures and alerts answers")
                .define("max-vehicles", de.datenhafen.api.ConfigType.INT, d.maxVehicles, false,
                    "The most vehicles one answer lists (its default limit)")
                .define("max-window", de.datenhafen.api.ConfigType.DURATION, "48h", false,
                    "The longest departures window (at most 48h)")
                .define("max-radius", de.datenhafen.api.ConfigType.INT, d.maxRadius, false,
                    "The widest radius of a stops search, in metres")
                .define("max-query-length", de.datenhafen.api.ConfigType.INT, d.maxQueryLength, false,
                    "The longest stop name search (q), in characters")
                .check("max-limit", ConfigCheck.atLeast(1))
                .check("max-vehicles", ConfigCheck.atLeast(1))
                .check("max-radius", ConfigCheck.atLeast(1))
                .check("max-query-length", ConfigCheck.atLeast(1))
                .check("max-window", ConfigCheck.between(Duration.ofSeconds(1),
                    Duration.ofSeconds(Departures.MAX_WINDOW_SECONDS)))
                // anyone may ask the API: what one request may ask of the hub is a hub-admin's to raise (max-window
                // has its bound in the plugin, 48h)
                .hubAdminOnly("it bounds what one request to the public API may ask of the hub",
                    List.of("max-limit", "max-vehicles", "max-radius", "max-query-length"));
        }

        static Limits of(de.datenhafen.api.Config c) {
            return new Limits(c.getInt("max-limit"), c.getInt("max-vehicles"), c.getDuration("max-window"),
                c.getInt("max-radius"), c.getInt("max-query-length"));
        }
    }

    /**
     * The largest answer's JSON, in bytes. Above what the default limits let a timetable make (see {@link Limits});
     * reached only through a max-limit a hub-admin raised or text the import does not bound (an alert's or a
     * vehicle's from GTFS-Realtime), it is a 400 naming {@code limit} rather than an answer held whole in memory.
     */
    static final int MAX_ANSWER_BYTES = 4 << 20;

    /** The most agency names the status (and {@code transit.schedule.updated}) lists; {@code agencyCount} has all. */
    static final int LISTED_AGENCIES = 100;

    private interface Handler {
        Object handle(QueryString query, FeedState.Loaded loaded);
    }

    /** Runs a handler; its refusals are the API's exceptions, which the hub answers. */
    private void run(Exchange e, boolean needsTimetable, Handler h) throws JsonProcessingException {
        FeedState.Loaded loaded = feed.loaded();
        if (needsTimetable && loaded == null) {
            throw new RetryableException("the timetable of feed " + feed.name() + " is not loaded yet; see status",
                null);
        }
        answer(e, 200, bounded(h.handle(QueryString.of(e), loaded), MAX_ANSWER_BYTES));
    }

    /** {@code answer} as JSON of at most {@code max} bytes; a larger one is refused, never written whole. */
    static String bounded(Object answer, int max) throws JsonProcessingException {
        BoundedOutput out = new BoundedOutput(max);
        try {
            JSON.writeValue(out, answer);
        } catch (BoundedOutput.Full full) {
            throw new InvalidInputException("the answer would be larger than " + max + " bytes; ask for fewer with "
                + "limit", "limit");
        } catch (JsonProcessingException x) {
            throw x;
        } catch (java.io.IOException x) {
            throw new java.io.UncheckedIOException(x);
        }
        return out.toString();
    }

    // ------------------------------------------------------------------------------------------------------ status

    /**
     * The feed's timetable, the running and the last import, and its realtime integrations. Anyone may ask; what a
     * file source tells of the hub's file system (its path, why it could not be read) only the owning member's people
     * and hub-admins read, others see the file's name and {@link #UNREADABLE}.
     */
    void status(Exchange e) throws JsonProcessingException {
        boolean inside = insider.test(e.getIn().getHeader(BusHeaders.CALLER, Caller.class));
        run(e, false, (query, loaded) -> {
            ObjectNode o = JSON.createObjectNode();
            o.put("feed", feed.name());
            if (loaded != null) {
                ObjectNode t = summary(loaded.timetable());
                if (!inside && ScheduleLoader.isLocal(loaded.timetable().source)) {
                    t.put("source", fileName(loaded.timetable().source));
                }
                o.set("timetable", t);
            } else {
                o.putNull("timetable");
            }
            ObjectNode imp = o.putObject("import");
            if (feed.running) {
                imp.put("state", "running");
                imp.put("trigger", feed.runningTrigger);
                imp.put("startedAt", String.valueOf(feed.runningSince));
                imp.put("file", feed.progressFile);
                imp.put("rows", feed.progressRows);
                imp.put("percent", feed.progressPercent);
            } else {
                imp.put("state", "idle");
            }
            FeedState.ImportResult last = feed.lastImport();
            if (last != null && !inside && last.local() && "failed".equals(last.outcome())) {
                last = new FeedState.ImportResult(last.outcome(), last.trigger(), last.startedAt(), last.finishedAt(),
                    UNREADABLE, 1, 0, List.of(), true);
            }
            if (last != null) {
                ObjectNode l = imp.putObject("last");
                l.put("outcome", last.outcome());
                l.put("trigger", last.trigger());
                l.put("startedAt", last.startedAt().toString());
                l.put("finishedAt", last.finishedAt().toString());
                l.put("durationMs", Duration.between(last.startedAt(), last.finishedAt()).toMillis());
                l.put("error", last.error());
                l.put("errors", last.errors());
                l.put("warnings", last.warnings());
                ArrayNode ps = l.putArray("problems");
                for (GtfsProblem p : last.problems()) {
                    ps.addObject().put("severity", p.severity().name().toLowerCase(Locale.ROOT)).put("file", p.file())
                        .put("line", p.line()).put("column", p.column()).put("message", p.message());
                }
            }
            ObjectNode rt = o.putObject("realtime");
            for (Map.Entry<String, RealtimeProcessor> en : feed.processors().entrySet()) {
                ObjectNode i = rt.putObject(en.getKey());
                en.getValue().stats().forEach((kind, s) -> {
                    if (s.messages.get() == 0) {
                        return;
                    }
                    ObjectNode k = i.putObject(kind.name().toLowerCase(Locale.ROOT).replace('_', '-'));
                    k.put("messages", s.messages.get());
                    k.put("lastMessage", String.valueOf(s.lastMessage));
                    k.put("entities", s.entities);
                    k.put("matched", s.matched);
                    k.put("unmatched", s.unmatched);
                    k.put("unmatchedStopUpdates", s.unmatchedStops);
                    k.put("changedPublished", s.changed.get());
                    if (kind == RealtimeProcessor.Kind.ALERTS) {
                        k.put("truncatedTexts", s.truncatedTexts);
                    }
                    ArrayNode ex2 = k.putArray("unmatchedExamples");
                    s.unmatchedExamples.forEach(ex2::add);
                });
            }
            return o;
        });
    }

    /** The last part of a file source's path or {@code file:} URI: its name, without the folders. */
    static String fileName(String source) {
        return source.substring(Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\')) + 1);
    }

    private static ObjectNode summary(Timetable tt) {
        ObjectNode t = JSON.createObjectNode();
        t.put("source", tt.source);
        t.put("feedVersion", tt.feedVersion);
        t.put("publisher", tt.feedPublisher);
        t.put("timeZone", tt.zone.getId());
        t.put("loadedAt", tt.loadedAt.toString());
        // a feed may hold as many agencies as max-rows lets it: the status is read by anyone, the event goes on the bus
        ArrayNode ag = t.putArray("agencies");
        for (int i = 0; i < Math.min(LISTED_AGENCIES, tt.agencyNames.length); i++) {
            ag.add(tt.agencyNames[i]);
        }
        t.put("agencyCount", tt.agencyNames.length);
        t.put("stops", tt.stopIds.length);
        t.put("routes", tt.routeIds.length);
        t.put("trips", tt.tripIds.length);
        t.put("stopTimes", tt.stopTimeCount());
        LocalDate first = tt.calendar.firstDate();
        LocalDate last = tt.calendar.lastDate();
        t.put("firstDate", first == null ? null : first.toString());
        t.put("lastDate", last == null ? null : last.toString());
        return t;
    }

    /** The data of a {@code transit.schedule.updated} event. */
    static String scheduleUpdated(FeedState feed, ScheduleLoader.Outcome o) throws JsonProcessingException {
        ObjectNode d = summary(o.loaded().timetable());
        d.put("feed", feed.name());
        d.put("durationMs", o.millis());
        FeedState.ImportResult r = feed.lastImport();
        if (r != null) {
            d.put("errors", r.errors());
            d.put("warnings", r.warnings());
        }
        return JSON.writeValueAsString(d);
    }

    // ------------------------------------------------------------------------------------------------------- stops

    void stops(Exchange e) throws JsonProcessingException {
        run(e, true, (query, loaded) -> {
            Timetable tt = loaded.timetable();
            int limit = intParam(query, "limit", Math.min(20, limits.maxLimit()), 1, limits.maxLimit(), "max-limit");
            String q = query.get("q");
            String lat = query.get("lat");
            String lon = query.get("lon");
            ObjectNode o = JSON.createObjectNode();
            ArrayNode arr = o.putArray("stops");
            if (lat != null || lon != null) {
                double la = doubleParam(lat, "lat", -90, 90);
                double lo = doubleParam(lon, "lon", -180, 180);
                double radius = !query.has("radius") ? Math.min(1000, limits.maxRadius())
                    : doubleParam(query.get("radius"), "radius", 1, limits.maxRadius());
                for (double[] hit : loaded.search().nearest(la, lo, radius, limit)) {
                    stopJson(tt, (int) hit[0], arr.addObject()).put("distance", Math.round(hit[1]));
                }
            } else if (q != null && !q.isBlank()) {
                if (q.length() > limits.maxQueryLength()) {
                    throw new InvalidInputException("q is longer than " + limits.maxQueryLength()
                        + " characters (max-query-length)", "q");
                }
                for (int s : loaded.search().byName(q, limit)) {
                    stopJson(tt, s, arr.addObject());
                }
            } else {
                throw new InvalidInputException("give q (a name) or lat and lon", "q");
            }
            return o;
        });
    }

    private static ObjectNode stopJson(Timetable tt, int s, ObjectNode o) {
        o.put("id", tt.stopIds[s]);
        o.put("name", tt.stopNames[s]);
        o.put("lat", tt.stopLat[s]);
        o.put("lon", tt.stopLon[s]);
        o.put("station", tt.stopLocationType[s] == 1);
        if (tt.stopPlatforms[s] != null) {
            o.put("platform", tt.stopPlatforms[s]);
        }
        return o;
    }

    // -------------------------------------------------------------------------------------------------- departures

    void departures(Exchange e) throws JsonProcessingException {
        run(e, true, (query, loaded) -> {
            Timetable tt = loaded.timetable();
            String stopId = query.get("stop");
            if (stopId == null || stopId.isBlank()) {
                throw new InvalidInputException("stop is required: the id of a stop or station", "stop");
            }
            Integer stop = tt.stopIndex.get(stopId);
            if (stop == null) {
                throw new NotFoundException("no stop '" + shorten(stopId) + "' in feed " + feed.name(), "stop");
            }
            Instant from = instantParam(query, tt);
            int limit = intParam(query, "limit", Math.min(10, limits.maxLimit()), 1, limits.maxLimit(), "max-limit");
            long window = limits.maxWindow().getSeconds();
            String w = query.get("window");
            if (w != null) {
                window = durationParam(w).getSeconds();
                if (window <= 0 || window > limits.maxWindow().getSeconds()) {
                    throw new InvalidInputException("window must be between 1s and " + limits.maxWindow().toString()
                        .substring(2).toLowerCase(Locale.ROOT) + " (max-window)", "window");
                }
                if (!query.has("limit")) {
                    limit = limits.maxLimit();
                }
            }
            int[] group = tt.stopGroup(stop);
            List<Departures.Departure> deps = Departures.find(tt, feed.live(), group, from, window, limit);
            ObjectNode o = JSON.createObjectNode();
            stopJson(tt, stop, o.putObject("stop"));
            o.put("from", OffsetDateTime.ofInstant(from, tt.zone).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
            o.put("timeZone", tt.zone.getId());
            ArrayNode arr = o.putArray("departures");
            for (Departures.Departure d : deps) {
                ObjectNode j = arr.addObject();
                int route = tt.tripRoute[d.trip()];
                j.put("line", lineName(tt, route));
                j.put("routeId", tt.routeIds[route]);
                j.put("headsign", tt.tripHeadsigns[d.trip()]);
                j.put("tripId", tt.tripIds[d.trip()]);
                if (tt.tripHeadway[d.trip()] > 0) {
                    // a headway-based run (frequencies.txt, exact_times=0): the times are "about every N minutes"
                    j.put("headwaySecs", tt.tripHeadway[d.trip()]);
                }
                j.put("stopId", tt.stopIds[d.stop()]);
                if (tt.stopPlatforms[d.stop()] != null) {
                    j.put("platform", tt.stopPlatforms[d.stop()]);
                }
                j.put("serviceDate", d.serviceDate().toString());
                j.put("scheduled", time(d.scheduled(), tt));
                j.put("expected", d.delay() == null ? null : time(d.expected(), tt));
                if (d.delay() == null) {
                    j.putNull("delay");
                } else {
                    j.put("delay", d.delay());
                }
                j.put("cancelled", d.cancelled());
                // always there, as documented: a client reads false rather than guessing what a missing field means
                j.put("skipped", d.skipped());
                j.put("realtime", d.realtime());
            }
            return o;
        });
    }

    /** A route's name as riders know it: the short name ("5"), else the long one. */
    static String lineName(Timetable tt, int route) {
        return tt.routeShortNames[route].isEmpty() ? tt.routeLongNames[route] : tt.routeShortNames[route];
    }

    private static String time(long epochSecond, Timetable tt) {
        return OffsetDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), tt.zone)
            .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    // ------------------------------------------------------------------------------------------- vehicles, alerts

    void vehicles(Exchange e) throws JsonProcessingException {
        run(e, false, (query, loaded) -> {
            String line = query.get("line");
            int limit = intParam(query, "limit", limits.maxVehicles(), 1, limits.maxVehicles(), "max-vehicles");
            ObjectNode o = JSON.createObjectNode();
            List<LiveState.Vehicle> all = new ArrayList<>(feed.live().vehicles().values());
            all.removeIf(v -> line != null && !line.equals(v.line()) && !line.equals(v.routeId()));
            all.sort((a, b) -> a.id().compareTo(b.id()));
            o.put("total", all.size());
            ArrayNode arr = o.putArray("vehicles");
            for (LiveState.Vehicle v : all.subList(0, Math.min(limit, all.size()))) {
                arr.add(JSON.valueToTree(v));
            }
            return o;
        });
    }

    void alerts(Exchange e) throws JsonProcessingException {
        run(e, false, (query, loaded) -> {
            String stop = query.get("stop");
            String line = query.get("line");
            int limit = intParam(query, "limit", limits.maxLimit(), 1, limits.maxLimit(), "max-limit");
            Timetable tt = loaded == null ? null : loaded.timetable();
            Set<String> stops = new LinkedHashSet<>();
            if (stop != null) {
                stops.add(stop);
                Integer s = tt == null ? null : tt.stopIndex.get(stop);
                if (s != null) {
                    for (int g : tt.stopGroup(s)) {
                        stops.add(tt.stopIds[g]);
                    }
                }
            }
            Set<String> routes = new LinkedHashSet<>();
            if (line != null) {
                routes.add(line);
                if (tt != null) {
                    for (int r = 0; r < tt.routeIds.length; r++) {
                        if (line.equals(tt.routeShortNames[r])) {
                            routes.add(tt.routeIds[r]);
                        }
                    }
                }
            }
            Instant now = Instant.now();
            ObjectNode o = JSON.createObjectNode();
            ArrayNode arr = o.putArray("alerts");
            for (LiveState.Alert a : feed.live().alerts().values()) {
                if (!a.activeAt(now)) {
                    continue;
                }
                if (stop != null && a.stopIds().stream().noneMatch(stops::contains)) {
                    continue;
                }
                if (line != null && a.routeIds().stream().noneMatch(routes::contains)) {
                    continue;
                }
                if (arr.size() == limit) {
                    break;
                }
                arr.add(JSON.valueToTree(a));
            }
            return o;
        });
    }

    // ----------------------------------------------------------------------------------------------- parameters

    private static int intParam(QueryString query, String name, int def, int min, int max, String limitKey) {
        String v = query.get(name);
        if (v == null || v.isBlank()) {
            return def;
        }
        try {
            int i = Integer.parseInt(v.trim());
            if (i < min || i > max) {
                throw new InvalidInputException(name + " must be between " + min + " and " + max + " (" + limitKey + ")", name);
            }
            return i;
        } catch (NumberFormatException ex) {
            throw new InvalidInputException(name + " must be an integer", name);
        }
    }

    private static double doubleParam(String v, String name, double min, double max) {
        if (v == null || v.isBlank()) {
            throw new InvalidInputException(name + " is required", name);
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (!(d >= min && d <= max)) {
                throw new InvalidInputException(name + " must be between " + fmt(min) + " and " + fmt(max)
                    + (name.equals("radius") ? " (max-radius)" : ""), name);
            }
            return d;
        } catch (NumberFormatException ex) {
            throw new InvalidInputException(name + " must be a number", name);
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** A value from outside, cut for an error message. */
    private static String shorten(String v) {
        return v.length() <= 40 ? v : v.substring(0, 40) + "...";
    }

    /** {@code from}: an instant with offset, or a local date-time in the feed's zone; default now. */
    private static Instant instantParam(QueryString query, Timetable tt) {
        String v = query.get("from");
        if (v == null || v.isBlank()) {
            return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        }
        String s = v.trim().replace(' ', '+'); // a '+' in a query string arrives as a space
        Instant from;
        try {
            from = OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeException ex) {
            try {
                from = LocalDateTime.parse(s).atZone(tt.zone).toInstant();
            } catch (DateTimeException ex2) {
                throw new InvalidInputException("from must be a date-time such as 2026-03-29T08:00 (feed time) or "
                    + "2026-03-29T08:00:00+02:00", "from");
            }
        }
        // the parsers take years of nine digits; the service days around such a time are past what Instant holds
        if (from.isBefore(EARLIEST) || from.isAfter(LATEST)) {
            throw new InvalidInputException("from must be between the years 1 and 9999", "from");
        }
        return from;
    }

    /** The range of {@code from}: the years an ISO date-time writes with four digits. */
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    private static Duration durationParam(String v) {
        try {
            Object d = de.datenhafen.api.ConfigType.DURATION.parse(v);
            return (Duration) d;
        } catch (IllegalArgumentException ex) {
            throw new InvalidInputException("window must be a duration such as 90m or PT2H", "window");
        }
    }

    /**
     * Writes the answer. Every header of the message goes first: the request's headers and query parameters arrive as
     * message headers, and what is left of them would be sent back as response headers (the directory does the same).
     */
    static void answer(Exchange e, int status, String json) {
        e.getMessage().removeHeaders("*");
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        e.getMessage().setBody(json);
    }
}
