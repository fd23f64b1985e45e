package de.datenhafen.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.RefusedException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveInspectorTest {

    private static final String GOOD = "plugin.id=air-quality\nplugin.version=1.2.0\n"
        + "plugin.provider=Sensor Vendor GmbH\nplugin.class=com.example.AirPlugin\n"
        + "plugin.requires=>=1.0.0 & <2.0.0\nplugin.description=CO2 in schools\n";

    @TempDir
    Path dir;

    private final ArchiveInspector inspector = new ArchiveInspector();

    @Test
    void readsTheDescriptorOfAZipPlugin() throws IOException {
        PluginArchive a = inspector.inspect(zip("a.zip", Map.of("plugin.properties", GOOD,
            "classes/com/example/AirPlugin.class", "x")));

        assertThat(a.kind()).isEqualTo("zip");
        assertThat(a.id()).isEqualTo("air-quality");
        assertThat(a.version()).isEqualTo("1.2.0");
        assertThat(a.provider()).isEqualTo("Sensor Vendor GmbH");
        assertThat(a.pluginClass()).isEqualTo("com.example.AirPlugin");
        assertThat(a.requires()).isEqualTo(">=1.0.0 & <2.0.0");
        assertThat(a.canonicalFileName()).isEqualTo("air-quality-1.2.0.zip");
    }

    @Test
    void readsTheManifestOfAJarPlugin() throws IOException {
        Manifest m = new Manifest();
        Attributes at = m.getMainAttributes();
        at.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        at.putValue("Plugin-Id", "transit");
        at.putValue("Plugin-Version", "2.0.1");
        at.putValue("Plugin-Provider", "Stadtwerke Luebeck Mobil");
        at.putValue("Plugin-Class", "de.swhl.TransitPlugin");
        at.putValue("Plugin-Requires", ">=1.0.0");
        Path jar = dir.resolve("t.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.putNextEntry(new ZipEntry("de/swhl/TransitPlugin.class"));
            j.write(1);
            j.closeEntry();
        }

        PluginArchive a = inspector.inspect(jar);

        assertThat(a.kind()).isEqualTo("jar");
        assertThat(a.id()).isEqualTo("transit");
        assertThat(a.canonicalFileName()).isEqualTo("transit-2.0.1.jar");
    }

    @Test
    void refusesAnEntryThatEscapesThePluginFolder() throws IOException {
        Path p = zip("evil.zip", Map.of("plugin.properties", GOOD, "lib/../../../etc/cron.d/x", "boom"));

        assertThatThrownBy(() -> inspector.inspect(p)).isInstanceOfSatisfying(RefusedException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("archive entry 'lib/../../../etc/cron.d/x' escapes the plugin's folder");
            assertThat(e.field()).isEqualTo("archive");
        });
    }

    @Test
    void refusesAnAbsoluteEntry() throws IOException {
        Path p = zip("abs.zip", Map.of("plugin.properties", GOOD, "/tmp/x", "boom"));

        assertThatThrownBy(() -> inspector.inspect(p)).hasMessage("archive entry '/tmp/x' escapes the plugin's folder");
    }

    @Test
    void refusesAPluginThatNeedsAnotherApiVersion() throws IOException {
        Path p = zip("new.zip", Map.of("plugin.properties", GOOD.replace(">=1.0.0 & <2.0.0", ">=2.0.0"), "x", "y"));

        assertThatThrownBy(() -> inspector.inspect(p)).isInstanceOfSatisfying(RefusedException.class, e -> {
            assertThat(e.getMessage())
                .isEqualTo("plugin air-quality 1.2.0 requires hub API >=2.0.0, but this hub offers API 1.0.0");
            assertThat(e.field()).isEqualTo("Plugin-Requires");
        });
    }

    @Test
    void refusesADescriptorWithoutProvider() throws IOException {
        Path p = zip("anon.zip", Map.of("plugin.properties", GOOD.replace("plugin.provider=Sensor Vendor GmbH\n", "")));

        assertThatThrownBy(() -> inspector.inspect(p)).isInstanceOfSatisfying(RefusedException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("not a valid plugin: its descriptor has no Plugin-Provider");
            assertThat(e.field()).isEqualTo("Plugin-Provider");
        });
    }

    @Test
    void refusesAnArchiveWithoutDescriptor() throws IOException {
        Path p = zip("none.zip", Map.of("readme.txt", "hello"));

        assertThatThrownBy(() -> inspector.inspect(p)).isInstanceOfSatisfying(RefusedException.class,
            e -> assertThat(e.field()).isEqualTo("descriptor"));
    }

    @Test
    void refusesAnUnusableIdOrVersion() throws IOException {
        Path badId = zip("id.zip", Map.of("plugin.properties", GOOD.replace("air-quality", "Air Quality!")));
        Path badVersion = zip("v.zip", Map.of("plugin.properties", GOOD.replace("1.2.0", "one")));

        assertThatThrownBy(() -> inspector.inspect(badId)).hasMessageContaining("Plugin-Id 'Air Quality!'");
        assertThatThrownBy(() -> inspector.inspect(badVersion))
            .hasMessage("not a valid plugin: Plugin-Version 'one' is not a semantic version");
    }

    @Test
    void saysWhenTheBodyIsNotAnArchiveAtAll() throws IOException {
        Path p = dir.resolve("junk.zip");
        Files.writeString(p, "this is not a zip");

        assertThatThrownBy(() -> inspector.inspect(p)).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.getMessage()).startsWith("not a plugin archive: the body is not a zip or jar file");
            assertThat(e.field()).isEqualTo("archive");
        });
    }

    private Path zip(String name, Map<String, String> entries) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(p); ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> e : new LinkedHashMap<>(entries).entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return p;
    }
}
