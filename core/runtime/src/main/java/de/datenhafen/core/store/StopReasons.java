package de.datenhafen.core.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Why an integration or a flow stopped itself (a webhook target's 410 Gone), kept in its row (columns
 * {@code stop_reason}, {@code stopped_at} of {@code integration} and {@code flow}) so the admin API shows it after a
 * restart too. One place for both tables; the table is one of {@link Table}, never text from outside.
 */
public final class StopReasons {

    /** The rows that can carry a stop reason. */
    public enum Table {
        INTEGRATION("integration"), FLOW("flow");

        private final String sql;

        Table(String sql) {
            this.sql = sql;
        }
    }

    /** A stop's reason and when it came. */
    public record Reason(String text, Instant at) {
    }

    /** Longest reason kept (the column's size); a longer one is cut. */
    static final int MAX = 2000;

    private final Database db;
    private final Table table;

    public StopReasons(Database db, Table table) {
        this.db = db;
        this.table = table;
    }

    /** Every stored reason, by name. */
    public Map<String, Reason> all() {
        Map<String, Reason> out = new HashMap<>();
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT name, stop_reason, stopped_at FROM " + table.sql
                 + " WHERE stop_reason IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Timestamp at = rs.getTimestamp(3);
                out.put(rs.getString(1), new Reason(rs.getString(2), at == null ? null : at.toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the stop reasons of " + table.sql, e);
        }
        return out;
    }

    /** Keeps {@code reason} for {@code name}, or forgets it ({@code null}). */
    public void set(String name, Reason reason) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("UPDATE " + table.sql
                 + " SET stop_reason = ?, stopped_at = ? WHERE name = ?")) {
            String text = reason == null ? null : reason.text().length() > MAX ? reason.text().substring(0, MAX)
                : reason.text();
            ps.setString(1, text);
            ps.setTimestamp(2, reason == null || reason.at() == null ? null : Timestamp.from(reason.at()));
            ps.setString(3, name);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot keep the stop reason of " + table.sql + " " + name, e);
        }
    }
}
