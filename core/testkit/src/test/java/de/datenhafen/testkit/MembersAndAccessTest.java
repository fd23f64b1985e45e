package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.config.HubConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Members, their people and tokens, sessions and the audit log, through the HTTP API of a real hub: two members, A
 * (the sensor vendor) and B (the bus operator), each with a member-admin; what each may and may not do.
 */
class MembersAndAccessTest {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        // cheap hashes for a test (the README says what the defaults cost)
        .config(HubConfig.AUTH_ARGON2_MEMORY, 1024).config(HubConfig.AUTH_ARGON2_ITERATIONS, 1).build();

    static final String PASSWORD_A = "correct horse battery staple";
    static final String PASSWORD_B = "ein Bus kommt selten allein";

    @BeforeAll
    static void twoMembersEachWithAMemberAdmin() {
        HubClient admin = hub.client();
        for (String[] m : new String[][] {{"luftblick", "Luftblick Sensorik GmbH"}, {"stadtverkehr", "Stadtverkehr"}}) {
            HubClient.Response r = admin.post("/api/v1/admin/members", new JsonObject().put("id", m[0])
                .put("name", m[1]).put("contact", "it@" + m[0] + ".example"));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        }
        invite(admin, "luftblick", "anna", "member-admin", PASSWORD_A);
        invite(admin, "stadtverkehr", "bert", "member-admin", PASSWORD_B);
    }

    /** Creates a user and sets its password with the one-time code, as the user would. */
    static void invite(HubClient as, String member, String user, String role, String password) {
        HubClient.Response created = as.post("/api/v1/admin/members/" + member + "/users", new JsonObject()
            .put("id", user).put("name", user).put("roles", new JsonArray().add(role)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().getString("state")).isEqualTo("invited");
        HubClient.Response setUp = as.anonymous().post("/api/v1/auth/setup", new JsonObject()
            .put("code", created.json().getString("setupCode")).put("password", password));
        assertThat(setUp.status()).as(setUp.body()).isEqualTo(200);
        assertThat(setUp.json().getString("state")).isEqualTo("active");
    }

    /** A signed-in browser: its cookie and CSRF token. */
    record Session(String cookie, String csrf) {
        Map<String, String> read() {
            return Map.of("Cookie", cookie);
        }

        Map<String, String> write() {
            return Map.of("Cookie", cookie, "X-CSRF-Token", csrf, "Content-Type", "application/json");
        }
    }

    static Session login(String user, String password) {
        HubClient.Response r = hub.client().anonymous().post("/api/v1/auth/login",
            new JsonObject().put("user", user).put("password", password));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String setCookie = r.setCookie("dh_session");
        assertThat(setCookie).containsIgnoringCase("HttpOnly").contains("SameSite=Strict").contains("Path=/");
        return new Session(setCookie.substring(0, setCookie.indexOf(';')), r.json().getString("csrf"));
    }

    static String token(HubClient as, String member, String name, String... roles) {
        HubClient.Response r = as.post("/api/v1/admin/members/" + member + "/tokens", new JsonObject()
            .put("name", name).put("roles", new JsonArray(List.of(roles))).put("purpose", "test"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().getString("token");
    }

    @Test
    void aSignedInMemberAdminManagesItsOwnMembersUsersButNotAnothers() {
        Session anna = login("anna", PASSWORD_A);
        HubClient c = hub.client().anonymous();

        HubClient.Response own = c.get("/api/v1/admin/members/luftblick/users", anna.read());
        HubClient.Response other = c.get("/api/v1/admin/members/stadtverkehr/users", anna.read());
        HubClient.Response me = c.get("/api/v1/auth/me", anna.read());

        assertThat(own.status()).as(own.body()).isEqualTo(200);
        assertThat(own.jsonArray()).extracting(o -> ((JsonObject) o).getString("id")).contains("anna");
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.json().getString("error"))
            .isEqualTo("this needs the role member-admin of member stadtverkehr (or hub-admin)");
        assertThat(me.json()).isEqualTo(new JsonObject().put("kind", "user").put("id", "anna")
            .put("member", "luftblick").put("roles", new JsonArray().add("member-admin")));
    }

    @Test
    void aWriteWithTheSessionCookieButWithoutItsCsrfTokenIsRefusedAndChangesNothing() {
        Session anna = login("anna", PASSWORD_A);
        HubClient c = hub.client().anonymous();

        HubClient.Response forged = c.post("/api/v1/admin/members/luftblick/users",
            Map.of("Cookie", anna.cookie(), "Content-Type", "application/json"),
            new JsonObject().put("id", "mallory").put("name", "M").put("roles", new JsonArray().add("viewer")).encode());
        HubClient.Response real = c.post("/api/v1/admin/members/luftblick/users", anna.write(),
            new JsonObject().put("id", "carla").put("name", "Carla").put("roles", new JsonArray().add("viewer"))
                .encode());

        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.json().getString("field")).isEqualTo("X-CSRF-Token");
        assertThat(real.status()).as(real.body()).isEqualTo(201);
        assertThat(hub.client().get("/api/v1/admin/members/luftblick/users/mallory").status()).isEqualTo(404);
    }

    @Test
    void aMemberAdminCannotGiveARoleWiderThanItsOwn() {
        Session anna = login("anna", PASSWORD_A);

        HubClient.Response r = hub.client().anonymous().post("/api/v1/admin/members/luftblick/users", anna.write(),
            new JsonObject().put("id", "eve").put("name", "Eve").put("roles", new JsonArray().add("hub-admin"))
                .encode());
        HubClient.Response t = hub.client().anonymous().post("/api/v1/admin/members/luftblick/tokens", anna.write(),
            new JsonObject().put("name", "wide").put("roles", new JsonArray().add("hub-admin")).encode());

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().getString("field")).isEqualTo("roles");
        assertThat(t.status()).isEqualTo(400);
        assertThat(t.json().getString("error")).contains("no wider than its creator's");
    }

    /**
     * The attacker's probe: a member-admin of the member a hub-admin belongs to (a token was enough) got a new setup
     * code for the hub-admin, set its password and signed in as hub-admin, or demoted and disabled it. Now only who
     * may give every role a user holds may change, reset, disable or delete it.
     */
    @Test
    void aMemberAdminCannotTakeOverDemoteOrDeleteAUserWithAWiderRole() {
        HubClient admin = hub.client();
        HubClient.Response boss = admin.post("/api/v1/admin/members/stadtverkehr/users", new JsonObject()
            .put("id", "hafenchefin").put("name", "Hafenchefin").put("roles", new JsonArray().add("hub-admin")));
        assertThat(boss.status()).as(boss.body()).isEqualTo(201);
        HubClient memberAdmin = admin.withToken(token(admin, "stadtverkehr", "ma-takeover", "member-admin"));
        String user = "/api/v1/admin/members/stadtverkehr/users/hafenchefin";

        List<HubClient.Response> refused = List.of(memberAdmin.post(user + "/setup-code"),
            memberAdmin.patch(user, "application/json", new JsonObject().put("roles", new JsonArray().add("viewer"))
                .encode()),
            memberAdmin.patch(user, "application/json", new JsonObject().put("state", "disabled").encode()),
            memberAdmin.patch(user, "application/json", new JsonObject().put("name", "x").encode()),
            memberAdmin.delete(user));

        for (HubClient.Response r : refused) {
            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(r.json().getString("field")).isEqualTo("user");
            assertThat(r.body()).doesNotContain("setupCode");
        }
        assertThat(refused.get(0).json().getString("error")).isEqualTo("you cannot change user hafenchefin: it holds "
            + "the role hub-admin, which is wider than your own");
        JsonObject after = admin.get(user).json();
        assertThat(after.getJsonArray("roles")).containsExactly("hub-admin");
        assertThat(after.getString("state")).isEqualTo("invited");
        assertThat(after.getString("name")).isEqualTo("Hafenchefin");
        // its own member's users it still manages, and a hub-admin manages the hub-admin
        invite(admin, "stadtverkehr", "ines", "viewer", "a rather long passphrase of hers");
        assertThat(memberAdmin.post("/api/v1/admin/members/stadtverkehr/users/ines/setup-code").status())
            .isEqualTo(200);
        assertThat(admin.post(user + "/setup-code").status()).isEqualTo(200);
    }

    @Test
    void aUserOfAnotherMemberAndNoUserAtAllAreTheSame404() {
        Session anna = login("anna", PASSWORD_A);
        HubClient c = hub.client().anonymous();

        HubClient.Response other = c.get("/api/v1/admin/members/luftblick/users/bert", anna.read());
        HubClient.Response none = c.get("/api/v1/admin/members/luftblick/users/nobody-at-all", anna.read());

        assertThat(other.status()).isEqualTo(404);
        assertThat(none.status()).isEqualTo(404);
        assertThat(other.json().getString("error")).isEqualTo("member luftblick has no user bert");
        assertThat(none.json().getString("error")).isEqualTo("member luftblick has no user nobody-at-all");
    }

    @Test
    void aPasswordSetWithASetupCodeEndsTheUsersSessions() {
        HubClient admin = hub.client();
        invite(admin, "luftblick", "jonas", "viewer", "the first long passphrase");
        Session before = login("jonas", "the first long passphrase");
        assertThat(hub.client().anonymous().get("/api/v1/auth/me", before.read()).status()).isEqualTo(200);

        String code = admin.post("/api/v1/admin/members/luftblick/users/jonas/setup-code").json().getString("setupCode");
        HubClient.Response reset = admin.anonymous().post("/api/v1/auth/setup", new JsonObject().put("code", code)
            .put("password", "the second long passphrase"));

        assertThat(reset.status()).as(reset.body()).isEqualTo(200);
        assertThat(hub.client().anonymous().get("/api/v1/auth/me", before.read()).status()).isEqualTo(401);
    }

    /**
     * A new token's scope and end are checked with its name, each wrong field said at once in the client's language;
     * a scope that is no object is refused, not dropped (dropped, it made a token that reaches every route its roles
     * allow), and a nested key is named as the API takes it ("scope.path", not "path").
     */
    @Test
    void aTokensScopeAndEndAreCheckedWithItsOtherFieldsAtOnce() {
        HubClient admin = hub.client();
        String tokens = "/api/v1/admin/members/luftblick/tokens";
        HubClient.Response all = admin.post(tokens, java.util.Map.of("Content-Type", "application/json",
            "Accept-Language", "de"), new JsonObject().put("name", "").put("roles", new JsonArray().add("viewer"))
                .put("expiresAt", "2020-01-01T00:00:00Z").put("scope", new JsonObject().put("path", "uplinks"))
                .encode());
        assertThat(all.status()).as(all.body()).isEqualTo(400);
        assertThat(all.json().getJsonArray("problems").stream().map(JsonObject.class::cast)
            .map(p -> p.getString("field") + " " + p.getString("code") + " " + p.getString("error")))
            .containsExactly("name text.required Bitte ausfüllen.", "scope.path token.scopePath Ein Pfad, auf den "
                + "ein Token beschränkt ist, beginnt mit / (etwa /api/v1/plugins/air-quality/uplinks).",
                "expiresAt token.expired Das Ablaufdatum liegt in der Vergangenheit.");

        HubClient.Response notAnObject = admin.post(tokens, new JsonObject().put("name", "wide-open")
            .put("roles", new JsonArray().add("viewer")).put("scope", "air-quality"));
        assertThat(notAnObject.status()).as(notAnObject.body()).isEqualTo(400);
        assertThat(notAnObject.json().getString("field")).isEqualTo("scope");
        HubClient.Response misspelt = admin.post(tokens, new JsonObject().put("name", "wide-open")
            .put("roles", new JsonArray().add("viewer")).put("scope", new JsonObject().put("plugins", "air-quality")));
        assertThat(misspelt.status()).as(misspelt.body()).isEqualTo(400);
        assertThat(misspelt.json().getString("field")).isEqualTo("scope");
        HubClient.Response notText = admin.post(tokens, new JsonObject().put("name", "wide-open")
            .put("roles", new JsonArray().add("viewer")).put("scope", new JsonObject().put("path", 7))
            .put("expiresAt", "tomorrow"));
        assertThat(notText.status()).as(notText.body()).isEqualTo(400);
        assertThat(notText.json().getJsonArray("problems").stream().map(JsonObject.class::cast)
            .map(p -> p.getString("field"))).containsExactly("scope.path", "expiresAt");
        assertThat(admin.get(tokens).jsonArray().stream().map(JsonObject.class::cast)
            .map(t -> t.getString("name"))).doesNotContain("wide-open", "");
    }

    /**
     * A member-admin revokes no token wider than their own roles, as they change no such person (a member-admin of the
     * association's own member revoked its hub-admins' tokens); a hub-admin does.
     */
    @Test
    void aMemberAdminRevokesNoTokenWiderThanTheirOwnRoles() {
        HubClient admin = hub.client();
        String tokens = "/api/v1/admin/members/luftblick/tokens";
        HubClient.Response wide = admin.post(tokens, new JsonObject().put("name", "automation-wide")
            .put("roles", new JsonArray().add("hub-admin")));
        HubClient.Response own = admin.post(tokens, new JsonObject().put("name", "member-admin-of-luftblick")
            .put("roles", new JsonArray().add("member-admin")));
        HubClient.Response narrow = admin.post(tokens, new JsonObject().put("name", "automation-narrow")
            .put("roles", new JsonArray().add("member-editor")));
        assertThat(wide.status()).as(wide.body()).isEqualTo(201);
        HubClient memberAdmin = admin.withToken(own.json().getString("token"));

        HubClient.Response refused = memberAdmin.delete(tokens + "/" + wide.json().getString("id"));
        HubClient.Response allowed = memberAdmin.delete(tokens + "/" + narrow.json().getString("id"));

        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().getString("field")).isEqualTo("token");
        assertThat(refused.json().getString("error")).isEqualTo("you cannot revoke token automation-wide: it holds "
            + "the role hub-admin, which is wider than your own");
        assertThat(admin.withToken(wide.json().getString("token")).get("/api/v1/admin/members").status())
            .isEqualTo(200);
        assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
        assertThat(admin.delete(tokens + "/" + wide.json().getString("id")).status()).isEqualTo(200);
    }

    /**
     * A time far beyond the years 1 to 9999 is refused at its field: it was read and wrapped round as the database
     * stored it (a token made to end in the year 999999999 ended in the past, 201 and then 401; an audit filter from
     * then found today's entries).
     */
    @Test
    void aTimeBeyondTheYears1To9999IsRefusedNotWrappedRound() {
        HubClient admin = hub.client();
        HubClient.Response token = admin.post("/api/v1/admin/members/luftblick/tokens", new JsonObject()
            .put("name", "for-ever-and-ever").put("roles", new JsonArray().add("viewer"))
            .put("expiresAt", "+999999999-12-31T23:59:59Z"));
        HubClient.Response from = admin.get("/api/v1/admin/audit?from=%2B999999999-12-31T23:59:59.999999999-18:00");
        HubClient.Response to = admin.get("/api/v1/admin/audit?to=-999999999-01-01T00:00:00%2B18:00");

        assertThat(token.status()).as(token.body()).isEqualTo(400);
        assertThat(token.json().getString("field")).isEqualTo("expiresAt");
        assertThat(from.status()).as(from.body()).isEqualTo(400);
        assertThat(from.json().getString("field")).isEqualTo("from");
        assertThat(to.status()).as(to.body()).isEqualTo(400);
        // the year as the database keeps it, in UTC: 23:00 at -05:00 on the last day of 9999 is in 10000
        assertThat(admin.get("/api/v1/admin/audit?from=9999-12-31T23:00:00-05:00").status()).isEqualTo(400);
        assertThat(admin.get("/api/v1/admin/audit?from=9999-12-31T00:00:00Z").json().getJsonArray("entries"))
            .isEmpty();
    }

    /** A token made with a token reaches no further and lives no longer than the one that made it. */
    @Test
    void aTokenMadeByATokenInheritsItsScopeAndItsEnd() {
        HubClient admin = hub.client();
        java.time.Instant end = java.time.Instant.now().plus(java.time.Duration.ofHours(1))
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        HubClient.Response maker = admin.post("/api/v1/admin/members/luftblick/tokens", new JsonObject()
            .put("name", "short-lived-maker").put("roles", new JsonArray().add("member-admin"))
            .put("expiresAt", end.toString())
            .put("scope", new JsonObject().put("path", "/api/v1/admin/members/luftblick/tokens")));
        assertThat(maker.status()).as(maker.body()).isEqualTo(201);
        HubClient withMaker = admin.withToken(maker.json().getString("token"));

        HubClient.Response child = withMaker.post("/api/v1/admin/members/luftblick/tokens", new JsonObject()
            .put("name", "child-forever").put("roles", new JsonArray().add("member-admin")));
        HubClient.Response wider = withMaker.post("/api/v1/admin/members/luftblick/tokens", new JsonObject()
            .put("name", "child-wider").put("roles", new JsonArray().add("viewer"))
            .put("scope", new JsonObject().put("path", "/api/v1/admin/members/luftblick")));
        HubClient.Response longer = withMaker.post("/api/v1/admin/members/luftblick/tokens", new JsonObject()
            .put("name", "child-longer").put("roles", new JsonArray().add("viewer"))
            .put("expiresAt", end.plusSeconds(60).toString()));

        assertThat(child.status()).as(child.body()).isEqualTo(201);
        assertThat(child.json().getJsonObject("scope").getString("path"))
            .isEqualTo("/api/v1/admin/members/luftblick/tokens");
        assertThat(child.json().getString("expiresAt")).isEqualTo(end.toString());
        assertThat(admin.withToken(child.json().getString("token")).get("/api/v1/admin/members/luftblick/users")
            .status()).isEqualTo(403);
        assertThat(wider.status()).as(wider.body()).isEqualTo(400);
        assertThat(wider.json().getString("field")).isEqualTo("scope.path");
        assertThat(longer.status()).as(longer.body()).isEqualTo(400);
        assertThat(longer.json().getString("field")).isEqualTo("expiresAt");
    }

    /**
     * The probe locked any account for an hour with 100 wrong passwords from ten addresses, the right password
     * included. A browser that signed in as that user before (its known-device cookie) still signs in; others wait.
     */
    @Test
    void anAccountLockedByOthersWrongPasswordsStillLetsInABrowserThatSignedInBefore() throws Exception {
        invite(hub.client(), "luftblick", "karla", "viewer", "the harbour crane at dusk");
        HubClient.Response first = hub.client().anonymous().post("/api/v1/auth/login",
            new JsonObject().put("user", "karla").put("password", "the harbour crane at dusk"));
        String setDevice = first.setCookie("dh_device");
        assertThat(setDevice).as(first.headers().toString()).isNotNull().containsIgnoringCase("HttpOnly")
            .contains("SameSite=Strict", "Max-Age=31536000");
        String device = setDevice.substring(0, setDevice.indexOf(';'));
        int port = hub.port();
        for (int a = 20; a < 30; a++) {
            for (int i = 0; i < 10; i++) {
                login(InetAddress.getByName("127.0.0." + a), port, "karla", "a wrong guess " + i);
            }
        }

        RawHttp.Answer stranger = login(InetAddress.getByName("127.0.0.40"), port, "karla",
            "the harbour crane at dusk");
        HubClient.Response known = hub.client().anonymous().post("/api/v1/auth/login",
            Map.of("Content-Type", "application/json", "Cookie", device),
            new JsonObject().put("user", "karla").put("password", "the harbour crane at dusk").encode());
        HubClient.Response otherUsersCookie = hub.client().anonymous().post("/api/v1/auth/login",
            Map.of("Content-Type", "application/json", "Cookie", device.replace("dh_device=", "dh_device=x")),
            new JsonObject().put("user", "karla").put("password", "the harbour crane at dusk").encode());

        assertThat(stranger.status()).as(stranger.toString()).isEqualTo(429);
        assertThat(known.status()).as(known.body()).isEqualTo(200);
        assertThat(otherUsersCookie.status()).as(otherUsersCookie.body()).isEqualTo(429);
    }

    @Test
    void answersToASessionOrASignInAreStoredByNoCache() {
        HubClient.Response signIn = hub.client().anonymous().post("/api/v1/auth/login",
            new JsonObject().put("user", "anna").put("password", PASSWORD_A));
        Session anna = login("anna", PASSWORD_A);

        HubClient.Response users = hub.client().anonymous().get("/api/v1/admin/members/luftblick/users", anna.read());

        assertThat(signIn.header("Cache-Control")).isEqualTo("no-store");
        assertThat(users.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void aTokenWorksUntilRevokedAndStopsAtOnceWhenItsMemberIsSuspended() {
        HubClient admin = hub.client();
        String viewer = token(admin, "stadtverkehr", "departure-board", "viewer");
        String revoked = token(admin, "stadtverkehr", "old-board", "viewer");
        HubClient asViewer = admin.withToken(viewer);

        assertThat(asViewer.get("/api/v1/admin/members/stadtverkehr").status()).isEqualTo(200);
        assertThat(asViewer.get("/api/v1/admin/members/luftblick").status()).isEqualTo(403);
        assertThat(asViewer.get("/api/v1/admin/members/stadtverkehr/users").status()).isEqualTo(403);
        // the integrations a viewer sees are its own member's plugins' (stadtverkehr owns none here)
        assertThat(asViewer.get("/api/v1/admin/integrations").jsonArray()).isEmpty();
        assertThat(admin.get("/api/v1/admin/integrations").status()).isEqualTo(200);
        assertThat(asViewer.post("/api/v1/admin/plugins", "application/zip", "x").status()).isEqualTo(403);

        String id = admin.get("/api/v1/admin/members/stadtverkehr/tokens").jsonArray().stream()
            .map(o -> (JsonObject) o).filter(o -> o.getString("name").equals("old-board")).findFirst().orElseThrow()
            .getString("id");
        assertThat(admin.withToken(revoked).get("/api/v1/auth/me").status()).isEqualTo(200);
        assertThat(admin.delete("/api/v1/admin/members/stadtverkehr/tokens/" + id).status()).isEqualTo(200);
        assertThat(admin.withToken(revoked).get("/api/v1/auth/me").status()).isEqualTo(401);

        JsonObject listed = admin.get("/api/v1/admin/members/stadtverkehr/tokens").jsonArray().stream()
            .map(o -> (JsonObject) o).filter(o -> o.getString("name").equals("departure-board")).findFirst()
            .orElseThrow();
        assertThat(listed.getString("lastUsedAt")).isNotNull();
        assertThat(listed.containsKey("token")).isFalse();
        assertThat(listed.encode()).doesNotContain(viewer.substring(16));

        // a method the path has no route for is the router's 405 with the path's methods, whoever asks
        HubClient.Response put = admin.put("/api/v1/admin/members/stadtverkehr", new JsonObject());
        assertThat(put.status()).isEqualTo(405);
        assertThat(put.header("Allow")).isEqualTo("GET, HEAD, PATCH");
        Session bert = login("bert", PASSWORD_B);
        assertThat(admin.anonymous().get("/api/v1/auth/me", bert.read()).status()).isEqualTo(200);
        HubClient.Response suspended = admin.send("PATCH", "/api/v1/admin/members/stadtverkehr",
            new JsonObject().put("state", "suspended"));
        assertThat(suspended.status()).as(suspended.body()).isEqualTo(200);
        assertThat(asViewer.get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(admin.anonymous().get("/api/v1/auth/me", bert.read()).status()).isEqualTo(401);
        HubClient.Response login = admin.anonymous().post("/api/v1/auth/login",
            new JsonObject().put("user", "bert").put("password", PASSWORD_B));
        // the right password of a suspended member's person: no session, and said so (it was "not right")
        assertThat(login.status()).as(login.body()).isEqualTo(403);
        assertThat(login.json().getString("code")).isEqualTo("login.suspended");
        assertThat(login.setCookie("dh_session")).isNull();
        assertThat(admin.send("PATCH", "/api/v1/admin/members/stadtverkehr",
            new JsonObject().put("state", "active")).status()).isEqualTo(200);
        assertThat(asViewer.get("/api/v1/auth/me").status()).isEqualTo(200);
        // a session ends with the suspension (its token pauses): its person signs in again
        assertThat(admin.anonymous().get("/api/v1/auth/me", bert.read()).status()).isEqualTo(401);
    }

    @Test
    void fiftyWrongPasswordsGet429sAndAuditEntriesWhileTheRightOneFromAnotherAddressStillWorks() throws Exception {
        int port = hub.client().baseUri().getPort();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            statuses.add(login(InetAddress.getByName("127.0.0.3"), port, "anna", "wrong password " + i).status());
        }
        RawHttp.Answer right = login(InetAddress.getByName("127.0.0.4"), port, "anna", PASSWORD_A);

        assertThat(statuses.subList(0, 10)).containsOnly(401);
        assertThat(statuses.subList(10, 50)).containsOnly(429);
        assertThat(right.status()).as(right.body()).isEqualTo(200);
        JsonArray entries = hub.client().get("/api/v1/admin/audit?action=POST%20/api/v1/auth/login&limit=1000").json()
            .getJsonArray("entries");
        long refused = entries.stream().map(o -> (JsonObject) o)
            .filter(e -> "127.0.0.3".equals(e.getString("client"))).count();
        assertThat(refused).isEqualTo(50);
        assertThat(entries.stream().map(o -> (JsonObject) o).filter(e -> "127.0.0.3".equals(e.getString("client"))))
            .allSatisfy(e -> assertThat(e.getString("target")).isEqualTo("{user=anna}"));
    }

    @Test
    void theConsolesCallsCountTheBrowsersAddressAndNoRequestCanClaimOne() throws Exception {
        int port = hub.client().baseUri().getPort();
        Session anna = login("anna", PASSWORD_A);
        // anna (luftblick) opens stadtverkehr's page in the console from 127.0.0.5: the console asks the API as
        // anna, the API refuses, and the refusal is audited with the browser's address, not the hub's own
        RawHttp.Answer page = RawHttp.sendFrom(InetAddress.getByName("127.0.0.5"), port, ("GET "
            + "/console/members/stadtverkehr HTTP/1.1\r\nHost: hub\r\nCookie: " + anna.cookie()
            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        // a request that claims an address with the header the console uses: from another machine (127.0.0.6) and
        // from the hub's own (127.0.0.1) with a made-up key
        String forged = "GET /api/v1/admin/members/stadtverkehr/users HTTP/1.1\r\nHost: hub\r\nCookie: "
            + anna.cookie() + "\r\nDatenhafen-Client-Address: 0123456789abcdef 10.9.8.7\r\nConnection: close"
            + "\r\n\r\n";
        RawHttp.Answer remote = RawHttp.sendFrom(InetAddress.getByName("127.0.0.6"), port,
            forged.getBytes(StandardCharsets.US_ASCII));
        RawHttp.Answer local = RawHttp.sendFrom(InetAddress.getByName("127.0.0.1"), port,
            forged.getBytes(StandardCharsets.US_ASCII));

        assertThat(page.status()).as(page.toString()).isEqualTo(403);
        assertThat(remote.status()).isEqualTo(403);
        assertThat(local.status()).isEqualTo(403);
        JsonArray entries = hub.client().get("/api/v1/admin/audit?limit=1000").json().getJsonArray("entries");
        List<String> refusedClients = entries.stream().map(o -> (JsonObject) o)
            .filter(e -> "user:anna".equals(e.getString("principal")) && e.getInteger("outcome", 0) == 403)
            .map(e -> e.getString("client")).toList();
        assertThat(refusedClients).contains("127.0.0.5", "127.0.0.6", "127.0.0.1").doesNotContain("10.9.8.7");
    }

    static RawHttp.Answer login(InetAddress from, int port, String user, String password) {
        byte[] body = new JsonObject().put("user", user).put("password", password).encode()
            .getBytes(StandardCharsets.UTF_8);
        String head = "POST /api/v1/auth/login HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n"
            + "Connection: close\r\nContent-Length: " + body.length + "\r\n\r\n";
        byte[] request = new byte[head.length() + body.length];
        System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, request, 0, head.length());
        System.arraycopy(body, 0, request, head.length(), body.length);
        return RawHttp.sendFrom(from, port, request);
    }

    @Test
    void theAuditLogRecordsChangesAndRefusalsAndNoApiChangesOrDeletesAnEntry() {
        HubClient admin = hub.client();
        admin.post("/api/v1/admin/members", new JsonObject().put("id", "kulturamt").put("name", "Kulturamt"));
        admin.anonymous().get("/api/v1/admin/integrations");

        JsonArray entries = admin.get("/api/v1/admin/audit?limit=1000").json().getJsonArray("entries");
        JsonObject created = entries.stream().map(o -> (JsonObject) o)
            .filter(e -> "POST /api/v1/admin/members".equals(e.getString("action"))
                && e.getInteger("outcome") == 201).reduce((a, b) -> b).orElseThrow();
        assertThat(created.getString("principal")).startsWith("bootstrap:");
        assertThat(entries.stream().map(o -> (JsonObject) o)
            .anyMatch(e -> e.getInteger("outcome") == 401 && e.getString("principal") == null
                && e.getString("action").equals("GET /api/v1/admin/integrations"))).isTrue();

        long seq = created.getLong("seq");
        for (String method : List.of("PUT", "PATCH", "DELETE", "POST")) {
            HubClient.Response r = admin.send(method, "/api/v1/admin/audit/" + seq, new JsonObject());
            assertThat(r.status()).as(method + " " + r.body()).isEqualTo(403);
            HubClient.Response all = admin.send(method, "/api/v1/admin/audit", new JsonObject());
            assertThat(all.status()).as(method + " all " + all.body()).isEqualTo(405); // the log is read, only
            assertThat(all.header("Allow")).isEqualTo("GET, HEAD");
        }
        JsonObject again = admin.get("/api/v1/admin/audit?limit=1000").json().getJsonArray("entries").stream()
            .map(o -> (JsonObject) o).filter(e -> e.getLong("seq") == seq).findFirst().orElseThrow();
        assertThat(again).isEqualTo(created);

        // newest first, a page at a time back from the end (the console's order): the same entries, reversed
        List<Long> oldestFirst = admin.get("/api/v1/admin/audit?limit=1000").json().getJsonArray("entries").stream()
            .map(o -> ((JsonObject) o).getLong("seq")).toList();
        List<Long> newestFirst = new java.util.ArrayList<>();
        String before = String.valueOf(Long.MAX_VALUE);
        while (newestFirst.size() < oldestFirst.size()) {
            JsonObject page = admin.get("/api/v1/admin/audit?limit=7&before=" + before).json();
            page.getJsonArray("entries").forEach(o -> newestFirst.add(((JsonObject) o).getLong("seq")));
            before = String.valueOf(page.getValue("next"));
        }
        assertThat(newestFirst.subList(0, oldestFirst.size())).isSortedAccordingTo(java.util.Comparator.reverseOrder())
            .startsWith(oldestFirst.stream().sorted(java.util.Comparator.reverseOrder()).limit(7).toArray(Long[]::new));
        HubClient.Response both = admin.get("/api/v1/admin/audit?after=1&before=9");
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.json().getString("field")).isEqualTo("before");
    }

    /**
     * A sign-in's user name is anyone's text: one written as {@code x,member=stadtverkehr} was filed under that member,
     * so anyone could write into any member's audit log (an attacker's probe). It is kept in the entry, escaped, and
     * the entry belongs to no member.
     */
    @Test
    void aSignInsUserNameCannotFileItsEntryUnderAMember() {
        String forged = "lina,member=stadtverkehr} password reset by hub-admin {ok";
        HubClient.Response r = hub.client().anonymous().post("/api/v1/auth/login", new JsonObject()
            .put("user", forged).put("password", "x"));
        assertThat(r.status()).isEqualTo(401);

        JsonObject entry = hub.client().get("/api/v1/admin/audit?before=" + Long.MAX_VALUE
            + "&action=POST%20/api/v1/auth/login").json().getJsonArray("entries").stream().map(o -> (JsonObject) o)
            .filter(e -> e.getString("target", "").contains("lina")).findFirst().orElseThrow();
        assertThat(entry.getString("member")).isNull();
        // its signs of a target %-encoded: one value, which names no member or person of its own
        assertThat(entry.getString("target")).isEqualTo("{user=lina%2Cmember%3Dstadtverkehr%7D password reset by "
            + "hub-admin %7Bok}");
        assertThat(hub.client().get("/api/v1/admin/audit?member=stadtverkehr&limit=1000").json()
            .getJsonArray("entries").encode()).doesNotContain("lina");
    }

    @Test
    void aMemberReadsOnlyItsOwnAuditEntries() {
        Session anna = login("anna", PASSWORD_A);

        HubClient.Response own = hub.client().anonymous().get("/api/v1/admin/audit?limit=1000", anna.read());
        HubClient.Response other = hub.client().anonymous().get("/api/v1/admin/audit?member=stadtverkehr",
            anna.read());

        assertThat(own.status()).isEqualTo(200);
        // its own, or its people's and tokens' at another member's (marked so)
        assertThat(own.json().getJsonArray("entries")).isNotEmpty().allSatisfy(e ->
            assertThat(java.util.Arrays.asList(((JsonObject) e).getString("member"),
                ((JsonObject) e).getString("actorMember"))).contains("luftblick"));
        assertThat(other.status()).isEqualTo(403);
    }

    @Test
    void noPasswordTokenSetupCodeOrSessionIsStoredOrAuditedInTheClear() throws Exception {
        HubClient admin = hub.client();
        String secret = token(admin, "luftblick", "uplinks", "member-editor");
        HubClient.Response invited = admin.post("/api/v1/admin/members/luftblick/users", new JsonObject()
            .put("id", "dora").put("name", "Dora").put("roles", new JsonArray().add("viewer")));
        String code = invited.json().getString("setupCode");
        String password = "Sonnenschein über der Trave";
        assertThat(admin.anonymous().post("/api/v1/auth/setup", new JsonObject().put("code", code)
            .put("password", password)).status()).isEqualTo(200);
        Session dora = login("dora", password);
        admin.withToken(secret).get("/api/v1/auth/me");
        admin.anonymous().post("/api/v1/auth/login", new JsonObject().put("user", "dora").put("password",
            "a wrong one that is long"));

        List<String> found = new ArrayList<>();
        try (Connection c = hub.hub().database().connection(); Statement s = c.createStatement()) {
            for (String table : List.of("MEMBER", "HUB_USER", "API_TOKEN", "HUB_SESSION", "AUDIT_ENTRY")) {
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            String v = rs.getString(i);
                            for (String secretText : List.of(secret, secret.substring(16), code, password,
                                "a wrong one that is long", dora.cookie().substring(dora.cookie().indexOf('=') + 1),
                                dora.csrf())) {
                                if (v != null && v.contains(secretText)) {
                                    found.add(table + "." + rs.getMetaData().getColumnName(i));
                                }
                            }
                        }
                    }
                }
            }
        }
        assertThat(found).as("columns holding a secret in the clear").isEmpty();
    }

    /**
     * A refusal names its code, and a client that ranks German first (the console says its page's language) gets the
     * catalogue's German words; any other client the hub's English ones.
     */
    @Test
    void aRefusalHasItsCodeAndGermanWordsForAClientThatAsksInGerman() {
        HubClient admin = hub.client();
        String body = new JsonObject().put("id", "doppelt").put("name", "Doppelt e.V.").encode();
        assertThat(admin.post("/api/v1/admin/members", Map.of("Content-Type", "application/json"), body).status())
            .isEqualTo(201);
        HubClient.Response english = admin.post("/api/v1/admin/members", Map.of("Content-Type", "application/json"),
            body);
        HubClient.Response german = admin.post("/api/v1/admin/members", Map.of("Content-Type", "application/json",
            "Accept-Language", "de-DE,de;q=0.9,en;q=0.5"), body);
        assertThat(english.status()).isEqualTo(409);
        assertThat(english.json().getString("error")).isEqualTo("member doppelt exists already");
        assertThat(english.json().getString("code")).isEqualTo("member.exists");
        assertThat(german.status()).isEqualTo(409);
        assertThat(german.json().getString("error")).isEqualTo("Das Mitglied doppelt gibt es schon.");
        assertThat(german.json().getString("code")).isEqualTo("member.exists");
        assertThat(german.json().getString("field")).isEqualTo("id");
        assertThat(german.header("Vary")).contains("Accept-Language");
        HubClient.Response tooLong = admin.post("/api/v1/admin/members", Map.of("Content-Type", "application/json",
            "Accept-Language", "de"), new JsonObject().put("id", "lang").put("name", "x".repeat(201)).encode());
        assertThat(tooLong.json().getString("error")).isEqualTo("Höchstens 200 Zeichen.");
        assertThat(tooLong.json().getString("field")).isEqualTo("name");
    }

    @Test
    void everyRouteOfTheHubHasAnAccessRule() {
        assertThat(hub.hub().httpApi().routesWithoutRule()).isEmpty();
    }

    /**
     * Every change the audit records has words in the console, in German and English ("Benutzer eingeladen", not
     * the route alone), and no words stand for a route that is gone (the console's key: method and route, the
     * prefix and colons dropped, dots for spaces and slashes).
     */
    @Test
    void everyChangingRouteHasWordsInTheConsolesAuditAndNoWordsAreLeftOver() throws java.io.IOException {
        java.util.Set<String> keys = new java.util.TreeSet<>();
        for (var r : hub.hub().httpApi().routes()) {
            if (!r.method().equals("GET") && !r.method().equals("HEAD") && !r.method().equals("OPTIONS")) {
                keys.add("audit.do." + (r.method() + " " + r.path()).replace("/api/v1/", "").replace(":", "")
                    .replace(' ', '.').replace('/', '.'));
            }
        }
        for (String language : new String[] {"de", "en"}) {
            java.util.Properties words = new java.util.Properties();
            try (var in = new java.io.InputStreamReader(getClass().getClassLoader().getResourceAsStream(
                "web/console/messages_" + language + ".properties"), java.nio.charset.StandardCharsets.UTF_8)) {
                words.load(in);
            }
            java.util.Set<String> worded = new java.util.TreeSet<>(words.stringPropertyNames());
            worded.removeIf(k -> !k.startsWith("audit.do."));
            assertThat(worded).as(language).containsExactlyInAnyOrderElementsOf(keys);
        }
    }

    @Test
    void aPasswordThatHoldsTheAccountsNameIsRefused() {
        HubClient admin = hub.client();
        String code = admin.post("/api/v1/admin/members/luftblick/users", new JsonObject().put("id", "frieda")
            .put("name", "Frieda").put("roles", new JsonArray().add("viewer"))).json().getString("setupCode");

        HubClient.Response r = admin.anonymous().post("/api/v1/auth/setup",
            new JsonObject().put("code", code).put("password", "frieda's long password"));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getString("error")).isEqualTo("a password cannot contain the account's name, its member's "
            + "or the hub's");
    }

    @Test
    void aPasswordIsRefusedByLengthNotByCharacterClasses() {
        HubClient admin = hub.client();
        String code = admin.post("/api/v1/admin/members/luftblick/users", new JsonObject().put("id", "emil")
            .put("name", "Emil").put("roles", new JsonArray().add("viewer"))).json().getString("setupCode");

        HubClient.Response shortOne = admin.anonymous().post("/api/v1/auth/setup",
            new JsonObject().put("code", code).put("password", "Sh0rt!"));
        HubClient.Response plainLong = admin.anonymous().post("/api/v1/auth/setup",
            new JsonObject().put("code", code).put("password", "just lower case words here"));
        HubClient.Response used = admin.anonymous().post("/api/v1/auth/setup",
            new JsonObject().put("code", code).put("password", "another long password"));

        assertThat(shortOne.status()).isEqualTo(400);
        assertThat(shortOne.json().getString("field")).isEqualTo("password");
        assertThat(plainLong.status()).as(plainLong.body()).isEqualTo(200);
        assertThat(used.status()).isEqualTo(400);
        assertThat(used.json().getString("field")).isEqualTo("code");
    }
}
