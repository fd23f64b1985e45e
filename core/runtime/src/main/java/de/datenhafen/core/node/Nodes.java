package de.datenhafen.core.node;

import de.datenhafen.core.ops.Timers;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub processes that share one database ({@code hub_node}): this node registers itself at start with its id and
 * address, writes a heartbeat every few seconds, and the admin API lists every node with what it runs.
 */
public final class Nodes implements AutoCloseable {

    /** A node as registered. */
    public record Node(String id, String address, Instant started, Instant heartbeat) {
    }

    /**
     * What forgetting a node did: the work it still held, let go at once, what the listeners removed, and what they
     * could not (the node is forgotten all the same).
     */
    public record Forgotten(String id, Instant heartbeat, List<String> released, List<String> removed,
                            List<String> problems) {
    }

    /** How often a node writes its heartbeat. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(3);

    /** The file in the data folder that keeps a node's made-up id across restarts. */
    public static final String ID_FILE = "node-id";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Logger LOG = LoggerFactory.getLogger(Nodes.class);

    private final DataSource dataSource;
    private final String id;
    private final Clock clock;
    private final Instant started;
    private final ScheduledExecutorService timer;
    private volatile String address = "";
    private final List<java.util.function.Function<String, List<String>>> onForget =
        new java.util.concurrent.CopyOnWriteArrayList<>();

    private Nodes(DataSource dataSource, String id, Clock clock) {
        this.dataSource = dataSource;
        this.id = id;
        this.clock = clock;
        this.started = clock.instant();
        this.timer = Timers.of("hub-node");
    }

    /**
     * This node: {@code configured} when set, else the id kept in the data folder's {@value #ID_FILE}, made at the
     * first start from the host name and the port ({@code node-<random>} when the port is picked at start), so that a
     * restart on the same data folder is the same node and takes back its own leases at once.
     */
    public static String resolveId(String configured, Path dataDir, int port) {
        if (configured != null && !configured.isBlank()) {
            return checked(configured.trim(), "node.id");
        }
        Path file = dataDir.resolve(ID_FILE);
        try {
            if (Files.exists(file)) {
                return checked(Files.readString(file, StandardCharsets.UTF_8).trim(), file.toString());
            }
            String id;
            if (port > 0) {
                String host;
                try {
                    host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
                } catch (IOException e) {
                    host = "node";
                }
                id = (host.isEmpty() || !Character.isLetterOrDigit(host.charAt(0)) ? "node" + host : host) + "-" + port;
            } else {
                // a port picked at start (tests) says nothing; and no host name look-up, which can be slow
                byte[] random = new byte[4];
                new SecureRandom().nextBytes(random);
                id = "node-" + HexFormat.of().formatHex(random);
            }
            id = id.length() > 128 ? id.substring(id.length() - 128) : id;
            Files.createDirectories(dataDir);
            Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
            return checked(id, file.toString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot keep the node id in " + file + ": " + e.getMessage(), e);
        }
    }

    private static String checked(String id, String from) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("node id '" + id + "' (from " + from + ") must be 1 to 128 letters, "
                + "digits, '.', '_' or '-', starting with a letter or digit");
        }
        return id;
    }

    /** Registers the node and starts its heartbeat ({@code every}); the address is set once the server listens. */
    public static Nodes register(DataSource dataSource, String id, Clock clock, Duration every) {
        Nodes nodes = new Nodes(Objects.requireNonNull(dataSource, "dataSource"), id, clock);
        nodes.beat();
        Timers.every(nodes.timer, "The node's heartbeat", every, every, nodes::beatQuietly);
        LOG.info("Node {} registered", id);
        return nodes;
    }

    public String id() {
        return id;
    }

    /** Where this node's HTTP server is reached (shown in the list of nodes). */
    public void address(String address) {
        this.address = Objects.requireNonNull(address, "address");
        beatQuietly();
    }

    /** Every registered node, by id; nodes whose heartbeat stopped stay listed (with their last heartbeat). */
    public List<Node> list() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
            "SELECT id, address, started_at, heartbeat_at FROM hub_node ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            List<Node> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Node(rs.getString(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class).toInstant(),
                    rs.getObject(4, OffsetDateTime.class).toInstant()));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list the nodes: " + e.getMessage(), e);
        }
    }

    /** Whether a node with this last heartbeat counts as alive now: it missed fewer than three heartbeats. */
    public boolean alive(Instant heartbeat) {
        return heartbeat.isAfter(clock.instant().minus(HEARTBEAT.multipliedBy(3)));
    }

    /**
     * Adds what else a node leaves behind when it is forgotten (on PostgreSQL its plugins' login roles): called with
     * the node's id after its rows are gone, returns what it removed, for the answer.
     */
    public void onForget(java.util.function.Function<String, List<String>> listener) {
        onForget.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Forgets a node that is gone for good (retired, or its data folder lost): its row, its notes of plugin starts,
     * and the work it still held is let go at once instead of at its lease's end. Only a node that missed three
     * heartbeats, and never this one; a forgotten node that runs again registers anew at its next heartbeat.
     *
     * @throws NotFoundException when no node has this id
     * @throws ConflictException when it is this node, or alive
     */
    public Forgotten forget(String node) {
        if (!ID.matcher(node).matches()) {
            throw new de.datenhafen.api.NotFoundException("no node has this id: node ids are 1 to 128 letters, "
                + "digits, '.', '_' or '-'", "id");
        }
        if (node.equals(id)) {
            throw new de.datenhafen.api.ConflictException("node " + node + " is the node that answers this request: "
                + "stop it, then forget it from another node", "id");
        }
        Instant now = clock.instant();
        List<String> released = new ArrayList<>();
        Instant heartbeat;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement(
                    "SELECT heartbeat_at FROM hub_node WHERE id = ? FOR UPDATE")) {
                    ps.setString(1, node);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new de.datenhafen.api.NotFoundException("no node named '" + node + "'", "id");
                        }
                        heartbeat = rs.getObject(1, OffsetDateTime.class).toInstant();
                    }
                }
                if (alive(heartbeat)) {
                    throw new de.datenhafen.api.ConflictException("node " + node + " is alive (its last heartbeat "
                        + "was at " + heartbeat + "): stop it first; it can be forgotten once it has missed three "
                        + "heartbeats (" + HEARTBEAT.multipliedBy(3).toSeconds() + " s)", "id");
                }
                try (PreparedStatement ps = c.prepareStatement(
                    "SELECT name FROM hub_lease WHERE holder = ? AND expires_at > ? ORDER BY name")) {
                    ps.setString(1, node);
                    ps.setObject(2, now.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            released.add(rs.getString(1));
                        }
                    }
                }
                // an expired lease is taken over at the next try of any node, with a higher token (fencing)
                try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE hub_lease SET expires_at = ? WHERE holder = ? AND expires_at > ?")) {
                    ps.setObject(1, now.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
                    ps.setString(2, node);
                    ps.setObject(3, now.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM plugin_start WHERE node_id = ?")) {
                    ps.setString(1, node);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM hub_node WHERE id = ?")) {
                    ps.setString(1, node);
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot forget node " + node + ": " + e.getMessage(), e);
        }
        List<String> removed = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (java.util.function.Function<String, List<String>> listener : onForget) {
            try {
                removed.addAll(listener.apply(node));
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        LOG.info("Node {} forgotten (last heartbeat {}); work let go: {}; removed: {}{}", node, heartbeat, released,
            removed, problems.isEmpty() ? "" : "; not removed: " + problems);
        return new Forgotten(node, heartbeat, List.copyOf(released), List.copyOf(removed), List.copyOf(problems));
    }

    private void beatQuietly() {
        try {
            beat();
        } catch (RuntimeException e) {
            LOG.warn("Node heartbeat failed: {}", e.getMessage());
        }
    }

    private void beat() {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        try (Connection c = dataSource.getConnection()) {
            int n;
            try (PreparedStatement ps = c.prepareStatement(
                "UPDATE hub_node SET address = ?, started_at = ?, heartbeat_at = ? WHERE id = ?")) {
                ps.setString(1, address);
                ps.setObject(2, started.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setObject(3, now, Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setString(4, id);
                n = ps.executeUpdate();
            }
            if (n == 0) {
                try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO hub_node (id, address, started_at, heartbeat_at) VALUES (?, ?, ?, ?)")) {
                    ps.setString(1, id);
                    ps.setString(2, address);
                    ps.setObject(3, started.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
                    ps.setObject(4, now, Types.TIMESTAMP_WITH_TIMEZONE);
                    ps.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write node " + id + "'s heartbeat: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        Timers.stop(timer, Timers.STOP_GRACE, "node heartbeat"); // a heartbeat being written ends first: see Timers
    }

    @Override
    public String toString() {
        return "Nodes{id=" + id + ", address=" + address + "}";
    }
}
