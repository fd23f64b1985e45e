package de.datenhafen.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.testkit.Kafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Kafka broker in a JVM of its own for the crash test: {@code core/testkit-kafka}'s {@code Kafka} main (one KRaft
 * node, replication factor 1) on two loopback ports chosen once and a folder that outlives the process, so that after
 * a SIGKILL it starts again on the same ports and logs, where the hub's producer finds it.
 *
 * <p>The JVM gets this test JVM's class path (the testkit and Kafka's server are test dependencies of this module), so
 * the hub's log configuration (Kafka at WARN); its output goes to {@code broker-<n>.log} in the log folder.
 */
final class BrokerProcess implements AutoCloseable {

    private static final Duration START = Duration.ofMinutes(2);

    private final Path dir;
    private final Path logFolder;
    private final int port;
    private final int controllerPort;
    private Process process;
    private int starts;

    private BrokerProcess(Path dir, Path logFolder) throws IOException {
        this.dir = dir;
        this.logFolder = logFolder;
        int[] ports = Kafka.freePorts(2);
        this.port = ports[0];
        this.controllerPort = ports[1];
    }

    /** Starts a broker on {@code dir} (formatted at the first start, read back at later ones). */
    static BrokerProcess start(Path dir, Path logFolder) throws IOException {
        BrokerProcess b = new BrokerProcess(dir, logFolder);
        b.start();
        return b;
    }

    /** Starts the process and returns when the broker answers clients (it prints {@code bootstrap=} then). */
    void start() throws IOException {
        assertThat(process == null || !process.isAlive()).as("broker not running").isTrue();
        Path log = logFolder.resolve("broker-" + starts++ + ".log");
        process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
            "-cp", System.getProperty("java.class.path"),
            "de.datenhafen.testkit.Kafka", dir.toString(), Integer.toString(port), Integer.toString(controllerPort))
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Process p = process;
        await("Kafka broker answering (log " + log + ")").atMost(START).pollInterval(Duration.ofMillis(100))
            .failFast(() -> assertThat(p.isAlive()).as("broker process alive; log:\n" + Files.readString(log))
                .isTrue())
            .until(() -> Files.readString(log).contains("bootstrap="));
    }

    /** SIGKILL: the JVM dies at once; what it wrote to its log files stays in the page cache. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("killed broker exited").isTrue();
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The bytes of a topic's log segments (not Kafka's preallocated index files). */
    long topicBytes(String topic) throws IOException {
        Path partition = dir.resolve("logs").resolve(topic + "-0");
        if (!Files.isDirectory(partition)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(partition)) {
            return files.filter(f -> f.toString().endsWith(".log")).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** Stops the broker cleanly (its input ends), or kills it if it does not stop within a minute. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
