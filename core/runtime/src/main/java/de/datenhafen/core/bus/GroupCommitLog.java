package de.datenhafen.core.bus;

import de.datenhafen.api.HubException;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.RetryableException;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.data.BytesCloudEventData;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every JDBC event log shares, whatever its table layout: a bounded queue of appends, one writer thread
 * {@code bus-writer} that commits them in groups (many concurrent producers share one transaction, then one
 * {@code CHECKPOINT SYNC} on H2), sequence numbers handed out by that writer, and the window of recent keys that
 * removes duplicates. Subclasses store a group ({@link #insert}) and find stored keys ({@link #keysOf}).
 *
 * <p>Futures returned by {@link #append} complete on the writer thread; dependent stages must be quick or async.
 */
abstract class GroupCommitLog implements EventLog, GroupCommits {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitLog.class);
    static final long HEAD_POLL_MS = 100;
    /** PostgreSQL: how long the writer's session may sit idle inside a group before the server ends it. */
    static final long IDLE_IN_GROUP_MS = 5_000;

    /** @param bytes about how many bytes its events hold ({@link #bytesOf}) */
    private record Request(List<NewEvent> events, long bytes, CompletableFuture<List<AppendResult>> future) {
    }

    /** An event the writer is about to store, with its sequence. */
    record Numbered(long seq, NewEvent event) {
    }

    /** (source, id) of an event, for confirming a hit of the dedup window. */
    record Key(String source, String id) {
    }

    protected final DataSource dataSource;
    protected final H2EventLog.Settings settings;
    /**
     * Bytes of events in one group, about, unless one append alone is larger. Bounded by events alone, a group of 10 KB
     * events was 100 MB, encoded and written at once: a hub with a 256 MiB heap ran out of it.
     */
    static final long MAX_GROUP_BYTES = 8L << 20;
    protected final boolean h2;
    private final Thread writer;
    private final CommitListeners listeners = new CommitListeners();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    private int heldEvents; // queued plus being written; guarded by lock
    private long heldBytes; // their bytes (bytesOf); guarded by lock
    private boolean closing; // guarded by lock

    private final java.util.concurrent.atomic.AtomicLong lastCommitted = new java.util.concurrent.atomic.AtomicLong();
    private final Thread headWatcher; // PostgreSQL only: follows the other nodes' commits
    private volatile double eventsPerSecond = 10_000;
    private volatile long groupsCommitted; // written by the writer thread only
    private volatile long eventsCommitted; // written by the writer thread only
    protected final DedupWindow dedup; // writer thread only (and start)
    private long nextSeq; // writer thread only
    private OffsetDateTime lastStoredAt; // writer thread only
    private Connection connection; // writer thread only

    GroupCommitLog(DataSource dataSource, H2EventLog.Settings settings, boolean h2, long lastSeq) {
        this.dataSource = dataSource;
        this.settings = settings;
        this.h2 = h2;
        this.lastCommitted.set(lastSeq);
        this.nextSeq = lastSeq + 1;
        this.dedup = new DedupWindow(settings.dedupWindow().toMillis(), settings.dedupMaxKeys());
        this.writer = new Thread(this::runWriter, "bus-writer");
        this.writer.setDaemon(false);
        this.headWatcher = h2 ? null : new Thread(this::watchHead, "bus-head");
        if (headWatcher != null) {
            headWatcher.setDaemon(true);
        }
    }

    /** Makes a storage once the database is checked: whether it is H2, and the highest sequence assigned. */
    interface Opener<L extends GroupCommitLog> {
        L create(boolean h2, long lastSeq);
    }

    /**
     * Checks the database (see {@link H2Durability#check}), reads where the sequence stands, makes the log and
     * starts its writer: how every storage opens.
     */
    static <L extends GroupCommitLog> L open(DataSource dataSource, H2EventLog.Settings settings, Opener<L> opener) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(settings, "settings");
        boolean h2 = H2Durability.check(dataSource);
        long last;
        try (Connection c = dataSource.getConnection()) {
            last = lastAssigned(c);
            if (!h2) {
                raiseCounter(c, last); // a database whose numbers this counter did not hand out yet
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the bus's last sequence: " + e.getMessage(), e);
        }
        L log = opener.create(h2, last);
        log.startWriter();
        return log;
    }

    /** Fills the dedup window from the stored events, then starts the writer. Called once by the factory. */
    final void startWriter() {
        loadWindow();
        writer.start();
        if (headWatcher != null) {
            headWatcher.start();
        }
        LOG.info("Event log ({}) started at sequence {} (queue {} events, groups up to {}, sync per group {})",
            getClass().getSimpleName(), lastCommitted.get(), settings.queueCapacity(), settings.maxGroupEvents(),
            settings.syncEachGroup() && h2);
    }

    // ---- what a storage layout provides

    /** Stores the group's new events (in sequence order, at least one) in the writer's open transaction. */
    protected abstract void insert(Connection c, OffsetDateTime storedAt, List<Numbered> events) throws SQLException;

    /** (source, id) of the stored events with these sequences (those that exist). */
    protected abstract Map<Key, Long> keysOf(Connection c, List<Long> seqs) throws SQLException;

    /** Fills {@link #dedup} from the newest stored events, so duplicates are caught across a restart too. */
    protected abstract void loadWindow();

    /** After a group is committed and synced, before its producers are answered; on the writer thread. */
    protected void committed(OffsetDateTime storedAt, List<Numbered> events) {
    }

    /** The writer thread ends (the log closed, or the writer failed); on that thread, its last call here. */
    protected void writerStopped() {
    }

    // ---- appending

    @Override
    public CompletableFuture<List<AppendResult>> append(List<NewEvent> events) {
        List<NewEvent> copy;
        try {
            copy = validated(events, settings.queueCapacity());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        int n = copy.size();
        if (n == 0) {
            return CompletableFuture.completedFuture(List.of());
        }
        CompletableFuture<List<AppendResult>> future = new CompletableFuture<>();
        long bytes = bytesOf(copy);
        lock.lock();
        try {
            RetryableException refused = refusal(closing, heldEvents, heldBytes, n, bytes, settings, eventsPerSecond);
            if (refused != null) {
                return CompletableFuture.failedFuture(refused);
            }
            heldEvents += n;
            heldBytes += bytes;
            queue.add(new Request(copy, bytes, future));
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
        return future;
    }

    /**
     * The batch as stored: each event as CloudEvents 1.0, its attributes within the lengths every storage keeps.
     * Shared with {@link KafkaEventLog}.
     *
     * @throws InvalidInputException naming the event and attribute at fault, or a batch larger than the queue
     */
    static List<NewEvent> validated(List<NewEvent> events, int queueCapacity) {
        Objects.requireNonNull(events, "events");
        if (events.size() > queueCapacity) {
            throw new InvalidInputException("a batch may hold at most " + queueCapacity
                + " events, this one has " + events.size(), "events");
        }
        List<NewEvent> out = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            NewEvent e = events.get(i);
            if (e == null) {
                throw new NullPointerException("events[" + i + "]");
            }
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

    /**
     * Why an append of {@code n} events of {@code bytes} is refused now, or null to take it: the log is closing, or
     * the events or their bytes waiting would pass the settings' bounds (the bytes only while others wait: a batch
     * larger than the bound alone still goes). The same answers from every storage; shared with {@link KafkaEventLog}.
     */
    static RetryableException refusal(boolean closing, int held, long heldBytes, int n, long bytes,
                                      H2EventLog.Settings settings, double eventsPerSecond) {
        if (closing) {
            return new RetryableException("the event log is shutting down", Duration.ofSeconds(5));
        }
        if (held + n > settings.queueCapacity()) {
            return new RetryableException("the event log is busy: " + held + " events are waiting to be stored",
                retryAfter(held, eventsPerSecond));
        }
        if (held > 0 && heldBytes + bytes > settings.queueBytes()) {
            return new RetryableException("the event log is busy: " + held + " events of " + (heldBytes >> 20)
                + " MiB are waiting to be stored", retryAfter(held, eventsPerSecond));
        }
        return null;
    }

    /** How long until the queue has likely drained, from the writer's recent rate; at least one second. */
    static Duration retryAfter(int queued, double eventsPerSecond) {
        double seconds = queued / Math.max(1.0, eventsPerSecond);
        return Duration.ofSeconds(Math.min(30, Math.max(1, (long) Math.ceil(seconds))));
    }

    static void checkLimit(int limit) {
        if (limit < 1) {
            throw new InvalidInputException("limit must be at least 1, was " + limit, "limit");
        }
    }

    @Override
    public long lastSequence() {
        return lastCommitted.get();
    }

    @Override
    public void onCommit(LongConsumer listener) {
        listeners.add(listener);
    }

    @Override
    public void removeOnCommit(LongConsumer listener) {
        listeners.remove(listener);
    }

    /** Events waiting or being written now; for metrics. */
    @Override
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
            if (headWatcher != null) {
                headWatcher.interrupt();
                headWatcher.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Event log closed at sequence {}", lastCommitted.get());
    }

    // ---- the writer thread

    private void runWriter() {
        try {
            List<Request> group;
            while ((group = takeGroup()) != null) {
                int events = group.stream().mapToInt(r -> r.events().size()).sum();
                long bytes = group.stream().mapToLong(Request::bytes).sum();
                long started = System.nanoTime();
                writeGroupOrEach(group);
                double seconds = Math.max(1e-6, (System.nanoTime() - started) / 1e9);
                eventsPerSecond = 0.8 * eventsPerSecond + 0.2 * (events / seconds);
                lock.lock();
                try {
                    heldEvents -= events;
                    heldBytes -= bytes;
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
            writerStopped();
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

    /**
     * About how many bytes a batch's events hold: their data, and a little for their attributes. Data that is not
     * bytes yet (a plugin's object) counts as 1 KiB rather than being serialised here.
     */
    static long bytesOf(List<NewEvent> events) {
        long bytes = 0;
        for (NewEvent e : events) {
            CloudEventData data = e.event().getData();
            bytes += 200 + (data == null ? 0 : data instanceof BytesCloudEventData b ? b.toBytes().length : 1024);
        }
        return bytes;
    }

    /** Whether the next append joins a group of {@code events} and {@code bytes}, or waits for the next group. */
    static boolean joins(int events, long bytes, int nextEvents, long nextBytes, int maxGroupEvents) {
        return events + nextEvents <= maxGroupEvents && bytes + nextBytes <= MAX_GROUP_BYTES;
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
            long bytes = 0;
            while (!queue.isEmpty() && (group.isEmpty()
                || joins(events, bytes, queue.peek().events().size(), queue.peek().bytes(), settings.maxGroupEvents()))) {
                Request r = queue.poll();
                events += r.events().size();
                bytes += r.bytes();
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
        OffsetDateTime previousStoredAt = lastStoredAt;
        List<List<AppendResult>> results;
        List<Numbered> stored = new ArrayList<>();
        long[] hashes = keyHashes(group);
        Connection c = connection();
        try {
            results = write(c, group, hashes, stored);
            c.commit();
            if (h2 && settings.syncEachGroup()) {
                try (Statement st = c.createStatement()) {
                    st.execute("CHECKPOINT SYNC");
                }
            }
        } catch (SQLException | RuntimeException e) {
            nextSeq = firstSeq;
            lastStoredAt = previousStoredAt;
            rollbackAndDrop();
            throw e;
        }
        long last = nextSeq - 1;
        if (!stored.isEmpty()) {
            try {
                committed(lastStoredAt, stored);
            } catch (RuntimeException e) {
                LOG.warn("After-commit work failed: {}", e.toString());
            }
        }
        boolean moved = last >= firstSeq && raiseHead(last);
        remember(results, hashes);
        groupsCommitted++; // the writer's alone: no lost update
        eventsCommitted += stored.size();
        for (int i = 0; i < group.size(); i++) {
            group.get(i).future().complete(results.get(i));
        }
        if (moved) {
            tellListeners();
        }
    }

    @Override
    public long groupsCommitted() {
        return groupsCommitted;
    }

    @Override
    public long eventsCommitted() {
        return eventsCommitted;
    }

    /** Raises the committed head to {@code seq} unless it is there already (another node's commit seen first). */
    private boolean raiseHead(long seq) {
        long before = lastCommitted.getAndAccumulate(seq, Math::max);
        return seq > before;
    }

    /**
     * Tells the listeners the head as it stands now; serialized, so that with the writer and the head watcher both
     * telling (PostgreSQL), no listener is told a lower head after a higher one.
     */
    private void tellListeners() {
        listeners.tell(lastCommitted::get);
    }

    /**
     * Each event's key hash, in the group's order: computed once, for the window's look-ups before the insert and its
     * additions after the commit.
     */
    private static long[] keyHashes(List<Request> group) {
        int n = 0;
        for (Request r : group) {
            n += r.events().size();
        }
        long[] hashes = new long[n];
        int k = 0;
        for (Request r : group) {
            for (NewEvent e : r.events()) {
                hashes[k++] = EventRows.keyHash(e.event().getSource().toString(), e.event().getId());
            }
        }
        return hashes;
    }

    private List<List<AppendResult>> write(Connection c, List<Request> group, long[] hashes, List<Numbered> stored)
        throws SQLException {
        OffsetDateTime now = OffsetDateTime.now(settings.clock()).withOffsetSameInstant(ZoneOffset.UTC);
        if (lastStoredAt != null && now.isBefore(lastStoredAt)) {
            now = lastStoredAt; // stored_at never goes back, so seeking by time can search by sequence
        }
        // candidates from the window of recent keys, confirmed against the stored events
        List<Long> candidates = new ArrayList<>();
        for (long hash : hashes) {
            long seq = dedup.get(hash);
            if (seq > 0) {
                candidates.add(seq);
            }
        }
        Map<Key, Long> known = candidates.isEmpty() ? Map.of() : keysOf(c, candidates);
        if (!h2) {
            int fresh = countNew(group, known.keySet());
            if (fresh > 0) {
                nextSeq = claim(c, fresh);
            }
        }
        GroupKeys seen = new GroupKeys(hashes);
        List<List<AppendResult>> results = new ArrayList<>(group.size());
        int k = 0;
        for (Request r : group) {
            List<AppendResult> out = new ArrayList<>(r.events().size());
            for (NewEvent e : r.events()) {
                int twin = seen.findOrAdd(k, e);
                Long earlier = twin >= 0 ? (Long) seen.seqs[twin]
                    : known.isEmpty() ? null : known.get(new Key(e.event().getSource().toString(), e.event().getId()));
                if (earlier != null) {
                    seen.seqs[k++] = earlier;
                    out.add(new AppendResult(earlier, true));
                    continue;
                }
                long seq = nextSeq++;
                seen.seqs[k++] = seq;
                stored.add(new Numbered(seq, e));
                out.add(new AppendResult(seq, false));
            }
            results.add(out);
        }
        if (!stored.isEmpty()) {
            insert(c, now, stored);
        }
        lastStoredAt = now;
        return results;
    }

    /**
     * The events of one group by their key hashes, to find an event sent twice within the group: open addressing over
     * the hashes computed for the window, the source and id compared only when two hashes are equal. A map of
     * {@link Key}s did this before; it hashed every source and id again, and one sender's numbered sources
     * ({@code /sensors/co2-s0001} to {@code -s2500}) crowded its buckets into trees (2 % of the hub's CPU under the
     * harness's load, on the one writer thread).
     */
    static final class GroupKeys {
        final long[] seqs; // by the event's place in the group: its sequence, or that of the event it repeats
        private final long[] hashes;
        private final NewEvent[] events;
        private final int[] slots; // place + 1; 0 is free
        private final int mask;

        GroupKeys(long[] hashes) {
            this.hashes = hashes;
            this.seqs = new long[hashes.length];
            this.events = new NewEvent[hashes.length];
            int cap = Integer.highestOneBit(Math.max(2, hashes.length) * 2 - 1) * 2;
            this.slots = new int[cap];
            this.mask = cap - 1;
        }

        /** The place of an earlier event of the group with the same source and id, or -1 after adding this one. */
        int findOrAdd(int place, NewEvent e) {
            long hash = hashes[place];
            for (int i = (int) DedupWindow.mix(hash) & mask; ; i = (i + 1) & mask) {
                int at = slots[i] - 1;
                if (at < 0) {
                    slots[i] = place + 1;
                    events[place] = e;
                    return -1;
                }
                if (hashes[at] == hash && sameKey(events[at], e)) {
                    return at;
                }
            }
        }

        private static boolean sameKey(NewEvent a, NewEvent b) {
            return a.event().getId().equals(b.event().getId())
                && a.event().getSource().toString().equals(b.event().getSource().toString());
        }
    }

    /** How many distinct events of the group are not among {@code stored}. */
    private static int countNew(List<Request> group, java.util.Set<Key> stored) {
        java.util.Set<Key> fresh = new java.util.HashSet<>();
        for (Request r : group) {
            for (NewEvent e : r.events()) {
                Key key = new Key(e.event().getSource().toString(), e.event().getId());
                if (!stored.contains(key)) {
                    fresh.add(key);
                }
            }
        }
        return fresh.size();
    }

    /**
     * PostgreSQL, where several nodes write: takes {@code n} sequence numbers from the counter row in the writer's
     * open transaction and returns the first. The row stays locked until the commit, so groups of all nodes commit
     * one after the other in sequence order: once a reader sees a sequence committed, every lower one is committed
     * too (no gap that fills later), and the counter read by {@link #watchHead} is a safe head to read up to. The
     * price is one row update per group and commits that do not overlap across nodes (each group is one short
     * transaction).
     */
    private static long claim(Connection c, int n) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(
            "UPDATE bus_log_state SET val = val + ? WHERE name = 'high_water_seq' RETURNING val")) {
            ps.setInt(1, n);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("bus_log_state has no high_water_seq row");
                }
                return rs.getLong(1) - n + 1;
            }
        }
    }

    /** Sets the counter row to at least {@code seq}. */
    private static void raiseCounter(Connection c, long seq) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(
            "UPDATE bus_log_state SET val = ? WHERE name = 'high_water_seq' AND val < ?")) {
            ps.setLong(1, seq);
            ps.setLong(2, seq);
            ps.executeUpdate();
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    /**
     * PostgreSQL: every {@value #HEAD_POLL_MS} ms reads the counter (the highest committed sequence of any node, see
     * {@link #claim}) and wakes subscriptions and streams when another node committed past this one's head.
     */
    private void watchHead() {
        Connection c = null;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                if (c == null) {
                    c = dataSource.getConnection();
                    c.setAutoCommit(true);
                }
                long head;
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT val FROM bus_log_state WHERE name = 'high_water_seq'")) {
                    head = rs.next() ? rs.getLong(1) : 0;
                }
                if (raiseHead(head)) {
                    tellListeners();
                }
                Thread.sleep(HEAD_POLL_MS); // the poll interval: another node's commit reaches this one within it
            } catch (InterruptedException e) {
                break;
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Could not read the bus's head: {}", e.getMessage());
                closeQuietly(c);
                c = null;
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    break;
                }
            }
        }
        closeQuietly(c);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("close failed: {}", e.getMessage());
            }
        }
    }

    /** After a commit: the new events join the window of recent keys. */
    private void remember(List<List<AppendResult>> results, long[] hashes) {
        long now = lastStoredAt.toInstant().toEpochMilli();
        long[] fresh = new long[hashes.length];
        long[] seqs = new long[hashes.length];
        int n = 0;
        int k = 0;
        for (List<AppendResult> r : results) {
            for (AppendResult a : r) {
                if (!a.duplicate()) {
                    fresh[n] = hashes[k];
                    seqs[n++] = a.sequence();
                }
                k++;
            }
        }
        dedup.addAll(fresh, seqs, n, now);
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = dataSource.getConnection();
            H2Durability.forWriter(c);
            if (!h2) {
                // a node paused inside a group (kill -STOP, a frozen VM) would hold the sequence counter's lock and
                // stall every node's ingest: PostgreSQL ends such a session after this, its group fails unanswered
                try (Statement st = c.createStatement()) {
                    st.execute("SET idle_in_transaction_session_timeout = '" + IDLE_IN_GROUP_MS + "ms'");
                }
            }
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
        return getClass().getSimpleName() + "{last=" + lastCommitted.get() + ", pending=" + pendingEvents() + "}";
    }

    /**
     * The highest sequence ever handed out in this database, whichever storage handed it out: the newest row of the
     * row log, the newest chunk of the chunked log, and the mark retention leaves before it deletes. So switching
     * {@code bus.storage} either way never reuses a number (the events themselves are not carried over).
     */
    static long lastAssigned(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT MAX(seq) FROM bus_event), (SELECT MAX(last_seq) FROM "
                 + "bus_chunk), (SELECT val FROM bus_log_state WHERE name = 'high_water_seq')")) {
            rs.next();
            return Math.max(rs.getLong(1), Math.max(rs.getLong(2), rs.getLong(3)));
        }
    }
}
