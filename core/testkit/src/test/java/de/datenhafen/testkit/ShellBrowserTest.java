package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.api.web.Html;
import de.datenhafen.core.web.Language;
import de.datenhafen.core.web.Messages;
import de.datenhafen.core.web.Page;
import de.datenhafen.core.web.WebPages;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The page shell of every face in a real Chromium: language from the browser, the switch as a plain link, the skip
 * link first in the tab order, no horizontal scrolling at 360 px, and no serious accessibility violation.
 */
class ShellBrowserTest {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().build();

    @RegisterExtension
    static final Browser browser = Browser.chromium();

    /** A page of a made-up face, so the shell is tested on its own. */
    @BeforeAll
    static void mountAShellPage() {
        hub.hub().httpApi().router().get("/shell-test").handler(ctx -> {
            Language l = Language.of(ctx);
            String title = l == Language.DE ? "Probeseite" : "Test page";
            String html = Page.builder(l, Messages.shell(), hub.hub().httpApi().web().assets(), "/shell-test")
                .title(title).brand("Datenhafen", "/shell-test")
                .nav(List.of(new Page.NavItem("/shell-test", title, true), new Page.NavItem("/shell-test#b", "B",
                    false)), null)
                .main(new Html().element("h1", title).element("p", "<script>alert('nicht ausgeführt')</script>")
                    .open("form").empty("input", "id", "q", "name", "q", "type", "search")
                    .element("label", "Suche", "for", "q").close("form"))
                .render();
            WebPages.send(ctx, 200, l, html);
        });
    }

    @Test
    void showsThePageInGermanAndSwitchesToEnglishByALink() {
        browser.clearCookies().size(1280, 900).open(hub.client().baseUri().resolve("/shell-test"));
        assertThat(browser.driver().findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("de");
        assertThat(browser.driver().getTitle()).isEqualTo("Probeseite – Datenhafen");
        assertThat(browser.driver().findElement(By.tagName("main")).getText())
            .contains("<script>alert('nicht ausgeführt')</script>"); // shown as text, not run
        browser.assertAccessible();

        browser.driver().findElement(By.linkText("English")).click();

        browser.await(d -> d.getTitle().equals("Test page – Datenhafen"));
        assertThat(browser.driver().findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
        assertThat(browser.driver().getCurrentUrl()).endsWith("/shell-test");
        browser.assertAccessible();
    }

    @Test
    void theSkipLinkComesFirstAndLeadsToTheContent() {
        browser.clearCookies().size(1280, 900).open(hub.client().baseUri().resolve("/shell-test"));

        browser.driver().findElement(By.tagName("body")).sendKeys(Keys.TAB);
        WebElement focused = browser.driver().switchTo().activeElement();
        assertThat(focused.getText()).isEqualTo("Zum Inhalt springen");
        assertThat(focused.isDisplayed()).isTrue();
        focused.sendKeys(Keys.ENTER);

        assertThat(browser.driver().switchTo().activeElement().getAttribute("id")).isEqualTo("main");
    }

    @Test
    void fitsA360PixelScreenWithoutScrollingSideways() {
        browser.clearCookies().size(360, 800).open(hub.client().baseUri().resolve("/shell-test"));

        long scrollWidth = ((Number) browser.script("return document.documentElement.scrollWidth")).longValue();
        long clientWidth = ((Number) browser.script("return document.documentElement.clientWidth")).longValue();
        assertThat(scrollWidth).isLessThanOrEqualTo(clientWidth);
        assertThat(browser.driver().findElement(By.linkText("English")).isDisplayed()).isTrue();
        browser.assertAccessible();
    }
}
