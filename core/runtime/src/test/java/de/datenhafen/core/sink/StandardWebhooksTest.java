package de.datenhafen.core.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.camel.util.URISupport;
import org.junit.jupiter.api.Test;

class StandardWebhooksTest {

    /** The test vector the Standard Webhooks project publishes with its reference libraries. */
    private static final String VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long VECTOR_TIMESTAMP = 1614265330;
    private static final String VECTOR_BODY = "{\"test\": 2432232314}";
    private static final String VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void signsTheSpecificationsTestVectorExactly() {
        byte[] key = StandardWebhooks.key(VECTOR_SECRET, "secret");

        String signature = StandardWebhooks.sign(key, VECTOR_ID, VECTOR_TIMESTAMP,
            VECTOR_BODY.getBytes(StandardCharsets.UTF_8));

        assertThat(signature).isEqualTo(VECTOR_SIGNATURE);
    }

    @Test
    void aReceiverAcceptsTheTestVectorAndRefusesEachBadPartNamingItsHeader() {
        List<byte[]> keys = List.of(StandardWebhooks.key(VECTOR_SECRET, "secret"));
        byte[] body = VECTOR_BODY.getBytes(StandardCharsets.UTF_8);
        long now = VECTOR_TIMESTAMP + 10;

        assertThat(StandardWebhooks.verify(keys, VECTOR_ID, "" + VECTOR_TIMESTAMP, "v2,other " + VECTOR_SIGNATURE,
            body, now, 300)).isEqualTo(VECTOR_TIMESTAMP);
        assertRefused(() -> StandardWebhooks.verify(keys, VECTOR_ID, "" + VECTOR_TIMESTAMP, VECTOR_SIGNATURE,
            "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8), now, 300), "webhook-signature");
        assertRefused(() -> StandardWebhooks.verify(keys, VECTOR_ID, "" + (VECTOR_TIMESTAMP + 1), VECTOR_SIGNATURE,
            body, now, 300), "webhook-signature");
        assertRefused(() -> StandardWebhooks.verify(keys, VECTOR_ID, "" + VECTOR_TIMESTAMP, VECTOR_SIGNATURE, body,
            VECTOR_TIMESTAMP + 301, 300), "webhook-timestamp");
        assertRefused(() -> StandardWebhooks.verify(keys, VECTOR_ID, "1614265330.5", VECTOR_SIGNATURE, body, now,
            300), "webhook-timestamp");
        assertRefused(() -> StandardWebhooks.verify(keys, null, "" + VECTOR_TIMESTAMP, VECTOR_SIGNATURE, body, now,
            300), "webhook-id");
        assertRefused(() -> StandardWebhooks.verify(keys, VECTOR_ID, "" + VECTOR_TIMESTAMP, "", body, now, 300),
            "webhook-signature");
    }

    /**
     * The probe's header of a thousand {@code v1,} candidates on a 64 KiB body cost 350 ms of CPU per anonymous
     * request (an HMAC of the body per candidate and key): now each key's HMAC is made once and only the first
     * {@value StandardWebhooks#MAX_CANDIDATES} candidates are read.
     */
    @Test
    void onlyTheFirstFewCandidatesOfAHeaderAreRead() {
        List<byte[]> keys = List.of(StandardWebhooks.key(VECTOR_SECRET, "secret"));
        byte[] body = VECTOR_BODY.getBytes(StandardCharsets.UTF_8);
        long now = VECTOR_TIMESTAMP + 10;
        String wrong = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= ";

        assertThat(StandardWebhooks.verify(keys, VECTOR_ID, "" + VECTOR_TIMESTAMP,
            wrong.repeat(StandardWebhooks.MAX_CANDIDATES - 1) + VECTOR_SIGNATURE, body, now, 300))
            .isEqualTo(VECTOR_TIMESTAMP);
        assertRefused(() -> StandardWebhooks.verify(keys, VECTOR_ID, "" + VECTOR_TIMESTAMP,
            wrong.repeat(StandardWebhooks.MAX_CANDIDATES) + VECTOR_SIGNATURE, body, now, 300), "webhook-signature");
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String header) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StandardWebhooks.Refusal.class,
            r -> assertThat(r.header()).isEqualTo(header)).hasMessageNotContaining("MfKQ9r8GKYqrTwjUPD8ILPZIo2");
    }

    @Test
    void duringARotationTheHeaderCarriesOneSignaturePerSecretSeparatedByASpace() {
        String previous = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
        String header = StandardWebhooks.signatureHeader(List.of(StandardWebhooks.key(VECTOR_SECRET, "secret"),
            StandardWebhooks.key(previous, "previousSecret")), VECTOR_ID, VECTOR_TIMESTAMP,
            VECTOR_BODY.getBytes(StandardCharsets.UTF_8));

        assertThat(header.split(" ")).hasSize(2);
        assertThat(header.split(" ")[0]).isEqualTo(VECTOR_SIGNATURE);
        assertThat(header.split(" ")[1]).startsWith("v1,").isNotEqualTo(VECTOR_SIGNATURE);
    }

    @Test
    void aPlusReadAsASpaceFromAnEndpointUriIsTakenBackToAPlus() {
        byte[] key = new byte[24];
        for (int i = 0; i < key.length; i += 3) { // 0xfb 0xef 0xbe is "++++" in base64
            key[i] = (byte) 0xfb;
            key[i + 1] = (byte) 0xef;
            key[i + 2] = (byte) 0xbe;
        }
        String secret = "whsec_" + java.util.Base64.getEncoder().encodeToString(key);
        assertThat(secret).contains("+");
        assertThat(StandardWebhooks.key(secret.replace('+', ' '), "secret"))
            .isEqualTo(key);
    }

    @Test
    void refusesASecretThatIsNotWhsecBase64WithoutRepeatingIt() {
        assertThatThrownBy(() -> StandardWebhooks.key("hunter2-not-a-secret", "previousSecret"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("previousSecret must be a Standard Webhooks secret: whsec_ followed by 24 to 64 random bytes "
                + "in base64")
            .hasMessageNotContaining("hunter2");
    }

    @Test
    void theWebhookIdIsTheSameForEveryAttemptOfOneEventAndDiffersBetweenEvents() {
        String id = StandardWebhooks.webhookId("/plugins/p/integrations/i", "e-1");

        assertThat(StandardWebhooks.webhookId("/plugins/p/integrations/i", "e-1")).isEqualTo(id);
        assertThat(StandardWebhooks.webhookId("/plugins/p/integrations/i", "e-2")).isNotEqualTo(id);
        assertThat(StandardWebhooks.webhookId("/other", "e-1")).isNotEqualTo(id);
        assertThat(id).matches("msg_[0-9a-f]{32}");
    }

    @Test
    void camelMasksBothSecretsAndTheBrokerPasswordWhereverItShowsAnEndpointUri() {
        String uri = "webhook:alerts?url=https://example.org/hook&secret=" + VECTOR_SECRET
            + "&previousSecret=whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&timeoutSeconds=5";
        String mqtt = "mqtt-out:offers?broker=tcp://localhost:1883&topic=a/{type}&username=u&password=s3cr3t-pw";

        assertThat(URISupport.sanitizeUri(uri)).doesNotContain("whsec_").contains("timeoutSeconds=5");
        assertThat(URISupport.sanitizeUri(mqtt)).doesNotContain("s3cr3t-pw").contains("topic=a/{type}");
    }
}
