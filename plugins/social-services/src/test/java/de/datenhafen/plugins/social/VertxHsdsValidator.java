package de.datenhafen.plugins.social;

import io.vertx.core.json.JsonArray;
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
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * For tests and {@link ValidatorBench}: the same HSDS schema files through Vert.x's JSON Schema validator, as the
 * plugin validated before it moved to networknt's: a second, independent reading of the schemas, and the "before" of
 * the benchmark. {@link #repository} resolves the files' {@code $ref}s at run time; {@link #inlined} is what the
 * plugin ran (each {@code $ref} replaced by its file, annotations left out: a third faster on Vert.x's validator).
 */
final class VertxHsdsValidator {

    private static final Set<String> ANNOTATIONS = Set.of("$id", "name", "title", "description", "example", "core",
        "constraints", "path", "datapackage_type", "datapackage_metadata", "tabular_required");

    private final Map<String, JsonObject> files = new HashMap<>();
    private final Map<String, String> ids = new HashMap<>();
    private final JsonSchemaOptions options = new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
        .setBaseUri("https://raw.githubusercontent.com/openreferral/specification/")
        .setOutputFormat(OutputFormat.Basic);
    private final SchemaRepository repository = SchemaRepository.create(options);

    VertxHsdsValidator() {
        for (String kind : HsdsSchemas.KINDS) {
            String name = "/hsds-schema/" + kind + ".json";
            try (InputStream in = HsdsSchemas.class.getResourceAsStream(name)) {
                JsonObject schema = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                files.put(kind, schema);
                ids.put(kind, schema.getString("$id"));
                repository.dereference(schema.getString("$id"), JsonSchema.of(schema));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    Validator repository(String kind) {
        return repository.validator(ids.get(kind));
    }

    Validator inlined(String kind) {
        return Validator.create(JsonSchema.of((JsonObject) inline(files.get(kind), new ArrayDeque<>())), options);
    }

    /** The errors that name a field (not the ones that only say that a nested schema had errors). */
    static List<OutputUnit> fieldErrors(OutputUnit result) {
        if (Boolean.TRUE.equals(result.getValid()) || result.getErrors() == null) {
            return List.of();
        }
        return result.getErrors().stream().filter(e -> !e.getError().endsWith("match schema")
            && !e.getError().contains("had errors")).toList();
    }

    private Object inline(Object node, Deque<String> through) {
        if (node instanceof JsonObject o) {
            String ref = o.getString("$ref");
            if (ref != null) {
                String file = ref.substring(ref.lastIndexOf('/') + 1);
                String target = file.substring(0, file.length() - ".json".length());
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
        if (node instanceof JsonArray a) {
            JsonArray out = new JsonArray();
            a.forEach(x -> out.add(inline(x, through)));
            return out;
        }
        return node;
    }
}
