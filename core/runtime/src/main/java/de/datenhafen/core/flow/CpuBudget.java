package de.datenhafen.core.flow;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The time one evaluation of a flow's expression may take, counted as the evaluating thread's CPU time: a loop without
 * end is stopped by what it spends, not by how busy the machine is around it.
 *
 * <p>Why not the clock on the wall: it stopped legitimate work whenever the hub's two cores had other work. An event
 * of almost 1 MiB that a filter-and-map turns in about 250 ms alone took more than the 1,000 ms limit while a build
 * and a browser shared the machine, and a running flow would have dead-lettered it; under an ingest peak every flow
 * would. A runaway expression still ends after about the limit of CPU, however long that takes on the wall.
 *
 * <p>Cost: reading the thread's CPU clock took 1.4 us here (the clock on the wall 30 ns), as much as a whole small
 * transform. So it is read rarely: never while the wall clock says less than {@link #BASELINE_AFTER_NANOS} has passed
 * (most evaluations end before), once then for a baseline, and after that only while the wall clock is past the limit
 * (until then the CPU time cannot be), every {@value #READ_EVERY}th look. The baseline counts the time before it as
 * CPU time, so the budget errs by at most {@link #BASELINE_AFTER_NANOS} on the strict side. Where the JVM cannot
 * measure a thread's CPU time the wall clock decides.
 *
 * <p>A dry run has a limit on the wall for all its events ({@link #until}): every budget made on its thread meanwhile
 * is spent at that moment too, whatever its own CPU time, so one event of a hundred blocks cannot take a hundred
 * seconds before the run notices. An event has a share of CPU time for all its expressions ({@link EventBudget}): a
 * budget made with it is no larger than what is left of that share, and says so when that is what stopped it.
 *
 * <p>One evaluation, one thread: not thread-safe.
 */
final class CpuBudget {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean MEASURED = THREADS.isCurrentThreadCpuTimeSupported()
        && THREADS.isThreadCpuTimeEnabled();
    /** When the baseline is taken: 20 ms on the wall after the start. */
    static final long BASELINE_AFTER_NANOS = 20_000_000L;
    /** Past the limit on the wall, every how many looks the CPU clock is read. */
    static final int READ_EVERY = 64;
    private static final long NONE = Long.MIN_VALUE;

    /** The deadline of the work this thread runs under {@link #until}. */
    private static final ThreadLocal<Deadline> RUN_DEADLINE = new ThreadLocal<>();

    /** A moment on the wall ({@link System#nanoTime}), and what an evaluation stopped by it says. */
    private record Deadline(long nanos, String why) {
    }

    private final long limitNanos;
    private final long wallStart;
    /** The thread's run deadline when this budget was made, or null. */
    private final Deadline runDeadline;
    /** What an evaluation this budget stops at {@link #limitNanos} says, or null when that is its own limit. */
    private final String limitWhy;
    /** Why it was spent, when not by its own limit ({@link #stoppedBy}). */
    private String stoppedBy;
    /** The thread's CPU time at the start, as far as it is known (see the class comment); {@link #NONE} before. */
    private long cpuStart = NONE;
    private int looks;

    /** The calling thread's CPU time in nanoseconds, or -1 where the JVM does not measure it. About 1.4 us. */
    static long threadCpuNanos() {
        return MEASURED ? THREADS.getCurrentThreadCpuTime() : -1;
    }

    /** A budget of {@code limitNanos} from now, for the calling thread. */
    CpuBudget(long limitNanos) {
        this(limitNanos, null);
    }

    /**
     * A budget of {@code limitNanos} from now, for the calling thread, or of what is left of {@code event}'s share if
     * that is less (null: no share).
     */
    CpuBudget(long limitNanos, EventBudget event) {
        boolean shareDecides = event != null && event.leftNanos() < limitNanos;
        this.limitNanos = shareDecides ? event.leftNanos() : limitNanos;
        this.limitWhy = shareDecides ? event.why() : null;
        this.wallStart = System.nanoTime();
        this.runDeadline = RUN_DEADLINE.get();
    }

    /**
     * Runs {@code work} on this thread with every budget made meanwhile also spent at {@code deadlineNanos} on the wall
     * ({@link System#nanoTime}); the deadline is the thread's until {@code work} returns. {@code why} is what an
     * evaluation it stops says ({@link #stoppedBy}).
     */
    static void until(long deadlineNanos, String why, Runnable work) {
        Deadline before = RUN_DEADLINE.get();
        RUN_DEADLINE.set(new Deadline(deadlineNanos, why));
        try {
            work.run();
        } finally {
            if (before == null) {
                RUN_DEADLINE.remove();
            } else {
                RUN_DEADLINE.set(before);
            }
        }
    }

    /**
     * Why this budget was spent when something else than its own limit stopped it: the run's deadline ({@link #until})
     * or the event's share ({@link EventBudget}); null when it was its own limit, or it is not spent.
     */
    String stoppedBy() {
        return stoppedBy;
    }

    /**
     * The time spent since the budget was made: the thread's CPU time once the budget has read it (an evaluation past
     * {@link #BASELINE_AFTER_NANOS}), the time on the wall before (the strict side; it is short).
     */
    long usedNanos() {
        long wall = System.nanoTime() - wallStart;
        return MEASURED && cpuStart != NONE ? THREADS.getCurrentThreadCpuTime() - cpuStart : wall;
    }

    /** Whether the evaluation has spent its budget. Cheap: call it as often as the evaluation takes steps. */
    boolean spent() {
        long now = System.nanoTime();
        if (runDeadline != null && now - runDeadline.nanos() > 0) {
            stoppedBy = runDeadline.why();
            return true;
        }
        long wall = now - wallStart;
        if (wall <= Math.min(BASELINE_AFTER_NANOS, limitNanos)) {
            return false;
        }
        if (!MEASURED) {
            return overLimit(wall);
        }
        if (cpuStart == NONE) {
            cpuStart = THREADS.getCurrentThreadCpuTime() - wall;
            return overLimit(wall); // a share of less than the baseline's wait: the wall decides, strict side
        }
        if (wall <= limitNanos || ++looks % READ_EVERY != 0) {
            return false;
        }
        return overLimit(THREADS.getCurrentThreadCpuTime() - cpuStart);
    }

    private boolean overLimit(long spentNanos) {
        if (spentNanos <= limitNanos) {
            return false;
        }
        stoppedBy = limitWhy;
        return true;
    }
}
