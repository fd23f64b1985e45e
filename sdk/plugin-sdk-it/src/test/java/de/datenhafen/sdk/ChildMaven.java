package de.datenhafen.sdk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Maven of this build in a child process, offline, on a project outside the reactor, as a member's
 * developer would: its local repository is the one holding this build's artifacts (system property
 * {@code datenhafen.sdk.repo}), with this build's own local repository behind it, read-only, for Maven's plugins.
 */
final class ChildMaven {

    /** What a run did: its exit code and its output (standard output and error together). */
    record Run(int exitCode, String output, Duration took) {

        /** The last lines of the output, for a failure message. */
        String tail(int lines) {
            List<String> all = output.lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
    }

    static String version() {
        return property("datenhafen.version");
    }

    static Path projectRoot() {
        return Path.of(property("datenhafen.project.root")).normalize();
    }

    /** Runs {@code mvn -B -o <args>} in {@code dir}, at most {@code timeout}; the process is killed after that. */
    static Run run(Path dir, Duration timeout, String... args) {
        String mvn = Path.of(property("datenhafen.maven.home"), "bin", isWindows() ? "mvn.cmd" : "mvn").toString();
        List<String> command = new ArrayList<>(List.of(mvn, "-B", "-o", "-ntp", "-Dstyle.color=never",
            "-Dmaven.repo.local=" + property("datenhafen.sdk.repo"),
            "-Dmaven.repo.local.tail=" + property("datenhafen.sdk.repo.tail")));
        command.addAll(List.of(args));
        try {
            Path log = Files.createTempFile("child-maven-", ".log");
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
                throw new AssertionError("mvn " + String.join(" ", args) + " in " + dir + " took longer than "
                    + timeout + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            Run run = new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8),
                Duration.ofNanos(System.nanoTime() - t0));
            Files.deleteIfExists(log);
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set: run with 'mvnw verify'");
        }
        return value;
    }

    private static boolean isWindows() {
        return System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("win");
    }

    private ChildMaven() {
    }
}
