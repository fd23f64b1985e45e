package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.fixtures.BundlingPlugin;
import de.datenhafen.fixtures.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Shared packages come from the hub first; a class of them the hub lacks comes from the plugin's own jars. The
 * bundled class is compiled here, so it is on no class path but the plugin's.
 */
class PluginClassLoadingTest {

    private static final Path ARCHIVES = TestDirs.create("class-loading");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .plugin(() -> PluginArchiveBuilder.plugin("bundling", "1.0.0", Fixtures.MEMBER, BundlingPlugin.class)
            .withEntry("classes/com/fasterxml/jackson/bundled/Marker.class", compileMarker())
            .writeTo(ARCHIVES))
        .build();

    @Test
    void loadsAClassOfASharedPackageThatTheHubLacksFromThePlugin(HubClient client) {
        HubClient.Response plugin = client.get("/api/v1/admin/plugins/bundling");

        assertThat(plugin.json().getString("error")).isNull();
        assertThat(plugin.json().getString("state")).isEqualTo("started");
    }

    private static byte[] compileMarker() {
        try {
            Path src = Files.createDirectories(ARCHIVES.resolve("src/com/fasterxml/jackson/bundled"));
            Path out = Files.createDirectories(ARCHIVES.resolve("out"));
            Files.writeString(src.resolve("Marker.java"),
                "package com.fasterxml.jackson.bundled; public class Marker { }");
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            int rc = javac.run(null, null, null, "-d", out.toString(), src.resolve("Marker.java").toString());
            assertThat(rc).as("javac exit code").isZero();
            return Files.readAllBytes(out.resolve("com/fasterxml/jackson/bundled/Marker.class"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
