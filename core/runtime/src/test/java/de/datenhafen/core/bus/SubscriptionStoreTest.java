package de.datenhafen.core.bus;

import static de.datenhafen.core.bus.BusFixtures.readings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.api.ConflictException;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Subscriptions, on H2 and on PostgreSQL. */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
class SubscriptionStoreTest {

    @Parameter
    TestDatabase database;

    static final Instant T = Instant.parse("2026-11-26T08:00:00Z");

    @TempDir
    Path dir;

    Database db;
    MutableClock clock = new MutableClock(T);
    SubscriptionStore store;

    @BeforeEach
    void open() {
        db = database.open(dir);
        store = new SubscriptionStore(db.dataSource(), clock);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void createsAndReadsBackASubscription() {
        EventFilter filter = new EventFilter(List.of("air.*", "transit.alert"), "school-7/");

        store.create("air-dashboard", filter, 42);

        assertThat(store.get("air-dashboard")).hasValue(new Subscription("air-dashboard", filter, 42, T, T));
        assertThat(store.get("other")).isEmpty();
    }

    @Test
    void keepsAnEmptyTypeListAsAllTypes() {
        store.create("all", EventFilter.ALL, 0);

        assertThat(store.get("all").orElseThrow().filter()).isEqualTo(EventFilter.ALL);
    }

    @Test
    void refusesASecondSubscriptionOfTheSameName() {
        store.create("a", EventFilter.ALL, 0);

        assertThatThrownBy(() -> store.create("a", EventFilter.ofTypes("x"), 5))
            .isInstanceOf(ConflictException.class).hasMessage("subscription 'a' exists already");
        assertThat(store.get("a").orElseThrow().cursor()).isZero();
    }

    @Test
    void refusesAnInvalidName() {
        assertThatThrownBy(() -> store.create("no spaces", EventFilter.ALL, 0))
            .isInstanceOf(InvalidInputException.class)
            .hasFieldOrPropertyWithValue("field", "name");
    }

    @Test
    void listsByNameAndDeletes() {
        store.create("b", EventFilter.ALL, 0);
        store.create("a", EventFilter.ALL, 0);

        assertThat(store.list()).extracting(Subscription::name).containsExactly("a", "b");
        assertThat(store.delete("a")).isTrue();
        assertThat(store.delete("a")).isFalse();
        assertThat(store.list()).extracting(Subscription::name).containsExactly("b");
    }

    @Test
    void advancesTheCursorOnlyForward() {
        store.create("s", EventFilter.ALL, 10);
        clock.advance(Duration.ofMinutes(1));

        assertThat(store.advance("s", 15)).isTrue();
        assertThat(store.advance("s", 12)).isFalse();
        assertThat(store.advance("s", 15)).isFalse();

        Subscription s = store.get("s").orElseThrow();
        assertThat(s.cursor()).isEqualTo(15);
        assertThat(s.updated()).isEqualTo(T.plus(Duration.ofMinutes(1)));
    }

    @Test
    void advancingAnUnknownSubscriptionFails() {
        assertThatThrownBy(() -> store.advance("ghost", 3))
            .isInstanceOf(NotFoundException.class).hasMessage("no subscription 'ghost'");
    }

    @Test
    void seeksBackAndForward() {
        store.create("s", EventFilter.ALL, 100);

        assertThat(store.seek("s", 5).cursor()).isEqualTo(4);
        assertThat(store.seek("s", 500).cursor()).isEqualTo(499);
        assertThatThrownBy(() -> store.seek("ghost", 5)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void seeksToTheFirstEventStoredAtOrAfterATime() throws Exception {
        try (H2EventLog log = H2EventLog.start(db.dataSource(), H2EventLog.Settings.DEFAULTS.withClock(clock))) {
            for (int minute = 0; minute < 10; minute++) {
                log.append(readings("m" + minute, 3)).get(10, TimeUnit.SECONDS); // seqs 3m+1 .. 3m+3
                clock.advance(Duration.ofMinutes(1));
            }
            store.create("s", EventFilter.ALL, 30);

            assertThat(store.seekToTime("s", T.plus(Duration.ofMinutes(4))).cursor()).isEqualTo(12);
            assertThat(store.seekToTime("s", T.plusSeconds(4 * 60 + 1)).cursor()).isEqualTo(15);
            assertThat(store.seekToTime("s", T.minus(Duration.ofDays(1))).cursor()).isZero();
            assertThat(store.seekToTime("s", T.plus(Duration.ofHours(1))).cursor()).isEqualTo(30);
        }
    }
}
