package de.datenhafen.plugins.airquality.sta;

import java.sql.SQLException;
import java.util.List;

/**
 * Where a SensorThings service keeps its Observations: too many to hold in memory, so they are read, filtered,
 * ordered and paged by the database. The schools' service reads the plugin's reading table
 * ({@link ObservationSql}); the general store its own Observation table ({@link StoreObservations}). Called on the
 * request's worker thread; {@code eval} carries the request's {@code now()} and the graph it reads.
 */
interface Observations {

    /** A page of Observations, and how many there are in all when asked. */
    record Page(List<Model.Entity> items, boolean more, Long count) {
    }

    /** One Observation by id, or null. */
    Model.Entity byId(Model.Graph g, Eval eval, long id) throws SQLException;

    /**
     * The Observations of {@code of} (a Datastream or a FeatureOfInterest; null: all of them) that pass
     * {@code filter}, in {@code orderBy}'s order (then by id), from {@code skip}, at most {@code top}.
     */
    Page query(Model.Graph g, Eval eval, Model.Entity of, Expr filter, List<Parser.Order> orderBy, int skip, int top,
               boolean count) throws SQLException;
}
