package de.datenhafen.plugins.airquality.sta;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The general store's Observations, filtered, ordered and paged in SQL on table {@code sta_observation} (indexes by
 * Datastream and by FeatureOfInterest, each with the phenomenon time). The filter is compiled as for the schools'
 * readings ({@link ObservationSql#compile}, the same meaning): constant parts and paths through the Datastream are
 * computed first, per Datastream when the filter has such paths (Datastreams with the same residual share one
 * {@code datastream_id IN (...)}); what is left is about the Observation's own columns.
 */
final class StoreObservations implements Observations {

    static final String COLUMNS = "id, datastream_id, feature_id, phenomenon_time, phenomenon_end, result_time, "
        + "result, extra";

    private static final ObservationSql.Columns COLS = new ObservationSql.Columns("phenomenon_time", "result_time",
        "result_num", "result_text", "id", ObservationSql.TimeScale.MILLIS);

    private final DataSource db;
    private final Duration timeout;

    StoreObservations(DataSource db, Duration timeout) {
        this.db = db;
        this.timeout = timeout;
    }

    @Override
    public Model.Entity byId(Model.Graph g, Eval eval, long id) throws SQLException {
        try (Connection c = db.getConnection()) {
            return byId(c, id);
        }
    }

    static Model.Entity byId(Connection c, long id) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT " + COLUMNS + " FROM sta_observation WHERE id = ?")) {
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? entity(rs) : null;
            }
        }
    }

    /** One row of {@link #COLUMNS} as an Observation. */
    static Model.Entity entity(ResultSet rs) throws SQLException {
        Map<String, Object> p = new LinkedHashMap<>();
        Instant start = Instant.ofEpochMilli(rs.getLong(4));
        long end = rs.getLong(5);
        p.put("phenomenonTime", rs.wasNull() ? start : Model.text(start) + "/" + Model.text(Instant.ofEpochMilli(end)));
        long resultTime = rs.getLong(6);
        p.put("resultTime", rs.wasNull() ? null : Instant.ofEpochMilli(resultTime));
        try {
            p.put("result", Store.value(StaService.JSON.readTree(rs.getString(7))));
            String extra = rs.getString(8);
            if (extra != null) {
                p.putAll(Store.props(Model.Type.OBSERVATION, extra));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new Model.Entity(Model.Type.OBSERVATION, rs.getLong(1), p,
            Map.of("Datastream", rs.getLong(2), "FeatureOfInterest", rs.getLong(3)));
    }

    /** In id order only: other orders (phenomenonTime, result) are not unique, and their ties go by id. */
    @Override
    public boolean continues(Model.Entity of, List<Parser.Order> orderBy) {
        return Observations.byId(orderBy);
    }

    @Override
    public Page query(Model.Graph g, Eval eval, Model.Entity of, Expr filter, List<Parser.Order> orderBy, int skip,
                      int top, boolean count, Long after) throws SQLException {
        ObservationSql.Sql scope = of == null ? new ObservationSql.Sql("TRUE", ObservationSql.T.BOOL)
            : ObservationSql.Sql.param(of.type() == Model.Type.DATASTREAM ? "datastream_id = ?" : "feature_id = ?",
                ObservationSql.T.BOOL, of.id());
        ObservationSql.Sql where = where(g, eval, of, filter);
        if (where == null) {
            return new Page(List.of(), false, count ? 0L : null);
        }
        List<Object> order = new ArrayList<>();
        boolean byId = false;
        for (Parser.Order o : orderBy) {
            ObservationSql.Sql s = ObservationSql.compile(o.expr(), null, COLS, "$orderby");
            order.addAll(List.of(order.isEmpty() ? "" : ", ", s, o.descending() ? " DESC" : ""));
            byId |= s.text().equals("id");
        }
        if (!byId) {
            order.addAll(List.of(order.isEmpty() ? "" : ", ", "id"));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection c = db.getConnection()) {
            Long total = null;
            if (count) {
                try (PreparedStatement st = ObservationSql.prepare(c, ObservationSql.Sql.of(ObservationSql.T.NUM,
                    "SELECT COUNT(*) FROM sta_observation WHERE ", scope, " AND ", where), deadline, timeout);
                     ResultSet rs = st.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            List<Object> parts = new ArrayList<>(List.of("SELECT " + COLUMNS + " FROM sta_observation WHERE ", scope,
                " AND ", where));
            if (after != null) {
                // continues a nextLink in id order: from the key, nothing before it read
                boolean descending = !orderBy.isEmpty() && orderBy.get(0).descending();
                parts.addAll(List.of(descending ? " AND id < " : " AND id > ", ObservationSql.Sql.param("?",
                    ObservationSql.T.NUM, after)));
            }
            parts.add(" ORDER BY ");
            parts.addAll(order);
            parts.addAll(List.of(" LIMIT ", ObservationSql.Sql.param("?", ObservationSql.T.NUM, (long) top + 1),
                " OFFSET ", ObservationSql.Sql.param("?", ObservationSql.T.NUM, (long) skip)));
            List<Model.Entity> items = new ArrayList<>();
            try (PreparedStatement st = ObservationSql.prepare(c, ObservationSql.Sql.of(ObservationSql.T.NULL,
                parts.toArray()), deadline, timeout); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    items.add(entity(rs));
                }
            }
            boolean more = items.size() > top;
            return new Page(more ? items.subList(0, top) : items, more && top > 0, total);
        } catch (SQLException e) {
            Throttle.checkpoint(); // cancelled because the read was stopped for its CPU time: that is the answer
            if ("57014".equals(e.getSQLState()) || System.nanoTime() > deadline) {
                throw ObservationSql.tooLong(timeout);
            }
            if (e.getSQLState() != null && e.getSQLState().startsWith("22")) {
                throw ObservationSql.outOfRange();
            }
            throw e;
        }
    }

    /**
     * The filter as SQL, or null when no Observation can pass. Paths through the Datastream are computed per
     * Datastream in scope; paths through the FeatureOfInterest only where it is one ({@code FeaturesOfInterest(x)/
     * Observations}).
     */
    private static ObservationSql.Sql where(Model.Graph g, Eval eval, Model.Entity of, Expr filter) {
        if (filter == null) {
            return new ObservationSql.Sql("TRUE", ObservationSql.T.BOOL);
        }
        Model.Entity feature = of != null && of.type() == Model.Type.FEATURE_OF_INTEREST ? of : null;
        if (!mentions(filter, "Datastream")) {
            return residual(ObservationSql.reduce(filter, eval, p -> ObservationSql.path(p, eval, null, feature)),
                filter);
        }
        List<Model.Entity> streams = of != null && of.type() == Model.Type.DATASTREAM ? List.of(of)
            : g.all(Model.Type.DATASTREAM);
        Map<String, List<Object>> groups = new LinkedHashMap<>();
        Map<String, ObservationSql.Sql> residuals = new LinkedHashMap<>();
        for (Model.Entity ds : streams) {
            Throttle.checkpoint(); // the filter is evaluated for each of the store's Datastreams
            ObservationSql.Sql r = residual(ObservationSql.reduce(filter, eval,
                p -> ObservationSql.path(p, eval, ds, feature)), filter);
            if (r != null) {
                String key = r.text() + "|" + r.params();
                residuals.putIfAbsent(key, r);
                groups.computeIfAbsent(key, k -> new ArrayList<>()).add(ds.id());
            }
        }
        if (groups.isEmpty()) {
            return null;
        }
        List<Object> parts = new ArrayList<>(List.of("("));
        String sep = "";
        for (Map.Entry<String, List<Object>> e : groups.entrySet()) {
            StringBuilder marks = new StringBuilder();
            for (int i = 0; i < e.getValue().size(); i++) {
                marks.append(i == 0 ? "?" : ",?");
            }
            parts.addAll(List.of(sep, "(datastream_id IN (", new ObservationSql.Sql(marks.toString(),
                ObservationSql.T.NUM, List.copyOf(e.getValue())), ") AND ", residuals.get(e.getKey()), ")"));
            sep = " OR ";
        }
        parts.add(")");
        return ObservationSql.Sql.of(ObservationSql.T.BOOL, parts.toArray());
    }

    private static ObservationSql.Sql residual(Expr reduced, Expr filter) {
        if (reduced instanceof Expr.Literal l) {
            return Boolean.TRUE.equals(l.value()) ? new ObservationSql.Sql("TRUE", ObservationSql.T.BOOL) : null;
        }
        ObservationSql.Sql s = ObservationSql.compile(reduced, null, COLS, "$filter");
        if (s.type() != ObservationSql.T.BOOL) {
            throw StaException.badRequest("$filter", filter.pos(), "invalid $filter at position " + filter.pos()
                + ": the filter is not a condition (true or false)");
        }
        return s;
    }

    /** Whether a path of the expression starts with {@code nav}. */
    private static boolean mentions(Expr x, String nav) {
        if (x instanceof Expr.Path p) {
            return p.segments().get(0).equals(nav);
        }
        if (x instanceof Expr.Unary u) {
            return mentions(u.operand(), nav);
        }
        if (x instanceof Expr.Binary b) {
            return mentions(b.left(), nav) || mentions(b.right(), nav);
        }
        if (x instanceof Expr.Call c) {
            for (Expr a : c.args()) {
                if (mentions(a, nav)) {
                    return true;
                }
            }
        }
        return false;
    }
}
