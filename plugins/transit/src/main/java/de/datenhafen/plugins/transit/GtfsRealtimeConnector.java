package de.datenhafen.plugins.transit;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import de.datenhafen.api.BusHeaders;
import de.datenhafen.api.Caller;
import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigCheck;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.PayloadTooLargeException;
import de.datenhafen.plugins.transit.demo.DemoRealtime;
import de.datenhafen.plugins.transit.realtime.FeedMessages;
import de.datenhafen.plugins.transit.realtime.LiveEvent;
import de.datenhafen.plugins.transit.realtime.RealtimeProcessor.Kind;
import de.datenhafen.plugins.transit.realtime.RealtimeProcessor;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;

/**
 * {@code gtfs-realtime}: polls GTFS-Realtime feeds (trip updates, vehicle positions, alerts; each its own URL and
 * interval; protobuf over HTTP with If-None-Match / If-Modified-Since) and, if {@code push-path} is set, takes
 * feed messages POSTed to {@code /api/v1/plugins/transit/<push-path>}. Matches them to the timetable of the
 * {@code schedule} integration and publishes what changed as {@code transit.trip.updated},
 * {@code transit.vehicle.position} and {@code transit.alert}.
 */
public final class GtfsRealtimeConnector implements Connector {

    private static final long MIB = 1024L * 1024L;
    /** The pushes a second one client may make to a push path open to anyone. */
    static final String ANONYMOUS_RATE = "anonymous-rate";
    static final String PUSH_TOKEN = "push-token";
    private static final String PUSH = "a push to push-path";

    private final Feeds feeds;

    GtfsRealtimeConnector(Feeds feeds) {
        this.feeds = feeds;
    }

    @Override
    public String name() {
        return "gtfs-realtime";
    }

    @Override
    public String description() {
        return "Polls GTFS-Realtime trip updates, vehicle positions and alerts (or takes them pushed), matches them to a "
            + "gtfs-schedule integration's timetable and publishes what changed.";
    }

    @Override
    public ConfigDef config() {
        return SourcePolicy.define(ConfigDef.builder()
            .define("schedule", ConfigType.STRING, null, true,
                "Name of the gtfs-schedule integration whose timetable the live data belongs to")
            .define("trip-updates-url", ConfigType.STRING, null, false,
                "Trip updates feed: http(s) URL, a file in the import folder, or 'demo' for the simulated demo fleet")
            .define("trip-updates-interval", ConfigType.DURATION, "30s", false, "How often to poll trip updates")
            .define("vehicle-positions-url", ConfigType.STRING, null, false, "Vehicle positions feed (as above)")
            .define("vehicle-positions-interval", ConfigType.DURATION, "30s", false,
                "How often to poll vehicle positions")
            .define("alerts-url", ConfigType.STRING, null, false, "Service alerts feed (as above)")
            .define("alerts-interval", ConfigType.DURATION, "2m", false, "How often to poll alerts")
            .define("push-path", ConfigType.STRING, null, false,
                "If set, FeedMessages (protobuf) POSTed to /api/v1/plugins/transit/<push-path> are taken too")
            .secret("authorization", ConfigType.STRING, null, false, "Authorization header value sent with polls")
            .define("anonymous", ConfigType.BOOLEAN, false, false,
                "Take pushes from anyone who reaches the hub; otherwise a push needs a member token with the role "
                    + "member-editor of the plugin's owning member")
            .define(ANONYMOUS_RATE, ConfigType.INT, 10, false, "With anonymous: pushes a second one client address "
                + "(an IPv6 /64) may make, five seconds' worth at once; past it 503 with Retry-After before the body "
                + "is read. 0: no bound")
            .define("max-message-mb", ConfigType.INT, 16, false,
                "The largest FeedMessage taken (polled, pushed or read), in MiB")
            .define("max-entities", ConfigType.INT, 50_000, false, "The most entities one FeedMessage may hold")
            .define("max-live-entities", ConfigType.INT, 100_000, false,
                "The most trips, vehicles or alerts (each) that pushes and differential messages may add up to"),
                "trip-updates-url, vehicle-positions-url and alerts-url")
            .check(ANONYMOUS_RATE, ConfigCheck.range(0, 100_000))
            .check("max-message-mb", ConfigCheck.atLeast(1))
            .check("max-entities", ConfigCheck.atLeast(1))
            .check("max-live-entities", ConfigCheck.atLeast(1))
            .hubAdminOnly("it bounds the memory live data takes of the hub",
                List.of("max-message-mb", "max-entities", "max-live-entities"))
            // a door open to anyone is a hub-admin's: a member-admin of the plugin's owner opened the push path, and
            // anyone could push trips and alerts to the public departures (an attacker's probe)
            .hubAdminOnly("it lets anyone without a token push trips, vehicles and alerts to the public departures, "
                + "and bounds how many a second", List.of("anonymous", ANONYMOUS_RATE))
            .retired(PUSH_TOKEN, GtfsScheduleConnector.replacedByMemberTokens(PUSH_TOKEN, PUSH))
            // the hub refuses a name of no gtfs-schedule integration: a mistyped one waited for ever
            .integrationOf("gtfs-schedule", "schedule")
            .build();
    }

    /**
     * Live data needs a source, a polled feed or a push path (without one, a problem of the first feed's key, where
     * the form asks for it); and each feed's source a form its route takes ({@link SourcePolicy#formProblem}).
     */
    @Override
    public List<ConfigProblem> validate(Config cfg) {
        if (!cfg.has("trip-updates-url") && !cfg.has("vehicle-positions-url") && !cfg.has("alerts-url")
            && !cfg.has("push-path")) {
            return List.of(ConfigProblem.coded("trip-updates-url", "nothing to take live data from: set "
                + "trip-updates-url, vehicle-positions-url, alerts-url or push-path", "no-source"));
        }
        List<ConfigProblem> problems = new java.util.ArrayList<>();
        for (String key : List.of("trip-updates-url", "vehicle-positions-url", "alerts-url")) {
            ConfigProblem form = cfg.has(key) ? SourcePolicy.formProblem(key, cfg.getString(key)) : null;
            if (form != null) {
                problems.add(form);
            }
        }
        return problems;
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        var cfg = ctx.config();
        String name = ctx.integrationName();
        FeedState feed = feeds.feed(cfg.getString("schedule"));
        RealtimeProcessor processor = feed.processor(name);
        processor.maxLive(cfg.getInt("max-live-entities"));
        String authorization = cfg.has("authorization") ? cfg.getString("authorization") : null;
        long maxBytes = cfg.getInt("max-message-mb") * MIB;
        int maxEntities = cfg.getInt("max-entities");
        SourcePolicy policy = SourcePolicy.of(cfg, ctx.plugin().dataDirectory());
        // closed by default (issue 10): the operator's editors push, or anyone when the admin says so on purpose
        String access = cfg.getBoolean("anonymous") ? "public" : Caller.MEMBER_EDITOR;
        return new RouteBuilder() {
            @Override
            public void configure() {
                poll(Kind.TRIP_UPDATES, "trip-updates");
                poll(Kind.VEHICLE_POSITIONS, "vehicle-positions");
                poll(Kind.ALERTS, "alerts");
                if (cfg.has("push-path")) {
                    String path = cfg.getString("push-path").replaceAll("^/+|/+$", "");
                    // the answer is written after the events are on the bus: the split leaves the message's body
                    // as it was before it
                    int rate = cfg.getBoolean("anonymous") ? cfg.getInt(ANONYMOUS_RATE) : 0;
                    publish(from(ctx.httpEndpoint(path) + "?httpMethodRestrict=POST&audit=refusals&access=" + access
                        + "&clientRate=" + rate)
                        .routeId(ctx.routeId("push"))
                        .process(e -> push(e, processor, maxBytes, maxEntities)))
                        .process(e -> TransitApi.answer(e, 202, "{\"published\":"
                            + e.getProperty("published", Integer.class) + "}"));
                }
            }

            private void poll(Kind kind, String key) {
                if (!cfg.has(key + "-url")) {
                    return;
                }
                Source source = new Source(cfg.getString(key + "-url"), feed, kind, policy,
                    new FeedFetcher(policy, authorization, Duration.ofSeconds(30), maxBytes, "max-message-mb"),
                    maxBytes, maxEntities);
                long period = cfg.getDuration(key + "-interval").toMillis();
                publish(from("timer:transit-" + name + "-" + key + "?delay=1000&period=" + period)
                    .routeId(ctx.routeId("poll-" + key))
                    .process(e -> {
                        FeedMessage msg = source.fetch();
                        e.getIn().setBody(msg == null ? List.of() : processor.apply(msg, kind, false, Instant.now()));
                    }));
            }

            /** Splits the events of one message onto the bus, each to its type, in feed order. */
            private RouteDefinition publish(RouteDefinition route) {
                route.split(body())
                    .process(GtfsRealtimeConnector::headers)
                    .to(ctx.busByTypeHeader())
                .end();
                return route;
            }
        };
    }

    /**
     * Takes a pushed message: its events become the body, their count waits in a property for the answer (see the
     * route). A body that is empty, not a FeedMessage or too large is refused with the API's exceptions.
     */
    /**
     * What is wrong with a message protobuf could not read, in words for its sender: protobuf's own name its classes
     * ("CodedInputStream encountered ..."), which are the stack's details; the hub's own scan's are kept.
     */
    static String protobufProblem(String message) {
        String m = message == null ? "" : message;
        if (m.contains("negative size")) {
            return "a field claims a negative size";
        }
        if (m.contains("input ended unexpectedly") || m.contains("truncated")) {
            return "it ends in the middle of a field";
        }
        if (m.contains("invalid tag") || m.contains("invalid wire type") || m.contains("malformed varint")) {
            return "it holds a field that is not well-formed";
        }
        if (m.startsWith("Message missing required fields: ")) {
            return "it lacks the required field(s) " + m.substring("Message missing required fields: ".length());
        }
        if (m.startsWith("the message ")) { // the hub's own scan (nesting, sizes)
            return m;
        }
        return "its bytes are not a well-formed protobuf message";
    }

    private static void push(Exchange e, RealtimeProcessor processor, long maxBytes, int maxEntities) {
        byte[] body = e.getIn().getBody(byte[].class);
        if (body == null || body.length == 0) {
            // an empty protobuf would parse as "missing required fields: header", which hides the cause
            throw InvalidInputException.emptyBody(
                "a GTFS-Realtime FeedMessage (protobuf), e.g. curl --data-binary @trip-updates.pb");
        }
        List<LiveEvent> events;
        try {
            events = processor.apply(FeedMessages.parse(body, maxBytes, maxEntities), null, true, Instant.now());
        } catch (InvalidProtocolBufferException ex) {
            throw new InvalidInputException("the body is not a GTFS-Realtime FeedMessage (protobuf): "
                + protobufProblem(ex.getMessage()), "body");
        } catch (FeedMessages.TooLarge ex) {
            throw new PayloadTooLargeException(ex.getMessage());
        }
        e.setProperty("published", events.size());
        e.getIn().setBody(events);
    }

    private static void headers(Exchange e) {
        LiveEvent ev = e.getIn().getBody(LiveEvent.class);
        e.getIn().setHeader(BusHeaders.TYPE, ev.type());
        e.getIn().setHeader(BusHeaders.SUBJECT, ev.subject());
        e.getIn().setHeader(BusHeaders.ID, ev.id());
        e.getIn().setHeader(BusHeaders.TIME, ev.time());
        e.getIn().setHeader(BusHeaders.DATA_CONTENT_TYPE, "application/json");
        e.getIn().setBody(ev.json());
    }

    /** One polled feed: conditional HTTP, a file (re-read when it changes) or the demo simulator. */
    static final class Source {
        private final String url;
        private final FeedState feed;
        private final Kind kind;
        private final SourcePolicy policy;
        private final FeedFetcher fetcher;
        private final long maxBytes;
        private final int maxEntities;
        private final Map<String, String> validators = new ConcurrentHashMap<>();

        Source(String url, FeedState feed, Kind kind, SourcePolicy policy, FeedFetcher fetcher, long maxBytes,
               int maxEntities) {
            this.url = url;
            this.feed = feed;
            this.kind = kind;
            this.policy = policy;
            this.fetcher = fetcher;
            this.maxBytes = maxBytes;
            this.maxEntities = maxEntities;
        }

        /** The feed message, or null when it has not changed since the last fetch. */
        FeedMessage fetch() throws IOException {
            if (url.equals(SourcePolicy.DEMO)) {
                // the simulator makes all three kinds at once; each demo "URL" serves its own, like a real server
                if (feed.timetable() == null) {
                    return null;
                }
                FeedMessage all = DemoRealtime.feed(feed.timetable(), Instant.now());
                FeedMessage.Builder mine = all.toBuilder().clearEntity();
                all.getEntityList().stream().filter(e -> switch (kind) {
                    case TRIP_UPDATES -> e.hasTripUpdate();
                    case VEHICLE_POSITIONS -> e.hasVehicle();
                    case ALERTS -> e.hasAlert();
                }).forEach(mine::addEntity);
                return FeedMessage.parseFrom(mine.build().toByteArray());
            }
            if (SourcePolicy.isUrl(url)) {
                Map<String, String> headers = new java.util.LinkedHashMap<>();
                headers.put("Accept", "application/x-protobuf, application/octet-stream");
                validators.forEach((h, v) -> headers.put(h.equals("etag") ? "If-None-Match" : "If-Modified-Since",
                    v));
                java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
                URI uri;
                try {
                    uri = URI.create(url);
                } catch (IllegalArgumentException e) {
                    throw new SourcePolicy.Refused("source " + url + " is not a URL");
                }
                FeedFetcher.Result r = fetcher.get(uri, headers, body);
                if (r.notModified()) {
                    return null;
                }
                FeedMessage msg = FeedMessages.parse(body.toByteArray(), maxBytes, maxEntities);
                validators.clear();
                validators.putAll(r.validators());
                return msg;
            }
            Path file = policy.file(url);
            String stamp = Files.getLastModifiedTime(file).toMillis() + "/" + Files.size(file);
            if (stamp.equals(validators.get("file"))) {
                return null;
            }
            if (Files.size(file) > maxBytes) {
                throw new FeedMessages.TooLarge("the message is " + Files.size(file) + " bytes; at most " + maxBytes
                    + " (max-message-mb)");
            }
            FeedMessage msg = FeedMessages.parse(Files.readAllBytes(file), maxBytes, maxEntities);
            validators.put("file", stamp);
            return msg;
        }
    }
}
