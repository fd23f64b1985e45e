package de.datenhafen.core.bus;

import de.datenhafen.api.HubException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The event log in a JDBC database (H2 embedded; the SQL is PostgreSQL-compatible), one row per event in
 * {@code bus_event}: one writer thread takes appends from a bounded queue and commits them in groups, so many
 * concurrent producers share one transaction (see {@link GroupCommitLog}). {@link ChunkedEventLog} stores one row per
 * group instead.
 *
 * <p>Lifecycle: {@link #start} checks the database (see {@link H2Durability}), reads the last sequence and starts the
 * writer thread {@code bus-writer}. The hub calls {@link #close()} at shutdown, before it closes the database: it
 * stops taking appends, commits what is queued, then stops the writer.
 *
 * <p>Futures returned by {@link #append} complete on the writer thread; dependent stages must be quick or async.
 */
public final class H2EventLog extends GroupCommitLog {

    private static final int LOOKUP_CHUNK = 256;

    /**
     * How the log behaves.
     *
     * @param queueCapacity most events waiting or being written at once; more is refused with
     *     {@link de.datenhafen.api.RetryableException}
     * @param queueBytes most bytes of events ({@link GroupCommitLog#bytesOf}) waiting or being written at once, unless
     *     the queue is empty; more is refused the same way
     * @param maxGroupEvents most events committed in one transaction (a single larger append still goes in one)
     * @param syncEachGroup run {@code CHECKPOINT SYNC} after each group on H2 (the crash-safety measure; see
     *     package-info); ignored on other databases
     * @param dedupWindow how long an event's (source, id) is remembered to remove duplicates (see {@link DedupWindow})
     * @param dedupMaxKeys most keys remembered; when more events arrive within the window, the window is shorter
     * @param clock the clock for {@code stored_at}
     */
    public record Settings(int queueCapacity, long queueBytes, int maxGroupEvents, boolean syncEachGroup,
                           Duration dedupWindow, int dedupMaxKeys, Clock clock) {

        /** The default of {@code queueBytes}: an eighth of the maximum heap, at least 32 MiB. */
        public static final long QUEUE_BYTES = Math.max(32L << 20, Runtime.getRuntime().maxMemory() / 8);

        public static final Settings DEFAULTS =
            new Settings(200_000, QUEUE_BYTES, 10_000, true, Duration.ofHours(1), 500_000, Clock.systemUTC());

        public Settings {
            if (queueCapacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1, was " + queueCapacity);
            }
            if (queueBytes < 1) {
                throw new IllegalArgumentException("queueBytes must be at least 1, was " + queueBytes);
            }
            if (maxGroupEvents < 1) {
                throw new IllegalArgumentException("maxGroupEvents must be at least 1, was " + maxGroupEvents);
            }
            Objects.requireNonNull(dedupWindow, "dedupWindow");
            if (dedupMaxKeys < 1) {
                throw new IllegalArgumentException("dedupMaxKeys must be at least 1, was " + dedupMaxKeys);
            }
            Objects.requireNonNull(clock, "clock");
        }

        public Settings withQueueCapacity(int n) {
            return new Settings(n, queueBytes, maxGroupEvents, syncEachGroup, dedupWindow, dedupMaxKeys, clock);
        }

        public Settings withQueueBytes(long n) {
            return new Settings(queueCapacity, n, maxGroupEvents, syncEachGroup, dedupWindow, dedupMaxKeys, clock);
        }

        public Settings withMaxGroupEvents(int n) {
            return new Settings(queueCapacity, queueBytes, n, syncEachGroup, dedupWindow, dedupMaxKeys, clock);
        }

        public Settings withSyncEachGroup(boolean sync) {
            return new Settings(queueCapacity, queueBytes, maxGroupEvents, sync, dedupWindow, dedupMaxKeys, clock);
        }

        public Settings withDedup(Duration window, int maxKeys) {
            return new Settings(queueCapacity, queueBytes, maxGroupEvents, syncEachGroup, window, maxKeys, clock);
        }

        public Settings withClock(Clock c) {
            return new Settings(queueCapacity, queueBytes, maxGroupEvents, syncEachGroup, dedupWindow, dedupMaxKeys, c);
        }
    }


    private H2EventLog(DataSource dataSource, Settings settings, boolean h2, long lastSeq) {
        super(dataSource, settings, h2, lastSeq);
    }

    /**
     * Opens the log on a migrated database (schema {@code db/hub} V2) and starts its writer.
     *
     * @throws IllegalStateException when the database is H2 and not set up to keep committed events (see
     *     {@link H2Durability#check})
     */
    public static H2EventLog start(DataSource dataSource, Settings settings) {
        return open(dataSource, settings, (h2, last) -> new H2EventLog(dataSource, settings, h2, last));
    }


    @Override
    public List<StoredEvent> read(EventFilter filter, long after, int limit) {
        return read(filter, after, limit, Long.MAX_VALUE);
    }

    @Override
    public java.util.OptionalLong firstSequenceAfter(long after, long upTo) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
            "SELECT MIN(seq) FROM bus_event WHERE seq > ? AND seq <= ?")) {
            ps.setLong(1, after);
            ps.setLong(2, upTo);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long seq = rs.getLong(1);
                return rs.wasNull() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(seq);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the bus: " + e.getMessage(), e);
        }
    }

    @Override
    public List<StoredEvent> read(EventFilter filter, long after, int limit, long upTo) {
        Objects.requireNonNull(filter, "filter");
        checkLimit(limit);
        StringBuilder sql = new StringBuilder("SELECT ").append(EventRows.COLUMNS)
            .append(" FROM bus_event WHERE seq > ? AND seq <= ?");
        List<String> params = new ArrayList<>();
        EventFilterSql.appendConditions(filter, sql, params);
        sql.append(" ORDER BY seq LIMIT ?");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setLong(i++, after);
            ps.setLong(i++, upTo);
            for (String p : params) {
                ps.setString(i++, p);
            }
            ps.setInt(i, limit);
            List<StoredEvent> out = new ArrayList<>(Math.min(limit, 1024));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(EventRows.read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new HubException("cannot read the event log: " + e.getMessage(), null, e);
        }
    }

    @Override
    public long countAfter(EventFilter filter, long after, long cap) {
        try (Connection c = dataSource.getConnection()) {
            return countAfter(c, filter, after, cap);
        } catch (SQLException e) {
            throw new HubException("cannot count the events after " + after + ": " + e.getMessage(), null, e);
        }
    }

    /** {@link #countAfter} on {@code bus_event}: one index range scan of at most {@code cap} rows. */
    static long countAfter(Connection c, EventFilter filter, long after, long cap) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM (SELECT 1 FROM bus_event WHERE seq > ?");
        List<String> params = new ArrayList<>();
        EventFilterSql.appendConditions(filter, sql, params);
        sql.append(" ORDER BY seq LIMIT ?) AS behind");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setLong(i++, after);
            for (String p : params) {
                ps.setString(i++, p);
            }
            ps.setLong(i, cap);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public long firstStoredAtOrAfter(Instant time) {
        try (Connection c = dataSource.getConnection()) {
            return firstAtOrAfter(c, time);
        } catch (SQLException e) {
            throw new HubException("cannot search the event log by time: " + e.getMessage(), null, e);
        }
    }

    /**
     * The first sequence stored at or after {@code time}, or 0. A binary search over the primary key, which works
     * because the log's writer never lets {@code stored_at} go back as the sequence grows.
     */
    static long firstAtOrAfter(Connection c, Instant time) throws SQLException {
        long lo;
        long hi;
        try (PreparedStatement ps = c.prepareStatement("SELECT MIN(seq), MAX(seq) FROM bus_event");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            lo = rs.getLong(1);
            hi = rs.getLong(2);
            if (rs.wasNull()) {
                return 0;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT seq, stored_at FROM bus_event WHERE seq >= ? ORDER BY seq LIMIT 1")) {
            long answer = 0;
            while (lo <= hi) {
                long mid = lo + (hi - lo) / 2;
                ps.setLong(1, mid);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        break;
                    }
                    long seq = rs.getLong(1);
                    Instant at = rs.getObject(2, OffsetDateTime.class).toInstant();
                    if (at.isBefore(time)) {
                        lo = seq + 1;
                    } else {
                        answer = seq;
                        hi = mid - 1;
                    }
                }
            }
            return answer;
        }
    }

    @Override
    protected void insert(Connection c, OffsetDateTime storedAt, List<Numbered> events) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EventRows.INSERT)) {
            for (Numbered n : events) {
                EventRows.bind(ps, n.seq(), n.event(), storedAt);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** (source, id) of the stored events with these sequences. */
    @Override
    protected Map<Key, Long> keysOf(Connection c, List<Long> seqs) throws SQLException {
        Map<Key, Long> found = new HashMap<>();
        long[] sorted = seqs.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
        StringBuilder sql = new StringBuilder("SELECT source, id, seq FROM bus_event WHERE seq IN (?");
        sql.append(", ?".repeat(LOOKUP_CHUNK - 1)).append(")");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int from = 0; from < sorted.length; from += LOOKUP_CHUNK) {
                for (int i = 0; i < LOOKUP_CHUNK; i++) {
                    // pad a short last chunk by repeating its last value
                    ps.setLong(i + 1, sorted[Math.min(from + i, sorted.length - 1)]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.put(new Key(rs.getString(1), rs.getString(2)), rs.getLong(3));
                    }
                }
            }
        }
        return found;
    }

    @Override
    protected void loadWindow() {
        long cutoff = settings.clock().millis() - settings.dedupWindow().toMillis();
        long from;
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT MAX(seq) FROM bus_event")) {
            rs.next();
            // from the newest stored event, not the counter: a restored backup's counter is far past it
            from = Math.max(0, rs.getLong(1) - settings.dedupMaxKeys());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot rebuild the duplicate window: " + e.getMessage(), e);
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                 "SELECT seq, source, id, stored_at FROM bus_event WHERE seq > ? ORDER BY seq")) {
            ps.setLong(1, from);
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long storedAt = rs.getObject(4, OffsetDateTime.class).toInstant().toEpochMilli();
                    if (storedAt >= cutoff) {
                        dedup.add(EventRows.keyHash(rs.getString(2), rs.getString(3)), rs.getLong(1), storedAt);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the bus's recent events: " + e.getMessage(), e);
        }
    }
}
