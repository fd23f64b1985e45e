package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertRuleTest {

    private final AlertRule rule = new AlertRule(2000, 1800, 1200);

    static List<AlertRule.Sample> series(int stepSeconds, int... co2) {
        List<AlertRule.Sample> out = new ArrayList<>();
        for (int i = 0; i < co2.length; i++) {
            out.add(new AlertRule.Sample(i * stepSeconds, co2[i]));
        }
        return out;
    }

    @Test
    void raisesAtTheFirstReadingMoreThanThirtyMinutesIntoARunAboveTheThreshold() {
        List<AlertRule.Episode> e = rule.episodes(series(600, 1500, 2100, 2200, 2300, 2400, 2100, 1800));

        assertThat(e).containsExactly(new AlertRule.Episode(600, 3000, 3600, 2400));
    }

    @Test
    void exactlyThirtyMinutesAboveDoesNotRaise() {
        assertThat(rule.episodes(series(600, 2100, 2100, 2100, 2100, 1000))).isEmpty();
    }

    @Test
    void exactlyTheThresholdIsNotAbove() {
        assertThat(rule.episodes(series(600, 2000, 2000, 2000, 2000, 2000, 2000))).isEmpty();
    }

    @Test
    void aGapLongerThanTheMaximumStartsTheCountAgain() {
        List<AlertRule.Sample> s = List.of(new AlertRule.Sample(0, 2500), new AlertRule.Sample(600, 2500),
            new AlertRule.Sample(3000, 2500), new AlertRule.Sample(3600, 2500), new AlertRule.Sample(4200, 2500),
            new AlertRule.Sample(4900, 2500));

        assertThat(rule.episodes(s)).containsExactly(new AlertRule.Episode(3000, 4900, null, 2500));
    }

    @Test
    void aRunStillGoingOnAtTheEndHasNoClearing() {
        assertThat(rule.episodes(series(900, 2500, 2500, 2500, 2500)))
            .containsExactly(new AlertRule.Episode(0, 2700, null, 2500));
    }
}
