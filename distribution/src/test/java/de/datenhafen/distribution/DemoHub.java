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
 * of the distribution with its shipped plugins and demo integrations. One per test class, or {@link #shared()}.
 */
final class DemoHub implements AutoCloseable {

    static final String TOKEN = "demo-test-admin-token-0123456789";

    /** The test JVM's {@link #shared()} hub, once one of its classes asked for it. */
    private static DemoHub shared;

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

    /**
     * The test JVM's one {@code --demo} hub with the default token, ready, for the ITs that read the demo and change
     * nothing another of them reads (CityPageIT, DemoWorldIT, HostileRequestsIT, OpenApiDocumentIT; the last two check
     * it changes nothing an admin sees). The first of them starts it, the others find it running and its demo data
     * there already: a demo's start, its data's warm-up and its stop once instead of once per class. It is stopped
     * when the JVM ends. A class that starts its hub with settings of its own, or changes what others read (the
     * README's examples), or times the start itself, keeps its own {@link #start}.
     */
    static synchronized DemoHub shared() throws IOException {
        if (shared == null) {
            Path work = Files.createTempDirectory("datenhafen-shared-demo-");
            DemoHub hub = start(work);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> hub.stopAtExit(work), "shared-demo-hub-stop"));
            shared = hub;
        }
        return shared.awaitReady();
    }

    /**
     * At the test JVM's end: SIGTERM, SIGKILL after 20 s (the fork has 30 s to end, and a hub left running would
     * outlive the build), then its folder goes. Nothing is asserted here: every class asserted what it needed.
     */
    private void stopAtExit(Path work) {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (java.util.stream.Stream<Path> files = Files.walk(work)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind costs disk, not a result
        }
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
        return startIn(home, work.resolve("hub.log"), token, environment, "--demo");
    }

    /**
     * Starts the server already in {@code home} (its data folder as an earlier start left it) with these settings and
     * options ({@code --demo} or none), its output in {@code log}; does not wait for readiness.
     */
    static DemoHub startIn(Path home, Path log, String token, Map<String, String> environment, String... options)
        throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder command = PackagedHub.command(home, port, token, log, options);
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
