package de.datenhafen.distribution;

import static de.datenhafen.distribution.BenchLoad.closedLoop;
import static de.datenhafen.distribution.BenchLoad.latencies;
import static de.datenhafen.distribution.BenchLoad.loadAverage;
import static de.datenhafen.distribution.BenchLoad.median;
import static de.datenhafen.distribution.BenchLoad.neighbourRatio;
import static de.datenhafen.distribution.BenchLoad.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.core.security.Passwords;
import de.datenhafen.distribution.BenchLoad.Latencies;
import de.datenhafen.testkit.HubClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's two numbers, on the packaged hub ({@code bin/datenhafen --demo} in a fresh JVM, its own heap and
 * options):
 * <ol>
 *   <li>ingest with a member token against the bootstrap admin token in the same run: concurrent clients post
 *   batches of plain readings to the demo's {@code airquality-http} ingest (closed: member-editors of
 *   {@code luftblick} and hub-admins), in rounds that alternate the token (member, bootstrap, member, ...); the
 *   median readings/s of each and their ratio (aim: at least 0.95, a member token's check cached, not a hash or a
 *   database read per request);</li>
 *   <li>sign-in under concurrent clients: users made through the identity API (setup codes), each client signing in
 *   as its own user again and again; p50, p95, p99 and sign-ins (Argon2id verifications) per second; and, for
 *   comparison, one Argon2id hash alone with the parameters the packaged hub's configuration sets.</li>
 * </ol>
 * The demo's background work (simulator, projections, the bus simulation) is paused before measuring, so the
 * rounds compete only with each other. The load runs in this JVM, on the same cores as the hub.
 *
 * <p>Skipped unless {@code -Dbench=true}; {@code bench/identity-numbers.sh} runs it. Figures go to
 * {@code target/identity-numbers.txt} (or {@code -Dbench.results=}) and to standard output; the recorded ones are in
 * docs/benchmarks.md. Options: {@code bench.seconds} (per round, 15), {@code bench.pairs} (4),
 * {@code bench.clients} (8), {@code bench.batch} (readings per post, 10), {@code bench.warmup} (s, 30),
 * {@code bench.login.clients} (20), {@code bench.login.seconds} (30), {@code bench.distribution} (another unpacked
 * server, e.g. a copy kept from before a change).
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class IdentityNumbersBenchIT {

    private static final String UPLINKS = BenchLoad.UPLINKS;
    private static final String PASSWORD = "a bench password for sign-in number ";
    /** The readings' first second: 20 hours ago, after the simulator installed its devices. */
    private static final long BASE = Instant.now().minus(Duration.ofHours(20)).getEpochSecond();

    @TempDir
    static Path work;

    private static DemoHub hub;
    /** Argon2id memory (KiB) and passes of the server's configuration; one verification alone (median, fastest). */
    private static int[] argon2;
    private static double[] oneHash;
    private static String loadBeforeHash;
    private static Path results;

    @BeforeAll
    static void start() throws Exception {
        results = Path.of(System.getProperty("bench.results", "target/identity-numbers.txt"));
        Files.createDirectories(results.toAbsolutePath().getParent());
        Files.writeString(results, "");
        String other = System.getProperty("bench.distribution", "");
        Path dist = Path.of(other.isBlank() ? System.getProperty("datenhafen.distribution") : other);
        // the hash alone first, while no hub shares the cores: with the parameters of the server's configuration
        HubConfig config = HubConfig.load(dist, Map.of(), Map.of());
        argon2 = new int[] {config.argon2Memory(), config.argon2Iterations()};
        loadBeforeHash = loadAverage();
        oneHash = oneHashAlone(dist, argon2[0], argon2[1]);
        hub = DemoHub.start(work, DemoHub.TOKEN, dist);
        await("hub ready; log:\n" + hub.log).atMost(DemoHub.startBound()).pollInterval(Duration.ofMillis(200))
            .ignoreExceptions().until(() -> {
                hub.assertAlive();
                return hub.client.anonymous().get("/health/ready").status() == 200;
            });
        // the simulator installs the devices the readings below name; then the demo's background work stops
        await("the simulator's devices installed").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
            .until(() -> post(hub.client.adminToken(), readings(new AtomicLong(), 1)) == 202);
        for (String name : List.of("air-quality-simulator", "air-quality-projections", "neuhafen-live")) {
            assertThat(hub.client.post("/api/v1/admin/integrations/" + name + "/pause").status())
                .as("pause " + name).isLessThan(300);
        }
        record("# " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores, load average "
            + loadAverage() + ", " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
            + "; the packaged hub " + (other.isBlank() ? "built here" : other) + " with --demo and bin/datenhafen's JVM "
            + "options; load from the test's JVM");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void ingestWithAMemberTokenAgainstTheBootstrapToken() throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 15);
        int pairs = Integer.getInteger("bench.pairs", 4);
        int clients = Integer.getInteger("bench.clients", 8);
        int batch = Integer.getInteger("bench.batch", 10);
        int warmup = Integer.getInteger("bench.warmup", 30);
        HubClient.Response made = hub.client.post("/api/v1/admin/members/luftblick/tokens", new JsonObject()
            .put("name", "bench-uplinks").put("roles", new JsonArray().add("member-editor"))
            .put("purpose", "issue 13's ingest numbers").put("scope", new JsonObject().put("plugin", "air-quality")));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        String member = made.json().getString("token");
        String bootstrap = hub.client.adminToken();

        AtomicLong clock = new AtomicLong();
        ingest(member, clients, batch, warmup / 2.0, clock);
        ingest(bootstrap, clients, batch, warmup / 2.0, clock);
        List<Double> memberRates = new ArrayList<>();
        List<Double> bootstrapRates = new ArrayList<>();
        StringBuilder rounds = new StringBuilder();
        for (int i = 0; i < 2 * pairs; i++) {
            boolean ofMember = i % 2 == 0;
            Rate r = ingest(ofMember ? member : bootstrap, clients, batch, seconds, clock);
            assertThat(r.errors()).as("refused posts in round " + (i + 1) + ": " + r.firstError()).isZero();
            (ofMember ? memberRates : bootstrapRates).add(r.perSecond());
            rounds.append(String.format(Locale.ROOT, "  round %d, %-9s: %,8.0f readings/s, post p50 %.1f ms, p99 "
                + "%.1f ms%n", i + 1, ofMember ? "member" : "bootstrap", r.perSecond(), r.p50(), r.p99()));
        }
        double m = median(memberRates);
        double b = median(bootstrapRates);
        record(String.format(Locale.ROOT, "ingest: %d clients posting batches of %d readings to %s, %d pairs of "
                + "%d s rounds (member token first), %d s warm-up; load average after %s%n%s"
                + "ingest median readings/s: member token %.0f, bootstrap token %.0f, ratio member/bootstrap %.3f; "
                + "geometric mean of the %d neighbouring rounds' ratios (cancels a steady drift) %.3f",
            clients, batch, UPLINKS, pairs, seconds, warmup, loadAverage(), rounds, m, b, m / b,
            2 * pairs - 1, neighbourRatio(memberRates, bootstrapRates)));
        assertThat(m).isPositive();
    }

    @Test
    void signInUnderConcurrentClients() throws Exception {
        int clients = Integer.getInteger("bench.login.clients", 20);
        int seconds = Integer.getInteger("bench.login.seconds", 30);
        for (int i = 0; i < clients; i++) {
            HubClient.Response invited = hub.client.post("/api/v1/admin/members/luftblick/users", new JsonObject()
                .put("id", user(i)).put("name", "Bench user " + i).put("roles", new JsonArray().add("viewer")));
            assertThat(invited.status()).as(invited.body()).isEqualTo(201);
            HubClient.Response set = hub.client.anonymous().post("/api/v1/auth/setup", new JsonObject()
                .put("code", invited.json().getString("setupCode")).put("password", PASSWORD + i));
            assertThat(set.status()).as(set.body()).isEqualTo(200);
        }

        signIns(clients, 5); // warm-up
        // meanwhile, an admin's request every 200 ms: does a burst of sign-ins hold up the rest of the hub's API?
        ConcurrentLinkedQueue<Double> probes = new ConcurrentLinkedQueue<>();
        java.util.concurrent.ScheduledExecutorService probe = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "bench-probe");
                t.setDaemon(true);
                return t;
            });
        // the pace of the probe is the experiment: one request every 200 ms (or right after a slower one)
        probe.scheduleAtFixedRate(() -> {
            long t0 = System.nanoTime();
            int status = hub.client.get("/api/v1/admin/members").status();
            probes.add(status == 200 ? (System.nanoTime() - t0) / 1e6 : Double.NaN);
        }, 0, 200, TimeUnit.MILLISECONDS);
        Latencies l = signIns(clients, seconds);
        probe.shutdown();
        assertThat(probe.awaitTermination(2, TimeUnit.MINUTES)).as("the admin probe ended").isTrue();
        Latencies p = latencies(probes);
        assertThat(l.errors()).as("failed sign-ins: " + l.firstError()).isZero();
        assertThat(p.errors()).as("admin requests that were not 200 during the sign-ins").isZero();
        record(String.format(Locale.ROOT, "sign-in: Argon2id %d KiB, %d passes, parallelism 1 (the packaged "
                + "configuration); one verification alone, in a JVM with bin/datenhafen's options before the hub "
                + "started, 20 in a row: median %.1f ms, fastest %.1f ms (load average before %s)%n"
                + "sign-in: %d clients, each as its own user, %d s: %d sign-ins = %.1f hashes/s; p50 %.0f ms, p95 "
                + "%.0f ms, p99 %.0f ms, max %.0f ms; load average after %s%n"
                + "sign-in: meanwhile GET /api/v1/admin/members (bootstrap token) every 200 ms: %d answered, p50 "
                + "%.0f ms, p99 %.0f ms, max %.0f ms", argon2[0], argon2[1], oneHash[0],
            oneHash[1], loadBeforeHash, clients, seconds, l.count(), l.count() / (double) seconds, l.percentile(0.50),
            l.percentile(0.95), l.percentile(0.99), l.percentile(1.0), loadAverage(), p.count(),
            p.percentile(0.50), p.percentile(0.99), p.percentile(1.0)));
    }

    /** Readings/s and the posts' latencies of one round. */
    private record Rate(double perSecond, double p50, double p99, long errors, String firstError) {
    }


    private static Rate ingest(String token, int clients, int batch, double seconds, AtomicLong clock)
        throws InterruptedException {
        Latencies l = closedLoop(clients, seconds, c -> {
            int status = post(token, readings(clock, batch));
            return status == 202 ? null : "status " + status;
        });
        return new Rate(l.count() * batch / seconds, l.percentile(0.50), l.percentile(0.99), l.errors(),
            l.firstError());
    }

    private static Latencies signIns(int clients, double seconds) throws InterruptedException {
        return closedLoop(clients, seconds, c -> {
            HttpResponse<String> r = send(HttpRequest.newBuilder(hub.client.baseUri().resolve("/api/v1/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("user", user(c))
                    .put("password", PASSWORD + c).encode())).build());
            return r.statusCode() == 200 ? null : r.statusCode() + " " + r.body();
        });
    }




    /**
     * The median and the fastest of 20 Argon2id verifications with these parameters, in ms, after one hash: in a JVM
     * of its own with the server's {@code lib/} and the JVM options {@code bin/datenhafen} starts the hub with. (The
     * heap size matters: with a JVM's default heap on a large machine each hash's 19 MiB lands on fresh pages, and
     * the same hash took 3 to 6 times as long here.)
     */
    private static double[] oneHashAlone(Path dist, int memoryKiB, int iterations) throws Exception {
        String script = Files.readString(dist.resolve("bin/datenhafen"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("DATENHAFEN_JAVA_OPTS:=([^}]*)}").matcher(script);
        assertThat(m.find()).as("bin/datenhafen's default JVM options").isTrue();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString()));
        command.addAll(List.of(m.group(1).trim().split("\\s+")));
        command.addAll(List.of("-cp", Path.of(OneHash.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            + java.io.File.pathSeparator + dist.resolve("lib") + java.io.File.separator + "*", OneHash.class.getName(),
            Integer.toString(memoryKiB), Integer.toString(iterations)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        String[] last = out.substring(out.lastIndexOf('\n') + 1).split(" ");
        return new double[] {Double.parseDouble(last[0]), Double.parseDouble(last[1])};
    }

    /** Times 20 verifications after one hash; prints the median and the fastest in ms. Run by {@link #oneHashAlone}. */
    static final class OneHash {
        public static void main(String[] args) {
            Passwords passwords = new Passwords(Integer.parseInt(args[0]), Integer.parseInt(args[1]));
            String stored = passwords.hash(PASSWORD);
            double[] ms = new double[20];
            for (int i = 0; i < ms.length; i++) {
                long t0 = System.nanoTime();
                if (!passwords.verify(PASSWORD, stored)) {
                    throw new IllegalStateException("the password did not verify");
                }
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            System.out.println(ms[ms.length / 2] + " " + ms[0]);
        }
    }

    private static String user(int i) {
        return String.format(Locale.ROOT, "bench-%02d", i);
    }



    private static void record(String text) throws IOException {
        System.out.println(text);
        Files.writeString(results, text + System.lineSeparator(), StandardOpenOption.APPEND);
    }
    private static String readings(AtomicLong clock, int n) {
        return BenchLoad.readings(clock, n, BASE);
    }

    private static int post(String token, String body) {
        return BenchLoad.post(hub.client.baseUri(), token, body);
    }
}
