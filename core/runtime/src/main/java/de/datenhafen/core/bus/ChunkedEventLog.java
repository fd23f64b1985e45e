package de.datenhafen.core.bus;

import de.datenhafen.api.HubException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The event log with one row per group commit ("chunk") instead of one per event: {@code bus_chunk} holds a small
 * header (sequence range, time of storing, count and types), {@code bus_chunk_data} the events encoded by
 * {@link ChunkCodec}. Same writer, queue, back-pressure, dedup window and {@code CHECKPOINT SYNC} per group as
 * {@link H2EventLog} (both are a {@link GroupCommitLog}); what changes is that a group of 600 events costs H2 two row
 * inserts, not 600 rows plus 600 index entries.
 *
 * <p>Reading finds the chunk holding {@code after + 1} by its {@code last_seq}, skips chunks whose types cannot match
 * the filter, decodes the rest and filters in memory. Recently written and read chunks stay in a small cache bounded
 * by events, so subscriptions near the head never touch the database. Retention rewrites a chunk without its expired
 * events, or deletes it when none are left, one chunk per transaction ({@link #applyRetention}).
 */
public final class ChunkedEventLog extends GroupCommitLog {

    /** Events held by the cache of chunks, at most. */
    static final int CACHE_EVENTS = 32_768;
    /**
     * Bytes the cache of chunks holds, at most: a thirty-second of the maximum heap, from 4 to 32 MiB. Bounded by events
     * alone it held 110 MB of 10 KB events and took a hub with a 256 MiB heap to {@code OutOfMemoryError}.
     */
    static final long CACHE_BYTES = Math.min(32L << 20, Math.max(4L << 20, Runtime.getRuntime().maxMemory() / 32));
    private static final int HEADER_PAGE = 64;

    private static final byte[] EMPTY = new byte[0];

    private final ChunkCache cache = new ChunkCache(CACHE_EVENTS, CACHE_BYTES);
    private final boolean deflate;
    private ChunkCodec.Encoded pending; // writer thread only: the chunk inserted in the open transaction
    private final ChunkCodec.Encoder encoder = new ChunkCodec.Encoder(); // writer thread only
    private long pendingEpoch; // writer thread only
    /** H2 only: the key of the empty data row the last chunk left ({@link #insert}); -1: none. Writer thread. */
    private long sentinel;

    private ChunkedEventLog(DataSource dataSource, H2EventLog.Settings settings, boolean h2, long lastSeq,
                            boolean deflate) {
        super(dataSource, settings, h2, lastSeq);
        this.deflate = deflate;
        this.sentinel = h2 ? findSentinel(dataSource) : -1;
    }

    /**
     * The empty row a previous run left after its last chunk: keyed by that chunk's last sequence (no chunk's data
     * row has that key unless the chunk holds one event), found through the primary key from there.
     */
    private static long findSentinel(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
            "SELECT MAX(first_seq) FROM bus_chunk_data WHERE first_seq >= "
                + "COALESCE((SELECT MAX(last_seq) FROM bus_chunk), -1) AND OCTET_LENGTH(data) = 0");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            long key = rs.getLong(1);
            return rs.wasNull() ? -1 : key;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the bus's chunks: " + e.getMessage(), e);
        }
    }

    /**
     * Opens the log on a migrated database (schema {@code db/hub} V3) and starts its writer. The chunk bytes are
     * deflated (fast level).
     *
     * @throws IllegalStateException when the database is H2 and not set up to keep committed events
     */
    public static ChunkedEventLog start(DataSource dataSource, H2EventLog.Settings settings) {
        return start(dataSource, settings, true);
    }

    static ChunkedEventLog start(DataSource dataSource, H2EventLog.Settings settings, boolean deflate) {
        return open(dataSource, settings,
            (h2, last) -> new ChunkedEventLog(dataSource, settings, h2, last, deflate));
    }

    // ---- writing

    /**
     * Inserts the chunk's header and data rows; on H2 also an empty data row keyed by the chunk's last sequence, and
     * deletes the one the previous chunk left.
     *
     * <p>Why the empty row: MVStore's B-tree is copy-on-write, and a chunk's data row, appended by its key, lands in
     * the rightmost leaf, beside the previous chunk's. That leaf was written anew at the next commit (H2 splits a leaf
     * past its page size, but after copying it), so every chunk's bytes reached the file twice. The empty row sits
     * after this chunk's data row and before the next chunk's first sequence: the next chunk's row lands in the empty
     * row's leaf, H2 splits the two apart, and the leaf holding this chunk is not touched again. H2 splits only by its
     * memory estimate past the page size ({@code PAGE_SIZE=4096} in the hub's URL), so chunks of a few KB still share
     * leaves. (An update of an empty row keyed by the next first sequence, the obvious way, did not work: H2 does not
     * count an updated value's size towards a split.) A chunk of one event has no key between: no empty row after it.
     * PostgreSQL's heap is not copy-on-write: no empty rows there. Measured (packaged hub, H, side by side): 80.7
     * against 44.0 file bytes per reading while running; {@code writesEachLargeChunkToTheFileOnce}.
     */
    @Override
    protected void insert(Connection c, OffsetDateTime storedAt, List<Numbered> events) throws SQLException {
        List<StoredEvent> list = new ArrayList<>(events.size());
        for (Numbered n : events) {
            list.add(new StoredEvent(n.seq(), n.event().member(), n.event().event()));
        }
        long first = events.get(0).seq();
        long last = events.get(events.size() - 1).seq();
        ChunkCodec.Encoded enc = encoder.encode(first, storedAt, list, deflate);
        pendingEpoch = cache.epoch();
        try (PreparedStatement h = c.prepareStatement(
            "INSERT INTO bus_chunk (first_seq, last_seq, stored_at, event_count, types) VALUES (?, ?, ?, ?, ?)")) {
            h.setLong(1, first);
            h.setLong(2, last);
            h.setObject(3, storedAt, Types.TIMESTAMP_WITH_TIMEZONE);
            h.setInt(4, events.size());
            h.setString(5, ChunkCodec.typesColumn(enc.typeCounts()));
            h.executeUpdate();
        }
        insertData(c, first, enc.stored());
        if (h2) {
            if (last > first) {
                insertData(c, last, EMPTY);
            }
            if (sentinel >= 0) {
                try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM bus_chunk_data WHERE first_seq = ? AND OCTET_LENGTH(data) = 0")) {
                    ps.setLong(1, sentinel);
                    ps.executeUpdate();
                }
            }
        }
        pending = enc;
    }

    private static void insertData(Connection c, long first, byte[] stored) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO bus_chunk_data (first_seq, data) VALUES (?, ?)")) {
            ps.setLong(1, first);
            ps.setBytes(2, stored);
            ps.executeUpdate();
        }
    }

    @Override
    protected void writerStopped() {
        encoder.close();
    }

    @Override
    protected void committed(OffsetDateTime storedAt, List<Numbered> events) {
        ChunkCodec.Encoded enc = pending;
        pending = null;
        long first = events.get(0).seq();
        long last = events.get(events.size() - 1).seq();
        if (h2) {
            sentinel = last > first ? last : -1; // the empty row insert() added with this chunk
        }
        cache.putIfEpoch(pendingEpoch, new Chunk(first, last, storedAt, enc.typeCounts(), enc.plain()));
    }

    // ---- reading

    /** A chunk header from the table, or a cached chunk's. */
    private record Header(long first, long last, OffsetDateTime storedAt, int count, Map<String, Integer> types) {
    }

    @Override
    public List<StoredEvent> read(EventFilter filter, long after, int limit) {
        return read(filter, after, limit, Long.MAX_VALUE);
    }

    /** From the chunks' headers alone: a chunk holds the events of its first to its last sequence, each. */
    @Override
    public java.util.OptionalLong firstSequenceAfter(long after, long upTo) {
        try (Connection c = dataSource.getConnection()) {
            List<Header> next = headers(c, after + 1, 1);
            long seq = next.isEmpty() ? Long.MAX_VALUE : Math.max(next.get(0).first(), after + 1);
            return seq <= upTo ? java.util.OptionalLong.of(seq) : java.util.OptionalLong.empty();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the bus: " + e.getMessage(), e);
        }
    }

    @Override
    public List<StoredEvent> read(EventFilter filter, long after, int limit, long upTo) {
        Objects.requireNonNull(filter, "filter");
        checkLimit(limit);
        List<StoredEvent> out = new ArrayList<>(Math.min(limit, 1024));
        scan(filter, after, upTo, (chunk, from) -> {
            StoredEvent[] events = chunk.events();
            for (int i = from(events, from); i < events.length && out.size() < limit; i++) {
                if (events[i].sequence() > upTo) {
                    return false;
                }
                if (filter.matches(events[i])) {
                    out.add(events[i]);
                }
            }
            return out.size() < limit;
        }, null);
        return out;
    }

    @Override
    public long countAfter(EventFilter filter, long after, long cap) {
        Objects.requireNonNull(filter, "filter");
        long[] n = {0};
        scan(filter, after, (chunk, from) -> {
            StoredEvent[] events = chunk.events();
            for (int i = from(events, from); i < events.length && n[0] < cap; i++) {
                if (filter.matches(events[i])) {
                    n[0]++;
                }
            }
            return n[0] < cap;
        }, h -> {
            // a chunk wholly after the cursor whose every type matches and no subject filter: its count will do
            if (h.first() > after && filter.subjectPrefix() == null
                && h.types().keySet().stream().allMatch(filter::matchesType)) {
                n[0] += h.count();
                return true;
            }
            return false;
        });
        return Math.min(n[0], cap);
    }

    private interface Visitor {
        /** Visits a chunk's events from sequence {@code from}; false to stop. */
        boolean visit(Chunk chunk, long from);
    }

    /**
     * Walks the chunks holding sequences after {@code after} up to the last committed one, skipping those whose types
     * cannot match. {@code counted}, when given, may take a whole chunk by its header (true) without decoding it.
     */
    private void scan(EventFilter filter, long after, Visitor visitor, Function<Header, Boolean> counted) {
        scan(filter, after, Long.MAX_VALUE, visitor, counted);
    }

    /** As {@link #scan(EventFilter, long, Visitor, Function)}, of the chunks that start at {@code upTo} or before. */
    private void scan(EventFilter filter, long after, long upTo, Visitor visitor, Function<Header, Boolean> counted) {
        long head = Math.min(lastSequence(), upTo);
        if (after >= head) {
            return; // nothing after it (and after + 1 would wrap round to the start for Long.MAX_VALUE)
        }
        long pos = after + 1;
        Connection c = null;
        try {
            while (pos <= head) {
                Chunk cached = cache.covering(pos);
                if (cached != null) {
                    Header h = cached.header();
                    if (matchesAny(filter, h.types()) && (counted == null || !counted.apply(h))
                        && !visitor.visit(cached, pos)) {
                        return;
                    }
                    pos = h.last() + 1;
                    continue;
                }
                if (c == null) {
                    c = dataSource.getConnection();
                }
                List<Header> headers = headers(c, pos, HEADER_PAGE);
                if (headers.isEmpty()) {
                    return;
                }
                for (Header h : headers) {
                    if (h.first() > head) {
                        return;
                    }
                    if (matchesAny(filter, h.types()) && (counted == null || !counted.apply(h))) {
                        Chunk chunk = cache.get(h.first());
                        if (chunk == null) {
                            chunk = load(c, h);
                            if (chunk == null) {
                                continue; // deleted by retention meanwhile
                            }
                        }
                        if (!visitor.visit(chunk, pos)) {
                            return;
                        }
                    }
                    pos = h.last() + 1;
                }
            }
        } catch (SQLException e) {
            throw new HubException("cannot read the event log: " + e.getMessage(), null, e);
        } finally {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException e) {
                    // nothing to do
                }
            }
        }
    }

    private static boolean matchesAny(EventFilter filter, Map<String, Integer> types) {
        if (filter.typePatterns().isEmpty()) {
            return true;
        }
        for (String t : types.keySet()) {
            if (filter.matchesType(t)) {
                return true;
            }
        }
        return false;
    }

    /** The index of the first event with a sequence of {@code seq} or more. */
    private static int from(StoredEvent[] events, long seq) {
        int lo = 0;
        int hi = events.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (events[mid].sequence() < seq) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Up to {@code n} headers of the chunks holding sequences from {@code pos} on, in order. */
    private static List<Header> headers(Connection c, long pos, int n) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT first_seq, last_seq, stored_at, event_count, types "
            + "FROM bus_chunk WHERE last_seq >= ? ORDER BY last_seq LIMIT ?")) {
            ps.setLong(1, pos);
            ps.setInt(2, n);
            List<Header> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Header(rs.getLong(1), rs.getLong(2), rs.getObject(3, OffsetDateTime.class),
                        rs.getInt(4), ChunkCodec.parseTypes(rs.getString(5))));
                }
            }
            return out;
        }
    }

    /** Reads a chunk's bytes and caches it; null when it is gone. */
    private Chunk load(Connection c, Header h) throws SQLException {
        long epoch = cache.epoch();
        byte[] stored;
        try (PreparedStatement ps = c.prepareStatement("SELECT data FROM bus_chunk_data WHERE first_seq = ?")) {
            ps.setLong(1, h.first());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                stored = rs.getBytes(1);
            }
        }
        Chunk chunk = new Chunk(h.first(), h.last(), h.storedAt(), h.types(), ChunkCodec.plain(stored));
        cache.putIfEpoch(epoch, chunk);
        return chunk;
    }

    @Override
    public long firstStoredAtOrAfter(Instant time) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
            "SELECT first_seq FROM bus_chunk WHERE stored_at >= ? ORDER BY first_seq LIMIT 1")) {
            ps.setObject(1, time.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new HubException("cannot search the event log by time: " + e.getMessage(), null, e);
        }
    }

    // ---- dedup

    @Override
    protected Map<Key, Long> keysOf(Connection c, List<Long> seqs) throws SQLException {
        Map<Key, Long> found = new HashMap<>();
        long[] sorted = seqs.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
        int i = 0;
        while (i < sorted.length) {
            Chunk chunk = cache.covering(sorted[i]);
            if (chunk == null) {
                List<Header> hs = headers(c, sorted[i], 1);
                chunk = hs.isEmpty() ? null : load(c, hs.get(0));
            }
            if (chunk == null) {
                break; // nothing stored at or after this sequence
            }
            StoredEvent[] events = chunk.events();
            while (i < sorted.length && sorted[i] <= chunk.last) {
                int at = from(events, sorted[i]);
                if (at < events.length && events[at].sequence() == sorted[i]) {
                    StoredEvent e = events[at];
                    found.put(new Key(e.event().getSource().toString(), e.event().getId()), e.sequence());
                }
                i++;
            }
            if (i < sorted.length && sorted[i] < chunk.first) {
                i++; // not stored (cannot happen for sequences from the window, but never loop)
            }
        }
        return found;
    }

    @Override
    protected void loadWindow() {
        long cutoff = settings.clock().millis() - settings.dedupWindow().toMillis();
        try (Connection c = dataSource.getConnection()) {
            long from;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT MAX(last_seq) FROM bus_chunk")) {
                rs.next();
                // from the newest stored event, not the counter: a restored backup's counter is far past it
                from = Math.max(0, rs.getLong(1) - settings.dedupMaxKeys());
            }
            long pos = from + 1;
            while (true) {
                List<Header> hs = headers(c, pos, HEADER_PAGE);
                if (hs.isEmpty()) {
                    return;
                }
                for (Header h : hs) {
                    long storedAt = h.storedAt().toInstant().toEpochMilli();
                    if (storedAt >= cutoff) {
                        try (PreparedStatement ps = c.prepareStatement(
                            "SELECT data FROM bus_chunk_data WHERE first_seq = ?")) {
                            ps.setLong(1, h.first());
                            try (ResultSet rs = ps.executeQuery()) {
                                if (rs.next()) {
                                    for (StoredEvent e : ChunkCodec.decode(ChunkCodec.plain(rs.getBytes(1)),
                                        h.first(), h.storedAt())) {
                                        if (e.sequence() > from) {
                                            dedup.add(EventRows.keyHash(e.event().getSource().toString(),
                                                e.event().getId()), e.sequence(), storedAt);
                                        }
                                    }
                                }
                            }
                        }
                    }
                    pos = h.last() + 1;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the bus's recent events: " + e.getMessage(), e);
        }
    }

    // ---- retention

    /**
     * Applies retention: walks the chunk headers from the newest, works out per chunk and type how many of the newest
     * events stay, then deletes each chunk that keeps none and rewrites each that keeps some, one chunk per
     * transaction. The highest sequence is recorded first (as for the row log), so a restart never reuses one.
     *
     * @return how many events were removed
     */
    long applyRetention(Function<String, Optional<RetentionPolicy>> policyFor, Clock clock) {
        try (Connection c = dataSource.getConnection()) {
            long highWater = lastAssigned(c);
            try (PreparedStatement ps = c.prepareStatement(
                "UPDATE bus_log_state SET val = ? WHERE name = 'high_water_seq' AND val < ?")) {
                ps.setLong(1, highWater);
                ps.setLong(2, highWater);
                ps.executeUpdate();
            }
            Instant now = clock.instant();
            Map<String, Long> newer = new HashMap<>();
            // first_seq -> type -> how many of the newest of that type stay (only types that lose events)
            TreeMap<Long, Map<String, Integer>> actions = new TreeMap<>();
            Map<Long, Header> headerOf = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT first_seq, last_seq, stored_at, event_count, types "
                + "FROM bus_chunk WHERE first_seq <= ? ORDER BY first_seq DESC")) {
                ps.setLong(1, highWater);
                ps.setFetchSize(1000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Header h = new Header(rs.getLong(1), rs.getLong(2), rs.getObject(3, OffsetDateTime.class),
                            rs.getInt(4), ChunkCodec.parseTypes(rs.getString(5)));
                        Map<String, Integer> keep = null;
                        for (Map.Entry<String, Integer> t : h.types().entrySet()) {
                            Optional<RetentionPolicy> p = policyFor.apply(t.getKey());
                            if (p.isEmpty()) {
                                continue;
                            }
                            int count = t.getValue();
                            long stay = count;
                            RetentionPolicy policy = p.get();
                            if (policy.maxAge() != null && h.storedAt().toInstant().isBefore(now.minus(policy.maxAge()))) {
                                stay = 0;
                            }
                            long seen = newer.getOrDefault(t.getKey(), 0L);
                            if (policy.maxCount() != null) {
                                stay = Math.min(stay, Math.max(0, policy.maxCount() - seen));
                            }
                            newer.put(t.getKey(), seen + count);
                            if (stay < count) {
                                if (keep == null) {
                                    keep = new HashMap<>();
                                }
                                keep.put(t.getKey(), (int) stay);
                            }
                        }
                        if (keep != null) {
                            actions.put(h.first(), keep);
                            headerOf.put(h.first(), h);
                        }
                    }
                }
            }
            long removed = 0;
            for (Map.Entry<Long, Map<String, Integer>> a : actions.entrySet()) {
                if (Thread.currentThread().isInterrupted()) {
                    break;
                }
                removed += prune(c, headerOf.get(a.getKey()), a.getValue());
            }
            return removed;
        } catch (SQLException e) {
            throw new HubException("retention failed: " + e.getMessage(), null, e);
        }
    }

    /** Removes from one chunk all but the newest {@code keep} events of each listed type; one transaction. */
    private long prune(Connection c, Header h, Map<String, Integer> keep) throws SQLException {
        boolean allGo = h.types().keySet().stream().allMatch(t -> keep.containsKey(t) && keep.get(t) == 0);
        c.setAutoCommit(false);
        try {
            long removed;
            if (allGo) {
                removed = delete(c, h.first());
            } else {
                byte[] stored;
                try (PreparedStatement ps = c.prepareStatement("SELECT data FROM bus_chunk_data WHERE first_seq = ?")) {
                    ps.setLong(1, h.first());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            c.rollback();
                            return 0;
                        }
                        stored = rs.getBytes(1);
                    }
                }
                StoredEvent[] events = ChunkCodec.decode(ChunkCodec.plain(stored), h.first(), h.storedAt());
                Map<String, Integer> left = new HashMap<>(keep);
                List<StoredEvent> kept = new ArrayList<>();
                for (int i = events.length - 1; i >= 0; i--) {
                    String type = events[i].event().getType();
                    Integer k = left.get(type);
                    if (k == null) {
                        kept.add(events[i]);
                    } else if (k > 0) {
                        kept.add(events[i]);
                        left.put(type, k - 1);
                    }
                }
                java.util.Collections.reverse(kept);
                removed = events.length - kept.size();
                if (kept.isEmpty()) {
                    delete(c, h.first());
                } else if (removed > 0) {
                    ChunkCodec.Encoded enc = ChunkCodec.encode(h.first(), h.storedAt(), kept, deflate);
                    try (PreparedStatement d = c.prepareStatement(
                        "UPDATE bus_chunk_data SET data = ? WHERE first_seq = ?");
                         PreparedStatement u = c.prepareStatement(
                             "UPDATE bus_chunk SET event_count = ?, types = ? WHERE first_seq = ?")) {
                        d.setBytes(1, enc.stored());
                        d.setLong(2, h.first());
                        d.executeUpdate();
                        u.setInt(1, kept.size());
                        u.setString(2, ChunkCodec.typesColumn(enc.typeCounts()));
                        u.setLong(3, h.first());
                        u.executeUpdate();
                    }
                }
            }
            c.commit();
            cache.invalidate(h.first());
            return removed;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Deletes a chunk; returns how many events it held. */
    private static long delete(Connection c, long first) throws SQLException {
        long count;
        try (PreparedStatement ps = c.prepareStatement("SELECT event_count FROM bus_chunk WHERE first_seq = ?")) {
            ps.setLong(1, first);
            try (ResultSet rs = ps.executeQuery()) {
                count = rs.next() ? rs.getInt(1) : 0;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM bus_chunk WHERE first_seq = ?");
             PreparedStatement d = c.prepareStatement("DELETE FROM bus_chunk_data WHERE first_seq = ?")) {
            ps.setLong(1, first);
            int n = ps.executeUpdate();
            d.setLong(1, first);
            d.executeUpdate();
            return n == 0 ? 0 : count;
        }
    }

    // ---- the cache

    /** A chunk in memory: its plain payload until someone needs the events, then the decoded events. */
    static final class Chunk {
        final long first;
        final long last;
        final OffsetDateTime storedAt;
        final Map<String, Integer> types;
        private byte[] plain;
        private StoredEvent[] events;
        /** The heap it takes, about: its bytes, and per event the objects and strings it becomes once decoded. */
        final long weight;
        long used;

        Chunk(long first, long last, OffsetDateTime storedAt, Map<String, Integer> types, byte[] plain) {
            this.first = first;
            this.last = last;
            this.storedAt = storedAt;
            this.types = types;
            this.plain = plain;
            this.weight = plain.length + 160L * size();
        }

        synchronized StoredEvent[] events() {
            if (events == null) {
                events = ChunkCodec.decode(plain, first, storedAt);
                plain = null;
            }
            return events;
        }

        int size() {
            int n = 0;
            for (int v : types.values()) {
                n += v;
            }
            return n;
        }

        Header header() {
            return new Header(first, last, storedAt, size(), types);
        }
    }

    /**
     * Chunks by first sequence, least recently used out first, bounded by their events and their bytes. An epoch,
     * moved by every retention change, keeps a chunk read before the change from being cached after it.
     */
    static final class ChunkCache {
        private final int maxEvents;
        private final long maxBytes;
        private final TreeMap<Long, Chunk> byFirst = new TreeMap<>();
        private int events;
        private long bytes;
        private long clock;
        private long epoch;

        ChunkCache(int maxEvents, long maxBytes) {
            this.maxEvents = maxEvents;
            this.maxBytes = maxBytes;
        }

        synchronized long epoch() {
            return epoch;
        }

        synchronized Chunk covering(long seq) {
            Map.Entry<Long, Chunk> e = byFirst.floorEntry(seq);
            if (e == null || e.getValue().last < seq) {
                return null;
            }
            e.getValue().used = ++clock;
            return e.getValue();
        }

        synchronized Chunk get(long first) {
            Chunk c = byFirst.get(first);
            if (c != null) {
                c.used = ++clock;
            }
            return c;
        }

        synchronized void putIfEpoch(long seenEpoch, Chunk chunk) {
            if (seenEpoch != epoch || chunk.size() > maxEvents || chunk.weight > maxBytes) {
                return;
            }
            chunk.used = ++clock;
            Chunk old = byFirst.put(chunk.first, chunk);
            if (old != null) {
                forget(old);
            }
            events += chunk.size();
            bytes += chunk.weight;
            while (events > maxEvents || bytes > maxBytes) {
                Chunk lru = null;
                for (Chunk c : byFirst.values()) {
                    if (lru == null || c.used < lru.used) {
                        lru = c;
                    }
                }
                byFirst.remove(lru.first);
                forget(lru);
            }
        }

        private void forget(Chunk c) {
            events -= c.size();
            bytes -= c.weight;
        }

        /** The heap the cached chunks take, about (their {@link Chunk#weight}s). */
        synchronized long bytes() {
            return bytes;
        }

        synchronized void invalidate(long first) {
            epoch++;
            Chunk old = byFirst.remove(first);
            if (old != null) {
                forget(old);
            }
        }

        synchronized int size() {
            return byFirst.size();
        }
    }
}
