package de.datenhafen.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes starting at once on one PostgreSQL database each store the configured admin token at start. They raced on
 * its row (each deletes it, then inserts it: the second insert met the first's row) and one node failed to start with
 * "cannot store token admin-configured" (seen when NodesOnPostgresIT started its three packaged hubs at once).
 */
class TokenStoreNodesAtOnceTest {

    private static final String TOKEN = "nodes-admin-token-0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void nodesStoringTheConfiguredAdminTokenAtOnceAllStart() throws Exception {
        int nodes = 4;
        List<Database> dbs = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            for (int i = 0; i < nodes; i++) {
                dbs.add(TestDatabase.POSTGRESQL.open(dir));
            }
            for (int round = 0; round < 40; round++) {
                if (round % 2 == 0) { // a new database (no row yet), and one where an earlier start left it
                    try (Connection c = dbs.get(0).connection(); Statement st = c.createStatement()) {
                        st.executeUpdate("DELETE FROM admin_token");
                    }
                }
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Optional<String>>> starts = new ArrayList<>();
                for (Database db : dbs) {
                    TokenStore store = new TokenStore(db);
                    starts.add(pool.submit(() -> {
                        go.await();
                        return store.ensureAdmin(TOKEN);
                    }));
                }
                go.countDown();
                for (Future<Optional<String>> f : starts) {
                    assertThat(f.get(1, TimeUnit.MINUTES)).as("round " + round).isEmpty();
                }
                try (Connection c = dbs.get(0).connection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*) FROM admin_token WHERE id = 'admin-configured' AND token_hash = ?")) {
                    ps.setString(1, TokenStore.hash(TOKEN));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("round " + round).isEqualTo(1);
                    }
                }
                assertThat(new TokenStore(dbs.get(0)).authenticate(TOKEN)).as("round " + round).isPresent();
            }
        } finally {
            pool.shutdownNow();
            dbs.forEach(Database::close);
        }
    }
}
