package de.datenhafen.plugins.airquality.sta;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Observations, filtered, ordered and paged in SQL on the plugin's reading table (primary key room_key, t), never
 * copied. For each Datastream in scope the filter is first evaluated as far as it can be without the Observation:
 * paths through {@code Datastream/...} and {@code FeatureOfInterest/...}, constants and {@code now()} become values
 * (with {@link Eval}'s meaning), so what is left (the residual) is about {@code phenomenonTime}, {@code resultTime},
 * {@code result} and {@code id} only, and compiles to SQL. Datastreams whose residual is false are not queried;
 * those with the same residual share one statement ({@code room_key IN (...)}).
 *
 * <p>One Datastream (the usual {@code Datastreams(x)/Observations}) is one statement on the index:
 * {@code room_key = ? AND t >= ? ORDER BY room_key DESC, t DESC LIMIT ?}. Several Datastreams in id order (the
 * default) are walked one after the other, each on the index; any other order over at most {@link #MERGE_MAX}
 * Datastreams reads each one's first skip + top rows on the index and merges them; over more, it is one
 * {@code UNION ALL} ordered and limited by the database, which reads every matching row.
 */
final class ObservationSql {

    /** A page of Observations, and how many there are in all when asked. */
    record Page(List<Model.Entity> items, boolean more, Long count) {
    }

    enum T { NUM, TIME, DATE, BOOL, STR, NULL }

    /**
     * A piece of SQL, its type, and the values of its {@code ?} in text order: every value from a request is a bound
     * parameter (issue 10: quote-doubling held, but parameters are the rule).
     */
    record Sql(String text, T type, List<Object> params) {
        Sql(String text, T type) {
            this(text, type, List.of());
        }

        /** {@code parts} joined: strings as SQL text, Sql pieces as their text with their parameters. */
        static Sql of(T type, Object... parts) {
            StringBuilder b = new StringBuilder();
            List<Object> params = new ArrayList<>();
            for (Object part : parts) {
                if (part instanceof Sql s) {
                    b.append(s.text());
                    params.addAll(s.params());
                } else {
                    b.append(part);
                }
            }
            return new Sql(b.toString(), type, List.copyOf(params));
        }

        static Sql param(String text, T type, Object value) {
            return new Sql(text, type, List.of(value));
        }
    }

    private static final Sql TRUE = new Sql("TRUE", T.BOOL);

    /** Datastreams that share a quantity and a residual filter: one statement with {@code room_key IN (...)}. */
    private record Group(Quantity quantity, Sql where, List<Long> datastreams) {
    }

    /**
     * How times are stored: a number of {@code unit}s since {@code epochSql} ({@code epochSecond} in Unix seconds),
     * {@code perSecond} of them a second. The reading table counts seconds since 2020 in an INT; the general store
     * milliseconds since 1970 in a BIGINT.
     */
    record TimeScale(String unit, String epochSql, long epochSecond, long perSecond) {
        static final TimeScale SECONDS_SINCE_2020 = new TimeScale("SECOND", "TIMESTAMP '2020-01-01 00:00:00'",
            Model.T0, 1);
        static final TimeScale MILLIS = new TimeScale("MILLISECOND", "TIMESTAMP '1970-01-01 00:00:00'", 0, 1000);

        /** What the column holds for {@code i}. */
        Number of(Instant i) {
            long whole = (i.getEpochSecond() - epochSecond) * perSecond;
            long per = 1_000_000_000L / perSecond;
            if (i.getNano() % per != 0) {
                return whole + i.getNano() / (double) per;
            }
            return whole + i.getNano() / per;
        }
    }

    /**
     * How the Observation's columns are written in the statement being built: its time (both phenomenonTime and
     * resultTime, in the reading table; {@code resultTime} may differ in the store), its result as a number, as text
     * (null: a result is never compared as text), its id, and the time scale.
     */
    record Columns(String t, String resultTime, String result, String resultText, String id, TimeScale scale) {
        Columns(String t, String result, String id) {
            this(t, t, result, null, id, TimeScale.SECONDS_SINCE_2020);
        }
    }

    /** Up to this many Datastreams, an order other than by id is read per Datastream on the key and merged. */
    static final int MERGE_MAX = 64;


    private final DataSource db;
    private final Model.Graph graph;
    private final Eval eval;
    private final java.time.Duration timeout;
    private long deadline;
    int mergeMax = MERGE_MAX;

    /** The schools' service's Observations: each request gets an ObservationSql of its own (it keeps a deadline). */
    static Observations of(DataSource db, java.time.Duration timeout) {
        return new Observations() {
            @Override
            public Model.Entity byId(Model.Graph g, Eval eval, long id) throws SQLException {
                return new ObservationSql(db, g, eval, timeout).byId(id);
            }

            @Override
            public Observations.Page query(Model.Graph g, Eval eval, Model.Entity of, Expr filter,
                                           List<Parser.Order> orderBy, int skip, int top, boolean count, Long after)
                throws SQLException {
                ObservationSql.Page p = new ObservationSql(db, g, eval, timeout).query(scope(g, of), filter, orderBy,
                    skip, top, count, after);
                return new Observations.Page(p.items(), p.more(), p.count());
            }

            @Override
            public boolean continues(Model.Entity of, List<Parser.Order> orderBy) {
                return ObservationSql.continues(of, orderBy);
            }
        };
    }

    /**
     * Whether a page can be continued after an Observation's id on the key (room_key, t): in id order (Datastream,
     * then time) over any Datastreams, and below one Datastream also in phenomenonTime or resultTime order (both
     * are its t there, so the same order).
     */
    static boolean continues(Model.Entity of, List<Parser.Order> orderBy) {
        if (Observations.byId(orderBy)) {
            return true;
        }
        return of != null && of.type() == Model.Type.DATASTREAM && orderBy.size() == 1
            && orderBy.get(0).expr() instanceof Expr.Path p && p.segments().size() == 1
            && (p.segments().get(0).equals("phenomenonTime") || p.segments().get(0).equals("resultTime"));
    }

    /** The Datastreams whose Observations an entity leads to: a Datastream its own, a room (FeatureOfInterest) four. */
    static List<Long> scope(Model.Graph g, Model.Entity of) {
        if (of == null) {
            List<Long> out = new ArrayList<>();
            for (Model.Entity e : g.all(Model.Type.DATASTREAM)) {
                out.add((Long) e.id());
            }
            out.sort(Long::compare);
            return out;
        }
        long id = (Long) of.id();
        if (of.type() == Model.Type.DATASTREAM) {
            return List.of(id);
        }
        return List.of(id * 4, id * 4 + 1, id * 4 + 2, id * 4 + 3);
    }

    ObservationSql(DataSource db, Model.Graph graph, Eval eval, java.time.Duration timeout) {
        this.db = db;
        this.graph = graph;
        this.eval = eval;
        this.timeout = timeout;
    }

    /**
     * A statement that the database cancels when the request's time is up, so a query that would read most of the
     * table (an order over all Datastreams, say) cannot hold a connection and a core for minutes.
     */
    private PreparedStatement prepare(Connection c, Sql sql) throws SQLException {
        return prepare(c, sql, deadline, timeout);
    }

    /** {@link #prepare(Connection, Sql)} for a statement that must end by {@code deadline} (System.nanoTime). */
    static PreparedStatement prepare(Connection c, Sql sql, long deadline, java.time.Duration timeout)
        throws SQLException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw tooLong(timeout);
        }
        PreparedStatement st = c.prepareStatement(sql.text());
        try {
            Throttle.running(st); // a read stopped for its CPU time cancels it
            st.setQueryTimeout((int) Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(left)));
            int i = 1;
            for (Object v : sql.params()) {
                if (v instanceof Long l) {
                    st.setLong(i++, l);
                } else if (v instanceof Integer n) {
                    st.setInt(i++, n);
                } else if (v instanceof Double d) {
                    st.setDouble(i++, d);
                } else if (v instanceof String t) {
                    st.setString(i++, t);
                } else if (v instanceof Boolean b) {
                    st.setBoolean(i++, b);
                } else {
                    st.setObject(i++, v);
                }
            }
        } catch (SQLException | RuntimeException e) {
            st.close();
            throw e;
        }
        return st;
    }

    /**
     * A data exception of the database (SQLSTATE class 22: a numeric overflow, a division the filter's arithmetic
     * made) is the filter's fault: a 400 naming $filter, without the database's message (it names the statement).
     */
    static StaException outOfRange() {
        return StaException.badRequest("$filter", -1, "invalid $filter: its arithmetic or values are out of the "
            + "range of numbers and times this service computes with");
    }

    static StaException tooLong(java.time.Duration timeout) {
        return new StaException(503, "$filter", -1, "the query took longer than " + timeout.toSeconds() + " s and "
            + "was stopped: narrow it (Datastreams(<id>)/Observations, a phenomenonTime range, ordering by id)");
    }

    /** One Observation by id, or null. */
    Model.Entity byId(long id) throws SQLException {
        long ds = id / Model.OBSERVATION_SHIFT;
        int t = (int) (id % Model.OBSERVATION_SHIFT);
        if (id < 0 || graph.get(Model.Type.DATASTREAM, ds) == null) {
            return null;
        }
        Quantity q = Quantity.values()[(int) (ds % 4)];
        deadline = System.nanoTime() + timeout.toNanos();
        try (Connection c = db.getConnection(); PreparedStatement st = prepare(c, new Sql("SELECT " + q.column
            + " FROM reading WHERE room_key = ? AND t = ? AND " + q.column + " IS NOT NULL", T.NUM,
            List.of((int) (ds / 4), t)))) {
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Model.observation(ds, t, q.value(rs.getInt(1))) : null;
            }
        }
    }

    /**
     * The Observations of the given Datastreams (ids in ascending order) that pass {@code filter}, ordered, from
     * {@code skip}, at most {@code top}.
     */
    Page query(List<Long> datastreams, Expr filter, List<Parser.Order> orderBy, int skip, int top, boolean count)
        throws SQLException {
        return query(datastreams, filter, orderBy, skip, top, count, null);
    }

    /**
     * The same, starting after the Observation with id {@code after} in an order that {@link #continues} (null: from
     * the start): the Datastreams before its Datastream in the page's direction are left out, and its own
     * Datastream's rows are read from past its time on the key; nothing before it is counted or read.
     */
    Page query(List<Long> datastreams, Expr filter, List<Parser.Order> orderBy, int skip, int top, boolean count,
               Long after) throws SQLException {
        // residual SQL per datastream, grouped: quantity + residual -> room keys
        Map<String, Group> groups = new LinkedHashMap<>();
        Map<Long, Sql> residualOf = new LinkedHashMap<>();
        for (long ds : datastreams) {
            Throttle.checkpoint(); // a filter through Datastream paths is evaluated for each of thousands
            Model.Entity stream = graph.get(Model.Type.DATASTREAM, ds);
            if (stream == null) {
                continue;
            }
            Sql where = residual(filter, stream);
            if (where != null) {
                residualOf.put(ds, where);
                Quantity q = Quantity.values()[(int) (ds % 4)];
                // the casts in the text tell a string '1' from a number 1, so text and values are the key
                groups.computeIfAbsent(q.ordinal() + "|" + where.text() + "|" + where.params(),
                    k -> new Group(q, where, new ArrayList<>())).datastreams().add(ds);
            }
        }
        List<Parser.Order> order = orderBy;
        boolean byId = Observations.byId(order);
        boolean descending = !order.isEmpty() && order.get(0).descending();
        if (after != null) {
            residualOf = after(residualOf, after, descending);
        }
        deadline = System.nanoTime() + timeout.toNanos();
        try (Connection c = db.getConnection()) {
            Long total = count ? count(c, groups) : null;
            List<Model.Entity> items;
            if (residualOf.size() == 1) {
                Map.Entry<Long, Sql> only = residualOf.entrySet().iterator().next();
                items = single(c, only.getKey(), only.getValue(), order, skip, top + 1);
            } else if (byId) {
                items = walk(c, residualOf, descending, skip, top + 1);
            } else if (residualOf.size() <= mergeMax && (long) skip + top < 10_000) {
                // a few Datastreams (a FeatureOfInterest's four, say): each on its key, merged here
                List<Model.Entity> all = new ArrayList<>();
                for (Map.Entry<Long, Sql> d : residualOf.entrySet()) {
                    all.addAll(single(c, d.getKey(), d.getValue(), order, 0, skip + top + 1));
                }
                all.sort(eval.order(order));
                items = all.subList(Math.min(skip, all.size()), Math.min(all.size(), skip + top + 1));
            } else {
                items = union(c, groups, order, skip, top + 1);
            }
            boolean more = items.size() > top;
            return new Page(more ? items.subList(0, top) : items, more, total);
        } catch (SQLException e) {
            Throttle.checkpoint(); // cancelled because the read was stopped for its CPU time: that is the answer
            if ("57014".equals(e.getSQLState()) || System.nanoTime() > deadline) {
                throw tooLong(timeout);
            }
            if (e.getSQLState() != null && e.getSQLState().startsWith("22")) {
                throw outOfRange();
            }
            throw e;
        }
    }

    /**
     * The residual filters of the Datastreams at and past {@code after}'s in the page's direction, its own with the
     * times past {@code after}'s: the rest of an order by (Datastream, time), from the key.
     */
    private static Map<Long, Sql> after(Map<Long, Sql> residualOf, long after, boolean descending) {
        long afterDs = after / Model.OBSERVATION_SHIFT;
        long afterT = after % Model.OBSERVATION_SHIFT;
        Map<Long, Sql> out = new LinkedHashMap<>();
        for (Map.Entry<Long, Sql> e : residualOf.entrySet()) {
            int c = Long.compare(e.getKey(), afterDs) * (descending ? -1 : 1);
            if (c > 0) {
                out.put(e.getKey(), e.getValue());
            } else if (c == 0) {
                // an INTEGER like the column when it fits, so the database reads the key from there
                Sql t = afterT == (int) afterT ? Sql.param("CAST(? AS INTEGER)", T.TIME, (int) afterT)
                    : Sql.param("CAST(? AS BIGINT)", T.TIME, afterT);
                out.put(e.getKey(), Sql.of(T.BOOL, "((", e.getValue(), ")", descending ? " AND t < " : " AND t > ",
                    t, ")"));
            }
        }
        return out;
    }

    private List<Model.Entity> single(Connection c, long ds, Sql where, List<Parser.Order> order, int skip,
                                      int limit) throws SQLException {
        Quantity q = Quantity.values()[(int) (ds % 4)];
        Columns cols = new Columns("t", q.sqlValue(), "t");
        Sql sql = Sql.of(T.NULL, "SELECT t, ", q.column, " FROM reading WHERE room_key = ", roomKey(ds), " AND ",
            q.column, " IS NOT NULL AND (", where, ") ORDER BY ", orderSql(order, cols, true), " LIMIT ",
            count(limit), " OFFSET ", count(skip));
        List<Model.Entity> out = new ArrayList<>();
        try (PreparedStatement st = prepare(c, sql); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.add(Model.observation(ds, rs.getInt(1), q.value(rs.getInt(2))));
            }
        }
        return out;
    }

    /** Datastream after Datastream in id order: each an index range, skipping whole ones by their counts. */
    private List<Model.Entity> walk(Connection c, Map<Long, Sql> residualOf, boolean descending, int skip,
                                    int limit) throws SQLException {
        List<Long> order = new ArrayList<>(residualOf.keySet());
        if (descending) {
            java.util.Collections.reverse(order);
        }
        List<Model.Entity> out = new ArrayList<>();
        long toSkip = skip;
        String dir = descending ? " DESC" : "";
        for (long ds : order) {
            if (out.size() >= limit) {
                break;
            }
            Quantity q = Quantity.values()[(int) (ds % 4)];
            Sql where = Sql.of(T.NULL, " FROM reading WHERE room_key = ", roomKey(ds), " AND ", q.column,
                " IS NOT NULL AND (", residualOf.get(ds), ")");
            if (toSkip > 0) {
                long n = scalar(c, Sql.of(T.NUM, "SELECT COUNT(*)", where));
                if (n <= toSkip) {
                    toSkip -= n;
                    continue;
                }
            }
            Sql sql = Sql.of(T.NULL, "SELECT t, ", q.column, where, " ORDER BY room_key", dir, ", t", dir, " LIMIT ",
                count(limit - out.size()), " OFFSET ", count(toSkip));
            toSkip = 0;
            try (PreparedStatement st = prepare(c, sql); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(Model.observation(ds, rs.getInt(1), q.value(rs.getInt(2))));
                }
            }
        }
        return out;
    }

    private List<Model.Entity> union(Connection c, Map<String, Group> groups, List<Parser.Order> order,
                                     int skip, int limit) throws SQLException {
        if (groups.isEmpty()) {
            return List.of();
        }
        List<Object> parts = new ArrayList<>(List.of("SELECT id, t, result FROM ("));
        String sep = "";
        for (Group g : groups.values()) {
            parts.add(sep);
            parts.add(select(g, "(CAST(room_key AS BIGINT) * 4 + %q) * 4294967296 + t AS id, t, %v AS result"));
            sep = " UNION ALL ";
        }
        parts.addAll(List.of(") o ORDER BY ", orderSql(order, new Columns("t", "result", "id"), false), " LIMIT ",
            count(limit), " OFFSET ", count(skip)));
        List<Model.Entity> out = new ArrayList<>();
        try (PreparedStatement st = prepare(c, Sql.of(T.NULL, parts.toArray())); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                long id = rs.getLong(1);
                out.add(Model.observation(id / Model.OBSERVATION_SHIFT, rs.getInt(2), rs.getDouble(3)));
            }
        }
        return out;
    }

    private long count(Connection c, Map<String, Group> groups) throws SQLException {
        long n = 0;
        for (Group g : groups.values()) {
            n += scalar(c, select(g, "COUNT(*)"));
        }
        return n;
    }

    /**
     * SELECT {@code what} over one group's rows; %q is the quantity's index, %v its value (both the service's own
     * SQL, never a request's).
     */
    private static Sql select(Group g, String what) {
        Quantity q = g.quantity();
        List<Object> rooms = new ArrayList<>();
        StringBuilder marks = new StringBuilder();
        for (long ds : g.datastreams()) {
            marks.append(marks.length() == 0 ? "?" : ",?");
            rooms.add((int) (ds / 4));
        }
        return Sql.of(T.NULL, "SELECT ", what.replace("%q", Integer.toString(q.ordinal()))
            .replace("%v", q.sqlValue()), " FROM reading WHERE ", q.column, " IS NOT NULL AND room_key IN (",
            new Sql(marks.toString(), T.NUM, rooms), ") AND (", g.where(), ")");
    }

    /** A Datastream's room key as a parameter. */
    private static Sql roomKey(long ds) {
        return Sql.param("?", T.NUM, (int) (ds / 4));
    }

    /** A LIMIT or OFFSET as a parameter. */
    private static Sql count(long n) {
        return Sql.param("?", T.NUM, n);
    }

    private long scalar(Connection c, Sql sql) throws SQLException {
        try (PreparedStatement st = prepare(c, sql); ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Sql orderSql(List<Parser.Order> order, Columns cols, boolean single) {
        String tie = single ? "t" : "id";
        List<Object> out = new ArrayList<>();
        boolean tied = false;
        for (Parser.Order o : order) {
            Sql s = compile(o.expr(), null, cols, "$orderby");
            String dir = o.descending() ? " DESC" : "";
            if (out.isEmpty() && single && s.text().equals("t")) {
                out.add("room_key" + dir + ", "); // so H2 reads the primary key in order
            }
            out.addAll(List.of(s, dir, ", "));
            tied |= s.text().equals(tie);
        }
        if (out.isEmpty()) {
            return new Sql(single ? "room_key, t" : "id", T.NULL);
        }
        if (tied) {
            out.remove(out.size() - 1);
        } else {
            out.add(tie);
        }
        return Sql.of(T.NULL, out.toArray());
    }

    // ---- partial evaluation

    /** The filter's SQL for one Datastream's rows, or null when no Observation of it can pass. */
    private Sql residual(Expr filter, Model.Entity stream) {
        if (filter == null) {
            return TRUE;
        }
        Expr r = reduce(filter, stream);
        if (r instanceof Expr.Literal l) {
            return Boolean.TRUE.equals(l.value()) ? TRUE : null;
        }
        long ds = (Long) stream.id();
        Quantity q = Quantity.values()[(int) (ds % 4)];
        Sql s = compile(r, q, new Columns("t", q.sqlValue(), "(CAST(" + ds + " AS BIGINT) * 4294967296 + t)"),
            "$filter");
        if (s.type() != T.BOOL) {
            throw StaException.badRequest("$filter", filter.pos(), "invalid $filter at position " + filter.pos()
                + ": the filter is not a condition (true or false)");
        }
        return s;
    }

    Expr reduce(Expr x, Model.Entity stream) {
        Model.Entity feature = graph.get(Model.Type.FEATURE_OF_INTEREST, (Long) stream.id() / 4);
        return reduce(x, eval, p -> path(p, eval, stream, feature));
    }

    /**
     * The expression with every part that does not depend on the Observation's own properties computed:
     * {@code paths} gives a path's value as a literal, or the path itself when it is the Observation's own.
     */
    static Expr reduce(Expr x, Eval eval, java.util.function.Function<Expr.Path, Expr> paths) {
        if (x instanceof Expr.Literal) {
            return x;
        }
        if (x instanceof Expr.Path p) {
            return paths.apply(p);
        }
        if (x instanceof Expr.Unary u) {
            Expr r = reduce(u.operand(), eval, paths);
            return r instanceof Expr.Literal l ? new Expr.Literal(Eval.unary(u.op(), l.value(), u.pos()), u.pos())
                : new Expr.Unary(u.op(), r, u.pos());
        }
        if (x instanceof Expr.Binary b) {
            return binary(b, eval, paths);
        }
        Expr.Call c = (Expr.Call) x;
        List<Expr> args = new ArrayList<>();
        boolean constant = true;
        for (Expr a : c.args()) {
            Expr r = reduce(a, eval, paths);
            constant &= r instanceof Expr.Literal;
            args.add(r);
        }
        if (constant) {
            List<Object> values = new ArrayList<>();
            args.forEach(a -> values.add(((Expr.Literal) a).value()));
            return new Expr.Literal(Eval.call(c.name(), values, c.pos(), eval.now()), c.pos());
        }
        return new Expr.Call(c.name(), args, c.pos());
    }

    private static Expr binary(Expr.Binary b, Eval eval, java.util.function.Function<Expr.Path, Expr> paths) {
        Expr l = reduce(b.left(), eval, paths);
        Expr r = reduce(b.right(), eval, paths);
        if (b.op().equals("and") || b.op().equals("or")) {
            boolean and = b.op().equals("and");
            for (Expr[] pair : new Expr[][] {{l, r}, {r, l}}) {
                if (pair[0] instanceof Expr.Literal lit) {
                    boolean v = Boolean.TRUE.equals(lit.value());
                    if (and) {
                        return v ? pair[1] : new Expr.Literal(false, b.pos());
                    }
                    return v ? new Expr.Literal(true, b.pos()) : pair[1];
                }
            }
            return new Expr.Binary(b.op(), l, r, b.pos());
        }
        if (l instanceof Expr.Literal x && r instanceof Expr.Literal y) {
            return new Expr.Literal(Eval.binary(b.op(), x.value(), y.value(), b.pos()), b.pos());
        }
        return new Expr.Binary(b.op(), l, r, b.pos());
    }

    /**
     * A path of a filter on Observations: the Observation's own properties stay (they become SQL), a path through
     * its Datastream or FeatureOfInterest becomes that entity's value; {@code feature} null: the FeatureOfInterest
     * differs from Observation to Observation, and such paths are refused.
     */
    static Expr path(Expr.Path p, Eval eval, Model.Entity stream, Model.Entity feature) {
        List<String> s = p.segments();
        String first = s.get(0);
        switch (first) {
            case "phenomenonTime", "resultTime", "result", "id", "@iot.id" -> {
                if (s.size() > 1) {
                    throw StaException.badRequest("$filter", p.pos(), "invalid $filter at position " + p.pos()
                        + ": '" + first + "' has no properties ('" + p.text() + "')");
                }
                return p;
            }
            case "parameters", "resultQuality", "validTime" -> {
                return new Expr.Literal(null, p.pos());
            }
            case "Datastream", "FeatureOfInterest" -> {
                Model.Entity from = first.equals("Datastream") ? stream : feature;
                if (from == null) {
                    throw StaException.badRequest("$filter", p.pos(), "invalid $filter at position " + p.pos()
                        + ": paths through the FeatureOfInterest ('" + p.text() + "') are supported on "
                        + "FeaturesOfInterest(<id>)/Observations only; filter the FeaturesOfInterest instead");
                }
                Object v = s.size() == 1 ? from.id()
                    : eval.path(new Expr.Path(s.subList(1, s.size()), p.pos()), from);
                return new Expr.Literal(v, p.pos());
            }
            default -> throw StaException.badRequest("$filter", p.pos(), "invalid $filter at position " + p.pos()
                + ": Observation has no property or navigation property '" + first + "'");
        }
    }

    // ---- SQL of a residual

    static Sql compile(Expr x, Quantity q, Columns cols, String field) {
        if (x instanceof Expr.Literal l) {
            return literal(l, field, cols.scale());
        }
        if (x instanceof Expr.Path p) {
            String name = p.segments().get(0);
            if (p.segments().size() > 1) {
                throw unsupported(field, p.pos(), "'" + p.text() + "'");
            }
            return switch (name) {
                case "phenomenonTime" -> new Sql(cols.t(), T.TIME);
                case "resultTime" -> new Sql(cols.resultTime(), T.TIME);
                case "result" -> new Sql(cols.result(), T.NUM);
                case "id", "@iot.id" -> new Sql(cols.id(), T.NUM);
                default -> throw unsupported(field, p.pos(), "'" + name + "'");
            };
        }
        if (x instanceof Expr.Unary u) {
            Sql o = compile(u.operand(), q, cols, field);
            if (u.op().equals("not")) {
                return Sql.of(T.BOOL, "(NOT ", bool(o, u.pos(), field), ")");
            }
            return Sql.of(T.NUM, "(-", num(o, u.pos(), field), ")");
        }
        if (x instanceof Expr.Binary b) {
            return binarySql(b, q, cols, field);
        }
        return callSql((Expr.Call) x, q, cols, field);
    }

    private static Sql binarySql(Expr.Binary b, Quantity q, Columns cols, String field) {
        Sql l = compile(b.left(), q, cols, field);
        Sql r = compile(b.right(), q, cols, field);
        // a result compared with text compares as text, numbers written as Eval writes them (Eval.compare)
        if (cols.resultText() != null && (isResult(b.left()) && r.type() == T.STR)) {
            l = new Sql(cols.resultText(), T.STR);
        } else if (cols.resultText() != null && isResult(b.right()) && l.type() == T.STR) {
            r = new Sql(cols.resultText(), T.STR);
        }
        switch (b.op()) {
            case "and", "or" -> {
                return Sql.of(T.BOOL, "(", bool(l, b.pos(), field), " " + b.op().toUpperCase() + " ",
                    bool(r, b.pos(), field), ")");
            }
            case "eq", "ne", "gt", "ge", "lt", "le" -> {
                if (l.type() == T.NULL || r.type() == T.NULL) {
                    Sql other = l.type() == T.NULL ? r : l;
                    return switch (b.op()) {
                        case "eq" -> Sql.of(T.BOOL, "(", other, " IS NULL)");
                        case "ne" -> Sql.of(T.BOOL, "(", other, " IS NOT NULL)");
                        default -> new Sql("FALSE", T.BOOL);
                    };
                }
                // a date compares with a time as its midnight (UTC), as in Eval
                if (l.type() == T.TIME && r.type() == T.DATE && b.right() instanceof Expr.Literal lit) {
                    r = timeLiteral(((LocalDate) lit.value()).atStartOfDay(java.time.ZoneOffset.UTC).toInstant(),
                        cols.scale());
                } else if (r.type() == T.TIME && l.type() == T.DATE && b.left() instanceof Expr.Literal lit) {
                    l = timeLiteral(((LocalDate) lit.value()).atStartOfDay(java.time.ZoneOffset.UTC).toInstant(),
                        cols.scale());
                }
                if (l.type() != r.type()) {
                    return new Sql(b.op().equals("ne") ? "TRUE" : "FALSE", T.BOOL);
                }
                String op = switch (b.op()) {
                    case "eq" -> "=";
                    case "ne" -> "<>";
                    case "gt" -> ">";
                    case "ge" -> ">=";
                    case "lt" -> "<";
                    default -> "<=";
                };
                return Sql.of(T.BOOL, "(", l, " " + op + " ", r, ")");
            }
            case "div" -> {
                return Sql.of(T.NUM, "(CAST(", num(l, b.pos(), field), " AS DOUBLE PRECISION) / NULLIF(",
                    num(r, b.pos(), field), ", 0))");
            }
            case "mod" -> {
                return Sql.of(T.NUM, "MOD(", num(l, b.pos(), field), ", NULLIF(", num(r, b.pos(), field), ", 0))");
            }
            default -> {
                String op = switch (b.op()) {
                    case "add" -> "+";
                    case "sub" -> "-";
                    default -> "*";
                };
                return Sql.of(T.NUM, "(", num(l, b.pos(), field), " " + op + " ", num(r, b.pos(), field), ")");
            }
        }
    }

    private static boolean isResult(Expr x) {
        return x instanceof Expr.Path p && p.segments().size() == 1 && p.segments().get(0).equals("result");
    }

    private static Sql callSql(Expr.Call c, Quantity q, Columns cols, String field) {
        List<Sql> args = new ArrayList<>();
        for (Expr a : c.args()) {
            args.add(compile(a, q, cols, field));
        }
        Sql a = args.isEmpty() ? null : args.get(0);
        switch (c.name()) {
            case "year", "month", "day", "hour", "minute", "second" -> {
                return Sql.of(T.NUM, "EXTRACT(" + c.name().toUpperCase() + " FROM ", ts(a, c.pos(), field, cols.scale()), ")");
            }
            case "date" -> {
                return Sql.of(T.DATE, "CAST(", ts(a, c.pos(), field, cols.scale()), " AS DATE)");
            }
            case "round", "floor", "ceiling" -> {
                String fn = c.name().equals("round") ? "ROUND" : c.name().equals("floor") ? "FLOOR" : "CEILING";
                return Sql.of(T.NUM, fn + "(", num(a, c.pos(), field), ")");
            }
            default -> throw unsupported(field, c.pos(), "the function " + c.name() + " on an Observation's own "
                + "properties");
        }
    }

    private static Sql ts(Sql a, int pos, String field, TimeScale scale) {
        if (a.type() != T.TIME) {
            throw StaException.badRequest(field, pos, "invalid " + field + " at position " + pos
                + ": needs a time here");
        }
        return Sql.of(T.TIME, "DATEADD(" + scale.unit() + ", ", a, ", " + scale.epochSql() + ")");
    }

    private static Sql literal(Expr.Literal l, String field, TimeScale scale) {
        Object v = l.value();
        if (v == null) {
            return new Sql("NULL", T.NULL);
        }
        if (v instanceof Long) {
            return Sql.param("CAST(? AS BIGINT)", T.NUM, v);
        }
        if (v instanceof Double) {
            return Sql.param("CAST(? AS DOUBLE PRECISION)", T.NUM, v);
        }
        if (v instanceof Boolean) {
            return Sql.param("CAST(? AS BOOLEAN)", T.BOOL, v);
        }
        if (v instanceof String) {
            return Sql.param("CAST(? AS VARCHAR)", T.STR, v);
        }
        if (v instanceof Instant i) {
            return timeLiteral(i, scale);
        }
        if (v instanceof LocalDate) {
            return Sql.param("CAST(? AS DATE)", T.DATE, v);
        }
        throw unsupported(field, l.pos(), Eval.describe(v) + " next to an Observation's own properties");
    }

    /**
     * A time as the column stores it (seconds since 2020 beside the INT column {@code t}; milliseconds in the store):
     * as an INTEGER when it fits (so the database compares on the key as with a constant), else as a BIGINT or, with
     * a fraction, a DOUBLE.
     */
    private static Sql timeLiteral(Instant i, TimeScale scale) {
        Number n = scale.of(i);
        if (n instanceof Double d) {
            return Sql.param("CAST(? AS DOUBLE PRECISION)", T.TIME, d);
        }
        long v = n.longValue();
        return v == (int) v ? Sql.param("CAST(? AS INTEGER)", T.TIME, (int) v)
            : Sql.param("CAST(? AS BIGINT)", T.TIME, v);
    }

    private static Sql bool(Sql s, int pos, String field) {
        if (s.type() != T.BOOL) {
            throw StaException.badRequest(field, pos, "invalid " + field + " at position " + pos
                + ": 'and', 'or' and 'not' need conditions");
        }
        return s;
    }

    private static Sql num(Sql s, int pos, String field) {
        if (s.type() != T.NUM) {
            throw StaException.badRequest(field, pos, "invalid " + field + " at position " + pos
                + ": arithmetic needs numbers");
        }
        return s;
    }

    private static StaException unsupported(String field, int pos, String what) {
        return StaException.badRequest(field, pos, "invalid " + field + " at position " + pos + ": " + what
            + " is not supported on Observations");
    }
}
