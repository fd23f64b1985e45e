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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes starting at once on one PostgreSQL database each store the configured admin token at start. They raced on
 * its row (each deletes it, then inserts it: the second insert met the first's row) and one node failed to start with
 * "cannot store token admin-configured" (seen when NodesOnPostgresIT started its three packaged hubs at once).
 */
class TokenStoreNodesAtOnceTest {

    private static final String TOKEN = "nodes-admin-token-0123456789abcdef";
    private static final int NODES = 4;

    @TempDir
    Path dir;

    private final List<Database> dbs = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(NODES);

    /** Four nodes' pools on one PostgreSQL database. */
    @BeforeEach
    void nodes() {
        for (int i = 0; i < NODES; i++) {
            dbs.add(TestDatabase.POSTGRESQL.open(dir));
        }
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        dbs.forEach(Database::close);
    }

    @Test
    void nodesStoringTheConfiguredAdminTokenAtOnceAllStart() throws Exception {
        for (int round = 0; round < 40; round++) {
            if (round % 2 == 0) { // a new database (no row yet), and one where an earlier start left it
                try (Connection c = dbs.get(0).connection(); Statement st = c.createStatement()) {
                    st.executeUpdate("DELETE FROM admin_token");
                }
            }
            for (Optional<String> shown : startAtOnce(TOKEN)) {
                assertThat(shown).as("round " + round).isEmpty();
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
    }

    /**
     * Without a configured token, the first start makes one and shows it once. Nodes starting at once on a new
     * database: exactly one shows a token, and that token lets the admin in (a node that lost the race must not
     * replace the winner's token with its own, which it would not show).
     */
    @Test
    void nodesMakingTheInitialAdminTokenAtOnceShowOneThatWorks() throws Exception {
        for (int round = 0; round < 20; round++) {
            try (Connection c = dbs.get(0).connection(); Statement st = c.createStatement()) {
                st.executeUpdate("DELETE FROM admin_token");
            }
            List<String> shown = new ArrayList<>();
            startAtOnce(null).forEach(t -> t.ifPresent(shown::add));
            assertThat(shown).as("round " + round + ": tokens shown").hasSize(1);
            assertThat(new TokenStore(dbs.get(0)).authenticate(shown.get(0))).as("round " + round).isPresent();
        }
    }

    /** Each node's start ({@link TokenStore#ensureAdmin}) released at the same moment; what each showed. */
    private List<Optional<String>> startAtOnce(String token) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Optional<String>>> starts = new ArrayList<>();
        for (Database db : dbs) {
            TokenStore store = new TokenStore(db);
            starts.add(pool.submit(() -> {
                go.await();
                return store.ensureAdmin(token);
            }));
        }
        go.countDown();
        List<Optional<String>> shown = new ArrayList<>();
        for (Future<Optional<String>> f : starts) {
            shown.add(f.get(1, TimeUnit.MINUTES));
        }
        return shown;
    }
}
