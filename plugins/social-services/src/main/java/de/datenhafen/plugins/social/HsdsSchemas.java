package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.format.Format;
import com.networknt.schema.keyword.NonValidationKeyword;
import com.networknt.schema.path.NodePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The official HSDS 3.1 JSON Schemas (openreferral/specification, {@code schema/*.json}; the files, their commit and
 * licence are in {@code src/main/resources/hsds-schema/SOURCE.md}), and what this directory does with them:
 *
 * <ul>
 *   <li>validates an organisation, service (with everything nested in it), taxonomy or taxonomy term with networknt's
 *   JSON Schema validator (draft 2020-12, format assertions on; {@code email} by its syntax, {@code uri} as an http or
 *   https URL, see {@link WebUrl}). Every file is registered under its {@code $id}, so the relative {@code $ref}s
 *   between the files ({@code "items": {"$ref": "phone.json"}}) resolve within the plugin, without a network;</li>
 *   <li>turns each validation error into a {@link Problem}: the top-level object's kind and id, the field as a path
 *   below it ({@code service_at_locations[0].location.addresses[1].city}), a sentence, and for a tabular data
 *   package the CSV file and line of the row the nested object came from;</li>
 *   <li>walks a document along the schemas' {@code $ref}s so that {@link HsdsRules} can check every nested object by
 *   its kind, with the schemas' own {@code datapackage_type} ({@code date}, {@code time}) for fields that JSON
 *   Schema types only as strings.</li>
 * </ul>
 *
 * <p>Loaded once per plugin class loader. The validator compiles each schema once into a tree of small keyword
 * validators (with the {@code $ref}s between the files resolved when it loads), which HotSpot compiles like any
 * code; a compiled {@link Schema} is immutable and shared by all threads, so imports validate in parallel.
 */
final class HsdsSchemas {

    /** The schema files, by HSDS object kind (file name without {@code .json}). */
    static final List<String> KINDS = List.of("accessibility", "address", "attribute", "contact", "cost_option",
        "funding", "language", "location", "metadata", "organization", "organization_identifier", "phone", "program",
        "required_document", "schedule", "service", "service_area", "service_at_location", "service_capacity",
        "taxonomy", "taxonomy_term", "unit", "url");

    private static final class Holder {
        static final HsdsSchemas INSTANCE = new HsdsSchemas();
    }

    private final Map<String, JsonNode> files = new LinkedHashMap<>();
    private final Map<String, String> ids = new HashMap<>();
    /** kind → field → nested kind, for fields that hold one object ({@code "$ref"}). */
    private final Map<String, Map<String, String>> singles = new HashMap<>();
    /** kind → field → nested kind, for fields that hold an array of objects ({@code "items": {"$ref"}}). */
    private final Map<String, Map<String, String>> arrays = new HashMap<>();
    /** kind → field → the schema's {@code datapackage_type} ({@code date}, {@code time}, {@code datetime}). */
    private final Map<String, Map<String, String>> datapackageTypes = new HashMap<>();
    /** kind → the compiled schema of its file. */
    private final Map<String, Schema> schemas = new HashMap<>();

    /**
     * The {@code email} format as a syntax check (RFC 5322 local part, then a host name), as Vert.x's validator, which
     * the plugin used before, checked it. networknt's own also wants the top-level domain on its list, and so refuses
     * the reserved {@code .example} of made-up directories and any domain newer than its list.
     */
    private static final Pattern EMAIL_SYNTAX = Pattern.compile("^[a-z0-9!#$%&'*+/=?^_`{|}~-]+"
        + "(?:\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
        Pattern.CASE_INSENSITIVE);

    /** HSDS's own keywords in the files: they describe the tabular form and never change a validation result. */
    private static final List<String> HSDS_KEYWORDS = List.of("name", "path", "example", "core", "constraints",
        "datapackage_type", "datapackage_metadata", "tabular_required");

    private static final Format EMAIL = new Format() {
        @Override
        public String getName() {
            return "email";
        }

        @Override
        public boolean matches(ExecutionContext context, String value) {
            return EMAIL_SYNTAX.matcher(value).matches();
        }
    };

    /**
     * The {@code uri} format as the schema says it (networknt's check: absolute, ASCII) and the directory's rule on
     * top ({@link WebUrl}): an http or https URL with a host, or a URN for the fields that are identifiers. Every
     * other {@code format: uri} field of HSDS 3.1 ({@code website}, {@code url}, {@code schedule_link}, ...) is a link
     * somewhere its data is shown, and any scheme, {@code javascript:} included, is a valid URI.
     */
    private static final Format WEB_URI = new Format() {
        private final Format schema = new com.networknt.schema.format.UriFormat();

        @Override
        public String getName() {
            return "uri";
        }

        @Override
        public boolean matches(ExecutionContext context, String value) {
            return schema.matches(context, value) && WebUrl.isWebOrUrn(value);
        }
    };

    private HsdsSchemas() {
        Map<String, String> texts = new HashMap<>();
        for (String kind : KINDS) {
            String text = read(kind);
            JsonNode schema;
            try {
                schema = Json.MAPPER.readTree(text);
            } catch (IOException e) {
                throw new IllegalStateException("HSDS schema " + kind + ".json is not JSON", e);
            }
            files.put(kind, schema);
            String id = schema.path("$id").asText();
            ids.put(kind, id);
            texts.put(id, text);
            Map<String, String> one = new HashMap<>();
            Map<String, String> many = new HashMap<>();
            Map<String, String> types = new HashMap<>();
            var props = schema.path("properties").fields();
            while (props.hasNext()) {
                var e = props.next();
                JsonNode p = e.getValue();
                if (p.hasNonNull("$ref")) {
                    one.put(e.getKey(), refKind(p.get("$ref").asText()));
                } else if (p.path("items").hasNonNull("$ref")) {
                    many.put(e.getKey(), refKind(p.path("items").get("$ref").asText()));
                }
                if (p.hasNonNull("datapackage_type")) {
                    types.put(e.getKey(), p.get("datapackage_type").asText());
                }
            }
            singles.put(kind, one);
            arrays.put(kind, many);
            datapackageTypes.put(kind, types);
        }
        // 2020-12 makes "format" an annotation unless asked for; HSDS relies on uuid, email, uri and date-time.
        SchemaRegistryConfig config = SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build();
        Dialect.Builder dialect = Dialect.builder(Dialects.getDraft202012()).format(EMAIL).format(WEB_URI);
        HSDS_KEYWORDS.forEach(k -> dialect.keyword(new NonValidationKeyword(k)));
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(dialect.build(),
            b -> b.schemaRegistryConfig(config).schemas(texts::get));
        for (String kind : KINDS) {
            Schema schema = registry.getSchema(SchemaLocation.of(ids.get(kind)));
            schema.initializeValidators();
            schemas.put(kind, schema);
        }
    }

    static HsdsSchemas get() {
        return Holder.INSTANCE;
    }

    private static String read(String kind) {
        String name = "/hsds-schema/" + kind + ".json";
        try (InputStream in = HsdsSchemas.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the plugin lacks its HSDS schema " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String refKind(String ref) {
        String file = ref.substring(ref.lastIndexOf('/') + 1);
        return file.endsWith(".json") ? file.substring(0, file.length() - 5) : file;
    }

    /** The schema's {@code $id} of a kind, for messages and tests. */
    String id(String kind) {
        return ids.get(kind);
    }

    /** {@code date}, {@code time}, {@code datetime} or null: the schema's tabular type of a field. */
    String datapackageType(String kind, String field) {
        Map<String, String> t = datapackageTypes.get(kind);
        return t == null ? null : t.get(field);
    }

    /**
     * Every problem of one top-level object ({@code organization}, {@code service}, {@code taxonomy},
     * {@code taxonomy_term}): what its JSON Schema says, then the rules of {@link HsdsRules} for it and every object
     * nested in it. {@code sources} (kind/id → "file line") names where tabular rows came from; may be empty.
     */
    List<Problem> check(String kind, JsonNode node, Map<String, String> sources) {
        return check(kind, node, sources, null);
    }

    /**
     * As {@link #check(String, JsonNode, Map)}; with {@code locations} (shared by the services of one import), a
     * location nested in several services (as every service at the same site has it) is validated once and its
     * problems reported for each service that carries it.
     */
    List<Problem> check(String kind, JsonNode node, Map<String, String> sources,
                        Map<JsonNode, List<Error>> locations) {
        List<Problem> out = new ArrayList<>();
        String id = node == null ? null : Json.str(node, "id");
        if (!(node instanceof ObjectNode o)) {
            out.add(new Problem(kind, id, "", "must be a JSON object"));
            return out;
        }
        ObjectNode instance = o;
        Map<String, ObjectNode> separate = new LinkedHashMap<>();
        if (locations != null && kind.equals("service") && o.get("service_at_locations") instanceof ArrayNode sals) {
            // a shallow copy without the locations: the service's own nodes are not changed, and are not copied
            ArrayNode without = Json.MAPPER.createArrayNode();
            for (int i = 0; i < sals.size(); i++) {
                if (sals.get(i) instanceof ObjectNode sal && sal.get("location") instanceof ObjectNode loc) {
                    ObjectNode copy = Json.MAPPER.createObjectNode();
                    sal.fields().forEachRemaining(e -> {
                        if (!e.getKey().equals("location")) {
                            copy.set(e.getKey(), e.getValue());
                        }
                    });
                    without.add(copy);
                    separate.put("/service_at_locations/" + i + "/location", loc);
                } else {
                    without.add(sals.get(i));
                }
            }
            instance = Json.MAPPER.createObjectNode();
            ObjectNode target = instance;
            o.fields().forEachRemaining(e -> target.set(e.getKey(), e.getKey().equals("service_at_locations")
                ? without : e.getValue()));
        }
        report(kind, id, kind, o, "", errors(kind, instance), sources, out);
        separate.forEach((pointer, loc) -> report(kind, id, "location", loc, pointer,
            locations.computeIfAbsent(loc, l -> errors("location", l)), sources, out));
        walk(kind, o, "", (k, obj, path) -> HsdsRules.check(this, k, obj, (field, message) ->
            out.add(new Problem(kind, id, join(path, field), message, source(sources, k, obj)))));
        return out;
    }

    /**
     * The schema errors of an object of a kind, or an empty list; an object's missing required fields come before
     * the errors inside it (the validator reports them after, as {@code required} follows {@code properties} in the
     * files), so that a report reads top-down.
     */
    List<Error> errors(String kind, JsonNode instance) {
        List<Error> found = schemas.get(kind).validate(instance);
        if (found.size() < 2) {
            return found;
        }
        List<Error> out = new ArrayList<>(found.size());
        for (Error e : found) {
            int at = out.size();
            if ("required".equals(e.getKeyword())) {
                NodePath object = e.getInstanceLocation();
                for (int i = 0; i < out.size(); i++) {
                    Error before = out.get(i);
                    boolean sameObjectRequired = "required".equals(before.getKeyword())
                        && before.getInstanceLocation().equals(object);
                    if (!sameObjectRequired && before.getInstanceLocation().startsWith(object)) {
                        at = i;
                        break;
                    }
                }
            }
            out.add(at, e);
        }
        return out;
    }

    private void report(String objectKind, String id, String rootKind, ObjectNode root, String prefix,
                        List<Error> errors, Map<String, String> sources, List<Problem> out) {
        for (Error e : errors) {
            Problem p = problem(objectKind, id, rootKind, root, prefix, e, sources);
            if (p != null && !out.contains(p)) {
                out.add(p);
            }
        }
    }

    /** One validator error as a problem. */
    private Problem problem(String objectKind, String id, String kind, ObjectNode doc, String prefix, Error e,
                            Map<String, String> sources) {
        String keyword = e.getKeyword() == null ? "" : e.getKeyword();
        List<String> pointer = segments(e.getInstanceLocation());
        List<String> fullPointer = new ArrayList<>(segments(prefix));
        fullPointer.addAll(pointer);
        // the nested object the error is in, its kind, and the value at fault
        String k = kind;
        JsonNode at = doc;
        JsonNode parentObject = doc;
        String parentKind = kind;
        String pending = null;
        for (String seg : pointer) {
            if (at instanceof ObjectNode obj) {
                parentObject = obj;
                parentKind = k;
                String child = singles.getOrDefault(k, Map.of()).get(seg);
                pending = arrays.getOrDefault(k, Map.of()).get(seg);
                k = child != null ? child : k;
                at = obj.get(seg);
            } else if (at instanceof ArrayNode arr) {
                at = arr.get(Integer.parseInt(seg));
                if (pending != null) {
                    k = pending;
                    pending = null;
                }
            }
        }
        String path = toPath(fullPointer);
        String message;
        switch (keyword) {
            case "required": {
                path = join(path, e.getProperty() != null ? e.getProperty() : argument(e, 0));
                message = "is required";
                parentObject = at;
                parentKind = k;
                break;
            }
            case "enum": {
                JsonNode values = e.getSchemaNode() != null && e.getSchemaNode().has("enum")
                    ? e.getSchemaNode().get("enum") : e.getSchemaNode();
                List<String> allowed = new ArrayList<>();
                if (values != null && values.isArray()) {
                    values.forEach(v -> allowed.add(v.isTextual() ? v.asText() : v.toString()));
                }
                message = "must be one of " + (allowed.isEmpty() ? argument(e, 0) : String.join(", ", allowed))
                    + "; was " + shown(at);
                break;
            }
            case "type":
                message = "must be " + article(expectedType(kind, pointer)) + "; was " + shown(at);
                break;
            case "format": {
                JsonNode schemaNode = e.getSchemaNode();
                String format = schemaNode == null ? argument(e, 0)
                    : schemaNode.isTextual() ? schemaNode.asText() : schemaNode.path("format").asText(argument(e, 0));
                message = "must be " + formatName(format) + "; was " + shown(at);
                break;
            }
            default: {
                String error = e.getMessage() == null ? "is not valid" : e.getMessage();
                // the message starts with the instance location ("$.phones[0]: ..."); the path says that already
                int colon = error.indexOf(": ");
                if (colon > 0 && error.startsWith("$")) {
                    error = error.substring(colon + 2);
                }
                message = error.isEmpty() ? "is not valid"
                    : error.substring(0, 1).toLowerCase(java.util.Locale.ROOT) + error.substring(1);
            }
        }
        return new Problem(objectKind, id, path, message + " (HSDS schema " + k + ".json)",
            source(sources, parentKind, parentObject));
    }

    private static String argument(Error e, int i) {
        Object[] args = e.getArguments();
        return args != null && args.length > i && args[i] != null ? String.valueOf(args[i]) : "?";
    }

    private String expectedType(String kind, List<String> pointer) {
        // the declared type of the field at fault, from the schema files (all HSDS fields have one type)
        String k = kind;
        String pending = null;
        String type = "object";
        for (String seg : pointer) {
            if (seg.chars().allMatch(Character::isDigit) && pending != null) {
                k = pending;
                pending = null;
                type = "object";
                continue;
            }
            JsonNode prop = files.get(k).path("properties").get(seg);
            if (prop == null) {
                return "valid value";
            }
            type = prop.path("type").asText("object");
            String child = singles.getOrDefault(k, Map.of()).get(seg);
            pending = arrays.getOrDefault(k, Map.of()).get(seg);
            k = child != null ? child : k;
        }
        return type;
    }

    private static String article(String type) {
        return switch (type) {
            case "array" -> "an array";
            case "object" -> "an object";
            case "number" -> "a number";
            case "string" -> "a string";
            case "boolean" -> "true or false";
            default -> type;
        };
    }

    private static String formatName(String format) {
        return switch (format) {
            case "uuid" -> "a UUID";
            case "email" -> "an e-mail address";
            case "uri" -> WebUrl.WHAT_OR_URN;
            case "date-time" -> "a date and time (RFC 3339)";
            default -> "of format " + format;
        };
    }

    private static String shown(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "nothing";
        }
        if (v.isTextual()) {
            return "'" + v.asText() + "'";
        }
        return v.isContainerNode() ? (v.isArray() ? "an array" : "an object") : v.toString();
    }

    private static String source(Map<String, String> sources, String kind, JsonNode obj) {
        if (sources == null || sources.isEmpty() || obj == null) {
            return null;
        }
        return sources.get(kind + "/" + Json.str(obj, "id"));
    }

    private static List<String> segments(NodePath path) {
        List<String> out = new ArrayList<>();
        if (path != null) {
            for (int i = 0; i < path.getNameCount(); i++) {
                out.add(String.valueOf(path.getElement(i)));
            }
        }
        return out;
    }

    private static List<String> segments(String pointer) {
        List<String> out = new ArrayList<>();
        if (pointer == null || pointer.isEmpty() || pointer.equals("#") || pointer.equals("/")) {
            return out;
        }
        String p = pointer.startsWith("#") ? pointer.substring(1) : pointer;
        for (String s : p.substring(p.startsWith("/") ? 1 : 0).split("/", -1)) {
            out.add(s.replace("~1", "/").replace("~0", "~"));
        }
        return out;
    }

    /** {@code /phones/0/number} → {@code phones[0].number}. */
    static String toPath(List<String> pointer) {
        StringBuilder b = new StringBuilder();
        for (String s : pointer) {
            if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
                b.append('[').append(s).append(']');
            } else {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(s);
            }
        }
        return b.toString();
    }

    static String join(String path, String field) {
        if (path.isEmpty()) {
            return field;
        }
        return field.isEmpty() ? path : path + "." + field;
    }

    /** Visits an object and every object nested in it along the schemas' {@code $ref}s, with its path. */
    interface Visitor {
        void visit(String kind, ObjectNode object, String path);
    }

    void walk(String kind, ObjectNode o, String path, Visitor visitor) {
        visitor.visit(kind, o, path);
        Map<String, String> one = singles.getOrDefault(kind, Map.of());
        Map<String, String> many = arrays.getOrDefault(kind, Map.of());
        var it = o.fields();
        while (it.hasNext()) {
            var e = it.next();
            String child = one.get(e.getKey());
            if (child != null && e.getValue() instanceof ObjectNode c) {
                walk(child, c, join(path, e.getKey()), visitor);
                continue;
            }
            child = many.get(e.getKey());
            if (child != null && e.getValue() instanceof ArrayNode a) {
                for (int i = 0; i < a.size(); i++) {
                    if (a.get(i) instanceof ObjectNode c) {
                        walk(child, c, join(path, e.getKey()) + "[" + i + "]", visitor);
                    }
                }
            }
        }
    }

    /** For tests: the kinds nested in a kind (field → kind), singles and arrays together. */
    Map<String, String> nested(String kind) {
        Map<String, String> out = new HashMap<>(singles.getOrDefault(kind, Map.of()));
        out.putAll(arrays.getOrDefault(kind, Map.of()));
        return out;
    }

    Set<String> kinds() {
        return files.keySet();
    }
}
