package de.datenhafen.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.camel.HubHttpComponent.PluginRoute;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which paths of a plugin's OpenAPI fragment a served route shows, and how. */
class PluginOpenApiTest {

    static PluginRoute exact(String path) {
        return new PluginRoute("p", "i", path, List.of("POST"), false);
    }

    static PluginRoute subtree(String path) {
        return new PluginRoute("p", "i", path, List.of(), true);
    }

    @Test
    void aBraceSegmentTakesThePathTheIntegrationConfigured() {
        assertThat(PluginOpenApi.fit("/api/v1/plugins/p/{path}", exact("/api/v1/plugins/p/parking")))
            .isEqualTo("/api/v1/plugins/p/parking");
        assertThat(PluginOpenApi.fit("/api/v1/plugins/p/{path}", exact("/api/v1/plugins/p/a/b"))).isNull();
        assertThat(PluginOpenApi.fit("/api/v1/plugins/p/other", exact("/api/v1/plugins/p/parking"))).isNull();
    }

    @Test
    void aSubtreeRouteShowsEveryDescribedPathBelowIt() {
        assertThat(PluginOpenApi.fit("/sta/v1.1/Things({id})", subtree("/sta"))).isEqualTo("/sta/v1.1/Things({id})");
        assertThat(PluginOpenApi.fit("/sta", subtree("/sta"))).isEqualTo("/sta");
        assertThat(PluginOpenApi.fit("/stations", subtree("/sta"))).isNull();
        assertThat(PluginOpenApi.fit("/api/v1/plugins/p/sites/{site}/daily", subtree("/api/v1/plugins/p/sites")))
            .isEqualTo("/api/v1/plugins/p/sites/{site}/daily");
    }

    @Test
    void schemasAreNamedAfterThePluginReferencesIncludedAndUndescribedRoutesStayGeneric() {
        JsonObject fragment = new JsonObject("""
            {"paths": {"/api/v1/plugins/p/{path}": {"post": {"summary": "ingest", "responses": {"202": {"content":
              {"application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}}}}}}},
             "components": {"schemas": {"Accepted": {"type": "object"}}}}""");
        JsonObject doc = new JsonObject().put("paths", new JsonObject());

        PluginOpenApi.addRoutes(doc, List.of(exact("/api/v1/plugins/p/parking"), subtree("/api/v1/plugins/q/x")),
            plugin -> plugin.equals("p") ? PluginOpenApi.renamed("p", fragment) : new JsonObject());

        JsonObject op = doc.getJsonObject("paths").getJsonObject("/api/v1/plugins/p/parking").getJsonObject("post");
        assertThat(op.getString("summary")).isEqualTo("ingest");
        assertThat(op.getString("x-datenhafen-integration")).isEqualTo("i");
        assertThat(op.getJsonObject("responses").getJsonObject("202").getJsonObject("content")
            .getJsonObject("application/json").getJsonObject("schema").getString("$ref"))
            .isEqualTo("#/components/schemas/p.Accepted");
        assertThat(doc.getJsonObject("components").getJsonObject("schemas").fieldNames()).containsExactly("p.Accepted");
        assertThat(doc.getJsonObject("paths").getJsonObject("/api/v1/plugins/q/x/{subpath}").getJsonObject("get")
            .getString("summary")).startsWith("Served by integration i of plugin p");
    }

    @Test
    void aFixedRouteIsDescribedByItsOwnTemplateNotByABraceTemplateOfAConfiguredPath() {
        JsonObject fragment = new JsonObject("""
            {"paths": {
              "/api/v1/plugins/p/{push-path}": {"post": {"summary": "push", "responses": {}}},
              "/api/v1/plugins/p/import": {"post": {"summary": "import", "responses": {}}},
              "/api/v1/plugins/p/stops": {"get": {"summary": "stops", "responses": {}}}}}""");
        JsonObject doc = new JsonObject().put("paths", new JsonObject());

        PluginOpenApi.addRoutes(doc, List.of(exact("/api/v1/plugins/p/import"), exact("/api/v1/plugins/p/live"),
            new PluginRoute("p", "i", "/api/v1/plugins/p/stops", List.of("GET"), false)), plugin -> fragment);

        JsonObject paths = doc.getJsonObject("paths");
        assertThat(paths.getJsonObject("/api/v1/plugins/p/import").getJsonObject("post").getString("summary"))
            .isEqualTo("import");
        assertThat(paths.getJsonObject("/api/v1/plugins/p/live").getJsonObject("post").getString("summary"))
            .isEqualTo("push");
        assertThat(paths.getJsonObject("/api/v1/plugins/p/stops").fieldNames()).doesNotContain("post");
        assertThat(paths.getJsonObject("/api/v1/plugins/p/stops").getJsonObject("get").getString("summary"))
            .isEqualTo("stops");
    }

    @Test
    void sharedParametersAreNamedAfterThePluginLikeSchemas() {
        JsonObject fragment = new JsonObject("""
            {"paths": {"/api/v1/plugins/p/list": {"get": {"parameters": [{"$ref": "#/components/parameters/page"}],
              "responses": {}}}},
             "components": {"parameters": {"page": {"name": "page", "in": "query", "schema": {"type": "integer"}}}}}""");
        JsonObject doc = new JsonObject().put("paths", new JsonObject());

        PluginOpenApi.addRoutes(doc, List.of(new PluginRoute("p", "i", "/api/v1/plugins/p/list", List.of("GET"), false)),
            plugin -> PluginOpenApi.renamed("p", fragment));

        assertThat(doc.getJsonObject("paths").getJsonObject("/api/v1/plugins/p/list").getJsonObject("get")
            .getJsonArray("parameters").getJsonObject(0).getString("$ref")).isEqualTo("#/components/parameters/p.page");
        assertThat(doc.getJsonObject("components").getJsonObject("parameters").getJsonObject("p.page")
            .getString("name")).isEqualTo("page");
    }

    @Test
    void eachOperationSaysWhoTheHubLetsCallItFromTheRouteThatAnswersItsMethod() {
        JsonObject fragment = new JsonObject("""
            {"paths": {"/p/{version}/Things": {"get": {"responses": {}}, "post": {"responses": {}},
              "put": {"responses": {}}}}}""");
        JsonObject doc = new JsonObject().put("paths", new JsonObject());

        PluginOpenApi.addRoutes(doc, List.of(new PluginRoute("p", "i", "/p", List.of("GET"), true, "public"),
            new PluginRoute("p", "i", "/p", List.of("POST"), true, "member-editor"),
            new PluginRoute("p", "i", "/api/v1/plugins/p/hidden", List.of(), false, "hub-admin")),
            plugin -> fragment);

        JsonObject things = doc.getJsonObject("paths").getJsonObject("/p/{version}/Things");
        assertThat(things.getJsonObject("get").getString("x-datenhafen-access")).isEqualTo("public");
        assertThat(things.getJsonObject("post").getString("x-datenhafen-access")).isEqualTo("member-editor");
        assertThat(things.getJsonObject("put").containsKey("x-datenhafen-access")).isFalse(); // no route answers PUT
        JsonObject generic = doc.getJsonObject("paths").getJsonObject("/api/v1/plugins/p/hidden");
        assertThat(generic.getJsonObject("delete").getString("x-datenhafen-access")).isEqualTo("hub-admin");
    }
}
