package de.datenhafen.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The hub knows the repository's test key for what it is, so a hub that trusts it says so. */
class PublicSigningKeyTest {

    /** The repository's test key pair, whose private half anyone with the repository can read. */
    private static final Path TEST_KEY = Path.of("../../plugins/signing/test-key.pub.pem");

    @Test
    void theKeyTheHubNamesAsPublicIsTheRepositorysTestKey() throws Exception {
        String pem = Files.readString(TEST_KEY);
        String id = PluginSignature.keyId(PluginSignature.publicKey(pem, "test-key.pub.pem"));

        assertThat(SignatureCheck.PUBLIC_KEYS).containsExactly(id);
        assertThat(SignatureCheck.publicKeyTrusted(id)).startsWith("the trusted signer's keys in plugins.trusted-keys "
            + "include the repository's test key " + id + ", whose private half is public");
    }
}
