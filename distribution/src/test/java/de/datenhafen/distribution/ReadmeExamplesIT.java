package de.datenhafen.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import de.datenhafen.testkit.HubClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every curl example of the READMEs, run as written against the packaged hub started as the README's first command
 * starts it ({@code --demo}, the README's admin token), in a folder laid out as the checkout after the build (the
 * tour finds its sample files in {@code distribution/target/datenhafen-*}{@code /examples}).
 * The one change to the text: {@code localhost:8080} becomes the test hub's address. The rules of what an example
 * must answer are in {@link ReadmeExamples}; the README states them for writers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // as a newcomer reads: the main README first
class ReadmeExamplesIT {

    /** The README's first command sets this token. */
    static final String README_TOKEN = "demo-admin-token-please-change";

    @TempDir
    static Path work;
    static DemoHub hub;
    /** Where the examples run: a folder laid out as the checkout is after the build, the server package in it. */
    static Path checkout;
    static final List<String> report = new ArrayList<>();

    @BeforeAll
    static void theDemoHubAsTheReadmeStartsIt() throws Exception {
        hub = DemoHub.start(work, README_TOKEN);
        Path dist = Path.of(System.getProperty("datenhafen.distribution"));
        checkout = Files.createDirectories(work.resolve("checkout"));
        Files.createDirectories(checkout.resolve("distribution/target"));
        Files.createSymbolicLink(checkout.resolve("distribution/target").resolve(dist.getFileName()), hub.home);
        HubClient anonymous = hub.client.anonymous();
        await("hub ready; log:\n" + hub.log).atMost(DemoHub.startBound()).pollInterval(Duration.ofMillis(100))
            .ignoreExceptions().until(() -> {
                hub.assertAlive();
                return anonymous.get("/health/ready").status() == 200;
            });
    }

    /** The tour's token is public: the hub it starts says so, in its log and where the console shows warnings. */
    @Test
    @Order(0)
    void aHubWithTheReadmesTokenSaysItIsAnyones() throws Exception {
        JsonObject check = hub.client.get("/health/ready").json().getJsonArray("checks").stream()
            .map(o -> (JsonObject) o).filter(c -> c.getString("name").equals("admin-token")).findFirst()
            .orElseThrow();
        assertThat(check.getString("status")).isEqualTo("WARNING");
        assertThat(check.getString("reason")).startsWith("the README's admin token: anyone who read it can "
            + "administer this hub").contains("Set DATENHAFEN_ADMIN_TOKEN to a secret of your own");
        assertThat(Files.readString(hub.log)).contains("The admin token is the README's (" + README_TOKEN + ")");
        // a hub-admin's to know: not for a scanner to learn from the check's name
        assertThat(hub.client.anonymous().get("/health/ready").body()).doesNotContain("admin-token");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        report.forEach(System.out::println);
        if (hub != null) {
            hub.close();
        }
    }

    static Path root() {
        return Path.of(System.getProperty("datenhafen.project.root")).toAbsolutePath().normalize();
    }

    @Test
    @Order(1)
    void everyExampleOfTheMainReadmeAnswersWhatItSays() throws Exception {
        runAll(root().resolve("README.md"));
    }

    @Test
    @Order(2)
    void everyExampleOfEachPluginReadmeAnswersWhatItSays() throws Exception {
        List<Path> readmes;
        try (Stream<Path> dirs = Files.list(root().resolve("plugins"))) {
            readmes = dirs.map(d -> d.resolve("README.md")).filter(Files::exists).sorted().toList();
        }
        assertThat(readmes).hasSizeGreaterThanOrEqualTo(4);
        List<String> failures = new ArrayList<>();
        for (Path readme : readmes) {
            try {
                runAll(readme);
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        assertThat(failures).as("plugin READMEs whose examples fail").isEmpty();
    }

    /** Runs every example of one README; fails listing each example that did not answer what it says. */
    static void runAll(Path readme) throws Exception {
        String name = root().relativize(readme).toString();
        ReadmeExamples.Parsed parsed = ReadmeExamples.parse(Files.readAllLines(readme, StandardCharsets.UTF_8));
        assertThat(parsed.errors()).as(name).isEmpty();
        if (parsed.commands().isEmpty()) {
            report.add(name + ": no examples");
            return;
        }
        Path calls = Files.createDirectories(work.resolve("calls-" + name.replace('/', '-')));
        List<String> script = new ArrayList<>(parsed.scriptLines());
        // line 1 of a README is its title, never an example: the wrapper goes there, so lines keep their numbers
        script.set(0, prelude(calls));
        String address = "127.0.0.1:" + hub.port;
        for (int i = 1; i < script.size(); i++) {
            script.set(i, script.get(i).replace("localhost:8080", address));
        }
        Path file = calls.resolve("examples.sh");
        Files.write(file, script, StandardCharsets.UTF_8);
        Process bash = new ProcessBuilder("bash", file.toString()).directory(checkout.toFile())
            .redirectOutput(calls.resolve("stdout").toFile()).redirectError(calls.resolve("stderr").toFile()).start();
        assertThat(bash.waitFor(5, TimeUnit.MINUTES)).as(name + " examples ended within 5 minutes").isTrue();
        String stderr = Files.readString(calls.resolve("stderr"));

        List<String[]> made = Files.exists(calls.resolve("calls"))
            ? Files.readAllLines(calls.resolve("calls")).stream().map(l -> l.split(" ")).toList() : List.of();
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (ReadmeExamples.Command c : parsed.commands()) {
            List<String[]> mine = made.stream().filter(m -> c.covers(Integer.parseInt(m[1]))).toList();
            if (mine.isEmpty()) {
                failures.add(name + ":" + c.first() + " did not run: " + c.text());
                continue;
            }
            for (String[] m : mine) {
                String problem = check(c, calls, m[0], Integer.parseInt(m[2]));
                checked++;
                if (problem != null) {
                    failures.add(name + ":" + c.first() + " " + problem + "\n    " + c.text().replace("\n", "\n    "));
                }
            }
        }
        report.add(name + ": " + parsed.commands().size() + " examples, " + checked + " answers checked, "
            + parsed.commands().stream().filter(c -> c.expect() != null).count() + " with a stated answer");
        assertThat(stderr).as(name + ": the examples' shell reported errors").isEmpty();
        assertThat(failures).as(name + ": examples that do not answer what the README says").isEmpty();
    }

    /** Why one call of a command did not answer what the README says, or null. */
    private static String check(ReadmeExamples.Command c, Path calls, String n, int exit) throws IOException {
        String status = Files.readString(calls.resolve(n + ".status")).strip();
        String body = Files.exists(calls.resolve(n + ".body")) ? Files.readString(calls.resolve(n + ".body")) : "";
        boolean stream = c.text().contains(" -N ");
        if (exit != 0 && !(stream && exit == 28 && status.equals("200"))) {
            return "curl failed (exit " + exit + "): " + Files.readString(calls.resolve(n + ".err")).strip();
        }
        int code = Integer.parseInt(status);
        ReadmeExamples.Expectation e = c.expect();
        if (e == null) {
            return code / 100 == 2 ? null : "answered " + code + " (no answer stated, so a 2xx was due): " + cut(body);
        }
        if (code != e.status()) {
            return "answered " + code + ", the README says " + e.status() + ": " + cut(body);
        }
        if (e.body() == null) {
            return null;
        }
        JsonNode actual;
        try {
            actual = ReadmeExamples.JSON.readTree(body);
        } catch (IOException notJson) {
            return "answered a body that is not JSON: " + cut(body);
        }
        List<String> mismatches = ReadmeExamples.mismatches(e.body(), actual);
        return mismatches.isEmpty() ? null : "answered " + cut(body) + "\n    not as shown: " + mismatches;
    }

    private static String cut(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    /**
     * One line of bash: {@code curl} becomes a function that runs the real curl with the example's own arguments, adds
     * {@code -sS}, a time limit (3 s for a stream with {@code -N}) and records the status, body and exit code of each
     * call with the README line it came from, then prints the body as curl would.
     */
    static String prelude(Path calls) {
        String d = "'" + calls.toString().replace("'", "'\\''") + "'";
        // the count is kept in a file: a call inside $(...) runs in a subshell, where a variable would be lost
        return "__d=" + d + "; curl() { local __n; __n=$(( $(cat \"$__d/count\" 2>/dev/null || echo 0) + 1 )); "
            + "echo $__n > \"$__d/count\"; local t=30 a; for a in \"$@\"; do "
            + "[ \"$a\" = -N ] && t=3; done; command curl -sS --max-time $t -o \"$__d/$__n.body\" -w '%{http_code}' "
            + "\"$@\" >\"$__d/$__n.status\" 2>\"$__d/$__n.err\"; echo \"$__n ${BASH_LINENO[0]} $?\" >>\"$__d/calls\"; "
            + "cat \"$__d/$__n.body\" 2>/dev/null; return 0; }";
    }
}
