package de.datenhafen.core.bus;

import de.datenhafen.api.HubException;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.RetryableException;
import io.cloudevents.CloudEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log in a JDBC database (H2 embedded; the SQL is PostgreSQL-compatible): one writer thread takes appends
 * from a bounded queue and commits them in groups, so many concurrent producers share one transaction.
 *
 * <p>Lifecycle: {@link #start} checks the database (see {@link H2Durability}), reads the last sequence and starts the
 * writer thread {@code bus-writer}. The hub calls {@link #close()} at shutdown, before it closes the database: it
 * stops taking appends, commits what is queued, then stops the writer.
 *
 * <p>Futures returned by {@link #append} complete on the writer thread; dependent stages must be quick or async.
 */
public final class H2EventLog implements EventLog {

    private static final Logger LOG = LoggerFactory.getLogger(H2EventLog.class);
    private static final int LOOKUP_CHUNK = 256;

    /**
     * How the log behaves.
     *
     * @param queueCapacity most events waiting or being written at once; more is refused with
     *     {@link RetryableException}
     * @param maxGroupEvents most events committed in one transaction (a single larger append still goes in one)
     * @param syncEachGroup run {@code CHECKPOINT SYNC} after each group on H2 (the crash-safety measure; see
     *     package-info); ignored on other databases
     * @param dedupWindow how long an event's (source, id) is remembered to remove duplicates (see {@link DedupWindow})
     * @param dedupMaxKeys most keys remembered; when more events arrive within the window, the window is shorter
     * @param clock the clock for {@code stored_at}
     */
    public record Settings(int queueCapacity, int maxGroupEvents, boolean syncEachGroup, Duration dedupWindow,
                           int dedupMaxKeys, Clock clock) {

        public static final Settings DEFAULTS =
            new Settings(200_000, 10_000, true, Duration.ofHours(1), 500_000, Clock.systemUTC());

        public Settings {
            if (queueCapacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1, was " + queueCapacity);
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
            return new Settings(n, maxGroupEvents, syncEachGroup, dedupWindow, dedupMaxKeys, clock);
        }

        public Settings withMaxGroupEvents(int n) {
            return new Settings(queueCapacity, n, syncEachGroup, dedupWindow, dedupMaxKeys, clock);
        }

        public Settings withSyncEachGroup(boolean sync) {
            return new Settings(queueCapacity, maxGroupEvents, sync, dedupWindow, dedupMaxKeys, clock);
        }

        public Settings withDedup(Duration window, int maxKeys) {
            return new Settings(queueCapacity, maxGroupEvents, syncEachGroup, window, maxKeys, clock);
        }

        public Settings withClock(Clock c) {
            return new Settings(queueCapacity, maxGroupEvents, syncEachGroup, dedupWindow, dedupMaxKeys, c);
        }
    }

    private record Request(List<NewEvent> events, CompletableFuture<List<AppendResult>> future) {
    }

    private final DataSource dataSource;
    private final Settings settings;
    private final boolean h2;
    private final Thread writer;
    private final CopyOnWriteArrayList<LongConsumer> listeners = new CopyOnWriteArrayList<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    private int heldEvents; // queued plus being written; guarded by lock
    private boolean closing; // guarded by lock

    private volatile long lastCommitted;
    private volatile double eventsPerSecond = 10_000;
    private final DedupWindow dedup; // writer thread only (and start)
    private long nextSeq; // writer thread only
    private OffsetDateTime lastStoredAt; // writer thread only
    private Connection connection; // writer thread only

    private H2EventLog(DataSource dataSource, Settings settings, boolean h2, long lastSeq) {
        this.dataSource = dataSource;
        this.settings = settings;
        this.h2 = h2;
        this.lastCommitted = lastSeq;
        this.nextSeq = lastSeq + 1;
        this.dedup = new DedupWindow(settings.dedupWindow().toMillis(), settings.dedupMaxKeys());
        this.writer = new Thread(this::runWriter, "bus-writer");
        this.writer.setDaemon(false);
    }

    /**
     * Opens the log on a migrated database (schema {@code db/hub} V2) and starts its writer.
     *
     * @throws IllegalStateException when the database is H2 and not set up to keep committed events (see
     *     {@link H2Durability#check})
     */
    public static H2EventLog start(DataSource dataSource, Settings settings) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(settings, "settings");
        boolean h2 = H2Durability.check(dataSource);
        long last;
        try (Connection c = dataSource.getConnection()) {
            last = lastAssigned(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the bus's last sequence: " + e.getMessage(), e);
        }
        H2EventLog log = new H2EventLog(dataSource, settings, h2, last);
        log.loadWindow();
        log.writer.start();
        LOG.info("Event log started at sequence {} (queue {} events, groups up to {}, sync per group {})",
            last, settings.queueCapacity(), settings.maxGroupEvents(), settings.syncEachGroup() && h2);
        return log;
    }

    /** The highest sequence ever handed out: the larger of the newest row and the mark retention leaves. */
    static long lastAssigned(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT MAX(seq) FROM bus_event), "
                 + "(SELECT val FROM bus_log_state WHERE name = 'high_water_seq')")) {
            rs.next();
            return Math.max(rs.getLong(1), rs.getLong(2));
        }
    }

    @Override
    public CompletableFuture<List<AppendResult>> append(List<NewEvent> events) {
        Objects.requireNonNull(events, "events");
        if (events.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<NewEvent> copy;
        try {
            copy = validated(events);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        int n = copy.size();
        CompletableFuture<List<AppendResult>> future = new CompletableFuture<>();
        lock.lock();
        try {
            if (closing) {
                return CompletableFuture.failedFuture(
                    new RetryableException("the event log is shutting down", Duration.ofSeconds(5)));
            }
            if (heldEvents + n > settings.queueCapacity()) {
                return CompletableFuture.failedFuture(new RetryableException("the event log is busy: "
                    + heldEvents + " events are waiting to be stored", retryAfter(heldEvents)));
            }
            heldEvents += n;
            queue.add(new Request(copy, future));
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
        return future;
    }

    private List<NewEvent> validated(List<NewEvent> events) {
        if (events.size() > settings.queueCapacity()) {
            throw new InvalidInputException("a batch may hold at most " + settings.queueCapacity()
                + " events, this one has " + events.size(), "events");
        }
        List<NewEvent> out = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            NewEvent e = Objects.requireNonNull(events.get(i), "events[" + i + "]");
            CloudEvent ce = EventRows.asV1(e.event());
            check(i, "member", e.member(), EventRows.MAX_MEMBER);
            check(i, "type", ce.getType(), EventRows.MAX_TYPE);
            check(i, "source", ce.getSource().toString(), EventRows.MAX_SOURCE);
            check(i, "id", ce.getId(), EventRows.MAX_ID);
            if (ce.getSubject() != null) {
                check(i, "subject", ce.getSubject(), EventRows.MAX_SUBJECT);
            }
            out.add(ce == e.event() ? e : new NewEvent(ce, e.member()));
        }
        return out;
    }

    private static void check(int index, String attribute, String value, int max) {
        if (value.isEmpty() || value.length() > max) {
            throw new InvalidInputException("event " + index + ": " + attribute + " must have 1 to " + max
                + " characters, has " + value.length(), attribute);
        }
    }

    /** How long until the queue has likely drained, from the writer's recent rate; at least one second. */
    private Duration retryAfter(int queued) {
        double seconds = queued / Math.max(1.0, eventsPerSecond);
        return Duration.ofSeconds(Math.min(30, Math.max(1, (long) Math.ceil(seconds))));
    }

    @Override
    public List<StoredEvent> read(EventFilter filter, long after, int limit) {
        Objects.requireNonNull(filter, "filter");
        if (limit < 1) {
            throw new InvalidInputException("limit must be at least 1, was " + limit, "limit");
        }
        StringBuilder sql = new StringBuilder("SELECT ").append(EventRows.COLUMNS)
            .append(" FROM bus_event WHERE seq > ?");
        List<String> params = new ArrayList<>();
        EventFilterSql.appendConditions(filter, sql, params);
        sql.append(" ORDER BY seq LIMIT ?");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setLong(i++, after);
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
    public long lastSequence() {
        return lastCommitted;
    }

    @Override
    public void onCommit(LongConsumer listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeOnCommit(LongConsumer listener) {
        listeners.remove(listener);
    }

    /** Events waiting or being written now; for metrics. */
    public int pendingEvents() {
        lock.lock();
        try {
            return heldEvents;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closing) {
                return;
            } else {
                closing = true;
                notEmpty.signalAll();
            }
        } finally {
            lock.unlock();
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Event log closed at sequence {}", lastCommitted);
    }

    // ---- the writer thread

    private void runWriter() {
        try {
            List<Request> group;
            while ((group = takeGroup()) != null) {
                int events = group.stream().mapToInt(r -> r.events().size()).sum();
                long started = System.nanoTime();
                writeGroupOrEach(group);
                double seconds = Math.max(1e-6, (System.nanoTime() - started) / 1e9);
                eventsPerSecond = 0.8 * eventsPerSecond + 0.2 * (events / seconds);
                lock.lock();
                try {
                    heldEvents -= events;
                } finally {
                    lock.unlock();
                }
            }
        } catch (Error e) {
            LOG.error("The event log's writer stopped", e);
            failQueued(e);
            throw e;
        } finally {
            closeConnection();
        }
    }

    /** After the writer died: refuse further appends and fail the queued ones rather than leave them hanging. */
    private void failQueued(Throwable cause) {
        lock.lock();
        try {
            closing = true;
            Request r;
            while ((r = queue.poll()) != null) {
                r.future().completeExceptionally(
                    new HubException("the event log's writer stopped: " + cause, null, cause));
            }
        } finally {
            lock.unlock();
        }
    }

    /** The next group, or null once closing and drained. */
    private List<Request> takeGroup() {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closing) {
                    return null;
                }
                notEmpty.awaitUninterruptibly();
            }
            List<Request> group = new ArrayList<>();
            int events = 0;
            while (!queue.isEmpty()
                && (group.isEmpty() || events + queue.peek().events().size() <= settings.maxGroupEvents())) {
                Request r = queue.poll();
                events += r.events().size();
                group.add(r);
            }
            return group;
        } finally {
            lock.unlock();
        }
    }

    /** Commits the group; if that fails, each request alone, so one bad append cannot fail its neighbours. */
    private void writeGroupOrEach(List<Request> group) {
        try {
            commit(group);
        } catch (SQLException | RuntimeException e) {
            if (group.size() == 1) {
                LOG.warn("Could not store {} events: {}", group.get(0).events().size(), e.getMessage());
                group.get(0).future().completeExceptionally(failure(e));
                return;
            }
            LOG.warn("A group of {} appends failed ({}); storing them one by one", group.size(), e.getMessage());
            for (Request r : group) {
                writeGroupOrEach(List.of(r));
            }
        }
    }

    private static RuntimeException failure(Exception e) {
        return e instanceof HubException h ? h
            : new HubException("the event log could not store the events: " + e.getMessage(), null, e);
    }

    private void commit(List<Request> group) throws SQLException {
        long firstSeq = nextSeq;
        List<List<AppendResult>> results;
        Connection c = connection();
        try {
            results = write(c, group);
            c.commit();
            if (h2 && settings.syncEachGroup()) {
                try (Statement st = c.createStatement()) {
                    st.execute("CHECKPOINT SYNC");
                }
            }
        } catch (SQLException | RuntimeException e) {
            nextSeq = firstSeq;
            rollbackAndDrop();
            throw e;
        }
        long last = nextSeq - 1;
        if (last >= firstSeq) {
            lastCommitted = last;
        }
        remember(group, results);
        for (int i = 0; i < group.size(); i++) {
            group.get(i).future().complete(results.get(i));
        }
        if (last >= firstSeq) {
            for (LongConsumer l : listeners) {
                try {
                    l.accept(last);
                } catch (RuntimeException e) {
                    LOG.warn("An onCommit listener failed: {}", e.toString());
                }
            }
        }
    }

    private List<List<AppendResult>> write(Connection c, List<Request> group) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now(settings.clock()).withOffsetSameInstant(ZoneOffset.UTC);
        if (lastStoredAt != null && now.isBefore(lastStoredAt)) {
            now = lastStoredAt; // stored_at never goes back, so seeking by time can search by sequence
        }
        // candidates from the window of recent keys, confirmed against the stored rows
        Map<Key, Long> known = new HashMap<>();
        List<Long> candidates = new ArrayList<>();
        for (Request r : group) {
            for (NewEvent e : r.events()) {
                long seq = dedup.get(EventRows.keyHash(e.event().getSource().toString(), e.event().getId()));
                if (seq > 0) {
                    candidates.add(seq);
                }
            }
        }
        if (!candidates.isEmpty()) {
            known.putAll(keysOf(c, candidates));
        }
        List<List<AppendResult>> results = new ArrayList<>(group.size());
        try (PreparedStatement ps = c.prepareStatement(EventRows.INSERT)) {
            int batched = 0;
            for (Request r : group) {
                List<AppendResult> out = new ArrayList<>(r.events().size());
                for (NewEvent e : r.events()) {
                    Key key = new Key(e.event().getSource().toString(), e.event().getId());
                    Long earlier = known.get(key);
                    if (earlier != null) {
                        out.add(new AppendResult(earlier, true));
                        continue;
                    }
                    long seq = nextSeq++;
                    known.put(key, seq);
                    EventRows.bind(ps, seq, e, now);
                    ps.addBatch();
                    batched++;
                    out.add(new AppendResult(seq, false));
                }
                results.add(out);
            }
            if (batched > 0) {
                ps.executeBatch();
            }
        }
        lastStoredAt = now;
        return results;
    }

    /** After a commit: the new events join the window of recent keys. */
    private void remember(List<Request> group, List<List<AppendResult>> results) {
        long now = lastStoredAt.toInstant().toEpochMilli();
        for (int i = 0; i < group.size(); i++) {
            List<NewEvent> events = group.get(i).events();
            List<AppendResult> r = results.get(i);
            for (int j = 0; j < events.size(); j++) {
                if (!r.get(j).duplicate()) {
                    CloudEvent ce = events.get(j).event();
                    dedup.add(EventRows.keyHash(ce.getSource().toString(), ce.getId()), r.get(j).sequence(), now);
                }
            }
        }
    }

    private record Key(String source, String id) {
    }

    /** (source, id) of the stored events with these sequences. */
    private static Map<Key, Long> keysOf(Connection c, List<Long> seqs) throws SQLException {
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

    /** Fills the window from the newest stored events, so duplicates are caught across a restart too. */
    private void loadWindow() {
        long from = Math.max(0, lastCommitted - settings.dedupMaxKeys());
        long cutoff = settings.clock().millis() - settings.dedupWindow().toMillis();
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

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = dataSource.getConnection();
            c.setAutoCommit(false);
            connection = c;
        }
        return connection;
    }

    private void rollbackAndDrop() {
        Connection c = connection;
        connection = null;
        if (c == null) {
            return;
        }
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback failed: {}", e.getMessage());
        }
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("close failed: {}", e.getMessage());
        }
    }

    private void closeConnection() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("close failed: {}", e.getMessage());
            }
        }
    }

    @Override
    public String toString() {
        return "H2EventLog{last=" + lastCommitted + ", pending=" + pendingEvents() + "}";
    }
}
