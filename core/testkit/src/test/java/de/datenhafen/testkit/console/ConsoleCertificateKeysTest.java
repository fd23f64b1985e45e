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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * A key checked with {@code ConfigCheck.pemCertificates()} on the console's form: a monospace text area that keeps
 * the pasted certificate's lines, labelled and described like every other field, its problem shown at it in the words
 * {@code /validate} has for it, whether found as one types or by the create. One that only a hub-admin may set is
 * read-only, and looks so, to the owning member's admin, its stored certificate shown whole and kept when they save.
 */
class ConsoleCertificateKeysTest {

    private static final Path ARCHIVES = People.temp("certificate-keys");

    private static final String PEM = TestCertificates.newCa("Console test CA").caPem();

    @RegisterExtension
    static final HubExtension hub = People.hub().plugin(() -> Fixtures.certificates(ARCHIVES)).build();

    @RegisterExtension
    static final Browser browser = Browser.chromium();

    /** The CA a hub-admin pinned for the {@code pinned-feed} integration {@code pinned} of Luftblick's. */
    private static final String PINNED = TestCertificates.newCa("Pinned CA").caPem();

    private static final String BOUNDS = "it bounds which servers the feed trusts";

    @BeforeAll
    static void peopleAndAnIntegrationOfLuftblickWithACaAHubAdminPinned() {
        People.create(hub.client());
        HubClient.Response owner = hub.client().put("/api/v1/admin/plugins/certificates/owner",
            new JsonObject().put("member", "luftblick"));
        assertThat(owner.status()).as(owner.body()).isEqualTo(200);
        ConsoleOverviewTest.create(hub.client(), "pinned", "pinned-feed", new JsonObject().put("path", "pinned")
            .put("pinned-ca", PINNED));
    }

    /** A hub-admin opens the form for a new {@code trusting-feed} integration and names it. */
    private static void openTheNewForm(String name) {
        openTheNewForm(name, "de");
    }

    /** The same, the console in {@code language} ({@code de}, its first, or {@code en}). */
    private static void openTheNewForm(String name, String language) {
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/new/integration");
        if (language.equals("en")) {
            browser.driver().findElement(By.linkText("English")).click();
            browser.await(d -> "en".equals(d.findElement(By.tagName("html")).getAttribute("lang")));
        }
        assertThat(browser.driver().findElement(By.tagName("html")).getAttribute("lang")).isEqualTo(language);
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
            .startsWith("X.509-Zertifikate im PEM-Format");
        assertThat(field.getAttribute("aria-invalid")).isEqualTo("true");
        submit();

        browser.await(d -> d.findElement(By.id("form-result")).isDisplayed()
            && !d.findElement(By.id("form-result")).getText().isEmpty());
        assertThat(problem.getText()).isEqualTo(problemOf(wrong));
        assertThat(field.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(field.getCssValue("border-top-width")).isEqualTo("2px");
        assertThat(field.getCssValue("border-top-color")).isEqualTo(problem.getCssValue("color"));
        assertThat(hub.client().get("/api/v1/admin/integrations/untrusted").status()).isEqualTo(404);
        browser.assertAccessible();
        browser.screenshot("ConsoleCertificateKeysTest", "not-a-certificate");
    }

    /**
     * Submitted at once, before the check as one types has answered: the create's refusal puts at the field the same
     * words {@code /validate} has for it, not the API error's summary with the key in front
     * ({@code config.ca-certificate: must be ...}), in German and in English; nothing is stored.
     */
    @ParameterizedTest
    @ValueSource(strings = {"de", "en"})
    void aCreateRefusedShowsAtTheFieldTheWordsOfTheCheckAsOneTypes(String language) {
        String name = "refused-" + language;
        openTheNewForm(name, language);
        String wrong = "-----BEGIN CERTIFICATE-----\nnot one / keins\n-----END CERTIFICATE-----\n";
        browser.script("const f = document.getElementById('config.ca-certificate'); f.value = arguments[0];", wrong);
        submit(); // no input event: the create's answer is the first the form hears

        WebElement problem = browser.driver().findElement(By.id("problem.ca-certificate"));
        browser.await(d -> !problem.getText().isEmpty());
        String expected = problemOf(wrong, language);
        assertThat(problem.getText()).isEqualTo(expected).doesNotContain("config.")
            .startsWith(language.equals("de") ? "X.509-Zertifikate im PEM-Format" : "must be X.509 certificates in "
                + "PEM form");
        assertThat(certificate().getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.driver().findElement(By.id("problem.path")).getText()).isEmpty();
        assertThat(browser.driver().findElement(By.id("problem.config")).getText()).isEmpty();
        assertThat(browser.script("return document.activeElement.id")).isEqualTo("config.ca-certificate");
        // the line under the button points to the marked fields in the page's language
        browser.await(d -> !d.findElement(By.id("form-result")).getText().isEmpty());
        assertThat(browser.driver().findElement(By.id("form-result")).getText()).isEqualTo(language.equals("de")
            ? "Bitte die markierten Felder korrigieren." : "Please correct the marked fields.");
        assertThat(hub.client().get("/api/v1/admin/integrations/" + name).status()).isEqualTo(404);
        browser.assertAccessible();
        browser.screenshot("ConsoleCertificateKeysTest", "refused-at-create-" + language);
    }

    @Test
    void aHubAdminOnlyCertificateIsReadOnlyToTheOwningMembersAdminShownWholeAndKeptWhenTheySave() {
        assertThat(PINNED.lines().count()).as("the test certificate").isGreaterThan(3);
        openThePinnedIntegrationsSettingsAsAnna();

        WebElement pinned = browser.driver().findElement(By.id("config.pinned-ca"));
        WebElement greeting = browser.driver().findElement(By.id("config.greeting"));
        assertThat(pinned.getTagName()).isEqualTo("textarea");
        assertThat(pinned.getAttribute("class")).isEqualTo("pem");
        assertThat(pinned.getAttribute("readonly")).isNotNull();
        assertThat(greeting.getAttribute("readonly")).isNull();
        assertThat(pinned.getAttribute("value")).isEqualTo(PINNED);
        assertThat(pinned.getCssValue("font-family")).contains("monospace");
        // locked as the other keys only a hub-admin may set are: on the panel's grey, a dashed border, no text cursor
        assertThat(pinned.getCssValue("background-color")).isNotEqualTo(greeting.getCssValue("background-color"));
        assertThat(pinned.getCssValue("border-top-style")).isEqualTo("dashed")
            .isNotEqualTo(greeting.getCssValue("border-top-style"));
        assertThat(pinned.getCssValue("color")).isEqualTo(greeting.getCssValue("color"));
        assertThat(pinned.getCssValue("cursor")).isEqualTo("default");
        assertThat(pinned.getAttribute("aria-describedby"))
            .isEqualTo("hint.pinned-ca hint.pinned-ca.hub-admin-only problem.pinned-ca");
        assertThat(browser.driver().findElement(By.id("hint.pinned-ca")).getText())
            .isEqualTo("The one CA the feed trusts, in PEM form.");
        assertThat(browser.driver().findElement(By.id("hint.pinned-ca.hub-admin-only")).getText())
            .isEqualTo("Nur ein Hub-Admin darf das ändern: " + BOUNDS + ".");
        browser.assertAccessible();
        browser.screenshot("ConsoleCertificateKeysTest", "pinned-read-only");
        browser.driver().findElement(By.linkText("English")).click();
        browser.await(d -> "en".equals(d.findElement(By.tagName("html")).getAttribute("lang")));
        pinned = browser.driver().findElement(By.id("config.pinned-ca"));
        assertThat(pinned.getAttribute("readonly")).isNotNull();
        assertThat(pinned.getAttribute("value")).isEqualTo(PINNED);
        assertThat(browser.driver().findElement(By.id("hint.pinned-ca.hub-admin-only")).getText())
            .isEqualTo("Only a hub-admin may change this: " + BOUNDS + ".");
        browser.assertAccessible();

        greeting = browser.driver().findElement(By.id("config.greeting"));
        greeting.clear();
        greeting.sendKeys("moin");
        submit();

        browser.await(d -> d.getCurrentUrl().endsWith("/console/integrations/pinned"));
        JsonObject config = hub.client().get("/api/v1/admin/integrations/pinned").json().getJsonObject("config");
        assertThat(config.getString("greeting")).isEqualTo("moin");
        assertThat(config.getString("pinned-ca")).isEqualTo(PINNED);
        // restarted with the new greeting and the certificate as the hub-admin gave it, every line of it
        HubClient.Response running = hub.client().anonymous().get("/api/v1/plugins/certificates/pinned");
        assertThat(running.json()).as(running.body()).isEqualTo(new JsonObject()
            .put("lines", PINNED.lines().count()).put("greeting", "moin"));
    }

    @Test
    void theOwningMembersAdminWhoChangesAHubAdminOnlyCertificateAnywayIsRefusedAndItStays() {
        String other = TestCertificates.newCa("Another CA").caPem();
        HubClient memberAdmin = hub.client().withToken(hub.client().memberToken("luftblick", "refused-change",
            "member-admin"));
        JsonObject changed = new JsonObject().put("config", new JsonObject().put("path", "pinned")
            .put("pinned-ca", other));
        String refusal = "only a hub-admin may set pinned-ca: " + BOUNDS + " (leave it out, or as it is)";

        for (String path : new String[] {"/api/v1/admin/integrations/pinned",
            "/api/v1/admin/integrations/pinned/validate"}) {
            HubClient.Response r = path.endsWith("/validate") ? memberAdmin.post(path, changed)
                : memberAdmin.put(path, changed);
            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(r.json()).isEqualTo(new JsonObject().put("error", refusal).put("field", "config.pinned-ca"));
        }
        // the same from the form, its lock taken off as anyone can in their browser: refused at the field
        openThePinnedIntegrationsSettingsAsAnna();
        browser.script("const f = document.getElementById('config.pinned-ca'); f.removeAttribute('readonly');"
            + " f.value = arguments[0];", other);
        submit();
        WebElement problem = browser.driver().findElement(By.id("problem.pinned-ca"));
        browser.await(d -> !problem.getText().isEmpty());
        assertThat(problem.getText()).isEqualTo(refusal);
        assertThat(browser.driver().findElement(By.id("config.pinned-ca")).getAttribute("aria-invalid"))
            .isEqualTo("true");
        assertThat(browser.driver().getCurrentUrl()).endsWith("/console/integrations/pinned/edit");

        assertThat(hub.client().get("/api/v1/admin/integrations/pinned").json().getJsonObject("config")
            .getString("pinned-ca")).isEqualTo(PINNED);
        HubClient.Response running = hub.client().anonymous().get("/api/v1/plugins/certificates/pinned");
        assertThat(running.json().getLong("lines")).as(running.body()).isEqualTo(PINNED.lines().count());
    }

    /**
     * A certificate a hub-admin stored with CRLF line breaks (a PEM file from Windows, sent through the API as it
     * was): a text area gives its lines back with LF alone, so a form that sent the read-only key back sent another
     * value, and the hub refused the member-admin's save with 403 as a change of it. Left out, it stays as it is.
     */
    @Test
    void aHubAdminOnlyCertificateWithCrlfLineBreaksStaysAsItIsWhenTheOwningMembersAdminSaves() {
        String crlf = PINNED.replace("\n", "\r\n");
        ConsoleOverviewTest.create(hub.client(), "pinned-crlf", "pinned-feed", new JsonObject()
            .put("path", "pinned-crlf").put("pinned-ca", crlf));
        openThePinnedIntegrationsSettingsAsAnna("pinned-crlf");
        WebElement pinned = browser.driver().findElement(By.id("config.pinned-ca"));
        assertThat(pinned.getAttribute("readonly")).isNotNull();
        assertThat(pinned.getAttribute("value")).isEqualTo(PINNED); // its lines, as a text area gives them
        WebElement greeting = browser.driver().findElement(By.id("config.greeting"));
        greeting.clear();
        greeting.sendKeys("moin");
        submit();

        browser.await(d -> d.getCurrentUrl().endsWith("/console/integrations/pinned-crlf")
            || !d.findElement(By.id("form-result")).getText().isEmpty());
        String refused = browser.driver().findElements(By.id("form-result")).stream().map(WebElement::getText)
            .findFirst().orElse("");
        assertThat(browser.driver().getCurrentUrl()).as(refused).endsWith("/console/integrations/pinned-crlf");
        JsonObject config = hub.client().get("/api/v1/admin/integrations/pinned-crlf").json()
            .getJsonObject("config");
        assertThat(config.getString("greeting")).isEqualTo("moin");
        assertThat(config.getString("pinned-ca")).isEqualTo(crlf);
    }

    /** Anna, admin of Luftblick, the member that owns the plugin, opens the settings of its {@code pinned}. */
    private static void openThePinnedIntegrationsSettingsAsAnna() {
        openThePinnedIntegrationsSettingsAsAnna("pinned");
    }

    /** Anna opens the settings of {@code name}, an integration of the plugin her member owns. */
    private static void openThePinnedIntegrationsSettingsAsAnna(String name) {
        People.signIn(browser.size(1280, 900), hub.client(), People.ANNA, People.ANNA_PASSWORD,
            "/console/integrations/" + name);
        browser.driver().findElement(By.linkText("Einstellungen ändern")).click();
        browser.await(d -> d.findElement(By.id("integration-form")));
    }

    /** The problem the admin API names for {@code certificate} as a {@code trusting-feed}'s CA certificate. */
    private static String problemOf(String certificate) {
        return problemOf(certificate, "de");
    }

    /** The same, in {@code language} (the console's German page asks in German). */
    private static String problemOf(String certificate, String language) {
        JsonObject r = hub.client().post("/api/v1/admin/integrations/validate", java.util.Map.of("Content-Type",
            "application/json", "Accept-Language", language), new JsonObject().put("name", "x")
            .put("connector", "trusting-feed").put("config", new JsonObject().put("path", "x")
                .put("ca-certificate", certificate)).encode()).json();
        assertThat(r.getJsonArray("problems")).as(r.encode()).hasSize(1);
        return r.getJsonArray("problems").getJsonObject(0).getString("error");
    }
}
