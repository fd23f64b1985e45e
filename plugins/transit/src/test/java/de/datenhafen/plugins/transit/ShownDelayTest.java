package de.datenhafen.plugins.transit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalTime;
import org.junit.jupiter.api.Test;

/**
 * The city page's delay is the difference of the two times it shows beside each other (a walk-through read
 * "03:50, 03:53 +4 Min.": 221 s rounded up while both times were cut to their minute).
 */
class ShownDelayTest {

    private static long at(String time) {
        return LocalTime.parse(time).toSecondOfDay();
    }

    @Test
    void theDelayIsTheDifferenceOfTheShownMinutes() {
        assertThat(DeparturesSection.shownDelay(at("03:50:00"), at("03:53:41"))).isEqualTo(3);
        assertThat(DeparturesSection.shownDelay(at("03:50:50"), at("03:51:20"))).isEqualTo(1); // 30 s, shown a minute on
        assertThat(DeparturesSection.shownDelay(at("03:50:10"), at("03:50:59"))).isZero(); // on time, as shown
        assertThat(DeparturesSection.shownDelay(at("03:50:00"), at("03:48:30"))).isEqualTo(-2);
    }
}
