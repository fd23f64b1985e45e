package de.datenhafen.plugins.airquality.sta;

import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
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
 * Reading is public; writing needs the write token, or {@code open-writes} on a test installation.
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
            + "public; writes need the write token.";
    }

    @Override
    public ConfigDef config() {
        return SensorThingsConnector.common(ConfigDef.builder(), "/sensorthings").build();
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        Store store = new Store(db, ctx.config().getDuration("query-timeout"));
        return SensorThingsConnector.routes(ctx, LOG, service -> new StoreWrites(store, service, events), store);
    }
}
