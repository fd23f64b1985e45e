package de.datenhafen.core.store;

import de.datenhafen.api.ConflictException;
import de.datenhafen.core.bus.RestoredBackup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An online backup of the embedded H2 database while the hub runs: H2's {@code BACKUP TO}, a consistent copy of the
 * database file taken inside the running database (writers go on meanwhile; what was committed before the statement
 * is in the copy), into a zip under the data folder's {@value #FOLDER}/ folder, with the small files of the data
 * folder that the copy cannot be used without: {@code db.key} (the database's password), {@code secret.key} (the
 * key of the secrets stored in it), {@code node-id} (so a hub restored from it takes its own leases back at once) and
 * {@code bus-storage} (how the bus stores its events, which decides the database's settings at the restored hub's first
 * start; without it that start opened a chunked bus with the settings for rows).
 * Unpacked into an empty data folder, the zip is that folder as it was; the plugins' own files ({@code plugins/}) are
 * not in it.
 *
 * <p>The zip is written under a hidden name and renamed when complete, so a file named {@code datenhafen-*.zip} is a
 * whole backup; the folder and its files are readable by the hub's OS user only, as the data folder is. One backup
 * at a time, on a thread of its own: a large database takes minutes (H2 deflates the copy), longer than a caller
 * may want to wait for an answer. On PostgreSQL there is no such copy inside the hub: {@code pg_dump} takes one from outside, which is
 * what the refusal says.
 */
public final class OnlineBackup {

    private static final Logger LOG = LoggerFactory.getLogger(OnlineBackup.class);

    /** The folder in the data folder that holds the backups. */
    public static final String FOLDER = "backups";
    /** The data folder's files that go into the zip beside the database, where they exist. */
    static final List<String> FILES = List.of(DatabaseLogin.KEY_FILE, "secret.key", "node-id",
        de.datenhafen.core.bus.BusStorage.CHOICE_FILE);
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'datenhafen-'yyyyMMdd'-'HHmmss")
        .withZone(ZoneOffset.UTC);

    /**
     * A backup taken.
     *
     * @param name the zip's file name in the backups folder
     * @param size its size in bytes
     * @param entries the files in it, the database's first
     * @param took how long the backup took
     */
    public record Result(String name, long size, Instant taken, List<String> entries, Duration took) {
    }

    /**
     * A backup begun: the name its zip will have in the backups folder, and its result once written.
     */
    public record Started(String name, Instant taken, CompletableFuture<Result> done) {
    }

    private final Database db;
    private final Path dataDir;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();

    public OnlineBackup(Database db, Path dataDir, Clock clock) {
        this.db = db;
        this.dataDir = dataDir;
        this.clock = clock;
    }

    /**
     * Begins a backup now on a thread of its own and returns at once.
     *
     * @throws ConflictException on a database that is not an embedded H2 file, or while another backup runs
     */
    public Started start() {
        if (!db.isEmbeddedH2File()) {
            throw new ConflictException(db.isH2()
                ? "the online backup copies an embedded H2 database file; this hub's H2 database is not one (in "
                    + "memory, or a server's): back it up where its file is"
                : "this hub's database is PostgreSQL, whose backup is pg_dump (a consistent copy while the hub runs), "
                    + "with the data folder's secret.key beside it: see docs/operations.md, \"Backup and restore on "
                    + "PostgreSQL\"", null);
        }
        if (!running.compareAndSet(false, true)) {
            throw new ConflictException("a backup is being taken; try again when it is done (its zip appears in the "
                + "data folder's " + FOLDER + "/ when complete)", null);
        }
        try {
            Instant taken = clock.instant();
            Path folder = dataDir.resolve(FOLDER);
            DataFolder.makePrivate(folder);
            Path target = free(folder, NAME.format(taken));
            CompletableFuture<Result> done = new CompletableFuture<>();
            Thread writer = new Thread(() -> {
                try {
                    done.complete(write(target, taken));
                } catch (RuntimeException e) {
                    LOG.error("The online backup {} failed: {}", target, e.getMessage(), e);
                    done.completeExceptionally(e);
                } finally {
                    running.set(false);
                }
            }, "online-backup");
            writer.setDaemon(true);
            writer.start();
            return new Started(target.getFileName().toString(), taken, done);
        } catch (RuntimeException e) {
            running.set(false);
            throw e;
        }
    }

    private Result write(Path target, Instant taken) {
        long t0 = System.nanoTime();
        Path folder = target.getParent();
        Path partial = folder.resolve("." + target.getFileName() + ".partial");
        try {
            // made empty and private first: H2 writes into it, keeping its permissions
            DataFolder.createPrivateFile(partial);
            try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("BACKUP TO ?")) {
                ps.setString(1, partial.toAbsolutePath().toString());
                ps.execute();
            }
            // the zip file system rewrites the zip with the files added (a private temp file, moved over it) and
            // copies H2's compressed entries as they are
            try (FileSystem zip = FileSystems.newFileSystem(partial)) {
                for (String name : FILES) {
                    Path file = dataDir.resolve(name);
                    if (Files.isRegularFile(file)) {
                        Files.copy(file, zip.getPath(name));
                    }
                }
                // the restored hub's first start moves the bus's sequence past what this hub hands out after now
                Files.write(zip.getPath(RestoredBackup.FILE), RestoredBackup.marker(taken));
            }
            try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            DataFolder.makePrivate(folder);
            List<String> entries = new ArrayList<>();
            try (ZipFile z = new ZipFile(target.toFile())) {
                z.stream().map(ZipEntry::getName).forEach(entries::add);
            }
            Result result = new Result(target.getFileName().toString(), Files.size(target), taken, List.copyOf(entries),
                Duration.ofNanos(System.nanoTime() - t0));
            LOG.info("Online backup {} written ({} bytes, {} ms): {}", target, result.size(), result.took().toMillis(),
                String.join(", ", entries));
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException("the database's online backup into " + partial + " failed: "
                + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the backup " + target + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                LOG.warn("Could not remove the unfinished backup {}: {}", partial, e.getMessage());
            }
        }
    }

    /** {@code <stem>.zip} in {@code folder}, or {@code <stem>-2.zip} and so on when two backups share a second. */
    private static Path free(Path folder, String stem) {
        Path candidate = folder.resolve(stem + ".zip");
        for (int n = 2; Files.exists(candidate); n++) {
            candidate = folder.resolve(stem + "-" + n + ".zip");
        }
        return candidate;
    }
}
