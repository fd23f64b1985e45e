package de.datenhafen.core.security;

import de.datenhafen.core.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only audit log: every state-changing call and every refusal, with who, for which member, what, on what,
 * the outcome, when, from where, and the request id. Never a secret: entries are built from ids and route templates,
 * not from bodies or headers. Nothing in the hub updates an entry, and the only delete is {@link #retain} by age.
 *
 * <p>Entries are written by one thread in batches, so a request does not wait for its entry's commit; the queue is
 * bounded, and when it is full a request waits for room (up to 5 s, then the entry is logged as lost, loudly) rather
 * than the hub dropping entries silently. {@link #close} writes what is queued.
 */
public final class AuditLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final int MAX_PAGE = 1000;

    /**
     * One entry; {@code seq} is 0 until it is stored. {@code detail} is what it says beyond its action and target in
     * English, {@code detailParts} the same as codes with their values (JSON, see
     * {@link de.datenhafen.core.http.AuditDetail}), for other languages; null for an entry written before them.
     */
    public record Entry(long seq, Instant at, String principal, String principalKind, String member, String action,
                        String target, int outcome, String client, String requestId, String detail,
                        String detailParts, String actorMember) {

        /** An entry whose actor is of its member (or of none), or not known. */
        public Entry(long seq, Instant at, String principal, String principalKind, String member, String action,
                     String target, int outcome, String client, String requestId, String detail,
                     String detailParts) {
            this(seq, at, principal, principalKind, member, action, target, outcome, client, requestId, detail,
                detailParts, null);
        }

        /** An entry whose detail is English only. */
        public Entry(long seq, Instant at, String principal, String principalKind, String member, String action,
                     String target, int outcome, String client, String requestId, String detail) {
            this(seq, at, principal, principalKind, member, action, target, outcome, client, requestId, detail, null);
        }
    }

    /**
     * Which entries to read: each null (or empty) means any. {@code member} also matches entries of no member when
     * null; {@code principal} is one as stored or an id alone, in any case, or the name of a token (of
     * {@code tokensOf}, when set: a member's people find their own member's tokens by name); {@code kind} is the
     * principal's kind ({@code user}, {@code token}, {@code bootstrap}: the admin token of the configuration, or
     * {@code hub}); {@code action} and {@code target} are
     * found anywhere in theirs; {@code routes} are actions exactly ({@code POST /api/v1/admin/integrations}, not its
     * {@code /:name/pause}), any of them.
     */
    public record Filter(String member, String principal, String kind, String tokensOf, String action,
                         List<String> routes, String target, Instant from, Instant to) {
        public Filter {
            principal = principal == null || principal.isBlank() ? null : principal.trim();
            kind = kind == null || kind.isBlank() ? null : kind.trim().toLowerCase(java.util.Locale.ROOT);
            routes = routes == null ? List.of() : List.copyOf(routes);
        }
    }

    private final Database db;
    private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(20_000);
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Thread writer;
    private volatile boolean closing;
    /** Put on the queue by {@link #close} to wake the writer; never written. */
    private static final Entry WAKE = new Entry(0, Instant.EPOCH, null, null, null, null, null, 0, null, null, null);

    public AuditLog(Database db) {
        this.db = db;
        this.writer = new Thread(this::writeLoop, "audit-writer");
        writer.setDaemon(true);
        writer.start();
    }

    public void append(Entry e) {
        try {
            if (queue.offer(e, 5, TimeUnit.SECONDS)) {
                queued.incrementAndGet();
                return;
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        LOG.error("Audit entry lost, the writer is behind: {} {} by {} -> {}", e.action(), e.target(), e.principal(),
            e.outcome());
    }

    /** Waits (at most {@code bound}) until every entry appended so far is stored, so a read sees it. */
    public void awaitWritten(Duration bound) {
        long target = queued.get();
        long until = System.nanoTime() + bound.toNanos();
        while (written.get() < target && System.nanoTime() < until) {
            synchronized (written) {
                try {
                    written.wait(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void writeLoop() {
        List<Entry> batch = new ArrayList<>();
        while (!closing || !queue.isEmpty()) {
            try {
                Entry first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null || first == WAKE) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 499);
                batch.removeIf(e -> e == WAKE);
                write(batch);
            } catch (InterruptedException ie) {
                if (!closing) {
                    continue;
                }
            } catch (RuntimeException ex) {
                LOG.error("Cannot write {} audit entries; retrying: {}", batch.size(), ex.getMessage());
                sleepQuietly();
                continue;
            }
            written.addAndGet(batch.size());
            synchronized (written) {
                written.notifyAll();
            }
            batch.clear();
        }
    }

    private void write(List<Entry> batch) {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_entry (at, principal, principal_kind, "
                + "member_id, action, target, outcome, client, request_id, detail, detail_parts, actor_member_id) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (Entry e : batch) {
                    ps.setTimestamp(1, Timestamp.from(e.at()));
                    ps.setString(2, cut(e.principal(), 140));
                    ps.setString(3, cut(e.principalKind(), 16));
                    ps.setString(4, cut(e.member(), 64));
                    ps.setString(5, cut(e.action(), 300));
                    ps.setString(6, cut(e.target(), 500));
                    ps.setInt(7, e.outcome());
                    ps.setString(8, cut(e.client(), 64));
                    ps.setString(9, cut(e.requestId(), 32));
                    ps.setString(10, cut(e.detail(), 500));
                    // whole parts only (AuditDetail.encode): cut, it would not be read back
                    ps.setString(11, e.detailParts() == null || e.detailParts().length() > 4000 ? null
                        : e.detailParts());
                    ps.setString(12, e.actorMember() == null || e.actorMember().equals(e.member()) ? null
                        : cut(e.actorMember(), 64));
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write audit entries: " + e.getMessage(), e);
        }
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /** Entries matching {@code f} with a sequence above {@code after}, oldest first, at most {@code limit}. */
    public List<Entry> read(Filter f, long after, int limit) {
        return read(f, after, false, limit);
    }

    /**
     * Entries matching {@code f} with a sequence below {@code before}, newest first, at most {@code limit}: what a
     * person reading the log looks for first (the console's audit page).
     */
    public List<Entry> readBefore(Filter f, long before, int limit) {
        return read(f, before, true, limit);
    }

    private List<Entry> read(Filter f, long bound, boolean newestFirst, int limit) {
        awaitWritten(Duration.ofSeconds(2));
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_entry WHERE seq " + (newestFirst ? "<" : ">")
            + " ?");
        List<Object> args = new ArrayList<>();
        args.add(bound);
        if (f.member() != null) {
            // for the member, or done by one of its people or tokens at another's
            sql.append(" AND (member_id = ? OR actor_member_id = ?)");
            args.add(f.member());
            args.add(f.member());
        }
        if (f.principal() != null) {
            // "user:vera" as stored, or "vera" alone, as a person knows herself (the console's search box), in any
            // case: ids are lower case, and a person types "Vera" as readily as "vera"; or one of the tokens named so
            String lower = f.principal().toLowerCase(java.util.Locale.ROOT);
            sql.append(" AND (LOWER(principal) = ? OR LOWER(principal) LIKE ? ESCAPE '\\'");
            args.add(lower);
            args.add("%:" + like(lower));
            // people know a token by its name ("Wer" shows it so): its entries are kept under its id
            sql.append(" OR principal IN (SELECT CONCAT('token:', id) FROM api_token WHERE LOWER(name) = ?");
            args.add(lower);
            if (f.tokensOf() != null) {
                sql.append(" AND member_id = ?");
                args.add(f.tokensOf());
            }
            sql.append("))");
        }
        if (f.kind() != null) {
            sql.append(" AND principal_kind = ?");
            args.add(f.kind());
        }
        if (f.action() != null) {
            // anywhere in it: "members" finds every change to members, "POST" every creation
            sql.append(" AND action LIKE ? ESCAPE '\\'");
            args.add("%" + like(f.action()) + "%");
        }
        if (!f.routes().isEmpty()) {
            sql.append(" AND action IN (").append(String.join(", ", java.util.Collections.nCopies(f.routes().size(),
                "?"))).append(')');
            args.addAll(f.routes());
        }
        if (f.target() != null) { // in any case, as "Wer": "Luftblick" finds luftblick
            sql.append(" AND LOWER(target) LIKE ? ESCAPE '\\'");
            args.add("%" + like(f.target().toLowerCase(java.util.Locale.ROOT)) + "%");
        }
        if (f.from() != null) {
            sql.append(" AND at >= ?");
            args.add(Timestamp.from(f.from()));
        }
        if (f.to() != null) {
            sql.append(" AND at < ?");
            args.add(Timestamp.from(f.to()));
        }
        sql.append(newestFirst ? " ORDER BY seq DESC LIMIT ?" : " ORDER BY seq LIMIT ?");
        args.add(Math.min(Math.max(limit, 1), MAX_PAGE));
        List<Entry> out = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getLong("seq"), rs.getTimestamp("at").toInstant(), rs.getString("principal"),
                        rs.getString("principal_kind"), rs.getString("member_id"), rs.getString("action"),
                        rs.getString("target"), rs.getInt("outcome"), rs.getString("client"),
                        rs.getString("request_id"), rs.getString("detail"), rs.getString("detail_parts"),
                        rs.getString("actor_member_id")));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the audit log", e);
        }
        return out;
    }

    private static String like(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** Deletes entries older than {@code age}: the retention, and the only way an entry goes. */
    public int retain(Duration age) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "DELETE FROM audit_entry WHERE at < ?")) {
            ps.setTimestamp(1, Timestamp.from(Instant.now().minus(age)));
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot apply the audit retention", e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        closing = true;
        // Woken by an entry, not interrupted: an interrupt that reaches the writer inside H2's file write closes H2's
        // file channel (ClosedByInterruptException), and H2 then closes the whole database, the hub's stop cannot shut
        // it down cleanly and leaves a datenhafen.trace.db, and the entry is lost. A full queue is drained anyway, and
        // the writer's poll ends within 200 ms.
        queue.offer(WAKE);
        writer.join(10_000);
    }
}
