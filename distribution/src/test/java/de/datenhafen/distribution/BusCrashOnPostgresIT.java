package de.datenhafen.distribution;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import de.datenhafen.testkit.Postgres;

/**
 * {@link BusCrashIT} with the packaged hub on PostgreSQL (a fresh database on the testkit's server, which is not
 * killed: the hub is), one round by default (a kill under load: CI's time is short). {@code bench/crash-test.sh} with
 * {@code DB_URL} runs the long version against a server of your own.
 */
class BusCrashOnPostgresIT extends BusCrashIT {

    @Override
    ExternalDatabase database() throws Exception {
        assumeTrue(Postgres.available(), "PostgreSQL is not installed (apt-get install postgresql)");
        Postgres pg = Postgres.shared();
        return new ExternalDatabase(pg.createDatabase("crash"), pg.user(), pg.password());
    }

    @Override
    int defaultRounds() {
        return 1;
    }
}
