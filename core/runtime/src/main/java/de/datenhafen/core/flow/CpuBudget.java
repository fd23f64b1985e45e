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
 * seconds before the run notices.
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
    private boolean pastRunDeadline;
    /** The thread's CPU time at the start, as far as it is known (see the class comment); {@link #NONE} before. */
    private long cpuStart = NONE;
    private int looks;

    /** A budget of {@code limitNanos} from now, for the calling thread. */
    CpuBudget(long limitNanos) {
        this.limitNanos = limitNanos;
        this.wallStart = System.nanoTime();
        this.runDeadline = RUN_DEADLINE.get();
    }

    /**
     * Runs {@code work} on this thread with every budget made meanwhile also spent at {@code deadlineNanos} on the wall
     * ({@link System#nanoTime}); the deadline is the thread's until {@code work} returns. {@code why} is what an
     * evaluation it stops says ({@link #pastRunDeadline}).
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
     * Why this budget was spent by the run's deadline ({@link #until}), or null when it was not (by its own time, or
     * not spent).
     */
    String pastRunDeadline() {
        return pastRunDeadline ? runDeadline.why() : null;
    }

    /** Whether the evaluation has spent its budget. Cheap: call it as often as the evaluation takes steps. */
    boolean spent() {
        long now = System.nanoTime();
        if (runDeadline != null && now - runDeadline.nanos() > 0) {
            pastRunDeadline = true;
            return true;
        }
        long wall = now - wallStart;
        if (wall <= BASELINE_AFTER_NANOS) {
            return false;
        }
        if (!MEASURED) {
            return wall > limitNanos;
        }
        if (cpuStart == NONE) {
            cpuStart = THREADS.getCurrentThreadCpuTime() - wall;
            return false;
        }
        if (wall <= limitNanos || ++looks % READ_EVERY != 0) {
            return false;
        }
        return THREADS.getCurrentThreadCpuTime() - cpuStart > limitNanos;
    }
}
