package de.datenhafen.plugins.transit.gtfs;

import static de.datenhafen.plugins.transit.gtfs.GtfsLimits.MAX_ID_LENGTH;
import static de.datenhafen.plugins.transit.gtfs.GtfsLimits.MAX_LONG_NAME_LENGTH;
import static de.datenhafen.plugins.transit.gtfs.GtfsLimits.MAX_NAME_LENGTH;
import static de.datenhafen.plugins.transit.gtfs.GtfsLimits.MAX_PLATFORM_CODE_LENGTH;
import static de.datenhafen.plugins.transit.gtfs.GtfsLimits.MAX_SHORT_NAME_LENGTH;
import static de.datenhafen.plugins.transit.gtfs.Problems.quote;

import de.datenhafen.plugins.transit.timetable.ServiceCalendar;
import de.datenhafen.plugins.transit.timetable.Timetable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipException;

/**
 * Reads a GTFS zip into a {@link Timetable}. Required: agency, stops, routes, trips, stop_times and calendar and/or
 * calendar_dates; optional: shapes, feed_info. A missing required file or column, an unreadable archive, one that
 * holds a file twice, or a limit passed ({@link GtfsLimits}, the text bounds among them) always fails the import. A bad row is an error: tolerant mode skips the row and goes on, strict mode stops. Sloppiness
 * that the spec's readers are expected to absorb (byte-order marks, quotes, extra columns, files in a sub-folder,
 * missing optional files, spaces around values) is accepted, some with a warning.
 *
 * <p>One instance per import; not thread-safe. Runs on the importing thread for as long as the feed takes.
 */
public final class GtfsImporter {

    private static final int PROGRESS_EVERY = 1 << 16;

    /** Below this many expanded bytes an entry's ratio is not checked: small files compress very well. */
    private static final long RATIO_GRACE = 1 << 20;

    private final Set<String> agencyFilter;
    private final ZoneId zoneOverride;
    private final Problems problems;
    private final ImportProgress progress;
    private final GtfsLimits limits;
    private final Map<String, String> pool = new HashMap<>();

    private GtfsArchive zip;
    private Map<String, GtfsArchive.Entry> entries;
    /** The entry streams opened, closed at the end of the import (each holds an inflater's native memory). */
    private final List<GtfsArchive.EntryStream> opened = new ArrayList<>();
    private long expanded;
    private long keptRows;
    private long keptStopTimes;
    private long keptShapePoints;

    /**
     * @param agencies agency ids or names to keep (case-insensitive); empty keeps all
     * @param zone     the time zone to use instead of agency_timezone, or null
     */
    public GtfsImporter(Collection<String> agencies, ZoneId zone, boolean strict, ImportProgress progress) {
        this(agencies, zone, strict, progress, GtfsLimits.DEFAULTS);
    }

    /** As above, within {@code limits} instead of the defaults. */
    public GtfsImporter(Collection<String> agencies, ZoneId zone, boolean strict, ImportProgress progress,
                        GtfsLimits limits) {
        this.limits = limits;
        this.agencyFilter = new HashSet<>();
        agencies.forEach(a -> agencyFilter.add(a.trim().toLowerCase(Locale.ROOT)));
        this.zoneOverride = zone;
        this.problems = new Problems(strict);
        this.progress = progress == null ? ImportProgress.NONE : progress;
    }

    public Problems problems() {
        return problems;
    }

    /** Reads the zip at {@code file}; {@code source} is what the timetable says it came from. */
    public Timetable read(Path file, String source) throws IOException {
        String name = file.getFileName().toString();
        long size = java.nio.file.Files.size(file);
        if (size > limits.maxFeedBytes()) {
            throw problems.fatal(name, 0, "", "the archive is " + size + " bytes; at most " + limits.maxFeedBytes()
                + " (max-feed-mb)");
        }
        try (GtfsArchive z = open(file)) {
            if (z.declaredEntries() > limits.maxEntries()) {
                throw problems.fatal(name, 0, "", "the archive has " + z.declaredEntries() + " entries; at most "
                    + limits.maxEntries() + " (max-entries)");
            }
            this.zip = z;
            this.entries = index(name, z);
            Timetable.Parts p = new Timetable.Parts();
            p.source = source;
            readAgencies(p);
            readFeedInfo(p);
            Map<String, Integer> services = new LinkedHashMap<>();
            ServiceCalendar.Builder calendar = new ServiceCalendar.Builder();
            boolean hasCalendar = readCalendar(services, calendar);
            boolean hasDates = readCalendarDates(services, calendar);
            if (!hasCalendar && !hasDates) {
                throw problems.fatal("calendar.txt", 0, "", "neither calendar.txt nor calendar_dates.txt is in the "
                    + "feed; one of them is required");
            }
            p.serviceIds = services.keySet().toArray(new String[0]);
            p.calendar = calendar.build(services.size());
            readRoutes(p);
            Set<String> filteredTrips = new HashSet<>();
            Map<String, Integer> shapes = new HashMap<>();
            readTrips(p, services, filteredTrips, shapes);
            Map<String, Integer> stops = readStops(p);
            readStopTimes(p, stops, filteredTrips);
            readFrequencies(p, filteredTrips);
            dropUnusedStops(p);
            readShapes(p, shapes);
            p.loadedAt = Instant.now();
            return new Timetable(p);
        } finally {
            opened.forEach(GtfsArchive.EntryStream::close);
            opened.clear();
            zip = null;
        }
    }

    private GtfsArchive open(Path file) throws IOException {
        try {
            return GtfsArchive.open(file);
        } catch (ZipException e) {
            throw problems.fatal(file.getFileName().toString(), 0, "", "not a readable zip archive: "
                + e.getMessage());
        }
    }

    /**
     * The archive's files by the name the importer knows them: without folders, in lower case. Two entries of one
     * such name are refused: which one is the feed's is not clear, and a reader that takes the last (or the first)
     * lets a second stops.txt hide behind the first in every other tool that looks at the zip.
     */
    private Map<String, GtfsArchive.Entry> index(String archive, GtfsArchive z) throws IOException {
        List<GtfsArchive.Entry> all;
        try {
            all = z.entries();
        } catch (ZipException e) {
            throw problems.fatal(archive, 0, "", "not a readable zip archive: " + e.getMessage());
        }
        Map<String, GtfsArchive.Entry> out = new HashMap<>();
        for (GtfsArchive.Entry e : all) {
            if (e.isDirectory()) {
                continue;
            }
            String name = e.name();
            String base = name.substring(name.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
            GtfsArchive.Entry before = out.putIfAbsent(base, e);
            if (before != null) {
                throw problems.fatal(base, 0, "", "the archive holds this file twice, as "
                    + quote(before.name()) + " and " + quote(name)
                    + "; a feed holds each file once");
            }
            if (!name.equals(base)) {
                problems.warning(base, 0, "", "found in the sub-folder of " + name + ", not at the archive's root");
            }
        }
        return out;
    }

    private GtfsTable table(String name, boolean required) throws IOException {
        GtfsArchive.Entry e = entries.get(name);
        if (e == null) {
            if (required) {
                throw problems.fatal(name, 0, "", "required file is missing from the feed");
            }
            return null;
        }
        GtfsArchive.EntryStream raw;
        try {
            raw = zip.open(e);
        } catch (ZipException x) {
            throw problems.fatal(name, 0, "", "cannot be read from the archive: " + x.getMessage());
        }
        opened.add(raw);
        CountingStream in = new CountingStream(raw, name, e.size());
        GtfsTable t = new GtfsTable(name, in, problems);
        streams.put(t, in);
        return t;
    }

    /** Counts a row kept of any file but stop_times and shapes; past max-rows the import fails. */
    private void kept(GtfsTable t) {
        if (++keptRows > limits.maxRows()) {
            throw problems.fatal(t.file, t.line(), "", "more than " + limits.maxRows() + " rows to keep of the "
                + "files other than stop_times.txt and shapes.txt (max-rows)");
        }
    }

    private void tick(GtfsTable t) {
        if ((t.rows() & (PROGRESS_EVERY - 1)) == 0) {
            CountingStream c = streams.get(t);
            progress.update(t.file, t.rows(), c == null ? -1 : c.percent());
        }
    }

    private final Map<GtfsTable, CountingStream> streams = new HashMap<>();

    private void done(GtfsTable t) {
        progress.update(t.file, t.rows(), 100);
        streams.remove(t);
    }

    private String intern(String s) {
        String known = pool.putIfAbsent(s, s);
        return known == null ? s : known;
    }

    // ---------------------------------------------------------------------------------------------- agency, feed_info

    private final List<String> keptAgencies = new ArrayList<>();
    private final Set<String> droppedAgencies = new HashSet<>();

    private void readAgencies(Timetable.Parts p) throws IOException {
        GtfsTable t = table("agency.txt", true);
        int id = t.optional("agency_id");
        int name = t.required("agency_name");
        int tz = t.required("agency_timezone");
        List<String> names = new ArrayList<>();
        ZoneId zone = null;
        int total = 0;
        while (t.next()) {
            total++;
            String agencyId = t.text(id, "agency_id", MAX_ID_LENGTH);
            String agencyName = t.requiredValue(name, "agency_name", MAX_NAME_LENGTH);
            if (agencyName == null) {
                continue;
            }
            if (!agencyFilter.isEmpty() && !agencyFilter.contains(agencyId.toLowerCase(Locale.ROOT))
                && !agencyFilter.contains(agencyName.toLowerCase(Locale.ROOT))) {
                droppedAgencies.add(agencyId);
                continue;
            }
            String zoneName = t.requiredValue(tz, "agency_timezone");
            if (zoneName != null && zone == null) {
                try {
                    zone = ZoneId.of(zoneName);
                } catch (DateTimeException e) {
                    problems.error("agency.txt", t.line(), "agency_timezone", quote(zoneName)
                        + " is not a time zone (expected for example Europe/Berlin)");
                }
            }
            kept(t);
            keptAgencies.add(agencyId);
            names.add(agencyName);
        }
        done(t);
        if (total == 0) {
            throw problems.fatal("agency.txt", 0, "", "the file has no agency");
        }
        if (keptAgencies.isEmpty()) {
            throw problems.fatal("agency.txt", 0, "agency_id", "no agency matches the filter " + agencyFilter);
        }
        p.agencyIds = keptAgencies.toArray(new String[0]);
        p.agencyNames = names.toArray(new String[0]);
        p.zone = zoneOverride != null ? zoneOverride : zone != null ? zone : ZoneId.of("Europe/Berlin");
    }

    private void readFeedInfo(Timetable.Parts p) throws IOException {
        GtfsTable t = table("feed_info.txt", false);
        if (t == null) {
            return;
        }
        int publisher = t.optional("feed_publisher_name");
        int version = t.optional("feed_version");
        if (t.next()) {
            p.feedPublisher = emptyToNull(t.text(publisher, "feed_publisher_name", MAX_NAME_LENGTH));
            p.feedVersion = emptyToNull(t.text(version, "feed_version", MAX_NAME_LENGTH));
        }
        done(t);
    }

    // -------------------------------------------------------------------------------------------------- calendars

    private boolean readCalendar(Map<String, Integer> services, ServiceCalendar.Builder calendar) throws IOException {
        GtfsTable t = table("calendar.txt", false);
        if (t == null) {
            return false;
        }
        int id = t.required("service_id");
        String[] dayNames = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
        int[] days = new int[7];
        for (int d = 0; d < 7; d++) {
            days[d] = t.required(dayNames[d]);
        }
        int start = t.required("start_date");
        int end = t.required("end_date");
        while (t.next()) {
            String serviceId = t.requiredValue(id, "service_id", MAX_ID_LENGTH);
            if (serviceId == null) {
                continue;
            }
            int mask = 0;
            boolean ok = true;
            for (int d = 0; d < 7; d++) {
                int v = t.csv.getInt(days[d], Integer.MIN_VALUE);
                if (v != 0 && v != 1) {
                    problems.error("calendar.txt", t.line(), dayNames[d], "expected 0 or 1, found "
                        + quote(t.csv.get(days[d])));
                    ok = false;
                    break;
                }
                mask |= v << d;
            }
            int from = date(t, start, "start_date");
            int to = date(t, end, "end_date");
            if (!ok || from == Integer.MIN_VALUE || to == Integer.MIN_VALUE) {
                continue;
            }
            if (to < from) {
                problems.error("calendar.txt", t.line(), "end_date", "end_date is before start_date");
                continue;
            }
            if (services.containsKey(serviceId)) {
                problems.error("calendar.txt", t.line(), "service_id", "service " + quote(serviceId)
                    + " appears twice");
                continue;
            }
            kept(t);
            int index = services.size();
            services.put(serviceId, index);
            calendar.range(index, from, to, mask);
        }
        done(t);
        return true;
    }

    private boolean readCalendarDates(Map<String, Integer> services, ServiceCalendar.Builder calendar)
        throws IOException {
        GtfsTable t = table("calendar_dates.txt", false);
        if (t == null) {
            return false;
        }
        int id = t.required("service_id");
        int date = t.required("date");
        int type = t.required("exception_type");
        while (t.next()) {
            String serviceId = t.requiredValue(id, "service_id", MAX_ID_LENGTH);
            int day = date(t, date, "date");
            int kind = t.csv.getInt(type, Integer.MIN_VALUE);
            if (serviceId == null || day == Integer.MIN_VALUE) {
                continue;
            }
            if (kind != 1 && kind != 2) {
                problems.error("calendar_dates.txt", t.line(), "exception_type", "expected 1 (added) or 2 (removed),"
                    + " found " + quote(t.csv.get(type)));
                continue;
            }
            kept(t);
            Integer index = services.get(serviceId);
            if (index == null) {
                index = services.size();
                services.put(serviceId, index);
            }
            calendar.exception(index, day, kind == 1);
        }
        done(t);
        return true;
    }

    private int date(GtfsTable t, int column, String name) {
        String v = t.requiredValue(column, name);
        if (v == null) {
            return Integer.MIN_VALUE;
        }
        int d = GtfsTime.parseDate(v);
        if (d == Integer.MIN_VALUE) {
            problems.error(t.file, t.line(), name, quote(v) + " is not a date YYYYMMDD");
        }
        return d;
    }

    // ------------------------------------------------------------------------------------------------------ routes

    private final Set<String> droppedRoutes = new HashSet<>();

    private void readRoutes(Timetable.Parts p) throws IOException {
        GtfsTable t = table("routes.txt", true);
        int id = t.required("route_id");
        int agency = t.optional("agency_id");
        int shortName = t.optional("route_short_name");
        int longName = t.optional("route_long_name");
        int type = t.required("route_type");
        Map<String, Integer> index = new HashMap<>();
        List<String> ids = new ArrayList<>();
        List<String> shorts = new ArrayList<>();
        List<String> longs = new ArrayList<>();
        IntList types = new IntList(256);
        IntList agencies = new IntList(256);
        Map<String, Integer> agencyIndex = new HashMap<>();
        for (int i = 0; i < keptAgencies.size(); i++) {
            agencyIndex.put(keptAgencies.get(i), i);
        }
        while (t.next()) {
            String routeId = t.requiredValue(id, "route_id", MAX_ID_LENGTH);
            if (routeId == null) {
                continue;
            }
            String agencyId = t.csv.get(agency);
            Integer a;
            if (agencyId.isEmpty() && keptAgencies.size() + droppedAgencies.size() == 1) {
                a = keptAgencies.isEmpty() ? null : 0;
            } else {
                a = agencyIndex.get(agencyId);
            }
            if (a == null) {
                if (droppedAgencies.contains(agencyId)) {
                    droppedRoutes.add(routeId);
                } else {
                    problems.error("routes.txt", t.line(), "agency_id", agencyId.isEmpty()
                        ? "required when the feed has several agencies" : "no agency " + quote(agencyId));
                }
                continue;
            }
            String s = t.text(shortName, "route_short_name", MAX_SHORT_NAME_LENGTH);
            String l = t.text(longName, "route_long_name", MAX_LONG_NAME_LENGTH);
            if (s.isEmpty() && l.isEmpty()) {
                problems.error("routes.txt", t.line(), "route_short_name",
                    "route_short_name or route_long_name is required");
                continue;
            }
            int routeType = t.csv.getInt(type, Integer.MIN_VALUE);
            if (routeType < 0) {
                problems.error("routes.txt", t.line(), "route_type", quote(t.csv.get(type)) + " is not a route type");
                continue;
            }
            if (index.putIfAbsent(routeId, ids.size()) != null) {
                problems.error("routes.txt", t.line(), "route_id", "route " + quote(routeId) + " appears twice");
                continue;
            }
            kept(t);
            ids.add(routeId);
            shorts.add(intern(s));
            longs.add(intern(l));
            types.add(routeType);
            agencies.add(a);
            tick(t);
        }
        done(t);
        p.routeIds = ids.toArray(new String[0]);
        p.routeShortNames = shorts.toArray(new String[0]);
        p.routeLongNames = longs.toArray(new String[0]);
        p.routeTypes = types.toArray();
        p.routeAgency = agencies.toArray();
        p.routeIndex = index;
    }

    // ------------------------------------------------------------------------------------------------------- trips

    private void readTrips(Timetable.Parts p, Map<String, Integer> services, Set<String> filteredTrips,
                           Map<String, Integer> shapes) throws IOException {
        GtfsTable t = table("trips.txt", true);
        int route = t.required("route_id");
        int service = t.required("service_id");
        int id = t.required("trip_id");
        int headsign = t.optional("trip_headsign");
        int direction = t.optional("direction_id");
        int shape = t.optional("shape_id");
        Map<String, Integer> index = new HashMap<>();
        List<String> ids = new ArrayList<>();
        List<String> headsigns = new ArrayList<>();
        IntList routes = new IntList(1024);
        IntList serviceOf = new IntList(1024);
        IntList directions = new IntList(1024);
        IntList shapeOf = new IntList(1024);
        while (t.next()) {
            tick(t);
            String tripId = t.requiredValue(id, "trip_id", MAX_ID_LENGTH);
            String routeId = t.requiredValue(route, "route_id");
            String serviceId = t.requiredValue(service, "service_id");
            if (tripId == null || routeId == null || serviceId == null) {
                continue;
            }
            Integer r = p.routeIndex.get(routeId);
            if (r == null) {
                if (droppedRoutes.contains(routeId)) {
                    filteredTrips.add(tripId);
                } else {
                    problems.error("trips.txt", t.line(), "route_id", "no route " + quote(routeId));
                }
                continue;
            }
            Integer s = services.get(serviceId);
            if (s == null) {
                problems.error("trips.txt", t.line(), "service_id", "no service " + quote(serviceId)
                    + " in calendar.txt or calendar_dates.txt");
                continue;
            }
            if (index.putIfAbsent(tripId, ids.size()) != null) {
                problems.error("trips.txt", t.line(), "trip_id", "trip " + quote(tripId) + " appears twice");
                continue;
            }
            int dir = t.csv.getInt(direction, -1);
            if (dir != -1 && dir != 0 && dir != 1) {
                problems.warning("trips.txt", t.line(), "direction_id", "expected 0 or 1; ignored");
                dir = -1;
            }
            String shapeId = t.text(shape, "shape_id", MAX_ID_LENGTH);
            int shapeIndex = -1;
            if (!shapeId.isEmpty()) {
                shapeIndex = shapes.computeIfAbsent(shapeId, k -> shapes.size());
            }
            kept(t);
            ids.add(tripId);
            headsigns.add(intern(t.text(headsign, "trip_headsign", MAX_NAME_LENGTH)));
            routes.add(r);
            serviceOf.add(s);
            directions.add(dir);
            shapeOf.add(shapeIndex);
        }
        done(t);
        p.tripIds = ids.toArray(new String[0]);
        p.tripHeadsigns = headsigns.toArray(new String[0]);
        p.tripRoute = routes.toArray();
        p.tripService = serviceOf.toArray();
        int[] dirs = directions.toArray();
        p.tripDirection = new byte[dirs.length];
        for (int i = 0; i < dirs.length; i++) {
            p.tripDirection[i] = (byte) dirs[i];
        }
        p.tripShape = shapeOf.toArray();
        p.tripIndex = index;
    }

    // ------------------------------------------------------------------------------------------------------- stops

    private Map<String, Integer> readStops(Timetable.Parts p) throws IOException {
        GtfsTable t = table("stops.txt", true);
        int id = t.required("stop_id");
        int name = t.optional("stop_name");
        int lat = t.optional("stop_lat");
        int lon = t.optional("stop_lon");
        int type = t.optional("location_type");
        int parent = t.optional("parent_station");
        int platform = t.optional("platform_code");
        Map<String, Integer> index = new HashMap<>();
        List<String> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> platforms = new ArrayList<>();
        List<String> parents = new ArrayList<>();
        DoubleList lats = new DoubleList(1024);
        DoubleList lons = new DoubleList(1024);
        IntList types = new IntList(1024);
        IntList lines = new IntList(1024);
        while (t.next()) {
            tick(t);
            String stopId = t.requiredValue(id, "stop_id", MAX_ID_LENGTH);
            if (stopId == null) {
                continue;
            }
            int locationType = t.csv.getInt(type, 0);
            if (locationType < 0 || locationType > 4) {
                problems.error("stops.txt", t.line(), "location_type", "expected 0 to 4, found "
                    + quote(t.csv.get(type)));
                continue;
            }
            String stopName = t.text(name, "stop_name", MAX_NAME_LENGTH);
            double la = t.csv.getDouble(lat);
            double lo = t.csv.getDouble(lon);
            if (locationType <= 2) {
                if (stopName.isEmpty()) {
                    problems.error("stops.txt", t.line(), "stop_name", "required for stops, stations and entrances");
                    continue;
                }
                if (Double.isNaN(la) || la < -90 || la > 90) {
                    problems.error("stops.txt", t.line(), "stop_lat", quote(t.csv.get(lat))
                        + " is not a latitude");
                    continue;
                }
                if (Double.isNaN(lo) || lo < -180 || lo > 180) {
                    problems.error("stops.txt", t.line(), "stop_lon", quote(t.csv.get(lon))
                        + " is not a longitude");
                    continue;
                }
            }
            if (index.putIfAbsent(stopId, ids.size()) != null) {
                problems.error("stops.txt", t.line(), "stop_id", "stop " + quote(stopId) + " appears twice");
                continue;
            }
            kept(t);
            ids.add(stopId);
            names.add(intern(stopName));
            platforms.add(emptyToNull(t.text(platform, "platform_code", MAX_PLATFORM_CODE_LENGTH)));
            parents.add(t.text(parent, "parent_station", MAX_ID_LENGTH));
            lats.add(la);
            lons.add(lo);
            types.add(locationType);
            lines.add((int) t.line());
        }
        done(t);
        int n = ids.size();
        int[] parentIndex = new int[n];
        for (int i = 0; i < n; i++) {
            String ps = parents.get(i);
            parentIndex[i] = -1;
            if (!ps.isEmpty()) {
                Integer pi = index.get(ps);
                if (pi == null) {
                    problems.warning("stops.txt", lines.get(i), "parent_station", "no station " + quote(ps)
                        + "; the stop is kept without one");
                } else if (types.get(pi) != 1 && types.get(i) <= 1) {
                    problems.warning("stops.txt", lines.get(i), "parent_station", quote(ps)
                        + " is not a station (location_type 1); the stop is kept without one");
                } else {
                    parentIndex[i] = pi;
                }
            }
        }
        p.stopIds = ids.toArray(new String[0]);
        p.stopNames = names.toArray(new String[0]);
        p.stopPlatforms = platforms.toArray(new String[0]);
        p.stopLat = lats.toArray();
        p.stopLon = lons.toArray();
        p.stopParent = parentIndex;
        int[] ty = types.toArray();
        p.stopLocationType = new byte[n];
        for (int i = 0; i < n; i++) {
            p.stopLocationType[i] = (byte) ty[i];
        }
        p.stopIndex = index;
        return index;
    }

    // -------------------------------------------------------------------------------------------------- stop_times

    private void readStopTimes(Timetable.Parts p, Map<String, Integer> stops, Set<String> filteredTrips)
        throws IOException {
        GtfsTable t = table("stop_times.txt", true);
        int trip = t.required("trip_id");
        int arrival = t.optional("arrival_time");
        int departure = t.optional("departure_time");
        int stop = t.required("stop_id");
        int sequence = t.required("stop_sequence");
        int pickup = t.optional("pickup_type");
        if (arrival < 0 && departure < 0) {
            throw problems.fatal("stop_times.txt", 1, "arrival_time", "neither arrival_time nor departure_time is a "
                + "column");
        }
        // sized from the entry's header, which may lie: never past what max-stop-times lets the file keep
        long expected = Math.max(1024, zipSize("stop_times.txt") / 40);
        int cap = (int) Math.min(limits.maxStopTimes() + 1L, expected);
        IntList tripOf = new IntList(cap);
        IntList stopOf = new IntList(cap);
        IntList arr = new IntList(cap);
        IntList dep = new IntList(cap);
        IntList seq = new IntList(cap);
        ByteList pick = new ByteList(cap);
        String lastTripId = null;
        int lastTrip = -1;
        IdIndex stopIds = new IdIndex(stops);
        while (t.next()) {
            tick(t);
            int tr;
            if (lastTripId != null && t.csv.fieldEquals(trip, lastTripId)) {
                tr = lastTrip;
                if (tr < 0) {
                    continue; // another row of a trip the agency filter dropped
                }
            } else {
                String tripId = t.requiredValue(trip, "trip_id");
                if (tripId == null) {
                    continue;
                }
                Integer ti = p.tripIndex.get(tripId);
                if (ti == null) {
                    if (filteredTrips.contains(tripId)) {
                        lastTripId = tripId;
                        lastTrip = -1;
                    } else {
                        problems.error("stop_times.txt", t.line(), "trip_id", "no trip " + quote(tripId));
                    }
                    continue;
                }
                lastTripId = tripId;
                tr = lastTrip = ti;
            }
            int st = stopIds.find(t.csv, stop);
            if (st < 0 || p.stopLocationType[st] != 0) {
                String stopId = t.requiredValue(stop, "stop_id");
                if (stopId == null) {
                    continue;
                }
                if (st < 0) {
                    problems.error("stop_times.txt", t.line(), "stop_id", "no stop " + quote(stopId));
                } else {
                    problems.error("stop_times.txt", t.line(), "stop_id", quote(stopId)
                        + " is a station or entrance, not a stop (location_type " + p.stopLocationType[st] + ")");
                }
                continue;
            }
            int a = t.csv.getTime(arrival);
            int d = t.csv.getTime(departure);
            if (a == Integer.MIN_VALUE) {
                problems.error("stop_times.txt", t.line(), "arrival_time", quote(t.csv.get(arrival))
                    + " is not a time HH:MM:SS");
                continue;
            }
            if (d == Integer.MIN_VALUE) {
                problems.error("stop_times.txt", t.line(), "departure_time", quote(t.csv.get(departure))
                    + " is not a time HH:MM:SS");
                continue;
            }
            int s = t.csv.getInt(sequence, Integer.MIN_VALUE);
            if (s < 0) {
                problems.error("stop_times.txt", t.line(), "stop_sequence", quote(t.csv.get(sequence))
                    + " is not a non-negative integer");
                continue;
            }
            int pt = t.csv.getInt(pickup, 0);
            if (++keptStopTimes > limits.maxStopTimes()) {
                throw problems.fatal(t.file, t.line(), "", "more than " + limits.maxStopTimes()
                    + " stop times to keep (max-stop-times)");
            }
            tripOf.add(tr);
            stopOf.add(st);
            arr.add(a < 0 ? d : a);
            dep.add(d < 0 ? a : d);
            seq.add(s);
            pick.add((byte) (pt == 1 ? Timetable.NO_PICKUP : 0));
        }
        done(t);
        groupByTrip(p, tripOf.array(), stopOf.array(), arr.array(), dep.array(), seq.array(), pick.array(),
            tripOf.size());
    }

    // ------------------------------------------------------------------------------------------------ frequencies

    /**
     * Expands the trips of frequencies.txt into one trip per run, each with the template's stop offsets counted from
     * its own start: the template trip itself keeps its id (realtime matching finds its runs through it) but loses its
     * stop times, because the GTFS reference says a frequency-based trip never runs at the template's times. Runs are
     * real trips of the timetable, so service days, times past 24:00, DST and realtime work as for plain trips; a run
     * of an {@code exact_times=0} window keeps its headway so a departure can say it is "about every N minutes".
     * Expanding costs stop times (runs times stops); they count against max-stop-times like the feed's own.
     */
    private void readFrequencies(Timetable.Parts p, Set<String> filteredTrips) throws IOException {
        GtfsTable t = table("frequencies.txt", false);
        int trips = p.tripIds.length;
        p.tripTemplate = new int[trips];
        Arrays.fill(p.tripTemplate, -1);
        p.tripHeadway = new int[trips];
        if (t == null) {
            return;
        }
        int trip = t.required("trip_id");
        int start = t.required("start_time");
        int end = t.required("end_time");
        int headway = t.required("headway_secs");
        int exact = t.optional("exact_times");
        IntList runTrip = new IntList(64);
        IntList runStart = new IntList(64);
        IntList runHeadway = new IntList(64);
        boolean[] template = new boolean[trips];
        long added = 0;
        while (t.next()) {
            tick(t);
            kept(t);
            String tripId = t.requiredValue(trip, "trip_id");
            if (tripId == null) {
                continue;
            }
            Integer ti = p.tripIndex.get(tripId);
            if (ti == null) {
                if (!filteredTrips.contains(tripId)) {
                    problems.error("frequencies.txt", t.line(), "trip_id", "no trip " + quote(tripId));
                }
                continue;
            }
            int from = GtfsTime.parse(t.csv.get(start));
            int to = GtfsTime.parse(t.csv.get(end));
            int h = parsePositive(t.csv.get(headway));
            String ex = t.csv.get(exact).trim();
            if (from == Integer.MIN_VALUE || to == Integer.MIN_VALUE) {
                problems.error("frequencies.txt", t.line(), from == Integer.MIN_VALUE ? "start_time" : "end_time",
                    quote(t.csv.get(from == Integer.MIN_VALUE ? start : end)) + " is not a time (H:MM:SS)");
                continue;
            }
            if (to <= from) {
                problems.error("frequencies.txt", t.line(), "end_time", "end_time is not after start_time");
                continue;
            }
            if (h <= 0) {
                problems.error("frequencies.txt", t.line(), "headway_secs", quote(t.csv.get(headway))
                    + " is not a positive number of seconds");
                continue;
            }
            if (!ex.isEmpty() && !ex.equals("0") && !ex.equals("1")) {
                problems.error("frequencies.txt", t.line(), "exact_times", "expected 0, 1 or empty, found " + quote(ex));
                continue;
            }
            int stopTimes = p.tripFirstStopTime[ti + 1] - p.tripFirstStopTime[ti];
            template[ti] = true;
            if (stopTimes == 0) {
                continue;
            }
            // in long: headway_secs may be any positive int, and (to - from + h - 1) passed Integer.MAX_VALUE for one
            // near it, so the run went uncounted while the loop below still added it (and the expansion overran its
            // arrays). A headway longer than the window is one run, at start_time.
            long runs = ((long) to - from + h - 1) / h;
            added += runs * stopTimes;
            keptStopTimes += runs * stopTimes;
            if (keptStopTimes > limits.maxStopTimes()) {
                throw problems.fatal(t.file, t.line(), "", "more than " + limits.maxStopTimes()
                    + " stop times once the runs of frequencies.txt are expanded (max-stop-times)");
            }
            boolean headwayBased = !ex.equals("1");
            for (long r = 0; r < runs; r++) {
                runTrip.add(ti);
                runStart.add((int) (from + r * h));
                runHeadway.add(headwayBased ? h : 0);
            }
        }
        done(t);
        expandRuns(p, template, runTrip, runStart, runHeadway, added);
    }

    private static int parsePositive(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void expandRuns(Timetable.Parts p, boolean[] template, IntList runTrip, IntList runStart,
                                   IntList runHeadway, long added) {
        int trips = p.tripIds.length;
        int runs = runTrip.size();
        int[] first = p.tripFirstStopTime;
        long removed = 0;
        for (int t = 0; t < trips; t++) {
            if (template[t]) {
                removed += first[t + 1] - first[t];
            }
        }
        int n = (int) (first[trips] - removed + added);
        int[] stop = new int[n];
        int[] arr = new int[n];
        int[] dep = new int[n];
        int[] seq = new int[n];
        byte[] pick = new byte[n];
        int[] newFirst = new int[trips + runs + 1];
        int k = 0;
        for (int t = 0; t < trips; t++) {
            newFirst[t] = k;
            if (!template[t]) {
                k = copyRun(p, t, 0, k, stop, arr, dep, seq, pick);
            }
        }
        int total = trips + runs;
        p.tripIds = Arrays.copyOf(p.tripIds, total);
        p.tripHeadsigns = Arrays.copyOf(p.tripHeadsigns, total);
        p.tripRoute = Arrays.copyOf(p.tripRoute, total);
        p.tripService = Arrays.copyOf(p.tripService, total);
        p.tripDirection = Arrays.copyOf(p.tripDirection, total);
        p.tripShape = Arrays.copyOf(p.tripShape, total);
        p.tripTemplate = Arrays.copyOf(p.tripTemplate, total);
        p.tripHeadway = Arrays.copyOf(p.tripHeadway, total);
        for (int r = 0; r < runs; r++) {
            int tpl = runTrip.get(r);
            int run = trips + r;
            newFirst[run] = k;
            k = copyRun(p, tpl, runStart.get(r) - p.stDeparture[first[tpl]], k, stop, arr, dep, seq, pick);
            p.tripIds[run] = p.tripIds[tpl];
            p.tripHeadsigns[run] = p.tripHeadsigns[tpl];
            p.tripRoute[run] = p.tripRoute[tpl];
            p.tripService[run] = p.tripService[tpl];
            p.tripDirection[run] = p.tripDirection[tpl];
            p.tripShape[run] = p.tripShape[tpl];
            p.tripTemplate[run] = tpl;
            p.tripHeadway[run] = runHeadway.get(r);
        }
        newFirst[total] = k;
        p.tripFirstStopTime = newFirst;
        p.stStop = stop;
        p.stArrival = arr;
        p.stDeparture = dep;
        p.stSequence = seq;
        p.stPickup = pick;
    }

    /** Copies the stop times of {@code trip} to position {@code k}, every time moved by {@code shift}. */
    private static int copyRun(Timetable.Parts p, int trip, int shift, int k, int[] stop, int[] arr, int[] dep,
                               int[] seq, byte[] pick) {
        for (int i = p.tripFirstStopTime[trip]; i < p.tripFirstStopTime[trip + 1]; i++, k++) {
            stop[k] = p.stStop[i];
            arr[k] = p.stArrival[i] + shift;
            dep[k] = p.stDeparture[i] + shift;
            seq[k] = p.stSequence[i];
            pick[k] = p.stPickup[i];
        }
        return k;
    }

    private long zipSize(String name) {
        GtfsArchive.Entry e = entries.get(name);
        return e == null ? 0 : e.size();
    }

    /**
     * Orders the stop times by trip (a counting sort, linear) and by stop_sequence within a trip (already in order in
     * almost every feed, so an insertion sort), then fills times that the feed leaves empty between timepoints.
     */
    private void groupByTrip(Timetable.Parts p, int[] tripOf, int[] stopOf, int[] arr, int[] dep, int[] seq,
                             byte[] pick, int n) {
        int trips = p.tripIds.length;
        int[] first = new int[trips + 1];
        for (int i = 0; i < n; i++) {
            first[tripOf[i] + 1]++;
        }
        for (int t = 0; t < trips; t++) {
            first[t + 1] += first[t];
        }
        int[] fill = first.clone();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[fill[tripOf[i]]++] = i;
        }
        fill = null;
        sortRuns(order, first, trips, seq);
        p.stStop = permute(stopOf, order, n);
        p.stArrival = permute(arr, order, n);
        p.stDeparture = permute(dep, order, n);
        p.stSequence = permute(seq, order, n);
        byte[] pk = new byte[n];
        for (int i = 0; i < n; i++) {
            pk[i] = pick[order[i]];
        }
        p.stPickup = pk;
        p.tripFirstStopTime = first;
        checkTrips(p);
    }

    /**
     * Orders each run {@code order[first[g]..first[g+1])} by {@code key} (a sequence number, never negative), keeping
     * the file's order among equal keys. Almost every feed has its runs in order already, which is checked first; a
     * run out of order is sorted in O(n log n). It was an insertion sort: one trip of a million stop times written
     * backwards took 5 * 10^11 steps.
     */
    private static void sortRuns(int[] order, int[] first, int groups, int[] key) {
        long[] buf = new long[0];
        for (int g = 0; g < groups; g++) {
            int from = first[g];
            int to = first[g + 1];
            boolean sorted = true;
            for (int k = from + 1; k < to && sorted; k++) {
                sorted = key[order[k - 1]] <= key[order[k]];
            }
            if (sorted) {
                continue;
            }
            int n = to - from;
            if (buf.length < n) {
                buf = new long[n];
            }
            for (int k = 0; k < n; k++) {
                buf[k] = ((long) key[order[from + k]] << 32) | k;
            }
            Arrays.sort(buf, 0, n);
            int[] run = Arrays.copyOfRange(order, from, to);
            for (int k = 0; k < n; k++) {
                order[from + k] = run[(int) buf[k]];
            }
        }
    }

    private static int[] permute(int[] values, int[] order, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = values[order[i]];
        }
        return out;
    }

    private void checkTrips(Timetable.Parts p) {
        int[] first = p.tripFirstStopTime;
        int[] arr = p.stArrival;
        int[] dep = p.stDeparture;
        int[] seq = p.stSequence;
        for (int t = 0; t < p.tripIds.length; t++) {
            int from = first[t];
            int to = first[t + 1];
            if (to - from == 0) {
                problems.warning("trips.txt", 0, "trip_id", "trip '" + p.tripIds[t] + "' has no stop times");
                continue;
            }
            if (to - from == 1) {
                problems.warning("stop_times.txt", 0, "trip_id", "trip '" + p.tripIds[t] + "' has one stop time");
            }
            for (int i = from + 1; i < to; i++) {
                if (seq[i] == seq[i - 1]) {
                    problems.warning("stop_times.txt", 0, "stop_sequence", "trip '" + p.tripIds[t]
                        + "' has stop_sequence " + seq[i] + " twice");
                }
            }
            if (dep[from] < 0) {
                problems.error("stop_times.txt", 0, "departure_time", "trip '" + p.tripIds[t]
                    + "': the first stop needs a time");
                dep[from] = arr[from] = firstKnown(dep, from, to);
            }
            if (arr[to - 1] < 0) {
                problems.error("stop_times.txt", 0, "arrival_time", "trip '" + p.tripIds[t]
                    + "': the last stop needs a time");
                arr[to - 1] = dep[to - 1] = lastKnown(arr, from, to);
            }
            // interpolate untimed stops evenly between the timepoints around them
            int prev = from;
            for (int i = from + 1; i < to; i++) {
                if (arr[i] >= 0) {
                    int gap = i - prev;
                    for (int k = 1; k < gap; k++) {
                        int v = dep[prev] + (int) ((long) (arr[i] - dep[prev]) * k / gap);
                        arr[prev + k] = dep[prev + k] = v;
                    }
                    if (arr[i] < dep[prev]) {
                        problems.warning("stop_times.txt", 0, "arrival_time", "trip '" + p.tripIds[t]
                            + "' goes back in time at stop_sequence " + seq[i]);
                    }
                    prev = i;
                }
            }
        }
    }

    private static int firstKnown(int[] times, int from, int to) {
        for (int i = from; i < to; i++) {
            if (times[i] >= 0) {
                return times[i];
            }
        }
        return 0;
    }

    private static int lastKnown(int[] times, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (times[i] >= 0) {
                return times[i];
            }
        }
        return 0;
    }

    /**
     * With an agency filter the state-wide stops file holds every operator's stops; keep only stops the kept trips
     * serve, and their stations, so a stop search finds nothing the timetable has no departures for.
     */
    private void dropUnusedStops(Timetable.Parts p) {
        if (agencyFilter.isEmpty()) {
            return;
        }
        int n = p.stopIds.length;
        boolean[] used = new boolean[n];
        for (int s : p.stStop) {
            used[s] = true;
        }
        for (int s = 0; s < n; s++) {
            if (used[s] && p.stopParent[s] >= 0) {
                used[p.stopParent[s]] = true;
            }
        }
        int[] remap = new int[n];
        int kept = 0;
        for (int s = 0; s < n; s++) {
            remap[s] = used[s] ? kept++ : -1;
        }
        if (kept == n) {
            return;
        }
        String[] ids = new String[kept];
        String[] names = new String[kept];
        String[] platforms = new String[kept];
        double[] lat = new double[kept];
        double[] lon = new double[kept];
        int[] parent = new int[kept];
        byte[] type = new byte[kept];
        Map<String, Integer> index = new HashMap<>();
        for (int s = 0; s < n; s++) {
            int r = remap[s];
            if (r < 0) {
                continue;
            }
            ids[r] = p.stopIds[s];
            names[r] = p.stopNames[s];
            platforms[r] = p.stopPlatforms[s];
            lat[r] = p.stopLat[s];
            lon[r] = p.stopLon[s];
            parent[r] = p.stopParent[s] < 0 ? -1 : remap[p.stopParent[s]];
            type[r] = p.stopLocationType[s];
            index.put(ids[r], r);
        }
        int[] st = p.stStop;
        for (int i = 0; i < st.length; i++) {
            st[i] = remap[st[i]];
        }
        p.stopIds = ids;
        p.stopNames = names;
        p.stopPlatforms = platforms;
        p.stopLat = lat;
        p.stopLon = lon;
        p.stopParent = parent;
        p.stopLocationType = type;
        p.stopIndex = index;
    }

    // ------------------------------------------------------------------------------------------------------ shapes

    private void readShapes(Timetable.Parts p, Map<String, Integer> wanted) throws IOException {
        p.shapeIds = new String[wanted.size()];
        wanted.forEach((id, i) -> p.shapeIds[i] = id);
        GtfsTable t = wanted.isEmpty() ? null : table("shapes.txt", false);
        if (t == null) {
            p.shapeFirstPoint = new int[wanted.size() + 1];
            p.shapeLat = new float[0];
            p.shapeLon = new float[0];
            return;
        }
        int id = t.required("shape_id");
        int lat = t.required("shape_pt_lat");
        int lon = t.required("shape_pt_lon");
        int seq = t.required("shape_pt_sequence");
        IntList shapeOf = new IntList(1024);
        IntList seqs = new IntList(1024);
        DoubleList lats = new DoubleList(1024);
        DoubleList lons = new DoubleList(1024);
        String last = null;
        int lastIndex = -1;
        while (t.next()) {
            tick(t);
            int s;
            if (last != null && t.csv.fieldEquals(id, last)) {
                s = lastIndex;
            } else {
                String shapeId = t.csv.get(id);
                Integer si = wanted.get(shapeId);
                last = shapeId;
                lastIndex = s = si == null ? -1 : si;
            }
            if (s < 0) {
                continue;
            }
            double la = t.csv.getDouble(lat);
            double lo = t.csv.getDouble(lon);
            int q = t.csv.getInt(seq, Integer.MIN_VALUE);
            if (Double.isNaN(la) || Double.isNaN(lo) || q < 0) {
                problems.error("shapes.txt", t.line(), Double.isNaN(la) ? "shape_pt_lat" : Double.isNaN(lo)
                    ? "shape_pt_lon" : "shape_pt_sequence", "not a number");
                continue;
            }
            if (++keptShapePoints > limits.maxShapePoints()) {
                throw problems.fatal(t.file, t.line(), "", "more than " + limits.maxShapePoints()
                    + " shape points to keep (max-shape-points)");
            }
            shapeOf.add(s);
            seqs.add(q);
            lats.add(la);
            lons.add(lo);
        }
        done(t);
        int n = shapeOf.size();
        int shapes = wanted.size();
        int[] shapeArr = shapeOf.array();
        int[] seqArr = seqs.array();
        int[] first = new int[shapes + 1];
        for (int i = 0; i < n; i++) {
            first[shapeArr[i] + 1]++;
        }
        for (int s = 0; s < shapes; s++) {
            first[s + 1] += first[s];
        }
        int[] fill = first.clone();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[fill[shapeArr[i]]++] = i;
        }
        sortRuns(order, first, shapes, seqArr);
        float[] la = new float[n];
        float[] lo = new float[n];
        for (int i = 0; i < n; i++) {
            la[i] = (float) lats.get(order[i]);
            lo[i] = (float) lons.get(order[i]);
        }
        p.shapeFirstPoint = first;
        p.shapeLat = la;
        p.shapeLon = lo;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /**
     * Counts the bytes read from a zip entry: for the progress percentage, and against the limits on what the archive
     * expands to, in all and per compressed byte of this entry that the inflater really consumed (the directory's
     * compressed size is a claim an archive can make up). The ratio is of what came out so far to what went in so
     * far, so a bomb is stopped within its first MiB past the grace, wherever in the entry it starts.
     */
    private final class CountingStream extends FilterInputStream {
        private final String name;
        private final long size;
        private final GtfsArchive.EntryStream raw;
        private long read;

        CountingStream(GtfsArchive.EntryStream raw, String name, long size) {
            super(raw);
            this.raw = raw;
            this.name = name;
            this.size = size;
        }

        int percent() {
            return size <= 0 ? -1 : (int) Math.min(100, read * 100 / size);
        }

        @Override
        public int read() throws IOException {
            int b = damaged(() -> super.read());
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = damaged(() -> super.read(b, off, len));
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        /** A read whose data turns out damaged fails the import naming the file, as an unreadable archive does. */
        private int damaged(IoRead r) {
            try {
                return r.read();
            } catch (IOException e) {
                throw problems.fatal(name, 0, "", "cannot be read from the archive: " + e.getMessage());
            }
        }

        private void counted(int n) {
            read += n;
            expanded += n;
            if (expanded > limits.maxExpandedBytes()) {
                throw problems.fatal(name, 0, "", "the archive expands to more than " + limits.maxExpandedBytes()
                    + " bytes (max-expanded-mb)");
            }
            long compressed = Math.max(1, raw.compressedRead());
            if (read > RATIO_GRACE && read > limits.maxRatio() * compressed) {
                throw problems.fatal(name, 0, "", "expands to more than " + limits.maxRatio() + " times the "
                    + compressed + " compressed bytes read of it (max-ratio)");
            }
        }
    }

    private interface IoRead {
        int read() throws IOException;
    }
}
