package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Connectors are listed with a JSON Schema derived from their config declaration. */
class ConnectorsTest {

    private static final Path ARCHIVES = TestDirs.create("connectors");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().plugin(() -> Fixtures.working(ARCHIVES)).build();

    @Test
    void listsTheConnectorsOfStartedPluginsWithTheirPluginAndMember(HubClient client) {
        JsonObject ingest = connector(client, "fixture-ingest");

        assertThat(ingest.getString("description")).isEqualTo("Takes POSTed JSON and puts it on the bus");
        assertThat(ingest.getString("plugin")).isEqualTo("fixture");
        assertThat(ingest.getString("provider")).isEqualTo(Fixtures.MEMBER);
        assertThat(connector(client, "fixture-failing").getString("plugin")).isEqualTo("fixture");
    }

    @Test
    void describesTheConfigAsAJsonSchemaWithTypesDefaultsAndRequiredKeys(HubClient client) {
        JsonObject schema = connector(client, "fixture-ingest").getJsonObject("configSchema");

        assertThat(schema.getString("type")).isEqualTo("object");
        assertThat(schema.getBoolean("additionalProperties")).isFalse();
        assertThat(schema.getJsonArray("required").getList()).containsExactly("path");
        JsonObject properties = schema.getJsonObject("properties");
        assertThat(properties.fieldNames()).containsExactlyInAnyOrder("path", "type", "max-size", "token");
        assertThat(properties.getJsonObject("path").getString("type")).isEqualTo("string");
        assertThat(properties.getJsonObject("path").getString("description"))
            .isEqualTo("Path below the plugin's HTTP root");
        assertThat(properties.getJsonObject("type").getString("default")).isEqualTo("test.event");
        assertThat(properties.getJsonObject("max-size").getString("type")).isEqualTo("integer");
        assertThat(properties.getJsonObject("max-size").getInteger("default")).isEqualTo(1000);
    }

    @Test
    void marksASecretKeyWriteOnlyAndShowsNoDefaultForIt(HubClient client) {
        JsonObject token = connector(client, "fixture-ingest").getJsonObject("configSchema")
            .getJsonObject("properties").getJsonObject("token");

        assertThat(token.getString("type")).isEqualTo("string");
        assertThat(token.getBoolean("writeOnly")).isTrue();
        assertThat(token.containsKey("default")).isFalse();
    }

    private static JsonObject connector(HubClient client, String name) {
        HubClient.Response r = client.get("/api/v1/admin/connectors");
        assertThat(r.status()).isEqualTo(200);
        return r.jsonArray().stream().map(JsonObject.class::cast).filter(c -> name.equals(c.getString("name")))
            .findFirst().orElseThrow(() -> new AssertionError("no connector " + name + " in " + r.body()));
    }
}
