package de.datenhafen.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise 1 against the packaged server: a real hub process ingesting batches of CloudEvents from several concurrent
 * clients is killed with SIGKILL, and every event whose batch was answered 2xx must be stored exactly once.
 *
 * <p>Each round starts {@code bin/datenhafen} on the same data folder (so the database grows over the rounds), lets
 * the clients post batches of 100 events with ids {@code c<round>-<n>}, and kills the process: in odd rounds at a
 * random moment under load, in even rounds a random 0.5 to 5 s after the load stopped (the design note saw H2 lose
 * committed chunks then). Counting is exact: a client records the ids the 202 answer lists as stored, not a total.
 * After each kill {@link CrashCheck} opens the file in a fresh JVM with the server's own H2 jar, as the restarted hub
 * would, and counts; the next round's start then checks that the hub comes up on the recovered file. A loss or a
 * duplicate in any round fails the test, after all rounds ran, with the table of every round.
 *
 * <p>Settings (system property, or environment variable): {@code datenhafen.crash.rounds}
 * ({@code DATENHAFEN_CRASH_ROUNDS}, default 4), {@code datenhafen.crash.load-seconds} (most seconds of load per round,
 * default 6), {@code datenhafen.crash.clients} (default 6), {@code datenhafen.crash.padding} (characters of random
 * text in each reading, default 0), {@code datenhafen.crash.home} (a folder to keep the hub and
 * its database in; default a temporary one), {@code datenhafen.crash.seed}, {@code datenhafen.crash.distribution} (the
 * unpacked server to test; default the one this module built), {@code datenhafen.crash.db-url},
 * {@code datenhafen.crash.db-user} and {@code datenhafen.crash.db-password} (a database for the hub instead of its H2
 * file, e.g. an empty PostgreSQL database: the hub gets them as {@code DATENHAFEN_DB_URL}, ..., and the check reads
 * the events from there with the server's own JDBC driver). {@code bench/crash-test.sh} runs many rounds with longer
 * load.
 *
 * <p><b>Kafka as the bus</b> ({@code datenhafen.crash.kafka=true}): a broker runs in a JVM of its own
 * ({@link BrokerProcess}: one KRaft node, replication factor 1, its logs in {@code kafka/} beside the hub), the hub
 * gets {@code DATENHAFEN_BUS=kafka} (its database stays H2 in its data folder), and {@link KafkaCrashCheck} reads the
 * topic from offset 0 after each kill. Every third round kills the broker instead, under load: the hub must answer
 * 503 with {@code Retry-After} while it is down (any other answer is an error and fails the test) and take ingest
 * again once it is started on its folder again; then the hub is killed under load as in the first kind of round.
 */
class BusCrashIT {

    private static final String TOKEN = "crash-test-admin-token-0123456789";
    private static final int BATCH = 100;
    private static final String BATCH_TYPE = "application/cloudevents-batch+json";
    private static final String PADDING_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    /** Characters of random text in each reading's data ({@code datenhafen.crash.padding}, default 0). */
    private static final int PADDING = setting("datenhafen.crash.padding", 0);
    /** The hub's topic prefix with Kafka as the bus, so the topic is {@code crash.events}. */
    private static final String TOPIC_PREFIX = "crash.";

    /** What a round kills, and when. */
    private enum Kill {
        UNDER_LOAD("under load"),
        AFTER_LOAD("after load"),
        BROKER_UNDER_LOAD("of the broker under load, then of the hub under load");

        final String text;

        Kill(String text) {
            this.text = text;
        }
    }

    @TempDir
    Path work;

    private Path home;
    private int port;
    private ExternalDatabase external;
    private BrokerProcess broker;
    private Process process;
    private final List<Path> logs = new ArrayList<>();

    @AfterEach
    void stopIfRunning() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void everyAcknowledgedEventIsStoredExactlyOnceAfterSigkill() throws Exception {
        int rounds = setting("datenhafen.crash.rounds", defaultRounds());
        external = database();
        int clients = setting("datenhafen.crash.clients", 6);
        int loadSeconds = setting("datenhafen.crash.load-seconds", 6);
        long seed = Long.parseLong(text("datenhafen.crash.seed", Long.toString(System.nanoTime())));
        String keep = text("datenhafen.crash.home", null);
        Random random = new Random(seed);
        home = keep == null ? work.resolve("hub") : Path.of(keep);
        copyDistribution(home);
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        if (kafka()) {
            broker = BrokerProcess.start(home.resolve("kafka"), work);
        }
        System.out.printf("crash test: %d rounds, %d clients, up to %d s of load, seed %d, hub in %s%s%n",
            rounds, clients, loadSeconds, seed, home, broker == null ? ""
                : ", bus on Kafka (one broker in " + home.resolve("kafka") + ", topic " + TOPIC_PREFIX + "events)");

        // With a kept home, the rounds of earlier runs are checked again and numbering goes on after them.
        Path ackedFile = home.resolve("crash-acked.bin");
        Map<Integer, BitSet> acked = Files.exists(ackedFile) ? CrashCheck.read(ackedFile) : new TreeMap<>();
        int first = acked.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        List<String> table = new ArrayList<>();
        List<String> brokerRoundErrors = new ArrayList<>();
        long lost = 0;
        long duplicates = 0;
        for (int round = first; round < first + rounds; round++) {
            Kill kind = kind(round - first);
            start();
            Load load = new Load(round, clients);
            long loadMillis = 1000 + random.nextInt(Math.max(1, loadSeconds * 1000 - 1000));
            long afterMillis = 0;
            // The kill comes a random time after the load is flowing: on a busy machine the first answers of a fresh
            // JVM can take longer than the shortest load time, and a round without one acknowledged event proves nothing.
            await("a first acknowledged batch of round " + round).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20)).until(() -> {
                    synchronized (load.acked) {
                        return !load.acked.isEmpty() || load.firstError != null;
                    }
                });
            // These sleeps are the experiment (when the kill comes), not a wait for something to happen.
            Thread.sleep(loadMillis);
            String outage = "";
            int errorsBefore = load.errors.get();
            if (kind == Kill.BROKER_UNDER_LOAD) {
                outage = brokerOutage(round, load, 1000 + random.nextInt(Math.max(1, loadSeconds * 1000 - 1000)),
                    brokerRoundErrors);
            } else if (kind == Kill.AFTER_LOAD) {
                load.stopAndJoin();
                afterMillis = 500 + random.nextInt(4500);
                Thread.sleep(afterMillis);
            }
            long inFlight = load.inFlight.get();
            load.stop.set(true); // no new batches; those in flight stay in flight and meet the kill
            kill();
            load.stopAndJoin();
            acked.put(round, load.acked);
            if (kind == Kill.BROKER_UNDER_LOAD && load.errors.get() > errorsBefore) {
                brokerRoundErrors.add("round " + round + ": " + (load.errors.get() - errorsBefore)
                    + " answers other than 202 or 503 with Retry-After since the broker's kill, the last: "
                    + load.lastError);
            }

            CrashCheck.write(ackedFile, acked);
            String check = runCheck(ackedFile);
            String mine = check.lines().filter(l -> l.startsWith("ROUND ")).reduce((a, b) -> b).orElse("");
            String total = check.lines().filter(l -> l.startsWith("TOTAL ")).findFirst().orElse("");
            String topic = check.lines().filter(l -> l.startsWith("TOPIC ")).findFirst().orElse("");
            String line = String.format("round %d: kill %s (load %.1f s%s%s), in flight %d, %d busy, %d errors | %s | "
                    + "%s%s, %s", round, kind.text, loadMillis / 1000.0,
                kind == Kill.AFTER_LOAD ? String.format(", kill %.1f s after", afterMillis / 1000.0) : "", outage,
                inFlight, load.busy.get(), load.errors.get(), mine.substring(Math.min(mine.length(), 6)),
                total.substring(6), topic.isEmpty() ? "" : " " + topic.substring(topic.indexOf(' ', 6) + 1),
                storeSize());
            System.out.println(line);
            table.add(line);
            // every earlier round is checked again: a later recovery must not lose what an earlier one kept
            long roundLost = sum(check, "lost=");
            long roundDup = sum(check, "duplicates=") + unreadable(topic);
            if (roundLost > 0 || roundDup > 0) {
                table.add("  LOSS/DUPLICATE after round " + round + ":\n" + check);
            }
            lost = Math.max(lost, roundLost);
            duplicates = Math.max(duplicates, roundDup);
            assertThat(load.acked.cardinality()).as("events acknowledged in round %d (errors: %s)", round,
                load.firstError).isPositive();
        }
        start(); // the hub comes up on the last recovered file too
        process.destroy();
        if (process.waitFor(30, TimeUnit.SECONDS)) {
            PackagedHub.keepClassData(home);
        }

        String report = String.join("\n", table);
        System.out.println("crash test summary (seed " + seed + "):\n" + report);
        assertThat(lost).as("acknowledged events lost\n" + report).isZero();
        assertThat(duplicates).as("events stored twice (or records that are no hub event)\n" + report).isZero();
        assertThat(brokerRoundErrors).as("answers while the broker was away\n" + report).isEmpty();
    }

    /** The kind of the i-th round of this run: hub killed under load, after it, and on Kafka also the broker. */
    private Kill kind(int i) {
        return broker == null ? (i % 2 == 0 ? Kill.UNDER_LOAD : Kill.AFTER_LOAD) : Kill.values()[i % 3];
    }

    /**
     * Kills the broker under load, waits for the hub's first 503 (the producer gives a batch up after its delivery
     * time-out, 30 s), starts the broker again on its folder and ports, waits for the next 202, and lets the load go on
     * for {@code againMillis}. Returns what it saw, for the round's line; a round without a 503 goes to
     * {@code problems} (the test fails after all rounds, as with a loss).
     */
    private String brokerOutage(int round, Load load, long againMillis, List<String> problems) throws Exception {
        int refusedBefore = load.busy.get();
        int errorsBefore = load.errors.get();
        long killedAt = System.nanoTime();
        broker.kill();
        await("the hub refusing ingest while the broker is down").atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> load.busy.get() > refusedBefore || load.errors.get() > errorsBefore);
        String refused = String.format("first 503 %.1f s after its kill", seconds(killedAt));
        if (load.busy.get() == refusedBefore) {
            refused = String.format("an error %.1f s after its kill, no 503", seconds(killedAt));
            problems.add("round " + round + ": no 503 while the broker was down, but " + load.lastError);
        }
        int acceptedBefore = load.accepted.get();
        broker.start();
        double up = seconds(killedAt);
        await("the hub taking ingest again after the broker's restart").atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(20)).until(() -> load.accepted.get() > acceptedBefore);
        double again = seconds(killedAt);
        int refusedDuring = load.busy.get() - refusedBefore;
        Thread.sleep(againMillis); // the experiment again: how long the load runs before the hub's kill
        return String.format(", broker: %s, started again at %.1f s, next 202 at %.1f s, %d refused; load %.1f s "
            + "more", refused, up, again, refusedDuring, againMillis / 1000.0);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** Records on the topic that are no hub event, from the Kafka check's {@code TOPIC} line (0 without one). */
    private static long unreadable(String topicLine) {
        int i = topicLine.indexOf("unreadable=");
        return i < 0 ? 0 : Long.parseLong(topicLine.substring(i + "unreadable=".length()).trim());
    }

    /** Concurrent clients posting batches of 100 readings until stopped or the hub dies. */
    private final class Load {
        final int round;
        final BitSet acked = new BitSet();
        final AtomicLong next = new AtomicLong();
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger busy = new AtomicInteger();
        final AtomicInteger errors = new AtomicInteger();
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> threads = new ArrayList<>();
        volatile String firstError;
        volatile String lastError;

        Load(int round, int clients) {
            this.round = round;
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
            for (int i = 0; i < clients; i++) {
                Thread t = new Thread(() -> run(http), "crash-client-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        private void run(HttpClient http) {
            URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/events");
            while (!stop.get()) {
                long from = next.getAndAdd(BATCH);
                HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", BATCH_TYPE).header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(batch(round, from, PADDING))).build();
                HttpResponse<String> resp;
                inFlight.incrementAndGet();
                try {
                    resp = http.send(req, HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    if (!process.isAlive() || stop.get()) {
                        return; // killed: this batch's answer never came, so it is not acknowledged
                    }
                    error(e.toString());
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } finally {
                    inFlight.decrementAndGet();
                }
                if (resp.statusCode() == 202) {
                    record(new JsonObject(resp.body()).getJsonArray("events"));
                    accepted.incrementAndGet();
                } else if ((resp.statusCode() == 503 || resp.statusCode() == 429)
                    && resp.headers().firstValue("Retry-After").isPresent()) {
                    busy.incrementAndGet();
                    pause();
                } else {
                    error(resp.statusCode() + (resp.statusCode() == 503 || resp.statusCode() == 429
                        ? " without Retry-After " : " ") + resp.body());
                }
            }
        }

        private void record(JsonArray events) {
            JsonObject duplicate = null;
            synchronized (acked) {
                for (int i = 0; i < events.size(); i++) {
                    JsonObject e = events.getJsonObject(i);
                    String id = e.getString("id");
                    if (e.getBoolean("duplicate", false)) {
                        duplicate = e;
                        continue;
                    }
                    acked.set(Integer.parseInt(id.substring(id.indexOf('-') + 1)));
                }
            }
            // outside the lock: error() pauses, and the round's first-answer wait reads acked under it (a round whose
            // ids a killed earlier run had stored, say, must fail at once with this message, not time out)
            if (duplicate != null) {
                error("a fresh id was answered as a duplicate: " + duplicate);
            }
        }

        private void error(String message) {
            errors.incrementAndGet();
            lastError = message;
            if (firstError == null) {
                firstError = message;
            }
            pause();
        }

        private void pause() {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void stopAndJoin() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(90));
                assertThat(t.isAlive()).as("client %s stopped", t.getName()).isFalse();
            }
        }
    }

    /**
     * A batch of air-quality readings as CloudEvents, ids c{round}-{from} to c{round}-{from + 99}; with
     * {@code padding > 0} each reading's data also carries that many characters of random text (a raw uplink, say),
     * which no compression shrinks: the long run then grows its database past a gigabyte in minutes, not hours.
     */
    static String batch(int round, long from, int padding) {
        StringBuilder sb = new StringBuilder(BATCH * (330 + padding)).append('[');
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        String time = Instant.now().toString();
        for (int i = 0; i < BATCH; i++) {
            long n = from + i;
            int monitor = (int) (n % 2500);
            sb.append(i == 0 ? "" : ",")
                .append("{\"specversion\":\"1.0\",\"id\":\"c").append(round).append('-').append(n)
                .append("\",\"source\":\"urn:stadtwerke:lorawan:aq-").append(monitor)
                .append("\",\"type\":\"air.reading\",\"subject\":\"school-").append(monitor / 50).append("/room-")
                .append(100 + monitor % 50).append("\",\"time\":\"").append(time)
                .append("\",\"datacontenttype\":\"application/json\",\"data\":{\"co2\":").append(420 + n % 1400)
                .append(",\"temperature\":21.").append(n % 10).append(",\"humidity\":4").append(n % 10)
                .append(".5,\"pressure\":1013.").append(n % 10);
            if (padding > 0) {
                sb.append(",\"raw\":\"");
                for (int k = 0; k < padding; k++) {
                    sb.append(PADDING_ALPHABET.charAt(random.nextInt(PADDING_ALPHABET.length())));
                }
                sb.append('"');
            }
            sb.append("}}");
        }
        return sb.append(']').toString();
    }

    /** A database the hub is given instead of its H2 file. */
    record ExternalDatabase(String url, String user, String password) {
    }

    /** The database under test: the H2 file (null) unless {@code datenhafen.crash.db-url} names another. */
    ExternalDatabase database() throws Exception {
        String url = text("datenhafen.crash.db-url", null);
        return url == null ? null : new ExternalDatabase(url, text("datenhafen.crash.db-user", ""),
            text("datenhafen.crash.db-password", ""));
    }

    int defaultRounds() {
        return 4;
    }

    /** Whether the bus is on Kafka ({@code datenhafen.crash.kafka}: true or 1). */
    boolean kafka() {
        String v = text("datenhafen.crash.kafka", "false");
        return v.equals("1") || Boolean.parseBoolean(v);
    }

    private String runCheck(Path ackedFile) throws Exception {
        Path classes = Path.of(CrashCheck.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (broker != null) { // the topic, read with the server's own jars (Kafka's client, the hub's codec)
            return runCheck(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", home.resolve("lib") + java.io.File.separator + "*" + java.io.File.pathSeparator
                + classes, KafkaCrashCheck.class.getName(), broker.bootstrapServers(), TOPIC_PREFIX + "events",
                ackedFile.toString()));
        }
        Path driver;
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(home.resolve("lib"),
            external != null && external.url().startsWith("jdbc:postgresql:") ? "postgresql-*.jar" : "h2-*.jar")) {
            driver = jars.iterator().next();
        }
        String url = external != null ? external.url()
            : "jdbc:h2:file:" + home.resolve("data/datenhafen").toAbsolutePath()
            + ";WRITE_DELAY=0;COMPRESS=TRUE;DB_CLOSE_ON_EXIT=FALSE";
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m", "-cp", driver + java.io.File.pathSeparator + classes, CrashCheck.class.getName(), url,
            ackedFile.toString(), home.resolve("data/db.key").toString());
        if (external != null) {
            pb.environment().put(CrashCheck.USER_VARIABLE, external.user());
            pb.environment().put(CrashCheck.PASSWORD_VARIABLE, external.password());
        }
        return runCheck(pb);
    }

    /** Runs a check in its JVM and returns its output, once it finished well. */
    private String runCheck(ProcessBuilder pb) throws Exception {
        Path out = work.resolve("check.txt");
        Process p = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("check finished").isTrue();
        String text = Files.readString(out);
        assertThat(p.exitValue()).as("check could open and read the database:\n" + text).isZero();
        return text;
    }

    /** Where the events are and how large: the topic's log segments, the H2 file, or the PostgreSQL database. */
    private String storeSize() throws Exception {
        if (broker != null) {
            return "topic " + (broker.topicBytes(TOPIC_PREFIX + "events") >> 20) + " MB";
        }
        return "db " + (databaseBytes() >> 20) + " MB";
    }

    private long databaseBytes() throws Exception {
        if (external == null) {
            return Files.size(home.resolve("data/datenhafen.mv.db"));
        }
        try (var c = java.sql.DriverManager.getConnection(external.url(), external.user(), external.password());
             var st = c.createStatement(); var rs = st.executeQuery("SELECT pg_database_size(current_database())")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long sum(String check, String key) {
        return check.lines().filter(l -> l.startsWith("ROUND ")).mapToLong(l -> {
            int i = l.indexOf(key) + key.length();
            int j = l.indexOf(' ', i);
            return Long.parseLong(l.substring(i, j < 0 ? l.length() : j));
        }).sum();
    }

    private void start() throws IOException {
        Path log = work.resolve("hub-" + logs.size() + ".log");
        logs.add(log);
        ProcessBuilder pb = PackagedHub.command(home, port, TOKEN, log);
        // datenhafen.bus.storage (or DATENHAFEN_BUS_STORAGE): rows or chunks, the event log's storage under test
        String storage = text("datenhafen.bus.storage", "");
        if (!storage.isEmpty()) {
            pb.environment().put("DATENHAFEN_BUS_STORAGE", storage);
        }
        if (broker != null) {
            pb.environment().put("DATENHAFEN_BUS", "kafka");
            pb.environment().put("DATENHAFEN_BUS_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
            pb.environment().put("DATENHAFEN_BUS_KAFKA_TOPIC_PREFIX", TOPIC_PREFIX);
        }
        if (external != null) {
            pb.environment().put("DATENHAFEN_DB_URL", external.url());
            pb.environment().put("DATENHAFEN_DB_USER", external.user());
            pb.environment().put("DATENHAFEN_DB_PASSWORD", external.password());
        }
        process = pb.start();
        URI ready = URI.create("http://127.0.0.1:" + port + "/health/ready");
        HttpClient http = HttpClient.newHttpClient();
        await("hub ready (log " + log + ")").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
            .failFast(() -> assertThat(process.isAlive()).as("hub process alive; log:\n" + Files.readString(log))
                .isTrue())
            .ignoreExceptions()
            .until(() -> http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode() == 200);
    }

    /** SIGKILL: {@code bin/datenhafen} execs the JVM, so the process is the hub itself. */
    private void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("killed hub exited").isTrue();
    }

    private static int setting(String property, int fallback) {
        return Integer.parseInt(text(property, Integer.toString(fallback)));
    }

    /** A system property, else the environment variable DATENHAFEN_CRASH_..., else the fallback. */
    private static String text(String property, String fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(property.toUpperCase().replace('.', '_').replace('-', '_'));
        }
        return v == null || v.isBlank() ? fallback : v;
    }

    private static void copyDistribution(Path to) throws IOException {
        // datenhafen.crash.distribution: another unpacked server to test, e.g. a copy kept while the build changes
        Path from = Path.of(text("datenhafen.crash.distribution", System.getProperty("datenhafen.distribution")));
        assertThat(from.resolve("bin/datenhafen")).isExecutable();
        PackagedHub.copyWithClassData(from, to);
    }
}
