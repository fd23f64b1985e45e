package de.datenhafen.plugins.transit;

import de.datenhafen.api.BusHeaders;
import de.datenhafen.api.Caller;
import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigCheck;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.ConflictException;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import de.datenhafen.api.QueryString;
import de.datenhafen.plugins.transit.gtfs.GtfsLimits;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code gtfs-schedule}: keeps a timetable loaded from a GTFS zip (file, http(s) URL or the generated demo feed), on a
 * schedule and on demand, and serves the transit API below {@code /api/v1/plugins/transit/<api-path>}. Each import
 * that puts a new timetable in use raises {@code transit.schedule.updated}.
 *
 * <p>Routes: a timer imports every {@code interval}; an on-demand import goes through a queue ({@code seda}) so the
 * request is answered at once; the loader is synchronized, so the two never overlap; one route per API endpoint.
 */
public final class GtfsScheduleConnector implements Connector {

    public static final String SCHEDULE_UPDATED = "transit.schedule.updated";
    private static final long MIB = 1024L * 1024L;
    static final String IMPORT_TOKEN = "import-token";
    private static final String IMPORT = "POST .../import";

    private final Feeds feeds;

    GtfsScheduleConnector(Feeds feeds) {
        this.feeds = feeds;
    }

    @Override
    public String name() {
        return "gtfs-schedule";
    }

    @Override
    public String description() {
        return "Loads a GTFS Schedule feed (file, http(s) URL or 'demo') on a schedule and on demand, and serves stops, "
            + "departures, vehicles and alerts under /api/v1/plugins/transit/.";
    }

    @Override
    public ConfigDef config() {
        ConfigDef.Builder b = ConfigDef.builder()
            .define("source", ConfigType.STRING, null, true,
                "GTFS zip: a file in the import folder (a path or file: URI), an http(s) URL, or 'demo' for the "
                    + "generated demo town")
            .define("interval", ConfigType.DURATION, "1h", false,
                "How often to check the source for a new version (conditional request); 0 checks only at start")
            .define("agencies", ConfigType.LIST, null, false,
                "Agency ids or names to import (a state-wide feed holds every operator); default: all")
            .define("strict", ConfigType.BOOLEAN, false, false,
                "Fail the import on any bad row; otherwise bad rows are skipped and reported")
            .define("time-zone", ConfigType.STRING, null, false, "Time zone instead of agency_timezone")
            .define("api-path", ConfigType.STRING, "", false,
                "Sub-path of the API below /api/v1/plugins/transit/; set it when a second feed is loaded")
            .define("public-section", ConfigType.STRING, null, false,
                "The URL segment of this feed's departures on the city's page; default abfahrten, or "
                    + "abfahrten-<api-path> for a feed with an api-path; empty for none")
            .secret("authorization", ConfigType.STRING, null, false,
                "Authorization header value sent with the download");
        b.retired(IMPORT_TOKEN, replacedByMemberTokens(IMPORT_TOKEN, IMPORT));
        GtfsLimits d = GtfsLimits.DEFAULTS;
        SourcePolicy.define(b, "source")
            .define("max-feed-mb", ConfigType.INT, (int) (d.maxFeedBytes() >> 20), false,
                "The largest GTFS zip, downloaded or read, in MiB")
            .define("max-expanded-mb", ConfigType.INT, (int) (d.maxExpandedBytes() >> 20), false,
                "What the zip's files may expand to, all together, in MiB")
            .define("max-entries", ConfigType.INT, d.maxEntries(), false, "The most files the zip may hold")
            .define("max-ratio", ConfigType.INT, d.maxRatio(), false,
                "How many times its compressed size a file of the zip may expand to (past its first MiB)")
            .define("max-stop-times", ConfigType.INT, d.maxStopTimes(), false,
                "The most stop times the timetable keeps (about 35 bytes each, 120 while importing)")
            .define("max-shape-points", ConfigType.INT, d.maxShapePoints(), false,
                "The most shape points the timetable keeps")
            .define("max-rows", ConfigType.INT, d.maxRows(), false,
                "The most rows kept of all other files together (agencies, routes, trips, stops, calendars)");
        b.check("time-zone", ConfigCheck.timeZone());
        b.check("public-section", ConfigCheck.publicSectionId());
        List<String> limits = List.of("max-feed-mb", "max-expanded-mb", "max-entries", "max-ratio", "max-stop-times",
            "max-shape-points", "max-rows");
        for (String limit : limits) {
            b.check(limit, ConfigCheck.atLeast(1));
        }
        // they keep the hub's memory safe from a feed (a zip bomb, a state-wide timetable): a hub-admin's to raise
        b.hubAdminOnly("it bounds the memory and disk an import takes of the hub", limits);
        return TransitApi.Limits.define(b).build();
    }

    /** A source of a form the import takes ({@link SourcePolicy#formProblem}). */
    @Override
    public List<ConfigProblem> validate(Config cfg) {
        ConfigProblem form = SourcePolicy.formProblem("source", cfg.getString("source"));
        return form == null ? List.of() : List.of(form);
    }

    /**
     * The default section of a feed on the city's page: {@code abfahrten}, and for a feed with an {@code api-path}
     * (a second feed) {@code abfahrten-<api-path>} in the letters a section id may have, so two feeds do not clash.
     */
    static String sectionId(String apiPath) {
        String suffix = apiPath.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
            .replaceAll("^-+|-+$", "");
        String id = suffix.isEmpty() ? "abfahrten" : "abfahrten-" + suffix;
        return id.length() > 32 ? id.substring(0, 32).replaceAll("-+$", "") : id;
    }

    /**
     * Why a token key of before issue 13 ({@code import-token}, {@code push-token}) is refused: writes now need a
     * member token with the role member-editor of the plugin's owning member, which the hub checks.
     */
    static String replacedByMemberTokens(String key, String endpoint) {
        return key + " was replaced by member tokens: " + endpoint + " now needs the role member-editor of the "
            + "plugin's owning member; give that member's users or tokens the role member-editor (README, 'Members, "
            + "people and tokens'), then remove " + key + " from this integration's config";
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        String name = ctx.integrationName();
        var cfg = ctx.config();
        FeedState feed = feeds.feed(name);
        ZoneId zone = cfg.has("time-zone") ? ZoneId.of(cfg.getString("time-zone")) : null;
        GtfsLimits limits = new GtfsLimits(cfg.getInt("max-feed-mb") * MIB, cfg.getInt("max-expanded-mb") * MIB,
            cfg.getInt("max-entries"), cfg.getInt("max-ratio"), cfg.getInt("max-stop-times"),
            cfg.getInt("max-shape-points"), cfg.getInt("max-rows"));
        ScheduleLoader loader = new ScheduleLoader(feed, cfg.getString("source"),
            ctx.plugin().dataDirectory().resolve("feeds").resolve(name),
            cfg.has("agencies") ? cfg.getList("agencies") : java.util.List.of(), zone, cfg.getBoolean("strict"),
            cfg.has("authorization") ? cfg.getString("authorization") : null,
            SourcePolicy.of(cfg, ctx.plugin().dataDirectory()), limits);
        Duration interval = cfg.getDuration("interval");
        String prefix = cfg.getString("api-path").replaceAll("^/+|/+$", "");
        String base = prefix.isEmpty() ? "" : prefix + "/";
        String queue = "seda:transit-import-" + name;
        // the owning member's people and hub-admins read in the status why a file could not be read; the owner is
        // asked at each request, as a hub-admin may assign another
        TransitApi api = new TransitApi(feed, TransitApi.Limits.of(cfg),
            caller -> caller != null && caller.actsFor(ctx.plugin().owner().orElse(null), Caller.VIEWER));
        String section = cfg.has("public-section") ? cfg.getString("public-section").trim() : sectionId(prefix);
        if (!section.isEmpty()) {
            ctx.publicSection(new DeparturesSection(section, feed, TransitApi.Limits.of(cfg)));
        }
        return new RouteBuilder() {
            @Override
            public void configure() {
                // not delay=0: a timer that fires while its consumer is still starting skips that run silently
                // (Camel's TimerConsumer checks isTaskRunAllowed), and the next one would be an interval later
                String timer = "timer:transit-" + name + "?delay=1000&"
                    + (interval.isZero() ? "repeatCount=1" : "period=" + interval.toMillis());
                importing(from(timer).routeId(ctx.routeId("schedule-timer"))
                    .setHeader("trigger", constant("schedule")));
                importing(from(queue).routeId(ctx.routeId("schedule-import")));

                // the operator's editors start imports; the hub answers 401/403 (audited) before the route runs
                from(ctx.httpEndpoint(base + "import") + "?httpMethodRestrict=POST&access=" + Caller.MEMBER_EDITOR)
                    .routeId(ctx.routeId("api-import"))
                    .process(e -> {
                        boolean force = "true".equals(QueryString.of(e).get("force"));
                        if (!feed.requestImport()) {
                            throw new ConflictException("an import of feed " + name
                                + " is already waiting or running; see status", null);
                        }
                        e.getIn().setHeader("trigger", "request");
                        e.getIn().setHeader("force", force);
                    })
                    .to(queue + "?waitForTaskToComplete=Never")
                    .process(e -> TransitApi.answer(e, 202, "{\"queued\":true,\"status\":\"/api/v1/plugins/"
                        + "transit/" + base + "status\"}"));

                get(base + "status", "api-status", api::status);
                get(base + "stops", "api-stops", api::stops);
                get(base + "departures", "api-departures", api::departures);
                get(base + "vehicles", "api-vehicles", api::vehicles);
                get(base + "alerts", "api-alerts", api::alerts);
            }

            /**
             * Runs an import and raises the event. The timer imports on its own thread and on-demand imports on the
             * queue's; the loader is synchronized, so they never overlap.
             */
            private void importing(org.apache.camel.model.RouteDefinition route) {
                route.process(e -> {
                        String trigger = e.getIn().getHeader("trigger", "schedule", String.class);
                        boolean force = Boolean.TRUE.equals(e.getIn().getHeader("force", Boolean.class));
                        ScheduleLoader.Outcome o = loader.load(trigger, force);
                        e.getIn().setBody(o.loaded() == null ? null : TransitApi.scheduleUpdated(feed, o));
                    })
                    .filter(body().isNotNull())
                        .setHeader(BusHeaders.SUBJECT, constant(name))
                        .setHeader(BusHeaders.DATA_CONTENT_TYPE, constant("application/json"))
                        .to(ctx.bus(SCHEDULE_UPDATED))
                    .end();
            }

            private void get(String path, String id, org.apache.camel.Processor handler) {
                from(ctx.httpEndpoint(path) + "?httpMethodRestrict=GET").routeId(ctx.routeId(id)).process(handler);
            }
        };
    }

}
