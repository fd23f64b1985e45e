package de.datenhafen.core.camel;

import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the hub's own endpoints ({@code bus:}, {@code hub-http:}, {@code webhook:}, {@code mqtt-out:},
 * {@code webhook-in:}) take of the options their URIs carry. Camel binds every option left over to the endpoint
 * by reflection, among them the generic {@code exceptionHandler}, and a value starting with {@code #} names a bean
 * or makes a class: {@code #class:java.io.FileOutputStream('/data/db.key')} truncated a file, {@code
 * #class:java.net.Socket('10.0.0.5', 22)} opened a connection. A URI is written from config values (a subject
 * prefix, a path, an event type), so a value that reached it undecoded or unchecked could add such an option: the
 * endpoints refuse one whatever the way in. Plugins that need Camel's generic options use Camel's own components.
 */
public final class EndpointOptions {

    private EndpointOptions() {
    }

    /**
     * Refuses an option left over after the endpoint took its own (Camel would bind it by reflection). Call
     * {@link #noReferences} on all options first: an option the endpoint takes is not left over.
     *
     * @throws IllegalArgumentException naming the options, never their values
     */
    public static void onlyOwn(String component, Map<String, Object> leftOver) {
        if (!leftOver.isEmpty()) {
            throw new IllegalArgumentException(component + " endpoint takes no option "
                + String.join(", ", new TreeSet<>(leftOver.keySet())));
        }
    }

    /**
     * Refuses a value that refers to a bean or makes a class ({@code #class:...}, {@code #bean:...}, {@code #type:...},
     * any value starting with {@code #}): the hub's endpoints take values only.
     *
     * @throws IllegalArgumentException naming the option, never its value
     */
    public static void noReferences(String component, Map<String, Object> options) {
        TreeSet<String> refs = new TreeSet<>();
        options.forEach((name, value) -> {
            if (value instanceof String s && s.stripLeading().startsWith("#")) {
                refs.add(name);
            }
        });
        if (!refs.isEmpty()) {
            throw new IllegalArgumentException(component + " endpoint option " + String.join(", ", refs)
                + " refers to a bean or a class (a value starting with #): the hub's endpoints take values only");
        }
    }

    /**
     * Refuses an endpoint URI, or an option given beside it, that holds {@code #class:} anywhere, however often
     * percent-encoded and whether in {@code RAW(...)} or not: Camel makes the class such an option value names (its
     * constructor runs before the option's type is checked), so a config value written into any component's URI
     * could run one. Read as text, not as Camel parses options, so that no way of writing it slips past: a literal
     * {@code #class:} in a path or a value is refused too (no endpoint of the hub or its plugins needs one; a plugin
     * makes its objects in Java). Called for every endpoint by {@link HubCamelContext}.
     *
     * @throws IllegalArgumentException naming the URI's scheme (never the URI, which may hold a secret)
     */
    public static void noClassMaking(String uri, Map<String, Object> parameters) {
        if (anyHolds(uri, parameters, "#class:")) {
            throw new IllegalArgumentException(scheme(uri) + " endpoint URI holds #class:, which would make Camel "
                + "create a class: the hub refuses it in every endpoint");
        }
    }

    /** What a text holding a property placeholder is refused with. */
    public static final String PLACEHOLDERS_OFF = "property placeholders ({{...}}) are off in the hub: Camel would put "
        + "the hub's environment or settings there";

    /**
     * Refuses an endpoint URI, or an option given beside it, that holds <code>{{</code> anywhere, however often
     * percent-encoded: Camel resolves a property placeholder in a URI before it parses it, inside {@code RAW(...)} too,
     * and a percent-encoded one outside it after decoding ({@link HubCamelContext} says why the hub resolves none).
     * Read as text, as {@link #noClassMaking} reads it.
     *
     * @throws IllegalArgumentException naming the URI's scheme (never the URI, which may hold a secret)
     */
    public static void noPlaceholders(String uri, Map<String, Object> parameters) {
        if (anyHolds(uri, parameters, "{{")) {
            throw new IllegalArgumentException(scheme(uri) + " endpoint URI holds {{: " + PLACEHOLDERS_OFF);
        }
    }

    /** Whether the URI or a text value beside it {@linkplain #holds holds} {@code part}. */
    private static boolean anyHolds(String uri, Map<String, Object> parameters, String part) {
        if (uri != null && holds(uri, part)) {
            return true;
        }
        return parameters != null && parameters.values().stream().anyMatch(v -> v instanceof String s && holds(s, part));
    }

    private static String scheme(String uri) {
        String scheme = uri == null || uri.indexOf(':') < 0 ? "an" : uri.substring(0, uri.indexOf(':'));
        return scheme.replaceAll("[^A-Za-z0-9+.-]", "?");
    }

    /**
     * Whether {@code #class:} is in the text, read as it is and percent-decoded again until nothing changes; a text
     * still changing after {@value #DECODINGS} decodings counts as holding it (Camel decodes once or twice; a
     * thousand rounds of {@code %2525...} would cost time, not find more).
     */
    static boolean makesClass(String text) {
        return holds(text, "#class:");
    }

    /** Whether {@code part} (lower case) is in the text in any case, as it is or percent-decoded ({@link #makesClass}). */
    private static boolean holds(String text, String part) {
        String t = text;
        for (int i = 0; i <= DECODINGS; i++) {
            if (t.toLowerCase(Locale.ROOT).contains(part)) {
                return true;
            }
            String decoded = percentDecoded(t);
            if (decoded.equals(t)) {
                return false;
            }
            t = decoded;
        }
        return true;
    }

    private static final int DECODINGS = 6;

    /** Each {@code %XX} as the one character of that code (enough to find ASCII text); anything else as it is. */
    private static String percentDecoded(String t) {
        StringBuilder b = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '%' && i + 2 < t.length() && Character.digit(t.charAt(i + 1), 16) >= 0
                && Character.digit(t.charAt(i + 2), 16) >= 0) {
                b.append((char) Integer.parseInt(t, i + 1, i + 3, 16));
                i += 2;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
