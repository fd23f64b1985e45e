package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The snapshot behind GET sites, on a clock the test moves. */
class JsonSnapshotTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final AtomicInteger builds = new AtomicInteger();
    private final JsonSnapshot snapshot = new JsonSnapshot(
        () -> ("{\"build\":" + builds.incrementAndGet() + "}").getBytes(StandardCharsets.UTF_8), clock::get, 5, 60,
        TimeUnit.SECONDS);

    private String get() {
        return new String(snapshot.get(), StandardCharsets.UTF_8);
    }

    private void advanceSeconds(double s) {
        clock.addAndGet((long) (s * 1e9));
    }

    @Test
    void manyCallsWithinTheMaximumAgeShareOneBuild() {
        for (int i = 0; i < 1000; i++) {
            assertThat(get()).isEqualTo("{\"build\":1}");
            advanceSeconds(0.004);
        }
        assertThat(builds).hasValue(1);
    }

    @Test
    void theTimerRebuildsWhileTheAnswerIsAskedForSoCallsNeverBuild() {
        get();
        for (int second = 1; second <= 30; second++) {
            advanceSeconds(1);
            snapshot.refresh();
            assertThat(get()).isEqualTo("{\"build\":" + (second + 1) + "}");
        }
        assertThat(builds).hasValue(31);
    }

    @Test
    void theTimerBuildsNothingBeforeTheFirstCallNorAfterAMinuteWithoutOne() {
        snapshot.refresh();
        assertThat(builds).hasValue(0);

        get();
        advanceSeconds(61);
        snapshot.refresh();
        assertThat(builds).hasValue(1);
    }

    @Test
    void aCallAfterAnIdleSpellGetsAFreshBuildNotAnOldAnswer() {
        get();
        advanceSeconds(5.5);

        assertThat(get()).isEqualTo("{\"build\":2}");
    }
}
