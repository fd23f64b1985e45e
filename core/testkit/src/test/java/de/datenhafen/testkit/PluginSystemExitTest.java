package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.fixtures.Fixtures;
import de.datenhafen.fixtures.ProcessEndingPlugins;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The boot loop for real: an admitted plugin that calls {@code System.exit(3)} in {@code start()} ends the hub's
 * process once; the next start on the same folders leaves it disabled with the reason and the hub comes up. Each hub
 * runs in a JVM of its own (the test's class path, {@code de.datenhafen.core.Main}), since the exit is real.
 */
class PluginSystemExitTest {

    private static final String TOKEN = "boot-loop-test-admin-token-0123456789";
    private static final Pattern LISTENING = Pattern.compile("Datenhafen listening on port (\\d+)");

    @TempDir
    Path home;

    @Test
    void aPluginThatCallsSystemExitInStartEndsTheHubOnceAndStartsDisabledNextTime() throws Exception {
        Path archive = PluginArchiveBuilder.plugin("exits", "1.0.0", Fixtures.MEMBER, ProcessEndingPlugins.Exits.class)
            .writeTo(home.resolve("plugins"));
        String sha = HostileArchivesTest.sha256(archive);

        Process first = hub(sha, home.resolve("first.log"));
        assertThat(first.waitFor(2, TimeUnit.MINUTES)).as("the first hub ends").isTrue();
        assertThat(first.exitValue()).as(Files.readString(home.resolve("first.log"))).isEqualTo(3);

        Process second = hub(sha, home.resolve("second.log"));
        try {
            int port = await("the second hub to listen").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200)).until(() -> port(home.resolve("second.log"), second), p -> p > 0);
            HubClient client = new HubClient(URI.create("http://127.0.0.1:" + port), TOKEN);

            JsonObject exits = client.get("/api/v1/admin/plugins/exits").json();

            assertThat(exits.getString("state")).isEqualTo("disabled");
            assertThat(exits.getString("error")).startsWith("disabled by the hub: its last start (begun ")
                .endsWith(" did not finish before the hub went down, so it may be what ended the hub (System.exit, "
                    + "a crash, a start that never returned); enable it to try again");
            assertThat(client.anonymous().get("/health/ready").status()).isEqualTo(200);
        } finally {
            second.destroy();
            if (!second.waitFor(30, TimeUnit.SECONDS)) {
                second.destroyForcibly();
            }
        }
    }

    /**
     * A route's making that never returns (plugin code in its {@code configure()}, as a regular expression over a
     * megabyte-long URL was) holds the hub's routes: the create that started it answers after the plugin call time,
     * the hub still answers its health and its API, the integration is deleted, and a stop ends the process within its
     * deadline (1 s of stop, 2 s of plugin call and 10 s here). Before, the create never answered, readiness and the
     * integrations API hung behind it, and a stopped hub lived on until it was killed.
     */
    @Test
    void aRouteMakingThatNeverReturnsHoldsNeitherTheApiNorTheStop() throws Exception {
        Path archive = PluginArchiveBuilder.plugin("stuck", "1.0.0", Fixtures.MEMBER,
            de.datenhafen.fixtures.StuckRoutesPlugin.class).writeTo(home.resolve("plugins"));
        Path log = home.resolve("stuck.log");
        Process hub = hub(HostileArchivesTest.sha256(archive), log, java.util.Map.of(
            "DATENHAFEN_PLUGIN_CALL_TIMEOUT", "2s", "DATENHAFEN_SHUTDOWN_TIMEOUT", "1s"));
        try {
            int port = await("the hub to listen").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> port(log, hub), p -> p > 0);
            HubClient client = new HubClient(URI.create("http://127.0.0.1:" + port), TOKEN)
                .withTimeout(Duration.ofSeconds(20));
            await("its plugin to start").atMost(Duration.ofMinutes(1)).until(() -> "started".equals(client
                .get("/api/v1/admin/plugins/stuck").json().getString("state")));

            HubClient.Response created = client.post("/api/v1/admin/integrations", new JsonObject()
                .put("name", "never-made").put("connector", "stuck"));
            assertThat(created.body()).contains("did not finish within 2 s");
            assertThat(client.anonymous().get("/health/ready").status()).isEqualTo(200);
            assertThat(client.get("/api/v1/admin/integrations/never-made").json().getString("state"))
                .isEqualTo("failed");
            assertThat(client.delete("/api/v1/admin/integrations/never-made").status()).isEqualTo(204);

            long t0 = System.nanoTime();
            hub.destroy(); // SIGTERM, as an admin's stop
            assertThat(hub.waitFor(40, TimeUnit.SECONDS)).as("the hub ends").isTrue();
            if (hub.exitValue() == 1) { // the stop was held: the deadline ended the process
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(12));
                assertThat(Files.readString(log)).contains("The stop did not finish within 13 s (a plugin's code "
                    + "that does not return?): the process ends without it");
            }
        } finally {
            hub.destroyForcibly();
        }
    }

    private Process hub(String admittedSha, Path log) throws IOException {
        return hub(admittedSha, log, java.util.Map.of());
    }

    private Process hub(String admittedSha, Path log, java.util.Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), "-Ddatenhafen.home=" + home, "-Xmx256m",
            "de.datenhafen.core.Main").redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("DATENHAFEN_"));
        pb.environment().put("DATENHAFEN_HTTP_HOST", "127.0.0.1");
        pb.environment().put("DATENHAFEN_HTTP_PORT", "0");
        pb.environment().put("DATENHAFEN_ADMIN_TOKEN", TOKEN);
        pb.environment().put("DATENHAFEN_PLUGIN_ADMITTED", admittedSha);
        // the fixture archive is unsigned, like every HubExtension fixture (PluginSignatureTest tests signatures)
        pb.environment().put("DATENHAFEN_PLUGINS_REQUIRE_SIGNATURE", "false");
        pb.environment().putAll(env);
        return pb.start();
    }

    /** The port the hub printed, 0 while it has not; fails if the hub ended. */
    private static int port(Path log, Process process) {
        try {
            Matcher m = LISTENING.matcher(Files.readString(log));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!process.isAlive()) {
                throw new AssertionError("the hub ended with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
