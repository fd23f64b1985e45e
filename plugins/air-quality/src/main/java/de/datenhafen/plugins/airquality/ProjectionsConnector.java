package de.datenhafen.plugins.airquality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.api.BusEvent;
import de.datenhafen.api.BusHeaders;
import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigCheck;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.HttpRequests;
import de.datenhafen.api.IntegrationContext;
import de.datenhafen.api.QueryString;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code airquality-projections}: follows {@code air.reading} through a subscription and keeps the plugin's
 * projections (latest per room, 20-minute averages, daily statistics, raw readings within the retention window) and
 * the CO2 alert rule, which puts {@code air.alert.raised} and {@code air.alert.cleared} on the bus. Because it reads
 * the bus in order and its alerts follow the readings' own times, seeking the subscription back (replay) gives the
 * same alerts, with the same event ids. It also serves the public read API ({@link ReadApi}).
 *
 * <p>One such integration per hub: the projections and the bands are the plugin's, not the integration's.
 */
final class ProjectionsConnector implements Connector {

    static final String RAISED = "air.alert.raised";
    static final String CLEARED = "air.alert.cleared";
    private static final Logger LOG = LoggerFactory.getLogger(ProjectionsConnector.class);

    private final AirQuality air;

    ProjectionsConnector(AirQuality air) {
        this.air = air;
    }

    @Override
    public String name() {
        return "airquality-projections";
    }

    @Override
    public String description() {
        return "Bands, CO2 alerts (air.alert.raised / air.alert.cleared) and the dashboard's projections from "
            + "air.reading events, and the public read API under /api/v1/plugins/air-quality/sites.";
    }

    @Override
    public ConfigDef config() {
        return Bands.declare(ConfigDef.builder()
                .define("subscription", ConfigType.STRING, "air-quality-projections", false,
                    "Name of the bus subscription that feeds the projections")
                .define("max-batch", ConfigType.INT, 500, false,
                    "Most air.reading events applied in one database transaction (the subscription's maxBatch; "
                        + "1 to 10000)")
                .check("max-batch", ConfigCheck.range(1, 10_000))
                .define("zone", ConfigType.STRING, "Europe/Berlin", false, "Time zone of the daily statistics")
                .check("zone", ConfigCheck.timeZone())
                .define("raw-retention", ConfigType.DURATION, "90d", false,
                    "Raw readings older than this are dropped (hourly); their 20-minute averages stay"))
            .build();
    }

    @Override
    public List<ConfigProblem> validate(Config config) {
        return Bands.problems(config);
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        Bands bands = Bands.from(ctx.config());
        ZoneId zone = ZoneId.of(ctx.config().getString("zone"));
        air.projections.configure(bands, zone);
        String subscription = ctx.config().getString("subscription");
        int maxBatch = ctx.config().getInt("max-batch");
        Duration retention = ctx.config().getDuration("raw-retention");
        BusPublisher raised = new BusPublisher(RAISED);
        BusPublisher cleared = new BusPublisher(CLEARED);
        de.datenhafen.api.BusPublisher hub = ctx.publisher();
        ReadApi api = new ReadApi(air);
        // the schools' page on the city's page, shown while these projections run (its data is theirs)
        ctx.publicSection(new SchoolsSection(air, api));
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(ctx.busConsumer(Ingest.READING).subscription(subscription).maxBatch(maxBatch).uri())
                    .routeId(ctx.routeId("project"))
                    .process(e -> project(e, raised, cleared, bands, hub));

                from(ctx.httpEndpoint("sites") + "?httpMethodRestrict=GET")
                    .routeId(ctx.routeId("sites"))
                    .process(e -> Http.answerJson(e, 200, api.sitesJson(QueryString.of(e))));
                read("sites/{site}", "site", (e, q) -> api.site(site(e), q));
                read("sites/{site}/daily", "site-daily", (e, q) -> api.daily(site(e), q));
                read("sites/{site}/rooms/{room}/history", "room-history",
                    (e, q) -> api.history(site(e), HttpRequests.pathParam(e, "room"), q));

                from(ctx.httpEndpoint("alerts") + "?httpMethodRestrict=GET")
                    .routeId(ctx.routeId("alerts"))
                    .process(e -> Http.answer(e, 200, api.alerts()));

                // GET sites is served from a snapshot this rebuilds each second while it is being asked for
                from("timer:" + ctx.integrationName() + "-sites?delay=1000&period=1000")
                    .routeId(ctx.routeId("sites-snapshot"))
                    .process(e -> api.refreshSites());

                from("timer:" + ctx.integrationName() + "-retention?delay=60000&period=3600000")
                    .routeId(ctx.routeId("retention"))
                    .process(e -> {
                        long dropped = air.projections.dropRawBefore(Instant.now().minus(retention));
                        if (dropped > 0) {
                            LOG.info("dropped {} raw readings older than {}", dropped, retention);
                        }
                    });
            }

            private void read(String path, String id, ReadApi.Read read) {
                from(ctx.httpEndpoint(path) + "?httpMethodRestrict=GET")
                    .routeId(ctx.routeId(id))
                    .process(e -> Http.answer(e, 200, read.answer(e, QueryString.of(e))));
            }
        };
    }

    private static String site(Exchange e) {
        return HttpRequests.pathParam(e, "site");
    }

    /**
     * Applies the exchange's readings in one transaction: a batch ({@code List<BusEvent>}) when {@code max-batch} is
     * above 1, else one event. A reading that names an unknown room fails the whole batch; the hub retries it and then
     * delivers its events one at a time, so only that reading ends in the dead letters (after its own retries: the
     * price of a poison reading is two rounds of back-off).
     */
    private void project(Exchange e, BusPublisher raised, BusPublisher cleared, Bands bands,
                         de.datenhafen.api.BusPublisher hub) throws Exception {
        Object body = e.getIn().getBody();
        List<Projections.In> readings = new ArrayList<>();
        if (body instanceof List<?> events) {
            @SuppressWarnings("unchecked")
            List<Long> sequences = e.getIn().getHeader(BusHeaders.SEQUENCES, List.class);
            for (int i = 0; i < events.size(); i++) {
                readings.add(reading((byte[]) ((BusEvent) events.get(i)).data(), sequences.get(i)));
            }
        } else {
            readings.add(reading(e.getIn().getBody(byte[].class), e.getIn().getHeader(BusHeaders.SEQUENCE)));
        }
        List<Projections.AlertChange> changes = air.projections.apply(readings);
        if (changes.isEmpty()) {
            return;
        }
        List<BusPublisher.Event> up = new ArrayList<>();
        List<BusPublisher.Event> down = new ArrayList<>();
        for (Projections.AlertChange a : changes) {
            Registry.Room r = air.registry.snapshot().rooms().get(a.roomKey());
            Instant since = Projections.instant(a.since());
            Instant at = Projections.instant(a.at());
            ObjectNode d = Http.JSON.createObjectNode().put("site", r.siteId()).put("room", r.id())
                .put("roomName", r.name()).put("since", since.toString()).put("time", at.toString())
                .put("threshold", bands.alertCo2Above()).put("after", bands.alertAfter().toString())
                .put("peak", a.peak());
            if (!a.raised()) {
                d.put("minutes", Duration.between(since, at).toMinutes());
            }
            BusPublisher.Event ev = new BusPublisher.Event(r.subject() + "@" + since + (a.raised() ? "/raised"
                : "/cleared"), r.subject(), at, Http.JSON.writeValueAsBytes(d));
            (a.raised() ? up : down).add(ev);
        }
        raised.publish(hub, up);
        cleared.publish(hub, down);
        air.projections.sent(changes);
    }

    private Projections.In reading(byte[] json, Object sequence) throws java.io.IOException {
        JsonNode data = Http.JSON.readTree(json);
        String site = data.path("site").asText(null);
        String roomId = data.path("room").asText(null);
        Registry.Room room = site == null || roomId == null ? null : air.registry.snapshot().room(site, roomId);
        if (room == null) {
            // no retry can help: the dead letter keeps the event and this reason
            throw new IllegalArgumentException("air.reading #" + sequence + " names room " + site + "/" + roomId
                + ", which is not in the registry");
        }
        return new Projections.In(room.key(), Instant.parse(data.path("time").asText()), number(data, "co2"),
            number(data, "temperature"), number(data, "humidity"), number(data, "pressure"));
    }

    /** A quantity of the event, or null when absent (pressure is optional; a SensorThings Observation has one). */
    private static Double number(JsonNode data, String field) {
        JsonNode n = data.get(field);
        return n == null || n.isNull() ? null : n.asDouble();
    }
}
