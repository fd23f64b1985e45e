package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A hub that does not start in time fails its test class within the extension's time-out, with the stuck thread's
 * stack and a thread dump, instead of holding the test JVM (JUnit's time-outs do not reach extension callbacks).
 */
class HubLifecycleTimeoutTest {

    private static final Path ARCHIVES = TestDirs.create("lifecycle-timeout");

    @Test
    void failsWithTheStuckThreadsStackWhenTheHubDoesNotStartWithinTheTimeout() {
        // The hub waits up to 5 minutes for the plugin's start, which hangs for a minute; 20 s is well above a cold
        // start on a busy machine (6 s seen), so it is the plugin the hub is stuck on.
        HubExtension stuck = HubExtension.builder()
            .config(HubConfig.PLUGIN_CALL_TIMEOUT, "5m")
            .plugin(() -> Fixtures.hanging(ARCHIVES))
            .lifecycleTimeout(Duration.ofSeconds(20))
            .build();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream before = System.err;
        long t0 = System.nanoTime();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThatThrownBy(() -> stuck.beforeAll(null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the hub did not start within 20 s; a thread dump is in the test's output")
                .cause().hasMessage("where thread hub-start was after 20 s")
                .satisfies(where -> assertThat(Arrays.stream(where.getStackTrace())
                    .map(frame -> frame.getClassName() + "." + frame.getMethodName()))
                    .contains("de.datenhafen.core.plugin.PluginHost.loadAll"));
        } finally {
            System.setErr(before);
            stuck.afterAll(null);
        }

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(45));
        assertThat(err.toString(StandardCharsets.UTF_8))
            .startsWith("The hub did not start within 20 s.\n")
            .contains("\"plugin-hanging-1\" #")
            .contains("\tat de.datenhafen.fixtures.HangingPlugin.start(HangingPlugin.java:");
        // interrupted, the start gives up and the half-started hub closes: nothing of it is left to the next class
        await().atMost(Duration.ofSeconds(30)).until(() -> Thread.getAllStackTraces().keySet().stream()
            .noneMatch(t -> t.getName().equals("hub-start")));
    }
}
