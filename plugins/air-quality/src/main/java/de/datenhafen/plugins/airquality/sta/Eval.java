package de.datenhafen.plugins.airquality.sta;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Evaluates a filter or order expression against one entity in memory, and folds constant parts of expressions
 * for {@link ObservationSql}. One meaning for both: comparisons of numbers are numeric, of strings by code point (a
 * number beside text as its text), of times by instant (a date compares as its midnight, UTC); a comparison with null
 * is false except {@code eq null} and {@code ne null}; {@code div} divides as a decimal; a path through a to-many
 * navigation property (such as {@code Thing/Locations/name}) is true if any of its values makes the comparison true.
 * Date parts are taken in UTC.
 */
final class Eval {

    /** The values of a path through a to-many navigation property. */
    record Multi(List<Object> values) {
    }

    private static final Instant MIN_TIME = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant MAX_TIME = Instant.parse("9999-12-31T23:59:59.999Z");

    private final Model.Graph graph;
    private final Instant now;
    /** Entities reached through to-many paths so far in this request; see {@link #MAX_VISITS}. */
    private long visits;

    /**
     * How many entities one request's filter may reach through to-many navigation paths in all. A path such as
     * {@code Datastreams/Sensor/Datastreams/Thing/Datastreams} reaches every Datastream from every Thing, millions of
     * steps for one request: past this it is a 400, not minutes of a core.
     */
    static final long MAX_VISITS = 2_000_000;

    Eval(Model.Graph graph, Instant now) {
        this.graph = graph;
        this.now = now;
    }

    /** The time {@code now()} stands for in this request. */
    Instant now() {
        return now;
    }

    boolean test(Expr filter, Model.Entity e) {
        Object v = value(filter, e);
        if (v != null && !(v instanceof Boolean) && !(v instanceof Multi)) {
            throw StaException.badRequest("$filter", filter.pos(), "invalid $filter at position " + filter.pos()
                + ": the filter is not a condition (true or false)");
        }
        return Boolean.TRUE.equals(v);
    }

    Object value(Expr x, Model.Entity e) {
        if (x instanceof Expr.Literal l) {
            return l.value();
        }
        if (x instanceof Expr.Path p) {
            return path(p, e);
        }
        if (x instanceof Expr.Unary u) {
            return unary(u.op(), value(u.operand(), e), u.pos());
        }
        if (x instanceof Expr.Binary b) {
            if (b.op().equals("and")) {
                return Boolean.TRUE.equals(value(b.left(), e)) && Boolean.TRUE.equals(value(b.right(), e));
            }
            if (b.op().equals("or")) {
                return Boolean.TRUE.equals(value(b.left(), e)) || Boolean.TRUE.equals(value(b.right(), e));
            }
            return binary(b.op(), value(b.left(), e), value(b.right(), e), b.pos());
        }
        Expr.Call c = (Expr.Call) x;
        List<Object> args = new ArrayList<>();
        for (Expr a : c.args()) {
            args.add(value(a, e));
        }
        return call(c.name(), args, c.pos(), now);
    }

    /**
     * Checks the paths of a $filter or $orderby expression against the entity type before any entity is evaluated,
     * so an unknown name is a 400 in {@code field} however many entities the collection holds (none, one, or a
     * left side of 'and' that is false for all of them).
     */
    static void check(Expr x, Model.Type type, String field) {
        if (x instanceof Expr.Path p) {
            Model.Type current = type;
            for (String seg : p.segments()) {
                if (seg.equals("id") || seg.equals("@iot.id") || current.property(seg)) {
                    return; // a property: what follows is inside its value (properties/kind)
                }
                Model.Nav nav = current.nav(seg);
                if (nav == null) {
                    throw StaException.badRequest(field, p.pos(), "invalid " + field + " at position " + p.pos()
                        + ": " + current.single + " has no property or navigation property '" + seg + "' (in '"
                        + p.text() + "')");
                }
                if (nav.target() == Model.Type.OBSERVATION) {
                    return; // reported as unsupported where the path is evaluated
                }
                current = nav.target();
            }
        } else if (x instanceof Expr.Unary u) {
            check(u.operand(), type, field);
        } else if (x instanceof Expr.Binary b) {
            check(b.left(), type, field);
            check(b.right(), type, field);
        } else if (x instanceof Expr.Call c) {
            for (Expr a : c.args()) {
                check(a, type, field);
            }
        }
    }

    /** The value of a path from an entity; unknown names are a 400 naming the position. */
    Object path(Expr.Path p, Model.Entity start) {
        Object current = start;
        for (String seg : p.segments()) {
            current = step(current, seg, p);
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    private Object step(Object current, String seg, Expr.Path p) {
        if (current instanceof Multi m) {
            List<Object> out = new ArrayList<>();
            for (Object o : m.values()) {
                Object v = step(o, seg, p);
                if (v instanceof Multi inner) {
                    out.addAll(inner.values());
                } else if (v != null) {
                    out.add(v);
                }
            }
            return new Multi(out);
        }
        if (current instanceof Model.Entity e) {
            if (seg.equals("id") || seg.equals("@iot.id")) {
                return e.id();
            }
            if (e.type().property(seg)) {
                Object v = e.props().get(seg);
                return v instanceof Model.RawJson r ? r.value() : v;
            }
            Model.Nav nav = e.type().nav(seg);
            if (nav == null) {
                throw StaException.badRequest("$filter", p.pos(), "invalid $filter at position " + p.pos() + ": "
                    + e.type().single + " has no property or navigation property '" + seg + "' (in '" + p.text()
                    + "')");
            }
            if (nav.target() == Model.Type.OBSERVATION) {
                throw StaException.badRequest("$filter", p.pos(), "invalid $filter at position " + p.pos()
                    + ": paths through Observations ('" + p.text() + "') are not supported; filter the "
                    + "Observations themselves instead");
            }
            List<Model.Entity> next = graph.follow(e, seg);
            visits += next.size();
            if (visits > MAX_VISITS) {
                throw StaException.badRequest("$filter", p.pos(), "invalid $filter at position " + p.pos() + ": '"
                    + p.text() + "' reaches more than " + MAX_VISITS + " entities in all for this request; use a "
                    + "shorter path");
            }
            if (nav.many()) {
                return new Multi(new ArrayList<>(next));
            }
            return next.isEmpty() ? null : next.get(0);
        }
        if (current instanceof Map<?, ?> m) {
            return m.get(seg);
        }
        return null;
    }

    // ---- operators, shared with ObservationSql's constant folding

    static Object unary(String op, Object v, int pos) {
        if (v instanceof Multi m) {
            return multi(m, o -> unary(op, o, pos));
        }
        if (op.equals("not")) {
            return v == null ? null : !Boolean.TRUE.equals(v);
        }
        if (v == null) {
            return null;
        }
        if (v instanceof Long l) {
            return -l;
        }
        if (v instanceof Double d) {
            return -d;
        }
        throw typeError(pos, "'-' needs a number, not " + describe(v));
    }

    static Object binary(String op, Object a, Object b, int pos) {
        if (a instanceof Multi m) {
            return anyOf(m, o -> binary(op, o, b, pos));
        }
        if (b instanceof Multi m) {
            return anyOf(m, o -> binary(op, a, o, pos));
        }
        return switch (op) {
            case "and" -> Boolean.TRUE.equals(a) && Boolean.TRUE.equals(b);
            case "or" -> Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b);
            case "eq" -> a == null || b == null ? a == b : compare(a, b) == 0;
            case "ne" -> a == null || b == null ? a != b : compare(a, b) != 0;
            case "gt", "ge", "lt", "le" -> {
                if (a == null || b == null) {
                    yield false;
                }
                int c = compare(a, b);
                if (c == Integer.MIN_VALUE) {
                    yield false;
                }
                yield switch (op) {
                    case "gt" -> c > 0;
                    case "ge" -> c >= 0;
                    case "lt" -> c < 0;
                    default -> c <= 0;
                };
            }
            default -> arithmetic(op, a, b, pos);
        };
    }

    private static Object arithmetic(String op, Object a, Object b, int pos) {
        if (a == null || b == null) {
            return null;
        }
        if (!(a instanceof Number x) || !(b instanceof Number y)) {
            throw typeError(pos, "'" + op + "' needs numbers, not " + describe(a) + " and " + describe(b));
        }
        if (op.equals("div")) {
            return y.doubleValue() == 0 ? null : x.doubleValue() / y.doubleValue();
        }
        if (x instanceof Long l && y instanceof Long m) {
            try {
                return switch (op) {
                    case "add" -> Math.addExact(l, m);
                    case "sub" -> Math.subtractExact(l, m);
                    case "mul" -> Math.multiplyExact(l, m);
                    default -> m == 0 ? null : l % m;
                };
            } catch (ArithmeticException e) {
                throw overflow(pos, op);
            }
        }
        double l = x.doubleValue();
        double m = y.doubleValue();
        Double out = switch (op) {
            case "add" -> l + m;
            case "sub" -> l - m;
            case "mul" -> l * m;
            default -> m == 0 ? null : l % m;
        };
        return out == null ? null : finite(out, pos, op);
    }

    /**
     * A result that is still a number: an overflow to infinity is the client's arithmetic, a 400, never a value that
     * reaches the database (where it was a 500 with the statement in the message).
     */
    static double finite(double v, int pos, String op) {
        if (Double.isInfinite(v) || Double.isNaN(v)) {
            throw overflow(pos, op);
        }
        return v;
    }

    static StaException overflow(int pos, String op) {
        return typeError(pos, "'" + op + "' goes beyond the range of numbers (at most about 1.8e308)");
    }

    /** Text a filter builds (concat, nested) is kept to this length, so nesting cannot double it into the heap. */
    static final int MAX_TEXT = 10_000;


    /** Orders two non-null values; Integer.MIN_VALUE when they cannot be compared (different kinds). */
    static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof String x && b instanceof String y) {
            return Integer.signum(x.compareTo(y));
        }
        // a number beside text compares as text (result gt '3' is true for 4 and false for 10), as FROST-Server and
        // OGC's test suite (checkQueriesPriorityOrdering) have it
        if (a instanceof Number x && b instanceof String y) {
            return Integer.signum(text(x).compareTo(y));
        }
        if (a instanceof String x && b instanceof Number y) {
            return Integer.signum(x.compareTo(text(y)));
        }
        Instant ta = time(a);
        Instant tb = time(b);
        if (ta != null && tb != null) {
            return ta.compareTo(tb);
        }
        if (a instanceof LocalTime x && b instanceof LocalTime y) {
            return x.compareTo(y);
        }
        if (a instanceof Boolean x && b instanceof Boolean y) {
            return Boolean.compare(x, y);
        }
        return a.equals(b) ? 0 : Integer.MIN_VALUE;
    }

    /** A number as text: whole numbers without a fraction (1, not 1.0), others as Java writes a double. */
    static String text(Number n) {
        if (n instanceof Long || n instanceof Integer || n instanceof Short) {
            return n.toString();
        }
        double d = n.doubleValue();
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    private static Instant time(Object o) {
        if (o instanceof Instant i) {
            return i;
        }
        if (o instanceof LocalDate d) {
            return d.atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        return null;
    }

    static Object call(String name, List<Object> args, int pos, Instant now) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i) instanceof Multi m) {
                int k = i;
                return multi(m, o -> {
                    List<Object> copy = new ArrayList<>(args);
                    copy.set(k, o);
                    return call(name, copy, pos, now);
                });
            }
        }
        switch (name) {
            case "now" -> {
                return now;
            }
            case "mindatetime" -> {
                return MIN_TIME;
            }
            case "maxdatetime" -> {
                return MAX_TIME;
            }
            default -> {
            }
        }
        if (args.contains(null)) {
            return null;
        }
        Object a = args.get(0);
        return switch (name) {
            case "substringof" -> str(args.get(1), name, pos).contains(str(a, name, pos));
            case "contains" -> str(a, name, pos).contains(str(args.get(1), name, pos));
            case "startswith" -> str(a, name, pos).startsWith(str(args.get(1), name, pos));
            case "endswith" -> str(a, name, pos).endsWith(str(args.get(1), name, pos));
            case "length" -> (long) str(a, name, pos).length();
            case "indexof" -> (long) str(a, name, pos).indexOf(str(args.get(1), name, pos));
            case "substring" -> {
                String s = str(a, name, pos);
                int from = (int) Math.max(0, Math.min(s.length(), num(args.get(1), name, pos).longValue()));
                int to = args.size() > 2 ? (int) Math.max(from, Math.min(s.length(),
                    from + num(args.get(2), name, pos).longValue())) : s.length();
                yield s.substring(from, to);
            }
            case "tolower" -> str(a, name, pos).toLowerCase(Locale.ROOT);
            case "toupper" -> str(a, name, pos).toUpperCase(Locale.ROOT);
            case "trim" -> str(a, name, pos).trim();
            case "concat" -> {
                String x = str(a, name, pos);
                String y = str(args.get(1), name, pos);
                if ((long) x.length() + y.length() > MAX_TEXT) {
                    throw typeError(pos, "concat would give text of " + ((long) x.length() + y.length())
                        + " characters; at most " + MAX_TEXT);
                }
                yield x + y;
            }
            case "year" -> (long) utc(a, name, pos).getYear();
            case "month" -> (long) utc(a, name, pos).getMonthValue();
            case "day" -> (long) utc(a, name, pos).getDayOfMonth();
            case "hour" -> (long) utc(a, name, pos).getHour();
            case "minute" -> (long) utc(a, name, pos).getMinute();
            case "second" -> (long) utc(a, name, pos).getSecond();
            case "fractionalseconds" -> utc(a, name, pos).getNano() / 1e9;
            case "date" -> utc(a, name, pos).toLocalDate();
            case "time" -> utc(a, name, pos).toLocalTime();
            case "totaloffsetminutes" -> {
                utc(a, name, pos);
                yield 0L;
            }
            case "round" -> a instanceof Long ? a : (Object) (double) Math.round(num(a, name, pos).doubleValue());
            case "floor" -> a instanceof Long ? a : (Object) Math.floor(num(a, name, pos).doubleValue());
            case "ceiling" -> a instanceof Long ? a : (Object) Math.ceil(num(a, name, pos).doubleValue());
            case "geo.distance" -> {
                Expr.Geo p = geo(a, name, pos);
                Expr.Geo q = geo(args.get(1), name, pos);
                yield Math.hypot(p.lon() - q.lon(), p.lat() - q.lat());
            }
            default -> throw StaException.badRequest("$filter", pos, "invalid $filter at position " + pos
                + ": function " + name + " is not supported");
        };
    }

    private static Object multi(Multi m, java.util.function.Function<Object, Object> f) {
        List<Object> out = new ArrayList<>();
        for (Object o : m.values()) {
            out.add(f.apply(o));
        }
        return new Multi(out);
    }

    private static Object anyOf(Multi m, java.util.function.Function<Object, Object> f) {
        List<Object> out = new ArrayList<>();
        for (Object o : m.values()) {
            Object v = f.apply(o);
            if (v instanceof Boolean bool) {
                if (bool) {
                    return true;
                }
            } else {
                out.add(v);
            }
        }
        return out.isEmpty() ? Boolean.FALSE : new Multi(out);
    }

    private static String str(Object o, String fn, int pos) {
        if (o instanceof String s) {
            return s;
        }
        throw typeError(pos, fn + " needs text, not " + describe(o));
    }

    private static Number num(Object o, String fn, int pos) {
        if (o instanceof Number n) {
            return n;
        }
        throw typeError(pos, fn + " needs a number, not " + describe(o));
    }

    private static ZonedDateTime utc(Object o, String fn, int pos) {
        Instant t = time(o);
        if (t == null) {
            throw typeError(pos, fn + " needs a date or a time, not " + describe(o));
        }
        return t.atZone(ZoneOffset.UTC);
    }

    @SuppressWarnings("unchecked")
    static Expr.Geo geo(Object o, String fn, int pos) {
        if (o instanceof Expr.Geo g) {
            return g;
        }
        if (o instanceof Map<?, ?> m && "Point".equals(m.get("type")) && m.get("coordinates") instanceof List<?> c
            && c.size() >= 2) {
            return new Expr.Geo(((Number) c.get(0)).doubleValue(), ((Number) c.get(1)).doubleValue());
        }
        throw typeError(pos, fn + " needs a point, not " + describe(o));
    }

    static String describe(Object o) {
        if (o == null) {
            return "null";
        }
        if (o instanceof String s) {
            return "the text '" + s + "'";
        }
        if (o instanceof Number || o instanceof Boolean) {
            return "the value " + o;
        }
        if (o instanceof Instant || o instanceof LocalDate || o instanceof LocalTime) {
            return "the time " + o;
        }
        return "a " + Objects.toString(o.getClass().getSimpleName()).toLowerCase(Locale.ROOT);
    }

    private static StaException typeError(int pos, String message) {
        return StaException.badRequest("$filter", pos, "invalid $filter at position " + pos + ": " + message);
    }

    /** Compares two entities by an $orderby list, nulls first, then by id. */
    java.util.Comparator<Model.Entity> order(List<Parser.Order> orderBy) {
        return (x, y) -> {
            for (Parser.Order o : orderBy) {
                Object a = value(o.expr(), x);
                Object b = value(o.expr(), y);
                int c;
                if (a == null || b == null) {
                    c = a == null ? (b == null ? 0 : -1) : 1;
                } else {
                    c = compare(a, b);
                    if (c == Integer.MIN_VALUE) {
                        c = a.toString().compareTo(b.toString());
                    }
                }
                if (c != 0) {
                    return o.descending() ? -c : c;
                }
            }
            return compareIds(x.id(), y.id());
        };
    }

    static int compareIds(Object a, Object b) {
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        return a.toString().compareTo(b.toString());
    }
}
