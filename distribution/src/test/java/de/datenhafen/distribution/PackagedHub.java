package de.datenhafen.distribution;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * How the distribution's tests copy the unpacked server and start {@code bin/datenhafen} as an admin would.
 *
 * <p>The class-data archive. {@code bin/datenhafen} records the classes a hub loads in {@code data/datenhafen.jsa} at
 * its first clean stop and maps them at every later start. A test's copy has a fresh data folder, so without help
 * every hub of the suite would start as a first start and spend its stop writing an archive no one uses (about 3 s
 * more per start and 10 s more per stop on 2 busy cores). The JVM takes an archive only for the class path it was
 * written with, and knows a jar by its file: so the copies' {@code lib/} jars are hard links to the built server's
 * (read only for every test, and the same bytes), the first archive a copy's hub writes at a clean stop is kept
 * ({@link #keepClassData}), and later copies of the same server start with it ({@link #copyWithClassData}), as an
 * installed hub does from its second start on. Where linking is not possible the jars are copied and nothing is
 * seeded. {@code DistributionSmokeIT} keeps the first start, and its archive written at the stop, to itself.
 */
final class PackagedHub {

    private static final String ARCHIVE = "data/datenhafen.jsa";
    /** {@code -Ddatenhafen.it.class-data=false}: every copy's hub starts as a first start (to compare). */
    private static final boolean SHARE_CLASS_DATA = !"false".equals(System.getProperty("datenhafen.it.class-data"));
    /** Copies whose {@code lib/} is linked to the server they were copied from. */
    private static final Map<Path, Path> LINKED = new ConcurrentHashMap<>();
    /** Per copied server, the archive the first of its copies' hubs wrote. */
    private static final Map<Path, Path> CLASS_DATA = new ConcurrentHashMap<>();

    private PackagedHub() {
    }

    /**
     * Copies the unpacked server to {@code to}, without what a run in place may have left (the README's first command
     * starts the hub there): its {@code data} folder and the plugin archives it unpacked next to themselves
     * ({@code plugins/<name>/} beside {@code plugins/<name>.zip}). The jars of {@code lib/} are hard links where the
     * file system allows.
     */
    static void copyWithoutData(Path from, Path to) throws IOException {
        boolean linked = true;
        Path plugins = from.resolve("plugins");
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.sorted(Comparator.naturalOrder()).toList()) {
                String rel = from.relativize(p).toString();
                if (rel.startsWith("data") || unpackedArchive(plugins, p)) {
                    continue;
                }
                Path target = to.resolve(rel);
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (rel.startsWith("lib") && link(p, target)) {
                    continue;
                } else {
                    linked &= !rel.startsWith("lib");
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        if (linked) {
            LINKED.put(key(to), key(from));
        } else {
            LINKED.remove(key(to));
        }
    }

    /**
     * The same, and the copy gets the class-data archive an earlier copy's hub wrote, if there is one and the copy has
     * no archive of its own yet.
     */
    static void copyWithClassData(Path from, Path to) throws IOException {
        copyWithoutData(from, to);
        Path archive = CLASS_DATA.get(key(from));
        Path seeded = to.resolve(ARCHIVE);
        if (!SHARE_CLASS_DATA || archive == null || !key(from).equals(LINKED.get(key(to))) || Files.exists(seeded)) {
            return;
        }
        Files.createDirectories(seeded.getParent(), PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------")));
        Files.copy(archive, seeded);
        Files.copy(stamp(archive), stamp(seeded)); // bin/datenhafen keeps an archive only with its stamp
        System.out.println("the hub in " + to + " starts with the class-data archive of an earlier copy's hub");
    }

    /**
     * Whether the hub in {@code home} writes the archive that {@link #keepClassData} would keep: its stop takes longer
     * then (10 to 25 s on 2 busy cores), once per server.
     */
    static boolean writesClassDataToKeep(Path home) {
        Path from = LINKED.get(key(home));
        return SHARE_CLASS_DATA && from != null && !CLASS_DATA.containsKey(from);
    }

    /**
     * After its hub stopped cleanly: keeps the class-data archive the hub in {@code home} wrote, for later copies of
     * the same server, unless one is kept already. An archive that cannot be kept costs later hubs time, not a result.
     */
    static void keepClassData(Path home) {
        Path from = LINKED.get(key(home));
        Path archive = home.resolve(ARCHIVE);
        if (from == null || CLASS_DATA.containsKey(from) || !Files.isRegularFile(archive)) {
            return;
        }
        try {
            Path kept = Files.createTempFile("datenhafen-class-data-", ".jsa");
            kept.toFile().deleteOnExit();
            Files.copy(archive, kept, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(stamp(archive), stamp(kept), StandardCopyOption.REPLACE_EXISTING);
            stamp(kept).toFile().deleteOnExit();
            if (CLASS_DATA.putIfAbsent(from, kept) != null) {
                Files.delete(kept);
                Files.delete(stamp(kept));
            } else {
                System.out.println("kept the class-data archive the hub in " + home + " wrote, for later copies");
            }
        } catch (IOException e) {
            System.err.println("class-data archive of " + home + " not kept: " + e);
        }
    }

    /** The stamp {@code bin/datenhafen} writes beside a class-data archive: which Java and lib/ it is for. */
    private static Path stamp(Path archive) {
        return archive.resolveSibling(archive.getFileName() + ".stamp");
    }

    /** Whether {@code p} is in a folder of {@code plugins} that the hub unpacked from the archive beside it. */
    private static boolean unpackedArchive(Path plugins, Path p) {
        if (!p.startsWith(plugins) || p.equals(plugins)) {
            return false;
        }
        Path folder = plugins.resolve(plugins.relativize(p).getName(0));
        return Files.isDirectory(folder) && Files.isRegularFile(plugins.resolve(folder.getFileName() + ".zip"));
    }

    private static boolean link(Path existing, Path link) throws IOException {
        try {
            Files.deleteIfExists(link); // a kept folder of an earlier run (BusCrashIT's datenhafen.crash.home)
            Files.createLink(link, existing);
            return true;
        } catch (FileSystemException | UnsupportedOperationException e) {
            return false; // another file system: a copy, and no archive shared
        }
    }

    private static Path key(Path p) {
        return p.toAbsolutePath().normalize();
    }

    /**
     * {@code bin/datenhafen} of the server in {@code home}, on 127.0.0.1:{@code port} with this admin token and the
     * test's own JDK, its output in {@code log}.
     */
    static ProcessBuilder command(Path home, int port, String adminToken, Path log, String... options) {
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(home.resolve("bin/datenhafen").toString());
        command.addAll(java.util.List.of(options));
        ProcessBuilder pb = new ProcessBuilder(command)
            .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("DATENHAFEN_HTTP_HOST", "127.0.0.1");
        pb.environment().put("DATENHAFEN_HTTP_PORT", Integer.toString(port));
        pb.environment().put("DATENHAFEN_ADMIN_TOKEN", adminToken);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // the JIT's first tier only, as the test JVMs (the root pom's test.jit.args): most of a test hub's CPU is its
        // start. Through the JVM's own variable, whatever DATENHAFEN_JAVA_OPTS a test gives; the JVM says so in the
        // first line of the log ("Picked up JAVA_TOOL_OPTIONS").
        String jit = System.getProperty("datenhafen.it.hub-jit", "").trim();
        if (!jit.isEmpty()) {
            pb.environment().merge("JAVA_TOOL_OPTIONS", jit, (given, ours) -> given + " " + ours);
        }
        return pb;
    }
}
