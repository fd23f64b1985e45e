package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.fixtures.CheckedPlugin;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A connector's declared checks and its {@code validate} are the hub's: {@code POST .../validate} reports every
 * problem a start would hit, a create with one is refused before anything is stored, and the connector's JSON Schema
 * shows the same rules.
 */
class ConfigChecksTest {

    private static final Path ARCHIVES = TestDirs.create("config-checks");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().plugin(() -> PluginArchiveBuilder.plugin("checked",
        "1.0.0", Fixtures.MEMBER, CheckedPlugin.class).writeTo(ARCHIVES)).build();

    @Test
    void validateReportsEveryDeclaredCheckThatFailsNamingItsKey(HubClient client) {
        JsonObject config = new JsonObject().put("path", "Not/Ok").put("max-body", 0).put("mode", "append")
            .put("feed-url", "http://example.org/feed").put("interval", "1s").put("anonymous", true);

        assertThat(problems(client, "checks", config)).containsExactly(
            "config.path: must be lower case letters, digits and dashes; was 'Not/Ok'",
            "config.max-body: must be a number from 1 to 65536; was 0",
            "config.mode: must be one of merge, replace; was 'append'",
            "config.feed-url: must be a URL (https); was 'http://example.org/feed'",
            "config.interval: must be a duration from PT5S to PT1H; was PT1S");
    }

    @Test
    void validateReportsTheConnectorsRuleAcrossKeys(HubClient client) {
        JsonObject both = new JsonObject().put("path", "both").put("senders", new JsonArray().add("parkhaus"))
            .put("anonymous", true);

        assertThat(problems(client, "both", both))
            .containsExactly("config.senders: set senders or anonymous: true, one of them");
    }

    @Test
    void validateReportsARetiredKeyWithWhatReplacedIt(HubClient client) {
        JsonObject old = new JsonObject().put("path", "old").put("anonymous", true).put("token", "s3cret-token");

        assertThat(problems(client, "old", old))
            .containsExactly("config.token: was replaced by member tokens: list the members in senders");
    }

    @Test
    void aCreateWithAProblemValidateReportsIsRefusedAndNothingIsStored(HubClient client) {
        HubClient.Response r = client.post("/api/v1/admin/integrations", request("refused",
            new JsonObject().put("path", "refused")));

        assertThat(r.status()).isEqualTo(400);
        // the error names the key in front, for a reader of the JSON alone; problems has the problem as validate
        // names it, its field and its own words, for a form to show at the field (one or several alike)
        String words = "set senders or anonymous: true, one of them";
        assertThat(r.json()).isEqualTo(new JsonObject().put("error", "config.senders: " + words)
            .put("field", "config.senders").put("problems", new JsonArray().add(new JsonObject()
                .put("field", "config.senders").put("error", words))));
        assertThat(problems(client, "refused", new JsonObject().put("path", "refused")))
            .containsExactly("config.senders: " + words);
        assertThat(client.get("/api/v1/admin/integrations/refused").status()).isEqualTo(404);
    }

    @Test
    void aValidConfigPassesAndStarts(HubClient client) {
        parkhaus(client);
        JsonObject config = new JsonObject().put("path", "fine").put("senders", new JsonArray().add("parkhaus"));

        assertThat(problems(client, "fine", config)).isEmpty();
        HubClient.Response r = client.post("/api/v1/admin/integrations", request("fine", config));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(client.anonymous().get("/api/v1/plugins/checked/fine").body()).isEqualTo("ok");
    }

    /** A key of members' ids names members the hub has: one it has not is refused naming the key and the id. */
    @Test
    void aSenderThatIsNoMemberIsAProblemOfItsKey(HubClient client) {
        parkhaus(client);
        JsonObject config = new JsonObject().put("path", "typo").put("senders", new JsonArray().add("parkhaus")
            .add("parkhuas"));

        assertThat(problems(client, "typo", config)).containsExactly("config.senders: there is no member 'parkhuas'; "
            + "senders lists ids of the hub's members (GET /api/v1/admin/members)");
        assertThat(client.post("/api/v1/admin/integrations", request("typo", config)).status()).isEqualTo(400);
        assertThat(client.get("/api/v1/admin/integrations/typo").status()).isEqualTo(404);
        // said while another key has a problem too, and an id in capitals says what it should be
        assertThat(problems(client, "typo", new JsonObject().put("senders", new JsonArray().add("Parkhaus"))))
            .contains("config.senders: there is no member 'Parkhaus' (ids are lower case: parkhaus); senders lists "
                + "ids of the hub's members (GET /api/v1/admin/members)");
        // a dry run changes nothing, and is not an entry of the audit (a form's checks as one types hid the changes)
        assertThat(client.get("/api/v1/admin/audit?action=validate").json().getJsonArray("entries")).isEmpty();
    }

    /**
     * A URL is at most 2,000 characters and carries no user or password: a URL of a megabyte took a route's start
     * minutes of CPU under the hub's locks (an attacker's probe hung the hub, and its restart), and a password in a URL
     * was shown with the config to everyone who sees the integration. Refused at validate in bounded time, the
     * password not repeated.
     */
    @Test
    void aUrlIsBoundedAndCarriesNoPassword(HubClient client) {
        JsonObject huge = new JsonObject().put("path", "huge").put("anonymous", true)
            .put("feed-url", "https://example.org/" + "a".repeat(1_000_000));
        long t0 = System.nanoTime();
        assertThat(problems(client, "huge", huge)).containsExactly("config.feed-url: must be a URL (https) of at "
            + "most 2000 characters; has 1000020");
        assertThat(client.post("/api/v1/admin/integrations", request("huge", huge)).status()).isEqualTo(400);
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0)).isLessThan(java.time.Duration.ofSeconds(10));
        assertThat(client.get("/api/v1/admin/integrations/huge").status()).isEqualTo(404);

        JsonObject withPassword = new JsonObject().put("path", "creds").put("anonymous", true)
            .put("feed-url", "https://alice:s3cr3t-pw@example.org/feed?x=1");
        List<String> said = problems(client, "creds", withPassword);
        assertThat(said).containsExactly("config.feed-url: must be a URL (https) without a user or password in it "
            + "(give them in a key of their own); was 'https://********@example.org/feed?x=1'");
        HubClient.Response german = client.post("/api/v1/admin/integrations/validate", java.util.Map.of(
            "Content-Type", "application/json", "Accept-Language", "de"), request("creds", withPassword).encode());
        assertThat(german.body()).doesNotContain("s3cr3t", "alice").contains("ohne Benutzer oder Passwort");
        assertThat(problems(client, "fine-url", withPassword.copy().put("feed-url",
            "https://example.org/feed?user=alice@example.org"))).isEmpty();
    }

    /**
     * An update its routes cannot take is undone: the integration runs on with its config as before and the answer
     * says why (it stored the new config and the running integration failed); an update asking for another name or
     * connector is refused, not taken without them.
     */
    @Test
    void anUpdateTheRoutesRefuseChangesNothing(HubClient client) {
        JsonObject config = new JsonObject().put("path", "steady").put("anonymous", true);
        assertThat(client.post("/api/v1/admin/integrations", request("steady", config)).status()).isEqualTo(201);

        HubClient.Response refused = client.put("/api/v1/admin/integrations/steady", new JsonObject()
            .put("config", config.copy().put("path", "taken-nowhere")));

        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().getString("error")).isEqualTo("the routes could not take the new config; nothing "
            + "changed: path taken-nowhere is refused as the routes start");
        JsonObject now = client.get("/api/v1/admin/integrations/steady").json();
        assertThat(now.getString("state")).isEqualTo("running");
        assertThat(now.getJsonObject("config").getString("path")).isEqualTo("steady");
        assertThat(client.anonymous().get("/api/v1/plugins/checked/steady").body()).isEqualTo("ok");

        HubClient.Response renamed = client.put("/api/v1/admin/integrations/steady", new JsonObject()
            .put("name", "other").put("config", config));
        assertThat(renamed.status()).isEqualTo(400);
        assertThat(renamed.json().getString("field")).isEqualTo("name");
        HubClient.Response otherConnector = client.put("/api/v1/admin/integrations/steady", new JsonObject()
            .put("connector", "checked-leader").put("config", config));
        assertThat(otherConnector.status()).isEqualTo(400);
        assertThat(otherConnector.json().getString("field")).isEqualTo("connector");
        // the body as a GET gives it, name and connector as they are, is taken
        JsonObject asRead = client.get("/api/v1/admin/integrations/steady").json();
        assertThat(client.put("/api/v1/admin/integrations/steady", new JsonObject().put("name", "steady")
            .put("connector", "checked").put("config", asRead.getJsonObject("config"))).status()).isEqualTo(200);
    }

    /**
     * A key naming another integration names one of its connector's: a name of none, and one of another connector's,
     * are refused naming the key, the name and what it must be (a mistyped timetable's name made a live feed that
     * waited for ever); at create and update as at validate, nothing stored; the right one is taken.
     */
    @Test
    void aKeyNamingAnotherIntegrationNamesOneOfItsConnector(HubClient client) {
        assertThat(client.post("/api/v1/admin/integrations", new JsonObject().put("name", "leitwerk")
            .put("connector", "checked-leader")).status()).isEqualTo(201);
        assertThat(client.post("/api/v1/admin/integrations", request("nachlauf", new JsonObject()
            .put("path", "nachlauf").put("anonymous", true))).status()).isEqualTo(201);
        JsonObject typo = new JsonObject().put("path", "folger").put("anonymous", true).put("follows", "leitwrek");
        JsonObject other = typo.copy().put("follows", "nachlauf");

        assertThat(problems(client, "folger", typo)).containsExactly("config.follows: there is no integration "
            + "'leitwrek'; follows names a checked-leader integration (GET /api/v1/admin/integrations)");
        assertThat(problems(client, "folger", other)).containsExactly("config.follows: 'nachlauf' is a checked "
            + "integration; follows names a checked-leader integration (GET /api/v1/admin/integrations)");
        HubClient.Response refused = client.post("/api/v1/admin/integrations", java.util.Map.of("Content-Type",
            "application/json", "Accept-Language", "de"), request("folger", typo).encode());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().getJsonArray("problems").getJsonObject(0).getString("code"))
            .as(refused.body()).isEqualTo("integration.noIntegration");
        assertThat(refused.json().getString("error")).isEqualTo("config.follows: Es gibt keine Integration „leitwrek“; follows "
            + "nennt eine checked-leader-Integration dieses Hubs.");
        assertThat(client.get("/api/v1/admin/integrations/folger").status()).isEqualTo(404);

        assertThat(client.post("/api/v1/admin/integrations", request("folger", typo.copy().put("follows",
            "leitwerk"))).status()).isEqualTo(201);
        HubClient.Response update = client.put("/api/v1/admin/integrations/folger", new JsonObject().put("config",
            other));
        assertThat(update.status()).isEqualTo(400);
        assertThat(update.json().getString("field")).isEqualTo("config.follows");
        assertThat(client.get("/api/v1/admin/integrations/folger").json().getJsonObject("config")
            .getString("follows")).as("nothing changed").isEqualTo("leitwerk");
        JsonObject schema = client.get("/api/v1/admin/connectors").jsonArray().stream().map(JsonObject.class::cast)
            .filter(c -> c.getString("name").equals("checked")).findFirst().orElseThrow()
            .getJsonObject("configSchema").getJsonObject("properties");
        assertThat(schema.getJsonObject("follows").getString("x-datenhafen-integration-of"))
            .isEqualTo("checked-leader");
        assertThat(schema.getJsonObject("path").containsKey("x-datenhafen-integration-of")).isFalse();
    }

    private static void parkhaus(HubClient client) {
        if (client.get("/api/v1/admin/members/parkhaus").status() == 404) {
            assertThat(client.post("/api/v1/admin/members", new JsonObject().put("id", "parkhaus")
                .put("name", "Parkhaus GmbH")).status()).isEqualTo(201);
        }
    }

    @Test
    void theConnectorsSchemaShowsItsChecks(HubClient client) {
        JsonObject properties = client.get("/api/v1/admin/connectors").jsonArray().stream()
            .map(JsonObject.class::cast).filter(c -> c.getString("name").equals("checked")).findFirst().orElseThrow()
            .getJsonObject("configSchema").getJsonObject("properties");

        assertThat(properties.getJsonObject("max-body").getInteger("minimum")).isEqualTo(1);
        assertThat(properties.getJsonObject("max-body").getInteger("maximum")).isEqualTo(65536);
        assertThat(properties.getJsonObject("mode").getJsonArray("enum")).containsExactly("merge", "replace");
        assertThat(properties.getJsonObject("path").getString("pattern")).isEqualTo("^(?:[a-z0-9-]+)$");
        assertThat(properties.getJsonObject("feed-url").getString("format")).isEqualTo("uri");
        assertThat(properties.getJsonObject("token").getBoolean("deprecated")).isTrue();
        assertThat(properties.getJsonObject("senders").getBoolean("x-datenhafen-member-ids")).isTrue();
        assertThat(properties.getJsonObject("path").containsKey("x-datenhafen-member-ids")).isFalse();
        assertThat(properties.getJsonObject("token").getBoolean("writeOnly")).isTrue();
    }

    private static JsonObject request(String name, JsonObject config) {
        return new JsonObject().put("name", name).put("connector", "checked").put("config", config);
    }

    private static List<String> problems(HubClient client, String name, JsonObject config) {
        HubClient.Response r = client.post("/api/v1/admin/integrations/validate", request(name, config));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().getJsonArray("problems").stream().map(JsonObject.class::cast)
            .map(p -> p.getString("field") + ": " + p.getString("error")).toList();
    }
}
