package de.datenhafen.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.testkit.HubClient;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The OpenAPI document of the packaged {@code --demo} hub, where every shipped plugin serves: valid OpenAPI 3.0, every
 * plugin route described by its plugin, and every described path and method served.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentIT {

    /** The plugins the demo runs (hello is only in examples/). */
    private static final Set<String> DEMO_PLUGINS = Set.of("core-connectors", "transit", "social-services",
        "air-quality");
    private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");
    /**
     * What a 404 says when no route answers the path: the hub's own answer, and each plugin's for a path below its
     * subtree route that it does not serve (as opposed to "no such stop/site/service", which a served path answers).
     */
    private static final List<String> NO_ROUTE = List.of("no such ", "no entity set", "has no property or navigation",
        "cannot follow", "must be the last segment", "must follow a property", "not a SensorThings path",
        "no SensorThings version", "the SensorThings versions are");
    private static final Pattern BRACES = Pattern.compile("\\{([^}]+)}");

    private DemoHub hub;
    private String text;
    private JsonObject doc;

    @BeforeAll
    void startDemoHubAndReadItsDocument() throws Exception {
        hub = DemoHub.shared();
        HubClient anonymous = hub.client.anonymous();
        HubClient.Response r = anonymous.get("/api/v1/openapi.json");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        text = r.body();
        doc = new JsonObject(text);
    }

    @Test
    void theMergedDocumentIsValidOpenApi30() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(text, null, options);

        assertThat(result.getMessages()).isEmpty();
        assertThat(result.getOpenAPI()).isNotNull();
        assertThat(result.getOpenAPI().getOpenapi()).startsWith("3.0");
    }

    @Test
    void noRouteOfTheDemosPluginsIsLeftGeneric() {
        List<String> generic = new ArrayList<>();
        Set<String> described = new TreeSet<>();
        forEachPluginOperation((path, method, op) -> {
            described.add(op.getString("x-datenhafen-plugin"));
            if (op.getString("summary", "").startsWith("Served by ")) { // "by plugin ..." to an anonymous reader
                generic.add(method.toUpperCase() + " " + path);
            }
        });

        assertThat(generic).isEmpty();
        assertThat(described).containsExactlyInAnyOrderElementsOf(DEMO_PLUGINS);
        // the configured paths of the demo, in place of the fragments' brace segments
        assertThat(operation("/api/v1/plugins/transit/neuhafen/realtime", "post").getString("summary"))
            .isEqualTo("Push GTFS-Realtime FeedMessages");
        assertThat(operation("/api/v1/plugins/transit/import", "post").getString("summary"))
            .isEqualTo("Check the timetable's source now");
        assertThat(operation("/api/v1/plugins/air-quality/uplinks", "post").getString("summary"))
            .isEqualTo("Push sensor uplinks");
        assertThat(operation("/api/v1/plugins/air-quality/alerts", "get").getString("summary"))
            .isEqualTo("Open CO2 alerts");
        assertThat(operation("/sta/{version}/Things({id})", "patch").getString("summary")).isEqualTo("Change a Thing");
        assertThat(operation("/api/v1/plugins/social-services/services/{id}", "put").getString("summary"))
            .isEqualTo("Replace a service");
    }

    @Test
    void everyDescribedPathAnswersEachMethodItLists() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        List<String> calls = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        List<Object[]> ops = new ArrayList<>();
        forEachPluginOperation((path, method, op) -> ops.add(new Object[] {path, method, op}));
        for (Object[] o : ops) {
            String path = (String) o[0];
            String method = ((String) o[1]).toUpperCase();
            JsonObject op = (JsonObject) o[2];
            URI uri = URI.create("http://127.0.0.1:" + hub.port + url(path, op));
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60));
            JsonObject content = op.getJsonObject("requestBody", new JsonObject()).getJsonObject("content");
            if (content != null) {
                String type = content.fieldNames().iterator().next();
                Object example = content.getJsonObject(type).getValue("example");
                String body = example == null ? "{}" : example instanceof String s ? s : example.toString();
                b.header("Content-Type", type).method(method, HttpRequest.BodyPublishers.ofString(body));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            String call = method + " " + uri.getRawPath() + " -> " + r.statusCode() + " " + shorten(r.body());
            calls.add(call);
            if (r.statusCode() == 405 || r.statusCode() == 500 || r.statusCode() == 404 && noRoute(r.body())) {
                wrong.add(call);
            }
        }

        assertThat(wrong).as("calls:\n" + String.join("\n", calls)).isEmpty();
        assertThat(calls).hasSizeGreaterThan(100);
    }

    private interface OperationVisitor {
        void visit(String path, String method, JsonObject op);
    }

    private void forEachPluginOperation(OperationVisitor visitor) {
        JsonObject paths = doc.getJsonObject("paths");
        for (String path : new TreeSet<>(paths.fieldNames())) {
            JsonObject item = paths.getJsonObject(path);
            for (String m : METHODS) {
                JsonObject op = item.getJsonObject(m);
                if (op != null && DEMO_PLUGINS.contains(op.getString("x-datenhafen-plugin", ""))) {
                    visitor.visit(path, m, op);
                }
            }
        }
    }

    private JsonObject operation(String path, String method) {
        JsonObject item = doc.getJsonObject("paths").getJsonObject(path);
        assertThat(item).as(path + " in " + doc.getJsonObject("paths").fieldNames()).isNotNull();
        JsonObject op = item.getJsonObject(method);
        assertThat(op).as(method + " " + path).isNotNull();
        return op;
    }

    /** The path with its parameters' examples, and the query parameters that have an example. */
    private String url(String path, JsonObject op) {
        JsonArray params = op.getJsonArray("parameters", new JsonArray());
        Map<String, String> examples = new java.util.LinkedHashMap<>();
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < params.size(); i++) {
            JsonObject p = resolve(params.getJsonObject(i));
            Object example = p.getValue("example");
            if (example == null) {
                continue;
            }
            if ("path".equals(p.getString("in"))) {
                examples.put(p.getString("name"), example.toString());
            } else if ("query".equals(p.getString("in"))) {
                query.append(query.length() == 0 ? "?" : "&").append(encode(p.getString("name"))).append('=')
                    .append(encode(example.toString()));
            }
        }
        Matcher m = BRACES.matcher(path);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String example = examples.get(m.group(1));
            assertThat(example).as("example of path parameter " + m.group(1) + " of " + path).isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(encode(example)));
        }
        m.appendTail(out);
        return out + query.toString();
    }

    private JsonObject resolve(JsonObject parameter) {
        String ref = parameter.getString("$ref");
        if (ref == null) {
            return parameter;
        }
        return doc.getJsonObject("components").getJsonObject("parameters")
            .getJsonObject(ref.substring("#/components/parameters/".length()));
    }

    private static boolean noRoute(String body) {
        try {
            String error = new JsonObject(body).getString("error", "");
            return NO_ROUTE.stream().anyMatch(error::contains);
        } catch (RuntimeException notJson) {
            return true;
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String shorten(String s) {
        return s == null ? "" : s.length() <= 160 ? s : s.substring(0, 160) + "...";
    }
}
