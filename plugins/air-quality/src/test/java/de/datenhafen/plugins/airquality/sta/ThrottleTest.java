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
    void aClientWhoseShareIsUsedUpIsRefusedAtOnceWhileAnotherEntersAtOnce() {
        Throttle t = new Throttle(HALF_A_SECOND); // one client's bucket: 1 s, refilled at 250 ms a second
        t.charge("192.0.2.1", 1_500_000_000L); // 500 ms in debt

        assertThatThrownBy(() -> t.enter("192.0.2.1").close()).isInstanceOfSatisfying(StaException.class, e -> {
            assertThat(e.status).isEqualTo(503);
            assertThat(e.getMessage()).isEqualTo("your reads have used their share of the SensorThings service's "
                + "read budget (one client may use half of read-cpu-per-second): retry in 2 s, or ask for less");
        });
        long t0 = System.nanoTime();
        t.enter("192.0.2.2").close();
        t.enter().close();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(400L);
    }

    /**
     * Two reads of one client at once, the client's bucket nearly empty: both are stopped as soon as it is, within
     * their first 100 ms (which each would get alone), and the shared bucket keeps enough for another client to enter
     * at once. Before, each took 100 ms and more from the shared bucket, however many ran.
     */
    @Test
    void readsOfOneClientAtOnceAreStoppedWhenItsShareIsUsedAndAnotherClientEntersAtOnce() throws Exception {
        Throttle t = new Throttle(HALF_A_SECOND);
        t.charge("2001:db8:1:2::/64", 950_000_000L); // 50 ms left
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        java.util.concurrent.CountDownLatch bothIn = new java.util.concurrent.CountDownLatch(2);
        try {
            java.util.List<java.util.concurrent.Future<StaException>> reads = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                reads.add(two.submit(() -> {
                    try (Throttle.Ticket read = t.enter("2001:db8:1:2::/64")) {
                        bothIn.countDown();
                        bothIn.await();
                        return burnUntilStopped();
                    }
                }));
            }
            for (java.util.concurrent.Future<StaException> read : reads) {
                StaException stopped = read.get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(stopped.status).isEqualTo(503);
                assertThat(stopped.getMessage()).startsWith("this read was stopped: it needs more CPU time than one "
                    + "client may take from the SensorThings service's read budget (half of read-cpu-per-second); "
                    + "ask for less");
            }
        } finally {
            two.shutdownNow();
        }

        long t0 = System.nanoTime();
        t.enter("192.0.2.2").close();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(400L);
    }

    @Test
    void clientsAreForgottenLeastRecentlySeenFirstAndStartWithAFullBucket() {
        Throttle t = new Throttle(HALF_A_SECOND);
        t.charge("192.0.2.1", 1_200_000_000L); // 200 ms in debt
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
