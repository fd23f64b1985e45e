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

/**
 * A key only a hub-admin may set (API 1.6) on the console's form: the owning member's admin sees it read-only with
 * what it bounds, changes the other keys, and the key keeps the value a hub-admin gave it; a hub-admin may edit it.
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

    @Test
    void theOwningMembersAdminSeesTheKeyReadOnlyAndChangesTheOthers() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ANNA, People.ANNA_PASSWORD,
            "/console/integrations/bounded");
        browser.driver().findElement(By.linkText("Einstellungen ändern")).click();
        browser.await(d -> d.findElement(By.id("integration-form")));

        WebElement folder = browser.driver().findElement(By.id("config.folder"));
        WebElement greeting = browser.driver().findElement(By.id("config.greeting"));
        assertThat(folder.getAttribute("value")).isEqualTo("feeds");
        assertThat(folder.getAttribute("readonly")).isNotNull();
        assertThat(greeting.getAttribute("readonly")).isNull();
        assertThat(browser.driver().findElement(By.id("hint.folder")).getText())
            .contains("Nur ein Hub-Admin darf das ändern: it bounds what file may reach.");
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
    void aHubAdminMayEditTheKey() {
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/integrations/bounded");
        browser.driver().findElement(By.linkText("Einstellungen ändern")).click();
        browser.await(d -> d.findElement(By.id("integration-form")));

        assertThat(browser.driver().findElement(By.id("config.folder")).getAttribute("readonly")).isNull();
        browser.assertAccessible();
    }
}
