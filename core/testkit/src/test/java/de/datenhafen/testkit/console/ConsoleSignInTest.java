package de.datenhafen.testkit.console;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.testkit.Browser;
import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.RawHttp;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Signing in and out of the console, its navigation by role, and its CSRF protection. */
class ConsoleSignInTest {

    @RegisterExtension
    static final HubExtension hub = People.hub().build();

    @RegisterExtension
    static final Browser browser = Browser.chromium();

    @BeforeAll
    static void people() {
        People.create(hub.client());
    }

    private static List<String> navigation() {
        return browser.driver().findElements(By.cssSelector("nav.shell-nav a")).stream().map(WebElement::getText)
            .toList();
    }

    @Test
    void aWrongPasswordShowsAMessageAndOpensNoSession() {
        browser.clearCookies().size(360, 800).open(hub.client().baseUri().resolve("/console/"));
        browser.await(d -> d.getCurrentUrl().contains("/console/sign-in"));
        browser.assertAccessible();

        browser.driver().findElement(By.id("user")).sendKeys(People.ADMIN);
        browser.driver().findElement(By.id("password")).sendKeys("not the password");
        browser.driver().findElement(By.cssSelector("form.sign-in button[type=submit]")).click();

        WebElement problem = browser.await(d -> d.findElement(By.id("sign-in-problem")));
        assertThat(problem.getText()).isEqualTo("Benutzer oder Passwort ist nicht richtig.");
        assertThat(problem.getAttribute("role")).isEqualTo("alert");
        assertThat(browser.driver().manage().getCookieNamed("dh_session")).isNull();
        assertThat(browser.driver().findElement(By.id("user")).getAttribute("value")).isEqualTo(People.ADMIN);
        browser.assertAccessible();
    }

    /**
     * A person an admin disabled, or whose member is suspended, is told so once they gave their right password (they
     * were told it was wrong, and tried again); a wrong password is wrong as before. An id typed with capitals is the
     * same person (ids are lower case).
     */
    @Test
    void aDisabledPersonIsToldSoAndAnIdTypedWithCapitalsSignsIn() throws Exception {
        assertThat(hub.client().post("/api/v1/admin/members", new JsonObject().put("id", "fischerei")
            .put("name", "Fischerei Travemünde")).status()).isEqualTo(201);
        People.invite(hub.client(), "fischerei", "hanna", "viewer", "Kutter im Morgennebel");
        String person = "/api/v1/admin/members/fischerei/users/hanna";
        assertThat(hub.client().patch(person, "application/json", new JsonObject().put("state", "disabled").encode())
            .status()).isEqualTo(200);

        assertThat(signInSays("hanna", "Kutter im Morgennebel"))
            .isEqualTo("Ihr Benutzerkonto ist deaktiviert. Die Administration Ihres Mitglieds kann es wieder "
                + "aktivieren.");
        assertThat(browser.driver().manage().getCookieNamed("dh_session")).isNull();
        browser.assertAccessible();
        // a wrong one says nothing of the account (from an address of its own: the browser's failures add up)
        assertThat(form(java.net.InetAddress.getByName("127.0.0.62"), "/console/sign-in",
            "user=hanna&password=geraten").body()).contains("Benutzer oder Passwort ist nicht richtig.")
            .doesNotContain("deaktiviert");

        assertThat(hub.client().patch(person, "application/json", new JsonObject().put("state", "active").encode())
            .status()).isEqualTo(200);
        assertThat(hub.client().patch("/api/v1/admin/members/fischerei", "application/json", new JsonObject()
            .put("state", "suspended").encode()).status()).isEqualTo(200);
        assertThat(signInSays("hanna", "Kutter im Morgennebel")).isEqualTo("Das Mitglied, zu dem Ihr Konto gehört, "
            + "ist gesperrt: Bis ein Hub-Admin es wieder freigibt, kann sich niemand dort anmelden.");
        assertThat(browser.driver().manage().getCookieNamed("dh_session")).isNull();

        assertThat(hub.client().patch("/api/v1/admin/members/fischerei", "application/json", new JsonObject()
            .put("state", "active").encode()).status()).isEqualTo(200);
        browser.driver().findElement(By.id("user")).clear();
        browser.driver().findElement(By.id("user")).sendKeys(" Hanna");
        browser.driver().findElement(By.id("password")).sendKeys("Kutter im Morgennebel");
        browser.submit(By.cssSelector("form.sign-in button[type=submit]"));
        assertThat(browser.driver().findElement(By.cssSelector("form.who span")).getText())
            .isEqualTo("Angemeldet als hanna (fischerei)");
        // each in the audit, the sign-in that worked too (the console's were not: its form is not the API's path)
        List<JsonObject> audited = hub.client().get("/api/v1/admin/audit?member=fischerei&action="
            + "POST%20/api/v1/auth/login").json().getJsonArray("entries").stream().map(o -> (JsonObject) o).toList();
        assertThat(audited).extracting(e -> e.getInteger("outcome")).containsExactly(403, 403, 303);
        assertThat(audited.get(2).getString("principal")).contains("hanna");
    }

    /**
     * A session that ended while the page was open (here: an admin changed the person's roles) sends the browser to
     * the sign-in page, which says that it ended (it said nothing, as to someone who had never signed in); a browser
     * without a session is not told so.
     */
    @Test
    void aSessionThatEndedIsSaidSoAtTheSignIn() {
        People.invite(hub.client(), "luftblick", "ida", "viewer", "Leuchtturm bei Travemünde");
        People.signIn(browser.size(1280, 900), hub.client(), "ida", "Leuchtturm bei Travemünde", "/console/");
        assertThat(hub.client().patch("/api/v1/admin/members/luftblick/users/ida", "application/json",
            new JsonObject().put("roles", new io.vertx.core.json.JsonArray().add("member-editor")).encode()).status())
            .isEqualTo(200);

        browser.open(hub.client().baseUri().resolve("/console/integrations"));
        assertThat(browser.driver().getCurrentUrl()).contains("/console/sign-in?ended&next=");
        assertThat(browser.driver().findElement(By.id("session-ended")).getText()).startsWith("Ihre Anmeldung ist "
            + "beendet: nach einer Weile ohne Aktivität, nach Ablauf ihrer Zeit oder weil Ihr Passwort oder Ihre "
            + "Rollen geändert, Ihr Konto deaktiviert oder Ihr Mitglied gesperrt wurde.");
        browser.assertAccessible();

        browser.clearCookies().open(hub.client().baseUri().resolve("/console/integrations"));
        assertThat(browser.driver().getCurrentUrl()).contains("/console/sign-in?next=");
        assertThat(browser.driver().findElements(By.id("session-ended"))).isEmpty();
    }

    /**
     * A refused sign-in keeps the page that was asked for: the next one then leads there (it led to the overview).
     * Refused here as a disabled person, which counts as no failure (the browser's wrong passwords add up).
     */
    @Test
    void aRefusedSignInKeepsThePageAskedFor() {
        People.invite(hub.client(), "luftblick", "jan", "viewer", "Möwen über dem Hafen");
        String jan = "/api/v1/admin/members/luftblick/users/jan";
        assertThat(hub.client().patch(jan, "application/json", new JsonObject().put("state", "disabled").encode())
            .status()).isEqualTo(200);
        browser.clearCookies().size(1280, 900).open(hub.client().baseUri().resolve("/console/audit?action=login"));
        browser.driver().findElement(By.id("user")).sendKeys("jan");
        browser.driver().findElement(By.id("password")).sendKeys("Möwen über dem Hafen");
        browser.submit(By.cssSelector("form.sign-in button[type=submit]"));
        browser.await(d -> d.findElement(By.id("sign-in-problem")));
        assertThat(hub.client().patch(jan, "application/json", new JsonObject().put("state", "active").encode())
            .status()).isEqualTo(200);
        browser.driver().findElement(By.id("password")).sendKeys("Möwen über dem Hafen");
        browser.submit(By.cssSelector("form.sign-in button[type=submit]"));
        browser.await(d -> d.getCurrentUrl().endsWith("/console/audit?action=login") ? true : null);
    }

    /** Signs in on the sign-in page with {@code user} and {@code password}, which refuses: what it says. */
    private static String signInSays(String user, String password) {
        browser.clearCookies().size(1280, 900).open(hub.client().baseUri().resolve("/console/sign-in"));
        browser.driver().findElement(By.id("user")).sendKeys(user);
        browser.driver().findElement(By.id("password")).sendKeys(password);
        browser.submit(By.cssSelector("form.sign-in button[type=submit]"));
        return browser.await(d -> d.findElement(By.id("sign-in-problem"))).getText();
    }

    /**
     * An invited person sets a password with the setup code in the console, from the sign-in page's link, and is
     * signed in; a wrong code, a password the rules refuse and two passwords that differ are said at their field, in
     * the page's language (there was no page for it: the code could be used through the API alone).
     */
    @Test
    void anInvitedPersonSetsAPasswordWithTheSetupCodeAndIsSignedIn() {
        HubClient.Response invited = hub.client().post("/api/v1/admin/members/luftblick/users", new JsonObject()
            .put("id", "clara").put("name", "Clara").put("roles", new io.vertx.core.json.JsonArray().add("viewer")));
        assertThat(invited.status()).as(invited.body()).isEqualTo(201);
        String code = invited.json().getString("setupCode");
        browser.clearCookies().size(360, 800).open(hub.client().baseUri().resolve("/console/sign-in"));
        browser.driver().findElement(By.linkText("Passwort festlegen")).click();
        browser.await(d -> d.getCurrentUrl().endsWith("/console/setup"));
        browser.assertAccessible();

        setUp("not-the-code", "Ostsee im Winter 2026", "Ostsee im Winter 2026");
        assertThat(problem()).isEqualTo("Dieser Einrichtungscode ist unbekannt, schon benutzt oder abgelaufen. "
            + "Bitten Sie Ihre Administration um einen neuen.");
        assertThat(browser.driver().findElement(By.id("code")).getAttribute("aria-invalid")).isEqualTo("true");
        browser.assertAccessible();
        setUp(code, "kurz", "kurz");
        assertThat(problem()).isEqualTo("Ein Passwort hat mindestens 12 Zeichen (beliebige Zeichen; ein paar Wörter "
            + "sind ein gutes).");
        assertThat(browser.driver().findElement(By.id("password")).getAttribute("aria-invalid")).isEqualTo("true");
        setUp(code, "Ostsee im Winter 2026", "Ostsee im Sommer 2026");
        assertThat(problem()).isEqualTo("Die beiden Passwörter sind nicht gleich.");

        setUp(code, "Ostsee im Winter 2026", "Ostsee im Winter 2026");
        browser.await(d -> d.getCurrentUrl().endsWith("/console/"));
        assertThat(browser.driver().findElement(By.cssSelector("form.who span")).getText())
            .isEqualTo("Angemeldet als clara (luftblick)");
        HubClient.Response again = hub.client().anonymous().post("/api/v1/auth/setup", new JsonObject()
            .put("code", code).put("password", "Ostsee im Winter 2027"));
        assertThat(again.status()).as("a code works once").isEqualTo(400);
    }

    private static void setUp(String code, String password, String repeat) {
        for (String[] f : new String[][] {{"code", code}, {"password", password}, {"repeat", repeat}}) {
            WebElement input = browser.driver().findElement(By.id(f[0]));
            input.clear();
            input.sendKeys(f[1]);
        }
        browser.submit(By.cssSelector("form.sign-in button[type=submit]"));
    }

    private static String problem() {
        return browser.await(d -> d.findElement(By.id("setup-problem"))).getText();
    }

    @Test
    void aHubAdminSignsInSeesEveryAreaAndSignsOut() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/");

        assertThat(browser.driver().getTitle()).isEqualTo("Übersicht – Datenhafen Konsole");
        assertThat(navigation()).containsExactly("Übersicht", "Plugins", "Integrationen", "Flows", "Bus", "Unzustellbar",
            "Mitglieder", "Audit-Log");
        assertThat(browser.driver().findElement(By.cssSelector("form.who span")).getText())
            .isEqualTo("Angemeldet als vera (verein)");
        browser.assertAccessible();

        browser.driver().findElement(By.cssSelector("form.who button")).click();

        browser.await(d -> d.getCurrentUrl().endsWith("/console/sign-in?signed-out"));
        assertThat(browser.driver().findElement(By.id("signed-out")).getText()).isEqualTo("Sie sind abgemeldet.");
        browser.assertAccessible();
        assertThat(browser.driver().manage().getCookieNamed("dh_session")).isNull();
        browser.open(hub.client().baseUri().resolve("/console/"));
        assertThat(browser.driver().getCurrentUrl()).contains("/console/sign-in?next=%2Fconsole%2F");
    }

    @Test
    void aMembersAdminSeesOnlyTheAreasOfItsMemberAndComesBackWhereItWantedToGo() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ANNA, People.ANNA_PASSWORD,
            "/console/integrations");

        assertThat(browser.driver().getCurrentUrl()).endsWith("/console/integrations");
        assertThat(navigation()).containsExactly("Übersicht", "Plugins", "Integrationen", "Flows", "Mein Mitglied",
            "Audit-Log");
    }

    @Test
    void theConsoleSpeaksEnglishAfterTheSwitchAndKeepsIt() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/integrations");

        browser.driver().findElement(By.linkText("English")).click();

        browser.await(d -> d.getTitle().equals("Integrations – Datenhafen console"));
        assertThat(browser.driver().findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
        assertThat(browser.driver().getCurrentUrl()).endsWith("/console/integrations");
        browser.driver().findElement(By.linkText("Overview")).click();
        browser.await(d -> d.getTitle().equals("Overview – Datenhafen console"));
        assertThat(navigation()).containsExactly("Overview", "Plugins", "Integrations", "Flows", "Bus", "Dead letters",
            "Members", "Audit log");
        browser.assertAccessible();
        browser.driver().findElement(By.linkText("Deutsch")).click();
        browser.await(d -> d.getTitle().equals("Übersicht – Datenhafen Konsole"));
    }

    /**
     * A browser that signs in anew (here: sets up another person's password) leaves no session of before behind: the
     * old one stayed valid, out of its reach to sign out of (an attacker's probe).
     */
    @Test
    void aSetUpOrSignInEndsTheSessionTheBrowserCameWith() {
        HubClient c = hub.client().anonymous();
        String vera = People.sessionCookie(c, People.ADMIN, People.ADMIN_PASSWORD);
        HubClient.Response invited = hub.client().post("/api/v1/admin/members/stadtverkehr/users", new JsonObject()
            .put("id", "dora").put("name", "Dora").put("roles", new io.vertx.core.json.JsonArray().add("viewer")));
        String form = "code=" + java.net.URLEncoder.encode(invited.json().getString("setupCode"),
            java.nio.charset.StandardCharsets.UTF_8) + "&password=Drei+Linien+am+Hafen"
            + "&repeat=Drei+Linien+am+Hafen";

        HubClient.Response r = c.post("/console/setup", Map.of("Cookie", vera, "Content-Type",
            "application/x-www-form-urlencoded"), form);

        assertThat(r.status()).as(r.body()).isEqualTo(303);
        assertThat(r.header("Location")).isEqualTo("/console/");
        assertThat(c.get("/api/v1/auth/me", People.cookie(vera)).status()).as("vera's session ended").isEqualTo(401);
        String dora = r.setCookie("dh_session");
        assertThat(c.get("/api/v1/auth/me", People.cookie(dora.substring(0, dora.indexOf(';')))).json()
            .getString("id")).isEqualTo("dora");
    }

    /**
     * The setup form as an attacker sends it: from another site, too large, malformed, with markup in the code. Each
     * is refused or shown escaped, and no code is used up.
     */
    @Test
    void theSetupFormRefusesHostileBodiesAndEchoesTheCodeEscaped() {
        HubClient c = hub.client().anonymous();
        Map<String, String> form = Map.of("Content-Type", "application/x-www-form-urlencoded");

        HubClient.Response crossSite = c.post("/console/setup", Map.of("Content-Type",
            "application/x-www-form-urlencoded", "Sec-Fetch-Site", "cross-site"), "code=x&password=p&repeat=p");
        assertThat(crossSite.status()).isEqualTo(403);
        assertThat(crossSite.body()).contains("<form");
        HubClient.Response huge = c.post("/console/setup", form, "code=" + "a".repeat(1_000_000));
        assertThat(huge.status()).isEqualTo(413);
        HubClient.Response malformed = c.post("/console/setup", form, "code=%zz&password=%C3%28");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().getString("field")).isNotNull();

        HubClient.Response markup = c.post("/console/setup", form,
            "code=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E&password=Ostsee+im+Winter+2026&repeat=Ostsee+im+Winter+2026");
        assertThat(markup.status()).isEqualTo(400);
        assertThat(markup.body()).doesNotContain("<script>alert(1)</script>").contains("&lt;script&gt;")
            .contains("Dieser Einrichtungscode ist unbekannt");
    }

    /**
     * The sign-in and setup pages that say "too many" say when to try again as the API does ({@code Retry-After}), so
     * a client or a proxy can wait (they said it in words only). A client address of its own (127.0.0.61), so the
     * limit it reaches holds for no other test.
     */
    @Test
    void theSignInAndSetupPagesAtTheLimitSayWhenToTryAgain() throws Exception {
        java.net.InetAddress from = java.net.InetAddress.getByName("127.0.0.61");
        RawHttp.Answer signIn = null;
        for (int i = 0; i < 12 && (signIn == null || signIn.status() != 429); i++) {
            signIn = form(from, "/console/sign-in", "user=" + People.ADMIN + "&password=wrong+" + i);
            assertThat(signIn.status()).as(signIn.toString()).isIn(401, 429);
        }
        assertThat(signIn.status()).isEqualTo(429);
        assertThat(signIn.body()).contains("<form", "role=\"alert\"");
        assertThat(Long.parseLong(signIn.header("Retry-After"))).isBetween(1L, 3_600L);
        assertThat(signIn.body()).contains("Zu viele fehlgeschlagene Anmeldungen. Versuchen Sie es in "
            + seconds(signIn.header("Retry-After")) + " noch einmal.");

        RawHttp.Answer setup = form(from, "/console/setup", "code=x&password=Ostsee+im+Winter+2026"
            + "&repeat=Ostsee+im+Winter+2026");
        assertThat(setup.status()).as(setup.toString()).isEqualTo(429);
        assertThat(setup.body()).contains("<form", "id=\"setup-problem\"");
        assertThat(Long.parseLong(setup.header("Retry-After"))).isBetween(1L, 3_600L);
        assertThat(setup.body()).contains("Versuchen Sie es in " + seconds(setup.header("Retry-After")) + " noch");

        RawHttp.Answer other = form(java.net.InetAddress.getByName("127.0.0.62"), "/console/sign-in",
            "user=" + People.ADMIN + "&password=wrong");
        assertThat(other.status()).as("another address is not held").isEqualTo(401);
        assertThat(other.header("Retry-After")).isNull();
    }

    /** A wait of {@code retryAfter} seconds as a German page says it ("einer Sekunde", "1.200 Sekunden"). */
    private static String seconds(String retryAfter) {
        long s = Long.parseLong(retryAfter);
        return s == 1 ? "einer Sekunde" : java.text.NumberFormat.getIntegerInstance(java.util.Locale.GERMAN).format(s)
            + " Sekunden";
    }

    private static RawHttp.Answer form(java.net.InetAddress from, String path, String body) {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return RawHttp.sendFrom(from, hub.hub().port(), ("POST " + path + " HTTP/1.1\r\nHost: localhost\r\n"
            + "Connection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
            + bytes.length + "\r\n\r\n" + body).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void adminAndTheBareConsolePathLeadToTheConsole() {
        HubClient c = hub.client().anonymous();
        for (String path : new String[] {"/admin", "/admin/", "/console"}) {
            HubClient.Response r = c.get(path);
            assertThat(r.status()).as(path).isEqualTo(303);
            assertThat(r.header("Location")).as(path).isEqualTo("/console/");
        }
        HubClient.Response signIn = c.get("/console/");
        assertThat(signIn.status()).isEqualTo(303);
        assertThat(signIn.header("Location")).isEqualTo("/console/sign-in?next=%2Fconsole%2F");
    }

    @Test
    void aWriteNeedsThePagesTokenOfItsOwnSession() {
        HubClient c = hub.client().anonymous();
        String vera = People.sessionCookie(c, People.ADMIN, People.ADMIN_PASSWORD);
        String other = People.sessionCookie(c, People.ADMIN, People.ADMIN_PASSWORD);
        String veraToken = pageToken(c, vera);
        String otherToken = pageToken(c, other);
        assertThat(veraToken).isNotEqualTo(otherToken);

        assertThat(createMember(c, vera, null, "ohne").status()).isEqualTo(403);
        assertThat(createMember(c, vera, otherToken, "fremd").status()).isEqualTo(403);
        HubClient.Response own = createMember(c, vera, veraToken, "eigen");
        assertThat(own.status()).as(own.body()).isEqualTo(201);
        assertThat(c.get("/api/v1/admin/members/fremd", People.cookie(vera)).status()).isEqualTo(404);
    }

    /**
     * A person changes their own password in the console (it was the API's alone): the current one first, each
     * problem at its field in the page's language; after the change this browser stays signed in, another is out.
     */
    @Test
    void aPersonChangesTheirPasswordTheirOtherSessionEndsAndThisOneGoesOn() {
        HubClient c = hub.client().anonymous();
        People.invite(hub.client(), "luftblick", "ella", "viewer", "Marzipan aus der Altstadt");
        String elsewhere = People.sessionCookie(c, "ella", "Marzipan aus der Altstadt");
        People.signIn(browser.size(360, 800), c, "ella", "Marzipan aus der Altstadt", "/console/");
        browser.driver().findElement(By.linkText("Mein Konto")).click();
        browser.await(d -> d.getCurrentUrl().endsWith("/console/account") ? true : null);
        assertThat(browser.driver().findElement(By.tagName("main")).getText())
            .contains("Benutzer ella von luftblick · Rollen: viewer");
        browser.assertAccessible();

        changePassword("nicht das Passwort", "Holstentor bei Nacht", "Holstentor bei Nacht");
        assertProblem("currentPassword", "Das jetzige Passwort ist nicht richtig.");
        changePassword("Marzipan aus der Altstadt", "kurz", "kurz");
        assertProblem("password", "Ein Passwort hat mindestens 12 Zeichen (beliebige Zeichen; ein paar Wörter sind "
            + "ein gutes).");
        changePassword("Marzipan aus der Altstadt", "Holstentor bei Nacht", "Holstentor bei Tag");
        assertProblem("repeat", "Die beiden Passwörter sind nicht gleich.");
        changePassword("Marzipan aus der Altstadt", "Marzipan aus der Altstadt", "Marzipan aus der Altstadt");
        assertProblem("password", "Das neue Passwort ist das jetzige; wählen Sie ein anderes.");
        browser.assertAccessible();
        assertThat(c.get("/api/v1/auth/me", People.cookie(elsewhere)).status()).as("nothing changed yet")
            .isEqualTo(200);

        changePassword("Marzipan aus der Altstadt", "Holstentor bei Nacht", "Holstentor bei Nacht");
        WebElement done = browser.await(d -> d.findElement(By.id("password-changed")));
        assertThat(done.getText()).isEqualTo("Ihr Passwort ist geändert. Ihre Anmeldungen in anderen Browsern sind "
            + "beendet.");
        assertThat(browser.driver().getCurrentUrl()).endsWith("/console/account?changed");
        assertThat(c.get("/api/v1/auth/me", People.cookie(elsewhere)).status()).as("the other browser's session")
            .isEqualTo(401);
        assertThat(People.login(c, "ella", "Marzipan aus der Altstadt")).isEqualTo(401);
        assertThat(People.login(c, "ella", "Holstentor bei Nacht")).isEqualTo(200);
        browser.open(c.baseUri().resolve("/console/"));
        assertThat(browser.driver().getCurrentUrl()).as("still signed in here").doesNotContain("sign-in");
    }

    /**
     * Wrong current passwords count against the account as wrong sign-ins do (100 an hour): a session left open in
     * a browser was a way to guess its password at the speed of the hashes (a review).
     */
    @Test
    void wrongCurrentPasswordsCountAgainstTheAccount() {
        HubClient c = hub.client().anonymous();
        People.invite(hub.client(), "luftblick", "fritz", "viewer", "Schiffe auf der Trave");
        String set = hub.client().get("/api/v1/admin/members/luftblick/users/fritz").json()
            .getString("passwordChangedAt");
        HubClient.Response login = c.post("/api/v1/auth/login", new JsonObject().put("user", "fritz")
            .put("password", "Schiffe auf der Trave"));
        String cookie = login.setCookie("dh_session");
        Map<String, String> headers = Map.of("Cookie", cookie.substring(0, cookie.indexOf(';')), "X-CSRF-Token",
            login.json().getString("csrf"), "Content-Type", "application/json");
        String wrong = new JsonObject().put("currentPassword", "geraten").put("newPassword", "Ein neues Passwort 1")
            .encode();
        for (int i = 0; i < 100; i++) {
            assertThat(c.post("/api/v1/auth/password", headers, wrong).status()).isEqualTo(400);
        }
        HubClient.Response limited = c.post("/api/v1/auth/password", headers, new JsonObject()
            .put("currentPassword", "Schiffe auf der Trave").put("newPassword", "Ein neues Passwort 1").encode());
        assertThat(limited.status()).as(limited.body()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).matches("\\d+");
        assertThat(hub.client().get("/api/v1/admin/members/luftblick/users/fritz").json()
            .getString("passwordChangedAt")).as("not changed").isEqualTo(set);
        assertThat(People.login(hub.client(), "fritz", "Schiffe auf der Trave"))
            .as("the account's limit holds for its sign-ins from browsers it has not seen too").isEqualTo(429);
    }

    private static void changePassword(String current, String password, String repeat) {
        browser.driver().findElement(By.id("currentPassword")).sendKeys(current);
        browser.driver().findElement(By.id("password")).sendKeys(password);
        browser.driver().findElement(By.id("repeat")).sendKeys(repeat);
        browser.submit(By.cssSelector("form.sign-in button[type=submit]"));
    }

    private static void assertProblem(String field, String text) {
        WebElement problem = browser.await(d -> d.findElement(By.id("password-problem")));
        assertThat(problem.getText()).isEqualTo(text);
        assertThat(browser.driver().findElement(By.id(field)).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.driver().findElement(By.id(field)).getAttribute("aria-describedby"))
            .isEqualTo("password-problem");
    }

    @Test
    void aFormFromAnotherSiteIsRefused() {
        HubClient c = hub.client().anonymous();
        String vera = People.sessionCookie(c, People.ADMIN, People.ADMIN_PASSWORD);
        String token = pageToken(c, vera);

        HubClient.Response r = c.post("/console/sign-out", Map.of("Cookie", vera, "Sec-Fetch-Site", "cross-site",
            "Content-Type", "application/x-www-form-urlencoded"), "csrf=" + token);

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).contains("Kein Zugriff");
        assertThat(c.get("/api/v1/auth/me", People.cookie(vera)).status()).isEqualTo(200); // still signed in
    }

    /**
     * The account's password form refuses what the sign-out form refuses: a form from another site, one without the
     * page's token, one whose token is not the session's; and a form that is not valid percent-encoding is a 400.
     * Nothing is changed by any of them.
     */
    @Test
    void theAccountFormRefusesForgedAndMalformedFormsAndChangesNothing() {
        HubClient c = hub.client().anonymous();
        People.invite(hub.client(), "luftblick", "greta", "viewer", "Möwen über dem Hafen");
        String greta = People.sessionCookie(c, "greta", "Möwen über dem Hafen");
        String token = pageToken(c, greta);
        String body = "currentPassword=M%C3%B6wen+%C3%BCber+dem+Hafen&password=Ein+anderes+Passwort&repeat="
            + "Ein+anderes+Passwort";
        Map<String, String> form = Map.of("Cookie", greta, "Content-Type", "application/x-www-form-urlencoded");
        java.util.function.BiFunction<Map<String, String>, String, HubClient.Response> post = (extra, b) -> {
            Map<String, String> h = new java.util.HashMap<>(form);
            h.putAll(extra);
            return c.post("/console/account", h, b);
        };
        assertThat(post.apply(Map.of("Sec-Fetch-Site", "cross-site"), body + "&csrf=" + token).status())
            .as("from another site").isEqualTo(403);
        assertThat(post.apply(Map.of(), body).status()).as("without the page's token").isEqualTo(403);
        assertThat(post.apply(Map.of(), body + "&csrf=not-the-token").status()).as("another token").isEqualTo(403);
        HubClient.Response malformed = post.apply(Map.of(), "currentPassword=%ZZ&csrf=" + token);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().getString("field")).isNotBlank();
        assertThat(People.login(hub.client(), "greta", "Ein anderes Passwort")).isEqualTo(401);
        assertThat(People.login(hub.client(), "greta", "Möwen über dem Hafen")).isEqualTo(200);
    }

    @Test
    void aFormIsReadByItsMediaTypeInAnyCaseAndNotByALookalike() {
        HubClient c = hub.client().anonymous();
        String vera = People.sessionCookie(c, People.ADMIN, People.ADMIN_PASSWORD);
        String token = pageToken(c, vera);

        HubClient.Response lookalike = c.post("/console/sign-out", Map.of("Cookie", vera,
            "Content-Type", "application/x-www-form-urlencodedX"), "csrf=" + token);
        assertThat(lookalike.status()).as(lookalike.body()).isEqualTo(403); // no form, so no page token
        assertThat(c.get("/api/v1/auth/me", People.cookie(vera)).status()).isEqualTo(200);

        HubClient.Response form = c.post("/console/sign-out", Map.of("Cookie", vera,
            "Content-Type", "Application/X-WWW-Form-Urlencoded ; charset=UTF-8"), "csrf=" + token);
        assertThat(form.status()).as(form.body()).isEqualTo(303);
        assertThat(c.get("/api/v1/auth/me", People.cookie(vera)).status()).isEqualTo(401);
        // to the sign-in page, which says it
        assertThat(form.header("location")).endsWith("/console/sign-in?signed-out");
        assertThat(c.get("/console/sign-in?signed-out", Map.of("Accept-Language", "de")).body())
            .contains("<p role=\"status\" id=\"signed-out\">Sie sind abgemeldet.</p>");
    }

    @Test
    void aSignInFormWhoseEscapedBytesAreNotUtf8IsRefusedNamingTheFieldAndSetsNoSession() {
        HubClient c = hub.client().anonymous();

        HubClient.Response r = c.post("/console/sign-in", Map.of("Content-Type", "application/x-www-form-urlencoded"),
            "user=" + People.ADMIN + "&password=%C0%AE%C0%AE");

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("password");
        assertThat(r.json().getString("error")).contains("not well-formed UTF-8 (%C0%AE%C0%AE at position 0)");
        assertThat(r.header("set-cookie")).isNull();
    }

    @Test
    void aSignInFromAPageOfAnotherSiteIsRefusedThroughTheApiAndTheForm() {
        HubClient c = hub.client().anonymous();
        String json = new JsonObject().put("user", People.ADMIN).put("password", People.ADMIN_PASSWORD).encode();
        String own = hub.client().baseUri().getScheme() + "://" + hub.client().baseUri().getRawAuthority();

        HubClient.Response fetchMetadata = c.post("/api/v1/auth/login", Map.of("Content-Type", "application/json",
            "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"), json);
        HubClient.Response originOnly = c.post("/api/v1/auth/login", Map.of("Content-Type", "application/json",
            "Origin", "https://evil.example"), json);
        HubClient.Response nullOrigin = c.post("/api/v1/auth/login", Map.of("Content-Type", "application/json",
            "Origin", "null"), json);
        HubClient.Response plainText = c.post("/api/v1/auth/login", Map.of("Content-Type", "text/plain"), json);
        HubClient.Response form = c.post("/console/sign-in", Map.of("Content-Type",
            "application/x-www-form-urlencoded", "Origin", "https://evil.example"),
            "user=" + People.ADMIN + "&password=" + People.ADMIN_PASSWORD.replace(' ', '+'));

        for (HubClient.Response r : List.of(fetchMetadata, originOnly, nullOrigin)) {
            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(r.json().getString("field")).isEqualTo("Origin");
            assertThat(r.header("set-cookie")).as(r.toString()).isNull();
        }
        assertThat(plainText.status()).as(plainText.body()).isEqualTo(415);
        assertThat(plainText.json().getString("field")).isEqualTo("Content-Type");
        assertThat(plainText.header("accept-post")).isEqualTo("application/json");
        assertThat(form.status()).as(form.body()).isEqualTo(403);
        assertThat(form.header("set-cookie")).isNull();

        HubClient.Response ownPage = c.post("/api/v1/auth/login", Map.of("Content-Type", "application/json",
            "Sec-Fetch-Site", "same-origin", "Origin", own), json);
        HubClient.Response ownOrigin = c.post("/api/v1/auth/login", Map.of("Content-Type", "application/json",
            "Origin", own), json);
        assertThat(ownPage.status()).as(ownPage.body()).isEqualTo(200);
        assertThat(ownOrigin.status()).as(ownOrigin.body()).isEqualTo(200);
    }

    private static HubClient.Response createMember(HubClient c, String cookie, String csrf, String id) {
        Map<String, String> headers = new HashMap<>(Map.of("Cookie", cookie, "Content-Type", "application/json"));
        if (csrf != null) {
            headers.put("X-CSRF-Token", csrf);
        }
        return c.post("/api/v1/admin/members", headers, new JsonObject().put("id", id).put("name", id)
            .put("contact", "x@" + id + ".example").encode());
    }

    /** The CSRF token a console page carries for the session. */
    private static String pageToken(HubClient c, String cookie) {
        HubClient.Response page = c.get("/console/", People.cookie(cookie));
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        Matcher m = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\">").matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        return m.group(1);
    }
}
