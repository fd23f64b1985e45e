package de.datenhafen.testkit;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's mosquitto on a free port of 127.0.0.1, no persistence, its log in a temp folder: anonymous over plain
 * TCP ({@link #start()}), or over TLS with a certificate of a CA made for the test and one user with a password
 * ({@link #startSecured(String, String)}; the certificates are made with {@code openssl}, the password file with
 * {@code mosquitto_passwd}, both Debian's). Without mosquitto the tests fail (install it: {@code apt-get install
 * mosquitto}); they never skip. Used by the air-quality plugin's MQTT ingest tests and the core connectors' MQTT sink
 * tests.
 */
public record Mosquitto(Process process, int port, Path dir, boolean tls) {

    private static final Duration START = Duration.ofSeconds(10);

    public static Mosquitto start() throws IOException {
        return start("allow_anonymous true\n", false, Files.createTempDirectory("mosquitto-"));
    }

    /** TLS only (server certificate for {@code localhost} and 127.0.0.1), no anonymous access, one user. */
    public static Mosquitto startSecured(String user, String password) throws IOException {
        Path dir = Files.createTempDirectory("mosquitto-tls-");
        run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            "/CN=Datenhafen test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
            "keyUsage=critical,keyCertSign,cRLSign", "-keyout", "ca.key", "-out", "ca.pem");
        run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout",
            "server.key", "-out", "server.csr");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        run(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out", "server.pem");
        run(dir, executable("mosquitto_passwd"), "-b", "-c", "passwd", user, password);
        return start("allow_anonymous false\npassword_file " + dir.resolve("passwd") + "\n"
            + "cafile " + dir.resolve("ca.pem") + "\ncertfile " + dir.resolve("server.pem") + "\n"
            + "keyfile " + dir.resolve("server.key") + "\n", true, dir);
    }

    private static Mosquitto start(String settings, boolean tls, Path dir) throws IOException {
        String executable = executable("mosquitto");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path conf = dir.resolve("mosquitto.conf");
        // started as root, mosquitto would switch to the user "mosquitto", who cannot read the test's own files
        Files.writeString(conf, "listener " + port + " 127.0.0.1\n" + settings + "persistence false\nlog_dest stdout\n"
            + "user " + System.getProperty("user.name") + "\n");
        Path log = dir.resolve("mosquitto.log");
        Process process = new ProcessBuilder(executable, "-c", conf.toString())
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Mosquitto m = new Mosquitto(process, port, dir, tls);
        try {
            awaitListening(process, port, log);
        } catch (RuntimeException e) {
            m.stop();
            throw e;
        }
        return m;
    }

    /** Waits, at most {@link #START}, until the broker takes a TCP connection; fails at once when it exited. */
    private static void awaitListening(Process process, int port, Path log) throws IOException {
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited with " + process.exitValue() + ": "
                    + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("mosquitto did not accept connections on port " + port
                        + " within " + START.toSeconds() + " s: " + Files.readString(log));
                }
            }
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS); // a poll interval that ends early if it exits
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for mosquitto", e);
            }
        }
    }

    /** Runs a command in {@code dir}; fails the test with its output when it does not end with 0. */
    private static void run(Path dir, String... command) throws IOException {
        Path out = dir.resolve("command.log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(out.toFile()).start();
        try {
            if (!p.waitFor(START.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " failed: "
                    + Files.readString(out, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command[0], e);
        }
    }

    /** A Debian mosquitto program ({@code mosquitto}, {@code mosquitto_passwd}) on the PATH or in /usr/sbin. */
    private static String executable(String name) {
        List<Path> candidates = new ArrayList<>();
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isEmpty()) {
                candidates.add(Path.of(d, name));
            }
        }
        candidates.add(Path.of("/usr/sbin", name));
        candidates.add(Path.of("/usr/bin", name));
        Optional<String> found = candidates.stream().filter(Files::isExecutable).map(Path::toString).findFirst();
        return found.orElseThrow(() -> new AssertionError(name + " is not installed, and this test needs a real MQTT "
            + "broker: install it with 'apt-get install mosquitto' (Debian/Ubuntu); .ci/run does so"));
    }

    public String uri() {
        return tls ? "ssl://localhost:" + port : "tcp://127.0.0.1:" + port;
    }

    /** The test CA's certificate, PEM (only for a secured broker). */
    public String caCertificate() throws IOException {
        return Files.readString(dir.resolve("ca.pem"), StandardCharsets.US_ASCII);
    }

    /** For a test's own client of a secured broker: a socket factory that trusts the test CA only. */
    public javax.net.ssl.SSLSocketFactory clientSocketFactory() throws java.security.GeneralSecurityException,
        IOException {
        java.security.KeyStore trusted = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        trusted.load(null, null);
        try (java.io.InputStream pem = Files.newInputStream(dir.resolve("ca.pem"))) {
            trusted.setCertificateEntry("test-ca", java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(pem));
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return tls.getSocketFactory();
    }

    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // a leftover temp file is not worth failing a test for
        }
    }
}
