package de.datenhafen.core.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Flows whose blocks after a filter or an aggregate make no step of their own (none at all, or a dry run's throttles
 * and delays, which it skips) still run: Camel makes no route of a filter without a child, which had been a 500.
 */
class FlowShapesTest {

    @Test
    void aFilterFollowedByNothingOrOnlyByAThrottleOrADelayRunsInADryRun() {
        for (String after : List.of("", "  - throttle: {perSecond: 5}\n", "  - delay: {millis: 0}\n",
            "  - aggregate: {size: 2, seconds: 1}\n  - delay: {millis: 0}\n")) {
            String yaml = "name: ends\nfrom:\n  bus: t.in\nsteps:\n  - filter: n > 1\n" + after;

            DryRun.Result r = DryRun.run(FlowManager.checked(yaml, null), List.of(
                new DryRun.Sample("t.in", "s", null, null, "/test", Map.of("n", 2))));

            assertThat(r.failed()).as(after).isEmpty();
            assertThat(r.emitted()).as(after).isEmpty();
        }
    }
}
