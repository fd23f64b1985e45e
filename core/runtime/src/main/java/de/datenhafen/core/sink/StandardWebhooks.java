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
 * receiver that knows either secret accepts). Both sides live here, so the algorithm is written once: the sinks sign
 * with it, the {@code webhook-in:} component (a receiver) checks with it.
 */
public final class StandardWebhooks {

    /** The prefix of a symmetric Standard Webhooks secret; the rest is the key, base64. */
    public static final String SECRET_PREFIX = "whsec_";
    /** What a secret must look like: the prefix and 24 to 64 key bytes, base64 (what ConfigChecks use). */
    public static final String SECRET_PATTERN = "whsec_[A-Za-z0-9+/]{32,88}={0,2}";

    private static final Pattern SECRET = Pattern.compile(SECRET_PATTERN);
    private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,12}");
    /** The bus's longest event id: a receiver stores the webhook-id as its event's id. */
    private static final int MAX_ID = 255;
    private static final int MAX_SIGNATURES = 4096;
    /**
     * The {@code v1,} signatures of one header that are compared: a sender signs once per secret it holds (two during
     * a rotation), so 8 is room to spare; those after are not read.
     */
    static final int MAX_CANDIDATES = 8;

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

    /**
     * Checks a delivery as a Standard Webhooks receiver does: the three headers are there and well-formed, the
     * timestamp is within {@code toleranceSeconds} of {@code nowSeconds} (either way: an old delivery may be a
     * replay, a future one a forged clock), and one of the {@code v1,} signatures of the header is the HMAC of
     * {@code id.timestamp.body} under one of {@code keys} (compared in constant time; other versions are skipped).
     *
     * @return the delivery's timestamp, in seconds
     * @throws IllegalArgumentException a {@link Refusal} naming the header at fault, never a key or a signature
     */
    public static long verify(List<byte[]> keys, String id, String timestamp, String signatures, byte[] body,
                              long nowSeconds, long toleranceSeconds) {
        if (id == null || id.isBlank() || id.length() > MAX_ID) {
            throw new Refusal("webhook-id", "the delivery needs a webhook-id header of 1 to " + MAX_ID
                + " characters (Standard Webhooks)");
        }
        if (timestamp == null || !TIMESTAMP.matcher(timestamp).matches()) {
            throw new Refusal("webhook-timestamp", "the delivery needs a webhook-timestamp header: the time it was "
                + "sent, in whole seconds since 1970 (Standard Webhooks)");
        }
        long sent = Long.parseLong(timestamp);
        if (Math.abs(nowSeconds - sent) > toleranceSeconds) {
            throw new Refusal("webhook-timestamp", "the delivery's webhook-timestamp is " + (nowSeconds - sent)
                + " s from this hub's clock; at most " + toleranceSeconds + " s are accepted (an old delivery may be "
                + "a replay)");
        }
        if (signatures == null || signatures.isBlank() || signatures.length() > MAX_SIGNATURES) {
            throw new Refusal("webhook-signature", "the delivery needs a webhook-signature header: v1,<base64 of "
                + "the HMAC-SHA256> (Standard Webhooks)");
        }
        byte[] body0 = body == null ? new byte[0] : body;
        // each key's signature once, however many candidates the header lists: computed per candidate, a header of a
        // thousand v1, entries made the hub hash a 64 KiB body a thousand times for one anonymous request
        byte[][] expected = null;
        int tried = 0;
        for (String candidate : signatures.trim().split(" +")) {
            if (!candidate.startsWith("v1,")) {
                continue;
            }
            if (++tried > MAX_CANDIDATES) {
                break;
            }
            if (expected == null) {
                expected = new byte[keys.size()][];
                for (int k = 0; k < keys.size(); k++) {
                    expected[k] = sign(keys.get(k), id, sent, body0).getBytes(StandardCharsets.US_ASCII);
                }
            }
            byte[] given = candidate.getBytes(StandardCharsets.US_ASCII);
            for (byte[] e : expected) {
                if (MessageDigest.isEqual(e, given)) {
                    return sent;
                }
            }
        }
        throw new Refusal("webhook-signature", "no signature of the delivery's webhook-signature header matches "
            + "its id, timestamp and body under this receiver's secret");
    }

    /** A delivery a receiver refuses, naming the header at fault. */
    public static final class Refusal extends IllegalArgumentException {

        private final String header;

        Refusal(String header, String message) {
            super(message);
            this.header = header;
        }

        /** The header at fault: {@code webhook-id}, {@code webhook-timestamp} or {@code webhook-signature}. */
        public String header() {
            return header;
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
