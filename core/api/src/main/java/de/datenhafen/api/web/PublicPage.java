package de.datenhafen.api.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A page a {@link PublicSection} renders: its title, the content of {@code <main>}, its own style sheets and ES modules
 * (URLs from {@link PublicRequest#asset}), and the validators of its data. The hub sends it with {@code ETag} (the
 * section's, or else a digest of the page) and {@code Last-Modified} when given, and answers a matching
 * {@code If-None-Match} with 304, so a browser or a refreshing module revalidates instead of reloading.
 *
 * <p>An element with an {@code id} and {@code data-refresh="<seconds>"} is refreshed in place by the hub's module
 * while JavaScript runs: it fetches the page again (revalidating) and swaps that element's content. Without
 * JavaScript the page shows what the server rendered.
 *
 * <p>Immutable; build one per request.
 *
 * @since 1.2
 */
public final class PublicPage {

    private final String title;
    private final Html body;
    private final String etag;
    private final Instant lastModified;
    private final List<String> stylesheets;
    private final List<String> modules;

    private PublicPage(String title, Html body, String etag, Instant lastModified, List<String> stylesheets,
                       List<String> modules) {
        this.title = Objects.requireNonNull(title, "title");
        this.body = Objects.requireNonNull(body, "body");
        this.etag = etag;
        this.lastModified = lastModified;
        this.stylesheets = List.copyOf(stylesheets);
        this.modules = List.copyOf(modules);
    }

    /** A page with this title (the document's and the {@code h1}'s to write in the body) and content. */
    public static PublicPage of(String title, Html body) {
        return new PublicPage(title, body, null, null, List.of(), List.of());
    }

    /**
     * The same page with an entity tag for its data (e.g. the version of the data it shows); the hub adds the
     * language. Letters, digits, dots, dashes and underscores, at most 100.
     */
    public PublicPage etag(String tag) {
        if (tag == null || !tag.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("an etag is 1 to 100 letters, digits, dots, dashes or underscores: "
                + tag);
        }
        return new PublicPage(title, body, tag, lastModified, stylesheets, modules);
    }

    /** The same page with the time its data last changed. */
    public PublicPage lastModified(Instant time) {
        return new PublicPage(title, body, etag, Objects.requireNonNull(time, "time"), stylesheets, modules);
    }

    /** The same page with one more style sheet, after the hub's (a URL from {@link PublicRequest#asset}). */
    public PublicPage stylesheet(String url) {
        List<String> more = new ArrayList<>(stylesheets);
        more.add(local(url));
        return new PublicPage(title, body, etag, lastModified, more, modules);
    }

    /** The same page with one more ES module (a URL from {@link PublicRequest#asset}). */
    public PublicPage module(String url) {
        List<String> more = new ArrayList<>(modules);
        more.add(local(url));
        return new PublicPage(title, body, etag, lastModified, stylesheets, more);
    }

    private static String local(String url) {
        if (url == null || !url.startsWith("/") || url.startsWith("//")) {
            throw new IllegalArgumentException("a page's style sheets and modules come from the hub: " + url);
        }
        return url;
    }

    public String title() {
        return title;
    }

    public Html body() {
        return body;
    }

    /** The section's entity tag, or null. */
    public String etag() {
        return etag;
    }

    /** When the data last changed, or null. */
    public Instant lastModified() {
        return lastModified;
    }

    public List<String> stylesheets() {
        return stylesheets;
    }

    public List<String> modules() {
        return modules;
    }

    @Override
    public String toString() {
        return "PublicPage[" + title + (etag == null ? "" : ", etag " + etag) + "]";
    }
}
