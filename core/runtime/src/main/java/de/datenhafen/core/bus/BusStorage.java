package de.datenhafen.core.bus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which storage the hub's bus uses ({@code bus.storage}): {@link ChunkedEventLog} for a new bus, and for one whose
 * events are all in chunks; {@link H2EventLog} (rows) when configured, or when the data folder's bus already holds
 * events as rows, stored before chunks became the default. Each storage reads only its own table, so switching such
 * a folder to chunks would hide its events; it keeps rows instead, and the start says so in the log. Called once at
 * the hub's start, before the log opens.
 */
public final class BusStorage {

    private static final Logger LOG = LoggerFactory.getLogger(BusStorage.class);

    /**
     * The file in the data folder that says what the last start chose ({@code chunks} or {@code rows}): the hub's
     * default database URL is made before the database opens, and its H2 settings depend on the storage (see
     * {@code HubConfig.dbUrl}).
     */
    public static final String CHOICE_FILE = "bus-storage";

    private BusStorage() {
    }

    /**
     * True for chunks. {@code configured} is the setting (true chunks, false rows), empty for {@code auto}.
     *
     * @throws IllegalStateException when the database cannot be read
     */
    public static boolean chunks(DataSource dataSource, Optional<Boolean> configured) {
        long rows = storedAsRows(dataSource);
        if (configured.isPresent()) {
            boolean chunks = configured.get();
            if (chunks && rows > 0) {
                LOG.warn("bus.storage=chunks: the {} events this bus holds as rows are not read by the chunked "
                    + "storage (set bus.storage=auto or rows to read them)", rows);
            }
            LOG.info("Bus storage: {} (bus.storage)", chunks ? "chunks" : "rows");
            return chunks;
        }
        if (rows > 0) {
            LOG.info("Bus storage: rows, because this data folder's bus holds {} events as rows, stored before chunks "
                + "became the default (bus.storage=auto; they stay readable)", rows);
            return false;
        }
        LOG.info("Bus storage: chunks (bus.storage=auto, no events stored as rows)");
        return true;
    }

    /** What the last start in this data folder chose (true: chunks), if it said. */
    public static Optional<Boolean> chosenBefore(Path dataDir) {
        try {
            return switch (Files.readString(dataDir.resolve(CHOICE_FILE), StandardCharsets.UTF_8).trim()) {
                case "chunks" -> Optional.of(true);
                case "rows" -> Optional.of(false);
                default -> Optional.empty();
            };
        } catch (IOException e) { // none yet (a folder from before this file), or unreadable: as if none
            return Optional.empty();
        }
    }

    /** Writes the choice for the next start, when it differs from the file's; a failure is a warning only. */
    public static void remember(Path dataDir, boolean chunks) {
        if (chosenBefore(dataDir).equals(Optional.of(chunks))) {
            return;
        }
        Path file = dataDir.resolve(CHOICE_FILE);
        Path tmp = dataDir.resolve(CHOICE_FILE + ".tmp");
        try {
            Files.writeString(tmp, (chunks ? "chunks" : "rows") + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("Could not write {} ({}): the next start opens the database as for rows", file, e.toString());
        }
    }

    /** How many events the row storage holds. */
    static long storedAsRows(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM bus_event")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the bus's storage: " + e.getMessage(), e);
        }
    }
}
