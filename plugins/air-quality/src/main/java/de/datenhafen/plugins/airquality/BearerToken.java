package de.datenhafen.plugins.airquality;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.camel.Exchange;

/**
 * The plugin's one reading of {@code Authorization: Bearer <token>} and its constant-time comparison, shared by the
 * registry, the HTTP ingest and the SensorThings writes until the hub has member tokens.
 */
public final class BearerToken {

    private BearerToken() {
    }

    /** The token a request sent as {@code Authorization: Bearer <token>}, or null when it sent none. */
    public static String of(Exchange e) {
        String header = e.getIn().getHeader("Authorization", String.class);
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    }

    /** Whether {@code given} is {@code expected}, in time that does not depend on where they differ. */
    public static boolean matches(byte[] expected, String given) {
        return expected != null && given != null
            && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8));
    }
}
