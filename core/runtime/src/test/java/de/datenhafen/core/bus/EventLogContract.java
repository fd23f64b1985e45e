package de.datenhafen.core.bus;

import static de.datenhafen.core.bus.BusFixtures.READING;
import static de.datenhafen.core.bus.BusFixtures.reading;
import static de.datenhafen.core.bus.BusFixtures.readings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.RetryableException;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EventLog} promises, whatever stores it: {@link H2EventLogTest} runs it on H2 and PostgreSQL (rows),
 * {@link ChunkedEventLogTest} on chunks, {@link KafkaEventLogTest} on a Kafka topic. A storage opens through
 * {@link #open}; opening again after {@link EventLog#close} must find what the first one stored.
 */
abstract class EventLogContract {

    EventLog log;

    /** Opens the storage under test: a new, empty one at a test's first call, the same one again after a close. */
    abstract EventLog open(H2EventLog.Settings settings);

    /** After the log is closed: releases what the storage needs (a database). */
    void closeStore() {
    }

    EventLog start(H2EventLog.Settings settings) {
        log = open(settings);
        return log;
    }

    @AfterEach
    void closeLog() {
        try {
            if (log != null) {
                log.close();
            }
        } finally {
            closeStore();
        }
    }

    static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void storesEventsInOrderAndReadsThemBackUnchanged() throws Exception {
        start(H2EventLog.Settings.DEFAULTS);
        List<NewEvent> batch = readings("a", 3);

        List<AppendResult> results = get(log.append(batch));

        assertThat(results).containsExactly(
            new AppendResult(1, false), new AppendResult(2, false), new AppendResult(3, false));
        assertThat(log.lastSequence()).isEqualTo(3);
        List<StoredEvent> stored = log.read(EventFilter.ALL, 0, 10);
        assertThat(stored).extracting(StoredEvent::sequence).containsExactly(1L, 2L, 3L);
        assertThat(stored).extracting(StoredEvent::member).containsOnly("airsense");
        assertThat(stored).extracting(StoredEvent::event)
            .containsExactly(batch.get(0).event(), batch.get(1).event(), batch.get(2).event());
    }

    @Test
    void keepsExtensionAttributesAndEventsWithoutData() throws Exception {
        start(H2EventLog.Settings.DEFAULTS);
        CloudEvent ce = CloudEventBuilder.v1()
            .withId("x1").withSource(URI.create("/gtfs/rt")).withType("transit.alert")
            .withExtension("traceparent", "00-abc-01").withExtension("priority", 3).withExtension("urgent", true)
            .build();

        get(log.append(List.of(new NewEvent(ce, "bus-company"))));

        assertThat(log.read(EventFilter.ALL, 0, 1).get(0).event()).isEqualTo(ce);
    }

    @Test
    void duplicateOfAStoredEventIsNotStoredAgainAndReportsTheEarlierSequence() throws Exception {
        start(H2EventLog.Settings.DEFAULTS);
        get(log.append(readings("a", 2)));

        List<AppendResult> again = get(log.append(List.of(reading("b-0"), reading("a-1"))));

        assertThat(again).containsExactly(new AppendResult(3, false), new AppendResult(2, true));
        assertThat(log.read(EventFilter.ALL, 0, 10)).hasSize(3);
    }

    @Test
    void duplicateWithinOneGroupIsStoredOnce() throws Exception {
        start(H2EventLog.Settings.DEFAULTS);

        List<AppendResult> results = get(log.append(List.of(reading("a"), reading("b"), reading("a"))));

        assertThat(results).containsExactly(
            new AppendResult(1, false), new AppendResult(2, false), new AppendResult(1, true));
        assertThat(log.lastSequence()).isEqualTo(2);
    }

    @Test
    void storedEventSentTwiceInOneBatchReportsTheStoredSequenceBothTimes() throws Exception {
        start(H2EventLog.Settings.DEFAULTS);
        get(log.append(readings("a", 2)));

        List<AppendResult> again = get(log.append(List.of(reading("a-1"), reading("b-0"), reading("a-1"),
            reading("b-0"))));

        assertThat(again).containsExactly(new AppendResult(2, true), new AppendResult(3, false),
            new AppendResult(2, true), new AppendResult(3, true));
        assertThat(log.read(EventFilter.ALL, 0, 10)).hasSize(3);
    }

    @Test
    void duplicateOlderThanTheDedupWindowIsStoredAgain() throws Exception {
        start(H2EventLog.Settings.DEFAULTS.withDedup(Duration.ofHours(1), 2));
        get(log.append(List.of(reading("a"), reading("b"))));
        get(log.append(List.of(reading("c"))));

        assertThat(get(log.append(List.of(reading("b"), reading("a")))))
            .containsExactly(new AppendResult(2, true), new AppendResult(4, false));
    }

    @Test
    void sameIdFromAnotherSourceIsNotADuplicate() throws Exception {
        start(H2EventLog.Settings.DEFAULTS);

        List<AppendResult> results = get(log.append(List.of(
            reading("urn:a", "1", READING, "s"), reading("urn:b", "1", READING, "s"))));

        assertThat(results).extracting(AppendResult::duplicate).containsExactly(false, false);
    }

    @Test
    void concurrentProducersShareCommitsAndGetGapFreeSequences() throws Exception {
        start(H2EventLog.Settings.DEFAULTS);
        AtomicLong commits = new AtomicLong();
        log.onCommit(seq -> commits.incrementAndGet());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<CompletableFuture<List<AppendResult>>> futures = new ArrayList<>();
        try {
            List<CompletableFuture<CompletableFuture<List<AppendResult>>>> submitted = new ArrayList<>();
            for (int p = 0; p < 8; p++) {
                int producer = p;
                for (int b = 0; b < 25; b++) {
                    int batch = b;
                    submitted.add(CompletableFuture.supplyAsync(
                        () -> log.append(readings("p" + producer + "b" + batch, 20)), pool));
                }
            }
            for (var s : submitted) {
                futures.add(get(s));
            }
            List<Long> seqs = new ArrayList<>();
            for (var f : futures) {
                List<AppendResult> r = get(f);
                assertThat(r).extracting(AppendResult::sequence).isSorted();
                r.forEach(x -> seqs.add(x.sequence()));
            }
            assertThat(seqs).hasSize(4000).doesNotHaveDuplicates();
            assertThat(seqs.stream().mapToLong(Long::longValue).max().getAsLong()).isEqualTo(4000);
            assertThat(log.read(EventFilter.ALL, 0, 5000)).extracting(StoredEvent::sequence)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 4000).boxed().toList());
            assertThat(commits.get()).isLessThanOrEqualTo(200);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusesAppendAtOnceWhenTheQueueIsFullAndStoresNothingOfIt() throws Exception {
        start(H2EventLog.Settings.DEFAULTS.withQueueCapacity(10));
        CountDownLatch writerHeld = new CountDownLatch(1);
        CountDownLatch release = holdWriterAfterCommit(writerHeld);
        CompletableFuture<List<AppendResult>> first = log.append(readings("first", 1));
        assertThat(writerHeld.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<List<AppendResult>> queued = log.append(readings("queued", 9));

        CompletableFuture<List<AppendResult>> refused = log.append(readings("refused", 2));

        assertThat(refused).isCompletedExceptionally();
        assertThatThrownBy(refused::join).cause().isInstanceOf(RetryableException.class)
            .hasMessageContaining("busy")
            .satisfies(e -> assertThat(((RetryableException) e).retryAfter()).isBetween(
                Duration.ofSeconds(1), Duration.ofSeconds(30)));
        release.countDown();
        assertThat(get(first)).hasSize(1);
        assertThat(get(queued)).hasSize(9);
        assertThat(log.read(EventFilter.ALL, 0, 100)).extracting(e -> e.event().getId())
            .noneMatch(id -> id.startsWith("refused"));
    }

    @Test
    void refusesAnAppendWhoseBytesWouldPassTheQueuesBytesButTakesALargeBatchAlone() throws Exception {
        start(H2EventLog.Settings.DEFAULTS.withQueueBytes(50_000));
        CountDownLatch writerHeld = new CountDownLatch(1);
        CountDownLatch release = holdWriterAfterCommit(writerHeld);
        CompletableFuture<List<AppendResult>> first = log.append(large("first", 1));
        assertThat(writerHeld.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<List<AppendResult>> queued = log.append(large("queued", 1));

        CompletableFuture<List<AppendResult>> refused = log.append(large("refused", 1)); // 3 x 20 KB > 50,000

        assertThatThrownBy(refused::join).cause().isInstanceOf(RetryableException.class)
            .hasMessage("the event log is busy: 2 events of 0 MiB are waiting to be stored");
        release.countDown();
        assertThat(get(first)).hasSize(1);
        assertThat(get(queued)).hasSize(1);
        // nothing waits now (the writer counts a group as gone just after it answered it): a larger batch goes alone
        await().atMost(Duration.ofSeconds(10)).until(() -> log.pendingEvents() == 0);
        assertThat(get(log.append(large("alone", 4)))).hasSize(4);
        assertThat(log.read(EventFilter.ALL, 0, 100)).extracting(e -> e.event().getId())
            .contains("first-0", "queued-0", "alone-3").noneMatch(id -> id.startsWith("refused"));
    }

    /** Holds the writer after each commit until the returned latch is counted down; {@code held} says it is held. */
    private CountDownLatch holdWriterAfterCommit(CountDownLatch held) {
        CountDownLatch release = new CountDownLatch(1);
        log.onCommit(seq -> {
            held.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return release;
    }

    /** Events with 20 KB of data each. */
    private static List<NewEvent> large(String prefix, int count) {
        List<NewEvent> out = new java.util.ArrayList<>();
        String padding = "x".repeat(20_000);
        for (int i = 0; i < count; i++) {
            out.add(new NewEvent(io.cloudevents.core.builder.CloudEventBuilder.v1().withId(prefix + "-" + i)
                .withSource(java.net.URI.create("/test/large")).withType("test.large")
                .withData("application/json", ("{\"p\":\"" + padding + "\"}").getBytes(
                    java.nio.charset.StandardCharsets.UTF_8)).build(), "hub"));
        }
        return out;
    }

    @Test
    void rejectsABatchLargerThanTheQueue() {
        start(H2EventLog.Settings.DEFAULTS.withQueueCapacity(5));

        CompletableFuture<List<AppendResult>> f = log.append(readings("big", 6));

        assertThatThrownBy(f::join).cause().isInstanceOf(InvalidInputException.class)
            .hasMessage("a batch may hold at most 5 events, this one has 6");
    }

    @Test
    void refusesAnEventWithATooLongIdBeforeItReachesTheLog() {
        start(H2EventLog.Settings.DEFAULTS);

        // EventRules, checked when the event is made: no path to the log skips it
        assertThatThrownBy(() -> reading("x".repeat(256))).isInstanceOf(InvalidInputException.class)
            .hasMessage("id has 256 characters; at most 255 are stored");
        assertThat(log.read(EventFilter.ALL, 0, 10)).isEmpty();
    }

    @Test
    void readsByTypePatternSubjectPrefixAndCursor() throws Exception {
        start(H2EventLog.Settings.DEFAULTS);
        get(log.append(List.of(
            reading("s", "1", "air.reading", "school-1/r1"),
            reading("s", "2", "transit.vehicle", "line-4"),
            reading("s", "3", "air.alarm", "school-2/r1"),
            reading("s", "4", "air_reading", "school-1/r2"),
            reading("s", "5", "air.reading", "school-1/r3"))));

        assertThat(ids(log.read(EventFilter.ofTypes("air.*"), 0, 10))).containsExactly("1", "3", "5");
        assertThat(ids(log.read(EventFilter.ofTypes("air.reading"), 1, 10))).containsExactly("5");
        assertThat(ids(log.read(EventFilter.ofTypes("air.alarm", "transit.*"), 0, 10))).containsExactly("2", "3");
        assertThat(ids(log.read(new EventFilter(List.of(), "school-1/"), 0, 10))).containsExactly("1", "4", "5");
        assertThat(ids(log.read(new EventFilter(List.of("air.*"), "school-1"), 0, 1))).containsExactly("1");
        assertThat(ids(log.read(EventFilter.ofTypes("*"), 3, 10))).containsExactly("4", "5");
    }

    /** A read up to a sequence stops there, within a group commit too, whatever the filter matches after it. */
    @Test
    void readsNoFurtherThanTheSequenceItIsGiven() throws Exception {
        start(H2EventLog.Settings.DEFAULTS);
        for (String group : List.of("a", "b", "c")) {
            get(log.append(readings(group, 3))); // sequences 1 to 9, three groups
        }

        assertThat(log.read(EventFilter.ALL, 0, 100, 5)).extracting(StoredEvent::sequence)
            .containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(log.read(EventFilter.ALL, 2, 100, 7)).extracting(StoredEvent::sequence)
            .containsExactly(3L, 4L, 5L, 6L, 7L);
        assertThat(log.read(EventFilter.ALL, 2, 2, 7)).extracting(StoredEvent::sequence).containsExactly(3L, 4L);
        assertThat(log.read(EventFilter.ofTypes("no.such.type"), 0, 100, 9)).isEmpty();
        assertThat(log.read(EventFilter.ALL, 8, 100, 8)).isEmpty();
        assertThat(log.read(EventFilter.ALL, 0, 100, Long.MAX_VALUE)).hasSize(9);
    }

    static List<String> ids(List<StoredEvent> events) {
        return events.stream().map(e -> e.event().getId()).toList();
    }

    @Test
    void tellsListenersTheLastSequenceAfterEachCommit() throws Exception {
        start(H2EventLog.Settings.DEFAULTS);
        List<Long> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        log.onCommit(told::add);

        get(log.append(readings("a", 4)));

        await().atMost(Duration.ofSeconds(5)).until(() -> told.contains(4L));
        assertThat(log.read(EventFilter.ALL, 0, 10)).hasSize(4);
    }

    @Test
    void closeFinishesQueuedAppendsAndRefusesLaterOnes() throws Exception {
        start(H2EventLog.Settings.DEFAULTS);
        List<CompletableFuture<List<AppendResult>>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(log.append(readings("c" + i, 10)));
        }

        log.close();

        for (var f : futures) {
            assertThat(f).isCompleted();
            assertThat(f.join()).hasSize(10);
        }
        assertThatThrownBy(() -> log.append(readings("late", 1)).join()).cause()
            .isInstanceOf(RetryableException.class).hasMessage("the event log is shutting down");
    }

    @Test
    void continuesTheSequenceAfterARestart() throws Exception {
        start(H2EventLog.Settings.DEFAULTS);
        get(log.append(readings("a", 5)));
        log.close();

        start(H2EventLog.Settings.DEFAULTS);

        assertThat(log.lastSequence()).isEqualTo(5);
        assertThat(get(log.append(List.of(reading("b"), reading("a-0")))))
            .containsExactly(new AppendResult(6, false), new AppendResult(1, true));
    }

    @Test
    void readsAcrossManyCommitsAfterARestartWithFiltersAndLimits() throws Exception {
        start(H2EventLog.Settings.DEFAULTS);
        for (int b = 0; b < 30; b++) {
            List<NewEvent> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int n = b * 10 + i;
                batch.add(reading("s", "e" + n, n % 3 == 0 ? "air.alarm" : "air.reading", "room-" + (n % 4)));
            }
            get(log.append(batch));
        }
        log.close();
        start(H2EventLog.Settings.DEFAULTS);

        assertThat(log.read(EventFilter.ALL, 0, 1000)).extracting(StoredEvent::sequence)
            .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 300).boxed().toList());
        assertThat(ids(log.read(EventFilter.ofTypes("air.alarm"), 95, 3))).containsExactly("e96", "e99", "e102");
        assertThat(ids(log.read(new EventFilter(List.of("air.reading"), "room-1"), 250, 100)))
            .containsExactlyElementsOf(java.util.stream.IntStream.range(250, 300)
                .filter(n -> n % 4 == 1 && n % 3 != 0).mapToObj(n -> "e" + n).toList());
        assertThat(log.read(EventFilter.ALL, 299, 10)).extracting(StoredEvent::sequence).containsExactly(300L);
        assertThat(log.read(EventFilter.ALL, 300, 10)).isEmpty();
        assertThat(log.read(EventFilter.ofTypes("transit.*"), 0, 10)).isEmpty();
    }

    @Test
    void countsEventsAfterACursorUpToACap() throws Exception {
        start(H2EventLog.Settings.DEFAULTS);
        for (int b = 0; b < 5; b++) {
            List<NewEvent> batch = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = b * 20 + i;
                batch.add(reading("s", "c" + n, n % 2 == 0 ? "air.alarm" : "air.reading", "room-" + (n % 5)));
            }
            get(log.append(batch));
        }

        assertThat(log.countAfter(EventFilter.ALL, 0, 1000)).isEqualTo(100);
        assertThat(log.countAfter(EventFilter.ALL, 30, 1000)).isEqualTo(70);
        assertThat(log.countAfter(EventFilter.ALL, 30, 25)).isEqualTo(25);
        assertThat(log.countAfter(EventFilter.ofTypes("air.alarm"), 0, 1000)).isEqualTo(50);
        assertThat(log.countAfter(EventFilter.ofTypes("air.*"), 95, 1000)).isEqualTo(5);
        assertThat(log.countAfter(new EventFilter(List.of(), "room-3"), 0, 1000)).isEqualTo(20);
        assertThat(log.countAfter(EventFilter.ofTypes("transit.*"), 0, 1000)).isZero();
        assertThat(log.countAfter(EventFilter.ALL, 100, 1000)).isZero();
    }

    @Test
    void findsTheFirstEventStoredAtOrAfterATime() throws Exception {
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-11-26T08:00:00Z"));
        start(H2EventLog.Settings.DEFAULTS.withClock(clock));
        for (int minute = 0; minute < 5; minute++) {
            get(log.append(readings("m" + minute, 3))); // seqs 3m+1 .. 3m+3
            clock.advance(Duration.ofMinutes(1));
        }

        assertThat(log.firstStoredAtOrAfter(java.time.Instant.parse("2026-11-26T08:02:00Z"))).isEqualTo(7);
        assertThat(log.firstStoredAtOrAfter(java.time.Instant.parse("2026-11-26T08:02:01Z"))).isEqualTo(10);
        assertThat(log.firstStoredAtOrAfter(java.time.Instant.parse("2026-11-25T08:00:00Z"))).isEqualTo(1);
        assertThat(log.firstStoredAtOrAfter(java.time.Instant.parse("2026-11-26T09:00:00Z"))).isZero();
    }
}
