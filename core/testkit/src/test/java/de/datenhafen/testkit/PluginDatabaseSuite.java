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
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * What a plugin's database is, whichever database the hub runs on ({@link PluginDatabaseTest} on H2,
 * {@link PluginDatabaseOnPostgresTest} on PostgreSQL): a schema of its own, migrated from its resources, kept across
 * restarts, with no rights on the hub's tables or on another plugin's schema. Two plugins, {@code notes} and
 * {@code memo}, each write a row at every start.
 */
abstract class PluginDatabaseSuite {

    /** The hub under test, started with {@link #withNotesAndMemo}. */
    abstract HubExtension hub();

    /** The archives of both plugins, each with its H2 migration and the PostgreSQL one that replaces it there. */
    static HubExtension.Builder withNotesAndMemo(HubExtension.Builder builder, Path archives) {
        for (String id : new String[] {"notes", "memo"}) {
            Supplier<Path> archive = () -> PluginArchiveBuilder.plugin(id, "1.0.0", Fixtures.MEMBER, NotesPlugin.class)
                .withEntry("classes/db/plugin/V1__notes.sql", NotesPlugin.MIGRATION)
                .withEntry("classes/db/plugin-postgresql/V1__notes.sql", NotesPlugin.MIGRATION_POSTGRESQL)
                .writeTo(archives);
            builder.plugin(archive);
        }
        return builder;
    }

    @Test
    void appliesThePluginsMigrationsAndKeepsItsDataAcrossRestarts() throws SQLException {
        long before = count(database("notes"), "SELECT COUNT(*) FROM notes");

        hub().restart();

        assertThat(count(database("notes"), "SELECT COUNT(*) FROM notes")).isEqualTo(before + 1);
        assertThat(count(database("notes"), "SELECT COUNT(*) FROM \"plugin_schema_history\" WHERE \"version\" = '1'"))
            .isEqualTo(1);
    }

    @Test
    void givesThePluginNoRightsOnTheHubsTables() {
        assertThatThrownBy(() -> count(database("notes"), "SELECT COUNT(*) FROM PUBLIC.admin_token"))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining(refusalOfTheHubsSchema());
        assertThatThrownBy(() -> count(database("notes"), "SELECT COUNT(*) FROM PUBLIC.bus_event"))
            .isInstanceOf(SQLException.class);
    }

    @Test
    void givesThePluginNoRightsOnAnotherPluginsSchema() throws SQLException {
        assertThat(count(database("memo"), "SELECT COUNT(*) FROM notes")).isPositive();

        assertThatThrownBy(() -> count(database("notes"), "SELECT COUNT(*) FROM plugin_memo.notes"))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining(refusalOfAnotherPluginsSchema());
    }

    /** What the database says when a plugin reads {@code PUBLIC.admin_token}. */
    abstract String refusalOfTheHubsSchema();

    /** What the database says when plugin {@code notes} reads {@code plugin_memo.notes}. */
    abstract String refusalOfAnotherPluginsSchema();

    DataSource database(String plugin) {
        return hub().hub().plugins().plugin(plugin).orElseThrow().context().database();
    }

    static long count(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
