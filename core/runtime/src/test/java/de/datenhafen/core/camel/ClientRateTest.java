package de.datenhafen.core.camel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientRateTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aClientHasFiveSecondsWorthAtOnceThenTheRateAndOthersTheirOwn() {
        ClientRate rate = new ClientRate(2);
        for (int i = 0; i < 10; i++) {
            assertThat(rate.take("a", 0)).as("post %d", i).isZero();
        }
        assertThat(rate.take("a", 0)).isEqualTo(SECOND / 2);
        assertThat(rate.take("b", 0)).as("another client").isZero();
        assertThat(rate.take("a", SECOND / 2)).as("half a second later: one more").isZero();
        assertThat(rate.take("a", SECOND / 2)).isEqualTo(SECOND / 2);
        assertThat(rate.take("a", 100 * SECOND)).as("refilled, to the burst at most").isZero();
        for (int i = 0; i < 9; i++) {
            assertThat(rate.take("a", 100 * SECOND)).isZero();
        }
        assertThat(rate.take("a", 100 * SECOND)).isPositive();
    }

    @Test
    void holdsAtMostTenThousandClientsDroppingTheLongestUnused() {
        ClientRate rate = new ClientRate(1);
        for (int i = 0; i < 5; i++) {
            rate.take("first", 0);
        }
        assertThat(rate.take("first", 0)).isPositive();
        for (int i = 0; i < ClientRate.MAX_CLIENTS; i++) {
            rate.take("client-" + i, 0);
        }
        assertThat(rate.take("first", 0)).as("dropped, so full again").isZero();
    }
}
