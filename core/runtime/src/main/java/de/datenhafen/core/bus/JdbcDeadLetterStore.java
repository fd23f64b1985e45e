package de.datenhafen.core.bus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Dead letters in the database (table {@code bus_dead_letter}); they go with their subscription. Thread-safe.
 */
public final class JdbcDeadLetterStore implements DeadLetterStore {

    private static final String COLUMNS = "id, subscription, event_seq, error, attempts, first_failed, last_failed";

    private final DataSource dataSource;
    private final Clock clock;

    public JdbcDeadLetterStore(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public DeadLetter add(String subscription, long eventSeq, String error, int attempts, Instant firstFailed) {
        Objects.requireNonNull(subscription, "subscription");
        String err = DeadLetterStore.cut(error);
        Instant now = clock.instant();
        Instant first = firstFailed == null ? now : firstFailed;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
            "INSERT INTO bus_dead_letter (subscription, event_seq, error, attempts, first_failed, last_failed) "
                + "VALUES (?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, subscription);
            ps.setLong(2, eventSeq);
            ps.setString(3, err);
            ps.setInt(4, attempts);
            ps.setObject(5, SubscriptionStore.utc(first), Types.TIMESTAMP_WITH_TIMEZONE);
            ps.setObject(6, SubscriptionStore.utc(now), Types.TIMESTAMP_WITH_TIMEZONE);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return new DeadLetter(keys.getLong(1), subscription, eventSeq, err, attempts, first, now);
            }
        } catch (SQLException e) {
            throw SubscriptionStore.failed("add a dead letter for " + subscription, e);
        }
    }

    @Override
    public Optional<DeadLetter> get(long id) {
        List<DeadLetter> found = query("SELECT " + COLUMNS + " FROM bus_dead_letter WHERE id = ?", List.of(id));
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    @Override
    public List<DeadLetter> list(DeadLetterFilter filter, long afterId, int limit) {
        DeadLetterStore.checkLimit(limit);
        List<Object> params = new ArrayList<>();
        params.add(afterId);
        String where = where(filter, params);
        params.add(limit);
        return query("SELECT " + COLUMNS + " FROM bus_dead_letter WHERE id > ?" + where + " ORDER BY id LIMIT ?",
            params);
    }

    @Override
    public long count(DeadLetterFilter filter) {
        List<Object> params = new ArrayList<>();
        params.add(0L);
        String where = where(filter, params);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
            "SELECT COUNT(*) FROM bus_dead_letter WHERE id > ?" + where)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw SubscriptionStore.failed("count dead letters", e);
        }
    }

    @Override
    public Optional<DeadLetter> recordFailure(long id, String error) {
        String err = DeadLetterStore.cut(error);
        List<Object> params = new ArrayList<>();
        params.add(err);
        params.add(SubscriptionStore.utc(clock.instant()));
        params.add(id);
        update("UPDATE bus_dead_letter SET attempts = attempts + 1, error = ?, last_failed = ? WHERE id = ?", params);
        return get(id);
    }

    @Override
    public List<Long> ids(DeadLetterFilter filter) {
        List<Object> params = new ArrayList<>();
        params.add(0L);
        String where = where(filter, params);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
            "SELECT id FROM bus_dead_letter WHERE id > ?" + where + " ORDER BY id")) {
            bind(ps, params);
            List<Long> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw SubscriptionStore.failed("list dead letters", e);
        }
    }

    @Override
    public boolean delete(long id) {
        return update("DELETE FROM bus_dead_letter WHERE id = ?", List.of(id)) > 0;
    }

    @Override
    public int deleteMatching(DeadLetterFilter filter) {
        List<Object> params = new ArrayList<>();
        params.add(0L);
        String where = where(filter, params);
        return update("DELETE FROM bus_dead_letter WHERE id > ?" + where, params);
    }

    private static String where(DeadLetterFilter f, List<Object> params) {
        Objects.requireNonNull(f, "filter");
        StringBuilder sql = new StringBuilder();
        if (f.subscription() != null) {
            sql.append(" AND subscription = ?");
            params.add(f.subscription());
        }
        if (f.failedAfter() != null) {
            sql.append(" AND last_failed >= ?");
            params.add(SubscriptionStore.utc(f.failedAfter()));
        }
        if (f.failedBefore() != null) {
            sql.append(" AND last_failed < ?");
            params.add(SubscriptionStore.utc(f.failedBefore()));
        }
        if (f.errorContains() != null && !f.errorContains().isEmpty()) {
            sql.append(" AND error LIKE ? ESCAPE '\\'");
            params.add("%" + EventFilterSql.likeEscape(f.errorContains()) + "%");
        }
        return sql.toString();
    }

    private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p instanceof OffsetDateTime t) {
                ps.setObject(i + 1, t, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

    private List<DeadLetter> query(String sql, List<Object> params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            List<DeadLetter> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new DeadLetter(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                        rs.getInt(5), rs.getObject(6, OffsetDateTime.class).toInstant(),
                        rs.getObject(7, OffsetDateTime.class).toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw SubscriptionStore.failed("read dead letters", e);
        }
    }

    private int update(String sql, List<Object> params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw SubscriptionStore.failed("change dead letters", e);
        }
    }
}
