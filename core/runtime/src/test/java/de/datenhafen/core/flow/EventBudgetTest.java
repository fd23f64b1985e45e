package de.datenhafen.core.flow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * An event's share is charged what its evaluations took, the short ones by the clock on the wall; near the share's
 * end the CPU clock decides, so time a busy machine took from the thread is not counted as spent.
 */
class EventBudgetTest {

    private static final long MS = 1_000_000L;

    @Test
    void nearItsEndTheShareCountsTheThreadsCpuTimeNotTheWallsCharges() {
        EventBudget budget = new EventBudget(100 * MS);
        budget.spend(60 * MS); // charged by the wall; the CPU clock is looked at from here
        budget.begin(1000 * MS);
        budget.spend(60 * MS); // another 60 ms on the wall, next to no CPU
        long charged = budget.leftNanos();

        budget.begin(1000 * MS);

        assertThat(charged).isEqualTo(-20 * MS);
        assertThat(budget.leftNanos()).as("what is left by the CPU clock").isBetween(20 * MS, 40 * MS);
    }

    @Test
    void aLightEventNeverReadsTheCpuClockAndSpendsWhatItWasCharged() {
        EventBudget budget = new EventBudget(100 * MS);
        budget.begin(1000 * MS);
        budget.spend(10 * MS);
        budget.begin(1000 * MS);

        assertThat(budget.leftNanos()).isEqualTo(90 * MS);
    }
}
