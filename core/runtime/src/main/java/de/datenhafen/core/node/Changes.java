package de.datenhafen.core.node;

import de.datenhafen.core.ops.Timers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Change notices between the nodes of one database ({@code hub_change}): a node that changes something the others
 * keep in memory (an integration, a plugin's state) writes a notice of its kind and name; every other node reads the
 * notices every {@code every} and hands each to the listener of its kind, which reads the change from the database.
 * A notice says only what changed, never how, so a node that missed some (restarted) loses nothing: it read
 * everything at start. A notice whose listener fails (the database was away for a moment) is read again at the next
 * polls, up to {@link #ATTEMPTS} times; a later notice is not held up by it.
 *
 * <p>Why polling and not PostgreSQL's {@code LISTEN/NOTIFY}: the same code runs on H2, and a second of delay is
 * within what an admin's change may take; a poll of an indexed table is one cheap query a second.
 */
public final class Changes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Changes.class);
    private static final Duration KEEP = Duration.ofHours(1);
    /**
     * Ids are handed out before their transactions commit, so a notice may become visible after one with a higher
     * id: each poll looks this far back below the highest id seen, and skips the ids it has applied.
     */
    private static final long LOOK_BACK = 256;
    /** How often a notice whose listener failed is tried again, a poll apart, before it is given up. */
    static final int ATTEMPTS = 10;

    private final DataSource dataSource;
    private final String node;
    private final Clock clock;
    private final Map<String, Consumer<String>> listeners = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    /** Ids of notices already looked at, above {@code seen - LOOK_BACK}; poller thread only. */
    private final java.util.TreeSet<Long> applied = new java.util.TreeSet<>();
    /** Attempts made so far at notices whose listener failed, by id; poller thread only. */
    private final Map<Long, Integer> failed = new java.util.HashMap<>();
    private long seen; // poller thread only, after start
    private int polls; // poller thread only

    public Changes(DataSource dataSource, String node, Clock clock, Duration every) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.node = Objects.requireNonNull(node, "node");
        this.clock = Objects.requireNonNull(clock, "clock");
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT MAX(id) FROM hub_change")) {
            rs.next();
            seen = rs.getLong(1);
            for (long id = Math.max(1, seen - LOOK_BACK + 1); id <= seen; id++) {
                applied.add(id); // made before this node started: it reads their state at start
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the change notices: " + e.getMessage(), e);
        }
        this.timer = Timers.of("hub-changes");
        Timers.every(timer, "Reading the change notices", every, every, this::pollQuietly);
    }

    /** Who applies notices of {@code kind} made by other nodes; called on the poller thread with the name. */
    public void on(String kind, Consumer<String> listener) {
        listeners.put(kind, Objects.requireNonNull(listener, "listener"));
    }

    /** Tells the other nodes that {@code name} of {@code kind} changed; a failure is logged, never thrown. */
    public void announce(String kind, String name) {
        try (Connection c = dataSource.getConnection()) {
            announce(c, kind, name);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not tell the other nodes that {} {} changed: {}", kind, name, e.getMessage());
        }
    }

    /**
     * Writes the notice that {@code name} of {@code kind} changed on {@code c}, in its transaction: the change and its
     * notice commit together, or neither does.
     */
    public void announce(Connection c, String kind, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO hub_change (kind, name, node, made_at) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, kind);
            ps.setString(2, name);
            ps.setString(3, node);
            ps.setObject(4, clock.instant().atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
            ps.executeUpdate();
        }
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not read the change notices: {}", e.getMessage());
        }
    }

    private void poll() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, kind, name, node FROM hub_change WHERE id > ? ORDER BY id")) {
                ps.setLong(1, seen - LOOK_BACK);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        if (id <= seen - LOOK_BACK || !applied.add(id)) {
                            continue;
                        }
                        seen = Math.max(seen, id);
                        if (!rs.getString(4).equals(node) && !apply(rs.getString(2), rs.getString(3))) {
                            int attempts = failed.merge(id, 1, Integer::sum);
                            if (attempts < ATTEMPTS) {
                                applied.remove(id); // read again at the next poll
                            } else {
                                failed.remove(id);
                                LOG.error("Gave up the change of {} {} made on another node after {} attempts; it "
                                    + "applies at this node's next start", rs.getString(2), rs.getString(3), attempts);
                            }
                        } else {
                            failed.remove(id);
                        }
                    }
                }
                applied.headSet(seen - LOOK_BACK, true).clear();
                failed.keySet().removeIf(id -> id <= seen - LOOK_BACK);
            }
            if (++polls % 600 == 0) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM hub_change WHERE made_at < ?")) {
                    ps.setObject(1, clock.instant().minus(KEEP).atOffset(ZoneOffset.UTC),
                        Types.TIMESTAMP_WITH_TIMEZONE);
                    ps.executeUpdate();
                }
            }
        }
    }

    /** Hands the notice to its listener; false when the listener failed (the notice is then read again). */
    private boolean apply(String kind, String name) {
        Consumer<String> l = listeners.get(kind);
        if (l == null) {
            return true;
        }
        try {
            LOG.info("Applying a change made on another node: {} {}", kind, name);
            l.accept(name);
            return true;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Could not apply the change of {} {} made on another node (tried again at the next poll): {}",
                kind, name, e.getMessage(), e);
            return false;
        }
    }

    @Override
    public void close() {
        Timers.stop(timer, Timers.STOP_GRACE, "change notices"); // a poll in progress ends first: see Timers
    }
}
