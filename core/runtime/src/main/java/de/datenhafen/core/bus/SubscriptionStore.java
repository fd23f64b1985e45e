package de.datenhafen.core.bus;

import de.datenhafen.api.ConflictException;
import de.datenhafen.api.HubException;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.NotFoundException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Subscriptions in the database (table {@code bus_subscription}). Thread-safe; each call is one short transaction.
 * Called by the dispatcher (cursor moves) and the admin API (create, seek, delete).
 */
public final class SubscriptionStore {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final String COLUMNS = "name, type_patterns, subject_prefix, cursor_seq, created_at, updated_at";

    private final DataSource dataSource;
    private final Clock clock;
    private final EventLog log; // null: the log is the row table bus_event in the same database

    /** Subscriptions on the row log ({@link H2EventLog}) in the same database. */
    public SubscriptionStore(DataSource dataSource, Clock clock) {
        this(dataSource, clock, null);
    }

    /** Subscriptions on this log: seeking by time and counting lag ask the log, whatever its storage. */
    public SubscriptionStore(DataSource dataSource, Clock clock, EventLog log) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.log = log;
    }

    /**
     * Makes a subscription whose delivery starts after {@code cursor} (use the log's last sequence for "new events
     * only", 0 for "from the beginning").
     *
     * @throws ConflictException when one of that name exists
     * @throws InvalidInputException when the name or cursor is not valid
     */
    public Subscription create(String name, EventFilter filter, long cursor) {
        checkName(name);
        Objects.requireNonNull(filter, "filter");
        if (cursor < 0) {
            throw new InvalidInputException("cursor must be 0 or more, was " + cursor, "cursor");
        }
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
            "INSERT INTO bus_subscription (" + COLUMNS + ") SELECT ?, ?, ?, ?, ?, ? FROM (VALUES (1)) AS one(x) "
                + "WHERE NOT EXISTS (SELECT 1 FROM bus_subscription WHERE name = ?)")) {
            ps.setString(1, name);
            ps.setString(2, String.join(",", filter.typePatterns()));
            ps.setString(3, filter.subjectPrefix());
            ps.setLong(4, cursor);
            ps.setObject(5, utc(now), Types.TIMESTAMP_WITH_TIMEZONE);
            ps.setObject(6, utc(now), Types.TIMESTAMP_WITH_TIMEZONE);
            ps.setString(7, name);
            if (ps.executeUpdate() == 0) {
                throw new ConflictException("subscription '" + name + "' exists already", "name");
            }
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                throw new ConflictException("subscription '" + name + "' exists already", "name");
            }
            throw failed("create subscription " + name, e);
        }
        return new Subscription(name, filter, cursor, now, now);
    }

    public Optional<Subscription> get(String name) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
            "SELECT " + COLUMNS + " FROM bus_subscription WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failed("read subscription " + name, e);
        }
    }

    /** Every subscription, by name. */
    public List<Subscription> list() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
            "SELECT " + COLUMNS + " FROM bus_subscription ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            List<Subscription> out = new ArrayList<>();
            while (rs.next()) {
                out.add(read(rs));
            }
            return out;
        } catch (SQLException e) {
            throw failed("list subscriptions", e);
        }
    }

    /** Deletes the subscription and its dead letters; false when there was none. */
    public boolean delete(String name) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
            "DELETE FROM bus_subscription WHERE name = ?")) {
            ps.setString(1, name);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw failed("delete subscription " + name, e);
        }
    }

    /**
     * Replaces the filter of an existing subscription; its cursor stays. Used when a consumer attaches with a filter
     * other than the stored one.
     *
     * @throws NotFoundException when there is no such subscription
     */
    public void updateFilter(String name, EventFilter filter) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
            "UPDATE bus_subscription SET type_patterns = ?, subject_prefix = ?, updated_at = ? WHERE name = ?")) {
            ps.setString(1, String.join(",", filter.typePatterns()));
            ps.setString(2, filter.subjectPrefix());
            ps.setObject(3, utc(clock.instant()), Types.TIMESTAMP_WITH_TIMEZONE);
            ps.setString(4, name);
            if (ps.executeUpdate() == 0) {
                throw notFound(name);
            }
        } catch (SQLException e) {
            throw failed("update subscription " + name, e);
        }
    }

    /**
     * Moves the cursor forward to {@code seq} after a successful delivery; never back (a late, stale advance is
     * ignored).
     *
     * @return true when the cursor moved
     * @throws NotFoundException when there is no such subscription
     */
    public boolean advance(String name, long seq) {
        int n = update("UPDATE bus_subscription SET cursor_seq = ?, updated_at = ? WHERE name = ? AND cursor_seq < ?",
            name, seq, true);
        if (n == 0 && get(name).isEmpty()) {
            throw notFound(name);
        }
        return n > 0;
    }

    /**
     * The lease a cursor write is made under: only while {@code holder} still holds lease {@code lease} with
     * {@code token} does the write go through.
     */
    public record Fence(String lease, String holder, long token) {
    }

    /**
     * As {@link #advance(String, long)}, only while the fence holds (the node still holds the subscription's lease
     * with that token), in the same statement: a node that lost the lease cannot move the cursor, whatever it
     * delivered. Records the node and token with the cursor.
     *
     * @return true when the cursor moved; false when it was already there or further, or the fence did not hold
     *     (tell them apart with {@link #fenceHolds})
     */
    public boolean advance(String name, long seq, Fence fence) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
            "UPDATE bus_subscription SET cursor_seq = ?, updated_at = ?, moved_by = ?, lease_token = ? "
                + "WHERE name = ? AND cursor_seq < ? AND EXISTS (SELECT 1 FROM hub_lease "
                + "WHERE name = ? AND holder = ? AND token = ?)")) {
            ps.setLong(1, seq);
            ps.setObject(2, utc(clock.instant()), Types.TIMESTAMP_WITH_TIMEZONE);
            ps.setString(3, fence.holder());
            ps.setLong(4, fence.token());
            ps.setString(5, name);
            ps.setLong(6, seq);
            ps.setString(7, fence.lease());
            ps.setString(8, fence.holder());
            ps.setLong(9, fence.token());
            int n = ps.executeUpdate();
            if (n == 0 && get(name).isEmpty()) {
                throw notFound(name);
            }
            return n > 0;
        } catch (SQLException e) {
            throw failed("move the cursor of " + name, e);
        }
    }

    /** Whether the lease still has this holder and token. */
    public boolean fenceHolds(Fence fence) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
            "SELECT 1 FROM hub_lease WHERE name = ? AND holder = ? AND token = ?")) {
            ps.setString(1, fence.lease());
            ps.setString(2, fence.holder());
            ps.setLong(3, fence.token());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw failed("read lease " + fence.lease(), e);
        }
    }

    /** Which node last moved the cursor and under which lease token; empty before any fenced move. */
    public Optional<Fence> lastMove(String name) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
            "SELECT moved_by, lease_token FROM bus_subscription WHERE name = ? AND moved_by IS NOT NULL")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Fence(JdbcSubscriptionBackend.leaseName(name), rs.getString(1),
                    rs.getLong(2))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failed("read subscription " + name, e);
        }
    }

    /**
     * Sets the cursor so that the next event delivered is the first with a sequence of {@code nextSeq} or more;
     * backwards (replay) or forwards (skip).
     *
     * @throws NotFoundException when there is no such subscription
     */
    public Subscription seek(String name, long nextSeq) {
        if (nextSeq < 1) {
            throw new InvalidInputException("sequence must be 1 or more, was " + nextSeq, "sequence");
        }
        if (update("UPDATE bus_subscription SET cursor_seq = ?, updated_at = ? WHERE name = ?", name, nextSeq - 1,
            false) == 0) {
            throw notFound(name);
        }
        return get(name).orElseThrow(() -> notFound(name));
    }

    /**
     * Sets the cursor so that delivery goes on with the first event stored at or after {@code time}; when there is
     * none, with the next event to come.
     */
    public Subscription seekToTime(String name, Instant time) {
        Objects.requireNonNull(time, "time");
        if (log != null) {
            long first = log.firstStoredAtOrAfter(time);
            return seek(name, first > 0 ? first : log.lastSequence() + 1);
        }
        try (Connection c = dataSource.getConnection()) {
            long first = H2EventLog.firstAtOrAfter(c, time);
            long next = first > 0 ? first : GroupCommitLog.lastAssigned(c) + 1;
            return seek(name, next);
        } catch (SQLException e) {
            throw failed("seek subscription " + name, e);
        }
    }

    /**
     * How many stored events after {@code after} match the filter, counting no further than {@code cap}: the lag of
     * a subscription, bounded (see {@link EventLog#countAfter}).
     */
    public long countAfter(EventFilter filter, long after, long cap) {
        if (log != null) {
            return log.countAfter(filter, after, cap);
        }
        try (Connection c = dataSource.getConnection()) {
            return H2EventLog.countAfter(c, filter, after, cap);
        } catch (SQLException e) {
            throw failed("count the events after " + after, e);
        }
    }

    private int update(String sql, String name, long seq, boolean guard) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, seq);
            ps.setObject(2, utc(clock.instant()), Types.TIMESTAMP_WITH_TIMEZONE);
            ps.setString(3, name);
            if (guard) {
                ps.setLong(4, seq);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw failed("move the cursor of " + name, e);
        }
    }

    private static Subscription read(ResultSet rs) throws SQLException {
        String patterns = rs.getString(2);
        EventFilter filter = new EventFilter(
            patterns.isEmpty() ? List.of() : Arrays.asList(patterns.split(",")), rs.getString(3));
        return new Subscription(rs.getString(1), filter, rs.getLong(4),
            rs.getObject(5, OffsetDateTime.class).toInstant(), rs.getObject(6, OffsetDateTime.class).toInstant());
    }

    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInputException("name must be 1 to 128 letters, digits, '.', '_' or '-', starting with "
                + "a letter or digit", "name");
        }
    }

    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    private static NotFoundException notFound(String name) {
        return new NotFoundException("no subscription '" + name + "'", "name");
    }

    static HubException failed(String what, SQLException e) {
        return new HubException("cannot " + what + ": " + e.getMessage(), null, e);
    }
}
