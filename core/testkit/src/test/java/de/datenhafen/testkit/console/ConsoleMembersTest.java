package de.datenhafen.testkit.console;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.testkit.Browser;
import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Members, users, tokens (the secret once, with a copy button) and the audit log in the console. */
class ConsoleMembersTest {

    @RegisterExtension
    static final HubExtension hub = People.hub().build();

    @RegisterExtension
    static final Browser browser = Browser.chromium();

    @BeforeAll
    static void people() {
        People.create(hub.client());
    }

    private static void type(String id, String text) {
        browser.driver().findElement(By.id(id)).sendKeys(text);
    }

    @Test
    void aHubAdminCreatesAMember() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD, "/console/members");
        browser.assertAccessible();

        type("new-member.id", "hafenamt");
        type("new-member.name", "Hafenamt Neuhafen");
        type("new-member.contact", "it@hafenamt.example");
        browser.driver().findElement(By.cssSelector("#new-member button[type=submit]")).click();

        WebElement row = browser.await(d -> d.findElement(By.cssSelector("tr[data-member='hafenamt']")));
        assertThat(row.getText()).contains("Hafenamt Neuhafen", "aktiv");
        // the page loaded again says what was done (it showed the change alone), once
        assertThat(People.said(browser)).isEqualTo("Mitglied hafenamt ist angelegt.");
        assertThat(browser.driver().findElement(By.id("console-status")).getAttribute("role")).isEqualTo("status");
        browser.assertAccessible();
        browser.driver().navigate().refresh();
        browser.await(d -> d.findElement(By.cssSelector("tr[data-member='hafenamt']")));
        assertThat(browser.driver().findElement(By.id("console-status")).getText()).as("said once").isEmpty();

        // the same id again: the refusal is led in the page's language, then the hub's own words
        type("new-member.id", "hafenamt");
        type("new-member.name", "Hafenamt, zweimal");
        type("new-member.contact", "it@hafenamt.example");
        browser.driver().findElement(By.cssSelector("#new-member button[type=submit]")).click();
        WebElement problem = browser.await(d -> {
            WebElement r = d.findElement(By.id("new-member.problem.id"));
            return r.getText().isEmpty() ? null : r;
        });
        // in the page's language, the hub's words too (they were English after the German lead)
        // at its field without a lead (it said "Steht im Widerspruch zum jetzigen Stand: " first)
        assertThat(problem.getText()).isEqualTo("Das Mitglied hafenamt gibt es schon.");
        // said once, at the field it is about, which has the focus and is described by it (it was said twice)
        assertThat(browser.driver().findElement(By.id("new-member.result")).getText()).isEmpty();
        WebElement field = browser.driver().switchTo().activeElement();
        assertThat(field.getAttribute("id")).isEqualTo("new-member.id");
        assertThat(field.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(field.getAttribute("aria-describedby")).isEqualTo("new-member.problem.id");
        browser.assertAccessible();
    }

    /** The console had no way to suspend a member (a leaked token, a contract ended): the API's alone. */
    @Test
    void aHubAdminSuspendsAMemberWhoseTokenThenFailsAndActivatesItAgain() {
        assertThat(hub.client().post("/api/v1/admin/members", new JsonObject().put("id", "sperrbar")
            .put("name", "Sperrbar GmbH").put("contact", "it@sperrbar.example")).status()).isEqualTo(201);
        HubClient.Response made = hub.client().post("/api/v1/admin/members/sperrbar/tokens", new JsonObject()
            .put("name", "gateway").put("roles", new io.vertx.core.json.JsonArray().add("viewer")).put("purpose", "t"));
        HubClient holder = hub.client().withToken(made.json().getString("token"));
        assertThat(holder.get("/api/v1/admin/plugins").status()).isEqualTo(200);
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/members/sperrbar");
        browser.assertAccessible();
        // an empty table says so (it showed its headers alone), and a member made without a contact shows none
        assertThat(browser.driver().findElement(By.id("no-users")).getText())
            .isEqualTo("Noch keine Benutzer: laden Sie den ersten unten ein.");
        assertThat(browser.driver().findElement(By.tagName("main")).getText()).contains("Kontakt: it@sperrbar.example");
        assertThat(hub.client().post("/api/v1/admin/members", new JsonObject().put("id", "ohne-kontakt")
            .put("name", "Ohne Kontakt e.V.")).status()).isEqualTo(201);
        browser.open(hub.client().baseUri().resolve("/console/members/ohne-kontakt"));
        assertThat(browser.driver().findElement(By.tagName("main")).getText()).contains("Kontakt: –")
            .doesNotContain("null");
        browser.open(hub.client().baseUri().resolve("/console/members/sperrbar"));

        browser.driver().findElement(By.id("member-state")).click();
        assertThat(browser.driver().switchTo().alert().getText()).startsWith("Sperrbar GmbH sperren?");
        browser.driver().switchTo().alert().accept();

        browser.await(d -> d.findElement(By.tagName("main")).getText().contains("Zustand: gesperrt") ? true : null);
        assertThat(holder.get("/api/v1/admin/plugins").status()).isEqualTo(401);
        assertThat(People.said(browser)).isEqualTo("Mitglied Sperrbar GmbH ist gesperrt; seine Tokens gelten nicht "
            + "mehr, die Anmeldungen seiner Personen sind beendet.");
        assertThat(browser.driver().findElement(By.id("member-state")).getText()).isEqualTo("Wieder freigeben");

        browser.driver().findElement(By.id("member-state")).click();
        browser.driver().switchTo().alert().accept();
        browser.await(d -> d.findElement(By.tagName("main")).getText().contains("Zustand: aktiv") ? true : null);
        assertThat(holder.get("/api/v1/admin/plugins").status()).isEqualTo(200);
    }

    @Test
    void aTokensSecretIsShownOnceWithACopyButtonAndWorks() {
        People.signIn(browser.size(360, 800), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/members/luftblick");

        type("new-token.name", "sensor-gateway");
        type("new-token.purpose", "ingest from the schools");
        browser.driver().findElement(By.cssSelector("#new-token button[type=submit]")).click();

        WebElement secret = browser.await(d -> d.findElement(By.id("new-token.secret")));
        String token = secret.getText();
        assertThat(token).startsWith("dh_");
        assertThat(hub.client().withToken(token).get("/api/v1/admin/plugins").status()).isEqualTo(200);
        WebElement copy = browser.driver().switchTo().activeElement();
        assertThat(copy.getText()).isEqualTo("Kopieren");
        copy.click();
        browser.assertAccessible();

        browser.driver().findElement(By.xpath("//button[text()='Fertig']")).click();
        browser.await(d -> d.findElements(By.id("new-token.secret")).isEmpty());
        assertThat(People.said(browser)).isEqualTo("Token sensor-gateway ist angelegt.");
        assertThat(browser.driver().findElement(By.cssSelector("tr[data-token='sensor-gateway']")).getText())
            .contains("viewer", "aktiv");
        assertThat(browser.driver().getPageSource()).doesNotContain(token);
    }

    @Test
    void aMembersAdminInvitesAUserToItsOwnMemberAndSeesNoOther() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ANNA, People.ANNA_PASSWORD, "/console/");
        browser.driver().findElement(By.linkText("Mein Mitglied")).click();
        browser.await(d -> d.getCurrentUrl().endsWith("/console/members/luftblick"));
        assertThat(browser.driver().findElement(By.cssSelector("tr[data-user='anna']")).getText())
            .contains("member-admin");
        assertThat(browser.driver().findElements(By.id("new-key"))).isEmpty(); // keys are the association's
        assertThat(browser.driver().findElements(By.id("invite.role.hub-admin"))).isEmpty();

        type("invite.id", "carl");
        type("invite.name", "Carl");
        browser.driver().findElement(By.cssSelector("#invite button[type=submit]")).click();
        assertThat(browser.await(d -> d.findElement(By.id("invite.secret"))).getText()).isNotBlank();
        // whose code, until when, and where: the line an admin passes on with it
        assertThat(browser.driver().findElement(By.id("invite.result")).getText())
            .containsPattern("Einrichtungscode für carl, gültig bis \\d{2}\\.\\d{2}\\.\\d{4}, \\d{2}:\\d{2}:\\d{2} "
                + "[A-Z][A-Za-z+0-9:]*, einmal " // with its zone
                + "einzulösen unter http://[^/ ]+/console/setup\\.");
        browser.assertAccessible();
        // "Fertig": the page loaded again lists carl and says what was done, as after any other change
        browser.driver().findElement(By.xpath("//button[text()='Fertig']")).click();
        browser.await(d -> d.findElements(By.cssSelector("tr[data-user='carl']")).isEmpty() ? null : true);
        assertThat(People.said(browser)).isEqualTo("Benutzer carl ist eingeladen.");

        browser.open(hub.client().baseUri().resolve("/console/members/stadtverkehr"));
        assertThat(browser.driver().findElement(By.tagName("h1")).getText()).isEqualTo("Kein Zugriff");
        assertThat(browser.driver().findElement(By.tagName("main")).getText()).doesNotContain("bert");
    }

    /**
     * A person's roles, a new setup code for a forgotten password, disabling and deleting: each needed curl (the
     * console listed people and could invite or delete them, nothing else).
     */
    @Test
    void aMembersAdminChangesAPersonsRolesGivesANewSetupCodeDisablesAndDeletesThem() {
        People.invite(hub.client(), "luftblick", "dora", "viewer", "Am Deich weht der Wind");
        People.signIn(browser.size(1280, 900), hub.client(), People.ANNA, People.ANNA_PASSWORD,
            "/console/members/luftblick");
        browser.driver().findElement(By.cssSelector("tr[data-user='dora'] a")).click();
        browser.await(d -> d.getCurrentUrl().endsWith("/console/members/luftblick/users/dora") ? true : null);
        assertThat(text("person-state")).isEqualTo("aktiv");
        assertThat(text("person-roles")).isEqualTo("viewer");
        assertThat(browser.driver().findElement(By.cssSelector("nav.crumbs a")).getText())
            .as("the way back names the member as its page does").isEqualTo("Zurück zu Luftblick Sensorik GmbH");
        assertThat(browser.driver().findElements(By.id("person-roles-form.role.hub-admin")))
            .as("a member's admin cannot give what it does not hold").isEmpty();
        // each role says what it may beside its id, and describes its checkbox
        assertThat(text("person-roles-form.role.member-admin.what")).isEqualTo("verwaltet das eigene Mitglied: seine "
            + "Personen, Tokens und die Integrationen seiner Plugins; und was member-editor darf.");
        assertThat(browser.driver().findElement(By.id("person-roles-form.role.viewer")).getAttribute(
            "aria-describedby")).isEqualTo("person-roles-form.role.viewer.what");
        browser.assertAccessible();

        browser.driver().findElement(By.id("person-roles-form.role.member-editor")).click();
        browser.driver().findElement(By.cssSelector("#person-roles-form button[type=submit]")).click();
        browser.await(d -> text("person-roles").contains("member-editor") ? true : null);
        assertThat(People.said(browser)).isEqualTo("Die Rollen von dora sind gespeichert.");
        assertThat(hub.client().get("/api/v1/admin/members/luftblick/users/dora").json().getJsonArray("roles"))
            .containsExactlyInAnyOrder("member-editor", "viewer");

        // an address given, then removed (an emptied field was left out, so the old address stayed)
        type("person-details.email", "dora@luftblick.example");
        browser.driver().findElement(By.cssSelector("#person-details button[type=submit]")).click();
        browser.await(d -> d.findElement(By.tagName("main")).getText().contains("dora@luftblick.example") ? true
            : null);
        assertThat(People.said(browser)).isEqualTo("Die Angaben zu dora sind gespeichert.");
        assertThat(browser.script("const r = document.getElementById('console-status').getBoundingClientRect();"
            + " return r.top >= 0 && r.bottom <= window.innerHeight;")).as("in sight where the page was scrolled to")
            .isEqualTo(true);
        browser.driver().findElement(By.id("person-details.email")).clear();
        browser.driver().findElement(By.cssSelector("#person-details button[type=submit]")).click();
        browser.await(d -> d.findElement(By.tagName("main")).getText().contains("dora@luftblick.example") ? null
            : true);
        assertThat(hub.client().get("/api/v1/admin/members/luftblick/users/dora").json().getString("email")).isNull();

        // a forgotten password: the new code sets a new one, and the old password works until then
        browser.driver().findElement(By.cssSelector("#new-code button[type=submit]")).click();
        String code = browser.await(d -> d.findElement(By.id("new-code.secret"))).getText();
        assertThat(browser.driver().findElement(By.id("new-code.result")).getText())
            .startsWith("Einrichtungscode für dora, gültig bis ");
        browser.assertAccessible();
        assertThat(People.login(hub.client(), "dora", "Am Deich weht der Wind")).isEqualTo(200);
        assertThat(hub.client().anonymous().post("/api/v1/auth/setup", new JsonObject().put("code", code)
            .put("password", "Neue Wellen an der Trave")).status()).isEqualTo(200);
        assertThat(People.login(hub.client(), "dora", "Am Deich weht der Wind")).isEqualTo(401);
        assertThat(People.login(hub.client(), "dora", "Neue Wellen an der Trave")).isEqualTo(200);

        browser.driver().findElement(By.xpath("//button[text()='Fertig']")).click();
        browser.await(d -> d.findElements(By.id("new-code.secret")).isEmpty());
        browser.driver().findElement(By.id("person-state-change")).click();
        assertThat(browser.driver().switchTo().alert().getText()).startsWith("dora deaktivieren?");
        browser.driver().switchTo().alert().accept();
        browser.await(d -> "deaktiviert".equals(text("person-state")) ? true : null);
        assertThat(People.said(browser)).isEqualTo("Benutzer dora ist deaktiviert; seine Anmeldungen sind beendet.");
        assertThat(People.login(hub.client(), "dora", "Neue Wellen an der Trave")).as("disabled").isEqualTo(403);
        assertThat(browser.driver().findElements(By.id("new-code"))).as("a disabled person cannot use one").isEmpty();
        browser.driver().findElement(By.id("person-state-change")).click();
        browser.driver().switchTo().alert().accept();
        browser.await(d -> "aktiv".equals(text("person-state")) ? true : null);
        assertThat(People.login(hub.client(), "dora", "Neue Wellen an der Trave")).isEqualTo(200);

        browser.driver().findElement(By.id("person-delete")).click();
        browser.driver().switchTo().alert().accept();
        browser.await(d -> d.getCurrentUrl().endsWith("/console/members/luftblick") ? true : null);
        assertThat(browser.driver().findElements(By.cssSelector("tr[data-user='dora']"))).isEmpty();
        assertThat(People.said(browser)).as("said on the page it went on to").isEqualTo("Benutzer dora ist gelöscht.");

        // the audit says what each change did (it said "Benutzer geändert" for roles, address and state alike)
        browser.open(hub.client().baseUri().resolve("/console/audit?do=PATCH.admin.members.member.users.user"
            + "&target=dora"));
        // in the page's language (the API's words were shown as they are)
        assertThat(browser.driver().findElements(By.cssSelector("#audit .detail"))).extracting(WebElement::getText)
            .containsExactly("Zustand deaktiviert → aktiv", "Zustand aktiv → deaktiviert",
                "E-Mail-Adresse entfernt", "E-Mail-Adresse geändert", "Rollen viewer → viewer, member-editor");
        assertThat(hub.client().get("/api/v1/admin/audit?target=dora&action=PATCH&limit=1&before="
            + Long.MAX_VALUE).json().getJsonArray("entries").getJsonObject(0).getString("detail"))
            .as("the API's own words").isEqualTo("state disabled -> active");
        browser.assertAccessible();
        assertThat(hub.client().get("/api/v1/admin/members/luftblick/users/dora").status()).isEqualTo(404);
    }

    /**
     * Nobody shuts everyone out: a hub-admin suspending the member of the last hub-admins (their own: a German
     * admin's walk-through did, and could not sign in again), and a person disabling or deleting themselves, are
     * refused, in German in the console.
     */
    @Test
    void theLastHubAdminsCannotShutEveryoneOutNorAPersonThemselves() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/members/verein");
        browser.driver().findElement(By.id("member-state")).click();
        browser.driver().switchTo().alert().accept();
        WebElement said = browser.await(d -> {
            WebElement status = d.findElement(By.id("console-alert"));
            return status.getText().isEmpty() ? null : status;
        });
        assertThat(said.getText()).isEqualTo("Steht im Widerspruch zum jetzigen Stand: Das Mitglied verein hat die "
            + "letzten aktiven Hub-Administratoren: gesperrt, könnte sich niemand mehr an der Konsole anmelden.");
        assertThat(hub.client().get("/api/v1/admin/members/verein").json().getString("state")).isEqualTo("active");

        HubClient anna = hub.client().anonymous();
        HubClient.Response login = anna.post("/api/v1/auth/login", new JsonObject().put("user", People.ANNA)
            .put("password", People.ANNA_PASSWORD));
        String cookie = login.setCookie("dh_session");
        HubClient.Response self = anna.send("DELETE", "/api/v1/admin/members/luftblick/users/anna", java.util.Map.of(
            "Cookie", cookie.substring(0, cookie.indexOf(';')), "X-CSRF-Token", login.json().getString("csrf")),
            new byte[0]);
        assertThat(self.status()).as(self.body()).isEqualTo(409);
        assertThat(self.json().getString("code")).isEqualTo("user.self");
        assertThat(hub.client().get("/api/v1/admin/members/luftblick/users/anna").status()).isEqualTo(200);
    }

    private static String text(String id) {
        return browser.driver().findElement(By.id(id)).getText();
    }

    @Test
    void theAuditLogIsFilteredAndAMemberSeesOnlyItsOwnEntries() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/audit");
        // the action is chosen by its words (the filter took a part of the route: "eingeladen" found nothing)
        new org.openqa.selenium.support.ui.Select(browser.driver().findElement(By.id("filter-do")))
            .selectByVisibleText("Benutzer eingeladen");
        browser.submit(By.cssSelector("form.filters button[type=submit]"));
        assertThat(browser.driver().getCurrentUrl()).contains("do=POST.admin.members.member.users");
        assertThat(new org.openqa.selenium.support.ui.Select(browser.driver().findElement(By.id("filter-do")))
            .getFirstSelectedOption().getText()).as("kept chosen").isEqualTo("Benutzer eingeladen");
        String admin = browser.driver().findElement(By.id("audit")).getText();
        assertThat(admin).contains("POST /api/v1/admin/members/:member/users", "stadtverkehr", "luftblick");
        // said in words, the route recorded under them (the audit showed routes alone); that route alone (a new
        // setup code, under the same route and more, was found too)
        assertThat(browser.driver().findElements(By.cssSelector("#audit tbody tr td:nth-child(4)")))
            .extracting(WebElement::getText)
            .contains("Benutzer eingeladen\nPOST /api/v1/admin/members/:member/users")
            .allSatisfy(cell -> assertThat(cell).isIn(
                "Benutzer eingeladen\nPOST /api/v1/admin/members/:member/users",
                "Benutzer eingeladen, abgelehnt\nPOST /api/v1/admin/members/:member/users"));
        // whom: the person invited, by name and member (the target named the member alone); by whom: the
        // configuration's token the test people were made with
        assertThat(browser.driver().findElements(By.cssSelector("#audit tbody tr td:nth-child(5)")))
            .extracting(WebElement::getText).contains("Mitglied luftblick, Benutzer " + People.ANNA
                + "\nRollen member-admin");
        assertThat(browser.driver().findElements(By.cssSelector("#audit tbody tr td:nth-child(2)")))
            .extracting(WebElement::getText).contains("Admin-Token der Konfiguration");
        // and "Wer" finds it by those words (they are no principal's id: it found nothing)
        browser.open(hub.client().baseUri().resolve("/console/audit?principal=admin-token+der+KONFIGURATION"));
        assertThat(browser.driver().findElements(By.cssSelector("#audit tbody tr td:nth-child(2)")))
            .extracting(WebElement::getText).isNotEmpty().containsOnly("Admin-Token der Konfiguration");
        assertThat(browser.driver().findElement(By.id("filter-principal")).getAttribute("value"))
            .as("the words kept in the filter").isEqualTo("admin-token der KONFIGURATION");
        List<WebElement> times = browser.driver().findElements(By.cssSelector("#audit tbody tr td:first-child time"));
        assertThat(times.stream().map(t -> java.time.Instant.parse(t.getAttribute("datetime"))).toList())
            .as("newest first").isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(times.get(0).getText()).as("in the page's language")
            .matches("\\d\\d\\.\\d\\d\\.\\d{4}, \\d\\d:\\d\\d:\\d\\d [A-Z][A-Za-z+0-9:]*"); // with its zone
        browser.assertAccessible();

        // days, in the hub's time zone, the last one whole (the API's from/to were not in the console)
        String invited = "/console/audit?do=POST.admin.members.member.users";
        java.time.LocalDate today = java.time.LocalDate.now();
        browser.open(hub.client().baseUri().resolve(invited + "&from=" + today.minusDays(1) + "&to=" + today));
        assertThat(browser.driver().findElements(By.cssSelector("#audit tbody tr"))).isNotEmpty();
        assertThat(browser.driver().findElement(By.id("filter-to")).getAttribute("value")).isEqualTo(today.toString());
        assertThat(browser.driver().findElement(By.id("filter-zone")).getText())
            .isEqualTo("Tage in der Zeitzone des Hubs: " + java.time.ZoneId.systemDefault().getId() + ".");
        browser.assertAccessible();
        // (far from today: a class that began before midnight has entries of yesterday)
        browser.open(hub.client().baseUri().resolve(invited + "&to=2000-01-01"));
        assertThat(browser.driver().findElement(By.id("no-entries")).getText()).isEqualTo("Keine Einträge.");
        browser.open(hub.client().baseUri().resolve(invited + "&from=2999-01-01"));
        assertThat(browser.driver().findElements(By.id("no-entries"))).hasSize(1);
        // a year the database cannot hold is no day (it was an error page)
        browser.open(hub.client().baseUri().resolve(invited + "&to=%2B10000-01-01"));
        assertThat(browser.driver().findElement(By.cssSelector("main p.problem")).getText())
            .isEqualTo("„+10000-01-01“ ist kein Tag wie 2026-12-07; dieser Filter gilt nicht.");
        browser.open(hub.client().baseUri().resolve(invited + "&from=gestern"));
        assertThat(browser.driver().findElement(By.cssSelector("main p.problem")).getText())
            .isEqualTo("„gestern“ ist kein Tag wie 2026-12-07; dieser Filter gilt nicht.");
        // said at its field: marked, and described by the problem
        WebElement from = browser.driver().findElement(By.id("filter-from"));
        assertThat(from.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(from.getAttribute("aria-describedby")).contains("filter-from-problem");
        assertThat(browser.driver().findElement(By.id("filter-from-problem")).getText()).startsWith("„gestern“");
        assertThat(browser.driver().findElement(By.id("filter-to")).getAttribute("aria-invalid")).isNull();
        assertThat(browser.driver().findElements(By.cssSelector("#audit tbody tr"))).isNotEmpty();

        People.signIn(browser, hub.client(), People.ANNA, People.ANNA_PASSWORD, "/console/audit");
        // her member's entries, and those of its people and tokens at another member's, marked so
        assertThat(browser.driver().findElements(By.cssSelector("#audit tbody tr td:nth-child(3)")))
            .extracting(WebElement::getText).isNotEmpty().contains("luftblick")
            .allSatisfy(member -> assertThat(member)
                .matches("luftblick( \\(durch [a-z0-9-]+\\))?|[a-z0-9-]+ \\(durch luftblick\\)"));
        assertThat(browser.driver().findElements(By.id("filter-member"))).isEmpty();
    }

    /**
     * The audit names what a creation made and which token did it, by the names people know (a token showed as
     * {@code token:<id>}, an id shown nowhere else, and a new token, key or person as its member alone); "Wer" is
     * found in any case.
     */
    @Test
    void theAuditNamesWhatWasMadeAndTheTokenThatDidIt() {
        HubClient robot = hub.client().withToken(hub.client().memberToken("luftblick", "einlade-robot",
            "member-admin"));
        assertThat(robot.post("/api/v1/admin/members/luftblick/users", new JsonObject().put("id", "ilka")
            .put("name", "Ilka Kühn").put("roles", new io.vertx.core.json.JsonArray().add("viewer"))).status())
            .isEqualTo(201);
        assertThat(robot.post("/api/v1/admin/members/luftblick/users", new JsonObject().put("id", "ilka")
            .put("name", "Ilka Kühn").put("roles", new io.vertx.core.json.JsonArray().add("viewer"))).status())
            .as("invited twice").isEqualTo(409);
        String tokenId = hub.client().get("/api/v1/admin/members/luftblick/tokens").jsonArray().stream()
            .map(JsonObject.class::cast).filter(t -> t.getString("name").equals("einlade-robot")).findFirst()
            .orElseThrow().getString("id");
        assertThat(hub.client().delete("/api/v1/admin/members/luftblick/tokens/" + tokenId).status()).isEqualTo(200);

        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/audit?target=ilka");
        WebElement row = browser.await(d -> d.findElement(By.cssSelector("#audit tbody tr")));
        assertThat(row.findElement(By.cssSelector("td:nth-child(2)")).getText())
            .isEqualTo("Token „einlade-robot“");
        assertThat(row.findElement(By.cssSelector("td:nth-child(5)")).getText())
            .startsWith("Mitglied luftblick, Benutzer ilka");
        // what each gave, and why the second was refused, in the page's language (by their codes)
        assertThat(browser.driver().findElements(By.cssSelector("#audit .detail"))).extracting(WebElement::getText)
            .containsExactly("Grund: id: Den Benutzer ilka gibt es schon.", "Rollen viewer");
        browser.open(hub.client().baseUri().resolve("/console/audit?target=einlade-robot"));
        assertThat(browser.driver().findElements(By.cssSelector("#audit tbody tr td:nth-child(5)")))
            .extracting(WebElement::getText).as("revoked and made, newest first: by its name, not its id")
            .containsExactly("Mitglied luftblick, Token einlade-robot",
                "Mitglied luftblick, Token einlade-robot\nRollen member-admin");
        assertThat(browser.driver().findElement(By.id("audit")).getText()).doesNotContain(tokenId);
        // a token is found by the name "Wer" shows (its id is all the entry holds)
        browser.open(hub.client().baseUri().resolve("/console/audit?principal=Einlade-Robot"));
        assertThat(browser.driver().findElements(By.cssSelector("#audit tbody tr td:nth-child(5)")))
            .extracting(WebElement::getText).containsExactly(
                "Mitglied luftblick, Benutzer ilka\nGrund: id: Den Benutzer ilka gibt es schon.",
                "Mitglied luftblick, Benutzer ilka\nRollen viewer");
        // "Wer" in any case: ids are lower case, people type names as they write them
        browser.open(hub.client().baseUri().resolve("/console/audit?principal=VERA&do=POST.auth.login"));
        assertThat(browser.driver().findElements(By.cssSelector("#audit tbody tr td:nth-child(2)")))
            .isNotEmpty().extracting(WebElement::getText).containsOnly(People.ADMIN);
        browser.assertAccessible();
    }

    /**
     * A token's row says what it may reach and until when (a token for one plugin's path that ends next year looked
     * like any other: an admin's walk-through).
     */
    @Test
    void aTokensRowSaysWhatItMayReachAndUntilWhen() {
        HubClient.Response made = hub.client().post("/api/v1/admin/members/luftblick/tokens", new JsonObject()
            .put("name", "pegel-push").put("roles", new io.vertx.core.json.JsonArray().add("member-editor"))
            .put("expiresAt", "2031-01-01T00:00:00Z").put("scope", new JsonObject().put("plugin", "fixture")
                .put("path", "/pegel")));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/members/luftblick");
        WebElement row = browser.driver().findElement(By.cssSelector("tr[data-token='pegel-push']"));
        WebElement cell = row.findElement(By.cssSelector("td:nth-child(4)"));
        assertThat(cell.getText()).startsWith("nur für fixture /pegel; bis ");
        assertThat(cell.findElement(By.tagName("time")).getAttribute("datetime")).isEqualTo("2031-01-01T00:00:00Z");
        assertThat(row.getText()).contains("aktiv");
        browser.assertAccessible();
    }

    /**
     * A new token's form takes what it may reach and until when (the API did; the form made every token reach all its
     * roles allow, for ever): a path without its slash and an end in the past are both said at their fields at once;
     * then the token is made for one plugin under a path, ending at the time given in the browser's zone.
     */
    @Test
    void aNewTokenIsLimitedToAPluginAndAPathUntilATime() {
        assertThat(hub.client().installPlugin(de.datenhafen.fixtures.Fixtures.quiet(People.temp("reach"),
            "pegelstand"), true).status()).isEqualTo(201);
        People.signIn(browser.size(1280, 900), hub.client(), People.ANNA, People.ANNA_PASSWORD,
            "/console/members/luftblick");
        type("new-token.name", "pegel-gateway");
        new org.openqa.selenium.support.ui.Select(browser.driver().findElement(By.id("new-token.scope.plugin")))
            .selectByValue("pegelstand");
        type("new-token.scope.path", "uplinks");
        WebElement end = browser.driver().findElement(By.id("new-token.expiresAt"));
        setValue(end, "2020-05-01T12:00");
        browser.driver().findElement(By.cssSelector("#new-token button[type=submit]")).click();
        browser.await(d -> !text("new-token.problem.expiresAt").isEmpty());
        assertThat(text("new-token.problem.scope.path")).isEqualTo("Ein Pfad, auf den ein Token beschränkt ist, "
            + "beginnt mit / (etwa /api/v1/plugins/air-quality/uplinks).");
        assertThat(text("new-token.problem.expiresAt")).isEqualTo("Das Ablaufdatum liegt in der Vergangenheit.");
        assertThat(browser.driver().switchTo().activeElement().getAttribute("id")).isEqualTo("new-token.scope.path");
        browser.assertAccessible();

        WebElement path = browser.driver().findElement(By.id("new-token.scope.path"));
        path.clear();
        path.sendKeys("/api/v1/plugins/pegelstand/uplinks");
        setValue(end, "2031-03-01T08:30");
        String instant = (String) ((org.openqa.selenium.JavascriptExecutor) browser.driver())
            .executeScript("return new Date('2031-03-01T08:30').toISOString();");
        browser.driver().findElement(By.cssSelector("#new-token button[type=submit]")).click();
        String secret = browser.await(d -> d.findElement(By.id("new-token.secret"))).getText();
        browser.driver().findElement(By.xpath("//button[text()='Fertig']")).click();
        browser.await(d -> d.findElements(By.id("new-token.secret")).isEmpty());
        WebElement row = browser.driver().findElement(By.cssSelector("tr[data-token='pegel-gateway']"));
        assertThat(row.findElement(By.cssSelector("td:nth-child(4)")).getText())
            .startsWith("nur für pegelstand /api/v1/plugins/pegelstand/uplinks; bis ");
        JsonObject token = hub.client().get("/api/v1/admin/members/luftblick/tokens").jsonArray().stream()
            .map(JsonObject.class::cast).filter(t -> "pegel-gateway".equals(t.getString("name"))).findFirst()
            .orElseThrow();
        assertThat(token.getJsonObject("scope")).isEqualTo(new JsonObject().put("plugin", "pegelstand")
            .put("path", "/api/v1/plugins/pegelstand/uplinks"));
        assertThat(java.time.Instant.parse(token.getString("expiresAt"))).isEqualTo(java.time.Instant.parse(instant));
        // the token it showed reaches only that plugin's path: another route its role allows is refused
        assertThat(hub.client().withToken(secret).get("/api/v1/admin/plugins").status()).isEqualTo(403);
    }

    private static void setValue(WebElement input, String value) {
        ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript("arguments[0].value = arguments[1];",
            input, value);
    }

    /**
     * The audit pages back to older entries and forward again to newer ones (it could only go back: the way to the
     * newest was the filter's button, which lost the place), 50 a page, newest first on each.
     */
    @Test
    void theAuditPagesBackAndForth() {
        assertThat(hub.client().post("/api/v1/admin/members", new JsonObject().put("id", "blaetterwerk")
            .put("name", "Blätterwerk")).status()).isEqualTo(201);
        for (int i = 1; i <= 60; i++) {
            assertThat(hub.client().patch("/api/v1/admin/members/blaetterwerk", "application/json", new JsonObject()
                .put("contact", "seite-" + i + "@blaetterwerk.example").encode()).status()).isEqualTo(200);
        }
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/audit?target=blaetterwerk");
        assertThat(rows()).hasSize(50);
        assertThat(browser.driver().findElements(By.linkText("Neuere Einträge"))).as("the newest page").isEmpty();
        browser.driver().findElement(By.linkText("Ältere Einträge")).click();
        browser.await(d -> d.getCurrentUrl().contains("before=") ? true : null);
        assertThat(rows()).as("the 60 changes and the creation, 50 of them on the first page").hasSize(11);
        assertThat(browser.driver().findElements(By.linkText("Ältere Einträge"))).isEmpty();
        long olderPagesNewest = newestTimeOnPage();
        browser.driver().findElement(By.linkText("Neuere Einträge")).click();
        browser.await(d -> d.getCurrentUrl().contains("after=") ? true : null);
        assertThat(rows()).hasSize(50);
        assertThat(newestTimeOnPage()).as("back on the newest page").isGreaterThan(olderPagesNewest);
        assertThat(browser.driver().findElements(By.linkText("Neuere Einträge"))).as("nothing newer").isEmpty();
        assertThat(browser.driver().findElements(By.linkText("Ältere Einträge"))).hasSize(1);
        browser.assertAccessible();
    }

    private static List<WebElement> rows() {
        return browser.driver().findElements(By.cssSelector("#audit tbody tr"));
    }

    /** The time of the page's newest entry (its sequence is in no cell), in epoch milliseconds. */
    private static long newestTimeOnPage() {
        return java.time.Instant.parse(rows().get(0).findElement(By.cssSelector("time")).getAttribute("datetime"))
            .toEpochMilli();
    }

    /**
     * A hub-admin registers a member's signing key and revokes it: said and asked by the name it was given (the
     * page said the key's id, a fingerprint of 64 hex digits, and asked of the key as of a token).
     */
    @Test
    void aHubAdminAddsAndRevokesASigningKeyByItsName() throws Exception {
        java.security.KeyPair key = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String pem = de.datenhafen.core.plugin.PluginSignature.pem("PUBLIC KEY", key.getPublic().getEncoded());
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/members/stadtverkehr");
        type("new-key.name", "build-2026");
        // what is no key is said in the page's language at its field (it was the hub's English)
        type("new-key.publicKey", "kein Schlüssel");
        browser.driver().findElement(By.cssSelector("#new-key button[type=submit]")).click(); // the page stays
        String notAKey = browser.await(d -> {
            String said = d.findElement(By.id("new-key.problem.publicKey")).getText();
            return said.isEmpty() ? null : said;
        });
        assertThat(notAKey).startsWith("Das ist kein öffentlicher Ed25519-Schlüssel: bitte sein PEM");
        browser.driver().findElement(By.id("new-key.publicKey")).clear();
        type("new-key.publicKey", pem);
        browser.submit(By.cssSelector("#new-key button[type=submit]"));
        assertThat(People.said(browser)).isEqualTo("Signaturschlüssel build-2026 ist hinterlegt.");
        WebElement listed = browser.driver().findElement(By.cssSelector("#keys li"));
        String id = listed.getAttribute("data-key");
        assertThat(listed.getText()).startsWith("build-2026 · Ed25519 · " + id);
        browser.assertAccessible();

        listed.findElement(By.tagName("button")).click();
        // by its name and the start of its fingerprint: two keys of one name are told apart
        assertThat(browser.driver().switchTo().alert().getText()).isEqualTo("Signaturschlüssel build-2026 ("
            + id.substring(0, 16) + "…) widerrufen? Mit ihm signierte Archive werden nicht mehr zugelassen; "
            + "installierte Plugins, die er signiert hat, ab dem nächsten Start des Hubs nicht mehr.");
        browser.driver().switchTo().alert().accept();
        browser.await(d -> d.findElement(By.cssSelector("#keys li")).getText().contains("widerrufen") ? true : null);
        assertThat(People.said(browser)).isEqualTo("Signaturschlüssel build-2026 ist widerrufen.");
        assertThat(hub.client().get("/api/v1/admin/members/stadtverkehr/keys").jsonArray().getJsonObject(0)
            .getString("revokedAt")).isNotNull();
    }

    /** Every field that is wrong is said at once, each at its field (the form said one, then the next on sending). */
    @Test
    void aNewMembersFormSaysEveryFieldThatIsWrongAtOnce() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD, "/console/members");
        type("new-member.id", "Hafen Amt");
        type("new-member.contact", "it@hafenamt.example");
        browser.driver().findElement(By.cssSelector("#new-member button[type=submit]")).click();
        browser.await(d -> !text("new-member.problem.name").isEmpty());
        assertThat(text("new-member.problem.id")).isEqualTo("Eine Kennung (Mitglieds-ID) hat 2 "
            + "bis 64 Kleinbuchstaben, Ziffern und Bindestriche und beginnt mit einem Buchstaben oder einer Ziffer.");
        assertThat(text("new-member.problem.name")).isEqualTo("Bitte ausfüllen.");
        assertThat(text("new-member.problem.contact")).isEmpty();
        assertThat(browser.driver().switchTo().activeElement().getAttribute("id")).isEqualTo("new-member.id");
        assertThat(browser.driver().findElement(By.id("new-member.name")).getAttribute("aria-invalid"))
            .isEqualTo("true");
        browser.assertAccessible();
        // the API lists both, each with its field, its words and its code
        HubClient.Response r = hub.client().post("/api/v1/admin/members", new JsonObject().put("id", "Hafen Amt"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getJsonArray("problems").stream().map(JsonObject.class::cast)
            .map(p -> p.getString("field") + " " + p.getString("code"))).containsExactly("id member.id",
                "name text.required");
        // a token without roles and without a name: both (the roles' refusal hid the name's)
        HubClient.Response token = hub.client().post("/api/v1/admin/members/luftblick/tokens", new JsonObject()
            .put("name", "").put("roles", new io.vertx.core.json.JsonArray()));
        assertThat(token.status()).isEqualTo(400);
        assertThat(token.json().getJsonArray("problems").stream().map(JsonObject.class::cast)
            .map(p -> p.getString("field"))).containsExactly("roles", "name");
    }
}
