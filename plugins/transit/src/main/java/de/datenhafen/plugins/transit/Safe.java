package de.datenhafen.plugins.transit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** Text from outside made safe for a log line. */
final class Safe {

    private Safe() {
    }

    /**
     * As a JSON string literal (quoted, control characters escaped, so no one forges a line), cut at 300 characters.
     */
    static String log(String s) {
        if (s == null) {
            return "null";
        }
        return JsonNodeFactory.instance.textNode(s.length() > 300 ? s.substring(0, 300) + "..." : s).toString();
    }
}
