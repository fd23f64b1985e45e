package de.datenhafen.plugins.airquality.sta;

import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
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
 * survive restarts. Every integration of this connector serves the same store (the plugin has one schema); run one.
 * Reading is public. Writing needs the role {@code member-editor} of any member (not only the plugin's): each Thing
 * belongs to the member who created it, and what hangs on it with it; {@link StoreWrites} refuses another member's
 * change with 403. {@code open-writes} lets anyone write on a test installation (OGC's test suite).
 */
public final class SensorThingsStoreConnector implements Connector {

    private static final Logger LOG = LoggerFactory.getLogger(SensorThingsStoreConnector.class);

    private final DataSource db;
    private final ObservationEvents events;

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
            + "Things only)").build();
    }

    @Override
    public List<ConfigProblem> validate(Config config) {
        return SensorThingsConnector.validateCommon(config);
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        Store store = new Store(db, ctx.config().getDuration("query-timeout"));
        return SensorThingsConnector.routes(ctx, LOG, service -> new StoreWrites(store, service, events), store,
            true);
    }
}
