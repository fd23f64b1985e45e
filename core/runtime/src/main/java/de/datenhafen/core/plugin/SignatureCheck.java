package de.datenhafen.core.plugin;

import de.datenhafen.api.RefusedException;
import de.datenhafen.core.config.HubConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a plugin archive is admitted code by its signature (see {@link PluginSignature}), at install and at
 * every start. An archive passes if it is on the allow-list, or if it is signed with a valid key of the member who
 * signed it and that member is the plugin's owner or the association's trusted signer
 * ({@value #HubConfig.PLUGINS_TRUSTED_SIGNER}), and no entry changed since. The trusted signer's keys are its registered keys and
 * those of the file {@value #HubConfig.PLUGINS_TRUSTED_KEYS} (how the packaged hub trusts the shipped plugins before any member
 * exists). With {@value #HubConfig.PLUGINS_REQUIRE_SIGNATURE}{@code =false} nothing is checked (development installs).
 */
final class SignatureCheck {

    private static final Logger LOG = LoggerFactory.getLogger(SignatureCheck.class);

    private static final Pattern PEM_KEY = Pattern.compile(
        "-----BEGIN PUBLIC KEY-----[A-Za-z0-9+/=\\s]*-----END PUBLIC KEY-----");

    private final boolean required;
    private final String trustedSigner;
    private final Map<String, PublicKey> trustedKeys;
    private final SigningKeys keys;
    private final ArchiveLimits limits;

    /**
     * @param trustedSigner the member whose signature is accepted for any plugin, or null
     * @param trustedKeys a PEM file with public keys of the trusted signer, or null
     */
    SignatureCheck(boolean required, String trustedSigner, Path trustedKeys, SigningKeys keys, ArchiveLimits limits) {
        this.required = required;
        this.trustedSigner = trustedSigner;
        this.keys = keys;
        this.limits = limits;
        this.trustedKeys = trustedKeys == null ? Map.of() : readKeys(trustedKeys);
        if (!this.trustedKeys.isEmpty() && trustedSigner == null) {
            throw new IllegalArgumentException(HubConfig.PLUGINS_TRUSTED_KEYS + " is set but " + HubConfig.PLUGINS_TRUSTED_SIGNER
                + " is not: name the member whose keys they are");
        }
        if (!required) {
            LOG.warn("Plugin signatures are NOT checked ({}=false): any archive an admin installs is loaded. For "
                + "development installs only", HubConfig.PLUGINS_REQUIRE_SIGNATURE);
        }
        trustsAPublicKey().ifPresent(id -> LOG.warn(PUBLIC_KEY_TRUSTED, id));
    }

    /** What the log and {@code /health/ready} say while a trusted key is one whose private half is public. */
    static final String PUBLIC_KEY_TRUSTED = "the trusted signer's keys in " + HubConfig.PLUGINS_TRUSTED_KEYS
        + " include the repository's test key {}, whose private half is public: anyone can sign plugins this hub "
        + "admits (uploaded, or put into plugins/); for development installs only, put the association's own key in "
        + "its place (README, \"Signed plugins\")";

    /** {@link #PUBLIC_KEY_TRUSTED} with the key's id. */
    static String publicKeyTrusted(String id) {
        return PUBLIC_KEY_TRUSTED.replace("{}", id);
    }

    boolean required() {
        return required;
    }

    /**
     * The ids of keys whose private half is public: the repository's test key ({@code plugins/signing/test-key.pem}),
     * with which the build signs the shipped plugins and whose public half the package trusts until an operator puts
     * the association's own key in its place (README, "Signed plugins"). Anyone with the repository can sign with it.
     */
    static final java.util.Set<String> PUBLIC_KEYS = java.util.Set.of("f19dc26acbf2089c1afb884dafe2d257");

    /** The id of a trusted key whose private half is public ({@link #PUBLIC_KEYS}), if signatures count and one is. */
    Optional<String> trustsAPublicKey() {
        return required ? trustedKeys.keySet().stream().filter(PUBLIC_KEYS::contains).findFirst() : Optional.empty();
    }

    /**
     * Checks the archive of a plugin owned by {@code owner} (a member id, or null for none).
     *
     * @return what admitted it: not checked, allow-listed, or whose signature verified
     * @throws RefusedException (422, field {@code signature}) naming the reason it is not admitted
     */
    PluginAdmission verify(PluginArchive archive, String owner) {
        if (!required) {
            return new PluginAdmission(PluginAdmission.Kind.NOT_CHECKED, null, null, null);
        }
        long t0 = System.nanoTime();
        if (keys.allowed(archive.sha256()).isPresent()) {
            LOG.info("Plugin {} {}: admitted unsigned by the allow-list (SHA-256 {})", archive.id(), archive.version(),
                archive.sha256());
            return new PluginAdmission(PluginAdmission.Kind.ALLOW_LISTED, null, null, null);
        }
        PluginSignature.Found found = PluginSignature.read(archive.path(), limits);
        if (found == null) {
            throw refused(archive, "it is unsigned (no " + PluginSignature.ENTRY + "); sign it with its owner's key "
                + "(bin/datenhafen plugin sign), or a hub-admin adds its SHA-256 " + archive.sha256()
                + " to the allow-list (POST /api/v1/admin/plugin-allowlist)");
        }
        String member = found.member();
        if (!PluginSignature.ALGORITHM.equals(found.algorithm())) {
            throw refused(archive, "it is signed with " + ZipReader.quote(found.algorithm()) + "; the hub verifies "
                + PluginSignature.ALGORITHM + " only");
        }
        PublicKey key = keyOf(archive, found);
        if (!member.equals(owner) && !member.equals(trustedSigner)) {
            throw refused(archive, "it is signed by member " + ZipReader.quote(member) + ", but "
                + (owner == null ? "the plugin has no owning member" : "the plugin belongs to member " + owner)
                + "; only its owner" + (trustedSigner == null ? "" : " or the trusted signer " + trustedSigner)
                + " may sign it");
        }
        String change = found.firstChange();
        if (change != null) {
            throw refused(archive, "the archive changed after it was signed: " + change);
        }
        if (!found.verifiedBy(key)) {
            throw refused(archive, "its signature does not verify with key " + found.keyId() + " of member " + member
                + " (the signature or the list of entries was changed)");
        }
        LOG.info("Plugin {} {}: signature of member {} (key {}) verified in {} ms", archive.id(), archive.version(),
            member, found.keyId(), (System.nanoTime() - t0) / 1_000_000);
        return new PluginAdmission(PluginAdmission.Kind.SIGNED, member, found.keyId(), null);
    }

    /** The public key the signature names, if it is a valid key of the member who signed. */
    private PublicKey keyOf(PluginArchive archive, PluginSignature.Found found) {
        String member = found.member();
        if (member.equals(trustedSigner) && trustedKeys.containsKey(found.keyId())) {
            return trustedKeys.get(found.keyId());
        }
        Optional<SigningKeys.Key> key = keys.key(found.keyId());
        if (key.isEmpty()) {
            throw refused(archive, "it is signed with an unknown key " + ZipReader.quote(found.keyId()) + " of member "
                + ZipReader.quote(member) + "; a hub-admin registers the member's public key (POST "
                + "/api/v1/admin/members/{member}/keys)");
        }
        if (!key.get().member().equals(member)) {
            throw refused(archive, "it names key " + found.keyId() + " as member " + ZipReader.quote(member)
                + "'s, but that key belongs to member " + key.get().member());
        }
        if (key.get().revoked()) {
            throw refused(archive, "it is signed with key " + found.keyId() + " of member " + member
                + ", which was revoked at " + key.get().revokedAt());
        }
        return key.get().decoded();
    }

    private static RefusedException refused(PluginArchive archive, String reason) {
        return new RefusedException("plugin " + archive.id() + " " + archive.version() + " is not admitted: " + reason,
            "signature");
    }

    /** The public keys of a PEM file, by key id. */
    private static Map<String, PublicKey> readKeys(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + HubConfig.PLUGINS_TRUSTED_KEYS + " " + file + ": " + e.getMessage(), e);
        }
        Map<String, PublicKey> out = new LinkedHashMap<>();
        Matcher m = PEM_KEY.matcher(text);
        while (m.find()) {
            PublicKey key = PluginSignature.publicKey(m.group(), HubConfig.PLUGINS_TRUSTED_KEYS);
            out.put(PluginSignature.keyId(key), key);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(HubConfig.PLUGINS_TRUSTED_KEYS + " " + file + " holds no public key "
                + "(-----BEGIN PUBLIC KEY-----)");
        }
        LOG.info("Plugin signatures: {} key(s) of the trusted signer from {}: {}", out.size(), file, out.keySet());
        return out;
    }
}
