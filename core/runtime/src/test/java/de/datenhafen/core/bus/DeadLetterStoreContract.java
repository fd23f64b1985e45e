package de.datenhafen.core.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DeadLetterStore} answers, in the database and in a Kafka topic: a subclass sets {@link #store} (on
 * {@link #clock}) with the subscriptions {@code webhook} and {@code archive} known.
 */
abstract class DeadLetterStoreContract {

    static final Instant T = Instant.parse("2026-11-26T08:00:00Z");

    MutableClock clock = new MutableClock(T);
    DeadLetterStore store;

    @Test
    void addsAndReadsBackADeadLetter() {
        Instant first = T.minus(Duration.ofMinutes(2));

        DeadLetter added = store.add("webhook", 17, "HTTP 500 from https://example.org/hook", 6, first);

        assertThat(store.get(added.id())).hasValue(
            new DeadLetter(added.id(), "webhook", 17, "HTTP 500 from https://example.org/hook", 6, first, T));
        assertThat(store.get(added.id() + 1000)).isEmpty();
    }

    @Test
    void cutsALongErrorTo4000Characters() {
        DeadLetter added = store.add("webhook", 1, "x".repeat(10_000), 1, null);

        assertThat(store.get(added.id()).orElseThrow().error()).hasSize(4000);
    }

    @Test
    void listsOneSubscriptionInPages() {
        for (int i = 1; i <= 5; i++) {
            store.add("webhook", i, "e" + i, 3, T);
            store.add("archive", 100 + i, "e" + i, 3, T);
        }

        var page1 = store.list("webhook", 0, 2);
        var page2 = store.list("webhook", page1.get(1).id(), 2);
        var page3 = store.list("webhook", page2.get(1).id(), 2);

        assertThat(page1).extracting(DeadLetter::eventSeq).containsExactly(1L, 2L);
        assertThat(page2).extracting(DeadLetter::eventSeq).containsExactly(3L, 4L);
        assertThat(page3).extracting(DeadLetter::eventSeq).containsExactly(5L);
    }

    @Test
    void listsCountsAndDeletesWhatMatchesAFilter() {
        store.add("webhook", 1, "connection refused", 5, T);
        clock.advance(Duration.ofHours(1));
        store.add("webhook", 2, "HTTP 500", 5, T);
        store.add("archive", 3, "disk full: 100%_used", 5, T);
        DeadLetterFilter refused = new DeadLetterFilter("webhook", null, null, "refused");
        DeadLetterFilter recent = new DeadLetterFilter(null, T.plus(Duration.ofMinutes(30)), null, null);
        DeadLetterFilter literal = new DeadLetterFilter(null, null, null, "100%_");

        assertThat(store.list(refused, 0, 10)).extracting(DeadLetter::eventSeq).containsExactly(1L);
        assertThat(store.list(recent, 0, 10)).extracting(DeadLetter::eventSeq).containsExactly(2L, 3L);
        assertThat(store.list(literal, 0, 10)).extracting(DeadLetter::eventSeq).containsExactly(3L);
        assertThat(store.count(DeadLetterFilter.ofSubscription("webhook"))).isEqualTo(2);

        assertThat(store.deleteMatching(recent)).isEqualTo(2);
        assertThat(store.list(DeadLetterFilter.ALL, 0, 10)).extracting(DeadLetter::eventSeq).containsExactly(1L);
    }

    @Test
    void deletesOneById() {
        DeadLetter d = store.add("webhook", 1, "e", 1, T);

        assertThat(store.delete(d.id())).isTrue();
        assertThat(store.delete(d.id())).isFalse();
    }

    @Test
    void recordsAFailedReplay() {
        DeadLetter d = store.add("webhook", 1, "HTTP 500", 5, T);
        clock.advance(Duration.ofMinutes(1));

        assertThat(store.recordFailure(d.id(), "HTTP 503")).hasValue(
            new DeadLetter(d.id(), "webhook", 1, "HTTP 503", 6, T, T.plus(Duration.ofMinutes(1))));
        assertThat(store.recordFailure(d.id() + 1000, "x")).isEmpty();
    }
}
