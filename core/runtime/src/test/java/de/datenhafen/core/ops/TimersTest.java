package de.datenhafen.core.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class TimersTest {

    /**
     * A timer's task commits rows to an H2 file, as lease renewals and retention do, when the stop comes. An interrupt
     * there (shutdownNow) closes H2's file channel and with it the database; the stop must let the task end instead.
     */
    @Test
    void aStopLetsTheRunningDatabaseWorkEndAndTheDatabaseStaysUsable(@TempDir Path dir) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("t").toAbsolutePath() + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
        try (Connection keep = DriverManager.getConnection(url, "sa", "")) {
            keep.createStatement().execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(200))");
            for (int round = 0; round < 5; round++) {
                ScheduledExecutorService timer = Timers.of("test-timer");
                CountDownLatch started = new CountDownLatch(1);
                AtomicInteger committed = new AtomicInteger();
                AtomicReference<Throwable> failed = new AtomicReference<>();
                int base = round * 1_000_000;
                timer.execute(() -> {
                    try (Connection c = DriverManager.getConnection(url, "sa", "");
                         PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
                        c.setAutoCommit(false);
                        for (int i = 0; i < 400; i++) {
                            ps.setInt(1, base + i);
                            ps.setString(2, "x".repeat(200));
                            ps.executeUpdate();
                            c.commit();
                            committed.incrementAndGet();
                            started.countDown();
                        }
                    } catch (SQLException | RuntimeException e) {
                        failed.set(e);
                    }
                });
                assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

                boolean ended = Timers.stop(timer, Duration.ofSeconds(20), "test timer");

                assertThat(ended).as("the running task ended within the grace time").isTrue();
                assertThat(failed.get()).as("the task's own work").isNull();
                assertThat(committed.get()).isEqualTo(400);
                try (Statement st = keep.createStatement();
                     ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM t WHERE id >= " + base)) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("rows of round %d, read after the stop", round).isEqualTo(400);
                }
            }
        }
    }

    @Test
    void aTaskStillRunningAfterTheGraceIsInterrupted() throws Exception {
        ScheduledExecutorService timer = Timers.of("test-timer");
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        timer.execute(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(); // never counted down: only an interrupt ends it
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        long t0 = System.nanoTime();
        boolean ended = Timers.stop(timer, Duration.ofMillis(200), "test timer");

        assertThat(ended).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(5)).untilTrue(interrupted);
        assertThat(timer.isTerminated()).isTrue();
    }

    @Test
    void whatIsScheduledForLaterDoesNotRunOnceStopped() {
        ScheduledExecutorService timer = Timers.of("test-timer");
        AtomicInteger runs = new AtomicInteger();
        // due in 3 s: a stop that waited for them would take that long, while a stop on a loaded machine may take
        // a few hundred ms without waiting for anything (a bound just under a 300 ms delay could fail on that alone)
        timer.schedule(runs::incrementAndGet, 3, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(runs::incrementAndGet, 3000, 100, TimeUnit.MILLISECONDS);

        long t0 = System.nanoTime();
        assertThat(Timers.stop(timer, Duration.ofSeconds(5), "test timer")).isTrue();

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("no wait for the delayed tasks")
            .isLessThan(Duration.ofSeconds(2));
        // dropped, not left to run later: a stop that only shut the timer down would leave them queued
        assertThat(timer.isTerminated()).as("nothing left queued").isTrue();
        assertThat(runs.get()).isZero();
    }

    /**
     * A periodic task that throws, even an {@link Error} such as a plugin's missing class, runs again at its next turn;
     * a bare scheduled executor would have dropped it at the first throw without a word.
     */
    @Test
    void aTaskThatThrowsRunsAgainAtItsNextTurn() {
        ScheduledExecutorService timer = Timers.of("test-every");
        AtomicInteger turns = new AtomicInteger();
        try {
            Timers.every(timer, "A test task", Duration.ofMillis(1), Duration.ofMillis(5), () -> {
                int turn = turns.incrementAndGet();
                if (turn == 1) {
                    throw new NoClassDefFoundError("a/plugin/Missing");
                } else if (turn == 2) {
                    throw new IllegalStateException("the database is away");
                } else if (turn == 3) {
                    throw new StackOverflowError();
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> turns.get() >= 5);
        } finally {
            assertThat(Timers.stop(timer, Duration.ofSeconds(5), "the test timer")).isTrue();
        }
    }
}
