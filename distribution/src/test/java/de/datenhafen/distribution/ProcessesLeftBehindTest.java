package de.datenhafen.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the test JVM ends at its exit: its own hubs and brokers, not any other child process. */
class ProcessesLeftBehindTest {

    @Test
    void endsTheHubsAndBrokersLeftRunningAndNothingElse() throws Exception {
        // stand-ins: a process whose command line names the hub's main class (as bin/datenhafen's java does), and one
        // that names nothing of ours
        Process hub = new ProcessBuilder("bash", "-c", "while :; do sleep 1; done", "de.datenhafen.core.Main").start();
        Process other = new ProcessBuilder("sleep", "301").start();
        try {
            assertThat(hub.toHandle().info().commandLine()).hasValueSatisfying(c -> assertThat(c)
                .contains("de.datenhafen.core.Main"));

            ProcessesLeftBehind.end();

            assertThat(hub.waitFor(10, TimeUnit.SECONDS)).as("the hub stand-in ended").isTrue();
            assertThat(other.isAlive()).as("the other child left alone").isTrue();
        } finally {
            hub.destroyForcibly();
            other.destroyForcibly();
        }
    }
}
