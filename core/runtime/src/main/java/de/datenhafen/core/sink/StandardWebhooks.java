package de.datenhafen.core.sink;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signing as the Standard Webhooks specification says: the signed content is {@code <webhook-id>.<webhook-timestamp>.
 * <body>}, the signature {@code v1,<base64 of its HMAC-SHA256>} under the secret's key bytes, and the
 * {@code webhook-signature} header lists one signature per secret, separated by spaces (two during a rotation, so a
 * receiver that knows either secret accepts).
 */
public final class StandardWebhooks {

    /** The prefix of a symmetric Standard Webhooks secret; the rest is the key, base64. */
    public static final String SECRET_PREFIX = "whsec_";
    /** What a secret must look like: the prefix and 24 to 64 key bytes, base64 (what ConfigChecks use). */
    public static final String SECRET_PATTERN = "whsec_[A-Za-z0-9+/]{32,88}={0,2}";

    private static final Pattern SECRET = Pattern.compile(SECRET_PATTERN);

    private StandardWebhooks() {
    }

    /**
     * The key bytes of a {@code whsec_<base64>} secret.
     *
     * @throws IllegalArgumentException naming {@code field} (never the value) when it is not such a secret
     */
    public static byte[] key(String secret, String field) {
        // Camel reads a '+' in an endpoint URI as a space; a base64 key never holds a space, so it was a '+'
        String s = secret == null ? null : secret.replace(' ', '+');
        if (s == null || !SECRET.matcher(s).matches()) {
            throw new IllegalArgumentException(field + " must be a Standard Webhooks secret: whsec_ followed by "
                + "24 to 64 random bytes in base64");
        }
        try {
            return Base64.getDecoder().decode(s.substring(SECRET_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " is not valid base64 after whsec_");
        }
    }

    /** {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">} under {@code key}. */
    public static String sign(byte[] key, String id, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }

    /** The {@code webhook-signature} header: one signature per key, space-separated. */
    public static String signatureHeader(List<byte[]> keys, String id, long timestamp, byte[] body) {
        StringBuilder b = new StringBuilder();
        for (byte[] key : keys) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(sign(key, id, timestamp, body));
        }
        return b.toString();
    }

    /**
     * A {@code webhook-id} that is the same for every attempt of one event, also after a restart: derived from the
     * event's source and id (which identify a CloudEvent), so a receiver can drop what it already has.
     */
    public static String webhookId(String source, String eventId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest((source + "\n" + eventId).getBytes(StandardCharsets.UTF_8));
            return "msg_" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
