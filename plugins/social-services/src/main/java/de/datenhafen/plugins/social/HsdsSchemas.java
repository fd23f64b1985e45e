package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The official HSDS 3.1 JSON Schemas (openreferral/specification, {@code schema/*.json}; the files, their commit and
 * licence are in {@code src/main/resources/hsds-schema/SOURCE.md}), and what this directory does with them:
 *
 * <ul>
 *   <li>validates an organisation, service (with everything nested in it), taxonomy or taxonomy term with Vert.x's
 *   JSON Schema validator (draft 2020-12). Every file is registered under its {@code $id}, so the relative
 *   {@code $ref}s between the files ({@code "items": {"$ref": "phone.json"}}) resolve within the plugin, without a
 *   network;</li>
 *   <li>turns each validation error into a {@link Problem}: the top-level object's kind and id, the field as a path
 *   below it ({@code service_at_locations[0].location.addresses[1].city}), a sentence, and for a tabular data
 *   package the CSV file and line of the row the nested object came from;</li>
 *   <li>walks a document along the schemas' {@code $ref}s so that {@link HsdsRules} can check every nested object by
 *   its kind, with the schemas' own {@code datapackage_type} ({@code date}, {@code time}) for fields that JSON
 *   Schema types only as strings.</li>
 * </ul>
 *
 * <p>Loaded once per plugin class loader (the first import pays about half a second); validators are made per thread,
 * so imports may validate in parallel.
 */
final class HsdsSchemas {

    /** The schema files, by HSDS object kind (file name without {@code .json}). */
    static final List<String> KINDS = List.of("accessibility", "address", "attribute", "contact", "cost_option",
        "funding", "language", "location", "metadata", "organization", "organization_identifier", "phone", "program",
        "required_document", "schedule", "service", "service_area", "service_at_location", "service_capacity",
        "taxonomy", "taxonomy_term", "unit", "url");

    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

    private static final class Holder {
        static final HsdsSchemas INSTANCE = new HsdsSchemas();
    }

    private final Map<String, JsonObject> files = new LinkedHashMap<>();
    private final Map<String, String> ids = new HashMap<>();
    /** kind → field → nested kind, for fields that hold one object ({@code "$ref"}). */
    private final Map<String, Map<String, String>> singles = new HashMap<>();
    /** kind → field → nested kind, for fields that hold an array of objects ({@code "items": {"$ref"}}). */
    private final Map<String, Map<String, String>> arrays = new HashMap<>();
    /** kind → field → the schema's {@code datapackage_type} ({@code date}, {@code time}, {@code datetime}). */
    private final Map<String, Map<String, String>> datapackageTypes = new HashMap<>();
    private final SchemaRepository repository;
    private final JsonSchemaOptions options;
    /** kind → the schema with every {@code $ref} replaced by its target and the annotations left out. */
    private final Map<String, JsonObject> inlined = new HashMap<>();
    private final ThreadLocal<Map<String, Validator>> validators = ThreadLocal.withInitial(HashMap::new);

    /**
     * Keywords that only annotate (HSDS's own and JSON Schema's): they never change a validation result, and the
     * validator, which runs interpreted (see {@link #validator}), would still look at each of them in every object.
     */
    private static final Set<String> ANNOTATIONS = Set.of("$id", "name", "title", "description", "example", "core",
        "constraints", "path", "datapackage_type", "datapackage_metadata", "tabular_required");

    private HsdsSchemas() {
        options = new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
            .setBaseUri("https://raw.githubusercontent.com/openreferral/specification/")
            .setOutputFormat(OutputFormat.Basic);
        repository = SchemaRepository.create(options);
        for (String kind : KINDS) {
            JsonObject schema = read(kind);
            files.put(kind, schema);
            String id = schema.getString("$id");
            ids.put(kind, id);
            repository.dereference(id, JsonSchema.of(schema));
            Map<String, String> one = new HashMap<>();
            Map<String, String> many = new HashMap<>();
            Map<String, String> types = new HashMap<>();
            JsonObject props = schema.getJsonObject("properties", new JsonObject());
            for (String field : props.fieldNames()) {
                JsonObject p = props.getJsonObject(field);
                if (p.getString("$ref") != null) {
                    one.put(field, refKind(p.getString("$ref")));
                } else if (p.getJsonObject("items") != null && p.getJsonObject("items").getString("$ref") != null) {
                    many.put(field, refKind(p.getJsonObject("items").getString("$ref")));
                }
                if (p.getString("datapackage_type") != null) {
                    types.put(field, p.getString("datapackage_type"));
                }
            }
            singles.put(kind, one);
            arrays.put(kind, many);
            datapackageTypes.put(kind, types);
        }
        for (String kind : KINDS) {
            inlined.put(kind, (JsonObject) inline(files.get(kind), new java.util.ArrayDeque<>()));
        }
    }

    /**
     * The schema of a kind as one tree: each {@code $ref} (always to a whole file here) replaced by that file's
     * schema, annotations left out. The same validation as resolving the references at run time through the
     * repository, about a third faster (measured: 3,000 services 2.5 s instead of 3.1 s).
     */
    private Object inline(Object node, java.util.Deque<String> through) {
        if (node instanceof JsonObject o) {
            String ref = o.getString("$ref");
            if (ref != null) {
                String target = refKind(ref);
                if (through.contains(target)) {
                    throw new IllegalStateException("HSDS schema " + target + ".json refers to itself through "
                        + through + "; inline the cycle differently");
                }
                through.push(target);
                Object out = inline(files.get(target), through);
                through.pop();
                return out;
            }
            JsonObject out = new JsonObject();
            for (String key : o.fieldNames()) {
                Object v = o.getValue(key);
                if (key.equals("properties") && v instanceof JsonObject props) {
                    JsonObject p = new JsonObject();
                    props.fieldNames().forEach(f -> p.put(f, inline(props.getValue(f), through)));
                    out.put(key, p);
                } else if (!ANNOTATIONS.contains(key)) {
                    out.put(key, inline(v, through));
                }
            }
            return out;
        }
        if (node instanceof io.vertx.core.json.JsonArray a) {
            io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
            a.forEach(x -> out.add(inline(x, through)));
            return out;
        }
        return node;
    }

    static HsdsSchemas get() {
        return Holder.INSTANCE;
    }

    private static JsonObject read(String kind) {
        String name = "/hsds-schema/" + kind + ".json";
        try (InputStream in = HsdsSchemas.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the plugin lacks its HSDS schema " + name);
            }
            return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
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
     * A validator of the kind's inlined schema, one per thread. Why it matters how fast: Vert.x's validator does all
     * its work in one method of 11,787 bytes of bytecode, which HotSpot does not compile (methods above 8,000 bytes
     * stay interpreted unless the JVM runs with {@code -XX:-DontCompileHugeMethods}); so each validated object costs
     * interpreter time, and an import validates only what it changes ({@link Directory#importSet}), each distinct
     * location once ({@link #check}).
     */
    private Validator validator(String kind) {
        return validators.get().computeIfAbsent(kind, k -> Validator.create(JsonSchema.of(inlined.get(k)), options));
    }

    /** For tests: the validator that resolves the files' references at run time, through the repository. */
    Validator repositoryValidator(String kind) {
        return repository.validator(ids.get(kind));
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
    @SuppressWarnings("unchecked")
    List<Problem> check(String kind, JsonNode node, Map<String, String> sources,
                        Map<JsonNode, List<OutputUnit>> locations) {
        List<Problem> out = new ArrayList<>();
        String id = node == null ? null : Json.str(node, "id");
        if (!(node instanceof ObjectNode o)) {
            out.add(new Problem(kind, id, "", "must be a JSON object"));
            return out;
        }
        Map<String, Object> instance = Json.MAPPER.convertValue(o, Map.class);
        Map<String, ObjectNode> separate = new LinkedHashMap<>();
        if (locations != null && kind.equals("service") && instance.get("service_at_locations") instanceof List<?> sals
            && o.get("service_at_locations") instanceof ArrayNode salNodes) {
            for (int i = 0; i < sals.size() && i < salNodes.size(); i++) {
                if (sals.get(i) instanceof Map<?, ?> sal && salNodes.get(i).get("location") instanceof ObjectNode loc) {
                    ((Map<String, Object>) sal).remove("location");
                    separate.put("/service_at_locations/" + i + "/location", loc);
                }
            }
        }
        report(kind, id, kind, o, "", errors(kind, new JsonObject(instance)), sources, out);
        separate.forEach((pointer, loc) -> report(kind, id, "location", loc, pointer,
            locations.computeIfAbsent(loc, l -> errors("location", new JsonObject(Json.MAPPER.convertValue(l,
                Map.class)))), sources, out));
        walk(kind, o, "", (k, obj, path) -> HsdsRules.check(this, k, obj, (field, message) ->
            out.add(new Problem(kind, id, join(path, field), message, source(sources, k, obj)))));
        return out;
    }

    private List<OutputUnit> errors(String kind, JsonObject instance) {
        OutputUnit result = validator(kind).validate(instance);
        if (Boolean.TRUE.equals(result.getValid())) {
            return List.of();
        }
        return result.getErrors() == null ? List.of(result) : result.getErrors();
    }

    private void report(String objectKind, String id, String rootKind, ObjectNode root, String prefix,
                        List<OutputUnit> errors, Map<String, String> sources, List<Problem> out) {
        for (OutputUnit e : errors) {
            Problem p = problem(objectKind, id, rootKind, root, prefix, e, sources);
            if (p != null && !out.contains(p)) {
                out.add(p);
            }
        }
    }

    /** One validator error as a problem; null for the errors that only say that a nested schema had errors. */
    private Problem problem(String objectKind, String id, String kind, ObjectNode doc, String prefix, OutputUnit e,
                            Map<String, String> sources) {
        String error = e.getError() == null ? "is not valid" : e.getError();
        if (error.startsWith("A subschema had errors") || error.startsWith("A sub-schema had errors")
            || error.startsWith("Items did not match schema") || error.endsWith("does not match schema")) {
            return null;
        }
        String keyword = lastSegment(e.getKeywordLocation());
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
                Matcher m = QUOTED.matcher(error);
                String missing = m.find() ? m.group(1) : "?";
                path = join(path, missing);
                message = "is required";
                parentObject = at;
                parentKind = k;
                break;
            }
            case "enum": {
                int i = error.indexOf("any of ");
                String allowed = i < 0 ? error : error.substring(i + 7).replace("[", "").replace("]", "")
                    .replace("\"", "").replace(",", ", ");
                message = "must be one of " + allowed + "; was " + shown(at);
                break;
            }
            case "type":
                message = "must be " + article(expectedType(kind, pointer)) + "; was " + shown(at);
                break;
            case "format": {
                Matcher m = QUOTED.matcher(error);
                message = "must be " + formatName(m.find() ? m.group(1) : "?") + "; was " + shown(at);
                break;
            }
            default:
                message = error.substring(0, 1).toLowerCase(java.util.Locale.ROOT) + error.substring(1);
        }
        return new Problem(objectKind, id, path, message + " (HSDS schema " + k + ".json)",
            source(sources, parentKind, parentObject));
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
            JsonObject prop = files.get(k).getJsonObject("properties", new JsonObject()).getJsonObject(seg);
            if (prop == null) {
                return "valid value";
            }
            type = prop.getString("type", "object");
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
            case "uri" -> "an absolute URI";
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

    private static String lastSegment(String pointer) {
        if (pointer == null) {
            return "";
        }
        return pointer.substring(pointer.lastIndexOf('/') + 1);
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
