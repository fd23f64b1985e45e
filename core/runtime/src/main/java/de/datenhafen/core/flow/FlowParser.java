package de.datenhafen.core.flow;

import com.dashjoin.jsonata.Jsonata;
import de.datenhafen.api.EndpointValues;
import de.datenhafen.api.PemCertificates;
import de.datenhafen.core.sink.MqttOutComponent;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a flow's YAML into a {@link Flow}, or refuses it with a {@link FlowRefusedException} naming the line and
 * the block. The document is bounded before anything else is read: {@value #MAX_CHARS} characters, YAML nesting
 * {@value #MAX_NESTING}, no anchors, aliases (a "billion laughs" needs them) or explicit tags, one document. Only the
 * blocks of {@link #BLOCKS} exist; anything else ({@code exec}, {@code to}, {@code bean}, ...) is refused, as is a
 * property placeholder ({@code {{...}}}, {@code ${...}}) anywhere: flows never resolve them.
 *
 * <pre>
 * name: co2-alerts
 * from:
 *   bus: air.alert.raised          # or a list; a prefix pattern such as air.*
 *   subject: sim-01/               # optional subject prefix
 * steps:
 *   - filter: peak &gt; 1500           # JSONata on the event's data
 *   - transform: '{"room": roomName, "ppm": peak}'
 *   - bus: {type: city.alert}
 * </pre>
 */
public final class FlowParser {

    /** The largest document, in characters (SnakeYAML's code point limit is set to the same). */
    public static final int MAX_CHARS = 64 * 1024;
    /** Deepest YAML nesting of collections. */
    public static final int MAX_NESTING = 24;
    /** Most blocks in a flow, branches included. */
    public static final int MAX_BLOCKS = 100;
    /** Longest expression, in characters. */
    public static final int MAX_EXPRESSION = 4096;
    /** Most parts a split makes of one event. */
    public static final int MAX_SPLIT = 1000;
    /** Most events an aggregate collects, and the longest it waits. */
    public static final int MAX_AGGREGATE = 1000;
    public static final int MAX_AGGREGATE_SECONDS = 3600;
    /** Fastest throttle, and the longest delay. */
    public static final int MAX_THROTTLE = 10_000;
    public static final int MAX_DELAY_MILLIS = 30_000;

    /** The blocks a flow's steps may use. */
    public static final List<String> BLOCKS = List.of("filter", "choice", "transform", "split", "aggregate",
        "throttle", "delay", "log", "bus", "webhook", "mqtt-out");

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,199}");
    private static final Pattern TYPE_PATTERN = Pattern.compile("[a-z0-9][a-z0-9._-]{0,198}\\*?");
    private static final Set<String> TOP = Set.of("name", "description", "from", "steps");
    /** Built-ins a flow may not call, even through a variable: found by name anywhere in an expression. */
    private static final Pattern UNSAFE_FUNCTIONS = Pattern.compile("\\$(pad|eval)\\b");

    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final List<Flow.Span> spans = new ArrayList<>();
    private int blocks;

    private FlowParser() {
    }

    /**
     * Parses and checks a flow.
     *
     * @throws FlowRefusedException naming the line and block at fault
     */
    public static Flow parse(String text) {
        return new FlowParser().read(text);
    }

    private Flow read(String text) {
        if (text == null || text.isBlank()) {
            throw new FlowRefusedException(1, null, "definition", "the flow is empty; give at least from and steps");
        }
        if (text.length() > MAX_CHARS) {
            throw new FlowRefusedException(1, null, "definition", "the flow has " + text.length()
                + " characters; a flow has at most " + MAX_CHARS);
        }
        Node root = compose(text);
        if (!(root instanceof MappingNode top)) {
            throw refuse(root, null, "definition", "a flow is a mapping with from and steps");
        }
        Map<String, Node> fields = fields(top, null, "definition", TOP);
        String name = fields.containsKey("name") ? text(fields.get("name"), null, "name") : null;
        if (name != null && !NAME.matcher(name).matches()) {
            throw refuse(fields.get("name"), null, "name",
                "name must be 1 to 63 lower case letters, digits or dashes, starting with a letter or digit");
        }
        String description = fields.containsKey("description")
            ? text(fields.get("description"), null, "description") : null;
        Node from = fields.get("from");
        if (from == null) {
            throw refuse(top, null, "from", "from is missing: where the flow's events come from, as from: {bus: "
                + "<type>}");
        }
        Node steps = fields.get("steps");
        if (steps == null) {
            throw refuse(top, null, "steps", "steps is missing: the blocks the events pass");
        }
        List<Flow.Step> parsed = steps(steps, "steps");
        if (parsed.isEmpty()) {
            throw refuse(steps, null, "steps", "a flow needs at least one step");
        }
        return new Flow(name, description, from(from), parsed, secrets, spans);
    }

    /** Checks the event stream for anchors, aliases and tags, then composes the node tree (nothing constructed). */
    private static Node compose(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CHARS);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setMaxAliasesForCollections(0);
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setProcessComments(false);
        Yaml yaml = new Yaml(options);
        int line = 1;
        try {
            int documents = 0;
            int depth = 0;
            for (Event e : yaml.parse(new StringReader(text))) {
                line = e.getStartMark() == null ? line : e.getStartMark().getLine() + 1;
                if (e instanceof CollectionStartEvent && ++depth > MAX_NESTING) {
                    throw new FlowRefusedException(line, null, "definition", "the YAML nests deeper than "
                        + MAX_NESTING + " levels");
                } else if (e.is(Event.ID.SequenceEnd) || e.is(Event.ID.MappingEnd)) {
                    depth--;
                }
                if (e instanceof AliasEvent a) {
                    throw new FlowRefusedException(line, null, "definition", "the alias *" + a.getAnchor()
                        + " is not allowed: flows use no anchors or aliases (they can expand a small document "
                        + "into a huge one)");
                }
                if (e instanceof NodeEvent n && n.getAnchor() != null) {
                    throw new FlowRefusedException(line, null, "definition", "the anchor &" + n.getAnchor()
                        + " is not allowed: flows use no anchors or aliases");
                }
                String tag = e instanceof ScalarEvent s ? s.getTag()
                    : e instanceof CollectionStartEvent c ? c.getTag() : null;
                if (tag != null) {
                    throw new FlowRefusedException(line, null, "definition", "the tag " + tag
                        + " is not allowed: flows use plain YAML without tags");
                }
                if (e.is(Event.ID.DocumentStart) && ++documents > 1) {
                    throw new FlowRefusedException(line, null, "definition", "a flow is one YAML document");
                }
            }
            return yaml.compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw new FlowRefusedException(mark == null ? 1 : mark.getLine() + 1, null, "definition",
                "not valid YAML: " + oneLine(e.getProblem() != null ? e.getProblem() : e.getMessage()));
        } catch (YAMLException e) {
            // a limit (nesting, code points) says no place: the last event read before it is where it was passed
            throw new FlowRefusedException(line, null, "definition", "not valid YAML: " + oneLine(e.getMessage()));
        }
    }

    private Flow.From from(Node node) {
        if (!(node instanceof MappingNode m)) {
            throw refuse(node, "from", "from", "from is a mapping: {bus: <type or types>, subject: <prefix>}");
        }
        Map<String, Node> f = fields(m, "from", "from", Set.of("bus", "subject"));
        Node bus = f.get("bus");
        if (bus == null) {
            throw refuse(m, "from", "from", "from needs bus: the event types the flow takes (a name, a prefix "
                + "pattern such as air.*, or a list)");
        }
        List<String> types = new ArrayList<>();
        if (bus instanceof SequenceNode seq) {
            for (Node t : seq.getValue()) {
                types.add(text(t, "from", "from.bus"));
            }
        } else {
            types.add(text(bus, "from", "from.bus"));
        }
        if (types.isEmpty() || types.size() > 20) {
            throw refuse(bus, "from", "from.bus", "from.bus names 1 to 20 event types");
        }
        for (String t : types) {
            if (!TYPE_PATTERN.matcher(t).matches()) {
                throw refuse(bus, "from", "from.bus", "'" + t + "' is not an event type or prefix pattern "
                    + "(lower case letters, digits, dots, dashes, underscores, an optional * at the end)");
            }
        }
        String subject = f.containsKey("subject") ? text(f.get("subject"), "from", "from.subject") : null;
        if (subject != null && subject.length() > 200) {
            throw refuse(f.get("subject"), "from", "from.subject", "a subject prefix has at most 200 characters");
        }
        if (subject != null && EndpointValues.problem(subject) != null) {
            throw refuse(f.get("subject"), "from", "from.subject", "a subject prefix " + UNCARRIED);
        }
        return new Flow.From(List.copyOf(types), subject, line(node));
    }

    private List<Flow.Step> steps(Node node, String path) {
        if (!(node instanceof SequenceNode seq)) {
            throw refuse(node, null, path, path + " is a list of blocks, each as - <block>: ...");
        }
        List<Flow.Step> out = new ArrayList<>();
        List<Node> items = seq.getValue();
        for (int i = 0; i < items.size(); i++) {
            out.add(step(items.get(i), path + "[" + i + "]"));
        }
        for (int i = 0; i < out.size() - 1; i++) {
            if (out.get(i) instanceof Flow.Choice c) {
                Flow.Step deciding = deciding(c);
                if (deciding != null) {
                    String block = deciding instanceof Flow.Filter ? "filter" : deciding instanceof Flow.Split
                        ? "split" : "aggregate";
                    throw new FlowRefusedException(deciding.line(), block, deciding.path(), "a " + block + " inside "
                        + "a choice's branch decides what the rest of its branch sees, not what the blocks after the "
                        + "choice see: they would get each event the branch took, as it came (" + out.get(i + 1).path()
                        + " on); put them into the branch, into each branch that needs them");
                }
            }
        }
        return out;
    }

    /**
     * A filter, split or aggregate anywhere in a choice's branches: the blocks after the choice run on the event as
     * the choice took it (Camel's choice goes on with it), where a branch's transform changes what they see. A
     * collection made in a branch reached no block after the choice at all (a review).
     */
    private static Flow.Step deciding(Flow.Choice c) {
        List<List<Flow.Step>> branches = new ArrayList<>();
        c.whens().forEach(w -> branches.add(w.steps()));
        branches.add(c.otherwise());
        for (List<Flow.Step> branch : branches) {
            for (Flow.Step s : branch) {
                if (s instanceof Flow.Filter || s instanceof Flow.Split || s instanceof Flow.Aggregate) {
                    return s;
                }
                if (s instanceof Flow.Choice inner) {
                    Flow.Step d = deciding(inner);
                    if (d != null) {
                        return d;
                    }
                }
            }
        }
        return null;
    }

    private Flow.Step step(Node node, String path) {
        if (++blocks > MAX_BLOCKS) {
            throw refuse(node, null, path, "a flow has at most " + MAX_BLOCKS + " blocks");
        }
        if (!(node instanceof MappingNode m) || m.getValue().size() != 1) {
            throw refuse(node, null, path, "each step is one block, as - <block>: ...; blocks are "
                + String.join(", ", BLOCKS));
        }
        NodeTuple t = m.getValue().get(0);
        String block = text(t.getKeyNode(), null, path);
        Node v = t.getValueNode();
        int line = line(node);
        if (!BLOCKS.contains(block)) {
            throw refuse(node, block, path, "'" + block + "' is not a block a flow may use" + forbidden(block)
                + "; the blocks are " + String.join(", ", BLOCKS));
        }
        return switch (block) {
            case "filter" -> new Flow.Filter(expression(v, block, path), line, path);
            case "transform" -> new Flow.Transform(expression(v, block, path), line, path);
            case "choice" -> choice(v, line, path);
            case "split" -> split(v, line, path);
            case "aggregate" -> {
                Map<String, Node> f = fields(mapping(v, block, path, "{size: <n>, seconds: <n>}"), block, path,
                    Set.of("size", "seconds"));
                yield new Flow.Aggregate(number(f.get("size"), block, path + ".size", 1, MAX_AGGREGATE, 100),
                    number(f.get("seconds"), block, path + ".seconds", 1, MAX_AGGREGATE_SECONDS, 60), line, path);
            }
            case "throttle" -> {
                Map<String, Node> f = fields(mapping(v, block, path, "{perSecond: <n>}"), block, path,
                    Set.of("perSecond"));
                yield new Flow.Throttle(number(required(f, "perSecond", v, block, path), block,
                    path + ".perSecond", 1, MAX_THROTTLE, 0), line, path);
            }
            case "delay" -> {
                Map<String, Node> f = fields(mapping(v, block, path, "{millis: <n>}"), block, path, Set.of("millis"));
                yield new Flow.Delay(number(required(f, "millis", v, block, path), block, path + ".millis", 0,
                    MAX_DELAY_MILLIS, 0), line, path);
            }
            case "log" -> {
                String text = text(v, block, path);
                if (text.length() > 500) {
                    throw refuse(v, block, path, "a log text has at most 500 characters");
                }
                yield new Flow.Log(text, line, path);
            }
            case "bus" -> busOut(v, line, path);
            default -> sink(block, v, line, path);
        };
    }

    /** What a well-known forbidden block is, so the refusal says why it is not coming. */
    private static String forbidden(String block) {
        String b = block.toLowerCase(Locale.ROOT);
        if (Set.of("exec", "file", "sql", "jdbc", "bean", "class", "script", "groovy", "js", "javascript", "python",
            "java", "joor", "language", "process", "to", "todynamic", "from", "route", "setbody", "setheader")
            .contains(b)) {
            return " (flows reach no component, language or code beyond their blocks: no exec, file, sql, bean, "
                + "class or scripting, and no Camel DSL)";
        }
        return "";
    }

    private Flow.Choice choice(Node v, int line, String path) {
        if (!(v instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            throw refuse(v, "choice", path, "choice is a list of {when: <expression>, steps: [...]} and at most "
                + "one {otherwise: [...]}, last");
        }
        List<Flow.When> whens = new ArrayList<>();
        List<Flow.Step> otherwise = List.of();
        List<Node> items = seq.getValue();
        for (int i = 0; i < items.size(); i++) {
            String p = path + ".choice[" + i + "]";
            MappingNode m = mapping(items.get(i), "choice", p, "{when: <expression>, steps: [...]}");
            Map<String, Node> f = fields(m, "choice", p, Set.of("when", "steps", "otherwise"));
            if (f.containsKey("otherwise")) {
                if (i != items.size() - 1 || f.size() != 1) {
                    throw refuse(m, "choice", p, "otherwise comes last, alone: {otherwise: [...]}");
                }
                otherwise = steps(f.get("otherwise"), p + ".otherwise");
            } else {
                Node when = required(f, "when", m, "choice", p);
                whens.add(new Flow.When(expression(when, "choice", p + ".when"),
                    steps(required(f, "steps", m, "choice", p), p + ".steps"), line(m)));
            }
        }
        if (whens.isEmpty()) {
            throw refuse(v, "choice", path, "choice needs at least one when");
        }
        return new Flow.Choice(whens, otherwise, line, path);
    }

    private Flow.Split split(Node v, int line, String path) {
        if (v instanceof ScalarNode) {
            return new Flow.Split(expression(v, "split", path), MAX_SPLIT, line, path);
        }
        Map<String, Node> f = fields(mapping(v, "split", path, "<expression> or {expression: ..., max: <n>}"),
            "split", path, Set.of("expression", "max"));
        return new Flow.Split(expression(required(f, "expression", v, "split", path), "split", path),
            number(f.get("max"), "split", path + ".max", 1, MAX_SPLIT, MAX_SPLIT), line, path);
    }

    private Flow.BusOut busOut(Node v, int line, String path) {
        Map<String, Node> f = fields(mapping(v, "bus", path, "{type: <event type>, subject: <expression>}"), "bus",
            path, Set.of("type", "subject"));
        Node typeNode = required(f, "type", v, "bus", path);
        String type = text(typeNode, "bus", path + ".type");
        if (!TYPE.matcher(type).matches()) {
            throw refuse(typeNode, "bus", path + ".type", "'" + type + "' is not an event type: lower case "
                + "letters, digits, dots, dashes and underscores, no pattern");
        }
        String subject = f.containsKey("subject") ? expression(f.get("subject"), "bus", path + ".subject") : null;
        return new Flow.BusOut(type, subject, line, path);
    }

    /**
     * The options of each sink: name, required or not, secret or not, and what is wrong with a value (null when
     * nothing is), said in full with the option's name.
     */
    private record Option(String name, boolean required, boolean secret, Function<String, String> problem) {

        /** An option whose value matches {@code pattern} as a whole, else "{@code <name> must be <rule>}". */
        Option(String name, boolean required, boolean secret, Pattern pattern, String rule) {
            this(name, required, secret, v -> pattern.matcher(v).matches() ? null : name + " must be " + rule);
        }
    }

    private static final Pattern INT_1_60 = Pattern.compile("[1-9]|[1-5][0-9]|60");
    private static final Pattern INT_1_64 = Pattern.compile("[1-9]|[1-5][0-9]|6[0-4]");
    private static final Pattern INT_1_10000 = Pattern.compile("[1-9][0-9]{0,3}|10000");
    private static final Pattern BOOL = Pattern.compile("true|false");
    private static final Pattern ANY = Pattern.compile("[^\\x00-\\x1f\\x7f]{1,2000}");
    private static final Pattern TOPIC = Pattern.compile("[^\\x00-\\x1f\\x7f#+]{1,500}");
    /** Why a value cannot go to its endpoint as it is ({@link EndpointValues#problem}). */
    private static final String UNCARRIED = "must not hold both ) and }, a line break or another control character, "
        + "or a space other than the plain one: the flow passes it to its endpoint as it is";
    /** The webhook's option that holds a private authority's certificate, read as the sink reads it. */
    static final String CA_CERTIFICATE = "caCertificate";

    /** A YAML block ({@code caCertificate: |}) keeps its line breaks; the sinks read it without them as well. */
    private static final Option CA_CERTIFICATE_OPTION = new Option(CA_CERTIFICATE, false, false,
        v -> v.contains(")") && v.contains("}") ? CA_CERTIFICATE + " must not hold both ) and } (the flow passes it "
            + "to the sink as RAW(...)): keep only the certificates" : PemCertificates.problem(v, CA_CERTIFICATE));

    static final Map<String, List<Option>> SINKS = Map.of(
        "webhook", List.of(
            new Option("url", true, false, v -> url(v, Set.of("http", "https")) ? null
                : "url must be an http:// or https:// URL"),
            new Option("secret", true, true, ANY, "the signing secret"),
            new Option("previousSecret", false, true, ANY, "the secret before a rotation"),
            new Option("mode", false, false, Pattern.compile("binary|structured"), "binary or structured"),
            new Option("timeoutSeconds", false, false, INT_1_60, "1 to 60"),
            new Option("concurrency", false, false, INT_1_64, "1 to 64"),
            new Option("ratePerSecond", false, false, INT_1_10000, "1 to 10000"),
            new Option("handshake", false, false, BOOL, "true or false"),
            CA_CERTIFICATE_OPTION),
        "mqtt-out", List.of(
            // what the sink takes, no more: mqtt:// and mqtts:// or a broker without its port passed here and
            // failed the flow at start
            new Option("broker", true, false, MqttOutComponent::brokerProblem),
            new Option("topic", true, false, TOPIC, "a topic (a template from {type} and {subject}), no # or +"),
            new Option("qos", false, false, Pattern.compile("[01]"), "0 or 1"),
            new Option("retained", false, false, BOOL, "true or false"),
            new Option("username", false, false, ANY, "text"),
            new Option("password", false, true, ANY, "the broker password"),
            CA_CERTIFICATE_OPTION));

    private Flow.Sink sink(String kind, Node v, int line, String path) {
        List<Option> options = SINKS.get(kind);
        Set<String> allowed = new java.util.HashSet<>();
        allowed.add("name");
        options.forEach(o -> allowed.add(o.name()));
        MappingNode m = mapping(v, kind, path, "{name: <target>, ...}");
        Map<String, Node> f = fields(m, kind, path, allowed);
        Node nameNode = required(f, "name", m, kind, path);
        String name = text(nameNode, kind, path + ".name");
        if (!NAME.matcher(name).matches()) {
            throw refuse(nameNode, kind, path + ".name", "a " + kind + " target's name is 1 to 63 lower case "
                + "letters, digits or dashes");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Option o : options) {
            Node n = o.required() ? required(f, o.name(), m, kind, path) : f.get(o.name());
            if (n == null) {
                continue;
            }
            String value = text(n, kind, path + "." + o.name());
            String problem = o.problem().apply(value);
            if (problem == null && !o.name().equals(CA_CERTIFICATE) && EndpointValues.problem(value) != null) {
                problem = o.name() + " " + UNCARRIED;
            }
            if (problem != null) {
                throw refuse(n, kind, path + "." + o.name(), problem);
            }
            values.put(o.name(), value);
            if (o.secret()) {
                secrets.put(path + "." + kind + "." + o.name(), value);
                spans.add(new Flow.Span(path + "." + kind + "." + o.name(), n.getStartMark().getIndex(),
                    n.getEndMark().getIndex()));
            }
        }
        String target = kind.equals("webhook") ? "url" : "broker";
        String tls = kind.equals("webhook") ? "https://" : "ssl://";
        if (values.containsKey(CA_CERTIFICATE) && !values.get(target).trim().toLowerCase(Locale.ROOT).startsWith(tls)) {
            // without TLS it would silently not be used, and its author would believe the receiver is checked
            throw refuse(f.get(CA_CERTIFICATE), kind, path + "." + CA_CERTIFICATE, CA_CERTIFICATE + " is set but "
                + target + " is not an " + tls + " address: a private authority's certificate is used only over TLS");
        }
        return new Flow.Sink(kind, name, values, line, path);
    }

    private static boolean url(String value, Set<String> schemes) {
        try {
            URI u = new URI(value);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            return schemes.contains(scheme) && u.getHost() != null && u.getUserInfo() == null
                && value.length() <= 2000;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    // ---- node helpers

    /** A JSONata expression: text, bounded, compiled once here so a syntax error is the flow's 422. */
    private String expression(Node node, String block, String path) {
        String e = text(node, block, path);
        if (e.length() > MAX_EXPRESSION) {
            throw refuse(node, block, path, "an expression has at most " + MAX_EXPRESSION + " characters");
        }
        java.util.regex.Matcher unsafe = UNSAFE_FUNCTIONS.matcher(e);
        if (unsafe.find()) {
            throw refuse(node, block, path, unsafe.group() + " is not available in flows: $pad takes time that grows "
                + "with the square of its width and no time limit stops it, and $eval would evaluate text this check "
                + "has not seen");
        }
        try {
            Jsonata.jsonata(e);
        } catch (RuntimeException ex) {
            throw refuse(node, block, path, "not a valid JSONata expression: " + oneLine(ex.getMessage()));
        }
        return e;
    }

    private static MappingNode mapping(Node node, String block, String path, String shape) {
        if (!(node instanceof MappingNode m)) {
            throw refuse(node, block, path, block + " is written as " + shape);
        }
        return m;
    }

    private static Node required(Map<String, Node> fields, String key, Node at, String block, String path) {
        Node n = fields.get(key);
        if (n == null) {
            throw refuse(at, block, path, block + " needs " + key);
        }
        return n;
    }

    /** The mapping's keys and values; a key outside {@code allowed} is refused, named. */
    private static Map<String, Node> fields(MappingNode m, String block, String path, Set<String> allowed) {
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            String key = text(t.getKeyNode(), block, path);
            if (!allowed.contains(key)) {
                throw refuse(t.getKeyNode(), block, path, "'" + key + "' is not known here; "
                    + (block == null ? "a flow has " : block + " takes ") + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
            if (out.containsKey(key)) {
                // a reader of the text would take one, the flow the other; and a secret given twice kept its first
                // copy in the stored text, unmasked, for every viewer
                throw refuse(t.getKeyNode(), block, path, "'" + key + "' is given twice; give each key once");
            }
            out.put(key, t.getValueNode());
        }
        return out;
    }

    private static int number(Node node, String block, String path, int min, int max, int absent) {
        if (node == null) {
            return absent;
        }
        String s = text(node, block, path);
        try {
            int n = Integer.parseInt(s);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw refuse(node, block, path, path.substring(path.lastIndexOf('.') + 1) + " must be a whole number from "
            + min + " to " + max + ", not '" + s + "'");
    }

    /** A scalar's text; never a placeholder and never a control character other than line breaks and tabs. */
    private static String text(Node node, String block, String path) {
        if (!(node instanceof ScalarNode s)) {
            throw refuse(node, block, path, "expected a single value here, not a " + (node instanceof MappingNode
                ? "mapping" : "list"));
        }
        String v = s.getValue();
        if (v.contains("{{") || v.contains("${")) {
            throw refuse(node, block, path, "property placeholders ({{...}}, ${...}) are not allowed: flows never "
                + "read files, the environment or properties");
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\t' && c != '\r' || c == 0x7f) {
                throw refuse(node, block, path, "control character U+" + String.format("%04X", (int) c)
                    + " in a value");
            }
        }
        return v;
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
    }

    private static FlowRefusedException refuse(Node at, String block, String path, String message) {
        return new FlowRefusedException(line(at), block, path, message);
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }
}
