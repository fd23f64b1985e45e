package de.datenhafen.core.ops;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's own timers (lease renewal, node heartbeat, change notices, retention, the hub's scheduler): made and
 * stopped so that a stop never interrupts their work in the middle.
 *
 * <p>Why: an interrupt that reaches a thread inside H2's file write closes H2's file channel
 * ({@code ClosedByInterruptException}), and H2 then closes the whole database. What that thread wrote is lost, and the
 * hub's stop can no longer close the database cleanly (it leaves {@code datenhafen.trace.db} and skips the compaction
 * at stop). {@code shutdownNow()} interrupts, so a stop that came while a lease was being renewed or retention was
 * deleting could break the database under the rest of the stop. {@link #stop} instead lets the task that is running
 * end, drops what is only scheduled (periodic and delayed tasks alike), and interrupts only what is still running
 * after the grace time.
 */
public final class Timers {

    private static final Logger LOG = LoggerFactory.getLogger(Timers.class);

    /** How long a stop waits for a timer's running task before it interrupts it. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private Timers() {
    }

    /**
     * A timer of one daemon thread with this name. Tasks scheduled for later do not run once it is stopped, and a
     * cancelled task leaves its queue at once.
     */
    public static ScheduledExecutorService of(String threadName) {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        timer.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /**
     * Runs {@code task} on {@code timer} every {@code every} after the one before ended, the first after {@code first}.
     * A turn that throws, even an {@link Error}, is logged with its stack and the task runs again at its next turn:
     * a {@link ScheduledExecutorService} would otherwise drop a periodic task at its first throw, without a word (a
     * node whose change notices or lease renewals stopped so would go on as if nothing happened).
     */
    public static ScheduledFuture<?> every(ScheduledExecutorService timer, String what, Duration first, Duration every,
                                           Runnable task) {
        return timer.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (Throwable t) {
                LOG.error("{} failed; it runs again in {} ms", what, every.toMillis(), t);
            }
        }, first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops the timer: nothing new starts, the running task (if any) may end within {@code grace}; only then is it
     * interrupted. Returns whether the timer ended within the grace time.
     */
    public static boolean stop(ScheduledExecutorService timer, Duration grace, String what) {
        timer.shutdown();
        try {
            if (timer.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            LOG.warn("{} still busy {} ms after the stop began: interrupted", what, grace.toMillis());
            timer.shutdownNow();
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            timer.shutdownNow();
            Thread.currentThread().interrupt();
        }
        return false;
    }
}
