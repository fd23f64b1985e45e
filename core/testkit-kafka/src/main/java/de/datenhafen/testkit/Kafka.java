package de.datenhafen.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Kafka broker for a test: one node in KRaft mode (broker and controller in one), Kafka's own
 * {@code KafkaRaftServer} started in the test's JVM, on loopback ports, with its logs in a temporary folder that goes
 * with it. No Docker, nothing installed: the broker comes from Maven Central ({@code kafka_2.13}).
 *
 * <p>Kafka's test kit ({@code kafka-test-common-runtime}'s {@code KafkaClusterTestKit}) needs the clients' test jar,
 * which is not served here; the server itself is all a single broker needs.
 *
 * <p>Starting one takes a few seconds, so tests share {@link #shared()}: one broker per test JVM, stopped when the
 * JVM exits. A test keeps apart from the others by topic names of its own (the hub's {@code bus.kafka.topic-prefix}).
 *
 * <p>{@link #main} runs one as a process of its own; given a folder and ports it keeps its logs there and starts again
 * on them, so a crash test can kill it with SIGKILL and start it where it was ({@code BusCrashIT} in distribution).
 */
public final class Kafka implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(60);
    private static Kafka shared;

    private final KafkaRaftServer server;
    private final Path dir;
    private final int port;
    private final boolean deleteOnClose;

    private Kafka(KafkaRaftServer server, Path dir, int port, boolean deleteOnClose) {
        this.server = server;
        this.dir = dir;
        this.port = port;
        this.deleteOnClose = deleteOnClose;
    }

    /** The broker of this test JVM, started at the first call. */
    public static synchronized Kafka shared() {
        if (shared == null) {
            Kafka k = start();
            Runtime.getRuntime().addShutdownHook(new Thread(k::close, "kafka-stop"));
            shared = k;
        }
        return shared;
    }

    /** Formats a new node in a temp folder and starts it; returns when it answers clients. */
    public static Kafka start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a folder for the Kafka broker", e);
        }
        return start(dir, 0, 0, true);
    }

    /**
     * Starts a node on {@code dir}, formatting it first unless an earlier start did (its logs are then read back, as
     * after a crash); returns when it answers clients.
     *
     * @param port the client listener's port on 127.0.0.1, 0 for a free one
     * @param controllerPort the controller listener's port, 0 for a free one
     * @param deleteOnClose whether {@link #close} deletes {@code dir}
     */
    public static Kafka start(Path dir, int port, int controllerPort, boolean deleteOnClose) {
        try {
            Files.createDirectories(dir);
            String logs = dir.resolve("logs").toString();
            int[] free = freePorts(2); // both held open at once, so the two are never the same port
            if (port == 0) {
                port = free[0];
            }
            int controller = controllerPort == 0 ? free[1] : controllerPort;
            Map<String, Object> props = new HashMap<>();
            props.put("process.roles", "broker,controller");
            props.put("node.id", "1");
            props.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
            props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller);
            props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            props.put("controller.listener.names", "CONTROLLER");
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("log.dirs", logs);
            props.put("auto.create.topics.enable", "false");
            // one broker: the internal topics cannot have three copies
            props.put("offsets.topic.replication.factor", "1");
            // consumer groups (the hub's subscriptions) keep their offsets there: one partition is made in a moment,
            // the default 50 took seconds at a test's first group
            props.put("offsets.topic.num.partitions", "1");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("share.coordinator.state.topic.replication.factor", "1");
            props.put("share.coordinator.state.topic.min.isr", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            KafkaConfig config = new KafkaConfig(props, false);
            if (!Files.exists(dir.resolve("logs/meta.properties"))) { // a restart reads what the last run left
                new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logs))
                    .setMetadataLogDirectory(logs)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setControllerListenerName("CONTROLLER")
                    .run();
            }
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            Kafka k = new Kafka(server, dir, port, deleteOnClose);
            try {
                k.awaitClients();
            } catch (RuntimeException e) {
                k.close();
                throw e;
            }
            return k;
        } catch (Exception e) {
            if (deleteOnClose) {
                delete(dir);
            }
            throw new IllegalStateException("cannot start the Kafka broker for the tests: " + e, e);
        }
    }

    /** Waits until the broker lists itself to a client (it registered with its controller). */
    private void awaitClients() throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the Kafka broker did not answer within " + START, e);
                    }
                }
                Thread.sleep(100); // a poll interval while the broker registers, bounded by START
            }
        }
    }

    /**
     * A broker as a process of its own, for benchmarks ({@code bench/ingest-pair.sh} with {@code KAFKA=}) and the crash
     * test: prints {@code bootstrap=host:port} and {@code dir=<its folder>} once it answers clients, runs until its
     * standard input ends, then stops.
     *
     * <pre>Kafka                                  a temporary folder (deleted at the stop), free ports
     * Kafka FOLDER [PORT CONTROLLER_PORT]    that folder, kept (a second start goes on with its logs)</pre>
     */
    public static void main(String[] args) throws IOException {
        Kafka started = args.length == 0 ? start() : start(Path.of(args[0]),
            args.length > 1 ? Integer.parseInt(args[1]) : 0, args.length > 2 ? Integer.parseInt(args[2]) : 0, false);
        try (Kafka k = started) {
            System.out.println("bootstrap=" + k.bootstrapServers());
            System.out.println("dir=" + k.dir);
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the end of the input
            }
        }
    }

    /** {@code host:port} of the broker's client listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Stops the broker and deletes its folder (unless it was started to keep it). */
    @Override
    public synchronized void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            delete(dir);
        }
    }

    /** {@code n} distinct ports free on the loopback address now: each socket stays open until all are taken. */
    public static int[] freePorts(int n) throws IOException {
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    @Override
    public String toString() {
        return "Kafka{" + bootstrapServers() + ", " + dir + "}";
    }
}
