package de.datenhafen.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for a test: Debian's {@code postgresql} package ({@code apt-get install postgresql}), a new
 * cluster in a folder of its own, listening on a free port of 127.0.0.1 only, durable as in production
 * ({@code fsync} and {@code synchronous_commit} on), with one password login. Started as the test's own process, so
 * {@link #kill()} is a real {@code kill -9} of the server. Without the package a test fails under {@code CI=true} and
 * is skipped elsewhere, saying what to install.
 *
 * <p>PostgreSQL refuses to run as root; run as root (CI containers), the cluster belongs to the package's
 * {@code postgres} user and the server is started through {@code setpriv}, which becomes that user and then is the
 * server (no process in between, so a kill reaches it).
 */
public final class Postgres implements AutoCloseable {

    /** The login the cluster is made with. */
    public static final String USER = "hub";
    private static final Duration START = Duration.ofSeconds(60);

    private final Path dir;
    private final int port;
    private final String password;
    private final List<String> asServer;
    private final Path bin;
    private Process process;
    private static Postgres shared;

    private Postgres(Path dir, int port, String password, List<String> asServer, Path bin) {
        this.dir = dir;
        this.port = port;
        this.password = password;
        this.asServer = asServer;
        this.bin = bin;
    }

    /** Whether Debian's PostgreSQL server binaries are installed; under {@code CI=true} their absence is an error. */
    public static boolean available() {
        boolean found = binaries().isPresent();
        if (!found && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("PostgreSQL is not installed (apt-get install postgresql); under CI=true "
                + "its tests must run, not be skipped");
        }
        return found;
    }

    /**
     * One server for the whole test JVM, started at the first call and thrown away when the JVM exits: for test
     * classes that need a database of their own on a server, not a server each.
     */
    public static synchronized Postgres shared() throws IOException {
        if (shared == null) {
            Postgres pg = start();
            Runtime.getRuntime().addShutdownHook(new Thread(pg::discard, "postgres-discard"));
            shared = pg;
        }
        return shared;
    }

    /**
     * {@link #shared()} where PostgreSQL is installed, else null: the test then skips itself (under {@code CI=true}
     * {@link #available()} fails it instead).
     */
    public static Postgres sharedIfAvailable() {
        try {
            return available() ? shared() : null;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start PostgreSQL: " + e.getMessage(), e);
        }
    }

    /**
     * Makes database {@code name} and returns the hub's config keys that put a hub on it ({@code db.url},
     * {@code db.user}, {@code db.password}), for {@code HubExtension.Builder.config}.
     */
    public java.util.Map<String, String> hubDatabase(String name) {
        try {
            return java.util.Map.of("db.url", createDatabase(name), "db.user", USER, "db.password", password);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot make database " + name + ": " + e.getMessage(), e);
        }
    }

    /** Makes a new cluster in a temp folder and starts it. */
    public static Postgres start() throws IOException {
        Path bin = binaries().orElseThrow(() -> new IllegalStateException(
            "PostgreSQL is not installed: apt-get install postgresql"));
        Path dir = Files.createTempDirectory("postgres-");
        boolean root = "root".equals(System.getProperty("user.name"));
        List<String> asServer = root ? List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups")
            : List.of();
        String password = Long.toHexString(Double.doubleToLongBits(Math.random())) + Long.toHexString(System.nanoTime());
        Path pwfile = dir.resolve("pwfile");
        Files.writeString(pwfile, password + "\n");
        if (root) {
            run(dir, List.of("chown", "-R", "postgres:postgres", dir.toString()));
        }
        List<String> initdb = new ArrayList<>(asServer);
        initdb.addAll(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER,
            "--pwfile=" + pwfile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"));
        run(dir, initdb);
        Files.deleteIfExists(pwfile);
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Postgres pg = new Postgres(dir, port, password, asServer, bin);
        pg.startServer();
        return pg;
    }

    /** Starts the server on the cluster (again, after {@link #kill()}); returns when it accepts logins. */
    public synchronized void startServer() throws IOException {
        List<String> command = new ArrayList<>(asServer);
        command.addAll(List.of(bin.resolve("postgres").toString(), "-D", dir.resolve("data").toString(),
            "-p", Integer.toString(port), "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=on", "-c", "synchronous_commit=on", "-c", "max_connections=200"));
        Path log = dir.resolve("server.log");
        process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        await("PostgreSQL accepting logins on port " + port, START, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("PostgreSQL exited with " + process.exitValue() + ": "
                    + Files.readString(log, StandardCharsets.UTF_8));
            }
            try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, password)) {
                return true;
            } catch (SQLException e) {
                return false;
            }
        });
    }

    /**
     * Makes database {@code name} owned by a login of its own made as docs/operations.md makes the hub's ("Roles and
     * rights": {@code LOGIN CREATEROLE}, no more), and returns the hub's config keys for it ({@code db.url},
     * {@code db.user}, {@code db.password}): the server's own user is a superuser, which hid what the documented role
     * may not do.
     */
    public java.util.Map<String, String> hubDatabaseAsDocumented(String name) {
        if (!name.matches("[a-z][a-z0-9_]{0,50}")) {
            throw new IllegalArgumentException("database names here are lower-case identifiers: " + name);
        }
        String login = name + "_hub";
        String secret = Long.toHexString(new java.security.SecureRandom().nextLong()) + "Aa1";
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, password);
             Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + login + " LOGIN CREATEROLE PASSWORD '" + secret + "'");
            st.execute("CREATE DATABASE " + name + " OWNER " + login);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot make database " + name + ": " + e.getMessage(), e);
        }
        return java.util.Map.of("db.url", jdbcUrl(name), "db.user", login, "db.password", secret);
    }

    /** A new, empty database on the server; its JDBC URL. */
    public String createDatabase(String name) throws SQLException {
        if (!name.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("database names here are lower-case identifiers: " + name);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, password);
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return jdbcUrl(name);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    /** {@code kill -9} of the server: no checkpoint, no goodbye; {@link #startServer()} recovers from the WAL. */
    public synchronized void kill() throws InterruptedException {
        // stopped first, so that it starts no child between the list of its children and its end
        try {
            new ProcessBuilder("kill", "-STOP", Long.toString(process.pid())).inheritIO().start()
                .waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no kill command: the list below may then miss a child started at this moment
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        // the server's own children (its writer, checkpointer, the clients' backends) notice their parent is gone and
        // exit, a moment later: until the last has, a new server refuses the cluster ("pre-existing shared memory
        // block is still in use"), as a restart right after a kill once met
        await("PostgreSQL's processes gone", Duration.ofSeconds(30),
            () -> (!Files.exists(dir.resolve("data").resolve("postmaster.pid")) || !pidAlive())
                && children.stream().noneMatch(Postgres::running));
    }

    /**
     * Alive and not a zombie: an ended child that no one has reaped yet (the orphans of a killed server wait for the
     * machine's first process) holds no memory, shared or not, but the JDK counts it as alive.
     */
    private static boolean running(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return p.isAlive(); // no /proc, or gone meanwhile: as the JDK says
        }
    }

    private boolean pidAlive() throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("data").resolve("postmaster.pid"));
        return !lines.isEmpty() && ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
            .map(ProcessHandle::isAlive).orElse(false);
    }

    /** Stops the server (fast shutdown) and deletes its cluster. */
    @Override
    public synchronized void close() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy(); // SIGTERM: PostgreSQL's smart shutdown; SIGINT would be fast, SIGTERM is enough here
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** At the JVM's exit, for {@link #shared()}: a kill (whose clients may still be connected) and the folder gone. */
    private void discard() {
        try {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the JVM is exiting; a leftover temp folder is all that can remain
        }
    }

    /** Polls {@code done} every 50 ms until it is true, for at most {@code limit}. */
    private static void await(String what, Duration limit, java.util.concurrent.Callable<Boolean> done) {
        long end = System.nanoTime() + limit.toNanos();
        try {
            while (!done.call()) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("not within " + limit.toSeconds() + " s: " + what);
                }
                Thread.sleep(50); // the poll interval of a bounded wait for another process
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what, e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(what + ": " + e.getMessage(), e);
        }
    }

    /** The newest installed PostgreSQL's server binaries (Debian keeps each major version apart). */
    private static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("postgres")))
                .max(Comparator.comparingInt(b -> major(b.getParent().getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int major(String version) {
        try {
            return Integer.parseInt(version.replaceAll("\\..*", ""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void run(Path dir, List<String> command) throws IOException {
        Path out = Files.createTempFile("postgres-setup-", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed: " + Files.readString(out));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
