package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.core.plugin.PluginSignature;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With {@code plugins.require-signature=true} (the packaged hub's default) an archive is installed only if its owning
 * member (or the trusted signer) signed it with a registered, unrevoked key and nothing in it changed since, or a
 * hub-admin allow-listed its SHA-256. Every refusal is 422 naming the reason, and nothing of the archive stays. At
 * start the same check keeps a plugin disabled, with the reason in its error.
 */
class PluginSignatureTest {

    static final Path ARCHIVES = TestDirs.create("plugin-signature");
    static final KeyPair OF_A = keyPair();
    static final KeyPair OF_B = keyPair();
    static final KeyPair UNREGISTERED = keyPair();
    static final KeyPair TRUSTED = keyPair();
    static final Path TRUSTED_KEYS = write(ARCHIVES.resolve("trusted.pub.pem"),
        PluginSignature.pem("PUBLIC KEY", TRUSTED.getPublic().getEncoded()));

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .config(HubConfig.PLUGINS_REQUIRE_SIGNATURE, true)
        .config(HubConfig.PLUGINS_TRUSTED_SIGNER, "association")
        .config(HubConfig.PLUGINS_TRUSTED_KEYS, TRUSTED_KEYS.toAbsolutePath().toString())
        .build();

    @BeforeAll
    static void twoMembersWithAKeyEach() {
        HubClient admin = hub.client();
        for (String m : new String[] {"member-a", "member-b"}) {
            assertThat(admin.post("/api/v1/admin/members", new JsonObject().put("id", m).put("name", m)).status())
                .isEqualTo(201);
        }
        assertThat(register("member-a", OF_A).status()).isEqualTo(201);
        assertThat(register("member-b", OF_B).status()).isEqualTo(201);
    }

    static HubClient.Response register(String member, KeyPair key) {
        return register(hub, member, key);
    }

    static HubClient.Response register(HubExtension hub, String member, KeyPair key) {
        return hub.client().post("/api/v1/admin/members/" + member + "/keys", new JsonObject()
            .put("publicKey", PluginSignature.pem("PUBLIC KEY", key.getPublic().getEncoded())).put("name", "ci"));
    }

    @Test
    void installsAndStartsAnArchiveSignedByItsOwner() {
        Path archive = signed(Fixtures.quiet(ARCHIVES.resolve("owner"), "signed-by-owner"), "member-a", OF_A);

        HubClient.Response installed = hub.client().installPlugin(archive, "enable=true&owner=member-a");

        assertThat(installed.status()).as(installed.body()).isEqualTo(201);
        assertThat(installed.json().getString("state")).isEqualTo("started");
        assertThat(installed.json().getString("owner")).isEqualTo("member-a");
        // what admitted it, as values (the console says them in its language) beside the English
        JsonObject admission = hub.client().get("/api/v1/admin/plugins/signed-by-owner").json()
            .getJsonObject("admission");
        assertThat(admission.getString("kind")).isEqualTo("signed");
        assertThat(admission.getString("member")).isEqualTo("member-a");
        assertThat(admission.getString("key")).isEqualTo(PluginSignature.keyId(OF_A.getPublic()));
        assertThat(admission.getBoolean("publicKey")).as("not the repository's test key").isFalse();
    }

    @Test
    void refusesAnUnsignedArchiveAndKeepsNothing() {
        Path archive = Fixtures.quiet(ARCHIVES.resolve("unsigned"), "unsigned");

        assertRefused(hub.client().installPlugin(archive, "owner=member-a"), "unsigned",
            "plugin unsigned 1.0.0 is not admitted: it is unsigned (no META-INF/datenhafen/signature.json)");
    }

    @Test
    void refusesAnArchiveSignedWithAnUnknownKey() {
        Path archive = signed(Fixtures.quiet(ARCHIVES.resolve("unknown"), "unknown-key"), "member-a", UNREGISTERED);

        assertRefused(hub.client().installPlugin(archive, "owner=member-a"), "unknown-key",
            "it is signed with an unknown key '" + PluginSignature.keyId(UNREGISTERED.getPublic())
                + "' of member 'member-a'");
    }

    @Test
    void refusesAKeyOfAnotherMemberThanTheOneItSignedAs() {
        // B's key, but the signature claims to be A's
        Path archive = signed(Fixtures.quiet(ARCHIVES.resolve("claims"), "claims-a"), "member-a", OF_B);

        assertRefused(hub.client().installPlugin(archive, "owner=member-a"), "claims-a",
            "that key belongs to member member-b");
    }

    @Test
    void refusesTwoMembersKeysCrossedAnArchiveOfASignedByB() {
        Path archive = signed(Fixtures.quiet(ARCHIVES.resolve("crossed"), "crossed"), "member-b", OF_B);

        assertRefused(hub.client().installPlugin(archive, "owner=member-a"), "crossed",
            "it is signed by member 'member-b', but the plugin belongs to member member-a; only its owner or the "
                + "trusted signer association may sign it");
    }

    @Test
    void refusesAnArchiveChangedAfterSigning() {
        Path archive = signed(Fixtures.quiet(ARCHIVES.resolve("tampered"), "tampered"), "member-a", OF_A);
        Path tampered = withAnotherDescription(archive, "tampered");

        assertRefused(hub.client().installPlugin(tampered, "owner=member-a"), "tampered",
            "the archive changed after it was signed: entry 'plugin.properties' changed after signing");
    }

    @Test
    void refusesAnArchiveSignedWithARevokedKey() {
        KeyPair key = keyPair();
        String id = register("member-a", key).json().getString("id");
        HubClient.Response revoked = hub.client().delete("/api/v1/admin/members/member-a/keys/" + id);
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertThat(revoked.json().getString("revokedAt")).isNotNull();
        Path archive = signed(Fixtures.quiet(ARCHIVES.resolve("revoked"), "revoked-key"), "member-a", key);

        assertRefused(hub.client().installPlugin(archive, "owner=member-a"), "revoked-key",
            "it is signed with key " + id + " of member member-a, which was revoked at");
        // kept as revoked, not deleted: the member's key list still shows it
        assertThat(hub.client().get("/api/v1/admin/members/member-a/keys").body()).contains(id);
    }

    @Test
    void aKeyThatIsMissingOrNotEd25519IsRefusedSayingWhatToSendNotWhatTheParserThrew() {
        String keys = "/api/v1/admin/members/member-a/keys";
        HubClient.Response missing = hub.client().post(keys, new JsonObject().put("name", "k"));
        // valid base64 of a DER that is no SubjectPublicKeyInfo (an ASN.1 tag the JDK's parser cannot read)
        HubClient.Response notAKey = hub.client().post(keys, new JsonObject().put("publicKey", "/////w==")
            .put("name", "k"));

        assertThat(missing.status()).as(missing.body()).isEqualTo(400);
        assertThat(missing.json().getString("field")).isEqualTo("publicKey");
        assertThat(missing.json().getString("error")).contains("missing");
        assertThat(notAKey.status()).as(notAKey.body()).isEqualTo(400);
        assertThat(notAKey.json().getString("field")).isEqualTo("publicKey");
        assertThat(notAKey.json().getString("error")).contains("PEM").doesNotContain("Exception", "java.", "Tag");
    }

    /**
     * A key's name and an allow-list note refuse control characters, as every other name people give does (an ESC
     * sequence was kept and shown in the member's page), and nothing is added.
     */
    @Test
    void aKeysNameAndAnAllowListNoteRefuseControlCharacters() {
        String keys = "/api/v1/admin/members/member-a/keys";
        HubClient.Response key = hub.client().post(keys, new JsonObject().put("publicKey", PluginSignature.pem(
            "PUBLIC KEY", keyPair().getPublic().getEncoded())).put("name", "\u001b[31mrotschrift\r\n"));
        HubClient.Response note = hub.client().post("/api/v1/admin/plugin-allowlist", new JsonObject()
            .put("sha256", "ab".repeat(32)).put("note", "a\u001b[31m\r\nb"));

        assertThat(key.status()).as(key.body()).isEqualTo(400);
        assertThat(key.json().getString("field")).isEqualTo("name");
        assertThat(key.json().getJsonArray("problems", new io.vertx.core.json.JsonArray()).encode() + key.body())
            .contains("control characters");
        assertThat(note.status()).as(note.body()).isEqualTo(400);
        assertThat(note.json().getString("field")).isEqualTo("note");
        assertThat(hub.client().get(keys).body()).doesNotContain("rotschrift");
        assertThat(hub.client().get("/api/v1/admin/plugin-allowlist").body()).doesNotContain("ab".repeat(32));
    }

    @Test
    void installsAnUnsignedArchiveAHubAdminAllowListedBySha256() throws Exception {
        Path archive = Fixtures.quiet(ARCHIVES.resolve("allowed"), "allow-listed");
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest(Files.readAllBytes(archive)));
        assertRefused(hub.client().installPlugin(archive, "owner=member-a"), "allow-listed", "it is unsigned");

        HubClient.Response added = hub.client().post("/api/v1/admin/plugin-allowlist", new JsonObject()
            .put("sha256", sha256).put("note", "reviewed by the association"));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        HubClient.Response installed = hub.client().installPlugin(archive, "enable=true&owner=member-a");

        assertThat(installed.status()).as(installed.body()).isEqualTo(201);
        assertThat(installed.json().getString("state")).isEqualTo("started");
        assertThat(installed.json().getJsonObject("admission").getString("kind")).isEqualTo("allow-listed");
        assertThat(hub.client().get("/api/v1/admin/audit?limit=50").body())
            .contains("POST /api/v1/admin/plugin-allowlist");
    }

    @Test
    void acceptsTheTrustedSignersSignatureForAnyOwner() {
        Path archive = signed(Fixtures.quiet(ARCHIVES.resolve("trusted"), "association-signed"), "association",
            TRUSTED);

        HubClient.Response installed = hub.client().installPlugin(archive, "enable=true&owner=member-b");

        assertThat(installed.status()).as(installed.body()).isEqualTo(201);
        assertThat(installed.json().getString("state")).isEqualTo("started");
    }

    // ---- helpers

    static void assertRefused(HubClient.Response answer, String pluginId, String reason) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(422);
        assertThat(answer.json().getString("error")).contains(reason);
        assertThat(answer.json().getString("field")).isEqualTo("signature");
        assertThat(hub.client().get("/api/v1/admin/plugins/" + pluginId).status()).isEqualTo(404);
        assertThat(hub.home().resolve("plugins").resolve(pluginId + "-1.0.0.zip")).doesNotExist();
    }

    static Path signed(Path archive, String member, KeyPair key) {
        PluginSignature.sign(archive, member, key.getPrivate(), key.getPublic());
        return archive;
    }

    /** The same plugin built again with another description, carrying the signature of {@code signed}. */
    static Path withAnotherDescription(Path signed, String id) {
        try (ZipFile zip = new ZipFile(signed.toFile())) {
            byte[] signature = zip.getInputStream(zip.getEntry(PluginSignature.ENTRY)).readAllBytes();
            return PluginArchiveBuilder.plugin(id, "1.0.0", Fixtures.MEMBER, de.datenhafen.fixtures.QuietPlugin.class)
                .descriptor("plugin.description", "changed after signing").withEntry(PluginSignature.ENTRY, signature)
                .writeTo(signed.getParent().resolve("tampered"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static KeyPair keyPair() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path write(Path file, String text) {
        try {
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
