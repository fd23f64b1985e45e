package de.datenhafen.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.api.RetryableException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Password hashes wait in a bounded line: past it, a 503 at once instead of a place at its end. */
class PasswordHashingTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void pastTheBoundAHashIsRefusedAtOnceWithRetryAfterAndTheLineFreesAsHashesEnd() throws Exception {
        PasswordHashing hashing = new PasswordHashing(vertx.createSharedWorkerExecutor("test-passwords", 1), 2);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> first = hashing.submit(() -> {
            release.await(10, TimeUnit.SECONDS);
            return "first";
        });
        Future<String> second = hashing.submit(() -> "second"); // waits behind the first: in the line

        Future<String> third = hashing.submit(() -> "third");

        assertThat(third.failed()).as("refused without waiting").isTrue();
        assertThat(third.cause()).isInstanceOfSatisfying(RetryableException.class,
            e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(5)));
        release.countDown();
        assertThat(first.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(second.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo("second");
        assertThat(hashing.submit(() -> "after").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
            .isEqualTo("after");
    }

    @Test
    void aHashThatFailsFreesItsPlaceToo() throws Exception {
        PasswordHashing hashing = new PasswordHashing(vertx.createSharedWorkerExecutor("test-passwords", 1), 1);
        Future<String> failing = hashing.submit(() -> {
            throw new IllegalStateException("wrong password");
        });
        assertThat(failing.toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(10, TimeUnit.SECONDS))
            .hasMessageContaining("wrong password");

        assertThat(hashing.submit(() -> "next").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
            .isEqualTo("next");
    }
}
