package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hub authenticates callers of plugin routes and lets on only those an endpoint's {@code access} names: a role of
 * the plugin's owning member (the member its descriptor names as provider) or hub-admin. The route sees the caller in
 * {@code BusHeaders.CALLER}. The fixture plugin's provider is "Stadtwerke Testhausen", member {@code testhausen}.
 */
class PluginCallerTest {

    static final Path ARCHIVES = TestDirs.create("plugin-caller");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().plugin(() -> Fixtures.working(ARCHIVES))
        .config(HubConfig.AUTH_FAILURES_LIMIT, 1000).build();

    static String owner;
    static String other;
    static String ownerViewer;
    static String scopedElsewhere;

    @BeforeAll
    static void theOwningMemberAnotherMemberTheirTokensAndAGuardedEndpoint() {
        HubClient admin = hub.client();
        assertThat(admin.post("/api/v1/admin/members", new JsonObject().put("id", "testhausen")
            .put("name", Fixtures.MEMBER)).status()).isEqualTo(201);
        assertThat(admin.post("/api/v1/admin/members", new JsonObject().put("id", "nachbarstadt")
            .put("name", "Nachbarstadt")).status()).isEqualTo(201);
        owner = MembersAndAccessTest.token(admin, "testhausen", "editor", "member-editor");
        ownerViewer = MembersAndAccessTest.token(admin, "testhausen", "viewer", "viewer");
        other = MembersAndAccessTest.token(admin, "nachbarstadt", "editor", "member-editor");
        HubClient.Response scoped = admin.post("/api/v1/admin/members/testhausen/tokens", new JsonObject()
            .put("name", "elsewhere").put("roles", new JsonArray().add("member-editor"))
            .put("scope", new JsonObject().put("plugin", "transit")));
        scopedElsewhere = scoped.json().getString("token");
        for (String[] i : new String[][] {{"guarded", "member-editor", "writes"}, {"open", "public", "writes"},
            {"staff", "hub-admin", "writes"}, {"ingest/{device}", "member-editor", "refusals"}}) {
            HubClient.Response r = admin.post("/api/v1/admin/integrations", new JsonObject()
                .put("name", i[0].replaceAll("[^a-z]", "")).put("connector", "fixture-guarded")
                .put("config", new JsonObject().put("path", i[0]).put("access", i[1]).put("audit", i[2])));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        }
    }

    @Test
    void theEventsAPluginPutsOnTheBusBelongToItsOwningMembersId() {
        IntegrationLifecycleTest.create(hub.client(), IntegrationLifecycleTest.ingest("owned", "owned"));

        HubClient.Response r = IntegrationLifecycleTest.send(hub.client(), "owned", "school-7/room-12");

        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        long sequence = r.json().getLong("sequence");
        de.datenhafen.core.bus.StoredEvent event = hub.hub().eventLog()
            .read(de.datenhafen.core.bus.EventFilter.ALL, sequence - 1, 1).get(0);
        // the plugin's descriptor names its provider as "Stadtwerke Testhausen"; the member with that name is
        // testhausen, which owns the events (and a member's flows and rights go by that id)
        assertThat(event.member()).isEqualTo("testhausen");
    }

    @Test
    void theOwningMembersEditorIsLetOnAndTheRouteSeesWhoCalled() {
        HubClient.Response r = hub.client().withToken(owner).get("/api/v1/plugins/fixture/guarded");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().getJsonObject("caller").getString("kind")).isEqualTo("token");
        assertThat(r.json().getJsonObject("caller").getString("member")).isEqualTo("testhausen");
    }

    @Test
    void anotherMembersEditorGets403AndTheRouteIsNotCalled() {
        HubClient.Response r = hub.client().withToken(other).get("/api/v1/plugins/fixture/guarded");

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().getString("error"))
            .isEqualTo("this endpoint needs the role member-editor of member testhausen (or hub-admin)");
    }

    @Test
    void aRoleBelowTheOneNeededGets403() {
        assertThat(hub.client().withToken(ownerViewer).get("/api/v1/plugins/fixture/guarded").status())
            .isEqualTo(403);
    }

    @Test
    void aTokenScopedToAnotherPluginCannotReachThisOne() {
        HubClient.Response r = hub.client().withToken(scopedElsewhere).get("/api/v1/plugins/fixture/guarded");

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().getString("error")).isEqualTo("this token is scoped to plugin transit");
    }

    @Test
    void noCredentialsOrAWrongTokenGet401() {
        HubClient.Response none = hub.client().anonymous().get("/api/v1/plugins/fixture/guarded");
        HubClient.Response wrong = hub.client().withToken("dh_aaaaaaaaaaaa_not-a-secret").get(
            "/api/v1/plugins/fixture/guarded");

        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().getString("error")).startsWith("this endpoint needs a token");
        assertThat(wrong.status()).isEqualTo(401);
    }

    @Test
    void anAnonymousBodyAtAGuardedDoorIs401BeforeItIsRead() {
        // 16 MB announced, 100 bytes sent: an answer only comes if the hub does not wait for the rest
        byte[] head = ("POST /api/v1/plugins/fixture/guarded HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
            + "application/json\r\nContent-Length: 16000000\r\n\r\n" + "x".repeat(100))
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        RawHttp.Answer r = RawHttp.sendFrom(null, hub.hub().port(), head, java.time.Duration.ofSeconds(5));

        assertThat(r.status()).as(r.toString()).isEqualTo(401);
        assertThat(new JsonObject(r.body()).getString("error")).startsWith("this endpoint needs a token");
        assertThat(r.header("Connection")).isEqualTo("close");
    }

    @Test
    void theBootstrapAdminIsAHubAdminEverywhere() {
        assertThat(hub.client().get("/api/v1/plugins/fixture/guarded").status()).isEqualTo(200);
        assertThat(hub.client().get("/api/v1/plugins/fixture/staff").status()).isEqualTo(200);
        assertThat(hub.client().withToken(owner).get("/api/v1/plugins/fixture/staff").status()).isEqualTo(403);
    }

    @Test
    void aPublicEndpointTakesAnyoneAndStillNamesAKnownCaller() {
        HubClient.Response anonymous = hub.client().anonymous().get("/api/v1/plugins/fixture/open");
        HubClient.Response known = hub.client().withToken(owner).get("/api/v1/plugins/fixture/open");
        // a token of the plugin's own (not the hub's) is not refused on a public endpoint: the route may check it
        HubClient.Response foreign = hub.client().withToken("the-plugins-own-token").get("/api/v1/plugins/fixture/open");

        assertThat(anonymous.json().getValue("caller")).isNull();
        assertThat(known.json().getJsonObject("caller").getString("id")).isNotBlank();
        assertThat(foreign.status()).isEqualTo(200);
        assertThat(foreign.json().getValue("caller")).isNull();
    }

    @Test
    void aRefusalOnAPluginRouteIsAudited() {
        hub.client().withToken(other).get("/api/v1/plugins/fixture/guarded");

        JsonArray entries = hub.client().get("/api/v1/admin/audit?action=GET%20/api/v1/plugins/fixture/guarded"
            + "&limit=1000").json().getJsonArray("entries");
        assertThat(entries.stream().map(o -> (JsonObject) o).anyMatch(e -> e.getInteger("outcome") == 403
            && "nachbarstadt".equals(e.getString("member")) && e.getString("principal").startsWith("token:")))
            .isTrue();
    }

    static java.util.List<JsonObject> audited(String action) {
        return hub.client().get("/api/v1/admin/audit?limit=1000&action=" + action.replace(" ", "%20")
            .replace("{", "%7B").replace("}", "%7D")).json().getJsonArray("entries").stream()
            .map(o -> (JsonObject) o).toList();
    }

    @Test
    void aWriteThroughAPluginRouteIsAuditedWithItsCallerAndAReadIsNot() {
        HubClient.Response write = hub.client().withToken(owner).post("/api/v1/plugins/fixture/guarded",
            new JsonObject().put("secret-looking", "s3cr3t-value"));
        hub.client().withToken(owner).get("/api/v1/plugins/fixture/guarded");

        assertThat(write.status()).isEqualTo(200);
        assertThat(audited("POST /api/v1/plugins/fixture/guarded")).anySatisfy(e -> {
            assertThat(e.getInteger("outcome")).isEqualTo(200);
            assertThat(e.getString("member")).isEqualTo("testhausen");
            assertThat(e.getString("principal")).startsWith("token:");
            assertThat(e.getString("requestId")).isEqualTo(write.header("X-Request-Id"));
            assertThat(e.encode()).doesNotContain("s3cr3t-value");
        });
        assertThat(audited("GET /api/v1/plugins/fixture/guarded")).noneMatch(e -> e.getInteger("outcome") == 200);
    }

    @Test
    void anIngestEndpointThatKeepsOnlyRefusalsNamesTheDeviceOfARefusedCall() {
        HubClient.Response accepted = hub.client().withToken(owner).post("/api/v1/plugins/fixture/ingest/room-7",
            new JsonObject());
        HubClient.Response refused = hub.client().withToken(other).post("/api/v1/plugins/fixture/ingest/room-8",
            new JsonObject());

        assertThat(accepted.status()).isEqualTo(200);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(audited("POST /api/v1/plugins/fixture/ingest/{device}")).singleElement().satisfies(e -> {
            assertThat(e.getInteger("outcome")).isEqualTo(403);
            assertThat(e.getString("target")).isEqualTo("{device=room-8}");
        });
    }
}
