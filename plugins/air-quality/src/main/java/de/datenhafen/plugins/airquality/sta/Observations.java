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
     * {@code filter}, in {@code orderBy}'s order (then by id), from {@code skip}, at most {@code top}; with
     * {@code after} (a nextLink's {@code $skiptoken}, only where {@link #continues} says so) those that come after
     * the Observation with that id in this order, then from {@code skip}. The count is of all that pass the filter.
     */
    Page query(Model.Graph g, Eval eval, Model.Entity of, Expr filter, List<Parser.Order> orderBy, int skip, int top,
               boolean count, Long after) throws SQLException;

    /**
     * Whether a page of {@code of}'s Observations in this order can be continued after its last Observation's id
     * ({@code after} of {@link #query}) on an index, without counting what came before: in id order (the default)
     * always; other orders as the source says.
     */
    boolean continues(Model.Entity of, List<Parser.Order> orderBy);

    /** Whether {@code orderBy} is by id alone (or empty: id is the default). */
    static boolean byId(List<Parser.Order> orderBy) {
        return orderBy.isEmpty() || orderBy.size() == 1 && orderBy.get(0).expr() instanceof Expr.Path p
            && p.segments().size() == 1 && (p.segments().get(0).equals("id") || p.segments().get(0).equals("@iot.id"));
    }
}
