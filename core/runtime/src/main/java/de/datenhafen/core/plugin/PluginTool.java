package de.datenhafen.core.plugin;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/datenhafen plugin keygen|sign}: a member's signing tools, offline, without a running hub. The build signs
 * the shipped plugins with the same {@code sign} (exec-maven-plugin in {@code plugins/pom.xml}).
 */
public final class PluginTool {

    static final String USAGE = "usage: datenhafen plugin keygen [--out <prefix>]\n"
        + "       datenhafen plugin sign <archive> --key <private-key.pem> --member <member id>\n"
        + "  keygen  writes an Ed25519 key pair: <prefix>.pem (private, PKCS#8, mode 0600; keep it secret) and\n"
        + "          <prefix>.pub.pem (public: a hub-admin registers it with POST /api/v1/admin/members/{id}/keys)\n"
        + "          (default prefix: plugin-signing)\n"
        + "  sign    signs a plugin archive (zip or jar) in place as the member, with the member's private key";

    private PluginTool() {
    }

    /**
     * For the build (exec-maven-plugin runs it inside Maven's JVM, so it must not exit): a failure is an exception.
     * The command line goes through {@code Main}, which exits with {@link #run}'s status.
     */
    public static void main(String[] args) {
        int status = run(List.of(args), System.out, System.err);
        if (status != 0) {
            throw new IllegalStateException("datenhafen plugin " + String.join(" ", args) + " failed (status " + status
                + ")");
        }
    }

    /** Runs one command; returns the exit status (0 done, 1 failed, 2 wrong usage). */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(args);
        String command = rest.isEmpty() ? "" : rest.remove(0);
        try {
            switch (command) {
                case "keygen" -> keygen(Path.of(option(rest, "--out", "plugin-signing")), out);
                case "sign" -> {
                    String key = option(rest, "--key", null);
                    String member = option(rest, "--member", null);
                    if (rest.size() != 1 || key == null || member == null) {
                        throw new IllegalArgumentException("sign takes one archive, --key and --member");
                    }
                    sign(Path.of(rest.get(0)), Path.of(key), member, out);
                }
                case "--help", "help" -> out.println(USAGE);
                default -> throw new IllegalArgumentException("unknown command '" + command + "'");
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage() + "\n" + USAGE);
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("failed: " + e.getMessage());
            return 1;
        }
    }

    private static void keygen(Path prefix, PrintStream out) throws IOException {
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance(PluginSignature.ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make " + PluginSignature.ALGORITHM + " keys", e);
        }
        Path privateFile = Path.of(prefix + ".pem");
        Path publicFile = Path.of(prefix + ".pub.pem");
        for (Path p : List.of(privateFile, publicFile)) {
            if (Files.exists(p)) {
                throw new FileAlreadyExistsException(p + " exists; keygen does not overwrite a key");
            }
        }
        // made with mode 0600 from the start: never readable by others, not even for a moment
        Files.createFile(privateFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(privateFile, PluginSignature.pem("PRIVATE KEY", pair.getPrivate().getEncoded()),
            StandardOpenOption.TRUNCATE_EXISTING);
        Files.writeString(publicFile, PluginSignature.pem("PUBLIC KEY", pair.getPublic().getEncoded()),
            StandardOpenOption.CREATE_NEW);
        out.println("private key " + privateFile + " (0600; keep it secret)\npublic key  " + publicFile + "\nkey id      "
            + PluginSignature.keyId(pair.getPublic()));
    }

    private static void sign(Path archive, Path keyFile, String member, PrintStream out) throws IOException {
        PrivateKey key = PluginSignature.privateKey(Files.readString(keyFile));
        PublicKey publicKey = publicOf(key);
        PluginSignature.sign(archive, member, key, publicKey);
        out.println("signed " + archive + " as member " + member + " with key " + PluginSignature.keyId(publicKey));
    }

    /** An Ed25519 private key in PKCS#8 v1 holds no public key; derive it the way the JDK can: sign and compare. */
    static PublicKey publicOf(PrivateKey key) {
        // PKCS#8 of Ed25519 is the 16-byte header and the 32-byte seed; the JDK derives the public key from a pair
        // generated with that seed as its randomness
        byte[] der = key.getEncoded();
        byte[] seed = java.util.Arrays.copyOfRange(der, der.length - 32, der.length);
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(PluginSignature.ALGORITHM);
            g.initialize(java.security.spec.NamedParameterSpec.ED25519, new FixedRandom(seed));
            PublicKey pub = g.generateKeyPair().getPublic();
            return KeyFactory.getInstance(PluginSignature.ALGORITHM).generatePublic(
                new X509EncodedKeySpec(pub.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the public key", e);
        }
    }

    /** Returns the seed as its only "random" bytes: how a key pair is re-made from a stored private key. */
    private static final class FixedRandom extends java.security.SecureRandom {
        private final byte[] seed;

        FixedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
        }
    }

    private static String option(List<String> args, String name, String otherwise) {
        int i = args.indexOf(name);
        if (i < 0) {
            return otherwise;
        }
        if (i + 1 >= args.size()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        String value = args.get(i + 1);
        args.remove(i + 1);
        args.remove(i);
        return value;
    }
}
