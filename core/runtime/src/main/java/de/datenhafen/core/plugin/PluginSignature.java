package de.datenhafen.core.plugin;

import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.RefusedException;
import de.datenhafen.core.store.DataFolder;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A member's signature of a plugin archive, kept inside it as {@value #ENTRY}:
 * {@code {"format":1, "member", "keyId", "algorithm":"Ed25519", "entries":{name: sha256, ...}, "signature"}}.
 *
 * <p>Why this format: the signature travels inside the archive, so a member uploads one file as before (no detached
 * file to lose or mismatch); it covers the expanded bytes of every other entry by name, so recompressing or
 * reordering the zip does not break it but any changed, added or removed entry does; and it works the same for zip and
 * jar plugins ({@code jarsigner} would cover jars only, and its manifest digests are not what the hub unpacks). The
 * algorithm is Ed25519 from the JDK: small keys, deterministic signatures, no new library. What is signed is
 * {@link #payload}: the member, key id, algorithm and the sorted entry digests, one per line.
 *
 * <p>Reading goes through {@link ZipReader}, so a hostile archive meets the same limits as at inspection.
 */
public final class PluginSignature {

    /** Where the signature lives inside the archive. */
    public static final String ENTRY = "META-INF/datenhafen/signature.json";
    public static final String ALGORITHM = "Ed25519";

    private static final int MAX_SIGNATURE_BYTES = 4 * 1024 * 1024;

    /**
     * A signature as read from an archive, with the digests of the archive's entries as they are now.
     *
     * @param declared the entry digests the signer saw (name to SHA-256 hex)
     * @param actual the entry digests of the archive as read now
     */
    record Found(String member, String keyId, String algorithm, Map<String, String> declared, byte[] signature,
                 Map<String, String> actual) {

        /** The first difference between what was signed and what the archive holds, or null if none. */
        String firstChange() {
            for (Map.Entry<String, String> e : actual.entrySet()) {
                String signed = declared.get(e.getKey());
                if (signed == null) {
                    return "entry " + ZipReader.quote(e.getKey()) + " was added after signing";
                }
                if (!signed.equals(e.getValue())) {
                    return "entry " + ZipReader.quote(e.getKey()) + " changed after signing";
                }
            }
            for (String name : declared.keySet()) {
                if (!actual.containsKey(name)) {
                    return "entry " + ZipReader.quote(name) + " was removed after signing";
                }
            }
            return null;
        }

        /** Whether {@code key} signed {@link #payload} of what the signer declared. */
        boolean verifiedBy(PublicKey key) {
            try {
                Signature s = Signature.getInstance(ALGORITHM);
                s.initVerify(key);
                s.update(payload(member, keyId, algorithm, declared));
                return s.verify(signature);
            } catch (GeneralSecurityException e) {
                return false;
            }
        }
    }

    private PluginSignature() {
    }

    /** What a signature signs: member, key id, algorithm, then each entry's name and SHA-256, sorted by name. */
    static byte[] payload(String member, String keyId, String algorithm, Map<String, String> entries) {
        StringBuilder out = new StringBuilder("datenhafen-plugin-signature-1\n")
            .append(member).append('\n').append(keyId).append('\n').append(algorithm).append('\n');
        new TreeMap<>(entries).forEach((name, sha) -> out.append(name.length()).append(':').append(name)
            .append(' ').append(sha).append('\n'));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads the signature of the archive at {@code path} and the digests of its entries, under {@code limits}.
     *
     * @return null if the archive holds no signature
     * @throws RefusedException (422) if the signature entry is not one the hub can read
     */
    static Found read(Path path, ArchiveLimits limits) {
        try (ZipReader zip = ZipReader.open(path, null, new ZipReader.Budget(limits))) {
            ZipReader.Entry entry = zip.entry(ENTRY);
            if (entry == null) {
                return null;
            }
            JsonObject json;
            try {
                json = new JsonObject(new String(zip.readSmall(entry, MAX_SIGNATURE_BYTES, "a signature"),
                    StandardCharsets.UTF_8));
            } catch (DecodeException e) {
                throw refused("its signature (" + ENTRY + ") is not JSON");
            }
            if (!(json.getValue("member") instanceof String member) || !(json.getValue("keyId") instanceof String keyId)
                || !(json.getValue("algorithm") instanceof String algorithm)
                || !(json.getValue("signature") instanceof String signature)
                || !(json.getValue("entries") instanceof JsonObject entries)) {
                throw refused("its signature (" + ENTRY + ") lacks member, keyId, algorithm, entries or signature");
            }
            Map<String, String> declared = new TreeMap<>();
            entries.forEach(e -> declared.put(e.getKey(), String.valueOf(e.getValue())));
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(signature);
            } catch (IllegalArgumentException e) {
                throw refused("its signature (" + ENTRY + ") is not base64");
            }
            return new Found(member, keyId, algorithm, declared, bytes, digests(zip));
        } catch (IOException e) {
            throw new InvalidInputException("the plugin archive cannot be read: " + e.getMessage(), "archive");
        }
    }

    /** The SHA-256 of every entry's expanded bytes but the signature's, by name (directories as empty). */
    private static Map<String, String> digests(ZipReader zip) throws IOException {
        Map<String, String> out = new TreeMap<>();
        MessageDigest digest = ArchiveInspector.sha256Digest();
        byte[] buffer = new byte[64 * 1024];
        for (ZipReader.Entry e : zip.entries()) {
            if (e.name().equals(ENTRY)) {
                continue;
            }
            digest.reset();
            if (!e.isDirectory()) {
                try (InputStream in = zip.open(e)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        digest.update(buffer, 0, n);
                    }
                }
            }
            out.put(e.name(), HexFormat.of().formatHex(digest.digest()));
        }
        return out;
    }

    /**
     * Signs the archive at {@code archive} in place as {@code member} with {@code key}: the entries are copied into a
     * new archive (an earlier signature left out) with the signature added, which then replaces the file.
     */
    public static void sign(Path archive, String member, PrivateKey key, PublicKey publicKey) {
        Path tmp = archive.resolveSibling("." + archive.getFileName() + ".signing");
        try (ZipReader zip = ZipReader.open(archive, null, new ZipReader.Budget(ArchiveLimits.DEFAULTS))) {
            Map<String, String> entries = digests(zip);
            String keyId = keyId(publicKey);
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key);
            s.update(payload(member, keyId, ALGORITHM, entries));
            JsonObject json = new JsonObject().put("format", 1).put("member", member).put("keyId", keyId)
                .put("algorithm", ALGORITHM).put("entries", new JsonObject(new TreeMap<>(entries)))
                .put("signature", Base64.getEncoder().encodeToString(s.sign()));
            // each entry keeps its time and the signature takes the latest of them, so the same archive signed again
            // is the same bytes (Ed25519 signs deterministically): a rebuild of unchanged sources gives the archive the
            // hub installed, where the time of signing made every build a new file
            java.time.LocalDateTime latest = ZipReader.Entry.EARLIEST;
            try (OutputStream out = Files.newOutputStream(tmp); ZipOutputStream z = new ZipOutputStream(out)) {
                for (ZipReader.Entry e : zip.entries()) {
                    if (e.name().equals(ENTRY)) {
                        continue;
                    }
                    ZipEntry copy = new ZipEntry(e.name());
                    copy.setTimeLocal(e.modified());
                    latest = e.modified().isAfter(latest) ? e.modified() : latest;
                    z.putNextEntry(copy);
                    if (!e.isDirectory()) {
                        try (InputStream in = zip.open(e)) {
                            in.transferTo(z);
                        }
                    }
                    z.closeEntry();
                }
                ZipEntry signature = new ZipEntry(ENTRY);
                signature.setTimeLocal(latest);
                z.putNextEntry(signature);
                z.write(json.encodePrettily().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        } catch (IOException e) {
            DataFolder.deleteTree(tmp);
            throw new UncheckedIOException("cannot sign " + archive, e);
        } catch (GeneralSecurityException e) {
            DataFolder.deleteTree(tmp);
            throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + archive, e);
        }
    }

    // ---- keys

    /** A key's id: the SHA-256 of its SubjectPublicKeyInfo (DER), hex, first 32 digits; what a signature names. */
    public static String keyId(PublicKey key) {
        return HexFormat.of().formatHex(ArchiveInspector.sha256Digest().digest(key.getEncoded())).substring(0, 32);
    }

    /**
     * An Ed25519 public key from PEM ({@code -----BEGIN PUBLIC KEY-----}, SubjectPublicKeyInfo) or from the base64 of
     * its DER or of the raw 32-byte key.
     *
     * @throws InvalidInputException (400) naming {@code field} if it is neither
     */
    public static PublicKey publicKey(String text, String field) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException(field + " is missing: the member's Ed25519 public "
                + "key as PEM (BEGIN PUBLIC KEY) or base64", field).coded("key.missing");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pemBody(text, "PUBLIC KEY"));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(field + " must be an Ed25519 public key as PEM "
                + "(BEGIN PUBLIC KEY) or base64", field).coded("key.notBase64");
        }
        if (der.length == 32) {
            // the raw key: prefix the fixed SubjectPublicKeyInfo header of Ed25519 (RFC 8410)
            byte[] spki = new byte[44];
            System.arraycopy(HexFormat.of().parseHex("302a300506032b6570032100"), 0, spki, 0, 12);
            System.arraycopy(der, 0, spki, 12, 32);
            der = spki;
        }
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            // the JDK's reason names its parser's internals (an ASN.1 tag, a class), not what to send
            throw new InvalidInputException(field + " is not an Ed25519 public key: send its "
                + "PEM (BEGIN PUBLIC KEY), the base64 of its DER (SubjectPublicKeyInfo) or of its 32 raw bytes", field)
                .coded("key.notEd25519");
        }
    }

    /** An Ed25519 private key from PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}). */
    public static PrivateKey privateKey(String pem) {
        try {
            byte[] der = Base64.getMimeDecoder().decode(pemBody(pem, "PRIVATE KEY"));
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not an Ed25519 private key in PKCS#8 PEM (BEGIN PRIVATE KEY): "
                + e.getMessage(), e);
        }
    }

    /** PEM text of a key's standard encoding ({@code PUBLIC KEY}: SubjectPublicKeyInfo, {@code PRIVATE KEY}: PKCS#8). */
    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static String pemBody(String text, String type) {
        String t = text == null ? "" : text.trim();
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = t.indexOf(begin);
        if (b >= 0) {
            int e = t.indexOf(end, b);
            if (e < 0) {
                throw new IllegalArgumentException("no " + end);
            }
            return t.substring(b + begin.length(), e);
        }
        return t;
    }

    private static RefusedException refused(String what) {
        return new RefusedException("the plugin archive's signature cannot be read: " + what, "signature");
    }
}
