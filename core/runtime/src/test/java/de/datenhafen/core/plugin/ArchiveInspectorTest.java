package de.datenhafen.core.plugin;

import static de.datenhafen.core.plugin.ProcessEndingCode.classFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.RefusedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveInspectorTest {

    private static final String GOOD = "plugin.id=air-quality\nplugin.version=1.2.0\n"
        + "plugin.provider=Sensor Vendor GmbH\nplugin.class=com.example.AirPlugin\n"
        + "plugin.requires=>=1.0.0 & <2.0.0\nplugin.description=CO2 in schools\n";
    private static final byte[] A_CLASS = classFile(ProcessEndingCode.Harmless.class);

    @TempDir
    Path dir;

    private final ArchiveInspector inspector = new ArchiveInspector(ArchiveLimits.DEFAULTS, Set.of());

    @Test
    void readsTheDescriptorOfAZipPlugin() throws IOException {
        PluginArchive a = inspector.inspect(zip("a.zip", Map.of("plugin.properties", GOOD,
            "classes/com/example/AirPlugin.class", A_CLASS)));

        assertThat(a.kind()).isEqualTo("zip");
        assertThat(a.id()).isEqualTo("air-quality");
        assertThat(a.version()).isEqualTo("1.2.0");
        assertThat(a.provider()).isEqualTo("Sensor Vendor GmbH");
        assertThat(a.pluginClass()).isEqualTo("com.example.AirPlugin");
        assertThat(a.requires()).isEqualTo(">=1.0.0 & <2.0.0");
        assertThat(a.canonicalFileName()).isEqualTo("air-quality-1.2.0.zip");
        assertThat(a.sha256()).hasSize(64).isEqualTo(ArchiveInspector.sha256(a.path()));
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
        // as Maven writes a description that spans lines in a pom
        at.putValue("Plugin-Description", "Timetables and\n      live vehicles  ");
        Path jar = dir.resolve("t.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.putNextEntry(new ZipEntry("de/swhl/TransitPlugin.class"));
            j.write(A_CLASS);
            j.closeEntry();
        }

        PluginArchive a = inspector.inspect(jar);

        assertThat(a.kind()).isEqualTo("jar");
        assertThat(a.id()).isEqualTo("transit");
        assertThat(a.canonicalFileName()).isEqualTo("transit-2.0.1.jar");
        assertThat(a.description()).isEqualTo("Timetables and live vehicles");
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
    void refusesEachKindOfUnsafeEntryNameAndSaysWhich() throws IOException {
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("lib/..", "archive entry 'lib/..' escapes the plugin's folder");
        refusals.put("..\\x", "archive entry '..\\x' escapes the plugin's folder");
        refusals.put("C:x", "archive entry 'C:x' escapes the plugin's folder");
        refusals.put("lib\\a.jar", "archive entry 'lib\\a.jar' has a backslash in its name, which Windows reads as a "
            + "folder separator");
        refusals.put("lib//a.jar", "archive entry 'lib//a.jar' has an empty or '.' folder in its name");
        refusals.put("lib/./a.jar", "archive entry 'lib/./a.jar' has an empty or '.' folder in its name");
        refusals.put("lib/a.jar//", "archive entry 'lib/a.jar//' has an empty or '.' folder in its name");
        refusals.put("x\u0007y", "archive entry 'x\\u0007y' has a control character in its name");
        refusals.put("lib/" + "ü".repeat(128), "archive entry 'lib/" + "ü".repeat(128) + "' has a folder or file name "
            + "longer than 255 bytes");
        for (Map.Entry<String, String> r : refusals.entrySet()) {
            Path p = zip("names.zip", Map.of("plugin.properties", GOOD, r.getKey(), "x"));
            assertThatThrownBy(() -> inspector.inspect(p)).as(r.getKey()).hasMessage(r.getValue());
        }
        // names that look near those, and names in UTF-8, are fine
        Path fine = zip("fine.zip", Map.of("plugin.properties", GOOD, "..a/b..", "x", "web/ü-" + "é".repeat(120) + ".txt",
            "y", "lib/", ""));
        assertThat(inspector.inspect(fine).id()).isEqualTo("air-quality");
    }

    @Test
    void readsACentralDirectoryLargerThanItsReadWindowAndRefusesANameThatIsNotUtf8() throws IOException {
        Map<String, Object> entries = new LinkedHashMap<>();
        entries.put("plugin.properties", GOOD);
        for (int i = 0; i < 1500; i++) { // about 110 KB of central directory and as much of local headers
            entries.put("web/assets/" + "n".repeat(20) + i + ".txt", "");
        }
        entries.put("web/last-ä.txt", "the end");
        byte[] honest = zipBytes(entries);
        assertThat(inspector.inspect(Files.write(dir.resolve("many.zip"), honest)).id()).isEqualTo("air-quality");

        // ä is two bytes in UTF-8; 0xC3 0x28 is no character at all (in the central directory and the local header)
        byte[] broken = honest.clone();
        byte[] name = "last-ä".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + name.length <= broken.length; i++) {
            if (Arrays.equals(broken, i, i + name.length, name, 0, name.length)) {
                broken[i + name.length - 1] = 0x28;
            }
        }
        assertThatThrownBy(() -> inspector.inspect(Files.write(dir.resolve("latin.zip"), broken)))
            .hasMessage("the archive has an entry name that is not UTF-8");
    }

    @Test
    void refusesAnArchiveWhoseLocalHeaderNamesAnotherFileThanItsCentralDirectory() throws IOException {
        byte[] honest = zipBytes(Map.of("plugin.properties", GOOD, "classes/evil1.jar", "PK"));
        // The same length, so only the name differs: what ZipInputStream would unpack, the inspector never saw.
        byte[] smuggling = replaceFirst(honest, "classes/evil1.jar", "../evil-1.0.0.jar");
        Path p = Files.write(dir.resolve("smuggling.zip"), smuggling);

        assertThatThrownBy(() -> inspector.inspect(p)).isInstanceOfSatisfying(RefusedException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("the archive's local headers and central directory disagree: "
                + "entry 'classes/evil1.jar' is named '../evil-1.0.0.jar' in its local header");
            assertThat(e.field()).isEqualTo("archive");
        });
    }

    @Test
    void refusesBytesBeforeTheFirstEntryOrAfterTheEndRecord() throws IOException {
        byte[] honest = zipBytes(Map.of("plugin.properties", GOOD));
        byte[] prefixed = concat("#!/bin/sh\n".getBytes(StandardCharsets.US_ASCII), honest);
        byte[] trailed = concat(honest, new byte[] {0});

        assertThatThrownBy(() -> inspector.inspect(Files.write(dir.resolve("prefixed.zip"), prefixed)))
            .hasMessage("the archive is damaged: its central directory is not where its end record says "
                + "(a prefix or gap of 10 bytes)");
        assertThatThrownBy(() -> inspector.inspect(Files.write(dir.resolve("trailed.zip"), trailed)))
            .hasMessage("the archive is damaged: it has bytes after its end record");
    }

    @Test
    void refusesAnEntryThatExpandsFarMoreThanItsCompressedSizeBeforeInflatingIt() throws IOException {
        Map<String, Object> entries = new LinkedHashMap<>();
        entries.put("plugin.properties", GOOD);
        entries.put("data/zeros.bin", new byte[10 * 1024 * 1024]);
        Path p = zip("ratio.zip", entries);

        assertThatThrownBy(() -> inspector.inspect(p)).isInstanceOfSatisfying(RefusedException.class, e -> {
            assertThat(e.getMessage()).isEqualTo(
                "archive entry 'data/zeros.bin' expands to more than 100 times its compressed size (plugin.max.ratio)");
            assertThat(e.field()).isEqualTo("archive");
        });
    }

    @Test
    void refusesMoreEntriesOrMoreExpandedBytesThanTheLimitsAllow() throws IOException {
        Map<String, Object> entries = new LinkedHashMap<>();
        entries.put("plugin.properties", GOOD);
        for (int i = 0; i < 5; i++) {
            entries.put("classes/r" + i + ".txt", "resource " + i);
        }
        Path p = zip("many.zip", entries);

        assertThatThrownBy(() -> new ArchiveInspector(new ArchiveLimits(5, 1 << 20, 100), Set.of()).inspect(p))
            .hasMessage("the archive has more than 5 entries (plugin.max.entries)");
        assertThatThrownBy(() -> new ArchiveInspector(new ArchiveLimits(100, 200, 100), Set.of()).inspect(p))
            .hasMessage("the plugin archive expands to more than 200 bytes (plugin.max.expanded)");
    }

    @Test
    void refusesAClassThatCallsSystemExitNamingTheClassTheMethodAndTheCall() throws IOException {
        Path p = zip("exits.zip", Map.of("plugin.properties", GOOD,
            "classes/com/example/AirPlugin.class", classFile(ProcessEndingCode.Exits.class)));
        String sha = ArchiveInspector.sha256(p);

        assertThatThrownBy(() -> inspector.inspect(p)).isInstanceOfSatisfying(RefusedException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("plugin air-quality 1.2.0 calls System.exit in "
                + ProcessEndingCode.Exits.class.getName() + ".start (classes/com/example/AirPlugin.class): code "
                + "that ends the JVM or replaces its process-wide state is loaded only if an admin admits the "
                + "archive by its SHA-256 " + sha + " (plugin.admitted)");
            assertThat(e.field()).isEqualTo("archive");
        });
    }

    @Test
    void acceptsSuchAClassWhenTheAdminAdmittedTheArchiveBySha256() throws IOException {
        Path p = zip("exits.zip", Map.of("plugin.properties", GOOD,
            "classes/com/example/AirPlugin.class", classFile(ProcessEndingCode.Exits.class)));

        PluginArchive a = new ArchiveInspector(ArchiveLimits.DEFAULTS, Set.of(ArchiveInspector.sha256(p))).inspect(p);

        assertThat(a.id()).isEqualTo("air-quality");
    }

    @Test
    void refusesAClassFileItCannotRead() throws IOException {
        Path p = zip("junk-class.zip", Map.of("plugin.properties", GOOD, "classes/com/example/AirPlugin.class", "x"));

        assertThatThrownBy(() -> inspector.inspect(p)).hasMessage("archive entry "
            + "'classes/com/example/AirPlugin.class' is not a valid class file (it ends inside a structure)");
    }

    @Test
    void unpacksAZipPluginIntoItsFolder() throws IOException {
        Path p = zip("ok-1.2.0.zip", Map.of("plugin.properties", GOOD, "classes/com/example/AirPlugin.class",
            A_CLASS, "lib/helper.jar", zipBytes(Map.of("com/example/Helper.class", A_CLASS))));
        PluginArchive a = inspector.inspect(p);

        inspector.unpack(a, a.loadPath());

        assertThat(a.loadPath()).isEqualTo(dir.resolve("ok-1.2.0"));
        assertThat(files(a.loadPath()))
            .containsExactlyInAnyOrder("classes/com/example/AirPlugin.class", "lib/helper.jar", "plugin.properties");
    }

    @Test
    void refusesANestedJarThatHaltsTheJvmAndLeavesNoFolder() throws IOException {
        Path p = zip("nested-1.2.0.zip", Map.of("plugin.properties", GOOD,
            "lib/helper.jar", zipBytes(Map.of("com/example/Helper.class", classFile(ProcessEndingCode.Halts.class)))));
        PluginArchive a = inspector.inspect(p);

        assertThatThrownBy(() -> inspector.unpack(a, a.loadPath()))
            .hasMessageStartingWith("plugin air-quality 1.2.0 calls Runtime.halt in "
                + ProcessEndingCode.Halts.class.getName() + ".stop (lib/helper.jar!com/example/Helper.class)");
        assertThat(a.loadPath()).doesNotExist();
    }

    @Test
    void refusesANestedJarBombAndLeavesNoFolder() throws IOException {
        Map<String, Object> bomb = new LinkedHashMap<>();
        bomb.put("zeros.bin", new byte[10 * 1024 * 1024]);
        Path p = zip("nested-bomb-1.2.0.zip", Map.of("plugin.properties", GOOD, "lib/bomb.jar", zipBytes(bomb)));
        PluginArchive a = inspector.inspect(p);

        assertThatThrownBy(() -> inspector.unpack(a, a.loadPath())).hasMessage(
            "entry 'zeros.bin' of lib/bomb.jar expands to more than 100 times its compressed size (plugin.max.ratio)");
        assertThat(a.loadPath()).doesNotExist();
    }

    @Test
    void refusesANestedJarWhoseClassPathLeadsOutOfThePlugin() throws IOException {
        byte[] jar = zipBytes(Map.of("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nClass-Path: ../../../tmp/evil.jar\n"));
        Path p = zip("classpath-1.2.0.zip", Map.of("plugin.properties", GOOD, "lib/a.jar", jar));
        PluginArchive a = inspector.inspect(p);

        assertThatThrownBy(() -> inspector.unpack(a, a.loadPath()))
            .hasMessage("lib/a.jar's manifest puts '../../../tmp/evil.jar' on its Class-Path, outside the plugin");
        assertThat(a.loadPath()).doesNotExist();
    }

    @Test
    void refusesAPluginThatNeedsAnotherApiVersion() throws IOException {
        Path p = zip("new.zip", Map.of("plugin.properties", GOOD.replace(">=1.0.0 & <2.0.0", ">=2.0.0"), "x", "y"));

        assertThatThrownBy(() -> inspector.inspect(p)).isInstanceOfSatisfying(RefusedException.class, e -> {
            assertThat(e.getMessage())
                .isEqualTo("plugin air-quality 1.2.0 requires hub API >=2.0.0, but this hub offers API "
                    + de.datenhafen.api.HubApi.version());
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

    private Path zip(String name, Map<String, ?> entries) throws IOException {
        return Files.write(dir.resolve(name), zipBytes(entries));
    }

    /** A zip of these entries (strings as UTF-8), deflated, in the map's order. */
    static byte[] zipBytes(Map<String, ?> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, ?> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue() instanceof byte[] b ? b : e.getValue().toString().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** {@code bytes} with the first {@code from} replaced by {@code to}, of the same length (a local header name). */
    static byte[] replaceFirst(byte[] bytes, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        assertThat(t).hasSameSizeAs(f);
        for (int i = 0; i + f.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + f.length, f, 0, f.length)) {
                byte[] out = bytes.clone();
                System.arraycopy(t, 0, out, i, t.length);
                return out;
            }
        }
        throw new AssertionError("no " + from + " in the archive");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static java.util.List<String> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(f -> root.relativize(f).toString()).toList();
        }
    }
}
