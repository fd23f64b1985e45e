package de.datenhafen.plugins.airquality.sta;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import de.datenhafen.api.Utf8;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The read side of the SensorThings service: the service root documents, entity sets, entities, navigation,
 * {@code $ref}, {@code $value}, and the query options. Stateless apart from the registry graph it caches per
 * registry view; called on a Camel worker thread per request.
 */
final class StaService {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The conformance classes this service implements (1.1's serverSettings). */
    static final List<String> CONFORMANCE = List.of(
        "http://www.opengis.net/spec/iot_sensing/1.1/req/datamodel",
        "http://www.opengis.net/spec/iot_sensing/1.1/req/resource-path/resource-path-to-entities",
        "http://www.opengis.net/spec/iot_sensing/1.1/req/request-data",
        "http://www.opengis.net/spec/iot_sensing/1.1/req/create-update-delete/create-entity",
        "http://www.opengis.net/spec/iot_sensing/1.1/req/create-update-delete/update-entity",
        "http://www.opengis.net/spec/iot_sensing/1.1/req/create-update-delete/delete-entity");

    /**
     * A resource path resolved: one entity, a collection, a property, or a reference; {@code from} is the entity a
     * collection was reached from ({@code Datastreams(5)} of {@code Datastreams(5)/Observations}), null for a set.
     */
    record Target(Model.Type type, Model.Entity entity, List<Model.Entity> items, Model.Entity from,
                  String property, boolean ref, boolean value) {
        boolean collection() {
            return entity == null;
        }
    }

    /** The answer: status, body (JSON node or text), and a Location header for created entities. */
    record Answer(int status, Object body, String location) {
    }

    /**
     * What a service serves: its entities other than Observations as a graph (the same object until they change)
     * and its Observations.
     */
    interface Source {
        Model.Graph graph();

        Observations observations();
    }

    private final Source source;
    private final int pageSize;
    private final int maxPageSize;
    private final Limits limits;
    private final Throttle throttle;

    StaService(Source source, int pageSize, int maxPageSize, Limits limits) {
        this.source = source;
        this.pageSize = pageSize;
        this.maxPageSize = maxPageSize;
        this.limits = limits;
        this.throttle = new Throttle(limits.readCpuPerSecond().toNanos());
    }

    Throttle throttle() {
        return throttle;
    }

    Limits limits() {
        return limits;
    }

    /**
     * The entities one answer has built so far, expanded ones included; past {@link Limits#maxEntities()} the
     * request is refused while the answer is being built, so it never holds more than that plus one page.
     */
    static final class Budget {
        private final int max;
        private final String field;
        private long used;

        Budget(int max, Query q) {
            this.max = max;
            this.field = q.expand().isEmpty() ? "$top" : "$expand";
        }

        void add(int entities) {
            Throttle.checkpoint(); // between entities: a read stopped for its CPU time ends here
            used += entities;
            if (used > max) {
                throw StaException.badRequest(field, -1, "the answer would hold more than " + max + " entities "
                    + "(max-entities, expanded ones included): ask for fewer with $top, or expand less");
            }
        }
    }

    Model.Graph graph() {
        return source.graph();
    }

    /**
     * The schools' service's source: the registry's view as a graph, built again when the view changes;
     * {@code stringIds}: Locations keep the site ids as their ids ('gs-nord'), as before numeric ids.
     */
    static Source registry(StaBackend backend, java.time.Duration queryTimeout, boolean stringIds) {
        Observations observations = ObservationSql.of(backend.database(), queryTimeout);
        return new Source() {
            private volatile Model.Graph graph;

            @Override
            public Model.Graph graph() {
                StaBackend.View v = backend.view();
                Model.Graph g = graph;
                if (g == null || g.view != v) {
                    g = new Model.Graph(v, stringIds);
                    graph = g;
                }
                return g;
            }

            @Override
            public Observations observations() {
                return observations;
            }
        };
    }

    /** The service root of a version: its entity sets, and for 1.1 the server settings. */
    ObjectNode root(String base, String version) {
        ObjectNode out = JSON.createObjectNode();
        if (version.equals("v1.1")) {
            ObjectNode settings = out.putObject("serverSettings");
            ArrayNode conf = settings.putArray("conformance");
            CONFORMANCE.forEach(conf::add);
        }
        ArrayNode value = out.putArray("value");
        for (Model.Type t : Model.Type.values()) {
            value.addObject().put("name", t.set).put("url", base + "/" + t.set);
        }
        return out;
    }

    // ---- resource paths

    /** Resolves the segments after the version ({@code Things(1)}, {@code Datastreams}, {@code name}, ...). */
    Target resolve(List<String> segments) throws SQLException {
        Model.Graph g = graph();
        String first = segments.get(0);
        Segment s = Segment.parse(first);
        Model.Type type = Model.Type.ofSet(s.name);
        if (type == null) {
            throw StaException.notFound("no entity set '" + s.name + "'; the sets are Things, Locations, "
                + "HistoricalLocations, Datastreams, Sensors, ObservedProperties, Observations, FeaturesOfInterest");
        }
        Target current;
        if (s.id != null) {
            current = one(type, lookup(g, type, s.id, first));
        } else {
            current = new Target(type, null, type == Model.Type.OBSERVATION ? null : g.all(type), null, null, false,
                false);
        }
        for (int i = 1; i < segments.size(); i++) {
            String seg = segments.get(i);
            if (seg.equals("$ref")) {
                if (i != segments.size() - 1 || current.property() != null) {
                    throw StaException.notFound("$ref must be the last segment, after an entity or a collection");
                }
                current = new Target(current.type(), current.entity(), current.items(), current.from(),
                    null, true, false);
                continue;
            }
            if (seg.equals("$value")) {
                if (i != segments.size() - 1 || current.property() == null) {
                    throw StaException.notFound("$value must follow a property, as in Things(1)/name/$value");
                }
                current = new Target(current.type(), current.entity(), null, null, current.property(), false, true);
                continue;
            }
            if (current.collection() || current.property() != null) {
                throw StaException.notFound("'" + seg + "' cannot follow a collection or a property");
            }
            Segment n = Segment.parse(seg);
            Model.Nav nav = current.type().nav(n.name);
            if (nav == null) {
                if (n.id == null && current.type().hasProperty(n.name)) {
                    current = new Target(current.type(), current.entity(), null, null, n.name, false, false);
                    continue;
                }
                throw StaException.notFound(current.type().single + " has no property or navigation property '"
                    + n.name + "'");
            }
            current = navigate(g, current.entity(), nav, n, seg);
        }
        return current;
    }

    private Target navigate(Model.Graph g, Model.Entity from, Model.Nav nav, Segment n, String seg)
        throws SQLException {
        if (nav.target() == Model.Type.OBSERVATION) {
            if (n.id != null) {
                Model.Entity o = lookup(g, nav.target(), n.id, seg);
                if (!from.id().equals(o.refs().get(from.type().single))) {
                    throw StaException.notFound("no " + seg + " here");
                }
                return one(nav.target(), o);
            }
            return new Target(nav.target(), null, null, from, null, false, false);
        }
        List<Model.Entity> next = g.follow(from, nav.name());
        if (!nav.many()) {
            if (n.id != null || next.isEmpty()) {
                throw StaException.notFound("no " + seg + " here");
            }
            return one(nav.target(), next.get(0));
        }
        if (n.id != null) {
            Object id = g.key(nav.target(), n.id.text(), n.id.quoted());
            for (Model.Entity e : next) {
                if (e.id().equals(id)) {
                    return one(nav.target(), e);
                }
            }
            throw StaException.notFound("no " + seg + " here");
        }
        return new Target(nav.target(), null, next, from, null, false, false);
    }

    private static Target one(Model.Type type, Model.Entity e) {
        return new Target(type, e, null, null, null, false, false);
    }

    private Model.Entity lookup(Model.Graph g, Model.Type type, Segment.Id id, String seg) throws SQLException {
        Object key = g.key(type, id.text(), id.quoted());
        Model.Entity e = null;
        if (type == Model.Type.OBSERVATION) {
            if (key instanceof Long l) {
                e = source.observations().byId(g, new Eval(g, Instant.now()), l);
            }
        } else {
            e = g.get(type, key);
        }
        if (e == null) {
            throw StaException.notFound("no " + seg + (type == Model.Type.LOCATION && !g.stringIds
                && key instanceof String ? "; Location ids are numbers (the site's id is properties/site)" : ""));
        }
        return e;
    }

    // ---- answers

    /** A GET of a resolved target with the request's options; {@code self} is the URL of the path (no query). */
    Answer read(Target t, Query q, String base, String self) throws SQLException {
        Model.Graph g = graph();
        Budget budget = new Budget(limits.maxEntities(), q);
        Eval eval = new Eval(g, Instant.now());
        if (t.property() != null) {
            Object v = t.property().equals("id") ? t.entity().id() : t.entity().props().get(t.property());
            if (t.value()) {
                return new Answer(200, v == null ? "" : v instanceof Map<?, ?> ? JSON.valueToTree(plain(v)).toString()
                    : plain(v).toString(), null);
            }
            ObjectNode out = JSON.createObjectNode();
            put(out, t.property().equals("id") ? "@iot.id" : t.property(), v);
            return new Answer(200, out, null);
        }
        if (!t.collection()) {
            if (t.ref()) {
                return new Answer(200, JSON.createObjectNode().put("@iot.selfLink", link(base, t.entity())), null);
            }
            budget.add(1);
            return new Answer(200, entity(g, eval, t.entity(), q, base, budget), null);
        }
        ObjectNode out = JSON.createObjectNode();
        Page page = page(g, eval, t.type(), t.items(), t.from(), q);
        budget.add(page.items().size());
        if (page.count() != null) {
            out.put("@iot.count", page.count());
        }
        if (page.more()) {
            out.put("@iot.nextLink", next(self, q, page));
        }
        ArrayNode value = out.putArray("value");
        for (Model.Entity e : page.items()) {
            value.add(t.ref() ? JSON.createObjectNode().put("@iot.selfLink", link(base, e))
                : entity(g, eval, e, q, base, budget));
        }
        return new Answer(200, out, null);
    }

    /**
     * A page of a collection; {@code continues}: its next page can start after its last entity's id
     * ({@code $skiptoken}) instead of skipping.
     */
    record Page(List<Model.Entity> items, boolean more, Long count, boolean continues) {
    }

    private Page page(Model.Graph g, Eval eval, Model.Type type, List<Model.Entity> items,
                      Model.Entity of, Query q) throws SQLException {
        int top = q.top() == null ? pageSize : Math.min(q.top(), maxPageSize);
        checkSelect(type, q);
        if (type == Model.Type.OBSERVATION) {
            // the database walks every row a $skip passes (and sorts them all first for an order off the index):
            // bounded; deeper pages continue after the last id (the nextLinks)
            if (q.skip() > limits.maxSkip()) {
                throw StaException.badRequest("$skip", 0, "$skip is at most " + limits.maxSkip() + " on "
                    + "Observations (max-skip), not " + q.skip() + ": page further with @iot.nextLink (in id order, "
                    + "the default, it continues after the last Observation without skipping), or narrow the "
                    + "query (a phenomenonTime range)");
            }
            boolean continues = source.observations().continues(of, q.orderBy());
            if (q.after() != null && !continues) {
                throw StaException.badRequest("$skiptoken", 0, "$skiptoken continues a nextLink of Observations "
                    + "in the order it was made for (id order, the default), not this $orderby: follow the "
                    + "@iot.nextLink as it is");
            }
            Observations.Page p = source.observations().query(g, eval, of, q.filter(), q.orderBy(),
                q.skip(), top, q.count(), q.after());
            // $top=0: just the count, no next page
            return new Page(p.items(), p.more() && top > 0, p.count(), continues);
        }
        if (q.after() != null) {
            throw StaException.badRequest("$skiptoken", 0, "$skiptoken continues a nextLink of Observations; "
                + type.set + " page with $skip");
        }
        if (q.filter() != null) {
            Eval.check(q.filter(), type, "$filter");
        }
        for (Parser.Order o : q.orderBy()) {
            Eval.check(o.expr(), type, "$orderby");
        }
        List<Model.Entity> matching = new ArrayList<>();
        for (Model.Entity e : items) {
            Throttle.checkpoint(); // a filter of a thousand parts over thousands of entities: stoppable
            if (q.filter() == null || eval.test(q.filter(), e)) {
                matching.add(e);
            }
        }
        java.util.Comparator<Model.Entity> order = eval.order(q.orderBy());
        matching.sort((a, b) -> {
            Throttle.checkpoint();
            return order.compare(a, b);
        });
        int from = Math.min(q.skip(), matching.size());
        int to = (int) Math.min((long) from + top, matching.size());
        return new Page(new ArrayList<>(matching.subList(from, to)), to < matching.size() && top > 0,
            q.count() ? (long) matching.size() : null, false);
    }

    private static void checkSelect(Model.Type type, Query q) {
        for (String s : q.select()) {
            if (!type.hasProperty(s) && type.nav(s) == null && !s.equals("@iot.selfLink")) {
                throw StaException.badRequest("$select", 0, "invalid $select: " + type.single
                    + " has no property '" + s + "'");
            }
        }
    }

    /** One entity without options (a write's answer). */
    ObjectNode entity(Model.Graph g, Model.Entity e, String base) throws SQLException {
        return entity(g, new Eval(g, Instant.now()), e, Query.NONE, base, new Budget(1, Query.NONE));
    }

    /**
     * One entity as JSON, with its links, the selected properties and the expanded navigation properties; the
     * expanded entities count against {@code budget}.
     */
    private ObjectNode entity(Model.Graph g, Eval eval, Model.Entity e, Query q, String base, Budget budget)
        throws SQLException {
        checkSelect(e.type(), q);
        List<String> select = q.select();
        boolean all = select.isEmpty();
        ObjectNode out = JSON.createObjectNode();
        String self = link(base, e);
        if (all || select.contains("id")) {
            if (e.id() instanceof Long l) {
                out.put("@iot.id", l);
            } else {
                out.put("@iot.id", (String) e.id());
            }
        }
        if (all || select.contains("@iot.selfLink")) {
            out.put("@iot.selfLink", self);
        }
        for (String p : e.type().properties) {
            if (all || select.contains(p)) {
                put(out, p, e.props().get(p));
            }
        }
        for (String p : e.type().optional) {
            if ((all || select.contains(p)) && e.props().get(p) != null) {
                put(out, p, e.props().get(p));
            }
        }
        for (Model.Nav nav : e.type().navs()) {
            if (all || select.contains(nav.name())) {
                out.put(nav.name() + "@iot.navigationLink", self + "/" + nav.name());
            }
        }
        for (Query.Expand x : q.expand()) {
            Model.Nav nav = e.type().nav(x.nav());
            if (nav == null) {
                throw StaException.badRequest("$expand", 0, "invalid $expand: " + e.type().single
                    + " has no navigation property '" + x.nav() + "'");
            }
            Query sub = x.query();
            if (!nav.many()) {
                List<Model.Entity> one = g.follow(e, nav.name());
                budget.add(one.isEmpty() ? 0 : 1);
                out.set(nav.name(), one.isEmpty() ? JSON.nullNode() : entity(g, eval, one.get(0), sub, base,
                    budget));
                continue;
            }
            Page page = nav.target() == Model.Type.OBSERVATION
                ? page(g, eval, nav.target(), null, e, sub)
                : page(g, eval, nav.target(), g.follow(e, nav.name()), null, sub);
            budget.add(page.items().size());
            ArrayNode arr = JSON.createArrayNode();
            for (Model.Entity m : page.items()) {
                arr.add(entity(g, eval, m, sub, base, budget));
            }
            if (page.count() != null) {
                out.put(nav.name() + "@iot.count", page.count());
            }
            if (page.more()) {
                out.put(nav.name() + "@iot.nextLink", next(self + "/" + nav.name(), sub, page));
            }
            out.set(nav.name(), arr);
        }
        return out;
    }

    static String link(String base, Model.Entity e) {
        return base + "/" + e.type().set + "(" + (e.id() instanceof String s ? "'" + s.replace("'", "''") + "'"
            : e.id()) + ")";
    }

    /**
     * The link to the page after {@code page}: the same options with {@code $skip} past it, or, where the page can be
     * continued after its last id and the next {@code $skip} would be past max-skip (or the page was reached that
     * way already), {@code $skiptoken} with that id instead of {@code $skip}. A page that cannot be continued so gets
     * its {@code $skip} even past max-skip: following it is the 400 that says why, not a collection cut short.
     */
    private String next(String self, Query q, Page page) {
        int returned = page.items().size();
        StringBuilder b = new StringBuilder(self).append('?');
        Map<String, String> raw = new java.util.LinkedHashMap<>(q.raw());
        long skip = (long) q.skip() + returned;
        if (page.continues() && (q.after() != null || skip > limits.maxSkip())) {
            raw.remove("$skip");
            raw.put("$skiptoken", page.items().get(returned - 1).id().toString());
        } else {
            raw.put("$skip", Long.toString(skip));
        }
        raw.putIfAbsent("$top", Integer.toString(q.top() == null ? returned : q.top()));
        String sep = "";
        for (Map.Entry<String, String> e : raw.entrySet()) {
            b.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
            sep = "&";
        }
        return b.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%24", "$")
            .replace("%28", "(").replace("%29", ")").replace("%2C", ",").replace("%27", "'").replace("%2F", "/");
    }

    /** Values as JSON-friendly objects: instants as ISO-8601 text. */
    /**
     * Sets a property of an answer; the store's JSON text as it is (no tree of it is built: a big {@code properties}
     * costs its size in the answer, not 20 times that).
     */
    static void put(ObjectNode out, String name, Object v) {
        if (v instanceof Model.RawJson r) {
            out.putRawValue(name, new RawValue(r.text()));
        } else {
            out.set(name, JSON.valueToTree(plain(v)));
        }
    }

    /** A property's value as a tree, the store's JSON text parsed (for a PATCH's merge). */
    static JsonNode tree(Object v) {
        return v instanceof Model.RawJson r ? r.tree() : JSON.valueToTree(plain(v));
    }

    static Object plain(Object v) {
        if (v instanceof Instant i) {
            return Model.text(i);
        }
        if (v instanceof java.time.LocalDate || v instanceof java.time.LocalTime) {
            return v.toString();
        }
        return v;
    }

    /** One path segment: a name and maybe an id in parentheses. */
    record Segment(String name, Id id) {

        /** An id as written: a number, or a quoted string; {@link Model.Graph#key} says what it stands for. */
        record Id(String text, boolean quoted) {
        }

        static Segment parse(String seg) {
            int open = seg.indexOf('(');
            if (open < 0) {
                return new Segment(seg, null);
            }
            if (!seg.endsWith(")")) {
                throw StaException.notFound("'" + seg + "' is not Name or Name(id)");
            }
            String inner = seg.substring(open + 1, seg.length() - 1).trim();
            Id id;
            if (inner.length() >= 2 && inner.startsWith("'") && inner.endsWith("'")) {
                id = new Id(inner.substring(1, inner.length() - 1).replace("''", "'"), true);
            } else if (inner.matches("-?\\d{1,19}")) {
                id = new Id(inner, false);
            } else {
                throw StaException.notFound("'" + inner + "' is not an id: use a number or a quoted string");
            }
            return new Segment(seg.substring(0, open), id);
        }
    }

    /**
     * A create or update body: one JSON object, held to the rules of the hub's own doors, which Jackson's reader alone
     * does not keep: well-formed UTF-8 ({@link Utf8}: Jackson decodes an overlong {@code C0 AE} as {@code .} without
     * a word), each name once in an object (Jackson keeps the last), nothing but white space after the object (Jackson
     * stops at its end), and no lone surrogate ({@link #wholeCharacters}). A refusal is a 400 naming the field.
     */
    static JsonNode readJson(byte[] body) {
        if (body == null || body.length == 0) {
            de.datenhafen.api.InvalidInputException empty = de.datenhafen.api.InvalidInputException.emptyBody(
                "the entity as one JSON object");
            throw StaException.badRequest(empty.field(), -1, empty.getMessage());
        }
        int bad = Utf8.illFormed(body, 0, body.length);
        if (bad >= 0) {
            throw StaException.badRequest("body", -1, Utf8.refusal(body, bad, "the body", "body",
                "JSON bodies are UTF-8 (RFC 8259)").getMessage());
        }
        JsonNode j;
        try (JsonParser p = JSON.createParser(body)) {
            j = p.nextToken() == null ? null : tree(p);
            if (j != null && p.nextToken() != null) {
                JsonLocation at = p.currentTokenLocation();
                throw StaException.badRequest("body", -1, "the body holds more after its JSON value, at line "
                    + at.getLineNr() + ", column " + at.getColumnNr() + ": send one JSON object, nothing after it");
            }
        } catch (JsonProcessingException e) {
            throw StaException.badRequest("body", -1, "the body is not JSON: " + de.datenhafen.api.JsonProblems.said(e));
        } catch (IOException e) {
            throw StaException.badRequest("body", -1, "the body is not JSON: " + e.getMessage());
        }
        if (j == null || !j.isObject()) {
            throw StaException.badRequest("body", -1, "send one JSON object");
        }
        wholeCharacters(j, "");
        return j;
    }


    /**
     * The value at the parser's current token as the tree Jackson's reader makes, but refusing a name given twice in
     * one object, which that reader takes (keeping the last). The field is the path of names to the name, as in
     * {@link #wholeCharacters}. Nesting is bounded by the parser's own limit (1,000 levels).
     */
    private static JsonNode tree(JsonParser p) throws IOException {
        JsonNodeFactory nodes = JSON.getNodeFactory();
        return switch (p.currentToken()) {
            case START_OBJECT -> {
                ObjectNode o = nodes.objectNode();
                for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                    p.nextToken();
                    if (o.putIfAbsent(name, tree(p)) != null) {
                        String field = path(p.getParsingContext()); // the value is read: the context is o's again
                        throw StaException.badRequest(field, -1, field + " is given twice in one object; each name "
                            + "once (which of the two a reader keeps differs from reader to reader)");
                    }
                }
                yield o;
            }
            case START_ARRAY -> {
                ArrayNode a = nodes.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (p.currentToken() == null) { // the parser reports an unclosed array; this keeps the loop finite
                        throw StaException.badRequest("body", -1, "the body is not JSON: an array is not closed");
                    }
                    a.add(tree(p));
                }
                yield a;
            }
            case VALUE_STRING -> nodes.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> nodes.numberNode(p.getIntValue());
                case LONG -> nodes.numberNode(p.getLongValue());
                default -> nodes.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> nodes.numberNode(p.getDoubleValue());
            case VALUE_TRUE -> nodes.booleanNode(true);
            case VALUE_FALSE -> nodes.booleanNode(false);
            case VALUE_NULL -> nodes.nullNode();
            default -> JSON.readTree(p);
        };
    }

    /** The names from the body's object to context {@code c}'s current name, as {@code Locations/location/type}. */
    private static String path(JsonStreamContext c) {
        ArrayDeque<String> names = new ArrayDeque<>();
        for (; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject() && c.getCurrentName() != null) {
                names.push(c.getCurrentName()); // arrays leave no step
            }
        }
        return String.join("/", names);
    }

    /**
     * Refuses text with an unpaired UTF-16 surrogate (a JSON escape such as backslash-uD800 alone) anywhere in a
     * body, names included, as the hub's events API does: it is not Unicode and never what a sender meant; it was
     * stored as it came (on H2; PostgreSQL's UTF-8 text cannot hold it) and answered as the same escape. The field
     * is the path of names to it ({@code Locations/name}; arrays leave no step).
     */
    private static void wholeCharacters(JsonNode j, String path) {
        if (j.isTextual()) {
            int at = Utf8.loneSurrogate(j.textValue());
            if (at >= 0) {
                String field = path.isEmpty() ? "body" : path;
                throw StaException.badRequest(field, -1, field + " holds an unpaired UTF-16 surrogate at position "
                    + at + "; text must be valid Unicode");
            }
        } else if (j.isArray()) {
            for (JsonNode item : j) {
                wholeCharacters(item, path);
            }
        } else if (j.isObject()) {
            java.util.Iterator<Map.Entry<String, JsonNode>> it = j.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> f = it.next();
                int at = Utf8.loneSurrogate(f.getKey());
                if (at >= 0) {
                    String field = path.isEmpty() ? "body" : path;
                    throw StaException.badRequest(field, -1, "a name in " + field + " holds an unpaired UTF-16 "
                        + "surrogate at position " + at + "; names must be valid Unicode");
                }
                wholeCharacters(f.getValue(), path.isEmpty() ? f.getKey() : path + "/" + f.getKey());
            }
        }
    }
}
