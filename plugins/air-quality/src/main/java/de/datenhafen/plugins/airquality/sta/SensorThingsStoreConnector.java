package de.datenhafen.plugins.airquality.sta;

import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import de.datenhafen.plugins.airquality.TextLimits;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.RoutesBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sensorthings-store}: a general OGC SensorThings API 1.1 (and the 1.0 root) at {@code <path>/v1.1} and
 * {@code <path>/v1.0} (default {@code /sensorthings}) that starts empty and holds whatever members create through it:
 * weather stations, noise meters, water levels. Same HTTP layer, query engine and bounds as the schools' service
 * ({@link SensorThingsConnector}); the entities live in the plugin's tables ({@link Store}), so they and their ids
 * survive restarts. Every integration of this connector serves the same store (the plugin has one schema), each at its
 * own path; each holds the store's entities in memory and sees another's (or another node's) writes within about
 * 200 ms ({@link Store}). Reading is public. Writing needs the role {@code member-editor} of any member (not only the
 * plugin's): each Thing belongs to the member who created it, and what hangs on it with it; {@link StoreWrites}
 * refuses another member's change with 403. {@code open-writes} lets anyone write on a test installation (OGC's test
 * suite). The store holds at most {@link Store#MAX_STORE_BYTES} bytes of memory (its entities' JSON and a fixed cost
 * per entity, property and link), and one member's entities at most {@code member-share} of it (a quarter by
 * default), so one member's editor cannot fill it for all.
 */
public final class SensorThingsStoreConnector implements Connector {

    private static final Logger LOG = LoggerFactory.getLogger(SensorThingsStoreConnector.class);

    private final DataSource db;
    private final ObservationEvents events;
    /**
     * One graph and one writer at a time for all integrations of this connector: they read and write the same
     * tables.
     */
    private final Store.Shared shared = new Store.Shared();

    /** {@code events}: where created Observations are announced (the bus); null announces nothing. */
    public SensorThingsStoreConnector(DataSource db, ObservationEvents events) {
        this.db = db;
        this.events = events;
    }

    @Override
    public String name() {
        return "sensorthings-store";
    }

    @Override
    public String description() {
        return "A general OGC SensorThings API 1.1 (and 1.0) at <path>/v1.1 (default /sensorthings) that holds any "
            + "Things, Locations, Datastreams, Sensors, ObservedProperties, FeaturesOfInterest and Observations "
            + "members create; each new Observation also goes on the bus as sensorthings.observation. Reading is "
            + "public; writes need the role member-editor of a member, and each Thing (with its Datastreams and "
            + "Observations) only its own member's.";
    }

    @Override
    public ConfigDef config() {
        return SensorThingsConnector.common(ConfigDef.builder(), "/sensorthings", "a member (each changes its own "
            + "Things only)")
            .define("member-share", ConfigType.STRING, Store.DEFAULT_MEMBER_SHARE, false, "How much of the store's "
                + Store.MAX_STORE_BYTES + " bytes of memory (Things, Locations, Datastreams, Sensors, "
                + "ObservedProperties, FeaturesOfInterest and their links, " + StoreWrites.MEMORY
                + ") one member's entities may hold together: a percentage (25%) or a number of bytes counted so; a "
                + "write past it is refused with 413. A hub-admin's writes count against the whole store only. Give "
                + "every integration of the connector the same value")
            // a member-admin raising it would take the room the share keeps for the other members
            .hubAdminOnly("it is what keeps one member from filling the store for all", List.of("member-share"))
            .build();
    }

    @Override
    public List<ConfigProblem> validate(Config config) {
        List<ConfigProblem> problems = new ArrayList<>(SensorThingsConnector.validateCommon(config));
        try {
            Store.memberShare(config.getString("member-share"), Store.MAX_STORE_BYTES);
        } catch (IllegalArgumentException e) {
            String given = config.getString("member-share");
            problems.add(ConfigProblem.coded("member-share", e.getMessage(), "member-share", Store.MAX_STORE_BYTES,
                TextLimits.shown(given == null ? "" : given.trim())));
        }
        return problems;
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        Store store = new Store(db, ctx.config().getDuration("query-timeout"), Store.MAX_STORE_BYTES,
            Store.memberShare(ctx.config().getString("member-share"), Store.MAX_STORE_BYTES), shared);
        shared.serving();
        ctx.onStop(shared::stoppedServing); // the last integration's stop lets go of the graph
        return SensorThingsConnector.routes(ctx, LOG, service -> new StoreWrites(store, service, events), store,
            true);
    }
}
