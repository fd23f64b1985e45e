package de.datenhafen.core.bus;

import de.datenhafen.api.HubException;
import de.datenhafen.core.ops.Timers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link RetentionPolicy retention policies} to the log in the background. Deletes go in small batches, each
 * its own short transaction on its own connection, so the log's writer is never held up for long (H2's row-level
 * locks: old rows and new inserts do not meet).
 *
 * <p>Disk space: H2 reuses the space of deleted rows for new ones, so the file stops growing once retention keeps
 * pace; it shrinks only when compacted, which H2 2.4 does at {@code SHUTDOWN COMPACT} (see package-info for why
 * not at run time).
 */
public final class EventRetention implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventRetention.class);

    private final DataSource dataSource;
    private final ChunkedEventLog chunks; // null: the row log
    private final List<RetentionPolicy> policies;
    private final Clock clock;
    private final int batchSize;
    private ScheduledExecutorService scheduler;

    /** Retention on the row log ({@link H2EventLog}); deletes go in batches of {@code batchSize} rows. */
    public EventRetention(DataSource dataSource, List<RetentionPolicy> policies, Clock clock, int batchSize) {
        this(dataSource, null, policies, clock, batchSize);
    }

    /** Retention on the chunked log: it rewrites or deletes one chunk per transaction. */
    public EventRetention(ChunkedEventLog log, List<RetentionPolicy> policies, Clock clock) {
        this(null, Objects.requireNonNull(log, "log"), policies, clock, 1);
    }

    private EventRetention(DataSource dataSource, ChunkedEventLog chunks, List<RetentionPolicy> policies,
                           Clock clock, int batchSize) {
        this.dataSource = chunks != null ? null : Objects.requireNonNull(dataSource, "dataSource");
        this.chunks = chunks;
        this.policies = List.copyOf(policies);
        this.clock = Objects.requireNonNull(clock, "clock");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
        this.batchSize = batchSize;
    }

    /** Runs {@link #runOnce} every {@code interval} on a thread of its own, {@code bus-retention}. */
    public synchronized void start(Duration interval) {
        start(interval, () -> true);
    }

    /**
     * As {@link #start(Duration)}, each run only while {@code mine} says so: with several nodes on one database, only
     * the node holding the retention's lease deletes (two nodes rewriting the same chunks would undo each other).
     */
    public synchronized void start(Duration interval, java.util.function.BooleanSupplier mine) {
        if (scheduler != null || policies.isEmpty()) {
            return;
        }
        scheduler = Timers.of("bus-retention");
        Timers.every(scheduler, "Retention", interval, interval, () -> {
            try {
                if (!mine.getAsBoolean()) {
                    return;
                }
                long n = runOnce();
                if (n > 0) {
                    LOG.info("Retention deleted {} events", n);
                }
            } catch (RuntimeException e) {
                LOG.warn("Retention failed, will try again: {}", e.getMessage());
            }
        });
    }

    /** Deletes what the policies say has to go; returns how many events. */
    public long runOnce() {
        if (policies.isEmpty()) {
            return 0;
        }
        if (chunks != null) {
            return chunks.applyRetention(this::policyFor, clock);
        }
        try (Connection c = dataSource.getConnection()) {
            long highWater = recordHighWater(c);
            long deleted = 0;
            for (String type : types(c)) {
                Optional<RetentionPolicy> policy = policyFor(type);
                if (policy.isPresent()) {
                    long upTo = Math.min(highWater, cutoff(c, type, policy.get()));
                    deleted += delete(c, type, upTo);
                }
            }
            return deleted;
        } catch (SQLException e) {
            throw new HubException("retention failed: " + e.getMessage(), null, e);
        }
    }

    Optional<RetentionPolicy> policyFor(String type) {
        return policies.stream().filter(p -> p.matches(type))
            .max(Comparator.comparingInt(RetentionPolicy::specificity));
    }

    /** Before anything is deleted: the highest sequence so far survives in bus_log_state (see H2EventLog#start). */
    private static long recordHighWater(Connection c) throws SQLException {
        long max = GroupCommitLog.lastAssigned(c);
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE bus_log_state SET val = ? WHERE name = 'high_water_seq' AND val < ?")) {
            ps.setLong(1, max);
            ps.setLong(2, max);
            ps.executeUpdate();
        }
        return max;
    }

    private static List<String> types(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT type FROM bus_event");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** The highest sequence of this type that has to go, or 0. */
    private long cutoff(Connection c, String type, RetentionPolicy p) throws SQLException {
        long cut = 0;
        if (p.maxCount() != null) {
            if (p.maxCount() == 0) {
                cut = Long.MAX_VALUE;
            } else {
                try (PreparedStatement ps = c.prepareStatement(
                    "SELECT seq FROM bus_event WHERE type = ? ORDER BY seq DESC OFFSET ? ROWS FETCH NEXT 1 ROW ONLY")) {
                    ps.setString(1, type);
                    ps.setLong(2, p.maxCount());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            cut = rs.getLong(1);
                        }
                    }
                }
            }
        }
        if (p.maxAge() != null) {
            Instant limit = clock.instant().minus(p.maxAge());
            long firstKept = H2EventLog.firstAtOrAfter(c, limit);
            long byAge = firstKept > 0 ? firstKept - 1 : Long.MAX_VALUE; // nothing stored since: all of it is old
            cut = Math.max(cut, byAge);
        }
        return cut;
    }

    private long delete(Connection c, String type, long upTo) throws SQLException {
        long total = 0;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM bus_event WHERE seq IN (SELECT seq FROM bus_event "
            + "WHERE type = ? AND seq <= ? ORDER BY seq FETCH FIRST ? ROWS ONLY)")) {
            while (true) {
                ps.setString(1, type);
                ps.setLong(2, upTo);
                ps.setInt(3, batchSize);
                int n = ps.executeUpdate(); // auto-commit: one short transaction per batch
                total += n;
                if (n < batchSize || Thread.currentThread().isInterrupted()) {
                    return total;
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            // a pass in progress ends its deletion first (see Timers), for up to 10 s
            Timers.stop(scheduler, Duration.ofSeconds(10), "retention");
            scheduler = null;
        }
    }
}
