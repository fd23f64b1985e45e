package de.datenhafen.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.testkit.HubClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged hub as the README's first command starts it: {@code bin/datenhafen --demo} in a fresh JVM, on a copy
 * of the distribution with its shipped plugins and demo integrations. One per test class.
 */
final class DemoHub implements AutoCloseable {

    static final String TOKEN = "demo-test-admin-token-0123456789";

    final Path home;
    final Path log;
    final int port;
    final Process process;
    final HubClient client;

    private DemoHub(Path home, Path log, int port, Process process, String token) {
        this.home = home;
        this.log = log;
        this.port = port;
        this.process = process;
        this.client = new HubClient(URI.create("http://127.0.0.1:" + port), token);
    }

    /** Copies the distribution into {@code work} and starts it with {@code --demo}; does not wait for readiness. */
    static DemoHub start(Path work) throws IOException {
        return start(work, TOKEN);
    }

    /** The same, with this admin token (the README's, for its examples). */
    static DemoHub start(Path work, String token) throws IOException {
        return start(work, token, Map.of());
    }

    /** The same, with settings of the hub's own ({@code DATENHAFEN_...} environment variables) added. */
    static DemoHub start(Path work, String token, Map<String, String> environment) throws IOException {
        return start(work, token, environment, Path.of(System.getProperty("datenhafen.distribution")));
    }

    /** The same, of another unpacked server than the one this build made (a benchmark's earlier version). */
    static DemoHub start(Path work, String token, Path dist) throws IOException {
        return start(work, token, Map.of(), dist);
    }

    private static DemoHub start(Path work, String token, Map<String, String> environment, Path dist)
        throws IOException {
        Path home = work.resolve("hub");
        PackagedHub.copyWithClassData(dist, home);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = work.resolve("hub.log");
        ProcessBuilder command = PackagedHub.command(home, port, token, log, "--demo");
        command.environment().putAll(environment);
        Process process = command.start();
        return new DemoHub(home, log, port, process, token);
    }

    /** Waits (at most {@link #startBound()}) until the hub answers ready, failing early if its process ended. */
    DemoHub awaitReady() {
        org.awaitility.Awaitility.await("hub ready; log:\n" + log).atMost(startBound())
            .pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
                assertAlive();
                return client.anonymous().get("/health/ready").status() == 200;
            });
        return this;
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    void assertAlive() {
        assertThat(process.isAlive()).as("hub process alive; log:\n" + logText()).isTrue();
    }

    @Override
    public void close() throws InterruptedException {
        // the first stop of a copy writes the class-data archive the later copies start with: that takes longer
        boolean writesArchive = PackagedHub.writesClassDataToKeep(home);
        process.destroy();
        if (process.waitFor(writesArchive ? 90 : 20, TimeUnit.SECONDS)) {
            PackagedHub.keepClassData(home);
        } else {
            process.destroyForcibly();
        }
    }

    static Duration startBound() {
        return Duration.ofMinutes(2);
    }
}
