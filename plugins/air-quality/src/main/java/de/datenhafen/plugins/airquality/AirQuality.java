package de.datenhafen.plugins.airquality;

import javax.sql.DataSource;

/** What the plugin's connectors share while it runs: its database, the registry and the projections. */
final class AirQuality {

    final DataSource db;
    final Registry registry;
    final Projections projections;

    AirQuality(DataSource db) {
        this.db = db;
        this.registry = new Registry(db);
        this.projections = new Projections(db, registry);
    }
}
