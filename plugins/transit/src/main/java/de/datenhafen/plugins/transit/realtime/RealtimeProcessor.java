package de.datenhafen.plugins.transit.realtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.transit.realtime.GtfsRealtime.Alert;
import com.google.transit.realtime.GtfsRealtime.EntitySelector;
import com.google.transit.realtime.GtfsRealtime.FeedEntity;
import com.google.transit.realtime.GtfsRealtime.FeedHeader;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import com.google.transit.realtime.GtfsRealtime.TimeRange;
import com.google.transit.realtime.GtfsRealtime.TranslatedString;
import com.google.transit.realtime.GtfsRealtime.TripUpdate;
import com.google.transit.realtime.GtfsRealtime.VehiclePosition;
import de.datenhafen.plugins.transit.gtfs.GtfsTime;
import de.datenhafen.plugins.transit.timetable.Timetable;
import de.datenhafen.plugins.transit.timetable.TripLive;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies GTFS-Realtime feed messages of one realtime integration to a feed's {@link LiveState} and says what
 * changed. An entity is "changed" when its content, apart from its timestamp, differs from the last message: only
 * those become events, so a poll that brings the same 500 vehicles where they were publishes nothing. Entities that
 * match nothing in the timetable are kept where they still mean something (a vehicle's position), counted, logged
 * and published with {@code "matched": false}, never dropped silently.
 *
 * <p>One instance per integration; {@link #apply} is synchronized, polls and pushes of the same integration run one
 * after the other.
 */
public final class RealtimeProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(RealtimeProcessor.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long pushed state is kept after its trip ended or its vehicle last reported. */
    static final long STALE_SECONDS = 3600;

    /** Which part of the live state a feed URL is configured for. */
    public enum Kind { TRIP_UPDATES, VEHICLE_POSITIONS, ALERTS }

    private final String integration;
    private final LiveState state;
    private final Supplier<Timetable> timetable;
    private final Map<Kind, Map<String, Long>> seen = new HashMap<>();
    private final Map<Kind, Stats> stats = new LinkedHashMap<>();
    private volatile int maxLive = 100_000;

    /*
     * Alerts are short: a header is a line (real feeds: under 200 characters), a description a few paragraphs, a url
     * one address. A longer text is cut and marked, which keeps the alert useful, and counted in the status
     * (truncatedTexts). Without these bounds each push could keep 16 MB of header and the alerts answer outgrew its
     * 4 MiB cap for everyone.
     */
    /** The longest alert header kept, in characters. */
    public static final int MAX_HEADER = 500;
    /** The longest alert description kept, in characters. */
    public static final int MAX_DESCRIPTION = 10_000;
    /** The longest alert url kept, in characters (browsers and servers commonly stop near 2,000). */
    public static final int MAX_URL = 2_000;
    /** What ends a cut text. */
    static final String CUT = "…";
    /**
     * The most characters (texts and ids) all live alerts of an integration may hold together: even if each were
     * three bytes of UTF-8, the alerts answer stays under its 4 MiB. Per-alert bounds alone do not do it (12,500
     * characters times max-live-entities 100,000 is over a billion); real feeds hold tens to a few hundred alerts of
     * a few hundred to a few thousand characters. A message that would pass it is refused whole.
     */
    public static final long MAX_ALERT_CHARS = 1_000_000;

    /** Counts per kind, for the status page. */
    public static final class Stats {
        public final AtomicLong messages = new AtomicLong();
        public volatile int entities;
        public volatile int matched;
        public volatile int unmatched;
        public volatile int unmatchedStops;
        /** Alert texts of the last message cut to {@link #MAX_HEADER}, {@link #MAX_DESCRIPTION} or {@link #MAX_URL}. */
        public volatile int truncatedTexts;
        public final AtomicLong changed = new AtomicLong();
        public volatile List<String> unmatchedExamples = List.of();
        public volatile Instant lastMessage;
        public volatile long feedTimestamp;
    }

    public RealtimeProcessor(String integration, LiveState state, Supplier<Timetable> timetable) {
        this.integration = integration;
        this.state = state;
        this.timetable = timetable;
        for (Kind k : Kind.values()) {
            seen.put(k, new HashMap<>());
            stats.put(k, new Stats());
        }
    }

    public Map<Kind, Stats> stats() {
        return stats;
    }

    /**
     * The most trips, vehicles or alerts (each) that pushes and differential messages may add up to: nothing replaces
     * what they add but the hour-long pruning (and alerts and vehicles without a timestamp never age), so without a
     * bound a loop of pushes with new ids would grow the live state until the heap is gone. A message that would pass
     * it is refused whole.
     */
    public void maxLive(int max) {
        this.maxLive = max;
    }

    /**
     * Applies a message. A full data set replaces the kinds it holds and {@code expected} (so an empty trip-updates
     * feed clears the trips); a differential one (or a push) adds to and deletes from what is there.
     */
    public synchronized List<LiveEvent> apply(FeedMessage msg, Kind expected, boolean push, Instant now) {
        Timetable tt = timetable.get();
        boolean full = !push && msg.getHeader().getIncrementality() == FeedHeader.Incrementality.FULL_DATASET;
        List<FeedEntity> tripEntities = new ArrayList<>();
        List<FeedEntity> vehicleEntities = new ArrayList<>();
        List<FeedEntity> alertEntities = new ArrayList<>();
        List<FeedEntity> deleted = new ArrayList<>();
        for (FeedEntity e : msg.getEntityList()) {
            if (e.getIsDeleted()) {
                deleted.add(e);
                continue;
            }
            if (e.hasTripUpdate()) {
                tripEntities.add(e);
            }
            if (e.hasVehicle()) {
                vehicleEntities.add(e);
            }
            if (e.hasAlert()) {
                alertEntities.add(e);
            }
        }
        long feedTime = msg.getHeader().getTimestamp();
        if (!full) {
            // on the feed's clock, so a replayed or test feed of another day keeps what it says
            prune(tt, posix(feedTime, now));
            if (state.trips().size() + tripEntities.size() > maxLive
                || state.vehicles().size() + vehicleEntities.size() > maxLive
                || state.alerts().size() + alertEntities.size() > maxLive) {
                throw new FeedMessages.TooLarge("the live state would hold more than " + maxLive + " trips, vehicles "
                    + "or alerts (max-live-entities)");
            }
        }
        if (!alertEntities.isEmpty()) {
            checkAlertChars(alertEntities, deleted, full);
        }
        List<LiveEvent> events = new ArrayList<>();
        if (!tripEntities.isEmpty() || (full && expected == Kind.TRIP_UPDATES) || hasDeleted(deleted)) {
            trips(tt, tripEntities, deleted, full, now, feedTime, events);
        }
        if (!vehicleEntities.isEmpty() || (full && expected == Kind.VEHICLE_POSITIONS) || hasDeleted(deleted)) {
            vehicles(tt, vehicleEntities, deleted, full, now, feedTime, events);
        }
        if (!alertEntities.isEmpty() || (full && expected == Kind.ALERTS) || hasDeleted(deleted)) {
            alerts(tt, alertEntities, deleted, full, feedTime, events);
        }
        return events;
    }

    private static boolean hasDeleted(List<FeedEntity> deleted) {
        return !deleted.isEmpty();
    }

    private void trips(Timetable tt, List<FeedEntity> entities, List<FeedEntity> deleted, boolean full, Instant now,
                       long feedTime, List<LiveEvent> events) {
        Stats st = stats.get(Kind.TRIP_UPDATES);
        Map<String, Long> last = seen.get(Kind.TRIP_UPDATES);
        Map<String, Long> next = full ? new HashMap<>() : new HashMap<>(last);
        Map<String, TripLive> trips = full ? new HashMap<>() : new HashMap<>(state.trips());
        if (!deleted.isEmpty()) {
            // one pass with a set: a loop per deleted entity over all trips cost entities times trips
            java.util.Set<String> ids = new java.util.HashSet<>();
            deleted.forEach(e -> ids.add(e.getId()));
            next.keySet().removeIf(k -> k.indexOf('#') >= 0 && ids.contains(k.substring(0, k.indexOf('#'))));
            trips.values().removeIf(t -> t.vehicleId != null && ids.contains(t.vehicleId));
        }
        int matched = 0;
        int unmatched = 0;
        int[] unmatchedStops = {0};
        List<String> examples = new ArrayList<>();
        for (FeedEntity e : entities) {
            TripUpdate u = e.getTripUpdate();
            String vehicleId = u.hasVehicle() ? u.getVehicle().getId() : null;
            TripMatcher.Match m = tt == null ? TripMatcher.Match.none("no timetable is loaded yet")
                : TripMatcher.match(tt, u.getTrip(), now);
            String key;
            ObjectNode data = JSON.createObjectNode();
            data.put("tripId", u.getTrip().getTripId());
            if (m.matched()) {
                matched++;
                TripLive live = TripMatcher.resolve(tt, m, u, vehicleId, unmatchedStops);
                key = LiveState.key(tt, m.trip(), m.serviceDay());
                trips.put(key, live);
                describeTrip(tt, live, data);
            } else {
                unmatched++;
                if (examples.size() < 5) {
                    examples.add(m.problem());
                }
                key = u.getTrip().getTripId() + "|" + u.getTrip().getStartDate() + "|" + e.getId();
                data.put("startDate", u.getTrip().getStartDate().isEmpty() ? null : u.getTrip().getStartDate());
                data.put("routeId", u.getTrip().getRouteId().isEmpty() ? null : u.getTrip().getRouteId());
                data.put("cancelled", u.getTrip().getScheduleRelationship()
                    == com.google.transit.realtime.GtfsRealtime.TripDescriptor.ScheduleRelationship.CANCELED);
                data.put("matched", false);
                data.put("problem", m.problem());
            }
            data.put("entityId", e.getId());
            if (vehicleId != null) {
                data.put("vehicleId", vehicleId);
            }
            long fp = fingerprint(u.toBuilder().clearTimestamp().build().toByteArray());
            next.put(key, fp);
            Long before = last.get(key);
            if (before == null || before != fp) {
                long time = u.hasTimestamp() ? u.getTimestamp() : feedTime;
                events.add(event(LiveEvent.TRIP_UPDATED, u.getTrip().getTripId(), key, fp, time, now, data));
            }
        }
        seen.put(Kind.TRIP_UPDATES, next);
        state.setTrips(trips, tt);
        record(st, Kind.TRIP_UPDATES, entities.size(), matched, unmatched, unmatchedStops[0], examples, feedTime,
            events);
    }

    /** Drops what pushes and differential messages left behind and no one will delete. */
    private void prune(Timetable tt, Instant now) {
        Map<String, TripLive> trips = new HashMap<>(state.trips());
        int before = trips.size();
        pruneTrips(tt, trips, seen.get(Kind.TRIP_UPDATES), now);
        if (trips.size() != before) {
            state.setTrips(trips, tt);
        }
        // a vehicle that has said nothing for an hour is no longer on the road
        long cutoff = now.getEpochSecond() - STALE_SECONDS;
        Map<String, LiveState.Vehicle> vehicles = new HashMap<>(state.vehicles());
        if (vehicles.values().removeIf(v -> v.timestamp() > 0 && v.timestamp() < cutoff)) {
            state.setVehicles(vehicles);
            seen.get(Kind.VEHICLE_POSITIONS).keySet().retainAll(vehicles.keySet());
        }
    }

    /**
     * Without full data sets nothing ever replaces the map, so entries are dropped here: trips of another timetable
     * version, and trips whose last stop was more than an hour ago.
     */
    private static void pruneTrips(Timetable tt, Map<String, TripLive> trips, Map<String, Long> seenKeys,
                                   Instant now) {
        long t = now.getEpochSecond();
        trips.values().removeIf(l -> {
            if (l.basis != tt) {
                return true;
            }
            int last = tt.tripFirstStopTime[l.trip + 1] - 1;
            long end = GtfsTime.serviceDayStart(LocalDate.ofEpochDay(l.serviceDay), tt.zone) + tt.stArrival[last];
            return end + STALE_SECONDS < t;
        });
        seenKeys.keySet().removeIf(k -> k.indexOf('|') == k.lastIndexOf('|') && !trips.containsKey(k));
        if (seenKeys.size() > 50_000) {
            // unmatched entities carry no end time; past this many, forget them (one may be published again)
            seenKeys.keySet().removeIf(k -> k.indexOf('|') != k.lastIndexOf('|'));
        }
    }

    private void describeTrip(Timetable tt, TripLive live, ObjectNode data) {
        int trip = live.trip;
        int route = tt.tripRoute[trip];
        data.put("startDate", GtfsTime.formatDate(live.serviceDay));
        if (tt.tripTemplate[trip] >= 0) {
            data.put("startTime", GtfsTime.format(tt.stDeparture[tt.tripFirstStopTime[trip]]));
        }
        data.put("routeId", tt.routeIds[route]);
        data.put("line", line(tt, route));
        data.put("headsign", tt.tripHeadsigns[trip]);
        data.put("cancelled", live.cancelled);
        data.put("matched", true);
        long base = GtfsTime.serviceDayStart(LocalDate.ofEpochDay(live.serviceDay), tt.zone);
        ArrayNode stops = data.putArray("stops");
        int first = tt.tripFirstStopTime[trip];
        for (int i = 0; i < live.stops(); i++) {
            int d = live.departureDelay(i);
            if (d == TripLive.UNKNOWN && !live.skipped(i)) {
                continue;
            }
            int stIndex = first + i;
            ObjectNode s = stops.addObject();
            s.put("stopId", tt.stopIds[tt.stStop[stIndex]]);
            s.put("stopSequence", tt.stSequence[stIndex]);
            s.put("scheduledDeparture", Instant.ofEpochSecond(base + tt.stDeparture[stIndex]).toString());
            if (d != TripLive.UNKNOWN) {
                s.put("expectedDeparture", Instant.ofEpochSecond(base + tt.stDeparture[stIndex] + d).toString());
                s.put("delay", d);
            }
            if (live.skipped(i)) {
                s.put("skipped", true);
            }
        }
    }

    private void vehicles(Timetable tt, List<FeedEntity> entities, List<FeedEntity> deleted, boolean full,
                          Instant now, long feedTime, List<LiveEvent> events) {
        Stats st = stats.get(Kind.VEHICLE_POSITIONS);
        Map<String, Long> last = seen.get(Kind.VEHICLE_POSITIONS);
        Map<String, Long> next = full ? new HashMap<>() : new HashMap<>(last);
        Map<String, LiveState.Vehicle> vehicles = full ? new HashMap<>() : new HashMap<>(state.vehicles());
        for (FeedEntity e : deleted) {
            vehicles.remove(e.getId());
            next.remove(e.getId());
        }
        int matched = 0;
        int unmatched = 0;
        List<String> examples = new ArrayList<>();
        for (FeedEntity e : entities) {
            VehiclePosition v = e.getVehicle();
            String id = v.hasVehicle() && !v.getVehicle().getId().isEmpty() ? v.getVehicle().getId() : e.getId();
            String label = v.hasVehicle() && !v.getVehicle().getLabel().isEmpty() ? v.getVehicle().getLabel() : null;
            String tripId = v.hasTrip() && !v.getTrip().getTripId().isEmpty() ? v.getTrip().getTripId() : null;
            String routeId = v.hasTrip() && !v.getTrip().getRouteId().isEmpty() ? v.getTrip().getRouteId() : null;
            String line = null;
            String headsign = null;
            Integer delay = null;
            if (v.hasTrip()) {
                TripMatcher.Match m = tt == null ? TripMatcher.Match.none("no timetable is loaded yet")
                    : TripMatcher.match(tt, v.getTrip(), now);
                if (m.matched()) {
                    matched++;
                    int route = tt.tripRoute[m.trip()];
                    routeId = tt.routeIds[route];
                    line = line(tt, route);
                    headsign = tt.tripHeadsigns[m.trip()];
                    TripLive live = state.find(tt, m.trip(), m.serviceDay());
                    if (live != null && !live.cancelled) {
                        int index = currentIndex(tt, m.trip(), v);
                        int d = live.currentDelay(index);
                        delay = d == TripLive.UNKNOWN ? null : d;
                    }
                } else {
                    unmatched++;
                    if (examples.size() < 5) {
                        examples.add("vehicle " + id + ": " + m.problem());
                    }
                }
            }
            if (line == null && routeId != null && tt != null && tt.routeIndex.containsKey(routeId)) {
                // a vehicle that names its route but no trip (many feeds between runs) still shows its line
                line = line(tt, tt.routeIndex.get(routeId));
            }
            String stopId = v.getStopId().isEmpty() ? null : v.getStopId();
            if (stopId == null && v.hasCurrentStopSequence() && tt != null && tripId != null
                && tt.tripIndex.containsKey(tripId)) {
                int trip = tt.tripIndex.get(tripId);
                int idx = currentIndex(tt, trip, v);
                stopId = tt.stopIds[tt.stStop[tt.tripFirstStopTime[trip] + idx]];
            }
            long time = v.hasTimestamp() ? v.getTimestamp() : feedTime;
            LiveState.Vehicle vehicle = new LiveState.Vehicle(id, label, v.getPosition().getLatitude(),
                v.getPosition().getLongitude(), v.getPosition().hasBearing() ? v.getPosition().getBearing() : null,
                v.getPosition().hasSpeed() ? v.getPosition().getSpeed() : null, tripId, routeId, line, headsign,
                delay, stopId, v.hasCurrentStatus() ? v.getCurrentStatus().name() : null, time);
            vehicles.put(id, vehicle);
            long fp = fingerprint(v.toBuilder().clearTimestamp().build().toByteArray());
            next.put(id, fp);
            Long before = last.get(id);
            if (before == null || before != fp) {
                ObjectNode data = JSON.valueToTree(vehicle);
                data.put("matched", v.hasTrip() ? line != null : null);
                events.add(event(LiveEvent.VEHICLE_POSITION, id, id, fp, time, now, data));
            }
        }
        seen.put(Kind.VEHICLE_POSITIONS, next);
        state.setVehicles(vehicles);
        record(st, Kind.VEHICLE_POSITIONS, entities.size(), matched, unmatched, 0, examples, feedTime, events);
    }

    private static int currentIndex(Timetable tt, int trip, VehiclePosition v) {
        int first = tt.tripFirstStopTime[trip];
        int n = tt.tripFirstStopTime[trip + 1] - first;
        if (v.hasCurrentStopSequence()) {
            for (int i = 0; i < n; i++) {
                if (tt.stSequence[first + i] == v.getCurrentStopSequence()) {
                    return i;
                }
            }
        }
        return n - 1;
    }

    private void alerts(Timetable tt, List<FeedEntity> entities, List<FeedEntity> deleted, boolean full,
                        long feedTime, List<LiveEvent> events) {
        Stats st = stats.get(Kind.ALERTS);
        Map<String, Long> last = seen.get(Kind.ALERTS);
        Map<String, Long> next = full ? new HashMap<>() : new HashMap<>(last);
        Map<String, LiveState.Alert> alerts = full ? new HashMap<>() : new HashMap<>(state.alerts());
        List<String> removed = new ArrayList<>();
        for (FeedEntity e : deleted) {
            if (alerts.remove(e.getId()) != null) {
                removed.add(e.getId());
            }
            next.remove(e.getId());
        }
        int matched = 0;
        int unmatched = 0;
        List<String> examples = new ArrayList<>();
        int truncated = 0;
        Instant now = Instant.now();
        for (FeedEntity e : entities) {
            Alert a = e.getAlert();
            List<long[]> periods = new ArrayList<>();
            for (TimeRange r : a.getActivePeriodList()) {
                periods.add(new long[] {r.getStart(), r.getEnd()});
            }
            List<String> routes = new ArrayList<>();
            List<String> stops = new ArrayList<>();
            List<String> trips = new ArrayList<>();
            List<String> agencies = new ArrayList<>();
            boolean known = false;
            for (EntitySelector s : a.getInformedEntityList()) {
                if (!s.getRouteId().isEmpty()) {
                    routes.add(s.getRouteId());
                    known |= tt != null && tt.routeIndex.containsKey(s.getRouteId());
                }
                if (!s.getStopId().isEmpty()) {
                    stops.add(s.getStopId());
                    known |= tt != null && tt.stopIndex.containsKey(s.getStopId());
                }
                if (s.hasTrip() && !s.getTrip().getTripId().isEmpty()) {
                    trips.add(s.getTrip().getTripId());
                    known |= tt != null && tt.tripIndex.containsKey(s.getTrip().getTripId());
                }
                if (!s.getAgencyId().isEmpty()) {
                    agencies.add(s.getAgencyId());
                    known = true;
                }
            }
            if (known) {
                matched++;
            } else {
                unmatched++;
                if (examples.size() < 5) {
                    examples.add("alert " + e.getId() + " names no agency, route, stop or trip of the timetable");
                }
            }
            String header = text(a.getHeaderText());
            String description = text(a.getDescriptionText());
            String url = text(a.getUrl());
            truncated += (length(header) > MAX_HEADER ? 1 : 0) + (length(description) > MAX_DESCRIPTION ? 1 : 0)
                + (length(url) > MAX_URL ? 1 : 0);
            LiveState.Alert alert = new LiveState.Alert(e.getId(), periods, routes, stops, trips, agencies,
                a.hasCause() ? a.getCause().name() : null, a.hasEffect() ? a.getEffect().name() : null,
                cut(header, MAX_HEADER), cut(description, MAX_DESCRIPTION), cut(url, MAX_URL));
            alerts.put(e.getId(), alert);
            long fp = fingerprint(a.toByteArray());
            next.put(e.getId(), fp);
            Long before = last.get(e.getId());
            if (before == null || before != fp) {
                ObjectNode data = JSON.valueToTree(alert);
                data.put("active", alert.activeAt(now));
                data.put("matched", known);
                events.add(event(LiveEvent.ALERT, e.getId(), e.getId(), fp, feedTime, now, data));
            }
        }
        if (full) {
            for (String id : last.keySet()) {
                if (!next.containsKey(id)) {
                    removed.add(id);
                }
            }
        }
        for (String id : removed) {
            ObjectNode data = JSON.createObjectNode().put("id", id).put("active", false).put("removed", true);
            events.add(event(LiveEvent.ALERT, id, id, 0, feedTime, now, data));
        }
        seen.put(Kind.ALERTS, next);
        state.setAlerts(alerts);
        st.truncatedTexts = truncated;
        record(st, Kind.ALERTS, entities.size(), matched, unmatched, 0, examples, feedTime, events);
    }

    /** The longest example of an unmatched entity the status shows, in characters. */
    static final int MAX_EXAMPLE = 300;

    private void record(Stats st, Kind kind, int entities, int matched, int unmatched, int unmatchedStops,
                        List<String> examples, long feedTime, List<LiveEvent> events) {
        int before = st.unmatched;
        st.messages.incrementAndGet();
        st.entities = entities;
        st.matched = matched;
        st.unmatched = unmatched;
        st.unmatchedStops = unmatchedStops;
        // an example quotes ids of the message, as long as it made them; the status shows it to anyone
        st.unmatchedExamples = examples.stream().map(x -> x.length() <= MAX_EXAMPLE ? x
            : x.substring(0, MAX_EXAMPLE) + "...").toList();
        st.lastMessage = Instant.now();
        st.feedTimestamp = feedTime;
        st.changed.addAndGet(events.stream().filter(e -> e.type().equals(typeOf(kind))).count());
        if (unmatched > 0 || unmatchedStops > 0) {
            String line = "{}: {} of {} {} match nothing in the timetable ({} stop updates fit no stop); e.g. {}";
            if (unmatched != before) {
                LOG.warn(line, integration, unmatched, entities, kind, unmatchedStops, examples);
            } else {
                LOG.debug(line, integration, unmatched, entities, kind, unmatchedStops, examples);
            }
        }
    }

    /** The latest time an event may carry: the end of year 9999, as RFC 3339 can write it. */
    private static final long LATEST = 253_402_300_799L;

    /**
     * A feed's POSIX time (uint64 seconds in GTFS-Realtime), or {@code absent} for 0 (not set) and for values no real
     * feed sends (negative as a signed long, or past year 9999): a bogus timestamp must not end the whole message.
     */
    static Instant posix(long seconds, Instant absent) {
        return seconds > 0 && seconds <= LATEST ? Instant.ofEpochSecond(seconds) : absent;
    }

    private static String typeOf(Kind k) {
        return switch (k) {
            case TRIP_UPDATES -> LiveEvent.TRIP_UPDATED;
            case VEHICLE_POSITIONS -> LiveEvent.VEHICLE_POSITION;
            case ALERTS -> LiveEvent.ALERT;
        };
    }

    private LiveEvent event(String type, String subject, String key, long fp, long epochSeconds, Instant now,
                            ObjectNode data) {
        String time = posix(epochSeconds, now).toString();
        String id = integration + ":" + type + ":" + key + ":" + Long.toHexString(fp);
        try {
            return new LiveEvent(type, subject, id, time, JSON.writeValueAsString(data));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String line(Timetable tt, int route) {
        String s = tt.routeShortNames[route];
        return s.isEmpty() ? tt.routeLongNames[route] : s;
    }

    /** German first, then the untagged text, then whatever comes first. */
    /** {@code text}, or its first {@code max - 1} characters and {@link #CUT} when it is longer. */
    static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = max - CUT.length();
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // half a character would not be text
        }
        return text.substring(0, end) + CUT;
    }

    /**
     * Refuses a message whose alerts would make the live alerts hold more than {@link #MAX_ALERT_CHARS}, counted with
     * the texts cut as they will be kept; before anything of the message is applied.
     */
    private void checkAlertChars(List<FeedEntity> entities, List<FeedEntity> deleted, boolean full) {
        Map<String, Long> chars = new HashMap<>();
        if (!full) {
            state.alerts().forEach((id, a) -> chars.put(id, chars(a.id(), a.routeIds(), a.stopIds(), a.tripIds(),
                a.agencyIds(), a.header(), a.description(), a.url())));
            deleted.forEach(e -> chars.remove(e.getId()));
        }
        for (FeedEntity e : entities) {
            Alert a = e.getAlert();
            List<String> ids = new ArrayList<>();
            for (EntitySelector s : a.getInformedEntityList()) {
                ids.add(s.getRouteId());
                ids.add(s.getStopId());
                ids.add(s.getAgencyId());
                ids.add(s.getTrip().getTripId());
            }
            chars.put(e.getId(), chars(e.getId(), ids, List.of(), List.of(), List.of(),
                cut(text(a.getHeaderText()), MAX_HEADER), cut(text(a.getDescriptionText()), MAX_DESCRIPTION),
                cut(text(a.getUrl()), MAX_URL)));
        }
        long total = chars.values().stream().mapToLong(Long::longValue).sum();
        if (total > MAX_ALERT_CHARS) {
            throw new FeedMessages.TooLarge("the live alerts would hold " + total + " characters of text and ids; at "
                + "most " + MAX_ALERT_CHARS);
        }
    }

    private static long chars(String id, List<String> a, List<String> b, List<String> c, List<String> d,
                              String header, String description, String url) {
        long n = id.length() + length(header) + length(description) + length(url);
        for (List<String> l : List.of(a, b, c, d)) {
            for (String x : l) {
                n += x.length();
            }
        }
        return n;
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    static String text(TranslatedString t) {
        if (t == null || t.getTranslationCount() == 0) {
            return null;
        }
        String any = null;
        String plain = null;
        for (TranslatedString.Translation tr : t.getTranslationList()) {
            if (tr.getLanguage().toLowerCase(java.util.Locale.ROOT).startsWith("de")) {
                return tr.getText();
            }
            if (tr.getLanguage().isEmpty() && plain == null) {
                plain = tr.getText();
            }
            if (any == null) {
                any = tr.getText();
            }
        }
        return plain != null ? plain : any;
    }

    /** FNV-1a, 64 bits: a change detector, not a security measure. */
    static long fingerprint(byte[] bytes) {
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
