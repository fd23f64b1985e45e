package de.datenhafen.api.web;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes HTML that is safe by construction: every text and attribute value is escaped, element and attribute names
 * are checked, and what the pages' Content-Security-Policy forbids cannot be written at all: no {@code style}
 * attribute or element, no {@code on...} handler, no script with content, no {@code javascript:} or {@code data:} URL.
 * Elements are closed in order (a wrong close throws), so a page is well-formed. Not thread-safe; one per answer.
 *
 * <p>Chosen over a template engine: the pages are small, built from the same Java services as the JSON API, and a
 * writer that cannot emit an unescaped value or an inline script is the property the CSP needs; an engine would add a
 * second language and an escape-by-default that can be turned off.
 *
 * <pre>{@code
 * Html h = new Html().open("ul", "class", "plugins");
 * for (String name : names) h.element("li", name);
 * String html = h.close("ul").toString();
 * }</pre>
 */
public final class Html {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    private static final Set<String> VOID = Set.of("area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr");
    private static final Set<String> FORBIDDEN_ELEMENTS = Set.of("script", "style", "iframe", "object", "embed",
        "base", "frame", "frameset");
    private static final Set<String> URL_ATTRIBUTES = Set.of("href", "src", "action", "formaction", "poster", "cite",
        "data", "srcset", "xlink:href");

    private final StringBuilder out = new StringBuilder(1024);
    private final Deque<String> open = new ArrayDeque<>();

    /** Opens an element; {@code attributes} are name-value pairs, a null value leaves the attribute out. */
    public Html open(String tag, String... attributes) {
        startTag(tag, attributes);
        if (VOID.contains(tag)) {
            throw new IllegalArgumentException("<" + tag + "> has no content: write it with empty()");
        }
        open.push(tag);
        return this;
    }

    /** Closes the innermost open element, which must be {@code tag}. */
    public Html close(String tag) {
        if (open.isEmpty() || !open.peek().equals(tag)) {
            throw new IllegalStateException("closing <" + tag + "> but the innermost open element is "
                + (open.isEmpty() ? "none" : "<" + open.peek() + ">"));
        }
        open.pop();
        out.append("</").append(tag).append('>');
        return this;
    }

    /** An element without content ({@code meta}, {@code input}, {@code link}, ...). */
    public Html empty(String tag, String... attributes) {
        if (!VOID.contains(tag)) {
            throw new IllegalArgumentException("<" + tag + "> is not a void element: open() and close() it");
        }
        startTag(tag, attributes);
        return this;
    }

    /** An element holding only {@code text}. */
    public Html element(String tag, String text, String... attributes) {
        return open(tag, attributes).text(text).close(tag);
    }

    /** A link. */
    public Html link(String href, String text, String... attributes) {
        String[] all = new String[attributes.length + 2];
        all[0] = "href";
        all[1] = href;
        System.arraycopy(attributes, 0, all, 2, attributes.length);
        return element("a", text, all);
    }

    /** Escaped text; null writes nothing. */
    public Html text(String text) {
        if (text != null) {
            escape(text, false);
        }
        return this;
    }

    /** Another writer's complete output, e.g. a fragment built by a helper method. */
    public Html append(Html fragment) {
        if (!fragment.open.isEmpty()) {
            throw new IllegalStateException("the fragment still has <" + fragment.open.peek() + "> open");
        }
        out.append(fragment.out);
        return this;
    }

    /** An ES module from the hub's own assets; the only script a page can have, and it has no inline content. */
    public Html module(String src) {
        startTag("script", "type", "module", "src", src);
        out.append("</script>");
        return this;
    }

    /** The doctype; call first for a whole page. */
    public Html doctype() {
        out.append("<!DOCTYPE html>");
        return this;
    }

    /** The HTML written so far; every element must be closed. */
    @Override
    public String toString() {
        if (!open.isEmpty()) {
            throw new IllegalStateException("<" + open.peek() + "> is still open");
        }
        return out.toString();
    }

    private void startTag(String tag, String... attributes) {
        if (tag == null || !NAME.matcher(tag).matches()) {
            throw new IllegalArgumentException("not an element name: " + tag);
        }
        boolean script = tag.equals("script") && attributes.length == 4 && "type".equals(attributes[0])
            && "module".equals(attributes[1]) && "src".equals(attributes[2]);
        if (FORBIDDEN_ELEMENTS.contains(tag) && !script) {
            throw new IllegalArgumentException("<" + tag + "> is not allowed in the hub's pages (CSP: no inline "
                + "scripts or styles, no frames); use module() for a script");
        }
        if (attributes.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in name-value pairs: " + attributes.length
                + " strings given for <" + tag + ">");
        }
        out.append('<').append(tag);
        for (int i = 0; i < attributes.length; i += 2) {
            String name = attributes[i];
            String value = attributes[i + 1];
            if (value == null) {
                continue;
            }
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not an attribute name: " + name);
            }
            if (name.equals("style") || name.startsWith("on") || name.equals("srcdoc")) {
                throw new IllegalArgumentException("attribute " + name + " is not allowed (CSP: no inline styles "
                    + "or scripts); use a class and the face's CSS or module");
            }
            if (URL_ATTRIBUTES.contains(name) && !safeUrl(value)) {
                throw new IllegalArgumentException("attribute " + name + " of <" + tag + "> has a URL scheme the hub's "
                    + "pages do not link: " + value);
            }
            out.append(' ').append(name).append("=\"");
            escape(value, true);
            out.append('"');
        }
        out.append('>');
    }

    /** Relative URLs, http(s) and mailto only; what a browser would read as a scheme is checked without blanks. */
    static boolean safeUrl(String url) {
        StringBuilder squeezed = new StringBuilder();
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c > ' ' && c != 0x7f) {
                squeezed.append(c);
            }
        }
        String u = squeezed.toString().toLowerCase(Locale.ROOT);
        int colon = u.indexOf(':');
        int end = firstOf(u, "/?#");
        if (colon < 0 || (end >= 0 && end < colon)) {
            return true; // no scheme: a path, a query or a fragment
        }
        return u.startsWith("http:") || u.startsWith("https:") || u.startsWith("mailto:");
    }

    private static int firstOf(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private void escape(String s, boolean attribute) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append(attribute ? "&quot;" : "\"");
                case '\'' -> out.append(attribute ? "&#39;" : "'");
                case '\u0000' -> out.append('\uFFFD');
                default -> out.append(c);
            }
        }
    }
}
