package de.datenhafen.testkit.console;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.fixtures.Fixtures;
import de.datenhafen.testkit.Browser;
import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The console from start to end as an admin uses it: sign in, install a plugin, create an integration through its
 * form (one field wrong, shown there, then fixed), and watch its events arrive in the live tail.
 */
class ConsoleScenarioTest {

    private static final Path ARCHIVES = People.temp("scenario");

    @RegisterExtension
    static final HubExtension hub = People.hub().build();

    @RegisterExtension
    static final Browser browser = Browser.chromium();

    @BeforeAll
    static void people() {
        People.create(hub.client());
    }

    @Test
    void anAdminInstallsAPluginCreatesAnIntegrationAndSeesItsEventsLive() {
        Path archive = Fixtures.working(ARCHIVES);
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD, "/console/");

        browser.driver().findElement(By.linkText("Plugins")).click();
        browser.driver().findElement(By.id("archive")).sendKeys(archive.toAbsolutePath().toString());
        browser.driver().findElement(By.cssSelector("#upload button[type=submit]")).click();
        browser.await(d -> d.findElement(By.cssSelector("tr[data-plugin='fixture']")).getText().contains("gestartet"));
        browser.screenshot("ConsoleScenarioTest", "1-plugin-installed");

        browser.driver().findElement(By.linkText("Integrationen")).click();
        browser.driver().findElement(By.linkText("Neue Integration")).click();
        new Select(browser.driver().findElement(By.id("connector"))).selectByValue("fixture-ingest");
        browser.driver().findElement(By.cssSelector("#choose button")).click();
        browser.await(d -> d.findElement(By.id("integration-form")));
        browser.driver().findElement(By.id("name")).sendKeys("luftmessung");
        browser.driver().findElement(By.id("config.path")).sendKeys("luft");
        WebElement type = browser.driver().findElement(By.id("config.type"));
        type.clear();
        type.sendKeys("city.air");
        WebElement maxSize = browser.driver().findElement(By.id("config.max-size"));
        maxSize.clear();
        maxSize.sendKeys("1.5");
        WebElement problem = browser.await(d -> {
            WebElement p = d.findElement(By.id("problem.max-size"));
            return p.getText().isEmpty() ? null : p;
        });
        assertThat(problem.getText()).isNotBlank();
        browser.screenshot("ConsoleScenarioTest", "2-invalid-field");
        maxSize.clear();
        maxSize.sendKeys("4096");
        browser.await(d -> d.findElement(By.id("problem.max-size")).getText().isEmpty());
        browser.driver().findElement(By.cssSelector("#integration-form button[type=submit]")).click();
        browser.await(d -> d.getCurrentUrl().endsWith("/console/integrations/luftmessung"));
        assertThat(browser.driver().findElement(By.id("state")).getText()).isEqualTo("läuft");
        browser.screenshot("ConsoleScenarioTest", "3-integration-running");

        browser.driver().findElement(By.linkText("Bus")).click();
        browser.driver().findElement(By.id("type")).sendKeys("city.*");
        browser.driver().findElement(By.cssSelector("#tail-filter button")).click();
        browser.await(d -> !d.findElement(By.id("tail-state")).isDisplayed());
        for (int co2 : new int[] {612, 1480, 2150}) {
            HubClient.Response r = hub.client().anonymous().post("/api/v1/plugins/fixture/luft",
                Map.of("Content-Type", "application/json", "X-Subject", "schule-7/raum-12"), "{\"co2\":" + co2 + "}");
            assertThat(r.status()).as(r.body()).isEqualTo(202);
        }

        browser.await(d -> d.findElements(By.cssSelector("#tail-events button.event")).size() == 3);
        assertThat(browser.driver().findElements(By.cssSelector("#tail-events button.event")))
            .allSatisfy(e -> assertThat(e.getText()).contains("city.air", "schule-7/raum-12"));
        browser.driver().findElement(By.cssSelector("#tail-events button.event")).click();
        assertThat(browser.await(d -> d.findElement(By.id("detail-json"))).getText()).contains("\"co2\": 2150");
        browser.assertAccessible();
    }
}
