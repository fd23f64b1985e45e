package de.datenhafen.core.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.ForbiddenException;
import de.datenhafen.api.HubException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A hub-admin-only key is a hub-admin's to set: a member gives it its default, or keeps what it has. */
class ConfigWriterTest {

    private static final ConfigDef DEF = ConfigDef.builder()
        .define("source", ConfigType.STRING, null, true, "A file in folder")
        .define("folder", ConfigType.STRING, null, false, "Where source must lie")
        .define("hosts", ConfigType.LIST, null, false, "Hosts source may name")
        .define("window", ConfigType.DURATION, "48h", false, "Longest window")
        .define("max-mb", ConfigType.INT, 16, false, "Largest file")
        .hubAdminOnly("it bounds what source may reach", List.of("folder", "hosts", "window"))
        .hubAdminOnly("max-mb")
        .build();

    private static void refused(Runnable write, String key) {
        assertThatThrownBy(write::run).isInstanceOf(ForbiddenException.class)
            .hasMessageStartingWith("only a hub-admin may set " + key + ": ")
            .extracting(e -> ((HubException) e).field()).isEqualTo("config." + key);
    }

    @Test
    void aMemberCreatesWithTheDefaultsOnly() {
        assertThat(ConfigWriter.MEMBER.admit(DEF, Map.of("source", "a.zip", "max-mb", "16", "window", "PT48H",
            "hosts", ""), null)).containsEntry("source", "a.zip");
        refused(() -> ConfigWriter.MEMBER.admit(DEF, Map.of("source", "a.zip", "folder", "/"), null), "folder");
        refused(() -> ConfigWriter.MEMBER.admit(DEF, Map.of("source", "a.zip", "folder", ""), null), "folder");
        refused(() -> ConfigWriter.MEMBER.admit(DEF, Map.of("source", "a.zip", "hosts", List.of("localhost")), null),
            "hosts");
        refused(() -> ConfigWriter.MEMBER.admit(DEF, Map.of("source", "a.zip", "max-mb", 17), null), "max-mb");
        refused(() -> ConfigWriter.MEMBER.admit(DEF, Map.of("source", "a.zip", "max-mb", "lots"), null), "max-mb");
        assertThat(ConfigWriter.HUB_ADMIN.admit(DEF, Map.of("source", "a.zip", "folder", "/srv"), null))
            .containsEntry("folder", "/srv");
    }

    @Test
    void aMemberKeepsWhatAHubAdminSetAndMayLeaveItOut() {
        Map<String, Object> current = Map.of("source", "a.zip", "folder", "/srv", "hosts", List.of("a.org", "b.org"),
            "max-mb", 64);

        Map<String, Object> leftOut = ConfigWriter.MEMBER.admit(DEF, Map.of("source", "b.zip"), current);
        Map<String, Object> asShown = ConfigWriter.MEMBER.admit(DEF, Map.of("source", "b.zip", "folder", "/srv",
            "hosts", "a.org, b.org", "max-mb", "64", "window", "2d"), Map.of("source", "a.zip", "folder", "/srv",
            "hosts", List.of("a.org", "b.org"), "max-mb", 64, "window", "PT48H"));

        assertThat(leftOut).containsEntry("source", "b.zip").containsEntry("folder", "/srv")
            .containsEntry("hosts", List.of("a.org", "b.org")).containsEntry("max-mb", 64).doesNotContainKey("window");
        assertThat(asShown).containsEntry("folder", "/srv");
        refused(() -> ConfigWriter.MEMBER.admit(DEF, Map.of("source", "b.zip", "folder", "/"), current), "folder");
        refused(() -> ConfigWriter.MEMBER.admit(DEF, Map.of("source", "b.zip", "hosts", "a.org"), current), "hosts");
        refused(() -> ConfigWriter.MEMBER.admit(DEF, Map.of("source", "b.zip", "max-mb", 16), current), "max-mb");
        assertThat(ConfigWriter.HUB_ADMIN.admit(DEF, Map.of("source", "b.zip"), current))
            .as("a hub-admin's update replaces the config").doesNotContainKey("folder");
    }
}
