package de.datenhafen.core.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A dry run has a time for all its events, and it holds inside an event too: each block's expression has a second of
 * its own, so one event through a hundred blocks could take a hundred seconds if the run looked at its time only
 * between events.
 */
class DryRunTimeTest {

    /** A block whose expression counts to 10,000 in a loop (30 to 90 ms here) and then passes the data on. */
    private static final String BLOCK = "  - transform: '($f := function($n) { $n > 10000 ? $ : $f($n + 1) }; $f(0))'\n";

    @Test
    void theRunsTimeStopsAnEventInTheMiddleOfItsBlocksAndTheEventsAfterItAreNotRun() {
        String yaml = "name: blocks\nfrom:\n  bus: t.in\nsteps:\n" + BLOCK.repeat(FlowParser.MAX_BLOCKS - 1)
            + "  - bus: {type: t.out}\n";
        List<DryRun.Sample> samples = List.of(sample(), sample(), sample());
        long t0 = System.nanoTime();

        DryRun.Result r = DryRun.run(FlowManager.checked(yaml, null), samples, Duration.ofMillis(300), EventBudget.DEFAULT);

        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.emitted()).isEmpty();
        assertThat(r.failed()).containsExactly(
            Map.of("event", 0, "error", "the expression was stopped: the dry run's 0.3 s were used up; try it with "
                + "fewer events or a lighter flow"),
            Map.of("event", 1, "error", "not run: the dry run's 0.3 s were used up by the events before it; try it "
                + "with fewer events"),
            Map.of("event", 2, "error", "not run: the dry run's 0.3 s were used up by the events before it; try it "
                + "with fewer events"));
        // 99 blocks of 30 ms and more: 3 s at least if each block had only its own limit
        assertThat(ms).as("the dry run took (ms)").isLessThan(2_500);
    }

    /**
     * An event's blocks share its CPU time (the running flow's flows.event-cpu): ninety-nine blocks of 30 ms and more
     * stop at the event's 0.2 s, each event has a share of its own, and the run's time is not what stopped them.
     */
    @Test
    void anEventsBlocksStopAtTheEventsShareAndTheNextEventHasItsOwn() {
        String yaml = "name: blocks\nfrom:\n  bus: t.in\nsteps:\n" + BLOCK.repeat(FlowParser.MAX_BLOCKS - 1)
            + "  - bus: {type: t.out}\n";
        long t0 = System.nanoTime();

        DryRun.Result r = DryRun.run(FlowManager.checked(yaml, null), List.of(sample(), sample()),
            Duration.ofSeconds(10), Duration.ofMillis(200));

        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.emitted()).isEmpty();
        assertThat(r.failed()).hasSize(2).allSatisfy(f -> assertThat((String) f.get("error")).matches(
            "the expression (was stopped|was not run): the flow's expressions took more than 200 ms of CPU time for "
                + "this event, all together \\(flows.event-cpu\\)"));
        // 99 blocks of 30 ms and more, twice: 6 s at least if each block had only its own limit
        assertThat(ms).as("the dry run took (ms)").isLessThan(4_000);
    }

    /**
     * The parts of a split share their event's CPU, also through an aggregate of size 1 (each part a collection of
     * its own, completed on the event's thread): twenty parts through ten blocks of 30 ms and more stop at the
     * event's 0.2 s, not at 0.2 s a part (four seconds).
     */
    @Test
    void anAggregateOfOneAfterASplitDoesNotGiveEachPartAShareOfItsOwn() {
        String yaml = "name: parts\nfrom:\n  bus: t.in\nsteps:\n  - split: '[1..20]'\n  - aggregate: {size: 1, seconds: 60}\n"
            + BLOCK.repeat(10) + "  - bus: {type: t.out}\n";
        long t0 = System.nanoTime();

        DryRun.Result r = DryRun.run(FlowManager.checked(yaml, null), List.of(sample()), Duration.ofSeconds(10),
            Duration.ofMillis(200));

        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.emitted()).isEmpty();
        assertThat(ms).as("the dry run took (ms); a share a part would take 4 s of CPU").isLessThan(3_000);
    }

    @Test
    void aLightFlowIsNotTouchedByTheRunsTime() {
        String yaml = "name: light\nfrom:\n  bus: t.in\nsteps:\n" + BLOCK + "  - bus: {type: t.out}\n";

        DryRun.Result r = DryRun.run(FlowManager.checked(yaml, null), List.of(sample()), Duration.ofSeconds(10), EventBudget.DEFAULT);

        assertThat(r.failed()).isEmpty();
        assertThat(r.emitted()).hasSize(1);
    }

    private static DryRun.Sample sample() {
        return new DryRun.Sample("t.in", "s", null, null, "/test", Map.of("n", 1));
    }
}
