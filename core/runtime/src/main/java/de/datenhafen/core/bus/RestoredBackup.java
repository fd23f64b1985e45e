package de.datenhafen.core.bus;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data folder unpacked from a backup goes on from the events the backup holds; the hub it was taken from went on
 * handing out sequence numbers after it, which clients outside may have seen (a position they keep of
 * {@code GET /api/v1/events?after=}, a stream's {@code Last-Event-ID}). Given again to new events, those numbers made
 * such a client skip the new events. So the online backup carries a marker ({@value #FILE}, with the time it was
 * taken), and the restored hub's first start moves the bus's counter past every number the old hub can have handed
 * out since: as many as {@value #EVENTS_PER_SECOND_BOUND} events a second (fifteen times the most this hub was
 * measured to take) for the time since the backup and a day more (so a second restore of the same backup moves past
 * what the first restored hub handed out meanwhile). The numbers in between are never used:
 * a client reading on sees the gap where the events acknowledged after the backup were lost. The marker is removed
 * once the counter is moved, so the next start is a usual one.
 *
 * <p>On PostgreSQL the backup is {@code pg_dump}'s, which has no marker: an operator writes one before the restored
 * hub's first start, and starts that node alone first (docs/operations.md). On Kafka the events stay in the topic,
 * which a database restore does not touch: the marker is removed unread ({@link #discard}).
 *
 * <p>A marker's time must be within a year before now and at most a day after it: a mistyped year would move the
 * sequences past what a JavaScript client reads exactly (2^53), and a hub does not start on such a folder.
 */
public final class RestoredBackup {

    private static final Logger LOG = LoggerFactory.getLogger(RestoredBackup.class);
    /** The marker's name in the data folder (and in the backup's zip). */
    public static final String FILE = "from-backup.json";
    static final long EVENTS_PER_SECOND_BOUND = 10_000_000;
    private static final Duration MORE = Duration.ofDays(1);
    private static final Duration OLDEST = Duration.ofDays(366);

    private RestoredBackup() {
    }

    /** The marker of a backup taken at {@code taken}. */
    public static byte[] marker(Instant taken) {
        return new JsonObject().put("taken", taken.toString()).encodePrettily().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * At a start, before the bus opens: when the data folder holds a backup's marker, moves the bus's counter past
     * every number handed out since the backup and removes the marker; the first sequence new events get then.
     */
    public static OptionalLong apply(DataSource dataSource, Path dataDir, Clock clock) {
        Path file = dataDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return OptionalLong.empty();
        }
        Instant taken = taken(file);
        Duration since = Duration.between(taken, clock.instant());
        if (since.compareTo(OLDEST) > 0 || since.compareTo(MORE.negated()) < 0) {
            throw new IllegalStateException(file + " says the backup was taken at " + taken + ", which is not within a "
                + "year before now (" + clock.instant() + "): correct the time in it (UTC, when the backup or dump "
                + "began) and start again");
        }
        long gap = Math.multiplyExact(Math.max(since.getSeconds() + 1, 0) + MORE.getSeconds(),
            EVENTS_PER_SECOND_BOUND);
        long last;
        long floor;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            // the counter row locked first: another node's group commit waits, and claims past the new floor
            try (PreparedStatement ps = c.prepareStatement(
                "SELECT val FROM bus_log_state WHERE name = 'high_water_seq' FOR UPDATE");
                 java.sql.ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("bus_log_state has no high_water_seq row");
                }
            }
            last = GroupCommitLog.lastAssigned(c);
            floor = Math.addExact(last, gap);
            try (PreparedStatement ps = c.prepareStatement(
                "UPDATE bus_log_state SET val = ? WHERE name = 'high_water_seq' AND val < ?")) {
                ps.setLong(1, floor);
                ps.setLong(2, floor);
                ps.executeUpdate();
            }
            c.commit();
            if (c.getMetaData().getDatabaseProductName().equals("H2")) {
                // on disk before the marker goes: H2 writes a commit out within a second, a power cut in it would
                // keep the delete and lose the counter
                c.setAutoCommit(true);
                try (java.sql.Statement st = c.createStatement()) {
                    st.execute("CHECKPOINT SYNC");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot move the bus's sequence past the backup's: " + e.getMessage(), e);
        }
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException("moved the bus's sequence past the backup's, but cannot remove " + file
                + " (the next start would move it again): " + e.getMessage(), e);
        }
        LOG.warn("This data folder was restored from a backup taken at {} (its last sequence {}): new events begin "
            + "at sequence {}, past every number the hub it was taken from can have handed out since, so that no "
            + "client outside takes a new event for one it has seen. The events acknowledged after the backup are "
            + "not in it.", taken, last, floor + 1);
        return OptionalLong.of(floor + 1);
    }

    /** On Kafka: the topic keeps every event, so a marker is removed unread (a start without Kafka would read it). */
    public static void discard(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.deleteIfExists(file)) {
                LOG.info("Removed {}: on Kafka the events stay in the topic, whose offsets a restore does not touch",
                    file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file + ": " + e.getMessage(), e);
        }
    }

    private static Instant taken(Path file) {
        try {
            return Instant.parse(new JsonObject(Files.readString(file)).getString("taken"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) { // not JSON, no "taken", not a time (DateTimeException, DecodeException, NPE)
            throw new IllegalStateException(file + " is not a backup's marker (JSON with \"taken\", the time the "
                + "backup was taken, such as {\"taken\":\"2026-12-02T03:15:00Z\"}); the hub does not start on a "
                + "restored folder without knowing since when: " + e.getMessage(), e);
        }
    }
}
