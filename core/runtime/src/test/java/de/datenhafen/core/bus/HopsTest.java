package de.datenhafen.core.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HopsTest {

    @Test
    void aCountIsANonNegativeWholeNumberAndAHugeOneStaysHuge() {
        assertThat(Hops.count(3)).isEqualTo(3);
        assertThat(Hops.count(" 2 ")).isEqualTo(2);
        assertThat(Hops.count(null)).isZero();
        assertThat(Hops.count(-100)).as("a sender cannot buy rounds with a negative count").isZero();
        assertThat(Hops.count("-7")).isZero();
        assertThat(Hops.count("two")).isZero();
        assertThat(Hops.count(true)).isZero();
        assertThat(Hops.count("5.0")).as("a whole number however written").isEqualTo(5);
        assertThat(Hops.count("5e0")).isEqualTo(5);
        assertThat(Hops.count("+5")).isEqualTo(5);
        assertThat(Hops.count("4.5")).isZero();
        assertThat(Hops.count("0x5")).isZero();
        assertThat(Hops.count("")).isZero();
        assertThat(Hops.count("99999999999999999999999")).as("past a long").isEqualTo(Integer.MAX_VALUE);
        assertThat(Hops.count(Long.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aBatchsCountsAreByPlaceAndZeroWithoutThem() {
        assertThat(Hops.ofOne(null, List.of(0, 2, 1))).as("one event made of a batch: its largest").isEqualTo(2);
        assertThat(Hops.ofOne(3, List.of(0, 2))).isEqualTo(3);
        assertThat(Hops.ofOne(null, null)).isZero();
        assertThat(Hops.of(null, List.of(0, 2, 1), 3)).as("a consumer's batch as it came").containsExactly(0, 2, 1);
        assertThat(Hops.of(null, List.of(0, 2, 1), 2)).as("a batch a route changed: the largest for all")
            .containsExactly(2, 2);
        assertThat(Hops.of(null, List.of(0, 3), 1)).as("one event made of a batch").containsExactly(3);
        assertThat(Hops.of(1, null, 2)).as("a batch made of one event").containsExactly(1, 1);
        assertThat(Hops.of(null, List.of(0, 0), 2)).as("none counted").isNull();
        assertThat(Hops.of(null, null, 1)).isNull();
    }
}
