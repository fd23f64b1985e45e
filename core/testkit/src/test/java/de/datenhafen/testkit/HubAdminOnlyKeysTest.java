package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keys a connector declares hub-admin-only (API 1.6) bound what its other keys may reach: the member-admins of the
 * plugin's owning member, who manage its integrations, set every other key, but such a key only a hub-admin sets. A
 * member-admin's create, update or validate that gives one another value than its default (create) or than it has
 * (update) is refused with 403 naming it, and nothing changes; left out of their update, it keeps its value.
 */
class HubAdminOnlyKeysTest {

    private static final Path ARCHIVES = TestDirs.create("hub-admin-only-keys");
    private static final String INTEGRATIONS = "/api/v1/admin/integrations";

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().plugin(() -> Fixtures.bounds(ARCHIVES)).build();

    /** A member-admin and a viewer of the member that owns the plugin. */
    static HubClient memberAdmin;
    static HubClient viewer;

    @BeforeAll
    static void theOwningMembersAdmin() {
        HubClient admin = hub.client();
        assertThat(admin.post("/api/v1/admin/members", new JsonObject().put("id", "stadtwerke-a")
            .put("name", "Stadtwerke A")).status()).isEqualTo(201);
        HubClient.Response owned = admin.put("/api/v1/admin/plugins/bounds/owner",
            new JsonObject().put("member", "stadtwerke-a"));
        assertThat(owned.status()).as(owned.body()).isEqualTo(200);
        memberAdmin = admin.withToken(admin.memberToken("stadtwerke-a", "admin", "member-admin"));
        viewer = admin.withToken(admin.memberToken("stadtwerke-a", "viewer", "viewer"));
    }

    private static JsonObject create(String name, JsonObject config) {
        return new JsonObject().put("name", name).put("connector", "bounded-files").put("config", config);
    }

    private static void refused(HubClient.Response r, String key, String reason) {
        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(r.json().getString("field")).isEqualTo("config." + key);
        assertThat(r.json().getString("error")).startsWith("only a hub-admin may set " + key + ": " + reason);
    }

    @Test
    void aMemberAdminWhoSetsAHubAdminOnlyKeyIsRefusedOnCreateAndValidateNamingIt() {
        JsonObject root = new JsonObject().put("path", "root").put("file", "etc/shadow").put("folder", "/");
        JsonObject loopback = new JsonObject().put("path", "loop").put("hosts", new JsonArray().add("localhost"));
        JsonObject larger = new JsonObject().put("path", "large").put("max-size", 1_000_000);
        JsonObject empty = new JsonObject().put("path", "empty").put("folder", ""); // "" is a folder too: the hub's

        refused(memberAdmin.post(INTEGRATIONS, create("root", root)), "folder", "it bounds what file may reach");
        refused(memberAdmin.post(INTEGRATIONS + "/validate", create("root", root)), "folder",
            "it bounds what file may reach");
        refused(memberAdmin.post(INTEGRATIONS, create("loop", loopback)), "hosts", "it bounds what file may reach");
        refused(memberAdmin.post(INTEGRATIONS + "/validate", create("loop", loopback)), "hosts",
            "it bounds what file may reach");
        refused(memberAdmin.post(INTEGRATIONS, create("large", larger)), "max-size",
            "it bounds what this connector may reach or take of the hub");
        refused(memberAdmin.post(INTEGRATIONS, create("empty", empty)), "folder", "it bounds what file may reach");
        for (String name : new String[] {"root", "loop", "large", "empty"}) {
            assertThat(hub.client().get(INTEGRATIONS + "/" + name).status()).as(name).isEqualTo(404);
        }
    }

    @Test
    void withoutTheKeyOrWithItsDefaultTheMemberAdminCreates() {
        JsonObject config = new JsonObject().put("path", "own").put("file", "feed.zip").put("max-size", 1000);

        HubClient.Response valid = memberAdmin.post(INTEGRATIONS + "/validate", create("own", config));
        HubClient.Response created = memberAdmin.post(INTEGRATIONS, create("own", config));

        assertThat(valid.status()).as(valid.body()).isEqualTo(200);
        assertThat(valid.json().getBoolean("valid")).isTrue();
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().getString("state")).isEqualTo("running");
    }

    @Test
    void aHubAdminSetsThemAndTheMembersPeopleSeeThem() {
        HubClient.Response schema = viewer.get("/api/v1/admin/connectors");
        HubClient.Response created = hub.client().post(INTEGRATIONS, create("bounded", new JsonObject()
            .put("path", "bounded").put("file", "a.zip").put("folder", "/srv/feeds")
            .put("hosts", new JsonArray().add("feeds.example.org")).put("max-size", 5000)));
        HubClient.Response seen = viewer.get(INTEGRATIONS + "/bounded");

        JsonObject properties = schema.jsonArray().stream().map(o -> (JsonObject) o)
            .filter(c -> c.getString("name").equals("bounded-files")).findFirst().orElseThrow()
            .getJsonObject("configSchema").getJsonObject("properties");
        assertThat(properties.getJsonObject("folder").getString("x-datenhafen-hub-admin-only"))
            .isEqualTo("it bounds what file may reach");
        assertThat(properties.getJsonObject("file").containsKey("x-datenhafen-hub-admin-only")).isFalse();
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(seen.json().getJsonObject("config").getString("folder")).isEqualTo("/srv/feeds");
        assertThat(seen.json().getJsonObject("config").getJsonArray("hosts")).containsExactly("feeds.example.org");
    }

    @Test
    void theMemberAdminChangesTheOtherKeysOfAnIntegrationWhoseBoundsAHubAdminSetButNotTheBounds() {
        HubClient.Response created = hub.client().post(INTEGRATIONS, create("kept", new JsonObject()
            .put("path", "kept").put("file", "a.zip").put("folder", "/srv/feeds")
            .put("hosts", new JsonArray().add("feeds.example.org")).put("max-size", 5000)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String self = INTEGRATIONS + "/kept";

        // as the console's edit form sends it: every key as shown, the list as typed
        HubClient.Response asShown = memberAdmin.put(self, new JsonObject().put("config", new JsonObject()
            .put("path", "kept").put("file", "b.zip").put("folder", "/srv/feeds").put("hosts", "feeds.example.org")
            .put("max-size", 5000)));
        // only the keys it changes: the bounds stay as the hub-admin set them
        HubClient.Response leftOut = memberAdmin.put(self, new JsonObject().put("config", new JsonObject()
            .put("path", "kept").put("file", "c.zip").put("greeting", "moin")));
        HubClient.Response validateWider = memberAdmin.post(self + "/validate", new JsonObject().put("config",
            new JsonObject().put("path", "kept").put("file", "c.zip").put("folder", "/")));
        HubClient.Response wider = memberAdmin.put(self, new JsonObject().put("config", new JsonObject()
            .put("path", "kept").put("file", "../../etc/shadow").put("folder", "/")));
        HubClient.Response loopback = memberAdmin.put(self, new JsonObject().put("config", new JsonObject()
            .put("path", "kept").put("hosts", new JsonArray().add("localhost"))));
        HubClient.Response backToDefault = memberAdmin.put(self, new JsonObject().put("config", new JsonObject()
            .put("path", "kept").put("max-size", 1000)));

        assertThat(asShown.status()).as(asShown.body()).isEqualTo(200);
        assertThat(leftOut.status()).as(leftOut.body()).isEqualTo(200);
        refused(validateWider, "folder", "it bounds what file may reach");
        refused(wider, "folder", "it bounds what file may reach");
        refused(loopback, "hosts", "it bounds what file may reach");
        refused(backToDefault, "max-size", "it bounds what this connector may reach or take of the hub");
        JsonObject config = hub.client().get(self).json().getJsonObject("config");
        assertThat(config.getString("file")).isEqualTo("c.zip");
        assertThat(config.getString("greeting")).isEqualTo("moin");
        assertThat(config.getString("folder")).isEqualTo("/srv/feeds");
        assertThat(config.getValue("hosts")).as("as the form sent it, the same list")
            .isEqualTo("feeds.example.org");
        assertThat(config.getInteger("max-size")).isEqualTo(5000);
        JsonObject running = hub.client().anonymous().get("/api/v1/plugins/bounds/kept").json();
        assertThat(running.getString("file")).isEqualTo("c.zip");
        assertThat(running.getString("folder")).isEqualTo("/srv/feeds");
        assertThat(running.getInteger("max-size")).isEqualTo(5000);

        // a hub-admin changes them, and may leave them out (they return to their defaults)
        HubClient.Response byHubAdmin = hub.client().put(self, new JsonObject().put("config", new JsonObject()
            .put("path", "kept").put("file", "c.zip").put("folder", "/srv/other")));
        assertThat(byHubAdmin.status()).as(byHubAdmin.body()).isEqualTo(200);
        JsonObject after = hub.client().get(self).json().getJsonObject("config");
        assertThat(after.getString("folder")).isEqualTo("/srv/other");
        assertThat(after.containsKey("hosts")).isFalse();
        assertThat(after.getInteger("max-size")).isEqualTo(1000);
    }
}
