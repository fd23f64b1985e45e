package de.datenhafen.core.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's data folder holds the database, the secrets key and the database key: it is made, and kept at every
 * start, readable by the hub's OS user only (folder 0700, the files in it 0600), so another account on the machine
 * reads none of it. On a file system without POSIX permissions the folder's own access control applies.
 */
public final class DataFolder {

    private static final Logger LOG = LoggerFactory.getLogger(DataFolder.class);
    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private DataFolder() {
    }

    /** Makes {@code dataDir} if needed and takes every permission of others from it and the files directly in it. */
    public static void makePrivate(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            if (!posix(dataDir)) {
                LOG.warn("The data folder {} is on a file system without POSIX permissions; make sure only the "
                    + "hub's OS user can read it", dataDir);
                return;
            }
            Files.setPosixFilePermissions(dataDir, FOLDER);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dataDir, Files::isRegularFile)) {
                for (Path file : files) {
                    if (!Files.getPosixFilePermissions(file).equals(FILE)) {
                        Files.setPosixFilePermissions(file, FILE);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the data folder " + dataDir + " private", e);
        }
    }

    /** Creates an empty file readable by the hub's OS user only from the first moment (replacing a leftover). */
    static Path createPrivateFile(Path file) throws IOException {
        Files.deleteIfExists(file);
        if (posix(file.getParent())) {
            return Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
        }
        try {
            return Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            return file;
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Removes a folder and what is in it, logging what could not be removed. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("Could not delete {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", root, e.getMessage());
        }
    }

    /**
     * Where Vert.x may unpack files from the jars (the pages' files): the base for its file cache, under which Vert.x
     * makes a folder {@code vertx-<random>} at each start and removes it when it closes. Under the system's temporary
     * folder, a hub that was killed (kill -9, a crash, a power cut) left one behind at every start, for ever; here,
     * under the data folder, the hub that holds the lock on {@code cache/.lock} removes what earlier starts left. The
     * lock is held until {@link FileCache#close}, so a second hub on the same folder (in this JVM or another, whatever
     * the database) removes nothing of the first's; it logs that and leaves the folder as it is.
     */
    public static FileCache fileCache(Path dataDir) {
        Path cache = dataDir.resolve("cache");
        FileChannel lockFile = null;
        FileLock lock = null;
        try {
            Files.createDirectories(cache);
            lockFile = FileChannel.open(cache.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = lockFile.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // another hub in this JVM holds it
            }
            if (lock == null) {
                LOG.info("Another hub uses the file cache in {}; what is in it is left as it is", cache);
                lockFile.close();
                lockFile = null;
            } else {
                try (DirectoryStream<Path> left = Files.newDirectoryStream(cache, "vertx-*")) {
                    for (Path dir : left) {
                        LOG.info("Removing {}, left by an earlier start that did not stop cleanly", dir);
                        deleteTree(dir);
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not clear the file cache {}: {}", cache, e.getMessage());
        }
        return new FileCache(cache.resolve("vertx"), lockFile);
    }

    /** The base of Vert.x's file cache, and the lock that lets this hub clear it (null when another holds it). */
    public record FileCache(Path base, FileChannel lock) implements AutoCloseable {

        /** Lets the lock go (closing its file releases it); after Vert.x has closed. */
        @Override
        public void close() throws IOException {
            if (lock != null) {
                lock.close();
            }
        }
    }
}
