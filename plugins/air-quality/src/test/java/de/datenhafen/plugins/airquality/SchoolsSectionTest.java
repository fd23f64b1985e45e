package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** The rules of the schools' section that the page states in words: the light, school time, the name search. */
class SchoolsSectionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aSchoolsLightIsTheBandMostOfItsRoomsAreInATieGoingToTheWorse() throws Exception {
        assertThat(SchoolsSection.light(JSON.readTree("{\"green\":10,\"yellow\":3,\"red\":1}")))
            .isEqualTo(Bands.Co2.GREEN);
        assertThat(SchoolsSection.light(JSON.readTree("{\"green\":4,\"yellow\":4,\"red\":0}")))
            .isEqualTo(Bands.Co2.YELLOW);
        assertThat(SchoolsSection.light(JSON.readTree("{\"green\":0,\"yellow\":0,\"red\":0}"))).isNull();
    }

    @Test
    void schoolTimeIsMondayToFridayFromEightToTenPastThree() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        assertThat(SchoolsSection.schoolTime(ZonedDateTime.of(2026, 12, 2, 8, 0, 0, 0, berlin))).isTrue();
        assertThat(SchoolsSection.schoolTime(ZonedDateTime.of(2026, 12, 2, 15, 9, 0, 0, berlin))).isTrue();
        assertThat(SchoolsSection.schoolTime(ZonedDateTime.of(2026, 12, 2, 15, 10, 0, 0, berlin))).isFalse();
        assertThat(SchoolsSection.schoolTime(ZonedDateTime.of(2026, 12, 2, 7, 59, 0, 0, berlin))).isFalse();
        assertThat(SchoolsSection.schoolTime(ZonedDateTime.of(2026, 12, 5, 10, 0, 0, 0, berlin))).isFalse();
    }

    @Test
    void theNameSearchForgivesUmlautsSharpSAndCase() {
        assertThat(SchoolsSection.fold("Grundschule Schloßstraße Lübeck")).isEqualTo("grundschule schlossstrasse "
            + "luebeck");
        assertThat(SchoolsSection.fold("Gymnasium Am Müh-lenteich")).contains("mueh-lenteich");
        assertThat(SchoolsSection.fold("École Française")).isEqualTo("ecole francaise");
    }
}
