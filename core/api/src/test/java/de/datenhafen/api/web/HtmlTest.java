package de.datenhafen.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void escapesTextAndAttributeValues() {
        String html = new Html().open("p", "title", "\"><script>alert(1)</script>", "data-x", "it's")
            .text("<b>Müller & Söhne</b>").close("p").toString();

        assertThat(html).isEqualTo("<p title=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\" data-x=\"it&#39;s\">"
            + "&lt;b&gt;Müller &amp; Söhne&lt;/b&gt;</p>");
    }

    @Test
    void leavesOutAttributesWhoseValueIsNull() {
        assertThat(new Html().link("/console/", "Start", "aria-current", null).toString())
            .isEqualTo("<a href=\"/console/\">Start</a>");
    }

    @Test
    void refusesInlineStylesAndEventHandlers() {
        assertThatThrownBy(() -> new Html().open("div", "style", "color:red"))
            .hasMessageContaining("attribute style is not allowed");
        assertThatThrownBy(() -> new Html().open("img", "onerror", "alert(1)"))
            .hasMessageContaining("attribute onerror is not allowed");
        assertThatThrownBy(() -> new Html().open("style")).hasMessageContaining("<style> is not allowed");
    }

    @Test
    void writesScriptsOnlyAsModulesWithoutContent() {
        assertThat(new Html().module("/assets/abc/console/app.js").toString())
            .isEqualTo("<script type=\"module\" src=\"/assets/abc/console/app.js\"></script>");
        assertThatThrownBy(() -> new Html().open("script")).hasMessageContaining("<script> is not allowed");
    }

    @Test
    void refusesScriptUrlsEvenWhenDisguised() {
        for (String url : new String[] {"javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)",
            "data:text/html,<p>", "vbscript:x"}) {
            assertThatThrownBy(() -> new Html().link(url, "x")).as(url).hasMessageContaining("URL scheme");
        }
        assertThat(new Html().link("/a:b?c=d:e#f", "ok").link("https://example.org/", "ok").link("?page=2", "ok")
            .toString()).contains("href=\"/a:b?c=d:e#f\"");
    }

    @Test
    void refusesElementsClosedOutOfOrderOrLeftOpen() {
        assertThatThrownBy(() -> new Html().open("div").open("p").close("div"))
            .hasMessage("closing <div> but the innermost open element is <p>");
        assertThatThrownBy(() -> new Html().open("div").toString()).hasMessage("<div> is still open");
        assertThatThrownBy(() -> new Html().open("input")).hasMessageContaining("write it with empty()");
    }

    @Test
    void refusesNamesThatAreNotNames() {
        assertThatThrownBy(() -> new Html().open("p onclick=x")).hasMessageContaining("not an element name");
        assertThatThrownBy(() -> new Html().open("p", "a b", "c")).hasMessageContaining("not an attribute name");
    }
}
