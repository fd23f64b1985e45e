package de.datenhafen.plugins.transit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A feed's default section on the city's page: one feed gets /abfahrten, a second one its api-path after it. */
class DeparturesSectionIdTest {

    @Test
    void theFirstFeedIsAbfahrtenAndAFeedWithAnApiPathHasItAppended() {
        assertThat(GtfsScheduleConnector.sectionId("")).isEqualTo("abfahrten");
        assertThat(GtfsScheduleConnector.sectionId("guarded")).isEqualTo("abfahrten-guarded");
    }

    @Test
    void anApiPathBecomesTheLettersASectionIdMayHaveAtMost32() {
        assertThat(GtfsScheduleConnector.sectionId("Regio/SH_Nord")).isEqualTo("abfahrten-regio-sh-nord");
        assertThat(GtfsScheduleConnector.sectionId("a-very-long-api-path-for-the-second-feed"))
            .isEqualTo("abfahrten-a-very-long-api-path-f").hasSizeLessThanOrEqualTo(32);
        assertThat(GtfsScheduleConnector.sectionId("///")).isEqualTo("abfahrten");
    }
}
