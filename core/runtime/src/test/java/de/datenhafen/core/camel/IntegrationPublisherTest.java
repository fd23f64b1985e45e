package de.datenhafen.core.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.api.BusEvent;
import de.datenhafen.api.BusPublisher;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.RetryableException;
import de.datenhafen.core.bus.AppendResult;
import de.datenhafen.core.bus.NewEvent;
import de.datenhafen.core.bus.QuietEventLog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An integration's publisher on a log whose commit the test completes: {@code publishAsync} returns before the
 * commit, completes on the plugin's completion thread (not the thread that committed), and hands on the bus's refusals
 * as the very exceptions {@code publish} throws.
 */
class IntegrationPublisherTest {

    private static final RouteOwner OWNER = new RouteOwner("meters", "meters-plugin", "stadtwerke", null);
    private static final List<BusEvent> TWO = List.of(BusEvent.of("a", "room-1", Instant.EPOCH, "{}"),
        BusEvent.of("b", "room-1", Instant.EPOCH, "{}"));

    private final ExecutorService completions = Executors.newSingleThreadExecutor(r -> new Thread(r, "completions"));
    private final Log log = new Log();
    private RouteOwner running = OWNER;
    private final BusPublisher publisher = new IntegrationPublisher("meters", log, name -> running,
        plugin -> plugin.equals("meters-plugin") ? completions : null);

    @AfterEach
    void stop() {
        completions.shutdownNow();
    }

    @Test
    void publishAsyncReturnsBeforeTheCommitAndCompletesOffTheCommittingThread() throws Exception {
        CompletionStage<BusPublisher.Published> stage = publisher.publishAsync("meter.reading", TWO);
        CompletableFuture<String> thread = stage.thenApply(p -> Thread.currentThread().getName()).toCompletableFuture();

        assertThat(stage.toCompletableFuture()).isNotDone();
        assertThat(log.appended.get(0)).extracting(e -> e.event().getSource().toString())
            .containsOnly("/plugins/meters-plugin/integrations/meters");
        Thread writer = new Thread(() -> log.commit.complete(List.of(new AppendResult(7, false),
            new AppendResult(3, true))), "bus-writer");
        writer.start();

        // the dependent first: a thread waiting in the stage's own get() may run its dependents itself once it is
        // complete (CompletableFuture's helping), which made this name "main" now and then
        assertThat(thread.get(10, TimeUnit.SECONDS)).isEqualTo("completions");
        assertThat(stage.toCompletableFuture().get(10, TimeUnit.SECONDS))
            .isEqualTo(new BusPublisher.Published(List.of(7L, 3L), 1));
    }

    @Test
    void theBussRefusalsFailTheStageWithTheExceptionPublishThrows() {
        RetryableException closing = new RetryableException("the event log is shutting down", Duration.ofSeconds(5));
        RetryableException full = new RetryableException("the event log is busy: 40 events are waiting to be stored",
            Duration.ofSeconds(1));
        InvalidInputException tooMany = new InvalidInputException("a batch may hold at most 1 events, this one has 2",
            "events");

        for (RuntimeException refusal : List.of(closing, full, tooMany)) {
            log.commit = CompletableFuture.failedFuture(refusal);

            assertThat(failure(publisher.publishAsync("meter.reading", TWO))).isSameAs(refusal);
            assertThatThrownBy(() -> publisher.publish("meter.reading", TWO)).isSameAs(refusal);
        }
    }

    @Test
    void aFailedCommitReachesTheStageUnwrapped() throws Exception {
        CompletionStage<BusPublisher.Published> stage = publisher.publishAsync("meter.reading", TWO);
        IllegalStateException failed = new IllegalStateException("the event log's writer stopped");

        log.commit.completeExceptionally(failed);

        assertThat(failure(stage)).isSameAs(failed);
    }

    @Test
    void aStoppedIntegrationOrABadTypeFailsTheStageWithoutThrowingAndAppendsNothing() {
        assertThat(failure(publisher.publishAsync("meter.*", TWO))).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("publish needs one event type, not 'meter.*'");
        running = null;

        assertThat(failure(publisher.publishAsync("meter.reading", TWO))).isInstanceOf(IllegalStateException.class)
            .hasMessage("integration meters is not running: its publisher works while its routes run");
        assertThat(log.appended).isEmpty();
    }

    @Test
    void nothingToPublishCompletesAtOnceWithoutTheLog() {
        assertThat(publisher.publishAsync("meter.reading", List.of()).toCompletableFuture())
            .isCompletedWithValue(new BusPublisher.Published(List.of(), 0));
        assertThat(log.appended).isEmpty();
    }

    /** The exception a stage completed with, as a stage chained to it sees it; waits at most 10 s. */
    private static Throwable failure(CompletionStage<?> stage) {
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        stage.whenComplete((value, error) -> seen.complete(error));
        return seen.orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** A log that keeps what was appended and answers with {@link #commit}. */
    private static final class Log extends QuietEventLog {
        final List<List<NewEvent>> appended = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<List<AppendResult>> commit = new CompletableFuture<>();

        @Override
        public CompletableFuture<List<AppendResult>> append(List<NewEvent> events) {
            appended.add(events);
            return commit;
        }
    }
}
