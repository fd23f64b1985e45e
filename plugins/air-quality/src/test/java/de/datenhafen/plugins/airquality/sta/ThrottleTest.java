package de.datenhafen.plugins.airquality.sta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
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
        t.enter().close();

        // at once: without the burst (a bucket of one second's worth) this read would wait 800 ms; the bound leaves
        // room for a test thread that a loaded machine or a GC pause holds up for a while (50 ms could be that alone)
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(400);
    }

    @Test
    void aReadAfterTheBucketWentIntoDebtWaitsUntilItIsPaid() {
        Throttle t = new Throttle(HALF_A_SECOND);
        t.charge(1_000_000_000L + 100_000_000L); // the burst and 0.2 s of waiting

        long t0 = System.nanoTime();
        t.enter().close();

        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(150L, 2_000L);
    }

    @Test
    void aDebtOfMoreThanFiveSecondsIsA503SayingWhenToRetry() {
        Throttle t = new Throttle(HALF_A_SECOND);
        t.charge(1_000_000_000L + 4_000_000_000L);

        assertThatThrownBy(() -> t.enter().close()).isInstanceOfSatisfying(StaException.class, e -> {
            assertThat(e.status).isEqualTo(503);
            assertThat(e.getMessage()).isEqualTo("the SensorThings service is busy with large answers: retry in 8 s, "
                + "or ask for less");
        });
    }
    /**
     * A read that keeps using CPU (a loop that checks its ticket, as the in-memory work and the statements do) is
     * stopped once it has used its share with the bucket below the reserve, and it alone is refused: the next read
     * enters, where before the whole cost was charged after the read and the next one was a 503.
     */
    @Test
    void aReadThatDrainsTheBudgetIsStoppedAndTheNextReadEnters() {
        Throttle t = new Throttle(50_000_000L); // a burst of 100 ms: a read stopped after about a tenth of a second
        StaException stopped;
        try (Throttle.Ticket read = t.enter()) {
            stopped = burnUntilStopped();
        }

        assertThat(stopped.status).isEqualTo(503);
        assertThat(stopped.getMessage()).startsWith("this read was stopped: it needs more CPU time than one request "
            + "may take from the SensorThings service's shared read budget (read-cpu-per-second)");
        assertThatCode(() -> t.enter().close()).doesNotThrowAnyException();
    }

    @Test
    void aClientWhoseShareIsUsedUpIsRefusedAtOnceWhileAnotherEnters() {
        Throttle t = new Throttle(HALF_A_SECOND); // one client's bucket: 500 ms, refilled at 250 ms a second
        t.charge("192.0.2.1", 1_000_000_000L); // the shared bucket is empty, the client's 500 ms in debt

        assertThatThrownBy(() -> t.enter("192.0.2.1").close()).isInstanceOfSatisfying(StaException.class, e -> {
            assertThat(e.status).isEqualTo(503);
            assertThat(e.getMessage()).isEqualTo("your reads have used their share of the SensorThings service's "
                + "read budget (one client may use half of read-cpu-per-second): retry in 2 s, or ask for less");
        });
        long t0 = System.nanoTime();
        t.enter("192.0.2.2").close(); // waits for the shared bucket (a moment), not refused
        t.enter().close();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2_000L);
    }

    /**
     * One client's read stops at the client's half of the budget, before it takes the shared bucket below its
     * reserve: another client's read enters at once after it.
     */
    @Test
    void aClientsReadIsStoppedAtItsShareAndAnotherClientEntersAtOnce() {
        Throttle t = new Throttle(HALF_A_SECOND);
        StaException stopped;
        try (Throttle.Ticket read = t.enter("2001:db8:1:2::/64")) {
            stopped = burnUntilStopped();
        }

        assertThat(stopped.status).isEqualTo(503);
        assertThat(stopped.getMessage()).startsWith("this read was stopped: it needs more CPU time than one client may "
            + "take from the SensorThings service's read budget (half of read-cpu-per-second); ask for less");
        long t0 = System.nanoTime();
        t.enter("192.0.2.2").close();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(400L);
    }

    @Test
    void clientsAreForgottenLeastRecentlySeenFirstAndStartWithAFullShare() {
        Throttle t = new Throttle(HALF_A_SECOND);
        t.charge("192.0.2.1", 600_000_000L);
        for (int i = 0; i < Throttle.MAX_CLIENTS; i++) {
            t.enter("10.0." + (i >> 8) + "." + (i & 0xff)).close();
        }

        assertThatCode(() -> t.enter("192.0.2.1").close()).doesNotThrowAnyException();
    }

    /** Spends CPU until the read on this thread is stopped (at most 20 s, then the test fails). */
    static StaException burnUntilStopped() {
        long deadline = System.nanoTime() + 20_000_000_000L;
        double x = 1;
        while (System.nanoTime() < deadline) {
            try {
                Throttle.checkpoint();
            } catch (StaException e) {
                return e;
            }
            for (int i = 0; i < 1000; i++) {
                x = Math.sqrt(x + i);
            }
        }
        throw new AssertionError("the read was not stopped within 20 s (" + x + ")");
    }
}
