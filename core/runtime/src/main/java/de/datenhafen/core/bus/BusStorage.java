package de.datenhafen.core.bus;

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
