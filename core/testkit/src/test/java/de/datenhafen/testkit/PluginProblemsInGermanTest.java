package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.fixtures.CheckedPlugin;
import de.datenhafen.fixtures.CodedProblemsPlugin;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A connector's own problems (its {@code validate}) in German where its plugin's texts have the words (plugin API
 * 1.13): at {@code config.<key>} in the answers of validate, create and update for a client that asks for German (the
 * console's form), in the plugin's English for any other; a code is looked up in its own plugin's texts only, never in
 * the hub's catalogue or another plugin's.
 */
class PluginProblemsInGermanTest {

    private static final Path ARCHIVES = TestDirs.create("plugin-problems");
    private static final Map<String, String> GERMAN = Map.of("Content-Type", "application/json",
        "Accept-Language", "de-DE,de;q=0.9,en;q=0.5");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .plugin(() -> PluginArchiveBuilder.plugin("coded", "1.0.0", Fixtures.MEMBER, CodedProblemsPlugin.class)
            .withEntry("classes/datenhafen/texts_de.properties", """
                coded.problem.max-below-min=Muss mindestens min ({0}) sein.
                problem.note=Die Notiz „{0}“ wird nicht angenommen.
                """).writeTo(ARCHIVES))
        // another plugin with words for the first one's connector: they are not the first one's
        .plugin(() -> PluginArchiveBuilder.plugin("checked", "1.0.0", Fixtures.MEMBER, CheckedPlugin.class)
            .withEntry("classes/datenhafen/texts_de.properties", """
                coded.problem.borrowed=Geliehene Worte
                coded.problem.plain=Geliehene Worte
                """).writeTo(ARCHIVES))
        .build();

    @Test
    void validateSaysAConnectorsCodedProblemInTheWordsOfItsPluginAtItsKey(HubClient client) {
        JsonObject config = new JsonObject().put("min", 7).put("max", 3);

        JsonObject german = validate(client, config, GERMAN);

        assertThat(german.getBoolean("valid")).isFalse();
        assertThat(german.getJsonArray("problems")).containsExactly(new JsonObject().put("field", "config.max")
            .put("error", "Muss mindestens min (7) sein.").put("code", "coded:coded:max-below-min"));
    }

    @Test
    void validateSaysItInThePluginsEnglishWithoutAskingForGerman(HubClient client) {
        JsonObject english = validate(client, new JsonObject().put("min", 7).put("max", 3),
            Map.of("Content-Type", "application/json"));

        assertThat(english.getJsonArray("problems")).containsExactly(new JsonObject().put("field", "config.max")
            .put("error", "must be at least min (7)").put("code", "coded:coded:max-below-min"));
    }

    /** The note's words are the plugin's for all its connectors ({@code problem.<code>}). */
    @Test
    void aValueInTheProblemIsOnlyFormattedIntoTheWords(HubClient client) {
        String hostile = "{1} '{0}' <b>{{x}}</b> %s";

        JsonObject german = validate(client, new JsonObject().put("note", hostile), GERMAN);

        assertThat(german.getJsonArray("problems").getJsonObject(0).getString("error"))
            .isEqualTo("Die Notiz „" + hostile + "“ wird nicht angenommen.");
    }

    @Test
    void aCodeIsNeverSaidInTheWordsOfTheHubsCatalogueOrOfAnotherPlugin(HubClient client) {
        JsonObject config = new JsonObject().put("borrowed", true).put("catalogued", true).put("plain", true);

        JsonArray problems = validate(client, config, GERMAN).getJsonArray("problems");

        // the hub's catalogue says config.required as "Bitte ausfüllen.", the other plugin's texts "Geliehene Worte"
        assertThat(problems.stream().map(p -> ((JsonObject) p).getString("field") + ": "
            + ((JsonObject) p).getString("error"))).containsExactly(
                "config.borrowed: has words only in another plugin",
                "config.catalogued: has a code of the hub's catalogue",
                "config.plain: has no code");
        assertThat(problems.getJsonObject(1).getString("code")).isEqualTo("coded:coded:config.required");
        assertThat(problems.getJsonObject(2).containsKey("code")).isFalse();
    }

    @Test
    void aCreateRefusedForAConnectorsProblemSaysItInGerman(HubClient client) {
        JsonObject request = new JsonObject().put("name", "refused-in-german").put("connector", "coded")
            .put("config", new JsonObject().put("min", 7).put("max", 3));

        HubClient.Response german = client.post("/api/v1/admin/integrations", GERMAN, request.encode());
        HubClient.Response english = client.post("/api/v1/admin/integrations", request);

        // the error names the key in front; its problems say each at its field, as the console's form shows them
        assertThat(german.status()).as(german.body()).isEqualTo(400);
        assertThat(german.json().getString("error")).isEqualTo("config.max: Muss mindestens min (7) sein.");
        assertThat(german.json().getJsonArray("problems")).containsExactly(new JsonObject()
            .put("field", "config.max").put("error", "Muss mindestens min (7) sein.")
            .put("code", "coded:coded:max-below-min"));
        assertThat(english.status()).isEqualTo(400);
        assertThat(english.json().getString("error")).isEqualTo("config.max: must be at least min (7)");
        assertThat(client.get("/api/v1/admin/integrations/refused-in-german").status()).isEqualTo(404);
    }

    @Test
    void anUpdateRefusedForAConnectorsProblemsSaysEachInGermanAtItsKey(HubClient client) {
        HubClient.Response created = client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "updated-in-german").put("connector", "coded").put("config", new JsonObject()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonObject config = new JsonObject().put("config", new JsonObject().put("min", 7).put("max", 3)
            .put("note", "x"));

        HubClient.Response german = client.send("PUT", "/api/v1/admin/integrations/updated-in-german", GERMAN,
            config.encode().getBytes(StandardCharsets.UTF_8));
        JsonObject validated = client.post("/api/v1/admin/integrations/updated-in-german/validate", GERMAN,
            config.encode()).json();

        assertThat(german.status()).as(german.body()).isEqualTo(400);
        assertThat(german.json().getString("error")).isEqualTo("config.max: Muss mindestens min (7) sein. "
            + "config.note: Die Notiz „x“ wird nicht angenommen.");
        assertThat(german.json().getJsonArray("problems")).isEqualTo(validated.getJsonArray("problems"));
        assertThat(validated.getJsonArray("problems").getJsonObject(1).getString("error"))
            .isEqualTo("Die Notiz „x“ wird nicht angenommen.");
    }

    private static JsonObject validate(HubClient client, JsonObject config, Map<String, String> headers) {
        HubClient.Response r = client.post("/api/v1/admin/integrations/validate", headers, new JsonObject()
            .put("name", "checked-" + Math.abs(config.hashCode())).put("connector", "coded").put("config", config)
            .encode());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }
}
