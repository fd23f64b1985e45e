package de.datenhafen.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The version of an archive installed before the hub recorded versions, read from its file name when the archive is
 * gone (the first upgrade to a hub that takes shipped plugins over): the names an upload gives and the distribution
 * gives the shipped plugins, and nothing from a name that does not say.
 */
class ArchiveTakeoversTest {

    private final ArchiveTakeovers takeovers = new ArchiveTakeovers(null,
        new ArchiveInspector(ArchiveLimits.DEFAULTS, Set.of()), null, null, null);

    @ParameterizedTest(name = "{0} of plugin {1}: {2}")
    @CsvSource(nullValues = "none", value = {
        "transit-1.0.0.zip, transit, 1.0.0",
        "plugin-transit-0.1.0-SNAPSHOT.zip, transit, 0.1.0-SNAPSHOT",
        "plugin-air-quality-0.2.0.zip, air-quality, 0.2.0",
        "meters-2.10.1.jar, meters, 2.10.1",
        "transit.zip, transit, none",
        "transit-.zip, transit, none",
        "mytransit-1.0.0.zip, transit, none",
        "transit-latest.zip, transit, none",
        "transit-1.0.zip, transit, none"})
    void readsTheVersionFromTheFileNameOnlyWhenItIsOne(String file, String id, String version) {
        assertThat(takeovers.versionInName(file, id)).isEqualTo(version);
    }
}
