package de.datenhafen.core.web;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.api.web.Html;
import org.junit.jupiter.api.Test;

class WebPagesTest {

    @Test
    void theLanguageSwitchGoesBackToLocalPathsOnly() {
        assertThat(WebPages.localPath("/console/plugins?state=FAILED")).isEqualTo("/console/plugins?state=FAILED");
        for (String away : new String[] {"https://evil.example/", "//evil.example/", "/\\evil.example/",
            "/\t/evil.example", "javascript:alert(1)", "", "/caf\u00e9", null}) {
            assertThat(WebPages.localPath(away)).as(String.valueOf(away)).isEqualTo("/");
        }
    }

    @Test
    void theShellHasLanguageSkipLinkMainAndNoInlineScript() {
        Assets assets = Assets.hub();
        String html = Page.builder(Language.EN, Messages.shell(), assets, "/x?a=1&b=<2>").title("Plugins")
            .nav(java.util.List.of(new Page.NavItem("/x", "X", true)), null).main(new Html().element("h1", "Hi"))
            .render();

        assertThat(html).startsWith("<!DOCTYPE html><html lang=\"en\">")
            .contains("<title>Plugins – Datenhafen</title>")
            .contains("<a href=\"#main\" class=\"skip-link\">Skip to content</a>")
            .contains("<a href=\"/x\" aria-current=\"page\">X</a>")
            .contains("<main id=\"main\" tabindex=\"-1\"><h1>Hi</h1></main>")
            .contains("href=\"/language/de?back=%2Fx%3Fa%3D1%26b%3D%3C2%3E\"")
            .contains("href=\"/assets/" + assets.version() + "/shell.css\"")
            .doesNotContain("<script>").doesNotContain("style=");
    }
}
