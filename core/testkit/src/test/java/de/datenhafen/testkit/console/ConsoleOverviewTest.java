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

/** The console's overview: what runs, what failed and why, the bus; updated while it is open. */
class ConsoleOverviewTest {

    private static final Path ARCHIVES = People.temp("overview");

    @RegisterExtension
    static final HubExtension hub = People.hub().plugin(() -> Fixtures.working(ARCHIVES)).build();

    @RegisterExtension
    static final Browser browser = Browser.chromium();

    @BeforeAll
    static void aRunningAndAFailingIntegration() {
        People.create(hub.client());
        create(hub.client(), "parking", "fixture-ingest", new JsonObject().put("path", "parking"));
        create(hub.client(), "gateway", "fixture-failing", new JsonObject());
        HubClient.Response sub = hub.client().post("/api/v1/admin/subscriptions", new JsonObject()
            .put("name", "archive").put("types", new io.vertx.core.json.JsonArray().add("city.*")).put("from", "end"));
        assertThat(sub.status()).as(sub.body()).isEqualTo(201);
    }

    static void create(HubClient c, String name, String connector, JsonObject config) {
        HubClient.Response r = c.post("/api/v1/admin/integrations", new JsonObject().put("name", name)
            .put("connector", connector).put("config", config));
        assertThat(r.status()).as(r.body()).isIn(201, 202);
    }

    private static String card(String id) {
        return browser.driver().findElement(By.id("card-" + id)).getText();
    }

    @Test
    void showsWhatRunsWhatFailedAndWhy() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD, "/console/");

        assertThat(card("health")).contains("Zustand").doesNotContain("in Ordnung")
            .containsPattern("bereit\\s+mit (einer Warnung|\\d+ Warnungen) \\(unten\\)");
        assertThat(browser.driver().findElement(By.cssSelector("#card-health .figure")).getAttribute("class"))
            .contains("state-WARNING"); // not the green of all is well, beside the warnings
        assertThat(card("plugins")).contains("1", "gestartet: 1");
        browser.await(d -> card("integrations").contains("fehlgeschlagen: 1, läuft: 1") ? true : null);
        assertThat(card("dead-letters")).contains("0");
        assertThat(card("lag")).contains("0");
        assertThat(browser.driver().findElement(By.id("errors")).getText())
            .contains("gateway", "fehlgeschlagen", "cannot reach the device gateway");
        // the card names what does not run, each a link to its page, and its title leads to the area
        WebElement failed = browser.driver().findElement(By.cssSelector("#card-integrations ul.names a"));
        assertThat(failed.getText()).isEqualTo("gateway");
        assertThat(failed.getAttribute("href")).endsWith("/console/integrations/gateway");
        assertThat(browser.driver().findElement(By.cssSelector("#card-integrations ul.names")).getText())
            .isEqualTo("gateway (fehlgeschlagen)").doesNotContain("parking");
        assertThat(browser.driver().findElement(By.cssSelector("#card-dead-letters h2 a")).getAttribute("href"))
            .endsWith("/console/dead-letters");
        assertThat(browser.driver().findElement(By.tagName("main")).getText()).contains("archive");
        // a warning of the ready hub is shown to its admin, not only a failure: what it means in the page's
        // language, then its name and reason in the hub's words (they were the English words alone)
        assertThat(browser.driver().findElement(By.cssSelector("ul.problems")).getText())
            .contains("Warnung · Plugin-Signaturen werden nicht geprüft: Jedes Archiv, das ein Admin installiert, "
                + "wird geladen (nur für Entwicklung).\nplugin-signatures: not checked")
            .contains("Integration gateway ist fehlgeschlagen.");
        browser.assertAccessible();
        browser.size(360, 800);
        browser.assertAccessible();
        assertThat(((Number) browser.script("return document.documentElement.scrollWidth")).intValue())
            .as("no sideways scrolling on a phone").isLessThanOrEqualTo(360);
    }

    @Test
    void updatesWhileOpenWithoutReloading() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD, "/console/");
        browser.script("window.notReloaded = true");
        String before = card("integrations");

        create(hub.client(), "parking-2", "fixture-ingest", new JsonObject().put("path", "parking-2"));

        browser.await(d -> card("integrations").contains("läuft: 2") ? true : null);
        assertThat(before).doesNotContain("läuft: 2");
        assertThat(browser.script("return window.notReloaded")).isEqualTo(true);
        assertThat(browser.driver().findElement(By.id("card-bus-rate")).getText()).contains("/s");
        hub.client().delete("/api/v1/admin/integrations/parking-2");
    }

    @Test
    void aMemberSeesNeitherTheBusNorIntegrationsOfPluginsItDoesNotOwn() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ANNA, People.ANNA_PASSWORD, "/console/");

        assertThat(card("integrations")).contains("0").doesNotContain("läuft");
        assertThat(browser.driver().findElements(By.id("card-bus-rate"))).isEmpty();
        assertThat(browser.driver().findElements(By.id("card-dead-letters"))).isEmpty();
        assertThat(browser.driver().findElement(By.tagName("main")).getText())
            .doesNotContain("gateway", "cannot reach", "archive");
        browser.assertAccessible();
        // the page refreshes itself every 3 s: each refresh asked for the bus's subscriptions as the member, a refusal
        // in the audit (1,200 an hour for one open tab); now only the one she asks for herself is there, found by her
        // name alone ("anna", stored as user:anna) and a word of the action
        browser.await(d -> d.findElement(By.id("overview-live")).getAttribute("data-updated") != null);
        java.net.URI page = java.net.URI.create(browser.driver().getCurrentUrl());
        browser.driver().get(page.resolve("/api/v1/admin/subscriptions").toString());
        assertThat(hub.client().get("/api/v1/admin/audit?limit=1000&principal=anna&action=subscriptions").json()
            .getJsonArray("entries")).hasSize(1);
    }
}
