package de.datenhafen.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The default {@code publishAsync}, for publishers other than the hub's: {@code publish}'s outcome as a stage. */
class BusPublisherTest {

    private static final List<BusEvent> ONE = List.of(BusEvent.of("a", "room-1", Instant.EPOCH, "{}"));

    @Test
    void aPublisherWithOnlyPublishGivesItsResultAsACompletedStage() {
        BusPublisher publisher = (type, events) -> new BusPublisher.Published(List.of(41L), 0);

        assertThat(publisher.publishAsync("meter.reading", ONE).toCompletableFuture())
            .isCompletedWithValue(new BusPublisher.Published(List.of(41L), 0));
    }

    @Test
    void whatPublishThrowsFailsTheStageUnwrappedInsteadOfBeingThrown() {
        RetryableException busy = new RetryableException("the event log is busy", Duration.ofSeconds(1));
        BusPublisher publisher = (type, events) -> {
            throw busy;
        };

        CompletionStage<BusPublisher.Published> stage = publisher.publishAsync("meter.reading", ONE);

        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        stage.whenComplete((published, error) -> seen.complete(error));
        assertThat(seen).isCompletedWithValue(busy);
    }
}
