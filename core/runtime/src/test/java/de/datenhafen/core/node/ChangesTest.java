package de.datenhafen.core.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Change notices between two nodes on one database: what one announces, the other applies, once; a notice whose
 * listener fails (the database away for a moment, a class a plugin lacks) is applied at a later poll, without holding
 * up the notices after it, and given up after {@link Changes#ATTEMPTS}.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
@Timeout(120)
class ChangesTest {

    private static final Duration POLL = Duration.ofMillis(20);

    @Parameter
    TestDatabase database;

    @TempDir
    Path dir;

    private Database db;
    private Changes one;
    private Changes two;

    @BeforeEach
    void open() {
        db = database.open(dir);
        one = new Changes(db.dataSource(), "node-1", Clock.systemUTC(), POLL);
        two = new Changes(db.dataSource(), "node-2", Clock.systemUTC(), POLL);
    }

    @AfterEach
    void close() {
        one.close();
        two.close();
        db.close();
    }

    @Test
    void theOtherNodeAppliesANoticeOnceAndTheAnnouncingNodeNot() {
        List<String> onOne = new CopyOnWriteArrayList<>();
        List<String> onTwo = new CopyOnWriteArrayList<>();
        one.on("integration", onOne::add);
        two.on("integration", onTwo::add);

        one.announce("integration", "air-ingest");

        await().atMost(Duration.ofSeconds(10)).until(() -> onTwo.contains("air-ingest"));
        two.announce("integration", "marker"); // applied by node 1 after everything before it
        await().atMost(Duration.ofSeconds(10)).until(() -> onOne.contains("marker"));
        assertThat(onTwo).containsExactly("air-ingest");
        assertThat(onOne).containsExactly("marker");
    }

    @Test
    void aNoticeWhoseListenerFailedIsAppliedAtALaterPollAndHoldsUpNoOther() {
        AtomicInteger attempts = new AtomicInteger();
        List<String> applied = new CopyOnWriteArrayList<>();
        two.on("integration", name -> {
            if (name.equals("flaky") && attempts.incrementAndGet() <= 2) {
                if (attempts.get() == 1) {
                    throw new IllegalStateException("cannot read the integrations: the database is away");
                }
                throw new NoClassDefFoundError("org/example/Missing");
            }
            applied.add(name);
        });

        one.announce("integration", "flaky");
        one.announce("integration", "steady");

        await().atMost(Duration.ofSeconds(10)).until(() -> applied.contains("flaky"));
        assertThat(attempts).hasValue(3);
        assertThat(applied).containsExactlyInAnyOrder("flaky", "steady");
        assertThat(applied.indexOf("steady")).as("the later notice waited for no retry").isZero();
    }

    @Test
    void aNoticeThatKeepsFailingIsGivenUpAfterItsAttempts() {
        AtomicInteger attempts = new AtomicInteger();
        List<String> applied = new CopyOnWriteArrayList<>();
        two.on("integration", name -> {
            if (name.equals("broken")) {
                attempts.incrementAndGet();
                throw new IllegalStateException("always");
            }
            applied.add(name);
        });

        one.announce("integration", "broken");
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() >= Changes.ATTEMPTS);
        one.announce("integration", "after"); // applied after the last attempt's poll
        await().atMost(Duration.ofSeconds(10)).until(() -> applied.contains("after"));
        one.announce("integration", "later");
        await().atMost(Duration.ofSeconds(10)).until(() -> applied.contains("later"));

        assertThat(attempts).as("attempts at the broken notice").hasValue(Changes.ATTEMPTS);
    }
}
