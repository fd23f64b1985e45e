package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.Fixtures;
import de.datenhafen.fixtures.ProcessEndingPlugins;
import de.datenhafen.fixtures.QuietPlugin;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives made as an attacker makes them, uploaded through the admin API: each is refused with its exact status and
 * message, leaves nothing in the plugins folder or the plugins' data folder, and nothing of it is loaded when the hub
 * starts again on the same folders. The zips are written field by field ({@link HostileZip}) in a temporary folder.
 */
class HostileArchivesTest {

    private static final int MAX_ENTRIES = 100;

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .config(HubConfig.MAX_PLUGIN_ENTRIES, MAX_ENTRIES)
        .config(HubConfig.MAX_PLUGIN_EXPANDED, 8L * 1024 * 1024)
        .build();

    @TempDir
    Path dir;

    // ---- smuggling and traversal

    @Test
    void refusesAnEntryWhoseLocalHeaderNamesAFileBesideThePlugins() {
        Path zip = new HostileZip().add("plugin.properties", descriptor("smuggler"))
            .smuggle("classes/x", "../evil-1.0.0.jar", "PK not really".getBytes(StandardCharsets.UTF_8))
            .writeTo(dir.resolve("smuggler-1.0.0.zip"));

        refusedLeavingNothing(zip, 422, "the archive's local headers and central directory disagree: entry "
            + "'classes/x' is named '../evil-1.0.0.jar' in its local header", "smuggler");
    }

    @Test
    void refusesAnEntryThatOnlyTheLocalHeadersHold() {
        byte[] evil = "PK not really".getBytes(StandardCharsets.UTF_8);
        Path zip = new HostileZip().add("plugin.properties", descriptor("hider")).hidden("../evil-1.0.0.jar", evil)
            .add("classes/readme.txt", "nothing to see").writeTo(dir.resolve("hider-1.0.0.zip"));

        refusedLeavingNothing(zip, 422, "the archive's local headers and central directory disagree: "
            + (30 + "../evil-1.0.0.jar".length() + evil.length)
            + " bytes after entry 'plugin.properties' belong to no listed entry", "hider");
    }

    @Test
    void refusesAnEntryThatClimbsOutWithDotDot() {
        refusedLeavingNothing(withEntry("climber", "classes/../../evil.sh"), 422,
            "archive entry 'classes/../../evil.sh' escapes the plugin's folder", "climber");
    }

    @Test
    void refusesAnAbsoluteEntry() {
        refusedLeavingNothing(withEntry("absolute", "/tmp/evil.sh"), 422,
            "archive entry '/tmp/evil.sh' escapes the plugin's folder", "absolute");
    }

    @Test
    void refusesAnEntryThatClimbsOutWithBackslashes() {
        refusedLeavingNothing(withEntry("backslash", "..\\..\\evil.sh"), 422,
            "archive entry '..\\..\\evil.sh' escapes the plugin's folder", "backslash");
    }

    @Test
    void refusesABackslashEvenWhereItStaysInside() {
        refusedLeavingNothing(withEntry("windows", "classes\\evil.class"), 422, "archive entry "
            + "'classes\\evil.class' has a backslash in its name, which Windows reads as a folder separator",
            "windows");
    }

    @Test
    void refusesEntriesWithADriveLetter() {
        refusedLeavingNothing(withEntry("drive", "C:/Windows/evil.dll"), 422,
            "archive entry 'C:/Windows/evil.dll' escapes the plugin's folder", "drive");
        refusedLeavingNothing(withEntry("drive", "C:evil.dll"), 422,
            "archive entry 'C:evil.dll' escapes the plugin's folder", "drive");
    }

    @Test
    void refusesASymbolicLink() {
        Path zip = new HostileZip().add("plugin.properties", descriptor("linker")).symlink("classes/config", "/etc")
            .writeTo(dir.resolve("linker-1.0.0.zip"));

        refusedLeavingNothing(zip, 422, "archive entry 'classes/config' is a symbolic link; plugin archives hold "
            + "files and folders only", "linker");
    }

    // ---- bombs and limits

    @Test
    void refusesAOneMegabyteZipThatExpandsToAGigabyteWithoutExpandingIt() throws IOException {
        Path zip = new HostileZip().add("plugin.properties", descriptor("bomb")).bomb("data/zeros.bin", 1024)
            .writeTo(dir.resolve("bomb-1.0.0.zip"));
        assertThat(Files.size(zip)).isBetween(900_000L, 1_100_000L);

        long t0 = System.nanoTime();
        HubClient.Response timed = hub.client().installPlugin(zip, true);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(timed.status()).isEqualTo(422);
        System.out.printf("HostileArchivesTest: the %d-byte zip bomb (1 GiB expanded) was refused in %d ms "
            + "(HTTP round trip on loopback, upload included)%n", Files.size(zip), millis);

        refusedLeavingNothing(zip, 422,
            "archive entry 'data/zeros.bin' expands to more than 100 times its compressed size (plugin.max.ratio)",
            "bomb");
    }

    @Test
    void refusesABombThatUnderstatesItsSize() {
        byte[] readings = "2026-12-01T00:00:00Z,co2,612\n".repeat(100_000).getBytes(StandardCharsets.UTF_8);
        Path zip = new HostileZip().add("plugin.properties", descriptor("liar"))
            .understated("data/readings.csv", readings, 10).writeTo(dir.resolve("liar-1.0.0.zip"));

        refusedLeavingNothing(zip, 422, "the archive's local headers and central directory disagree: entry "
            + "'data/readings.csv' does not expand to the 10 bytes its headers give", "liar");
    }

    @Test
    void refusesAnArchiveThatExpandsBeyondTheLimit() {
        Random random = new Random(42);
        byte[] a = new byte[5 * 1024 * 1024];
        byte[] b = new byte[5 * 1024 * 1024];
        random.nextBytes(a);
        random.nextBytes(b);
        Path zip = new HostileZip().add("plugin.properties", descriptor("large")).add("data/a.bin", a)
            .add("data/b.bin", b).writeTo(dir.resolve("large-1.0.0.zip"));

        refusedLeavingNothing(zip, 422, "the plugin archive expands to more than 8 MiB (plugin.max.expanded)",
            "large");
    }

    @Test
    void refusesAnArchiveWithTooManyEntries() {
        HostileZip many = new HostileZip().add("plugin.properties", descriptor("many"));
        for (int i = 0; i < MAX_ENTRIES + 50; i++) {
            many.add("classes/r" + i + ".txt", "resource " + i);
        }

        refusedLeavingNothing(many.writeTo(dir.resolve("many-1.0.0.zip")), 422,
            "the archive has more than " + MAX_ENTRIES + " entries (plugin.max.entries)", "many");
    }

    @Test
    void refusesAJarBombInLib() {
        // Half a gigabyte, so the jar itself stays under the size from which the outer archive checks ratios.
        byte[] jar = new HostileZip().bomb("zeros.bin", 512).toBytes();
        Path zip = PluginArchiveBuilder.plugin("nested-bomb", "1.0.0", Fixtures.MEMBER, QuietPlugin.class)
            .withEntry("lib/bomb.jar", jar).writeTo(dir);

        refusedLeavingNothing(zip, 422, "entry 'zeros.bin' of lib/bomb.jar expands to more than 100 times its "
            + "compressed size (plugin.max.ratio)", "nested-bomb");
    }

    // ---- code that ends the hub

    @Test
    void refusesAPluginThatCallsSystemExit() {
        refusesProcessCall("exits", ProcessEndingPlugins.Exits.class, "System.exit", "start");
    }

    @Test
    void refusesAPluginThatCallsRuntimeExit() {
        refusesProcessCall("runtime-exit", ProcessEndingPlugins.ExitsThroughTheRuntime.class, "Runtime.exit",
            "start");
    }

    @Test
    void refusesAPluginThatHaltsTheJvm() {
        refusesProcessCall("halts", ProcessEndingPlugins.Halts.class, "Runtime.halt", "stop");
    }

    @Test
    void refusesAPluginThatReplacesTheSecurityManager() {
        refusesProcessCall("security", ProcessEndingPlugins.ReplacesTheSecurityManager.class,
            "System.setSecurityManager", "start");
    }

    @Test
    void refusesAPluginThatAddsAShutdownHook() {
        refusesProcessCall("hooks", ProcessEndingPlugins.AddsAShutdownHook.class, "Runtime.addShutdownHook",
            "start");
    }

    @Test
    void refusesAPluginWhoseLibraryInLibHaltsTheJvm() {
        String helper = ProcessEndingPlugins.HaltingHelper.class.getName().replace('.', '/') + ".class";
        byte[] jar = new HostileZip().add(helper, classFile(ProcessEndingPlugins.HaltingHelper.class)).toBytes();
        Path zip = PluginArchiveBuilder.plugin("halting-lib", "1.0.0", Fixtures.MEMBER,
            ProcessEndingPlugins.WithAHaltingLibrary.class).withEntry("lib/halting.jar", jar).writeTo(dir);

        refusedLeavingNothing(zip, 422, "plugin halting-lib 1.0.0 calls Runtime.halt in "
            + ProcessEndingPlugins.HaltingHelper.class.getName() + ".panic (lib/halting.jar!" + helper + "): "
            + admission(zip), "halting-lib");
    }

    // ---- one plugin reaching another's data

    @Test
    void refusesAnIdThatMapsToAnotherPluginsSchemaEvenAfterThatPluginIsDeleted() {
        HubClient.Response first = hub.client().installPlugin(Fixtures.quiet(dir, "collide-a"), true);
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        String refusal = "plugin id 'collide_a' maps to database schema PLUGIN_COLLIDE_A, which belongs to plugin "
            + "collide-a; choose another Plugin-Id";

        refusedLeavingNothing(Fixtures.quiet(dir, "collide_a"), 409, refusal, "collide_a", "Plugin-Id");
        assertThat(hub.client().delete("/api/v1/admin/plugins/collide-a").status()).isEqualTo(204);
        refusedLeavingNothing(Fixtures.quiet(dir, "collide_a"), 409, refusal, "collide_a", "Plugin-Id");
    }

    // ---- helpers

    private void refusesProcessCall(String id, Class<?> pluginClass, String call, String method) {
        Path zip = PluginArchiveBuilder.plugin(id, "1.0.0", Fixtures.MEMBER, pluginClass).writeTo(dir);
        String classFile = "classes/" + pluginClass.getName().replace('.', '/') + ".class";

        refusedLeavingNothing(zip, 422, "plugin " + id + " 1.0.0 calls " + call + " in " + pluginClass.getName()
            + "." + method + " (" + classFile + "): " + admission(zip), id);
    }

    private static String admission(Path zip) {
        return "code that ends the JVM or replaces its process-wide state is loaded only if an admin admits the "
            + "archive by its SHA-256 " + sha256(zip) + " (plugin.admitted)";
    }

    private Path withEntry(String id, String entryName) {
        return new HostileZip().add("plugin.properties", descriptor(id)).add(entryName, "#!/bin/sh\necho owned\n")
            .writeTo(dir.resolve(id + "-1.0.0.zip"));
    }

    private static void refusedLeavingNothing(Path archive, int status, String error, String id) {
        refusedLeavingNothing(archive, status, error, id, "archive");
    }

    /**
     * Uploads {@code archive}; asserts the exact answer, that no file or folder appeared in the plugins folder or
     * the plugins' data folder and no {@code evil} file anywhere in the hub's home, and that after a restart on the
     * same folders the hub knows nothing of the archive.
     */
    private static void refusedLeavingNothing(Path archive, int status, String error, String id, String field) {
        Set<String> before = files();

        HubClient.Response r = hub.client().installPlugin(archive, true);

        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.json().getString("error")).isEqualTo(error);
        assertThat(r.json().getString("field")).isEqualTo(field);
        assertThat(files()).isEqualTo(before);

        hub.restart();

        HubClient.Response list = hub.client().get("/api/v1/admin/plugins");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.jsonArray().stream().map(JsonObject.class::cast))
            .noneMatch(p -> id.equals(p.getString("id")))
            .noneMatch(p -> p.getString("state").equals("refused") || p.getString("state").equals("ignored"));
        assertThat(hub.client().get("/api/v1/admin/plugins/" + id).status()).isEqualTo(404);
        assertThat(files()).isEqualTo(before);
    }

    /** Every path below the plugins folder and the plugins' data folder; fails on any {@code evil} file in home. */
    private static Set<String> files() {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(hub.home())) {
            walk.forEach(p -> {
                String relative = hub.home().relativize(p).toString();
                assertThat(p.getFileName().toString()).as(relative).doesNotContain("evil");
                if (relative.startsWith("plugins") || relative.startsWith("data/plugins")) {
                    out.add(relative);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(out).noneMatch(name -> name.contains(".upload-"));
        return out;
    }

    private static String descriptor(String id) {
        return "plugin.id=" + id + "\nplugin.version=1.0.0\nplugin.provider=" + Fixtures.MEMBER + "\nplugin.class="
            + QuietPlugin.class.getName() + "\nplugin.requires=>=1.0.0 & <2.0.0\n";
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] classFile(Class<?> type) {
        try (InputStream in = type.getResourceAsStream(type.getName().substring(type.getPackageName().length() + 1)
            + ".class")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
