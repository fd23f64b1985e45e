package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.fixtures.Fixtures;
import de.datenhafen.fixtures.NotesPlugin;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A plugin gets a schema of its own, migrated from its resources, with no rights outside it. */
class PluginDatabaseTest {

    private static final Path ARCHIVES = TestDirs.create("plugin-database");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .plugin(() -> PluginArchiveBuilder.plugin("notes", "1.0.0", Fixtures.MEMBER, NotesPlugin.class)
            .withEntry("classes/db/plugin/V1__notes.sql", NotesPlugin.MIGRATION)
            .writeTo(ARCHIVES))
        .build();

    @Test
    void appliesThePluginsMigrationsAndKeepsItsDataAcrossRestarts() throws SQLException {
        assertThat(count(database(), "SELECT COUNT(*) FROM notes")).isEqualTo(1);

        hub.restart();

        assertThat(count(database(), "SELECT COUNT(*) FROM notes")).isEqualTo(2);
        assertThat(count(database(), "SELECT COUNT(*) FROM \"plugin_schema_history\" WHERE \"version\" = '1'")).isEqualTo(1);
    }

    @Test
    void givesThePluginNoRightsOutsideItsSchema() {
        assertThatThrownBy(() -> count(database(), "SELECT COUNT(*) FROM PUBLIC.admin_token"))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("ADMIN_TOKEN");
        assertThatThrownBy(() -> count(database(), "SELECT COUNT(*) FROM PUBLIC.bus_event"))
            .isInstanceOf(SQLException.class);
    }

    private static DataSource database() {
        return hub.hub().plugins().plugin("notes").orElseThrow().context().database();
    }

    private static long count(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
