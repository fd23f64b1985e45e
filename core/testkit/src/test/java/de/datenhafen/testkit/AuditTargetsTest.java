package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An audit entry of a creation names what was made: the person invited, the token made (by its name), the plugin
 * installed, the integration, subscription, key and allowed hash. Their routes have no parameter of it, so the
 * entries named their member at most, or nothing (an admin's walk-through: "Plugin installiert", on what?).
 */
class AuditTargetsTest {

    static final Path ARCHIVES = TestDirs.create("audit-targets");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().build();

    /** The fixture plugin, installed by whichever test comes first. */
    private static synchronized void fixturePlugin() {
        if (hub.client().get("/api/v1/admin/plugins/fixture").status() == 404) {
            HubClient.Response plugin = hub.client().installPlugin(Fixtures.working(ARCHIVES), true);
            assertThat(plugin.status()).as(plugin.body()).isEqualTo(201);
        }
    }

    /**
     * A request refused at another member's data is in the audit of the member it was for and of the member whose
     * token made it (it was in the first only, so the token's own member-admins never saw their token try), marked so.
     */
    @Test
    void aRefusalAtAnotherMembersDataIsInTheAuditOfBoth() {
        HubClient admin = hub.client();
        for (String m : new String[] {"werft", "speicher"}) {
            assertThat(admin.post("/api/v1/admin/members", new JsonObject().put("id", m).put("name", m)).status())
                .isEqualTo(201);
        }
        HubClient werft = admin.withToken(admin.post("/api/v1/admin/members/werft/tokens", new JsonObject()
            .put("name", "werft-admin").put("roles", new io.vertx.core.json.JsonArray().add("member-admin")))
            .json().getString("token"));
        assertThat(werft.get("/api/v1/admin/members/speicher/users").status()).isEqualTo(403);

        java.util.function.Function<HubClient.Response, java.util.List<JsonObject>> tries = r -> r.json()
            .getJsonArray("entries").stream().map(JsonObject.class::cast)
            .filter(e -> "GET /api/v1/admin/members/:member/users".equals(e.getString("action"))
                || String.valueOf(e.getString("action")).endsWith("/speicher/users")).toList();
        java.util.List<JsonObject> ownAudit = tries.apply(werft.get("/api/v1/admin/audit"));
        java.util.List<JsonObject> theirs = tries.apply(admin.get("/api/v1/admin/audit?member=speicher"));

        assertThat(ownAudit).as("the token's own member's audit, read by its member-admin").hasSize(1);
        assertThat(ownAudit.get(0).getString("member")).isEqualTo("speicher");
        assertThat(ownAudit.get(0).getString("actorMember")).isEqualTo("werft");
        assertThat(ownAudit.get(0).getInteger("outcome")).isEqualTo(403);
        assertThat(theirs).hasSize(1);
        assertThat(admin.get("/api/v1/admin/audit?member=werft").json().getJsonArray("entries").stream()
            .map(JsonObject.class::cast).filter(e -> e.getString("actorMember") != null)
            .allMatch(e -> "werft".equals(e.getString("actorMember")))).isTrue();
    }

    @Test
    void aCreationsEntryNamesWhatWasMade() {
        HubClient admin = hub.client();
        assertThat(admin.post("/api/v1/admin/members", new JsonObject().put("id", "hafenamt").put("name", "Hafenamt"))
            .status()).isEqualTo(201);
        assertThat(admin.post("/api/v1/admin/members/hafenamt/users", new JsonObject().put("id", "olga")
            .put("name", "Olga").put("roles", new JsonArray().add("viewer"))).status()).isEqualTo(201);
        admin.memberToken("hafenamt", "pegel-feed", "viewer");
        HubClient.Response key = PluginSignatureTest.register(hub, "hafenamt", PluginSignatureTest.keyPair());
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        String hash = "ab".repeat(32);
        assertThat(admin.post("/api/v1/admin/plugin-allowlist", new JsonObject().put("sha256", hash)
            .put("note", "reviewed")).status()).isEqualTo(201);
        fixturePlugin();
        HubClient.Response integration = admin.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "pegel").put("connector", "fixture-guarded")
            .put("config", new JsonObject().put("path", "pegel").put("access", "viewer")));
        assertThat(integration.status()).as(integration.body()).isEqualTo(201);
        assertThat(admin.post("/api/v1/admin/subscriptions", new JsonObject().put("name", "pegel-archiv")
            .put("types", new JsonArray().add("water.level"))).status()).isEqualTo(201);

        Map<String, String> targets = new LinkedHashMap<>();
        for (Object o : admin.get("/api/v1/admin/audit?limit=1000").json().getJsonArray("entries")) {
            JsonObject e = (JsonObject) o;
            targets.put(e.getString("action"), e.getString("target"));
        }
        assertThat(targets).containsEntry("POST /api/v1/admin/members", "{member=hafenamt}")
            .containsEntry("POST /api/v1/admin/members/:member/users", "{member=hafenamt, user=olga}")
            .containsEntry("POST /api/v1/admin/members/:member/tokens", "{member=hafenamt, token=pegel-feed}")
            .containsEntry("POST /api/v1/admin/members/:member/keys", "{member=hafenamt, key=ci ("
                + key.json().getString("id").substring(0, 12) + "…)}")
            .containsEntry("POST /api/v1/admin/plugin-allowlist", "{hash=" + hash + "}")
            .containsEntry("POST /api/v1/admin/plugins", "{id=fixture}")
            .containsEntry("POST /api/v1/admin/integrations", "{name=pegel}")
            .containsEntry("POST /api/v1/admin/subscriptions", "{name=pegel-archiv}");
    }

    /**
     * A hub-admin's change to a member's integration is in that member's audit (it was in the hub-admin's member's
     * alone, where the member's admins never read it); a refused one stays the asker's.
     */
    @Test
    void aChangeToAMembersIntegrationIsInThatMembersAudit() {
        HubClient admin = hub.client();
        assertThat(admin.post("/api/v1/admin/members", new JsonObject().put("id", "wasserwerk")
            .put("name", "Wasserwerk")).status()).isEqualTo(201);
        assertThat(admin.post("/api/v1/admin/members", new JsonObject().put("id", "nachbar")
            .put("name", "Nachbar")).status()).isEqualTo(201);
        fixturePlugin();
        assertThat(admin.put("/api/v1/admin/plugins/fixture/owner", new JsonObject().put("member", "wasserwerk"))
            .status()).isEqualTo(200);
        assertThat(admin.post("/api/v1/admin/integrations", new JsonObject().put("name", "brunnen")
            .put("connector", "fixture-guarded").put("config", new JsonObject().put("path", "brunnen")
                .put("access", "viewer"))).status()).isEqualTo(201);
        assertThat(admin.post("/api/v1/admin/integrations/brunnen/pause").status()).isEqualTo(200);
        HubClient neighbour = admin.withToken(admin.memberToken("nachbar", "neugier", "member-admin"));
        assertThat(neighbour.post("/api/v1/admin/integrations/brunnen/resume").status()).isEqualTo(403);

        HubClient owner = admin.withToken(admin.memberToken("wasserwerk", "pruefer", "viewer"));
        JsonArray own = owner.get("/api/v1/admin/audit?limit=1000&target=brunnen").json().getJsonArray("entries");
        assertThat(own.stream().map(JsonObject.class::cast).map(e -> e.getString("action") + " " + e.getInteger(
            "outcome"))).containsExactly("POST /api/v1/admin/integrations 201",
                "POST /api/v1/admin/integrations/:name/pause 200");
        JsonArray neighbours = neighbour.get("/api/v1/admin/audit?limit=1000&target=brunnen").json()
            .getJsonArray("entries");
        assertThat(neighbours.stream().map(JsonObject.class::cast).map(e -> e.getString("action") + " "
            + e.getInteger("outcome"))).containsExactly("POST /api/v1/admin/integrations/:name/resume 403");
    }

    /**
     * An entry says what an action gave and changed, and why a refusal was refused, part by part with a code the
     * console words in its language: the roles of a person invited and of a token made (and the token's scope and
     * end), the keys an integration's change changed (never a value), and a refused creation names what it was asked
     * to make and the reason (an entry said "409" and nothing more, and an integration's change nothing at all).
     */
    @Test
    void anEntrySaysWhatWasGivenAndChangedAndWhyARefusalWasRefused() {
        HubClient admin = hub.client();
        assertThat(admin.post("/api/v1/admin/members", new JsonObject().put("id", "deichverband")
            .put("name", "Deichverband")).status()).isEqualTo(201);
        assertThat(admin.post("/api/v1/admin/members/deichverband/users", new JsonObject().put("id", "jule")
            .put("name", "Jule").put("roles", new JsonArray().add("viewer").add("member-editor"))).status())
            .isEqualTo(201);
        fixturePlugin();
        HubClient.Response made = admin.post("/api/v1/admin/members/deichverband/tokens", new JsonObject()
            .put("name", "pegel-push").put("roles", new JsonArray().add("member-editor"))
            .put("expiresAt", "2031-01-01T00:00:00Z").put("scope", new JsonObject().put("plugin", "fixture")
                .put("path", "/deich")));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        assertThat(admin.post("/api/v1/admin/integrations", new JsonObject().put("name", "deich")
            .put("connector", "fixture-guarded").put("config", new JsonObject().put("path", "deich")
                .put("access", "viewer"))).status()).isEqualTo(201);
        assertThat(admin.put("/api/v1/admin/integrations/deich", new JsonObject().put("config", new JsonObject()
            .put("path", "deich-2").put("access", "viewer"))).status()).isEqualTo(200);
        assertThat(admin.put("/api/v1/admin/integrations/deich", new JsonObject().put("config", new JsonObject()
            .put("path", "deich-2").put("access", "viewer"))).status()).isEqualTo(200);
        // refused: a name taken, and a member whose every field is wrong (a name with a line break in it)
        assertThat(admin.post("/api/v1/admin/integrations", new JsonObject().put("name", "deich")
            .put("connector", "fixture-guarded").put("config", new JsonObject().put("path", "deich-3")
                .put("access", "viewer"))).status()).isEqualTo(409);
        assertThat(admin.post("/api/v1/admin/members", new JsonObject().put("id", "Deich\nVerband")
            .put("name", "")).status()).isEqualTo(400);
        assertThat(admin.post("/api/v1/admin/members", new JsonObject().put("id", "Deich Amt")
            .put("name", "Deichamt")).status()).isEqualTo(400);

        Map<String, JsonObject> entries = new LinkedHashMap<>();
        for (Object o : admin.get("/api/v1/admin/audit?limit=1000").json().getJsonArray("entries")) {
            JsonObject e = (JsonObject) o;
            entries.put(e.getString("action") + " " + e.getInteger("outcome") + " " + e.getString("target"), e);
        }
        assertThat(entries.get("POST /api/v1/admin/members/:member/users 201 {member=deichverband, user=jule}")
            .getString("detail")).isEqualTo("roles viewer,member-editor");
        JsonObject token = entries.get("POST /api/v1/admin/members/:member/tokens 201 {member=deichverband, "
            + "token=pegel-push}");
        assertThat(token.getString("detail")).isEqualTo("roles member-editor; only fixture /deich; expires "
            + "2031-01-01T00:00:00Z");
        assertThat(token.getJsonArray("details").stream().map(JsonObject.class::cast).map(d -> d.getString("code")))
            .containsExactly("granted", "scope", "expires");
        assertThat(admin.get("/api/v1/admin/audit?limit=1000&target=deich&action=PUT").json()
            .getJsonArray("entries").stream().map(JsonObject.class::cast).map(e -> e.getString("detail")))
            .containsExactly("config changed: path", "nothing changed");

        JsonObject taken = entries.get("POST /api/v1/admin/integrations 409 {name=deich}");
        assertThat(taken).as("a refused creation names what it was asked to make").isNotNull();
        assertThat(taken.getString("detail")).isEqualTo("refused: name: integration 'deich' already exists");
        assertThat(taken.getJsonArray("details").getJsonObject(0).getJsonArray("values").stream()
            .map(String::valueOf))
            .containsExactly("name", "integration 'deich' already exists", "integration.exists", "deich");
        JsonObject wrong = entries.get("POST /api/v1/admin/members 400 {member=Deich\\nVerband}");
        assertThat(wrong).as("the asked id, its line break escaped: %s", entries.keySet()).isNotNull();
        assertThat(wrong.getJsonArray("details").stream().map(JsonObject.class::cast)
            .map(d -> d.getString("code") + " " + d.getJsonArray("values").getString(0) + " "
                + d.getJsonArray("values").getString(2)))
            .containsExactly("refused id member.id", "refused name text.required");
        JsonObject one = entries.get("POST /api/v1/admin/members 400 {member=Deich Amt}");
        assertThat(one.getJsonArray("details").getJsonObject(0).getJsonArray("values").getString(2))
            .as("a single refused field keeps its catalogue code").isEqualTo("member.id");
    }

    /** The audit's kind filter takes a word of a principal's kind; anything else is a 400 naming it, not a query. */
    @Test
    void aKindThatIsNoWordIsRefused() {
        HubClient admin = hub.client();
        for (String kind : new String[] {"%3Cscript%3E", "bootstrap%27%20OR%201%3D1", "x".repeat(17)}) {
            HubClient.Response r = admin.get("/api/v1/admin/audit?kind=" + kind);
            assertThat(r.status()).as(kind).isEqualTo(400);
            assertThat(r.json().getString("field")).isEqualTo("kind");
        }
        assertThat(admin.post("/api/v1/admin/members", new JsonObject().put("id", "sielverband")
            .put("name", "Sielverband")).status()).isEqualTo(201); // by the configuration's admin token
        assertThat(admin.get("/api/v1/admin/audit?kind=BOOTSTRAP&limit=5").json().getJsonArray("entries"))
            .as("in any case").isNotEmpty().allSatisfy(e -> assertThat(((JsonObject) e).getString("kind")).isEqualTo("bootstrap"));
    }
}
