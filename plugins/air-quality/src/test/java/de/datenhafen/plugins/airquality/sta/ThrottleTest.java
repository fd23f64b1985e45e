package de.datenhafen.plugins.airquality.sta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Half a second of CPU a second, in nanoseconds, as the connector's default. */
class ThrottleTest {

    private static final long HALF_A_SECOND = 500_000_000L;

    @Test
    void readsWithinTheRateAndItsBurstPassAtOnce() {
        Throttle t = new Throttle(HALF_A_SECOND);
        t.charge(900_000_000L);

        long t0 = System.nanoTime();
        t.enter();

        // at once: without the burst (a bucket of one second's worth) this read would wait 800 ms; the bound leaves
        // room for a test thread that a loaded machine or a GC pause holds up for a while (50 ms could be that alone)
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(400);
    }

    @Test
    void aReadAfterTheBucketWentIntoDebtWaitsUntilItIsPaid() {
        Throttle t = new Throttle(HALF_A_SECOND);
        t.charge(1_000_000_000L + 100_000_000L); // the burst and 0.2 s of waiting

        long t0 = System.nanoTime();
        t.enter();

        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(150L, 2_000L);
    }

    @Test
    void aDebtOfMoreThanFiveSecondsIsA503SayingWhenToRetry() {
        Throttle t = new Throttle(HALF_A_SECOND);
        t.charge(1_000_000_000L + 4_000_000_000L);

        assertThatThrownBy(t::enter).isInstanceOfSatisfying(StaException.class, e -> {
            assertThat(e.status).isEqualTo(503);
            assertThat(e.getMessage()).isEqualTo("the SensorThings service is busy with large answers: retry in 8 s, "
                + "or ask for less");
        });
    }
}
