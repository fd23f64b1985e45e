package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * Each site's number (its SensorThings Location id, table site_number of V3): given once, in id order to the sites of
 * an installation from before, and kept.
 */
class SiteNumbersTest {

    @Test
    void theSitesOfAnInstallationFromBeforeNumbersGetThemInIdOrder() throws SQLException {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("RUNSCRIPT FROM 'classpath:db/plugin/V1__air_quality.sql'");
            st.execute("RUNSCRIPT FROM 'classpath:db/plugin/V2__partial_readings.sql'");
            st.execute("INSERT INTO site (id, name) VALUES ('rs-west', 'Realschule West'), ('gs-nord', 'Grundschule "
                + "Nord')");
            st.execute("RUNSCRIPT FROM 'classpath:db/plugin/V3__site_numbers.sql'");
        }

        assertThat(new Registry(db).snapshot().siteNumbers()).containsExactlyInAnyOrderEntriesOf(
            java.util.Map.of("gs-nord", 1, "rs-west", 2));
    }

    @Test
    void aNewSiteGetsTheNextNumberAChangedSiteKeepsItsASiteCreatedAgainItsOldOneAndASiteFromSqlOneToo() throws SQLException {
        Registry registry = new Registry(ProjectionsTest.database());
        registry.change(c -> {
            Registry.upsertSite(c, new Registry.Site("gs-nord", "Grundschule Nord", null, null, null));
            Registry.upsertSite(c, new Registry.Site("gym-sued", "Gymnasium Sued", null, null, null));
        });
        registry.change(c -> {
            Registry.upsertSite(c, new Registry.Site("gs-nord", "Grundschule Nord (renamed)", null, 53.87, 10.68));
            try (Statement st = c.createStatement()) {
                st.execute("DELETE FROM site WHERE id = 'gym-sued'");
            }
        });
        registry.change(c -> {
            Registry.upsertSite(c, new Registry.Site("rs-west", "Realschule West", null, null, null));
            Registry.upsertSite(c, new Registry.Site("gym-sued", "Gymnasium Sued", null, null, null));
        });
        registry.change(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("INSERT INTO site (id, name) VALUES ('bench-1', 'straight into the table')");
            }
        });

        assertThat(registry.snapshot().siteNumbers()).containsExactlyInAnyOrderEntriesOf(
            java.util.Map.of("gs-nord", 1, "gym-sued", 2, "rs-west", 3, "bench-1", 4));
    }
}
