package de.datenhafen.testkit.console;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.fixtures.Fixtures;
import de.datenhafen.testkit.Browser;
import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.TestCertificates;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * A key checked with {@code ConfigCheck.pemCertificates()} on the console's form: a monospace text area that keeps
 * the pasted certificate's lines, labelled and described like every other field, its problem shown at it.
 */
class ConsoleCertificateKeysTest {

    private static final Path ARCHIVES = People.temp("certificate-keys");

    private static final String PEM = TestCertificates.newCa("Console test CA").caPem();

    @RegisterExtension
    static final HubExtension hub = People.hub().plugin(() -> Fixtures.certificates(ARCHIVES)).build();

    @RegisterExtension
    static final Browser browser = Browser.chromium();

    @BeforeAll
    static void people() {
        People.create(hub.client());
    }

    /** A hub-admin opens the form for a new {@code trusting-feed} integration and names it. */
    private static void openTheNewForm(String name) {
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/new/integration");
        new Select(browser.driver().findElement(By.id("connector"))).selectByValue("trusting-feed");
        browser.driver().findElement(By.cssSelector("#choose button")).click();
        browser.await(d -> d.findElement(By.id("integration-form")));
        browser.driver().findElement(By.id("name")).sendKeys(name);
        browser.driver().findElement(By.id("config.path")).sendKeys(name);
    }

    private static WebElement certificate() {
        return browser.driver().findElement(By.id("config.ca-certificate"));
    }

    private static void submit() {
        browser.driver().findElement(By.cssSelector("#integration-form button[type=submit]")).click();
    }

    @Test
    void aCertificateIsPastedIntoAMonospaceTextAreaAndStoredWithItsLineBreaks() {
        assertThat(PEM.lines().count()).as("the test certificate").isGreaterThan(3);
        openTheNewForm("trusted");

        WebElement field = certificate();
        assertThat(field.getTagName()).isEqualTo("textarea");
        assertThat(browser.driver().findElement(By.cssSelector("label[for='config.ca-certificate']")).getText())
            .isEqualTo("ca-certificate");
        assertThat(field.getAttribute("aria-describedby")).isEqualTo("hint.ca-certificate problem.ca-certificate");
        assertThat(browser.driver().findElement(By.id("hint.ca-certificate")).getText())
            .isEqualTo("The private CA's certificate in PEM form");
        assertThat(field.getAttribute("maxlength")).isEqualTo("65536");
        assertThat(field.getAttribute("spellcheck")).isEqualTo("false");
        assertThat(field.getAttribute("autocomplete")).isEqualTo("off");
        assertThat(field.getCssValue("font-family")).contains("monospace");
        // it looks like the text fields around it: the same border, until it has a problem
        WebElement path = browser.driver().findElement(By.id("config.path"));
        assertThat(field.getCssValue("border-top-color")).isEqualTo(path.getCssValue("border-top-color"));
        assertThat(field.getCssValue("border-top-width")).isEqualTo(path.getCssValue("border-top-width"));
        browser.assertAccessible();
        field.sendKeys(PEM);
        assertThat(field.getAttribute("value")).isEqualTo(PEM);
        browser.screenshot("ConsoleCertificateKeysTest", "certificate-pasted");
        submit();

        browser.await(d -> d.getCurrentUrl().endsWith("/console/integrations/trusted"));
        assertThat(hub.client().get("/api/v1/admin/integrations/trusted").json().getJsonObject("config")
            .getString("ca-certificate")).isEqualTo(PEM);
        HubClient.Response lines = hub.client().anonymous().get("/api/v1/plugins/certificates/trusted");
        assertThat(lines.json().getLong("lines")).as(lines.body()).isEqualTo(PEM.lines().count());

        // editing, the stored certificate is shown as it is, every line of it
        browser.driver().findElement(By.linkText("Einstellungen ändern")).click();
        browser.await(d -> d.findElement(By.id("integration-form")));
        assertThat(certificate().getTagName()).isEqualTo("textarea");
        assertThat(certificate().getAttribute("value")).isEqualTo(PEM);
        browser.assertAccessible();
        browser.driver().findElement(By.linkText("English")).click();
        browser.await(d -> "en".equals(d.findElement(By.tagName("html")).getAttribute("lang")));
        assertThat(certificate().getAttribute("value")).isEqualTo(PEM);
        browser.assertAccessible();
    }

    @Test
    void aValueThatIsNoCertificateIsShownWrongAtItsFieldAndNothingIsStored() {
        openTheNewForm("untrusted");

        WebElement field = certificate();
        assertThat(field.getTagName()).isEqualTo("textarea");
        String wrong = "-----BEGIN CERTIFICATE-----\nkein Zertifikat\n-----END CERTIFICATE-----\n";
        field.sendKeys(wrong);

        // checked as the admin types, the problem shows at the field before they submit
        WebElement problem = browser.driver().findElement(By.id("problem.ca-certificate"));
        browser.await(d -> !problem.getText().isEmpty());
        assertThat(problem.getText()).isEqualTo(problemOf(wrong))
            .contains("must be X.509 certificates in PEM form");
        assertThat(field.getAttribute("aria-invalid")).isEqualTo("true");
        submit();

        browser.await(d -> d.findElement(By.id("form-result")).isDisplayed()
            && !d.findElement(By.id("form-result")).getText().isEmpty());
        assertThat(problem.getText()).contains(problemOf(wrong));
        assertThat(field.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(field.getCssValue("border-top-width")).isEqualTo("2px");
        assertThat(field.getCssValue("border-top-color")).isEqualTo(problem.getCssValue("color"));
        assertThat(hub.client().get("/api/v1/admin/integrations/untrusted").status()).isEqualTo(404);
        browser.assertAccessible();
        browser.screenshot("ConsoleCertificateKeysTest", "not-a-certificate");
    }

    /** The problem the admin API names for {@code certificate} as a {@code trusting-feed}'s CA certificate. */
    private static String problemOf(String certificate) {
        JsonObject r = hub.client().post("/api/v1/admin/integrations/validate", new JsonObject()
            .put("name", "x").put("connector", "trusting-feed").put("config", new JsonObject().put("path", "x")
                .put("ca-certificate", certificate))).json();
        assertThat(r.getJsonArray("problems")).as(r.encode()).hasSize(1);
        return r.getJsonArray("problems").getJsonObject(0).getString("error");
    }
}
