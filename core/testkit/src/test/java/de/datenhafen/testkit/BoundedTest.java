package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.PrintStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BoundedTest {

    @Test
    void returnsWhatTheTaskReturnsInTime() {
        assertThat(Bounded.call("quick", "start", Duration.ofSeconds(10), () -> "hub", late -> { })).isEqualTo("hub");
    }

    @Test
    void throwsWhatTheTaskThrewAsItIs() {
        IllegalArgumentException refused = new IllegalArgumentException("port 8080 is taken");

        assertThatThrownBy(() -> Bounded.call("refused", "start", Duration.ofSeconds(10), () -> {
            throw refused;
        }, late -> { })).isSameAs(refused);
    }

    @Test
    void handsAResultThatCameAfterTheTimeoutToTheLateHandlerSoItCanBeClosed() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> late = new AtomicReference<>();
        PrintStream before = System.err;
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        try {
            assertThatThrownBy(() -> Bounded.call("slow-start", "start", Duration.ofMillis(200), () -> {
                awaitIgnoringInterrupts(release);
                return "hub";
            }, late::set)).hasMessage("the hub did not start within 200 ms; a thread dump is in the test's output");
        } finally {
            System.setErr(before);
        }

        release.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> "hub".equals(late.get()));
    }

    private static void awaitIgnoringInterrupts(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // as badly written start code does
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
