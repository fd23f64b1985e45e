package de.datenhafen.core.web;

import de.datenhafen.api.web.Html;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The shell of every page of the hub: {@code <html lang>}, the shared style sheet and the face's, a skip link, a header
 * with the face's name, its navigation and the language switch (a plain link: it works without JavaScript), the
 * {@code main} landmark with the page's content, and the face's ES modules. Faces fill the slots; the shell writes
 * nothing it did not escape ({@link Html}).
 *
 * <pre>{@code
 * String html = Page.builder(language, texts, assets, "/console/plugins")
 *     .title(texts.get(language, "plugins.title")).brand("Datenhafen Konsole", "/console/")
 *     .nav(List.of(new Page.NavItem("/console/plugins", "Plugins", true)))
 *     .stylesheet("console/console.css").module("console/plugins.js")
 *     .main(content).render();
 * }</pre>
 */
public final class Page {

    /** A link of the navigation; {@code current} marks it {@code aria-current="page"}. */
    public record NavItem(String href, String label, boolean current) {
        public NavItem {
            Objects.requireNonNull(href, "href");
            Objects.requireNonNull(label, "label");
        }
    }

    private final Language language;
    private final Messages texts;
    private final Assets assets;
    private final String path;
    private String title = "";
    private String brand = "Datenhafen";
    private String brandHref = "/";
    private String navLabel;
    private final List<NavItem> nav = new ArrayList<>();
    /** URLs, the shell's first. */
    private final List<String> stylesheets = new ArrayList<>();
    private final List<String> modules = new ArrayList<>();
    private final Map<String, String> meta = new LinkedHashMap<>();
    private Html headerEnd = new Html();
    private Html main = new Html();

    private Page(Language language, Messages texts, Assets assets, String path) {
        this.language = language;
        this.texts = texts;
        this.assets = assets;
        this.path = path;
        this.navLabel = texts.get(language, "shell.nav");
        this.stylesheets.add(assets.url("shell.css"));
    }

    /**
     * @param path the page's own path and query, where the language switch comes back to
     */
    public static Page builder(Language language, Messages texts, Assets assets, String path) {
        return new Page(language, texts, assets, path);
    }

    /** The page's own title; the document's is "title – brand". */
    public Page title(String title) {
        this.title = title;
        return this;
    }

    /** The face's name in the header, linking to its start. */
    public Page brand(String name, String href) {
        this.brand = name;
        this.brandHref = href;
        return this;
    }

    /** The navigation's links, and its accessible name if not the shell's. */
    public Page nav(List<NavItem> items, String label) {
        nav.addAll(items);
        if (label != null) {
            navLabel = label;
        }
        return this;
    }

    /** A style sheet of the hub's assets, after the shell's. */
    public Page stylesheet(String asset) {
        stylesheets.add(assets.url(asset));
        return this;
    }

    /** A style sheet by its URL on this hub (a plugin's, from its own {@link Assets}). */
    public Page stylesheetUrl(String url) {
        stylesheets.add(url);
        return this;
    }

    /** An ES module of the hub's assets (loaded deferred, as modules are). */
    public Page module(String asset) {
        modules.add(assets.url(asset));
        return this;
    }

    /** An ES module by its URL on this hub (a plugin's, from its own {@link Assets}). */
    public Page moduleUrl(String url) {
        modules.add(url);
        return this;
    }

    /** A {@code <meta name content>} for the modules (e.g. the CSRF token of the session). */
    public Page meta(String name, String content) {
        meta.put(name, content);
        return this;
    }

    /** What goes at the end of the header (e.g. who is signed in, a sign-out button). */
    public Page headerEnd(Html fragment) {
        this.headerEnd = fragment;
        return this;
    }

    /** The page's content inside {@code <main>}. */
    public Page main(Html fragment) {
        this.main = fragment;
        return this;
    }

    public String render() {
        Html h = new Html().doctype().open("html", "lang", language.code()).open("head")
            .empty("meta", "charset", "utf-8")
            .empty("meta", "name", "viewport", "content", "width=device-width, initial-scale=1")
            .element("title", title.isEmpty() ? brand : title + " – " + brand);
        meta.forEach((name, content) -> h.empty("meta", "name", name, "content", content));
        h.empty("link", "rel", "icon", "href", assets.url("favicon.svg"), "type", "image/svg+xml");
        for (String css : stylesheets) {
            h.empty("link", "rel", "stylesheet", "href", css);
        }
        for (String js : modules) {
            h.module(js);
        }
        h.close("head").open("body")
            .link("#main", texts.get(language, "shell.skip"), "class", "skip-link")
            .open("header", "class", "shell-header")
            .link(brandHref, brand, "class", "brand");
        if (!nav.isEmpty()) {
            h.open("nav", "aria-label", navLabel, "class", "shell-nav").open("ul");
            for (NavItem item : nav) {
                h.open("li").link(item.href(), item.label(), "aria-current", item.current() ? "page" : null)
                    .close("li");
            }
            h.close("ul").close("nav");
        }
        h.append(headerEnd).append(languageSwitch()).close("header")
            .open("main", "id", "main", "tabindex", "-1").append(main).close("main")
            .close("body").close("html");
        return h.toString();
    }

    /** Links to the other languages, each named in its own language; the current one is said, not linked. */
    private Html languageSwitch() {
        Html h = new Html().open("nav", "aria-label", texts.get(language, "shell.language"), "class", "lang-switch")
            .open("ul");
        String back = URLEncoder.encode(path, StandardCharsets.UTF_8);
        for (Language l : Language.values()) {
            String name = texts.get(l, "shell.language.name");
            h.open("li");
            if (l == language) {
                h.element("span", name, "lang", l.code(), "aria-current", "true");
            } else {
                h.link(WebPages.LANGUAGE + l.code() + "?back=" + back, name, "lang", l.code(), "hreflang", l.code());
            }
            h.close("li");
        }
        return h.close("ul").close("nav");
    }
}
