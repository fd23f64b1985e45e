package de.datenhafen.core.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for tests with real TLS, made by the JDK's {@code keytool} in a test's own folder (the JDK has no
 * public API to issue one): key stores are PKCS12 files {@code <name>.p12} with the password {@value #PASSWORD}.
 */
public final class TestAuthorities {

    public static final String PASSWORD = "changeit-test";

    private TestAuthorities() {
    }

    /** The key store {@code name} in {@code dir}. */
    public static String store(Path dir, String name) {
        return dir.resolve(name + ".p12").toString();
    }

    /**
     * A certificate authority of its own: its key under alias {@code authority} in store {@code name}, its
     * certificate in {@code <name>.crt}; returns that certificate in PEM form.
     */
    public static String authority(Path dir, String name) throws IOException, InterruptedException {
        keytool("-genkeypair", "-alias", "authority", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
            "CN=Datenhafen test " + name, "-ext", "bc:c", "-validity", "2", "-keystore", store(dir, name),
            "-storetype", "PKCS12", "-storepass", PASSWORD);
        Path pem = dir.resolve(name + ".crt");
        keytool("-exportcert", "-alias", "authority", "-keystore", store(dir, name), "-storetype", "PKCS12",
            "-storepass", PASSWORD, "-rfc", "-file", pem.toString());
        return Files.readString(pem, StandardCharsets.US_ASCII);
    }

    /** Runs the JDK's keytool; fails the test with its output when it fails. */
    public static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(p.exitValue()).as("keytool %s: %s", args[0], out).isZero();
    }
}
