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
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * A key only a hub-admin may set (API 1.6) on the console's form: the owning member's admin sees it read-only (and
 * looking so) with what it bounds, changes the other keys, and the key keeps the value a hub-admin gave it; a
 * hub-admin may edit it.
 */
class ConsoleHubAdminOnlyKeysTest {

    private static final Path ARCHIVES = People.temp("hub-admin-only");

    @RegisterExtension
    static final HubExtension hub = People.hub().plugin(() -> Fixtures.bounds(ARCHIVES)).build();

    @RegisterExtension
    static final Browser browser = Browser.chromium();

    @BeforeAll
    static void anIntegrationOfLuftblickWithAFolderAHubAdminSet() {
        People.create(hub.client());
        HubClient.Response owner = hub.client().put("/api/v1/admin/plugins/bounds/owner",
            new JsonObject().put("member", "luftblick"));
        assertThat(owner.status()).as(owner.body()).isEqualTo(200);
        ConsoleOverviewTest.create(hub.client(), "bounded", "bounded-files", new JsonObject().put("path", "bounded")
            .put("folder", "feeds"));
    }

    /** Anna, admin of the member that owns the plugin, opens the integration's settings form. */
    private void openTheFormAsTheOwningMembersAdmin() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ANNA, People.ANNA_PASSWORD,
            "/console/integrations/bounded");
        browser.driver().findElement(By.linkText("Einstellungen ändern")).click();
        browser.await(d -> d.findElement(By.id("integration-form")));
    }

    @Test
    void theOwningMembersAdminSeesTheKeyReadOnlyAndChangesTheOthers() {
        openTheFormAsTheOwningMembersAdmin();

        WebElement folder = browser.driver().findElement(By.id("config.folder"));
        WebElement greeting = browser.driver().findElement(By.id("config.greeting"));
        assertThat(folder.getAttribute("value")).isEqualTo("feeds");
        assertThat(folder.getAttribute("readonly")).isNotNull();
        assertThat(greeting.getAttribute("readonly")).isNull();
        assertThat(browser.driver().findElement(By.id("hint.folder.hub-admin-only")).getText())
            .isEqualTo("Nur ein Hub-Admin darf das ändern: it bounds what file may reach.");
        browser.assertAccessible();
        browser.screenshot("ConsoleHubAdminOnlyKeysTest", "read-only-for-a-member-admin");
        greeting.clear();
        greeting.sendKeys("moin");
        browser.driver().findElement(By.cssSelector("#integration-form button[type=submit]")).click();

        browser.await(d -> d.getCurrentUrl().endsWith("/console/integrations/bounded"));
        JsonObject config = hub.client().get("/api/v1/admin/integrations/bounded").json().getJsonObject("config");
        assertThat(config.getString("greeting")).isEqualTo("moin");
        assertThat(config.getString("folder")).isEqualTo("feeds");
    }

    @Test
    void aReadOnlyKeyLooksReadOnlyAndItsDescriptionAndHintsReadAsSentencesOfTheirOwn() {
        openTheFormAsTheOwningMembersAdmin();

        WebElement folder = browser.driver().findElement(By.id("config.folder"));
        WebElement greeting = browser.driver().findElement(By.id("config.greeting"));
        assertThat(folder.getAttribute("readonly")).isNotNull();
        assertThat(folder.getCssValue("background-color")).isNotEqualTo(greeting.getCssValue("background-color"));
        assertThat(folder.getCssValue("border-top-style")).isNotEqualTo(greeting.getCssValue("border-top-style"));
        assertThat(folder.getCssValue("color")).isEqualTo(greeting.getCssValue("color"));
        assertThat(folder.getCssValue("cursor")).isEqualTo("default");
        greeting.click();
        assertThat(greeting.getCssValue("outline-style")).isEqualTo("solid");
        String ring = greeting.getCssValue("outline-color");
        greeting.sendKeys(Keys.TAB); // focused from the keyboard it has a ring, but not the one of a field to type in
        assertThat(browser.script("return document.activeElement.id")).isEqualTo("config.folder");
        assertThat(folder.getCssValue("outline-style")).isEqualTo("dashed");
        assertThat(folder.getCssValue("outline-color")).isEqualTo(ring);
        assertThat(folder.getAttribute("aria-describedby"))
            .isEqualTo("hint.folder hint.folder.hub-admin-only problem.folder");
        assertThat(browser.driver().findElement(By.id("hint.folder")).getText())
            .isEqualTo("The folder file must lie in.");
        assertThat(browser.driver().findElement(By.id("hint.folder.hub-admin-only")).getText())
            .isEqualTo("Nur ein Hub-Admin darf das ändern: it bounds what file may reach.");
        assertThat(description("config.folder")).isEqualTo("The folder file must lie in. Nur ein Hub-Admin darf das "
            + "ändern: it bounds what file may reach.");
        assertThat(description("config.hosts")).isEqualTo("Hosts file may be fetched from. Mehrere Werte durch "
            + "Kommas trennen. Nur ein Hub-Admin darf das ändern: it bounds what file may reach.");
        assertThat(description("config.greeting")).isEqualTo("What the endpoint says");
        browser.assertAccessible();
        browser.screenshot("ConsoleHubAdminOnlyKeysTest", "read-only-look");

        browser.driver().findElement(By.linkText("English")).click();
        browser.await(d -> "en".equals(d.findElement(By.tagName("html")).getAttribute("lang")));
        assertThat(description("config.hosts")).isEqualTo("Hosts file may be fetched from. Separate several values "
            + "with commas. Only a hub-admin may change this: it bounds what file may reach.");
        browser.assertAccessible();
    }

    @Test
    void aHubAdminMayEditTheKey() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/integrations/bounded");
        browser.driver().findElement(By.linkText("Einstellungen ändern")).click();
        browser.await(d -> d.findElement(By.id("integration-form")));

        assertThat(browser.driver().findElement(By.id("config.folder")).getAttribute("readonly")).isNull();
        browser.assertAccessible();
    }

    /**
     * The input's description as a screen reader reads it: the text of each element its {@code aria-describedby}
     * names, in order, one space between (as Chromium joins them), empty ones left out.
     */
    private static String description(String id) {
        return (String) browser.script("""
            const input = document.getElementById(arguments[0]);
            return input.getAttribute('aria-describedby').split(/\\s+/).map(ref => {
              const e = document.getElementById(ref);
              return e ? e.textContent.trim() : 'missing #' + ref;
            }).filter(text => text).join(' ');""", id);
    }
}
