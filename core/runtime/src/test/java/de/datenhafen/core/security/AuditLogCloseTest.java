package de.datenhafen.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import de.datenhafen.core.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing the audit log right after entries were appended (a hub stopped just after an audited call) writes them and
 * leaves the database open for the hub to shut down cleanly. The writer used to be interrupted at close: inside H2's
 * file write that closes H2's file channel and with it the database, which left a trace file and lost the entries.
 */
class AuditLogCloseTest {

    @TempDir
    Path dir;

    @Test
    void aCloseJustAfterAppendsWritesThemAndLeavesTheDatabaseOpen() throws Exception {
        // a race: repeated, as one close may come before or after the write
        for (int round = 0; round < 8; round++) {
            Path folder = Files.createDirectory(dir.resolve("r" + round));
            try (Database db = Database.open("jdbc:h2:file:" + folder.resolve("hub").toAbsolutePath()
                + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE", "sa", "")) {
                AuditLog audit = new AuditLog(db);
                for (int i = 0; i < 5; i++) {
                    audit.append(new AuditLog.Entry(0, Instant.now(), "admin", "token", null, "POST /x", "/x/" + i,
                        201, "127.0.0.1", "r" + i, null));
                }
                audit.close();

                // bounded: on a database H2 closed after an interrupted write, a query spins without end
                long stored = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                    try (Connection c = db.connection(); Statement st = c.createStatement();
                         ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM audit_entry")) {
                        rs.next();
                        return rs.getLong(1);
                    }
                });
                assertThat(stored).as("round %d", round).isEqualTo(5);
            }
            try (Stream<Path> files = Files.list(folder)) {
                assertThat(files.map(p -> p.getFileName().toString())).as("round %d", round)
                    .containsExactly("hub.mv.db");
            }
        }
    }
}
