package de.datenhafen.testkit.console;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.fixtures.Fixtures;
import de.datenhafen.testkit.Browser;
import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** Integrations in the console: created through the schema's form, run, paused, deleted; each member sees its own. */
class ConsoleIntegrationsTest {

    private static final Path ARCHIVES = People.temp("integrations");

    @RegisterExtension
    static final HubExtension hub = People.hub().plugin(() -> Fixtures.working(ARCHIVES))
        .plugin(() -> de.datenhafen.testkit.PluginArchiveBuilder.plugin("checked", "1.0.0", Fixtures.MEMBER,
            de.datenhafen.fixtures.CheckedPlugin.class).withEntry("classes/datenhafen/texts_de.properties", """
                # the connector's German words (plugin API 1.12); "mode" has none and keeps its English
                checked.description=Gibt seine Prüfungen an; seine Routen prüfen nichts
                checked.max-body=Größter Body in Bytes
                """).writeTo(ARCHIVES))
        .plugin(() -> de.datenhafen.testkit.PluginArchiveBuilder.plugin("coded", "1.0.0", Fixtures.MEMBER,
            de.datenhafen.fixtures.CodedProblemsPlugin.class).withEntry("classes/datenhafen/texts_de.properties", """
                # the words of a problem the connector's validate finds (plugin API 1.13)
                coded.problem.max-below-min=Muss mindestens min ({0}) sein.
                """).writeTo(ARCHIVES)).build();

    @RegisterExtension
    static final Browser browser = Browser.chromium();

    @BeforeAll
    static void peopleAndAnIntegrationOfLuftblick() {
        People.create(hub.client());
        HubClient.Response owner = hub.client().put("/api/v1/admin/plugins/fixture/owner",
            new JsonObject().put("member", "luftblick"));
        assertThat(owner.status()).as(owner.body()).isEqualTo(200);
        ConsoleOverviewTest.create(hub.client(), "schools", "fixture-ingest", new JsonObject().put("path", "schools")
            .put("token", "geheim-1234"));
    }

    private static WebElement problemOf(String key) {
        return browser.driver().findElement(By.id("problem." + key));
    }

    /** A hub-admin opens the form for a new {@code fixture-ingest} integration. */
    private static void openTheNewFixtureIngestForm() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/new/integration");
        new Select(browser.driver().findElement(By.id("connector"))).selectByValue("fixture-ingest");
        browser.driver().findElement(By.cssSelector("#choose button")).click();
        browser.await(d -> d.findElement(By.id("integration-form")));
    }

    @Test
    void anAdminCreatesAnIntegrationThroughTheFormFixingTheFieldItShowsWrong() {
        openTheNewFixtureIngestForm();

        WebElement token = browser.driver().findElement(By.id("config.token"));
        assertThat(token.getAttribute("type")).isEqualTo("password");
        assertThat(token.getAttribute("value")).isEmpty();
        assertThat(browser.driver().findElement(By.id("config.max-size")).getAttribute("value")).isEqualTo("1000");
        assertThat(browser.driver().findElement(By.id("hint.path")).getText())
            .isEqualTo("Path below the plugin's HTTP root");
        browser.driver().findElement(By.id("name")).sendKeys("parking");
        browser.driver().findElement(By.id("config.path")).sendKeys("parking");
        WebElement maxSize = browser.driver().findElement(By.id("config.max-size"));
        maxSize.clear();
        maxSize.sendKeys("1.5");

        browser.await(d -> !problemOf("max-size").getText().isEmpty());
        assertThat(problemOf("max-size").getText()).isEqualTo(validate("1.5").getString("error"))
            .startsWith("Hier gehört eine ganze Zahl"); // in the page's language (English after a German lead)
        assertThat(maxSize.getAttribute("aria-invalid")).isEqualTo("true");
        // the field itself is marked too: a 2px border in the colour of its problem line, unlike a valid field's
        WebElement path = browser.driver().findElement(By.id("config.path"));
        assertThat(maxSize.getCssValue("border-top-width")).isEqualTo("2px");
        assertThat(maxSize.getCssValue("border-top-color")).isEqualTo(problemOf("max-size").getCssValue("color"))
            .isNotEqualTo(path.getCssValue("border-top-color"));
        assertThat(problemOf("path").getText()).isEmpty();
        browser.assertAccessible();
        browser.screenshot("ConsoleIntegrationsTest", "invalid-field-shown");

        maxSize.clear();
        maxSize.sendKeys("2048");
        browser.await(d -> problemOf("max-size").getText().isEmpty());
        assertThat(maxSize.getAttribute("aria-invalid")).isNull();
        browser.driver().findElement(By.cssSelector("#integration-form button[type=submit]")).click();

        browser.await(d -> d.getCurrentUrl().endsWith("/console/integrations/parking"));
        assertThat(browser.driver().findElement(By.id("state")).getText()).isEqualTo("läuft");
        assertThat(People.said(browser)).isEqualTo("Integration parking ist gespeichert.");
        assertThat(browser.driver().findElement(By.id("config")).getText()).contains("max-size", "2048");
        // the way back to the list, a navigation of its own
        WebElement back = browser.driver().findElement(By.cssSelector("nav.crumbs a"));
        assertThat(back.getText()).isEqualTo("Integrationen");
        assertThat(back.getAttribute("href")).endsWith("/console/integrations");
        assertThat(browser.driver().findElement(By.cssSelector("nav.crumbs")).getAttribute("aria-label"))
            .isEqualTo("Navigationspfad");
        assertThat(hub.client().get("/api/v1/admin/integrations/parking").json().getJsonObject("config")
            .getInteger("max-size")).isEqualTo(2048);
        browser.assertAccessible();
    }

    /**
     * A key of members' ids (an ingest's senders) says beside it which members there are to a hub-admin (ids had to be
     * known or guessed); one that is no member is said at the field as one types.
     */
    @Test
    void aKeyOfMembersSaysWhichMembersThereAre() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/new/integration?connector=checked");
        WebElement hint = browser.await(d -> d.findElement(By.id("hint.senders.members")));
        assertThat(hint.getText()).startsWith("Kennungen von Mitgliedern dieses Hubs: ")
            .contains("luftblick", "stadtverkehr", "verein");
        assertThat(browser.driver().findElement(By.id("config.senders")).getAttribute("aria-describedby"))
            .contains("hint.senders.members");
        browser.assertAccessible();
        browser.driver().findElement(By.id("config.path")).sendKeys("gates");
        browser.driver().findElement(By.id("config.senders")).sendKeys("luftblick, luftblik");
        // the form checks as one types: an earlier check (senders still empty) may answer first
        String problem = browser.await(d -> {
            String text = d.findElement(By.id("problem.senders")).getText();
            return text.contains("luftblik") ? text : null;
        });
        // in the page's language (the hub's English under German labels)
        assertThat(problem).isEqualTo("Es gibt kein Mitglied „luftblik“; senders nennt Kennungen von Mitgliedern "
            + "dieses Hubs.");
    }

    /**
     * A key naming another integration (the timetable live data belongs to) offers its connector's integrations to
     * choose from, none chosen until the admin chooses (a name had to be known and was taken mistyped); with none yet
     * it says so at the field. The chosen one is stored, and its edit form shows it chosen.
     */
    @Test
    void aKeyNamingAnotherIntegrationOffersThoseOfItsConnector() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/new/integration?connector=checked");
        if (hub.client().get("/api/v1/admin/integrations/vorlauf").status() == 404) {
            assertThat(browser.await(d -> d.findElement(By.id("hint.follows.none"))).getText())
                .isEqualTo("Noch keine checked-leader-Integration: legen Sie zuerst eine an und nennen Sie hier "
                    + "ihren Namen.");
            assertThat(browser.driver().findElement(By.id("config.follows")).getTagName()).isEqualTo("input");
            assertThat(hub.client().post("/api/v1/admin/integrations", new JsonObject().put("name", "vorlauf")
                .put("connector", "checked-leader")).status()).isEqualTo(201);
            browser.driver().navigate().refresh();
        }
        Select follows = new Select(browser.await(d -> d.findElement(By.id("config.follows"))));
        assertThat(follows.getOptions().stream().map(WebElement::getText)).containsExactly("–", "vorlauf");
        assertThat(follows.getFirstSelectedOption().getText()).isEqualTo("–");
        browser.assertAccessible();
        browser.driver().findElement(By.id("name")).sendKeys("nachfolger");
        browser.driver().findElement(By.id("config.path")).sendKeys("nachfolger");
        browser.driver().findElement(By.id("config.anonymous")).click();
        follows.selectByValue("vorlauf");
        browser.driver().findElement(By.cssSelector("#integration-form button[type=submit]")).click();
        browser.await(d -> d.getCurrentUrl().endsWith("/console/integrations/nachfolger") ? true : null);
        assertThat(hub.client().get("/api/v1/admin/integrations/nachfolger").json().getJsonObject("config")
            .getString("follows")).isEqualTo("vorlauf");
        browser.driver().get(browser.driver().getCurrentUrl() + "/edit");
        assertThat(new Select(browser.await(d -> d.findElement(By.id("config.follows")))).getFirstSelectedOption()
            .getText()).isEqualTo("vorlauf");
    }

    /**
     * A plugin's connector and its keys in German where the plugin has the words (its texts_de), the problems the hub
     * finds in German too, as one types (they were the plugin's and the hub's English under German labels).
     */
    @Test
    void aConnectorsFormIsInGermanWhereThePluginHasTheWords() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/new/integration?connector=checked");
        assertThat(browser.driver().findElement(By.cssSelector("main h2 + p.hint")).getText())
            .isEqualTo("Gibt seine Prüfungen an; seine Routen prüfen nichts");
        assertThat(browser.driver().findElement(By.id("hint.max-body")).getText()).startsWith("Größter Body in Bytes");
        assertThat(browser.driver().findElement(By.id("hint.mode")).getText()).startsWith("Mode");
        browser.driver().findElement(By.id("config.path")).sendKeys("gates");
        WebElement maxBody = browser.driver().findElement(By.id("config.max-body"));
        maxBody.clear();
        maxBody.sendKeys("70000");
        browser.await(d -> !problemOf("max-body").getText().isEmpty());
        assertThat(problemOf("max-body").getText()).isEqualTo("Eine Zahl von 1 bis 65536, nicht 70000.");
        browser.assertAccessible();

        // in English for the English page, and for an API client that asks for no language
        browser.driver().findElement(By.linkText("English")).click();
        browser.await(d -> d.findElement(By.id("hint.max-body")).getText().startsWith("Largest body") ? true : null);
        browser.driver().findElement(By.linkText("Deutsch")).click(); // the browser's other pages stay German
        browser.await(d -> d.findElement(By.id("hint.max-body")).getText().startsWith("Größter") ? true : null);
        JsonObject schema = hub.client().get("/api/v1/admin/connectors").jsonArray().stream()
            .map(JsonObject.class::cast).filter(c -> c.getString("name").equals("checked")).findFirst().orElseThrow();
        assertThat(schema.getString("description")).isEqualTo("Declares its config checks; its routes check nothing");
    }

    /**
     * A duration is shown as the config takes it, on the integration's page and in its form (the API's
     * {@code PT30S} was shown, an admin's walk-through asked what it meant); a default as well as a value given.
     */
    @Test
    void aDurationIsShownAsTheConfigTakesIt() {
        ConsoleOverviewTest.create(hub.client(), "gates-poll", "checked", new JsonObject().put("path", "gates-poll")
            .put("anonymous", true).put("interval", "PT45M"));
        assertThat(hub.client().get("/api/v1/admin/integrations/gates-poll").json().getJsonObject("config")
            .getString("interval")).as("the API's own form").isEqualTo("PT45M");
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/integrations/gates-poll");
        assertThat(browser.driver().findElement(By.id("config")).getText()).contains("interval\n45m")
            .doesNotContain("PT");
        browser.driver().findElement(By.linkText("Einstellungen ändern")).click();
        WebElement interval = browser.await(d -> d.findElement(By.id("config.interval")));
        assertThat(interval.getAttribute("value")).isEqualTo("45m");
        browser.driver().findElement(By.cssSelector("#integration-form button[type=submit]")).click();
        browser.await(d -> d.getCurrentUrl().endsWith("/console/integrations/gates-poll"));
        assertThat(hub.client().get("/api/v1/admin/integrations/gates-poll").json().getJsonObject("config")
            .getString("interval")).as("the same duration, as the form wrote it").isEqualTo("45m");
        assertThat(hub.client().delete("/api/v1/admin/integrations/gates-poll").status()).isEqualTo(204);
    }

    /** A problem the connector's own validate finds, at the key at fault in its plugin's German, as one types. */
    @Test
    void aConnectorsOwnProblemIsShownAtItsFieldInThePluginsGerman() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/new/integration?connector=coded");
        for (String[] typed : new String[][] {{"config.min", "7"}, {"config.max", "3"}}) {
            WebElement field = browser.driver().findElement(By.id(typed[0]));
            field.clear();
            field.sendKeys(typed[1]);
        }

        browser.await(d -> !problemOf("max").getText().isEmpty());
        assertThat(problemOf("max").getText()).isEqualTo("Muss mindestens min (7) sein.");
        assertThat(problemOf("min").getText()).isEmpty();
    }

    @Test
    void aCreateTheHubRefusesShowsTheProblemAtItsFieldInTheWordsOfTheCheckAsOneTypes() {
        openTheNewFixtureIngestForm();
        browser.driver().findElement(By.id("name")).sendKeys("too-small");
        browser.driver().findElement(By.id("config.path")).sendKeys("too-small");
        // set without an input event and submitted at once: only the create's answer speaks to the form
        browser.script("document.getElementById('config.max-size').value = '1.5';");
        browser.driver().findElement(By.cssSelector("#integration-form button[type=submit]")).click();

        browser.await(d -> !problemOf("max-size").getText().isEmpty());
        String expected = validate("1.5").getString("error");
        assertThat(problemOf("max-size").getText()).isEqualTo(expected).doesNotContain("config.");
        assertThat(browser.driver().findElement(By.id("config.max-size")).getAttribute("aria-invalid"))
            .isEqualTo("true");
        assertThat(problemOf("path").getText()).isEmpty();
        assertThat(hub.client().get("/api/v1/admin/integrations/too-small").status()).isEqualTo(404);
        browser.assertAccessible();
    }

    @Test
    void anIntegrationIsPausedResumedAndDeletedFromItsPage() {
        // named "new": its page is its own, not the form for a new integration
        ConsoleOverviewTest.create(hub.client(), "new", "fixture-ingest", new JsonObject()
            .put("path", "short-lived"));
        People.signIn(browser.size(360, 800), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/integrations/new");

        browser.driver().findElement(By.xpath("//button[text()='Pausieren']")).click();
        browser.await(d -> d.findElement(By.id("state")).getText().equals("pausiert"));
        assertThat(People.said(browser)).isEqualTo("Integration new ist pausiert.");
        browser.driver().findElement(By.xpath("//button[text()='Fortsetzen']")).click();
        browser.await(d -> d.findElement(By.id("state")).getText().equals("läuft"));
        browser.assertAccessible();

        browser.driver().findElement(By.xpath("//button[text()='Löschen']")).click();
        browser.driver().switchTo().alert().accept();

        browser.await(d -> d.getCurrentUrl().endsWith("/console/integrations"));
        assertThat(browser.driver().findElements(By.cssSelector("tr[data-integration='new']"))).isEmpty();
        assertThat(People.said(browser)).as("said on the list it went on to")
            .isEqualTo("Integration new ist gelöscht.");
        assertThat(hub.client().get("/api/v1/admin/integrations/new").status()).isEqualTo(404);
    }

    @Test
    void aFlowIsListedAndShownWithoutItsSecretAndDisabledAndEnabledFromItsPage() {
        HubClient.Response made = hub.client().post("/api/v1/admin/flows", "application/yaml", """
            name: console-flow
            from: {bus: city.console}
            steps:
              - webhook: {name: console-flow, url: 'https://tickets.example.org/x',
                  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'}
            """);
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        People.signIn(browser.size(360, 800), hub.client(), People.ADMIN, People.ADMIN_PASSWORD, "/console/flows");
        assertThat(browser.driver().findElement(By.cssSelector("tr[data-flow='console-flow']")).getText())
            .contains("läuft");
        browser.assertAccessible();

        browser.driver().findElement(By.linkText("console-flow")).click();
        browser.await(d -> d.getCurrentUrl().endsWith("/console/flows/console-flow"));
        assertThat(browser.driver().findElement(By.id("definition")).getText())
            .contains("tickets.example.org", "********");
        assertThat(browser.driver().getPageSource()).doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        browser.driver().findElement(By.xpath("//button[text()='Ausschalten']")).click();
        browser.await(d -> d.findElement(By.id("state")).getText().equals("gestoppt"));
        browser.driver().findElement(By.xpath("//button[text()='Einschalten']")).click();
        browser.await(d -> d.findElement(By.id("state")).getText().equals("läuft"));
        browser.assertAccessible();
        browser.screenshot("ConsoleIntegrationsTest", "flow");
        assertThat(hub.client().delete("/api/v1/admin/flows/console-flow").status()).isEqualTo(204);
    }

    @Test
    void aSecretIsNeverInThePage() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ANNA, People.ANNA_PASSWORD,
            "/console/integrations/schools");

        assertThat(browser.driver().findElement(By.id("config")).getText()).contains("token");
        assertThat(browser.driver().getPageSource()).doesNotContain("geheim-1234");
    }

    @Test
    void itsOwnMembersAdminChangesItsConfigWithTheSameFormKeepingTheSecret() {
        ConsoleOverviewTest.create(hub.client(), "edited", "fixture-ingest", new JsonObject().put("path", "edited")
            .put("token", "geheim-5678"));
        People.signIn(browser.size(1280, 900), hub.client(), People.ANNA, People.ANNA_PASSWORD,
            "/console/integrations/edited");
        browser.driver().findElement(By.linkText("Einstellungen ändern")).click();
        browser.await(d -> d.findElement(By.id("integration-form")));

        WebElement token = browser.driver().findElement(By.id("config.token"));
        assertThat(token.getAttribute("value")).isEmpty();
        assertThat(browser.driver().findElement(By.id("hint.token.secret-kept")).getText())
            .isEqualTo("Leer lassen, um den gespeicherten Wert zu behalten.");
        assertThat(browser.driver().getPageSource()).doesNotContain("geheim-5678");
        WebElement type = browser.driver().findElement(By.id("config.type"));
        assertThat(type.getAttribute("value")).isEqualTo("test.event");
        browser.assertAccessible();
        type.clear();
        type.sendKeys("city.edited");
        browser.driver().findElement(By.cssSelector("#integration-form button[type=submit]")).click();

        browser.await(d -> d.getCurrentUrl().endsWith("/console/integrations/edited"));
        assertThat(browser.driver().findElement(By.id("config")).getText()).contains("city.edited");
        assertThat(browser.driver().findElement(By.id("state")).getText()).isEqualTo("läuft");
        assertThat(hub.client().anonymous().post("/api/v1/plugins/fixture/edited", java.util.Map.of("Content-Type",
            "application/json", "X-Token", "geheim-5678"), "{}").status()).isEqualTo(202);
    }

    @Test
    void anotherMembersUserSeesNoneOfItAndGetsNoDataByTypingItsUrl() {
        People.signIn(browser.size(1280, 900), hub.client(), People.BERT, People.BERT_PASSWORD,
            "/console/integrations");
        assertThat(browser.driver().findElement(By.tagName("main")).getText()).doesNotContain("schools");

        browser.open(hub.client().baseUri().resolve("/console/integrations/schools"));

        String main = browser.driver().findElement(By.tagName("main")).getText();
        assertThat(browser.driver().findElement(By.tagName("h1")).getText()).isEqualTo("Kein Zugriff");
        assertThat(main).doesNotContain("fixture-ingest", "schools", "running", "läuft");
        browser.assertAccessible();
        String cookie = browser.driver().manage().getCookieNamed("dh_session").getValue();
        HubClient.Response page = hub.client().anonymous().get("/console/integrations/schools",
            People.cookie("dh_session=" + cookie));
        assertThat(page.status()).isEqualTo(403);
        assertThat(page.body()).doesNotContain("fixture-ingest");
        assertThat(hub.client().anonymous().get("/console/overview/live", People.cookie("dh_session=" + cookie))
            .body()).doesNotContain("schools");
    }

    @Test
    void itsOwnMembersAdminSeesIt() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ANNA, People.ANNA_PASSWORD,
            "/console/integrations");

        assertThat(browser.driver().findElement(By.cssSelector("tr[data-integration='schools']")).getText())
            .contains("fixture-ingest", "läuft");
    }

    /** The API's problem with such a max-size, in German, as the console's page asks. */
    private static JsonObject validate(String maxSize) {
        JsonObject r = hub.client().post("/api/v1/admin/integrations/validate", java.util.Map.of("Content-Type",
            "application/json", "Accept-Language", "de"), new JsonObject().put("name", "x")
            .put("connector", "fixture-ingest").put("config", new JsonObject().put("path", "x")
                .put("max-size", maxSize)).encode()).json();
        return r.getJsonArray("problems").getJsonObject(0);
    }
}
