package de.datenhafen.core.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One transaction, tried again when it lost a race for a key: nodes starting at once on one database both find no row
 * for a plugin (or an archive, or the configured admin token), both insert it, and the second insert fails with a
 * unique violation (SQL state 23505 on H2 and PostgreSQL); its retry finds the row and updates or replaces it.
 */
public final class Transactions {

    private static final int TRIES = 3;

    private Transactions() {
    }

    /** Statements on one connection. */
    public interface Work {
        void run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction; {@code what} names it in the error ("store the state of plugin x"). */
    public static void run(Database db, String what, Work work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = db.connection()) {
                c.setAutoCommit(false);
                try {
                    work.run(c);
                    c.commit();
                    return;
                } catch (SQLException | RuntimeException e) {
                    c.rollback(); // a refusal thrown by the work (a hash that does not match) keeps nothing either
                    throw e;
                }
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState()) || attempt == TRIES) {
                    throw new IllegalStateException("cannot " + what, e);
                }
            }
        }
    }
}
