package de.datenhafen.core.camel;

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
}
