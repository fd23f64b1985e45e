package de.datenhafen.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Folders for test fixtures under target/, so they are cleaned with the build. */
final class TestDirs {

    private TestDirs() {
    }

    static Path create(String name) {
        try {
            return Files.createTempDirectory(Files.createDirectories(Path.of("target", "fixtures")), name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
