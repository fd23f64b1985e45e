package de.datenhafen.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a failure says with the integration's secrets taken out, wherever and however they stand in it. */
class SecretTextTest {

    @Test
    void takesOutEachSecretAsWrittenAndUrlEncoded() {
        String secret = "whsec_+VFe/ocW3 x=";
        String text = "Illegal character at index 9: webhook:x?secret=RAW(" + secret + ") or "
            + "whsec_%2BVFe%2FocW3%20x%3D or whsec_%2BVFe%2FocW3+x%3D";

        assertThat(SecretText.redact(text, List.of(secret, "other-secret"))).isEqualTo("Illegal character at index 9: "
            + "webhook:x?secret=RAW(********) or ******** or ********");
    }

    @Test
    void leavesValuesTooShortToBeSecretsAndTextWithoutSecrets() {
        assertThat(SecretText.redact("a failure at abc", List.of("abc"))).isEqualTo("a failure at abc");
        assertThat(SecretText.redact("a failure", List.of())).isEqualTo("a failure");
        assertThat(SecretText.redact(null, List.of("secret"))).isNull();
    }
}
