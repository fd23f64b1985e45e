package de.datenhafen.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.testkit.HubClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server, as an admin gets it: {@code bin/datenhafen} in a fresh JVM, a plugin installed and enabled
 * over HTTP, an integration created and used, the process restarted with the same state, and stopped by SIGTERM.
 */
class DistributionSmokeIT {

    private static final String TOKEN = "smoke-test-admin-token-0123456789";

    @TempDir
    Path work;

    private Path home;
    private Path pluginArchive;
    private int port;
    private Process process;
    private final List<Path> logs = new ArrayList<>();

    @BeforeEach
    void copyDistribution() throws IOException {
        Path dist = Path.of(System.getProperty("datenhafen.distribution"));
        assertThat(dist.resolve("bin/datenhafen")).isExecutable();
        home = work.resolve("hub");
        PackagedHub.copyWithoutData(dist, home);
        // Take the shipped core-connectors plugin out, to install it over HTTP as a member would send theirs.
        try (DirectoryStream<Path> plugins = Files.newDirectoryStream(home.resolve("plugins"),
            "plugin-core-connectors-*.zip")) {
            for (Path p : plugins) {
                pluginArchive = Files.move(p, work.resolve(p.getFileName()));
            }
        }
        assertThat(pluginArchive).isNotNull();
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
    }

    @AfterEach
    void stopIfRunning() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    void installsAPluginOverHttpKeepsStateAcrossRestartAndStopsOnSigterm() throws Exception {
        // a newcomer's first command may be --help: its short run writes no class-data archive of its few classes,
        // which every later start would map (the first real start's stop writes the archive, below)
        Process help = PackagedHub.command(home, port, TOKEN, work.resolve("help.log"), "--help").start();
        assertThat(help.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(work.resolve("help.log"))).contains("--demo");
        assertThat(home.resolve("data/datenhafen.jsa")).doesNotExist();
        HubClient client = start();

        HubClient.Response installed = client.installPlugin(pluginArchive, false);
        assertThat(installed.status()).as(installed.body()).isEqualTo(201);
        assertThat(installed.json().getString("state")).isEqualTo("disabled");
        HubClient.Response enabled = client.post("/api/v1/admin/plugins/core-connectors/enable");
        assertThat(enabled.json().getString("state")).isEqualTo("started");

        HubClient.Response created = client.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "parking").put("connector", "http-ingest")
            .put("config", new JsonObject().put("path", "parking").put("type", "city.parking.occupancy")
                .put("anonymous", true)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().getString("state")).isEqualTo("running");

        // the console, its texts and its assets come out of the packaged jar
        HubClient.Response signIn = client.anonymous().get("/console/sign-in");
        assertThat(signIn.status()).isEqualTo(200);
        assertThat(signIn.header("Content-Security-Policy")).startsWith("default-src 'self'");
        java.util.regex.Matcher css = java.util.regex.Pattern.compile("href=\"(/assets/[0-9a-f]+/shell\\.css)\"")
            .matcher(signIn.body());
        assertThat(css.find()).as(signIn.body()).isTrue();
        HubClient.Response sheet = client.anonymous().get(css.group(1));
        assertThat(sheet.status()).isEqualTo(200);
        assertThat(sheet.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");

        // nobody can sign in yet: the first start prints a code for the first hub-admin with the setup page's address
        java.util.regex.Pattern banner = java.util.regex.Pattern.compile("Nobody can sign in to the console yet\\. "
            + "Open\\s+(http://\\S+/console/setup)\\s+and set a password with this one-time setup code:\\s+(\\S+)");
        java.util.regex.Matcher printed = await("the first admin's code in " + logs.get(0)).atMost(Duration.ofSeconds(30))
            .until(() -> banner.matcher(Files.readString(logs.get(0))), java.util.regex.Matcher::find);
        assertThat(printed.group(1)).isEqualTo("http://127.0.0.1:" + port + "/console/setup");
        HubClient.Response admin = client.anonymous().post("/api/v1/auth/setup", new JsonObject()
            .put("code", printed.group(2)).put("password", "Erster Start im Hafen"));
        assertThat(admin.status()).as(admin.body()).isEqualTo(200);
        assertThat(admin.json().getString("id")).isEqualTo("admin");
        assertThat(admin.json().getJsonArray("roles")).containsExactly("hub-admin");

        HubClient.Response event = client.anonymous().post("/api/v1/plugins/core-connectors/parking",
            "application/json", "{\"garage\":\"Haerder\",\"free\":41}");
        assertThat(event.status()).as(event.body()).isEqualTo(202);
        assertThat(event.json().getLong("sequence")).isPositive();

        // The first stop also writes the class-data-sharing archive (see bin/datenhafen): allow it longer.
        stopWithSigterm(Duration.ofSeconds(30));
        assertThat(home.resolve("data/datenhafen.jsa")).exists();
        PackagedHub.keepClassData(home); // for the other tests' hubs
        // the log: the hub's own lines, one per event; an admin's conf/logback.xml takes over at the next start
        assertThat(Files.readAllLines(logs.get(0))).anyMatch(line -> line.matches(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  \\[main\\] "
                + "d\\.d\\.core\\.Hub - Starting Datenhafen in .*"));
        // bin/datenhafen's Netty options took: its chunks are not zeroed in full (issue 17, docs/operations.md)
        assertThat(Files.readAllLines(logs.get(0))).anyMatch(line -> line.contains(" d.d.core.Main - Netty: ")
            && line.endsWith("chunks from the C heap, resident as used"));
        Files.writeString(home.resolve("conf/logback.xml"), Files.readString(home.resolve("conf/logback.xml.example"))
            .replace("<pattern>%d", "<pattern>admin's own file %d"));
        // an archive of another lib/ (as after an upgrade that moved data/ into a new package) is written anew: the JVM
        // maps nothing of it, and it was kept for good, every start a first start's length
        Path stamp = home.resolve("data/datenhafen.jsa.stamp");
        String written = Files.readString(stamp).trim();
        assertThat(written).matches("\\d+");
        Files.writeString(stamp, "another lib\n");
        java.nio.file.attribute.FileTime before = Files.getLastModifiedTime(home.resolve("data/datenhafen.jsa"));
        client = start();

        JsonObject plugin = client.get("/api/v1/admin/plugins/core-connectors").json();
        assertThat(plugin.getString("state")).isEqualTo("started");
        JsonObject integration = client.get("/api/v1/admin/integrations/parking").json();
        assertThat(integration.getString("state")).isEqualTo("running");
        assertThat(client.anonymous().post("/api/v1/plugins/core-connectors/parking", "application/json",
            "{\"garage\":\"Haerder\",\"free\":40}").status()).isEqualTo(202);

        stopWithSigterm(Duration.ofSeconds(30));
        assertThat(Files.readString(stamp).trim()).isEqualTo(written);
        assertThat(Files.getLastModifiedTime(home.resolve("data/datenhafen.jsa"))).isGreaterThan(before);
        assertThat(Files.readAllLines(logs.get(1))).anyMatch(line -> line.startsWith("admin's own file ")
            && line.contains(" INFO  [main] d.d.core.Hub - Starting Datenhafen in "));
        assertThat(Files.readString(logs.get(logs.size() - 1))).contains("Datenhafen stopped");
        assertThat(Files.readString(logs.get(1))).as("a hub-admin can sign in: no code")
            .doesNotContain("Nobody can sign in");
    }

    private HubClient start() throws IOException {
        Path log = work.resolve("hub-" + logs.size() + ".log");
        logs.add(log);
        ProcessBuilder pb = PackagedHub.command(home, port, TOKEN, log);
        process = pb.start();
        HubClient client = new HubClient(URI.create("http://127.0.0.1:" + port), TOKEN);
        await("hub ready (log " + log + ")").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .ignoreExceptions()
            .until(() -> {
                assertThat(process.isAlive()).as("process alive; log: " + Files.readString(log)).isTrue();
                return client.anonymous().get("/health/ready").status() == 200;
            });
        return client;
    }

    private void stopWithSigterm(Duration bound) throws InterruptedException {
        process.destroy(); // SIGTERM
        assertThat(process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS))
            .as("stopped within " + bound.toSeconds() + " s after SIGTERM").isTrue();
        assertThat(process.exitValue()).as("exit status after SIGTERM").isEqualTo(143);
    }
}
