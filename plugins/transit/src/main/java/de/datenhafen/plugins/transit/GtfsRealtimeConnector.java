package de.datenhafen.plugins.transit;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import de.datenhafen.api.BusHeaders;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import de.datenhafen.plugins.transit.demo.DemoRealtime;
import de.datenhafen.plugins.transit.realtime.LiveEvent;
import de.datenhafen.plugins.transit.realtime.RealtimeProcessor;
import de.datenhafen.plugins.transit.realtime.RealtimeProcessor.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(10)).build();

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
        return ConfigDef.builder()
            .define("schedule", ConfigType.STRING, null, true,
                "Name of the gtfs-schedule integration whose timetable the live data belongs to")
            .define("trip-updates-url", ConfigType.STRING, null, false,
                "Trip updates feed: http(s) URL, file path, or 'demo' for the simulated demo fleet")
            .define("trip-updates-interval", ConfigType.DURATION, "30s", false, "How often to poll trip updates")
            .define("vehicle-positions-url", ConfigType.STRING, null, false, "Vehicle positions feed (as above)")
            .define("vehicle-positions-interval", ConfigType.DURATION, "30s", false,
                "How often to poll vehicle positions")
            .define("alerts-url", ConfigType.STRING, null, false, "Service alerts feed (as above)")
            .define("alerts-interval", ConfigType.DURATION, "2m", false, "How often to poll alerts")
            .define("push-path", ConfigType.STRING, null, false,
                "If set, FeedMessages (protobuf) POSTed to /api/v1/plugins/transit/<push-path> are taken too")
            .secret("authorization", ConfigType.STRING, null, false, "Authorization header value sent with polls")
            .secret("push-token", ConfigType.STRING, null, false,
                "If set, a push must carry this value in X-Token")
            .build();
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        var cfg = ctx.config();
        String name = ctx.integrationName();
        if (!cfg.has("trip-updates-url") && !cfg.has("vehicle-positions-url") && !cfg.has("alerts-url")
            && !cfg.has("push-path")) {
            throw new IllegalArgumentException("nothing to take live data from: set trip-updates-url, "
                + "vehicle-positions-url, alerts-url or push-path");
        }
        FeedState feed = feeds.feed(cfg.getString("schedule"));
        RealtimeProcessor processor = feed.processor(name);
        String authorization = cfg.has("authorization") ? cfg.getString("authorization") : null;
        byte[] pushToken = cfg.has("push-token")
            ? cfg.getString("push-token").getBytes(java.nio.charset.StandardCharsets.UTF_8) : null;
        return new RouteBuilder() {
            @Override
            public void configure() {
                poll(Kind.TRIP_UPDATES, "trip-updates");
                poll(Kind.VEHICLE_POSITIONS, "vehicle-positions");
                poll(Kind.ALERTS, "alerts");
                if (cfg.has("push-path")) {
                    String path = cfg.getString("push-path").replaceAll("^/+|/+$", "");
                    publish(from(ctx.httpEndpoint(path) + "?httpMethodRestrict=POST").routeId(ctx.routeId("push"))
                        .process(e -> {
                            e.setProperty("published", -1);
                            if (pushToken != null && !TransitApi.tokenAccepted(e, pushToken)) {
                                e.getIn().setBody(null);
                                return;
                            }
                            byte[] body = e.getIn().getBody(byte[].class);
                            try {
                                FeedMessage msg = FeedMessage.parseFrom(body == null ? new byte[0] : body);
                                List<LiveEvent> events = processor.apply(msg, null, true, Instant.now());
                                e.getIn().setBody(events);
                                e.setProperty("published", events.size());
                            } catch (InvalidProtocolBufferException ex) {
                                TransitApi.answer(e, 400, TransitApi.error("the body is not a GTFS-Realtime "
                                    + "FeedMessage (protobuf): " + ex.getMessage(), "body"));
                                e.setProperty("published", -1);
                                e.getIn().setBody(null);
                            }
                        }))
                        .process(e -> {
                            int n = e.getProperty("published", Integer.class);
                            if (n >= 0) {
                                TransitApi.answer(e, 202, "{\"published\":" + n + "}");
                            }
                        });
                }
            }

            private void poll(Kind kind, String key) {
                if (!cfg.has(key + "-url")) {
                    return;
                }
                Source source = new Source(cfg.getString(key + "-url"), authorization, feed, kind);
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
                    .choice()
                        .when(header("transitType").isEqualTo(LiveEvent.TRIP_UPDATED))
                            .to(ctx.bus(LiveEvent.TRIP_UPDATED))
                        .when(header("transitType").isEqualTo(LiveEvent.VEHICLE_POSITION))
                            .to(ctx.bus(LiveEvent.VEHICLE_POSITION))
                        .otherwise()
                            .to(ctx.bus(LiveEvent.ALERT))
                    .end()
                .end();
                return route;
            }
        };
    }

    private static void headers(Exchange e) {
        LiveEvent ev = e.getIn().getBody(LiveEvent.class);
        e.getIn().setHeader("transitType", ev.type());
        e.getIn().setHeader(BusHeaders.SUBJECT, ev.subject());
        e.getIn().setHeader(BusHeaders.ID, ev.id());
        e.getIn().setHeader(BusHeaders.TIME, ev.time());
        e.getIn().setHeader(BusHeaders.DATA_CONTENT_TYPE, "application/json");
        e.getIn().setBody(ev.json());
    }

    /** One polled feed: conditional HTTP, a file (re-read when it changes) or the demo simulator. */
    static final class Source {
        private final String url;
        private final String authorization;
        private final FeedState feed;
        private final Kind kind;
        private final Map<String, String> validators = new ConcurrentHashMap<>();

        Source(String url, String authorization, FeedState feed, Kind kind) {
            this.url = url;
            this.authorization = authorization;
            this.feed = feed;
            this.kind = kind;
        }

        /** The feed message, or null when it has not changed since the last fetch. */
        FeedMessage fetch() throws IOException, InterruptedException {
            if (url.equals("demo")) {
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
            if (url.startsWith("http://") || url.startsWith("https://")) {
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .header("Accept", "application/x-protobuf, application/octet-stream");
                validators.forEach((h, v) -> req.header(h.equals("etag") ? "If-None-Match" : "If-Modified-Since", v));
                if (authorization != null) {
                    req.header("Authorization", authorization);
                }
                HttpResponse<byte[]> r = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() == 304) {
                    return null;
                }
                if (r.statusCode() != 200) {
                    throw new IOException("GET " + url + " answered " + r.statusCode());
                }
                r.headers().firstValue("ETag").ifPresent(v -> validators.put("etag", v));
                r.headers().firstValue("Last-Modified").ifPresent(v -> validators.put("last-modified", v));
                return FeedMessage.parseFrom(r.body());
            }
            Path file = Path.of(url.startsWith("file:") ? URI.create(url).getPath() : url);
            String stamp = Files.getLastModifiedTime(file).toMillis() + "/" + Files.size(file);
            if (stamp.equals(validators.put("file", stamp))) {
                return null;
            }
            return FeedMessage.parseFrom(Files.readAllBytes(file));
        }
    }
}
