package de.datenhafen.distribution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** How the distribution's tests copy the unpacked server and start {@code bin/datenhafen} as an admin would. */
final class PackagedHub {

    private PackagedHub() {
    }

    /** Copies the unpacked server to {@code to}, without a {@code data} folder a run in place may have left. */
    static void copyWithoutData(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.sorted(Comparator.naturalOrder()).toList()) {
                String rel = from.relativize(p).toString();
                if (rel.startsWith("data")) {
                    continue;
                }
                Path target = to.resolve(rel);
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
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
        return pb;
    }
}
