package de.datenhafen.plugins.airquality;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;

/**
 * A request that failed inside the plugin (a database error, a bug): the admin finds the details in the log under a
 * request id, the caller gets {@code 500 {"error": "internal error", "requestId": "..."}} and nothing else, so no
 * SQL statement, stack or class name reaches an answer. Shared by the plugin's routes and the SensorThings service.
 */
public final class Incident {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_LOGGED = 300;

    private Incident() {
    }

    /** Logs the failure of {@code request} (method and path as received) with a new request id, and returns it. */
    public static String log(Logger log, String request, Throwable failure) {
        byte[] id = new byte[6];
        RANDOM.nextBytes(id);
        String requestId = HexFormat.of().formatHex(id);
        log.error("request {} failed: {} (request id {})", escape(request), escape(String.valueOf(failure)),
            requestId, failure);
        return requestId;
    }

    /** The answer's body for a request id from {@link #log}. */
    public static ObjectNode body(String requestId) {
        return JsonNodeFactory.instance.objectNode().put("error", "internal error").put("requestId", requestId);
    }

    /**
     * Text from outside as one log line: control characters (CR, LF, NUL, ...) as {@code \\uXXXX}, so a request cannot
     * forge log lines, and at most a few hundred characters.
     */
    public static String escape(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_LOGGED) + 16);
        for (int i = 0; i < s.length() && i < MAX_LOGGED; i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (s.length() > MAX_LOGGED) {
            b.append("... (").append(s.length()).append(" characters)");
        }
        return b.toString();
    }
}
