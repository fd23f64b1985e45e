package de.datenhafen.core.bus;

import static de.datenhafen.core.bus.BusFixtures.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import de.datenhafen.api.InvalidInputException;
import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Retention on the row log, on H2 and on PostgreSQL; {@link ChunkedEventRetentionTest} runs the same on chunks. */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
class EventRetentionTest {

    @Parameter
    TestDatabase database;

    @TempDir
    Path dir;

    Database db;
    MutableClock clock = new MutableClock(Instant.parse("2026-11-26T08:00:00Z"));
    GroupCommitLog log;

    @BeforeEach
    void open() {
        db = database.open(dir);
        log = startLog();
    }

    GroupCommitLog startLog() {
        return H2EventLog.start(db.dataSource(), H2EventLog.Settings.DEFAULTS.withClock(clock));
    }

    EventRetention retention(List<RetentionPolicy> policies, int batchSize) {
        return new EventRetention(db.dataSource(), policies, clock, batchSize);
    }

    @AfterEach
    void close() {
        log.close();
        db.close();
    }

    private void append(String type, String prefix, int count) throws Exception {
        List<NewEvent> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batch.add(reading("urn:test", prefix + "-" + i, type, "s"));
        }
        log.append(batch).get(10, TimeUnit.SECONDS);
    }

    private long count(String type) {
        return log.read(EventFilter.ofTypes(type), 0, 100_000).size();
    }

    @Test
    void deletesEventsOlderThanTheMaximumAge() throws Exception {
        append("air.reading", "old", 30);
        clock.advance(Duration.ofHours(2));
        append("air.reading", "new", 20);
        append("transit.alert", "alert", 5);
        clock.advance(Duration.ofMinutes(30));
        EventRetention retention = retention(List.of(RetentionPolicy.maxAge("air.*", Duration.ofHours(1))), 7);

        assertThat(retention.runOnce()).isEqualTo(30);

        assertThat(log.read(EventFilter.ofTypes("air.reading"), 0, 100))
            .extracting(e -> e.event().getId()).allMatch(id -> id.startsWith("new")).hasSize(20);
        assertThat(count("transit.alert")).isEqualTo(5);
    }

    @Test
    void keepsTheNewestMaximumCountOfEachType() throws Exception {
        append("air.reading", "r", 25);
        append("air.alarm", "a", 4);
        append("transit.vehicle", "v", 12);
        EventRetention retention = retention(List.of(RetentionPolicy.maxCount("air.*", 10),
            RetentionPolicy.maxCount("transit.vehicle", 3)), 4);

        assertThat(retention.runOnce()).isEqualTo(15 + 9);

        assertThat(log.read(EventFilter.ofTypes("air.reading"), 0, 100)).extracting(StoredEvent::sequence)
            .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(16, 25).boxed().toList());
        assertThat(count("air.alarm")).isEqualTo(4);
        assertThat(count("transit.vehicle")).isEqualTo(3);
        assertThat(retention.runOnce()).isZero();
    }

    @Test
    void theMostSpecificPolicyWins() {
        EventRetention retention = retention(List.of(
            RetentionPolicy.maxCount("*", 1), RetentionPolicy.maxCount("air.*", 2),
            RetentionPolicy.maxCount("air.reading", 3)), 10);

        assertThat(retention.policyFor("air.reading").orElseThrow().maxCount()).isEqualTo(3);
        assertThat(retention.policyFor("air.alarm").orElseThrow().maxCount()).isEqualTo(2);
        assertThat(retention.policyFor("transit.alert").orElseThrow().maxCount()).isEqualTo(1);
    }

    @Test
    void aRestartAfterDeletingEverythingDoesNotReuseSequences() throws Exception {
        append("air.reading", "r", 5);
        retention(List.of(RetentionPolicy.maxCount("*", 0)), 2).runOnce();
        assertThat(log.read(EventFilter.ALL, 0, 10)).isEmpty();
        log.close();

        log = startLog();

        assertThat(log.append(List.of(reading("later"))).get(10, TimeUnit.SECONDS).get(0).sequence()).isEqualTo(6);
    }

    @Test
    void runsInTheBackgroundWhileTheLogTakesAppends() throws Exception {
        EventRetention retention = retention(List.of(RetentionPolicy.maxCount("air.reading", 50)), 10);
        retention.start(Duration.ofMillis(20));
        try {
            for (int i = 0; i < 20; i++) {
                append("air.reading", "b" + i, 20);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> count("air.reading") == 50);
            assertThat(log.read(EventFilter.ALL, 350, 100)).hasSize(50);
        } finally {
            retention.close();
        }
    }

    @Test
    void refusesAPolicyWithoutLimits() {
        assertThatThrownBy(() -> new RetentionPolicy("air.*", null, null))
            .isInstanceOf(InvalidInputException.class)
            .hasMessage("retention for 'air.*' needs a maximum age or count");
    }

    @Test
    void removesOnlyTheExpiredTypesFromEventsCommittedTogether() throws Exception {
        List<NewEvent> mixed = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            mixed.add(reading("urn:test", "m-" + i, i % 2 == 0 ? "air.reading" : "transit.alert", "s"));
        }
        log.append(mixed).get(10, TimeUnit.SECONDS);
        clock.advance(Duration.ofHours(2));
        append("air.reading", "fresh", 3);

        assertThat(retention(List.of(RetentionPolicy.maxAge("air.*", Duration.ofHours(1))), 100).runOnce())
            .isEqualTo(5);

        assertThat(log.read(EventFilter.ALL, 0, 100)).extracting(e -> e.event().getId())
            .containsExactly("m-1", "m-3", "m-5", "m-7", "m-9", "fresh-0", "fresh-1", "fresh-2");
        assertThat(log.countAfter(EventFilter.ALL, 0, 100)).isEqualTo(8);
        assertThat(log.countAfter(EventFilter.ofTypes("transit.alert"), 0, 100)).isEqualTo(5);
        log.close();
        log = startLog();
        assertThat(log.read(EventFilter.ofTypes("air.*"), 0, 100)).extracting(StoredEvent::sequence)
            .containsExactly(11L, 12L, 13L);
    }
}
