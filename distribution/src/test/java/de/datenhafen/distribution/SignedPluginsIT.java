package de.datenhafen.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.testkit.HubClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged hub requires signatures (its default) and trusts the association's key it ships with: the four shipped
 * plugins, signed at build time, install and start; a changed byte is refused; and a member signs its own archive with
 * {@code bin/datenhafen plugin keygen} and {@code plugin sign}, which installs once a hub-admin registered the key.
 * Prints the cost of verification at install and at start of the four shipped plugins.
 */
class SignedPluginsIT {

    static final String TOKEN = "signed-plugins-admin-token-0123456789";
    static final List<String> SHIPPED = List.of("air-quality", "core-connectors", "social-services", "transit");
    static final Pattern VERIFIED = Pattern.compile("Plugin (\\S+) \\S+: signature of member (\\S+) \\(key \\w+\\) "
        + "verified in (\\d+) ms");

    /** The entry a byte of is changed: the plugin's OpenAPI fragment, which nothing reads before the check. */
    static final String OPENAPI = "classes/META-INF/datenhafen/openapi.json";

    @TempDir
    Path work;

    Path home;
    Process process;
    int port;
    final List<Path> logs = new ArrayList<>();

    @AfterEach
    void stop() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    void theShippedPluginsAreSignedByTheAssociationAndVerifiedAtInstallAndAtEveryStart() throws Exception {
        Path dist = Path.of(System.getProperty("datenhafen.distribution"));
        home = work.resolve("hub");
        PackagedHub.copyWithClassData(dist, home);
        // an empty plugins folder, so every shipped archive goes through an install over HTTP
        Path shipped = Files.createDirectories(work.resolve("shipped"));
        try (DirectoryStream<Path> archives = Files.newDirectoryStream(home.resolve("plugins"), "*.zip")) {
            for (Path a : archives) {
                Files.move(a, shipped.resolve(a.getFileName()));
            }
        }
        HubClient client = start();
        assertThat(client.anonymous().get("/health/ready").body()).doesNotContain("plugin-signatures");

        Map<String, Long> roundTrips = new LinkedHashMap<>();
        try (DirectoryStream<Path> archives = Files.newDirectoryStream(shipped, "*.zip")) {
            for (Path a : archives) {
                long t0 = System.nanoTime();
                HubClient.Response installed = client.installPlugin(a, false);
                assertThat(installed.status()).as(installed.body()).isEqualTo(201);
                roundTrips.put(installed.json().getString("id"), (System.nanoTime() - t0) / 1_000_000);
            }
        }
        Map<String, String> atInstall = verified(logs.get(0), "datenhafen");
        assertThat(atInstall.keySet()).containsAll(SHIPPED);

        Path hello = home.resolve("examples/hello-1.0.0.zip");
        HubClient.Response tampered = client.installPlugin(changeOneByte(hello, OPENAPI), false);
        assertThat(tampered.status()).as(tampered.body()).isEqualTo(422);
        assertThat(tampered.json().getString("error")).isEqualTo("plugin hello 1.0.0 is not admitted: the archive "
            + "changed after it was signed: entry '" + OPENAPI + "' changed after signing");

        for (String id : SHIPPED) {
            assertThat(client.post("/api/v1/admin/plugins/" + id + "/enable").json().getString("state"))
                .as(id).isEqualTo("started");
        }
        process.destroy();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        PackagedHub.keepClassData(home);
        client = start();
        Map<String, String> atStart = verified(logs.get(1), "datenhafen");
        assertThat(atStart.keySet()).containsAll(SHIPPED);
        for (String id : SHIPPED) {
            assertThat(client.get("/api/v1/admin/plugins/" + id).json().getString("state")).as(id)
                .isEqualTo("started");
        }
        System.out.printf("Signature verification of the shipped plugins (ms; install round trip over HTTP in "
            + "brackets):%n");
        for (String id : SHIPPED) {
            System.out.printf("  %-16s at install %s (%s), at start %s%n", id, atInstall.get(id),
                roundTrips.get(id), atStart.get(id));
        }
    }

    @Test
    void aMemberSignsItsArchiveWithTheCommandLineToolsAndTheHubAdmitsItOnceItsKeyIsRegistered() throws Exception {
        Path dist = Path.of(System.getProperty("datenhafen.distribution"));
        home = work.resolve("hub");
        PackagedHub.copyWithClassData(dist, home);
        Path archive = Files.copy(home.resolve("examples/hello-1.0.0.zip"), work.resolve("hello-1.0.0.zip"));

        Path key = work.resolve("samples");
        assertThat(tool("keygen", "--out", key.toString())).contains("key id");
        assertThat(Files.getPosixFilePermissions(work.resolve("samples.pem")))
            .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(tool("sign", archive.toString(), "--key", work.resolve("samples.pem").toString(), "--member",
            "samples")).contains("signed " + archive + " as member samples with key ");

        HubClient client = start();
        assertThat(client.post("/api/v1/admin/members", new JsonObject().put("id", "samples").put("name",
            "Datenhafen samples")).status()).isEqualTo(201);
        HubClient.Response unknown = client.installPlugin(archive, "owner=samples");
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(422);
        assertThat(unknown.json().getString("error")).contains("it is signed with an unknown key");

        HubClient.Response registered = client.post("/api/v1/admin/members/samples/keys", new JsonObject()
            .put("publicKey", Files.readString(work.resolve("samples.pub.pem"))).put("name", "release"));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        HubClient.Response installed = client.installPlugin(archive, "enable=true&owner=samples");
        assertThat(installed.status()).as(installed.body()).isEqualTo(201);
        assertThat(installed.json().getString("state")).isEqualTo("started");
        assertThat(client.get("/api/v1/admin/audit?limit=20").body())
            .contains("POST /api/v1/admin/members/:member/keys");
    }

    private String tool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/datenhafen").toString(), "plugin"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private HubClient start() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = work.resolve("hub-" + logs.size() + ".log");
        logs.add(log);
        process = PackagedHub.command(home, port, TOKEN, log).start();
        HubClient client = new HubClient(URI.create("http://127.0.0.1:" + port), TOKEN);
        await("hub ready (log " + log + ")").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
            .ignoreExceptions().until(() -> {
                assertThat(process.isAlive()).as("process alive; log: " + Files.readString(log)).isTrue();
                return client.anonymous().get("/health/ready").status() == 200;
            });
        return client;
    }

    /** Plugin id to the verification time the log names, for signatures of {@code member}. */
    private static Map<String, String> verified(Path log, String member) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = VERIFIED.matcher(Files.readString(log));
        while (m.find()) {
            if (m.group(2).equals(member)) {
                out.put(m.group(1), m.group(3));
            }
        }
        return out;
    }

    /** A copy of the archive with the first byte of one entry's content flipped. */
    private static Path changeOneByte(Path archive, String entry) throws IOException {
        Path out = archive.resolveSibling("tampered-" + archive.getFileName());
        try (ZipFile in = new ZipFile(archive.toFile()); OutputStream os = Files.newOutputStream(out);
             ZipOutputStream zip = new ZipOutputStream(os)) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                byte[] bytes;
                try (InputStream s = in.getInputStream(e)) {
                    bytes = s.readAllBytes();
                }
                if (e.getName().equals(entry)) {
                    bytes[0] ^= 1;
                }
                zip.putNextEntry(new ZipEntry(e.getName()));
                zip.write(bytes);
                zip.closeEntry();
            }
        }
        return out;
    }
}
