package de.datenhafen.plugins.social;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /export.zip}: the tabular data package written to a file in the plugin's data folder
 * ({@link TabularWriter#zip(TabularWriter.Export, Path)}) and sent from there. The file is kept while the directory
 * does not change, so a second export (or an attacker's loop of them) reads the file instead of writing the package
 * again; one export is written at a time, and the one before is deleted when a newer one replaces it (an answer still
 * sending it keeps reading: on POSIX a deleted file stays readable while it is open).
 */
final class TabularExport {

    private static final Logger LOG = LoggerFactory.getLogger(TabularExport.class);

    private final Path folder;
    private long version = -1;
    private Path file;

    /** Exports go to {@code folder}; what an earlier run left there is deleted. */
    TabularExport(Path folder) {
        this.folder = folder;
        if (Files.isDirectory(folder)) {
            try (DirectoryStream<Path> old = Files.newDirectoryStream(folder, "hsds-directory-*.zip")) {
                for (Path p : old) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                LOG.warn("social-services: could not clear old exports in {}: {}", folder, e.toString());
            }
        }
    }

    /** The package of the directory as it is now, opened for reading. */
    synchronized InputStream open(Directory dir) {
        try {
            if (file == null || version != dir.version() || !Files.isRegularFile(file)) {
                Directory.Snapshot snap = dir.snapshotForExport();
                Iterable<com.fasterxml.jackson.databind.node.ObjectNode> docs = () -> snap.services().stream()
                    .map(Directory.Stored::json).iterator();
                Path next = TabularWriter.zip(new TabularWriter.Export(snap.organizations(), docs, snap.taxonomies(),
                    snap.terms()), folder);
                Path before = file;
                file = next;
                version = snap.version();
                if (before != null) {
                    Files.deleteIfExists(before);
                }
            }
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the tabular export: " + e.getMessage(), e);
        }
    }
}
