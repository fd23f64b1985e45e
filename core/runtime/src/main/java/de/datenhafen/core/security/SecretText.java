package de.datenhafen.core.security;

import de.datenhafen.api.Config;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Text about an integration or a flow with its secrets taken out, for what an admin reads ({@code lastError}) and
 * what the log keeps. A failure's message is not the hub's own words: Camel's, a library's or a plugin's may quote
 * an endpoint URI whole (a URI that did not parse is quoted as given, its {@code secret=RAW(...)} included, past
 * Camel's own masking), so every secret value of the integration is replaced wherever it stands, as written and
 * URL-encoded, by {@value Config#REDACTED}. Values shorter than {@value #SHORTEST} characters are left: they would
 * blank out ordinary words, and no secret check lets one through.
 */
public final class SecretText {

    /** The shortest value replaced. */
    static final int SHORTEST = 4;

    private SecretText() {
    }

    /** {@code text} with every value of {@code secrets} in it replaced; null stays null. */
    public static String redact(String text, Collection<String> secrets) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : secrets) {
            if (secret == null || secret.length() < SHORTEST) {
                continue;
            }
            out = out.replace(secret, Config.REDACTED);
            String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
            if (!encoded.equals(secret)) {
                out = out.replace(encoded, Config.REDACTED).replace(encoded.replace("+", "%20"), Config.REDACTED);
            }
        }
        return out;
    }
}
