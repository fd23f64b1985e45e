package de.datenhafen.testkit.postgres;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.Postgres;
import java.sql.SQLException;

/** The testkit's own hub tests on PostgreSQL: the JVM's shared server, and a hub configured onto one of its databases. */
public final class PostgresForTests {

    private PostgresForTests() {
    }

    /** {@link Postgres#shared()}, or null where PostgreSQL is not installed (and not {@code CI=true}). */
    public static Postgres sharedOrNull() {
        return Postgres.sharedIfAvailable();
    }

    /** The builder with the hub's database set to a new database {@code name} on {@code pg} (unchanged for null). */
    public static HubExtension.Builder onDatabase(HubExtension.Builder builder, Postgres pg, String name) {
        if (pg == null) {
            return builder;
        }
        try {
            return builder.config(HubConfig.DB_URL, pg.createDatabase(name)).config(HubConfig.DB_USER, pg.user())
                .config(HubConfig.DB_PASSWORD, pg.password());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot make database " + name + ": " + e.getMessage(), e);
        }
    }
}
