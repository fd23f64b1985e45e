package de.datenhafen.testkit;

import de.datenhafen.core.Hub;
import de.datenhafen.core.bus.AppendResult;
import de.datenhafen.core.bus.EventFilter;
import de.datenhafen.core.bus.EventLog;
import de.datenhafen.core.bus.NewEvent;
import de.datenhafen.core.bus.StoredEvent;
import de.datenhafen.core.config.HubConfig;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.ZoneOffset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts a real hub in process for a test class: HTTP on a random port of 127.0.0.1, a temporary home with its own
 * data folder (a real H2 file), and plugin archives copied into its plugins folder before the start, so they load
 * exactly as in production. Test methods can take a {@link HubClient} (with the admin's token) or the {@link Hub}.
 *
 * <p>A plugin's test needs nothing of the hub's own classes: {@link #client()} calls it over HTTP (raw bytes and
 * headers too), {@link #events} and {@link #awaitEvents} read what reached the bus, {@link #publish} puts events on it,
 * and {@link Builder#config} takes the hub's config keys as documented (e.g. {@code "auth.failures.limit"}).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final HubExtension hub = HubExtension.builder().pluginUnderTest().build();
 *
 * @Test
 * void offersItsConnector(HubClient client) {
 *     assertThat(client.get("/api/v1/admin/connectors").body()).contains("my-connector");
 * }
 * }</pre>
 *
 * <p>{@link Builder#pluginUnderTest()} takes the archive named by the system property
 * {@value #PLUGIN_ARCHIVE_PROPERTY}, which the plugins' parent pom sets for integration tests.
 *
 * <p>A hub that does not start, or stop, within {@link Builder#lifecycleTimeout} (3 minutes unless set) fails the test
 * class with a thread dump instead of holding the test JVM: JUnit's time-outs do not reach an extension's callbacks.
 */
public final class HubExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    /** System property naming the archive of the plugin under test. */
    public static final String PLUGIN_ARCHIVE_PROPERTY = "datenhafen.plugin.archive";

    private final List<Supplier<Path>> archives;
    private final Map<String, Object> config;
    private final Duration lifecycleTimeout;
    private final Consumer<Path> beforeFirstStart;
    private final String adminToken;
    private Path home;
    private Hub hub;
    private HubClient client;

    private HubExtension(Builder b) {
        this.archives = List.copyOf(b.archives);
        this.config = new LinkedHashMap<>(b.config); // restart(changed) may change it
        this.lifecycleTimeout = b.lifecycleTimeout;
        this.beforeFirstStart = b.beforeFirstStart;
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        // with a prefix of its own: 32 random base64url characters begin with "dh_", a member token's prefix, once in
        // 262,144 hubs, and then every admin request is checked as a member token and refused (a once-seen CI flake,
        // ConnectionLimitTest, whose every admin request was "Wrong token")
        this.adminToken = "test-admin-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        home = Files.createTempDirectory("datenhafen-test-");
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        for (Supplier<Path> archive : archives) {
            Path source = archive.get();
            Files.copy(source, plugins.resolve(source.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        beforeFirstStart.accept(home);
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
        deleteTree(home);
    }

    /** The running hub. */
    public Hub hub() {
        return hub;
    }

    /** A client with the admin's token. */
    public HubClient client() {
        return client;
    }

    /** The hub's home folder (with {@code data/} and {@code plugins/}). */
    public Path home() {
        return home;
    }

    /** The port the hub's HTTP server listens on (of 127.0.0.1). */
    public int port() {
        return running().port();
    }

    /**
     * Every event on the bus whose type matches one of the patterns (an exact type, or a prefix ending in {@code *};
     * none for every event), in sequence order. Reads the hub's log directly: what a subscription would get.
     */
    public List<RecordedEvent> events(String... typePatterns) {
        EventFilter filter = EventFilter.ofTypes(typePatterns);
        List<RecordedEvent> all = new ArrayList<>();
        long after = 0;
        while (true) {
            List<StoredEvent> page = running().eventLog().read(filter, after, 10_000);
            if (page.isEmpty()) {
                return all;
            }
            page.forEach(e -> all.add(RecordedEvent.of(e)));
            after = page.get(page.size() - 1).sequence();
        }
    }

    /**
     * Waits until at least {@code atLeast} events of this type pattern are on the bus, at most {@code timeout}, and
     * returns all of them; an {@link AssertionError} naming what was there when the time is up. Woken by each commit
     * of the log, so it returns as soon as the events are stored.
     */
    public List<RecordedEvent> awaitEvents(String typePattern, int atLeast, Duration timeout) {
        EventLog log = running().eventLog();
        Object commit = new Object();
        LongConsumer wake = sequence -> {
            synchronized (commit) {
                commit.notifyAll();
            }
        };
        log.onCommit(wake);
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                List<RecordedEvent> seen = events(typePattern);
                long left = deadline - System.nanoTime();
                if (seen.size() >= atLeast) {
                    return seen;
                }
                if (left <= 0) {
                    throw new AssertionError("expected at least " + atLeast + " " + typePattern + " events within "
                        + timeout + ", the bus has " + seen.size() + ": " + seen);
                }
                synchronized (commit) {
                    // bounded, so a commit between the read above and this wait costs at most 100 ms
                    commit.wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + typePattern + " events", e);
        } finally {
            log.removeOnCommit(wake);
        }
    }

    /** {@link #awaitEvents(String, int, Duration)} with 30 seconds. */
    public List<RecordedEvent> awaitEvents(String typePattern, int atLeast) {
        return awaitEvents(typePattern, atLeast, Duration.ofSeconds(30));
    }

    /**
     * Puts these events on the bus as {@code member}'s, in order, all or none, and returns their sequences once they
     * are committed (for a duplicate, the sequence of the copy stored before). Waits at most a minute.
     */
    public List<Long> publish(String member, List<NewBusEvent> events) {
        List<NewEvent> batch = new ArrayList<>();
        for (NewBusEvent e : events) {
            CloudEventBuilder b = CloudEventBuilder.v1().withId(e.id()).withSource(URI.create(e.source()))
                .withType(e.type()).withSubject(e.subject());
            if (e.time() != null) {
                b.withTime(e.time().atOffset(ZoneOffset.UTC));
            }
            if (e.data() != null) {
                b.withData(e.dataContentType(), e.data());
            }
            batch.add(new NewEvent(b.build(), member));
        }
        try {
            return running().eventLog().append(batch).get(1, TimeUnit.MINUTES).stream()
                .map(AppendResult::sequence).toList();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the bus refused " + events + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the bus did not commit " + events.size() + " events within a minute", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Holds the bus's writer thread after its next commit until the hold is closed (at most a minute, should a test
     * fail before it closes it): appends stay queued as behind a slow disk, so a test can see what its routes answer
     * then (503 with Retry-After once the queue is full) and how many requests wait for their commit at once
     * ({@link BusHold#waitingEvents()}). The events of that next commit still count as waiting while it holds. Use
     * it with try-with-resources. The hold begins once the events appended before it are written (within 10 s), so
     * that what it counts as waiting is the test's own: a hold closed just before leaves its last commit's events
     * counted until the writer returns from it.
     */
    public BusHold holdBus() {
        EventLog log = running().eventLog();
        Awaitility.await("the events appended before the hold written").atMost(Duration.ofSeconds(10))
            .until(() -> log.pendingEvents() == 0);
        return new BusHold(log);
    }

    /** A held bus writer; see {@link #holdBus()}. */
    public static final class BusHold implements AutoCloseable {
        private final EventLog log;
        private final CountDownLatch release = new CountDownLatch(1);
        private final LongConsumer listener;

        private BusHold(EventLog log) {
            this.log = log;
            // the log calls its listeners on its writer thread after each commit, before it counts the events as gone
            this.listener = sequence -> {
                try {
                    release.await(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            log.onCommit(listener);
        }

        /** Events appended and not committed yet (with those of the commit the writer is held after). */
        public int waitingEvents() {
            return log.pendingEvents();
        }

        /** Lets the writer go on. */
        @Override
        public void close() {
            log.removeOnCommit(listener);
            release.countDown();
        }
    }

    private Hub running() {
        if (hub == null) {
            throw new IllegalStateException("the hub is not running: use it from a test method, after beforeAll");
        }
        return hub;
    }

    /** Stops the hub and starts it again on the same home and data, as a process restart would. */
    public void restart() {
        stop();
        start();
    }

    /**
     * Stops the hub and starts it again on the same home and data with these config keys changed (an upgrade, or an
     * operator's edit); later restarts keep them. A null value removes a key the builder set.
     */
    public void restart(Map<String, Object> changed) {
        stop();
        changed.forEach((key, value) -> {
            if (value == null) {
                config.remove(key);
            } else {
                config.put(key, value);
            }
        });
        start();
    }

    /**
     * Stops the hub, lets {@code whileStopped} change its home, and starts it again on the same data: an upgrade, with
     * the new distribution's plugins put in place of the old ones.
     */
    public void restart(Consumer<Path> whileStopped) {
        stop();
        whileStopped.accept(home);
        start();
    }

    private void start() {
        Map<String, Object> overrides = new LinkedHashMap<>();
        overrides.put(HubConfig.HTTP_HOST, "127.0.0.1");
        overrides.put(HubConfig.HTTP_PORT, 0);
        overrides.put(HubConfig.ADMIN_TOKEN, adminToken);
        overrides.put(HubConfig.INTEGRATION_BACKOFF, "100ms");
        overrides.put(HubConfig.PLUGIN_CALL_TIMEOUT, "10s");
        // Test fixtures are built unsigned (PluginArchiveBuilder): a test hub checks signatures only when the test sets
        // plugins.require-signature=true itself; the packaged hub and --demo always do.
        overrides.put(HubConfig.PLUGINS_REQUIRE_SIGNATURE, false);
        overrides.putAll(config);
        HubConfig hubConfig = HubConfig.load(home, Map.of(), overrides);
        hub = Bounded.call("hub-start", "start", lifecycleTimeout, () -> Hub.start(hubConfig), Hub::close);
        client = new HubClient(URI.create("http://127.0.0.1:" + hub.port()), adminToken);
    }

    private void stop() {
        if (hub != null) {
            Hub stopping = hub;
            hub = null;
            Bounded.call("hub-stop", "stop", lifecycleTimeout, () -> {
                stopping.close();
                return null;
            }, late -> { });
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        return type == HubClient.class || type == Hub.class || type == HubExtension.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        if (type == HubClient.class) {
            return client;
        }
        return type == Hub.class ? hub : this;
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a leftover temp file is not worth failing a test for
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Configures a {@link HubExtension}. */
    public static final class Builder {
        private final List<Supplier<Path>> archives = new ArrayList<>();
        private final Map<String, Object> config = new LinkedHashMap<>();
        private Duration lifecycleTimeout = Duration.ofMinutes(3);
        private Consumer<Path> beforeFirstStart = home -> { };

        private Builder() {
        }

        /** Loads the plugin under test from the archive named by {@value #PLUGIN_ARCHIVE_PROPERTY}. */
        public Builder pluginUnderTest() {
            archives.add(() -> {
                String path = System.getProperty(PLUGIN_ARCHIVE_PROPERTY);
                if (path == null || !Files.isRegularFile(Path.of(path))) {
                    throw new IllegalStateException("system property " + PLUGIN_ARCHIVE_PROPERTY
                        + " must name the plugin archive under test (was " + path + "); run the test with "
                        + "'mvnw verify' so the archive is packaged first");
                }
                return Path.of(path);
            });
            return this;
        }

        /** Puts this archive in the plugins folder before the start; built when the extension starts. */
        public Builder plugin(Supplier<Path> archive) {
            archives.add(archive);
            return this;
        }

        /** Sets a hub config key (see {@link HubConfig}) for this test hub. */
        public Builder config(String key, Object value) {
            config.put(key, value);
            return this;
        }

        /**
         * How long the hub may take to start, and to stop, before the test fails with a thread dump (default 3
         * minutes: a start takes seconds, even on a busy build machine).
         */
        public Builder lifecycleTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the lifecycle time-out must be positive, was " + timeout);
            }
            lifecycleTimeout = timeout;
            return this;
        }

        /**
         * Runs {@code prepare} with the hub's new home folder once the plugin archives are in its {@code plugins/}
         * and before the first start: to leave there (or in the configured database) what an earlier version of the
         * hub would have, for upgrade tests.
         */
        public Builder beforeFirstStart(Consumer<Path> prepare) {
            if (prepare == null) {
                throw new IllegalArgumentException("the preparation must not be null");
            }
            beforeFirstStart = prepare;
            return this;
        }

        public HubExtension build() {
            return new HubExtension(this);
        }
    }
}
