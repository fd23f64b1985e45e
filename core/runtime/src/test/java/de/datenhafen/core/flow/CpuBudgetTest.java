package de.datenhafen.core.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The flows' time limit counts the evaluating thread's CPU time, not the wall clock's. */
class CpuBudgetTest {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long LIMIT = TimeUnit.MILLISECONDS.toNanos(200);

    @Test
    void timeOffTheCpuDoesNotSpendIt() {
        CpuBudget budget = new CpuBudget(LIMIT);
        long end = System.nanoTime() + 3 * LIMIT;
        int looks = 0;
        while (System.nanoTime() < end) {
            // the thread waits, as an evaluation waits for a core on a busy machine: no CPU time spent
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            assertThat(budget.spent()).as("after %d looks", looks).isFalse();
            looks++;
        }
        assertThat(looks).isGreaterThan(CpuBudget.READ_EVERY); // past the limit on the wall, the CPU clock was read
    }

    @Test
    void aLoopOnTheCpuSpendsItAfterAboutTheLimit() {
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        CpuBudget budget = new CpuBudget(LIMIT);
        long x = 0;
        while (!budget.spent()) {
            x += System.nanoTime() % 3;
        }
        long spent = THREADS.getCurrentThreadCpuTime() - cpu0;
        assertThat(x).isNotNegative();
        assertThat(spent).as("CPU ns when the budget of %d ns was spent", LIMIT)
            .isBetween(LIMIT - CpuBudget.BASELINE_AFTER_NANOS, 2 * LIMIT);
    }

    @Test
    void aRunsDeadlineSpendsEveryBudgetMadeUnderItEvenOffTheCpuAndOnlyOnItsThread() {
        long deadline = System.nanoTime() + LIMIT;
        boolean[] seen = new boolean[3];
        CpuBudget.until(deadline, "the run's time was used up", () -> {
            CpuBudget budget = new CpuBudget(TimeUnit.SECONDS.toNanos(100)); // its own limit far off
            seen[0] = budget.spent();
            while (System.nanoTime() - deadline <= 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // waiting, no CPU spent
            }
            seen[1] = budget.spent() && "the run's time was used up".equals(budget.stoppedBy());
            seen[2] = new CpuBudget(TimeUnit.SECONDS.toNanos(100)).spent(); // one made after the deadline too
        });
        assertThat(seen).containsExactly(false, true, true);
        CpuBudget after = new CpuBudget(TimeUnit.SECONDS.toNanos(100));
        assertThat(after.spent()).as("the deadline ended with the run").isFalse();
        assertThat(after.stoppedBy()).isNull();
    }
}
