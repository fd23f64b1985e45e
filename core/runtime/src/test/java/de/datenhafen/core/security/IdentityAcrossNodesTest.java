package de.datenhafen.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.node.Changes;
import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.TestDatabase;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes' identities on one database, each with its change notices read every 50 ms: what one node changes of
 * members, their tokens and the admin token, the other takes within the bound (each keeps members' states and the
 * checks of valid tokens in memory, and went on letting in a revoked token or a suspended member until it restarted).
 * {@code TwoNodesOnPostgresTest} shows the same through two hubs' HTTP APIs on PostgreSQL.
 */
class IdentityAcrossNodesTest {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final Principal ADMIN = Principal.bootstrap("admin-configured");

    @TempDir
    Path dir;

    private Database db;
    private Node a;
    private Node b;

    private record Node(TokenStore admin, Identity identity, Changes changes) implements AutoCloseable {

        static Node start(Database db, String id, String adminToken) {
            TokenStore admin = new TokenStore(db);
            admin.ensureAdmin(adminToken);
            Identity identity = new Identity(db, admin, new Passwords(1024, 1), Duration.ofHours(1),
                Duration.ofHours(8), new byte[32]);
            Changes changes = new Changes(db.dataSource(), id, Clock.systemUTC(), Duration.ofMillis(50));
            identity.shareChanges(changes);
            return new Node(admin, identity, changes);
        }

        boolean lets(String token) {
            return identity.bearer(token).isPresent();
        }

        @Override
        public void close() throws InterruptedException {
            changes.close();
            identity.close();
        }
    }

    @BeforeEach
    void start() {
        db = TestDatabase.H2.open(dir);
        a = Node.start(db, "node-a", "the-first-admin-token");
        b = Node.start(db, "node-b", "the-first-admin-token");
    }

    @AfterEach
    void stop() throws InterruptedException {
        a.close();
        b.close();
        db.close();
    }

    @Test
    void aMemberMadeOnOneNodeIsKnownToTheOtherAndItsTokenLetInAtOnce() {
        a.identity().members().create("luftblick", "Luftblick Sensorik GmbH", null);
        String secret = token(a, "luftblick").secret();

        assertThat(b.lets(secret)).isTrue(); // at once: a member B does not hold is read from the database
        await().atMost(BOUND).until(() -> "luftblick".equals(owner(b, "LUFTBLICK Sensorik GmbH")));
    }

    @Test
    void aTokenRevokedOnOneNodeIsRefusedByTheOtherThatHadItCached() {
        a.identity().members().create("luftblick", "Luftblick Sensorik GmbH", null);
        ApiTokens.Created made = token(a, "luftblick");
        String secret = made.secret();
        await().atMost(BOUND).until(() -> b.lets(secret)); // checked once on B: cached there for ten minutes

        a.identity().tokens().revoke("luftblick", made.token().id());

        assertThat(a.lets(secret)).isFalse();
        await().atMost(BOUND).until(() -> !b.lets(secret));
    }

    @Test
    void aMemberSuspendedOnOneNodeIsRefusedByTheOtherAndLetInAgainWhenActive() {
        a.identity().members().create("luftblick", "Luftblick Sensorik GmbH", null);
        String secret = token(a, "luftblick").secret();
        await().atMost(BOUND).until(() -> b.lets(secret));

        a.identity().members().state("luftblick", Members.SUSPENDED);
        await().atMost(BOUND).until(() -> !b.lets(secret));
        assertThat(b.identity().members().active("luftblick")).isFalse();

        a.identity().members().state("luftblick", Members.ACTIVE);
        await().atMost(BOUND).until(() -> b.lets(secret));
    }

    @Test
    void aSuspensionWhoseListenerFailsIsStillToldToTheOtherNode() {
        a.identity().members().create("luftblick", "Luftblick Sensorik GmbH", null);
        String secret = token(a, "luftblick").secret();
        assertThat(b.lets(secret)).isTrue();
        a.identity().members().onStateChange(id -> {
            throw new IllegalStateException("the sessions' database went away");
        });

        assertThatThrownBy(() -> a.identity().members().state("luftblick", Members.SUSPENDED))
            .hasMessage("the sessions' database went away");

        await().atMost(BOUND).until(() -> !b.lets(secret));
    }

    @Test
    void aChangeWhoseNoticeCannotBeWrittenIsNotMade() {
        a.identity().members().create("luftblick", "Luftblick Sensorik GmbH", null);
        ApiTokens.Created made = token(a, "luftblick");
        a.identity().members().announceWith((c, id) -> {
            throw new SQLException("no room for the notice");
        });
        a.identity().tokens().announceWith((c, id) -> {
            throw new SQLException("no room for the notice");
        });

        assertThatThrownBy(() -> a.identity().members().state("luftblick", Members.SUSPENDED))
            .isInstanceOf(IllegalStateException.class).hasMessage("cannot change member luftblick");
        assertThatThrownBy(() -> a.identity().tokens().revoke("luftblick", made.token().id()))
            .isInstanceOf(IllegalStateException.class).hasMessage("cannot revoke token " + made.token().id());

        // neither is made on this node, so neither is missed by the other
        assertThat(a.identity().members().require("luftblick").state()).isEqualTo(Members.ACTIVE);
        assertThat(a.lets(made.secret())).isTrue();
        assertThat(b.lets(made.secret())).isTrue();
    }

    @Test
    void aSuspensionMadeWhileANodeStartsIsNotMissedBetweenItsReadAndItsFirstNotice() throws InterruptedException {
        a.identity().members().create("luftblick", "Luftblick Sensorik GmbH", null);
        String secret = token(a, "luftblick").secret();
        // node C reads the members at its start (as Hub makes its Identity) ...
        TokenStore admin = new TokenStore(db);
        Identity c = new Identity(db, admin, new Passwords(1024, 1), Duration.ofHours(1), Duration.ofHours(8),
            new byte[32]);
        assertThat(c.bearer(secret)).isPresent();
        // ... node A suspends the member before C reads the notices, whose start counts every notice before as read
        a.identity().members().state("luftblick", Members.SUSPENDED);
        Changes changes = new Changes(db.dataSource(), "node-c", Clock.systemUTC(), Duration.ofMillis(50));
        try {
            c.shareChanges(changes);

            assertThat(c.bearer(secret)).isEmpty();
        } finally {
            changes.close();
            c.close();
        }
    }

    @Test
    void aMemberRenamedOnOneNodeIsFoundByItsNewNameOnTheOtherAndNotByItsOld() {
        a.identity().members().create("luftblick", "Luftblick Sensorik GmbH", null);
        await().atMost(BOUND).until(() -> "luftblick".equals(owner(b, "Luftblick Sensorik GmbH")));

        a.identity().members().update("luftblick", "Luftblick Umweltdaten GmbH", null);

        await().atMost(BOUND).until(() -> "luftblick".equals(owner(b, "Luftblick Umweltdaten GmbH")));
        assertThat(owner(b, "Luftblick Sensorik GmbH")).isNull();
    }

    @Test
    void anAdminTokenSetAnewAtOneNodesStartIsRefusedByTheOthersForTheOldOne() throws InterruptedException {
        assertThat(b.lets("the-first-admin-token")).isTrue(); // cached on B

        a.close();
        a = Node.start(db, "node-a", "the-second-admin-token"); // DATENHAFEN_ADMIN_TOKEN changed, node A restarted

        await().atMost(BOUND).until(() -> !b.lets("the-first-admin-token"));
        assertThat(b.lets("the-second-admin-token")).isTrue();
    }

    private static String owner(Node on, String provider) {
        return on.identity().members().ownerOf(provider);
    }

    private static ApiTokens.Created token(Node on, String member) {
        return on.identity().tokens().create(member, "uplinks", null, Set.of(Role.MEMBER_EDITOR), null, null, null,
            ADMIN);
    }

    /**
     * The first admin's code one node printed is taken at the other (behind a load balancer the setup page may reach
     * either; each node kept its own code, and the other refused it as wrong), and once used it is gone at both.
     */
    @Test
    void theFirstAdminsCodeOfOneNodeIsTakenAtTheOther() {
        String code = a.identity().firstAdmin().offer("node-a").orElseThrow().code();
        assertThat(b.identity().firstAdmin().offered()).as("the sign-in page of B says where to use a code").isTrue();
        assertThat(b.identity().firstAdmin().is(code)).isTrue();
        assertThat(b.identity().firstAdmin().is("not-" + code)).isFalse();

        Users.User admin = b.identity().firstAdmin().take(code, "Ein langer Anfang an der Trave 2027");

        assertThat(admin.roles()).contains(Role.HUB_ADMIN);
        assertThat(a.identity().firstAdmin().is(code)).as("used: gone at the node that printed it too").isFalse();
        assertThatThrownBy(() -> a.identity().firstAdmin().take(code, "Ein langer Anfang an der Trave 2027"))
            .isInstanceOf(de.datenhafen.api.InvalidInputException.class);
        assertThat(a.identity().firstAdmin().offer("node-a")).as("a restart offers none: there is a hub-admin")
            .isEmpty();
    }
}
