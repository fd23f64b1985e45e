package de.datenhafen.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A stop that does not return (plugin code holding what the stop needs) ends the process at its deadline; one that
 * returns in time does not. The process's halt is a stand-in here: halting the test's JVM would end the test run.
 */
class StopDeadlineTest {

    @Test
    void aStopThatDoesNotReturnIsEndedAtItsDeadline() throws Exception {
        CountDownLatch halted = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        Thread stop = new Thread(() -> Main.closeWithin(() -> {
            try {
                never.await(); // a close that waits for what never comes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, Duration.ofMillis(300), halted::countDown));
        long t0 = System.nanoTime();
        stop.start();

        assertThat(halted.await(10, TimeUnit.SECONDS)).as("halted").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        never.countDown();
        stop.join(10_000);
    }

    @Test
    void aStopThatReturnsInTimeIsNotEnded() throws Exception {
        AtomicBoolean halted = new AtomicBoolean();
        Main.closeWithin(() -> { }, Duration.ofMinutes(1), () -> halted.set(true));
        // the watchdog ends with the stop, long before its deadline: nothing is left to halt the process later
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces()
            .keySet().stream().noneMatch(t -> t.getName().equals("shutdown-deadline")));
        assertThat(halted).isFalse();
    }

    @Test
    void theDeadlineIsTheStopsWaitAPluginCallAndTenSeconds() {
        var config = de.datenhafen.core.config.HubConfig.load(java.nio.file.Path.of("."), java.util.Map.of(
            "DATENHAFEN_SHUTDOWN_TIMEOUT", "1s", "DATENHAFEN_PLUGIN_CALL_TIMEOUT", "2s"), java.util.Map.of());
        assertThat(Main.stopDeadline(config)).isEqualTo(Duration.ofSeconds(13));
    }
}
