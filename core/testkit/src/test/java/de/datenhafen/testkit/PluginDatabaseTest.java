package de.datenhafen.testkit;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A plugin's database on the embedded H2 database: a schema and a database user of its own. */
class PluginDatabaseTest extends PluginDatabaseSuite {

    private static final Path ARCHIVES = TestDirs.create("plugin-database");

    @RegisterExtension
    static final HubExtension hub = withNotesAndMemo(HubExtension.builder(), ARCHIVES).build();

    @Override
    HubExtension hub() {
        return hub;
    }

    @Override
    String refusalOfTheHubsSchema() {
        return "ADMIN_TOKEN";
    }

    @Override
    String refusalOfAnotherPluginsSchema() {
        return "PLUGIN_MEMO";
    }
}
